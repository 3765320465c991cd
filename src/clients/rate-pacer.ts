import { budgetRemaining, rateLimitWaitSeconds, slotWaitSeconds } from '../observability/metrics';

/**
 * Paces calls to a per-key budget (ShipStation: 40 requests/min per API key, shared by every store, process and
 * app that uses the key). Per key there is ONE queue of callers, ordered by priority then arrival, and ONE timer
 * that grants slots one at a time, so callers that waited for a window never burst into it together.
 *
 * A slot is granted when both allow it:
 * - the server's X-Rate-Limit-* headers: what the last answer said remains, less the slots granted since, spread
 *   over what is left of the window (40 a minute become one call every 1.5 s; an idle key's first call goes at
 *   once). When a window has ended nobody knows the new one's budget: one call goes, and the others wait for its
 *   answer. A 429 (another app on the key spent the window) closes the window until its reset.
 * - this process's own budget, if given (SHIPSTATION_REQUESTS_PER_MINUTE): call starts per key spread evenly over
 *   the minute, and never more in any rolling window. It is the way to leave part of the key's budget to other
 *   apps, which headers can't express.
 *
 * The server's counter is the truth shared by every process using the key; this pacer only avoids asking when
 * the answers say the window is spent, so several worker processes together stay within it.
 */

/** Who goes first when callers wait for the same key. */
export const PRIORITY = {
  /** Creating orders announced by webhooks or asked for by ID: a merchant is waiting for them. */
  live: 0,
  /** Everything else: reads, SHIP_NOTIFY resources, reconciliation, webhook subscriptions. */
  other: 1,
  /** Creating the orders of backfill and scheduled pages. */
  backfill: 2,
} as const;

const PRIORITY_NAMES = ['live', 'other', 'backfill'];

/** Slack on the server's reset time, for clock skew between us and the server. */
const RESET_SLACK_MS = 50;
/** After a window ended, how long the others wait for the first call's answer before another call may go. */
const FIRST_ANSWER_PATIENCE_MS = 2_000;
/** How often a waiting caller hears how long is left (activities heartbeat it). */
const WAIT_REPORT_MS = 5_000;
/** Answers whose reset times differ by less than this describe the same window (their seconds are rounded). */
const SAME_WINDOW_MS = 1_500;

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

export interface SlotRequest extends PaceHooks {
  /** Metric label of the waits (default 'shipstation'). */
  service?: string;
  /** Lower goes first (see PRIORITY). A function is asked again at each grant: a queue whose most urgent work changes. */
  priority?: number | (() => number);
  budget?: LocalBudget;
  /** Keeps an earlier place in the queue: a call that met a 429 waits again without going to the back. */
  place?: number;
}

/** The right to start one call. Tell the pacer what the server answered (or that no answer came). */
export interface Slot {
  /** The caller's place in the queue (pass it as `place` to wait again without losing it). */
  readonly place: number;
  readonly grantedAt: number;
  /** The call was answered with these X-Rate-Limit-Remaining / -Reset values (either may be missing). */
  answered(remaining?: number, resetSeconds?: number): void;
  /** The slot was not used after all: it goes back to the budget. */
  release(): void;
}

interface Waiter {
  place: number;
  priority: () => number;
  enqueuedAt: number;
  service: string;
  budget?: LocalBudget;
  hooks: PaceHooks;
  resolve: (slot: Slot) => void;
  reject: (err: unknown) => void;
  cleanup: () => void;
}

interface KeyState {
  waiters: Waiter[];
  timer?: NodeJS.Timeout;
  /** When the timer grants next. */
  nextAt?: number;
  /** What the server last said remains in its window, less the slots granted since. Undefined: unknown. */
  remaining?: number;
  resetAt?: number;
  /** When this process's first call of the current server window was granted (for the snapshot). */
  windowStartedAt?: number;
  /** Slots granted so far, numbering them: an answer is corrected by the slots granted after its own. */
  granted: number;
  lastGrantAt?: number;
  /** A call granted while the window was unknown, whose answer will tell the window: the others wait for it. */
  firstCall?: { grant: number; at: number };
  /** Start times of this process's calls, oldest first (local budget, snapshot). */
  starts: number[];
  keepMs: number;
}

const keys = new Map<string, KeyState>();
let arrivals = 0;

function stateOf(key: string): KeyState {
  let s = keys.get(key);
  if (!s) {
    s = { waiters: [], granted: 0, starts: [], keepMs: 60_000 };
    keys.set(key, s);
  }
  return s;
}

/** Waits for the right to start one call on `key`, in priority order, one grant at a time. */
export function acquireSlot(key: string, req: SlotRequest = {}): Promise<Slot> {
  const s = stateOf(key);
  const hooks: PaceHooks = { onWait: req.onWait, signal: req.signal };
  if (hooks.signal?.aborted) return Promise.reject(hooks.signal.reason);
  const prio = req.priority ?? PRIORITY.other;
  return new Promise<Slot>((resolve, reject) => {
    const w: Waiter = {
      place: req.place ?? ++arrivals,
      priority: typeof prio === 'function' ? prio : () => prio,
      enqueuedAt: Date.now(),
      service: req.service ?? 'shipstation',
      budget: req.budget,
      hooks,
      resolve,
      reject,
      cleanup: () => undefined,
    };
    if (req.budget?.windowMs) s.keepMs = Math.max(s.keepMs, req.budget.windowMs);
    s.waiters.push(w);
    pump(key, s);
    if (!s.waiters.includes(w)) return; // granted at once
    let reporter: NodeJS.Timeout | undefined;
    if (hooks.onWait) {
      const report = () => {
        const left = (s.nextAt ?? Date.now()) - Date.now();
        if (left > 0) hooks.onWait?.(left);
      };
      report();
      reporter = setInterval(report, WAIT_REPORT_MS);
    }
    const onAbort = () => {
      const i = s.waiters.indexOf(w);
      if (i < 0) return;
      s.waiters.splice(i, 1);
      w.cleanup();
      reject(hooks.signal?.reason);
      pump(key, s);
    };
    hooks.signal?.addEventListener('abort', onAbort, { once: true });
    w.cleanup = () => {
      if (reporter) clearInterval(reporter);
      hooks.signal?.removeEventListener('abort', onAbort);
    };
  });
}

/** Grants what can be granted now, then sets the one timer for the next grant. */
function pump(key: string, s: KeyState): void {
  if (s.timer) clearTimeout(s.timer);
  s.timer = undefined;
  s.nextAt = undefined;
  while (s.waiters.length > 0) {
    const now = Date.now();
    const head = mostUrgent(s);
    const wait = delayFor(s, now, head.budget);
    if (wait > 0) {
      s.nextAt = now + wait;
      s.timer = setTimeout(() => pump(key, s), wait);
      return;
    }
    s.waiters.splice(s.waiters.indexOf(head), 1);
    grant(key, s, head, now);
  }
}

function mostUrgent(s: KeyState): Waiter {
  let best = s.waiters[0];
  let bestPrio = best.priority();
  for (let i = 1; i < s.waiters.length; i++) {
    const w = s.waiters[i];
    const p = w.priority();
    if (p < bestPrio || (p === bestPrio && w.place < best.place)) {
      best = w;
      bestPrio = p;
    }
  }
  return best;
}

/** How long until the next slot may be granted (0: now). */
function delayFor(s: KeyState, now: number, budget: LocalBudget | undefined): number {
  if (s.resetAt !== undefined && now >= s.resetAt + RESET_SLACK_MS) endWindow(s);
  let wait = 0;
  if (s.remaining !== undefined && s.resetAt !== undefined) {
    if (s.remaining <= 0) wait = s.resetAt + RESET_SLACK_MS - now;
    // Spread what remains over what is left of the window (remaining + 1 gaps: the last slot lands before the reset).
    else if (s.lastGrantAt !== undefined) wait = s.lastGrantAt + (s.resetAt - s.lastGrantAt) / (s.remaining + 1) - now;
  } else if (s.firstCall) {
    wait = s.firstCall.at + FIRST_ANSWER_PATIENCE_MS - now;
  }
  return Math.max(0, Math.ceil(wait), localBudgetWait(s, now, budget));
}

function endWindow(s: KeyState): void {
  s.remaining = undefined;
  s.resetAt = undefined;
  s.windowStartedAt = undefined;
}

/**
 * How long until this process may start another call under its own budget (0: now). The budget is spread, one
 * call every `windowMs / perWindow` at most, as well as capped per rolling window: the server's headers may offer
 * a window's whole remainder in its last seconds, and spending the rolling budget there would leave nothing for
 * the next 45 seconds, with a minute's webhook orders waiting behind it.
 */
function localBudgetWait(s: KeyState, now: number, budget: LocalBudget | undefined): number {
  if (!budget) return 0;
  const windowMs = budget.windowMs ?? 60_000;
  const spacing = s.lastGrantAt !== undefined ? Math.ceil(s.lastGrantAt + windowMs / budget.perWindow - now) : 0;
  const log = s.starts.filter((t) => t > now - windowMs);
  if (log.length < budget.perWindow) return Math.max(0, spacing);
  // Full: wait until enough starts have left the window that one more fits.
  return Math.max(1, spacing, log[log.length - budget.perWindow] + windowMs - now);
}

function grant(key: string, s: KeyState, w: Waiter, now: number): void {
  s.granted += 1;
  const number = s.granted;
  if (s.remaining !== undefined) s.remaining -= 1;
  else s.firstCall = { grant: number, at: now }; // unknown window: this call's answer tells the others
  s.windowStartedAt ??= now;
  s.lastGrantAt = now;
  s.starts.push(now);
  while (s.starts.length > 0 && s.starts[0] <= now - s.keepMs) s.starts.shift();
  w.cleanup();
  const waited = (now - w.enqueuedAt) / 1000;
  if (waited > 0) rateLimitWaitSeconds.inc({ service: w.service }, waited);
  slotWaitSeconds.observe({ account: key, priority: PRIORITY_NAMES[w.priority()] ?? String(w.priority()) }, waited);
  let settled = false;
  w.resolve({
    place: w.place,
    grantedAt: now,
    answered: (remaining, resetSeconds) => {
      if (settled) return;
      settled = true;
      if (s.firstCall?.grant === number) s.firstCall = undefined;
      // Slots granted after this one may not have reached the server when it answered: count them as spent.
      if (remaining !== undefined && resetSeconds !== undefined) record(key, s, remaining - (s.granted - number), resetSeconds, now);
      pump(key, s);
    },
    release: () => {
      if (settled) return;
      settled = true;
      if (s.firstCall?.grant === number) s.firstCall = undefined;
      if (s.remaining !== undefined) s.remaining += 1;
      const i = s.starts.lastIndexOf(now);
      if (i >= 0) s.starts.splice(i, 1);
      pump(key, s);
    },
  });
}

function record(key: string, s: KeyState, remaining: number, resetSeconds: number, grantedAt: number): void {
  const now = Date.now();
  const resetAt = now + resetSeconds * 1000;
  if (s.resetAt !== undefined && s.remaining !== undefined) {
    // Answers can arrive out of order: one from an earlier window says nothing about this one.
    if (resetAt < s.resetAt - SAME_WINDOW_MS) return;
    if (Math.abs(s.resetAt - resetAt) < SAME_WINDOW_MS) {
      s.remaining = Math.min(s.remaining, remaining);
      // Each answer's reset (whole seconds, rounded up, counted from before we read it) is a bound the real reset
      // can't be after: the earliest one is the closest, and keeps the spacing from drifting later each answer.
      s.resetAt = Math.min(s.resetAt, resetAt);
      budgetRemaining.set({ account: key }, Math.max(0, s.remaining));
      return;
    }
  }
  s.remaining = remaining;
  s.resetAt = resetAt;
  s.windowStartedAt = Math.min(grantedAt, now);
  budgetRemaining.set({ account: key }, Math.max(0, remaining));
}

/** Records what the server said about the window outside a slot: `remaining` calls left, reset in `resetSeconds`. */
export function observeWindow(key: string, remaining: number | undefined, resetSeconds: number | undefined): void {
  if (remaining === undefined || resetSeconds === undefined) return;
  const s = stateOf(key);
  record(key, s, remaining, resetSeconds, Date.now());
  pump(key, s);
}

/** A 429: the window is spent (by another app on the key, or another process) until it resets. */
export function markExhausted(key: string, resetSeconds: number): void {
  const s = stateOf(key);
  const now = Date.now();
  s.remaining = 0;
  s.resetAt = Math.max(s.resetAt ?? 0, now + resetSeconds * 1000);
  s.windowStartedAt ??= now;
  budgetRemaining.set({ account: key }, 0);
  pump(key, s);
}

/** Waits for a slot and uses it without reporting an answer (callers that don't read rate-limit headers). */
export async function waitForSlot(key: string, service: string, hooks: PaceHooks = {}, budget?: LocalBudget): Promise<void> {
  const slot = await acquireSlot(key, { service, budget, ...hooks });
  slot.answered();
}

export interface PaceSnapshot {
  /** Callers of this process waiting for a slot on the key. */
  callsWaiting: number;
  /** Calls this process started in the server's current window (in the last minute while the window is unknown). */
  callsInCurrentWindow: number;
  remaining?: number;
  resetAt?: number;
}

/** What this process knows of a key's budget now (in memory only; see accountBudgetSnapshot). */
export function paceSnapshot(key: string): PaceSnapshot {
  const s = keys.get(key);
  if (!s) return { callsWaiting: 0, callsInCurrentWindow: 0 };
  const now = Date.now();
  const open = s.resetAt !== undefined && now < s.resetAt + RESET_SLACK_MS;
  const since = open && s.windowStartedAt !== undefined ? s.windowStartedAt : now - 60_000;
  return {
    callsWaiting: s.waiters.length,
    callsInCurrentWindow: s.starts.filter((t) => t >= since).length,
    remaining: open ? Math.max(0, s.remaining ?? 0) : undefined,
    resetAt: open ? s.resetAt : undefined,
  };
}

/** The keys this process has paced calls for. */
export function pacedKeys(): string[] {
  return [...keys.keys()];
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

export const pacerSleep = sleep;

/**
 * What a key's budget has spent, to hand to the account's next owner (another process): the starts of the last
 * window and the server's window as last seen. Times are epoch milliseconds.
 */
export interface BudgetLease {
  starts: number[];
  remaining?: number;
  resetAt?: number;
}

/** This process's spending on `key`, as a lease for the next owner. */
export function budgetLeaseOf(key: string): BudgetLease {
  const s = keys.get(key);
  if (!s) return { starts: [] };
  const now = Date.now();
  const open = s.resetAt !== undefined && now < s.resetAt + RESET_SLACK_MS;
  return {
    starts: s.starts.filter((t) => t > now - s.keepMs),
    ...(open && s.remaining !== undefined ? { remaining: Math.max(0, s.remaining), resetAt: s.resetAt } : {}),
  };
}

/**
 * A new owner takes over what the previous one spent: its starts count against the rolling window and the spacing,
 * and the server's window as it last saw it stands until its reset. Merged with what this process already knows.
 */
export function adoptBudgetLease(key: string, lease: BudgetLease | undefined): void {
  if (!lease) return;
  const s = stateOf(key);
  const now = Date.now();
  const starts = (Array.isArray(lease.starts) ? lease.starts : []).filter((t) => typeof t === 'number' && t > now - s.keepMs && t <= now);
  s.starts = [...new Set([...s.starts, ...starts])].sort((a, b) => a - b);
  const last = s.starts[s.starts.length - 1];
  if (last !== undefined) s.lastGrantAt = Math.max(s.lastGrantAt ?? 0, last);
  if (lease.remaining !== undefined && lease.resetAt !== undefined && lease.resetAt > now) {
    if (s.resetAt === undefined || s.remaining === undefined || lease.resetAt > s.resetAt + SAME_WINDOW_MS) {
      s.remaining = lease.remaining;
      s.resetAt = lease.resetAt;
      s.windowStartedAt = s.starts[0] ?? now;
    } else {
      s.remaining = Math.min(s.remaining, lease.remaining);
    }
  }
  pump(key, s);
}
