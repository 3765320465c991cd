import { randomBytes } from 'node:crypto';
import { WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { NextFunction, Request, Response } from 'express';
import { bearerOf, secretsEqual } from '../auth';
import { KeyRing, type SessionSecrets } from '../key-ring';
import { AuthThrottle, recordAuthFailure, refuseIfThrottled } from '../throttle';

export const SESSION_COOKIE = 'ess_session';
export const SESSION_TTL_SECONDS = 12 * 3600;

/**
 * Browser sessions for the merchant page, without a server-side store: the cookie is `<expiry>.<nonce>.<sig>`,
 * signed with a key derived from the admin token. Any API process can check it, and rotating ADMIN_TOKEN
 * ends every session at once.
 */
export class WebSessions {
  private readonly keys: KeyRing;

  constructor(secrets: SessionSecrets) {
    this.keys = new KeyRing(secrets, 'ecwid-shipstation web session key v1');
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
    if (!this.keys.verify(`session:${exp}.${nonce}`, sig)) return false;
    return Number(exp) * 1000 > nowMs;
  }

  /** The session's random part, which names it (logout records it as ended). Only for a `valid` value. */
  nonceOf(value: string): string {
    return value.split('.')[1] ?? '';
  }

  /** The CSRF token of a session: forms carry it, so another site can't post with the merchant's cookie. */
  csrfToken(session: string): string {
    return this.mac(`csrf:${session}`);
  }

  csrfValid(session: string, given: unknown): boolean {
    return typeof given === 'string' && this.keys.verify(`csrf:${session}`, given);
  }

  private mac(data: string): string {
    return this.keys.mac(data);
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

/**
 * Sessions ended before their expiry (logout), recorded where every API process sees them. The signature alone
 * can't end a session: a stolen or shared cookie would work for its whole 12 hours after logout.
 */
export interface EndedSessions {
  end(nonce: string): Promise<void>;
  isEnded(nonce: string): Promise<boolean>;
}

/**
 * Ended sessions in Temporal, like spent OAuth states: logout starts `web-session-ended:<nonce>` (the no-op
 * `oneTimeTokenSpent` workflow), and every request with a session asks whether that ID exists (one describe,
 * measured at 1.6 ms on a local server; pages already make several Temporal calls, so no "still valid" answer is
 * cached, which could let a cookie outlive its logout at another process). The ID stays for the namespace's retention, at least a day,
 * longer than a session lives (12 h). Ended answers are kept in memory (they never change back).
 */
export function endedSessionsThroughTemporal(client: Client, taskQueue: string): EndedSessions {
  const ended = new Map<string, number>();
  const remember = (nonce: string) => {
    ended.set(nonce, Date.now() + SESSION_TTL_SECONDS * 1000);
    if (ended.size > 10_000) for (const [k, until] of ended) if (until < Date.now() || ended.size > 10_000) ended.delete(k);
  };
  const workflowId = (nonce: string) => `web-session-ended:${nonce}`;
  return {
    async end(nonce) {
      try {
        await client.workflow.start('oneTimeTokenSpent', {
          workflowId: workflowId(nonce),
          taskQueue,
          args: [],
          workflowIdConflictPolicy: 'FAIL',
          workflowIdReusePolicy: 'REJECT_DUPLICATE',
          staticSummary: 'Operator web session ended (logout)',
        });
      } catch (err) {
        if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
      }
      remember(nonce);
    },
    async isEnded(nonce) {
      if (ended.has(nonce)) return true;
      try {
        await client.workflow.getHandle(workflowId(nonce)).describe();
      } catch (err) {
        if (err instanceof WorkflowNotFoundError) return false;
        throw err; // Temporal unreachable: no page rather than a page for a session that may have ended
      }
      remember(nonce);
      return true;
    },
  };
}

/** The request's valid session value, if any: signed, unexpired and not ended by a logout. */
export async function sessionOf(sessions: WebSessions, req: Request, ended?: EndedSessions): Promise<string | undefined> {
  const value = readCookie(req, SESSION_COOKIE);
  if (value === undefined || !sessions.valid(value)) return undefined;
  if (ended && (await ended.isEnded(sessions.nonceOf(value)))) return undefined;
  return value;
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
 * sent to the login page; an API client gets 401 as from requireAdmin. Wrong bearer tokens are throttled.
 */
export function sessionOrBearer(
  adminToken: string,
  opts: { sessions?: WebSessions; ended?: EndedSessions; throttle?: AuthThrottle } = {},
) {
  const sessions = opts.sessions ?? new WebSessions(adminToken);
  const throttle = opts.throttle ?? new AuthThrottle();
  return (req: Request, res: Response, next: NextFunction): void => {
    const bearer = bearerOf(req);
    if (bearer !== undefined) {
      if (refuseIfThrottled(throttle, 'bearer', req, res)) return;
      if (secretsEqual(bearer, adminToken)) return next();
      recordAuthFailure(throttle, 'bearer', req);
    }
    sessionOf(sessions, req, opts.ended).then(
      (session) => {
        if (session) return next();
        if (req.method === 'GET' && req.accepts(['json', 'html']) === 'html') {
          res.redirect(302, `/login?next=${encodeURIComponent(safeNext(req.path))}`);
          return;
        }
        res.status(401).set('WWW-Authenticate', 'Bearer').json({ error: 'unauthorized', message: 'Authorization: Bearer <ADMIN_TOKEN> required' });
      },
      (err: unknown) => next(err),
    );
  };
}
