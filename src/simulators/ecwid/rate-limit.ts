/**
 * Ecwid's limit: N requests per minute per token (600 by default). A fixed window that starts with a token's
 * first request; over the limit the answer is 429 with `Retry-After` = seconds until the window resets.
 */
export class FixedWindowLimiter {
  private readonly windows = new Map<string, { start: number; count: number }>();

  constructor(
    private readonly limit: number,
    private readonly now: () => number,
    private readonly windowMs = 60_000,
  ) {}

  /** Counts one request; returns undefined when allowed, else the seconds to wait. */
  hit(key: string): number | undefined {
    const now = this.now();
    let w = this.windows.get(key);
    if (!w || now >= w.start + this.windowMs) {
      w = { start: now, count: 0 };
      this.windows.set(key, w);
    }
    if (w.count >= this.limit) return Math.max(1, Math.ceil((w.start + this.windowMs - now) / 1000));
    w.count += 1;
    return undefined;
  }
}
