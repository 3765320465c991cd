/**
 * ShipStation V1's budget: N requests per window per API key and secret, shared by every client of the key.
 * Fixed window from the first request; X-Rate-Limit-Reset is the seconds until it resets.
 */
export class RateLimiter {
  private readonly windows = new Map<string, { start: number; used: number }>();

  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
  ) {}

  /** Counts one request; `allowed: false` means answer 429 (and it doesn't count). */
  take(key: string, now = Date.now()): { allowed: boolean; limit: number; remaining: number; resetSeconds: number } {
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
