import { isIP } from 'node:net';
import type { Request, Response } from 'express';
import { authFailures } from '../observability/metrics';

/** Failed attempts allowed per client address in a window; the next attempt is answered 429 until one ages out. */
export const AUTH_FAILURE_LIMIT = 20;
export const AUTH_FAILURE_WINDOW_MS = 60_000;
/** Addresses remembered at most: a flood from many addresses costs bounded memory (the oldest are forgotten). */
const MAX_ADDRESSES = 10_000;

/**
 * Failed logins and bearer tokens, per client address (`req.ip`: the proxy's X-Forwarded-For only when the proxy is
 * trusted, TRUST_PROXY). In memory, per API process: behind a load balancer of N processes an address gets up to
 * N × the limit, still far too few to guess a token. Shared across the login form and every bearer-token route, so
 * an attacker can't spread guesses over them.
 */
export class AuthThrottle {
  private readonly failures = new Map<string, number[]>();

  constructor(
    private readonly limit = AUTH_FAILURE_LIMIT,
    private readonly windowMs = AUTH_FAILURE_WINDOW_MS,
  ) {}

  /** Seconds before this address may try again (0: it may now). Checked before the credential is compared. */
  retryAfterSeconds(address: string, now = Date.now()): number {
    const recent = this.recent(address, now);
    if (recent.length < this.limit - 1) return 0;
    // The attempt that would be the limit-th failure is refused until the oldest of the window ages out.
    return Math.max(1, Math.ceil((recent[recent.length - (this.limit - 1)] + this.windowMs - now) / 1000));
  }

  fail(address: string, now = Date.now()): void {
    const recent = this.recent(address, now);
    recent.push(now);
    this.failures.delete(address);
    this.failures.set(address, recent); // most recently failing last: the first key is the one to forget
    if (this.failures.size > MAX_ADDRESSES) this.failures.delete(this.failures.keys().next().value as string);
  }

  private recent(address: string, now: number): number[] {
    const list = (this.failures.get(address) ?? []).filter((t) => t > now - this.windowMs);
    if (list.length === 0) this.failures.delete(address);
    else this.failures.set(address, list);
    return list;
  }
}

/**
 * The client address a failure is counted against. An IPv6 client is counted by its /64: one host usually holds a
 * whole /64, and counting single addresses would give it 2^64 fresh starts.
 */
export function clientAddress(req: Request): string {
  return throttleKey(req.ip ?? req.socket.remoteAddress ?? 'unknown');
}

export function throttleKey(ip: string): string {
  const v4 = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(ip);
  if (v4) return v4[1];
  if (isIP(ip) !== 6) return ip;
  const [head, tail] = ip.toLowerCase().split('::');
  const left = head ? head.split(':') : [];
  const right = tail !== undefined && tail !== '' ? tail.split(':') : [];
  const groups = tail === undefined ? left : [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right];
  return `${groups
    .slice(0, 4)
    .map((g) => g.replace(/^0+(?=.)/, ''))
    .join(':')}::/64`;
}

/**
 * Answers 429 (with Retry-After) if the address is throttled; true when it did. `html`: the body for browsers.
 */
export function refuseIfThrottled(throttle: AuthThrottle, kind: 'login' | 'bearer', req: Request, res: Response, html?: string): boolean {
  const wait = throttle.retryAfterSeconds(clientAddress(req));
  if (wait === 0) return false;
  authFailures.inc({ kind, outcome: 'throttled' });
  res.status(429).set('Retry-After', String(wait));
  if (html !== undefined) res.set('Cache-Control', 'no-store').type('html').send(html);
  else res.json({ error: 'too_many_attempts', message: `Too many failed attempts from this address; retry in ${wait} s` });
  return true;
}

/** Counts a failed attempt of this request's address. */
export function recordAuthFailure(throttle: AuthThrottle, kind: 'login' | 'bearer', req: Request): void {
  authFailures.inc({ kind, outcome: 'refused' });
  throttle.fail(clientAddress(req));
}
