import type { NextFunction, Request, Response } from 'express';
import type { RateLimiter } from './rate-limit';
import type { AccountState, SimState } from './state';

/** The Authorization header value for an API key and secret: `Basic base64(key:secret)`. */
export function basicAuth(apiKey: string, apiSecret: string): string {
  return `Basic ${Buffer.from(`${apiKey}:${apiSecret}`).toString('base64')}`;
}

function credentials(header: string | undefined): { key: string; secret: string } | undefined {
  const m = /^Basic\s+(\S+)$/i.exec(header ?? '');
  if (!m) return undefined;
  const decoded = Buffer.from(m[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':'); // the secret may itself contain ':'
  return colon < 0 ? undefined : { key: decoded.slice(0, colon), secret: decoded.slice(colon + 1) };
}

/**
 * Basic auth, then the per key+secret budget. A refused login costs nothing; every authenticated answer
 * (200, 400, 404, 429 alike) carries X-Rate-Limit-Limit/-Remaining/-Reset, and a 429 also Retry-After.
 */
export function authenticate(state: SimState, limiter: RateLimiter) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const c = credentials(req.headers.authorization);
    const acct = c && state.authenticate(c.key, c.secret);
    if (!c || !acct) {
      res.setHeader('WWW-Authenticate', 'Basic realm="ShipStation"');
      res.status(401).json({ Message: 'Authorization has been denied for this request.' });
      return;
    }
    const rl = limiter.take(`${c.key}:${c.secret}`);
    res.setHeader('X-Rate-Limit-Limit', String(rl.limit));
    res.setHeader('X-Rate-Limit-Remaining', String(rl.remaining));
    res.setHeader('X-Rate-Limit-Reset', String(rl.resetSeconds));
    if (!rl.allowed) {
      res.setHeader('Retry-After', String(rl.resetSeconds));
      // The real 429 body is undocumented (reference §8.1): clients must rely on the status and headers.
      res.status(429).json({ Message: 'Too Many Requests', ExceptionMessage: `Rate limit of ${rl.limit} requests per window exceeded.` });
      return;
    }
    res.locals.account = acct;
    next();
  };
}

/** The account `authenticate` attached to this request. */
export function accountOf(res: Response): AccountState {
  const acct = res.locals.account as AccountState | undefined;
  if (!acct) throw new Error('route mounted without authenticate()');
  return acct;
}
