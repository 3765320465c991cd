import { rateLimitWaitSeconds } from '../observability/metrics';

/**
 * Paces calls to a per-key budget (ShipStation: 40 requests/min per API key) from the X-Rate-Limit-* headers
 * the server returns, so a long backfill runs at the limit instead of bouncing off 429s.
 * The server's counter is the truth shared by every process using the key; this pacer only avoids asking
 * when the last answer said the window is spent, and reserves slots locally so concurrent calls in one process
 * don't race for the same one.
 */
interface Window {
  remaining: number | undefined;
  resetAt: number;
}

const windows = new Map<string, Window>();

export interface PaceHooks {
  /** Called while waiting, about every few seconds, so an activity can heartbeat. */
  onWait?: (msLeft: number) => void;
  signal?: AbortSignal;
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const t = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(t);
      reject(signal?.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

export async function waitForSlot(key: string, service: string, hooks: PaceHooks = {}): Promise<void> {
  for (;;) {
    const w = windows.get(key);
    const now = Date.now();
    if (!w || w.remaining === undefined || now >= w.resetAt || w.remaining > 0) {
      if (w && w.remaining !== undefined) {
        if (now >= w.resetAt) w.remaining = undefined; // a new window: the next answer tells us the budget
        else w.remaining -= 1;
      }
      return;
    }
    const ms = Math.min(w.resetAt - now + 50, 5_000);
    hooks.onWait?.(w.resetAt - now);
    rateLimitWaitSeconds.inc({ service }, ms / 1000);
    await sleep(ms, hooks.signal);
  }
}

/** Records what the server said about the window: `remaining` calls left, window resets in `resetSeconds`. */
export function observeWindow(key: string, remaining: number | undefined, resetSeconds: number | undefined): void {
  if (remaining === undefined || resetSeconds === undefined) return;
  const resetAt = Date.now() + resetSeconds * 1000;
  const w = windows.get(key);
  // Answers can arrive out of order; within one window keep the lowest remaining count seen.
  if (w && w.remaining !== undefined && Math.abs(w.resetAt - resetAt) < 1500) {
    w.remaining = Math.min(w.remaining, remaining);
    w.resetAt = Math.max(w.resetAt, resetAt);
  } else {
    windows.set(key, { remaining, resetAt });
  }
}

export function markExhausted(key: string, resetSeconds: number): void {
  windows.set(key, { remaining: 0, resetAt: Date.now() + resetSeconds * 1000 });
}

export const pacerSleep = sleep;
