import { ApiError } from '../clients/http';
import { PRIORITY, pacedKeys, paceSnapshot, type Slot } from '../clients/rate-pacer';
import type { CallPacing, ShipStationClient } from '../clients/shipstation-client';
import type { ShipStationOrder } from '../domain/shipstation';
import { batchSize, orderQueueDepth, orderWaitSeconds } from '../observability/metrics';

/**
 * Cross-store batching of `createorders`, per ShipStation account, in this worker process.
 *
 * ShipStation's budget (40 calls a minute) belongs to the API key, and one `createorders` call carries up to 100
 * orders. So every import activity of every store on the same account hands its orders to the account's queue
 * here, and one dispatcher sends them: it waits for a slot in the account's budget (at the priority of the most
 * urgent order waiting), and only THEN takes up to 100 waiting orders — live orders first (webhooks, retries by
 * ID), then backfill pages, first come first served within each — from any number of stores. An idle account
 * therefore sends an order at once, a busy one sends full calls, and a fresh webhook order waits at most for the
 * call already granted: never behind another store's backfill.
 *
 * Order data stays in this process's memory, inside the activities that read it from Ecwid: the workflows see
 * only each order's one-line outcome.
 */

export type OrderPriority = 'live' | 'backfill';

export interface CreateResult {
  success: boolean;
  errorMessage: string | null;
}

/** ShipStation's most orders per createorders call. */
export const MAX_ORDERS_PER_CALL = 100;
/**
 * Calls in flight at once per account: pacing spaces their starts, this bounds the pile-up when ShipStation is slow
 * (each call may take up to its timeout) so waiting orders are not all committed to calls that may time out.
 */
const MAX_CALLS_IN_FLIGHT = 4;

interface Submission {
  results: Map<string, CreateResult>;
  /** Orders of this submission not answered yet. */
  unanswered: number;
  settled: boolean;
  resolve: (r: Map<string, CreateResult>) => void;
  reject: (err: unknown) => void;
  cleanup: () => void;
}

interface Waiting {
  order: ShipStationOrder;
  submission: Submission;
  identity: string;
  queuedAt: number;
}

interface AccountQueue {
  live: Waiting[];
  backfill: Waiting[];
  /** A client without activity hooks per client identity, to send batches made of several activities' orders. */
  clients: Map<string, ShipStationClient>;
  dispatching: boolean;
  inFlight: number;
  onCallDone?: () => void;
}

const accounts = new Map<string, AccountQueue>();

function queueOf(account: string): AccountQueue {
  let q = accounts.get(account);
  if (!q) {
    q = { live: [], backfill: [], clients: new Map(), dispatching: false, inFlight: 0 };
    accounts.set(account, q);
  }
  return q;
}

/**
 * Hands orders to their account's queue; resolves with ShipStation's result for each of them (by orderKey) once
 * the calls that carried them were answered. Rejects if a call that carried any of them failed as a whole (5xx,
 * network, 429 after waiting): the caller's activity is retried, and resending is harmless (upserts by orderKey).
 * A 400 for a whole call is split until the bad order stands alone, so one bad order never fails the others.
 */
export function submitOrders(client: ShipStationClient, orders: ShipStationOrder[], priority: OrderPriority): Promise<Map<string, CreateResult>> {
  if (orders.length === 0) return Promise.resolve(new Map());
  const account = client.budgetKey;
  const q = queueOf(account);
  const signal = client.abortSignal;
  if (signal?.aborted) return Promise.reject(signal.reason);
  if (!q.clients.has(client.identity)) q.clients.set(client.identity, client.detached());
  return new Promise((resolve, reject) => {
    const submission: Submission = {
      results: new Map(),
      unanswered: orders.length,
      settled: false,
      resolve,
      reject,
      cleanup: () => undefined,
    };
    const onAbort = () => fail(account, q, submission, signal?.reason);
    signal?.addEventListener('abort', onAbort, { once: true });
    submission.cleanup = () => signal?.removeEventListener('abort', onAbort);
    const now = Date.now();
    const lane = priority === 'live' ? q.live : q.backfill;
    for (const order of orders) lane.push({ order, submission, identity: client.identity, queuedAt: now });
    orderQueueDepth.set({ account }, q.live.length + q.backfill.length);
    if (!q.dispatching) void dispatch(account, q);
  });
}

/** One loop per account while orders wait: a slot first, then the orders it will carry. */
async function dispatch(account: string, q: AccountQueue): Promise<void> {
  q.dispatching = true;
  try {
    while (q.live.length + q.backfill.length > 0) {
      while (q.inFlight >= MAX_CALLS_IN_FLIGHT) await new Promise<void>((r) => (q.onCallDone = r));
      const head = q.live[0] ?? q.backfill[0];
      if (!head) break;
      const client = q.clients.get(head.identity)!;
      // Asked again at each grant: a live order arriving while backfill waits raises the queue's priority.
      const slot = await client.acquireSlot(() => (q.live.length > 0 ? PRIORITY.live : PRIORITY.backfill));
      const batch = take(q);
      if (batch.items.length === 0) {
        slot.release(); // every waiting order was withdrawn (cancelled activities) while we waited
        continue;
      }
      q.inFlight += 1;
      void send(account, q, batch, slot).finally(() => {
        q.inFlight -= 1;
        q.onCallDone?.();
        q.onCallDone = undefined;
      });
    }
  } catch (err) {
    // Not expected (the loop's own waits have no cancellation): never leave orders waiting with nobody to send them.
    for (const w of [...q.live, ...q.backfill]) fail(account, q, w.submission, err);
  } finally {
    q.dispatching = false;
  }
}

interface Batch {
  items: Waiting[];
  priority: number;
  identity: string;
}

/** Up to 100 waiting orders for one call: live first, then backfill, each oldest first, all of one client identity. */
function take(q: AccountQueue): Batch {
  const first = q.live[0] ?? q.backfill[0];
  const batch: Batch = { items: [], priority: q.live.length > 0 ? PRIORITY.live : PRIORITY.backfill, identity: first?.identity ?? '' };
  for (const lane of [q.live, q.backfill]) {
    for (let i = 0; i < lane.length && batch.items.length < MAX_ORDERS_PER_CALL; ) {
      if (lane[i].identity === batch.identity) batch.items.push(...lane.splice(i, 1));
      else i += 1;
    }
  }
  return batch;
}

async function send(account: string, q: AccountQueue, batch: Batch, slot: Slot): Promise<void> {
  const now = Date.now();
  const priorityName = batch.priority === PRIORITY.live ? 'live' : 'backfill';
  orderQueueDepth.set({ account }, q.live.length + q.backfill.length);
  batchSize.observe({ account }, batch.items.length);
  for (const w of batch.items) orderWaitSeconds.observe({ account, priority: priorityName }, (now - w.queuedAt) / 1000);
  const client = q.clients.get(batch.identity)!;
  let results: Map<string, CreateResult>;
  try {
    results = await createOrdersSplittingRefusals(client, batch.items.map((w) => w.order), { slot, priority: batch.priority });
  } catch (err) {
    for (const s of new Set(batch.items.map((w) => w.submission))) fail(account, q, s, err);
    return;
  }
  for (const w of batch.items) {
    const s = w.submission;
    if (s.settled) continue;
    const r = results.get(w.order.orderKey);
    if (r) s.results.set(w.order.orderKey, r);
    s.unanswered -= 1;
    if (s.unanswered === 0) {
      s.settled = true;
      s.cleanup();
      s.resolve(s.results);
    }
  }
}

/** Rejects a submission and withdraws its orders that still wait: its activity will send them all again. */
function fail(account: string, q: AccountQueue, s: Submission, err: unknown): void {
  if (s.settled) return;
  s.settled = true;
  s.cleanup();
  for (const lane of [q.live, q.backfill]) {
    for (let i = lane.length - 1; i >= 0; i--) if (lane[i].submission === s) lane.splice(i, 1);
  }
  orderQueueDepth.set({ account }, q.live.length + q.backfill.length);
  s.reject(err);
}

/**
 * One bulk call. If ShipStation refuses the whole request as malformed (400), split it in halves until the bad
 * order stands alone, so one bad order never fails the others (each half is a call of its own, paced as such).
 * The first call uses `pacing.slot` if given; the halves wait for slots at `pacing.priority`.
 */
export async function createOrdersSplittingRefusals(
  ss: ShipStationClient,
  orders: ShipStationOrder[],
  pacing: CallPacing = {},
): Promise<Map<string, CreateResult>> {
  const out = new Map<string, CreateResult>();
  if (orders.length === 0) {
    pacing.slot?.release();
    return out;
  }
  try {
    const res = await ss.createOrders(orders, pacing);
    for (const r of res.results ?? []) out.set(r.orderKey, { success: r.success, errorMessage: r.errorMessage });
    return out;
  } catch (err) {
    if (!(err instanceof ApiError) || err.status !== 400) throw err;
    if (orders.length === 1) {
      out.set(orders[0].orderKey, { success: false, errorMessage: err.message });
      return out;
    }
    const mid = Math.ceil(orders.length / 2);
    for (const half of [orders.slice(0, mid), orders.slice(mid)]) {
      for (const [k, v] of await createOrdersSplittingRefusals(ss, half, { priority: pacing.priority })) out.set(k, v);
    }
    return out;
  }
}

export interface AccountBudgetSnapshot {
  /** Orders waiting in this process to be sent (not counting those in calls in flight). */
  queueDepth: number;
  /** Age of the oldest of them (0: none waiting). */
  oldestWaitingMs: number;
  /** Calls this process started in the account's current rate-limit window. */
  callsInCurrentWindow: number;
  /** Other ShipStation calls of this process waiting for a slot (reads, subscriptions, the batcher's next call). */
  callsWaiting: number;
  /** What ShipStation last said remains in the window (shared by every process and app on the key), if known. */
  remaining?: number;
  /** When that window resets (ISO), if known. */
  resetAt?: string;
}

/** What this worker process knows about an account's queue and budget right now (in memory, no call). */
export function accountBudgetSnapshot(accountId: string): AccountBudgetSnapshot {
  const q = accounts.get(accountId);
  const now = Date.now();
  const oldest = Math.min(q?.live[0]?.queuedAt ?? now, q?.backfill[0]?.queuedAt ?? now);
  const pace = paceSnapshot(accountId);
  return {
    queueDepth: q ? q.live.length + q.backfill.length : 0,
    oldestWaitingMs: now - oldest,
    callsInCurrentWindow: pace.callsInCurrentWindow,
    callsWaiting: pace.callsWaiting,
    ...(pace.remaining !== undefined ? { remaining: pace.remaining } : {}),
    ...(pace.resetAt !== undefined ? { resetAt: new Date(pace.resetAt).toISOString() } : {}),
  };
}

/** Accounts this process has queued orders for or called ShipStation for (the budget reports cover them). */
export function knownAccounts(): string[] {
  return [...new Set([...accounts.keys(), ...pacedKeys()])];
}
