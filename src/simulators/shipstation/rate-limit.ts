/**
 * ShipStation V1's budget: N requests per window for each API key and secret, shared by every client of that
 * key (the server counts, so any number of client processes share it). A fixed window starts with the first
 * request; X-Rate-Limit-Reset is the seconds until it ends, rounded up.
 */
export interface RateDecision {
  allowed: boolean;
  limit: number;
  remaining: number;
  resetSeconds: number;
}

export class RateLimiter {
  private readonly windows = new Map<string, { start: number; used: number }>();

  constructor(
    readonly limit: number,
    private readonly windowMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Counts one request. A refused request (429) does not count. */
  take(key: string): RateDecision {
    const now = this.now();
    let w = this.windows.get(key);
    if (!w || now - w.start >= this.windowMs) {
      w = { start: now, used: 0 };
      this.windows.set(key, w);
    }
    const resetSeconds = Math.max(1, Math.ceil((w.start + this.windowMs - now) / 1000));
    if (w.used >= this.limit) return { allowed: false, limit: this.limit, remaining: 0, resetSeconds };
    w.used += 1;
    return { allowed: true, limit: this.limit, remaining: this.limit - w.used, resetSeconds };
  }
}
