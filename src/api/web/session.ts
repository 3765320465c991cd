import { createHmac, randomBytes } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import { secretsEqual } from '../auth';

export const SESSION_COOKIE = 'ess_session';
export const SESSION_TTL_SECONDS = 12 * 3600;

/**
 * Browser sessions for the merchant page, without a server-side store: the cookie is `<expiry>.<nonce>.<sig>`,
 * signed with a key derived from the admin token. Any API process can check it, and rotating ADMIN_TOKEN
 * ends every session at once.
 */
export class WebSessions {
  private readonly key: Buffer;

  constructor(adminToken: string) {
    // A derived key, so the admin token itself never signs anything a browser holds.
    this.key = createHmac('sha256', adminToken).update('ecwid-shipstation web session key v1').digest();
  }

  issue(nowMs = Date.now()): string {
    const exp = String(Math.floor(nowMs / 1000) + SESSION_TTL_SECONDS);
    const nonce = randomBytes(16).toString('base64url');
    return `${exp}.${nonce}.${this.mac(`session:${exp}.${nonce}`)}`;
  }

  /** true for a session this admin token signed that has not expired. */
  valid(value: string | undefined, nowMs = Date.now()): boolean {
    if (typeof value !== 'string' || value.length > 200) return false;
    const [exp, nonce, sig, extra] = value.split('.');
    if (!exp || !nonce || !sig || extra !== undefined || !/^\d{1,12}$/.test(exp)) return false;
    if (!secretsEqual(sig, this.mac(`session:${exp}.${nonce}`))) return false;
    return Number(exp) * 1000 > nowMs;
  }

  /** The CSRF token of a session: forms carry it, so another site can't post with the merchant's cookie. */
  csrfToken(session: string): string {
    return this.mac(`csrf:${session}`);
  }

  csrfValid(session: string, given: unknown): boolean {
    return typeof given === 'string' && secretsEqual(given, this.csrfToken(session));
  }

  private mac(data: string): string {
    return createHmac('sha256', this.key).update(data).digest('base64url');
  }
}

/** The value of one cookie (no cookie-parser: one cookie is all we read). */
export function readCookie(req: Request, name: string): string | undefined {
  const header = req.headers.cookie;
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) {
      try {
        return decodeURIComponent(part.slice(eq + 1).trim());
      } catch {
        return undefined;
      }
    }
  }
  return undefined;
}

/** The request's valid session value, if any. */
export function sessionOf(sessions: WebSessions, req: Request): string | undefined {
  const value = readCookie(req, SESSION_COOKIE);
  return value !== undefined && sessions.valid(value) ? value : undefined;
}

export function setSessionCookie(req: Request, res: Response, value: string): void {
  res.cookie(SESSION_COOKIE, value, {
    httpOnly: true,
    sameSite: 'strict',
    // Secure whenever the request arrived over HTTPS (directly or through the trusted loopback proxy).
    secure: req.secure,
    path: '/',
    maxAge: SESSION_TTL_SECONDS * 1000,
  });
}

export function clearSessionCookie(req: Request, res: Response): void {
  res.clearCookie(SESSION_COOKIE, { httpOnly: true, sameSite: 'strict', secure: req.secure, path: '/' });
}

/** Where a login may send the browser back to: our own pages only (never an open redirect). */
export function safeNext(raw: unknown): string {
  return typeof raw === 'string' && /^\/(?:stores\/\d{1,12}|connect\/ecwid)?$/.test(raw) ? raw : '/';
}

/**
 * `Authorization: Bearer <ADMIN_TOKEN>` (API clients) or a valid session cookie (the merchant page), e.g. for
 * GET /connect/ecwid, which the page's "Connect your Ecwid store" button opens. A browser without either is
 * sent to the login page; an API client gets 401 as from requireAdmin.
 */
export function sessionOrBearer(adminToken: string, sessions = new WebSessions(adminToken)) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const header = req.headers.authorization ?? '';
    const bearer = header.startsWith('Bearer ') ? header.slice(7).trim() : undefined;
    if (bearer !== undefined && secretsEqual(bearer, adminToken)) return next();
    if (sessionOf(sessions, req)) return next();
    if (req.method === 'GET' && req.accepts(['json', 'html']) === 'html') {
      res.redirect(302, `/login?next=${encodeURIComponent(safeNext(req.path))}`);
      return;
    }
    res.status(401).set('WWW-Authenticate', 'Bearer').json({ error: 'unauthorized', message: 'Authorization: Bearer <ADMIN_TOKEN> required' });
  };
}
