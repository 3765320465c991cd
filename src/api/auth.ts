import { createHash, timingSafeEqual } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import { AuthThrottle, recordAuthFailure, refuseIfThrottled } from './throttle';

/** Constant-time comparison of two secrets of any length (compares their hashes). */
export function secretsEqual(given: string | undefined, expected: string): boolean {
  if (typeof given !== 'string') return false;
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}

/**
 * The bearer token of a request: undefined when there is none. A header with characters no token has (non-ASCII,
 * controls) is a wrong token like any other: 401, never an error further down.
 */
export function bearerOf(req: Request): string | undefined {
  const header = req.headers.authorization ?? '';
  if (!header.startsWith('Bearer ')) return undefined;
  const token = header.slice(7).trim();
  return /^[\x21-\x7e]{1,512}$/.test(token) ? token : '';
}

/**
 * Admin routes: `Authorization: Bearer <ADMIN_TOKEN>`. Wrong tokens are counted per client address (`throttle`):
 * after AUTH_FAILURE_LIMIT - 1 of them in a minute, the address gets 429 with Retry-After, right or wrong.
 */
export function requireAdmin(adminToken: string, throttle = new AuthThrottle()) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const token = bearerOf(req);
    if (token !== undefined && refuseIfThrottled(throttle, 'bearer', req, res)) return;
    if (!secretsEqual(token, adminToken)) {
      if (token !== undefined) recordAuthFailure(throttle, 'bearer', req);
      res.status(401).set('WWW-Authenticate', 'Bearer').json({ error: 'unauthorized', message: 'Authorization: Bearer <ADMIN_TOKEN> required' });
      return;
    }
    next();
  };
}
