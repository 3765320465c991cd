import { rateLimitWaitSeconds } from '../observability/metrics';

/**
 * Paces calls to a per-key budget (ShipStation: 40 requests/min per API key) from the X-Rate-Limit-* headers
 * the server returns, so a long backfill runs at the limit instead of bouncing off 429s.
 * The server's counter is the truth shared by every process using the key; this pacer only avoids asking
 * when the last answer said the window is spent, and reserves slots locally so concurrent calls in one process
 * don't race for the same one.
 *
 * On top of the headers, a process may be given its own budget (SHIPSTATION_REQUESTS_PER_MINUTE): it never
 * starts more than that many calls per key in any rolling window. This is the only guard before the first answer
 * arrives, and the way to leave part of the key's budget to other apps that share it, which the server's
 * headers cannot express.
 */
interface Window {
  remaining: number | undefined;
  resetAt: number;
}

const windows = new Map<string, Window>();
/** Start times (ms) of this process's calls per key within the last local window, oldest first. */
const starts = new Map<string, number[]>();

/** This process's own cap: at most `perWindow` call starts per key in any rolling `windowMs` (default 60 s). */
export interface LocalBudget {
  perWindow: number;
  windowMs?: number;
}

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

export async function waitForSlot(key: string, service: string, hooks: PaceHooks = {}, budget?: LocalBudget): Promise<void> {
  for (;;) {
    const w = windows.get(key);
    const now = Date.now();
    // Both checks happen before either slot is taken, in one synchronous step, so concurrent callers can't race.
    const serverWait = !w || w.remaining === undefined || now >= w.resetAt || w.remaining > 0 ? 0 : w.resetAt - now;
    const localWait = serverWait > 0 ? 0 : localBudgetWait(key, now, budget);
    if (serverWait === 0 && localWait === 0) {
      if (w && w.remaining !== undefined) {
        if (now >= w.resetAt) w.remaining = undefined; // a new window: the next answer tells us the budget
        else w.remaining -= 1;
      }
      if (budget) {
        const log = starts.get(key);
        if (log) log.push(now);
        else starts.set(key, [now]);
      }
      return;
    }
    // Server waits get 50 ms of slack for clock skew; the local window is our own clock, so none is needed.
    const left = serverWait > 0 ? serverWait + 50 : localWait;
    const ms = Math.min(left, 5_000);
    hooks.onWait?.(left);
    rateLimitWaitSeconds.inc({ service }, ms / 1000);
    await sleep(ms, hooks.signal);
  }
}

/** How long until this process may start another call under its own budget (0: now). */
function localBudgetWait(key: string, now: number, budget: LocalBudget | undefined): number {
  if (!budget) return 0;
  const windowMs = budget.windowMs ?? 60_000;
  const log = starts.get(key);
  if (!log) return 0;
  while (log.length > 0 && log[0] <= now - windowMs) log.shift();
  if (log.length < budget.perWindow) return 0;
  // Full: wait until enough starts have left the window that one more fits (usually just the oldest; more if
  // the log holds more than this budget, as when another client of the key has a larger one).
  return Math.max(1, log[log.length - budget.perWindow] + windowMs - now);
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
