/**
 * What ShipStation holds now, read in bulk for the import (never one read per order):
 * - the orders the connector sent before and is about to update: one `GET /orders?modifyDateStart=…` listing
 *   (pages of 500, newest change first) from just before the oldest of their last sends, since each send changed
 *   them then, read until every one is found, and shared by the reads of the account waiting for the same slot;
 * - the open orders of the import window, for orders closed in Ecwid that the connector has no record of (the
 *   backfill's question "is it open in ShipStation, to be cancelled or shipped?"): one listing per open status
 *   (pages of 500), shared by the store's syncs for 15 minutes.
 * Every call goes through the account's client, so through its budget (see clients/rate-pacer.ts).
 */
import { Context } from '@temporalio/activity';
import { QueryNotRegisteredError, QueryRejectedError, WorkflowNotFoundError } from '@temporalio/client';
import { PRIORITY, type Slot } from '../clients/rate-pacer';
import type { ShipStationClient } from '../clients/shipstation-client';
import { toShipStationDateTime } from '../domain/dates';
import { CLOSED_SHIPSTATION_STATUSES, type ShipStationOrder, type ShipStationOrderStatus } from '../domain/shipstation';
import { storeSyncWorkflowId } from '../domain/ids';
import { sentRecordsQuery } from '../workflows/definitions';
import type { ActivityDeps } from './deps';
import { heartbeat } from './deps';
import { openWorkflowsOnly } from './shipments';
import type { LookupCache } from './sync-cache';

/** ShipStation's largest page. */
export const LIST_PAGE_SIZE = 500;
/** Clocks differ (ours and ShipStation's): the listing starts this long before the oldest send. */
const MODIFY_DATE_MARGIN_SECONDS = 15 * 60;
/** Statuses in which ShipStation still accepts updates. */
export const OPEN_SHIPSTATION_STATUSES: readonly ShipStationOrderStatus[] = ['awaiting_payment', 'awaiting_shipment', 'pending_fulfillment', 'on_hold'];

export type CurrentOrder = ShipStationOrder & Record<string, unknown>;

/**
 * The records of the last sends of these orders, from the store's sync workflow (its `sentRecords` query). A run
 * from before the query existed (`QueryNotRegisteredError`), a closed or missing workflow, or no Temporal client
 * (unit tests) answers nothing: the orders are then treated as having no record (see docs/order-mapping.md). Any
 * other failure (Temporal unreachable, no worker answering) fails the page, to be retried: sending without the
 * records would replace a packer's edits.
 */
export async function sentRecordsOf(deps: ActivityDeps, storeId: number, ids: string[]): Promise<Record<string, string>> {
  if (!deps.temporal || ids.length === 0) return {};
  const client = openWorkflowsOnly(deps.temporal);
  const ask = () => client.getHandle(storeSyncWorkflowId(storeId)).query(sentRecordsQuery, ids);
  // Cancelled with the activity (a worker shutting down): the query's retries stop with it.
  const signal = cancellationSignal();
  try {
    return await (signal ? client.withAbortSignal(signal, ask) : ask());
  } catch (err) {
    if (err instanceof QueryNotRegisteredError || err instanceof QueryRejectedError || err instanceof WorkflowNotFoundError) return {};
    throw err;
  }
}

/** Of several ShipStation orders with one key (a split order), the open one: the one that can still change. */
function keep(map: Map<string, CurrentOrder>, o: CurrentOrder): void {
  const known = map.get(o.orderKey);
  if (!known || (CLOSED_SHIPSTATION_STATUSES.includes(known.orderStatus) && !CLOSED_SHIPSTATION_STATUSES.includes(o.orderStatus))) map.set(o.orderKey, o);
}

/** An order to read: sent at `sentAt` (unix seconds), or without `sentAt`, read only if the listing meets it. */
export interface WantedOrder {
  orderKey: string;
  /** For a look-up by number when that is cheaper than the listing's further pages. */
  orderNumber: string;
  sentAt?: number;
}

/** What one import activity asks of the account's shared listing. */
interface ReadRequest {
  wanted: WantedOrder[];
  live: boolean;
  resolve: (found: Map<string, CurrentOrder>) => void;
  reject: (err: unknown) => void;
  settled: boolean;
}

interface ReadQueue {
  pending: ReadRequest[];
  running: boolean;
}

/** Per account and client identity (a wrong secret must not fail the others' reads), in this worker process. */
const readQueues = new Map<string, ReadQueue>();

/**
 * The current ShipStation orders of these keys, each sent by the connector at or after `sentAt` (unix seconds).
 * A key missing from the answer is not in ShipStation any more (deleted there).
 *
 * Reads of the same account share listings, like the order batcher's writes: a request waits for the account's next
 * slot, and every request waiting when the slot is granted is answered by one listing from the oldest of their
 * sends. An idle account lists at once; a busy one (a wave of changes over many stores) lists once for many pages.
 */
export function readSentOrders(
  ss: ShipStationClient,
  wanted: WantedOrder[],
  priority: 'live' | 'backfill' = 'backfill',
): Promise<Map<string, CurrentOrder>> {
  if (!wanted.some((w) => w.sentAt !== undefined)) return Promise.resolve(new Map());
  const signal = ss.abortSignal;
  if (signal?.aborted) return Promise.reject(signal.reason);
  const queueKey = `${ss.budgetKey}:${ss.identity}`;
  let q = readQueues.get(queueKey);
  if (!q) {
    q = { pending: [], running: false };
    readQueues.set(queueKey, q);
  }
  const queue = q;
  return new Promise((resolve, reject) => {
    const req: ReadRequest = { wanted, live: priority === 'live', resolve, reject, settled: false };
    const onAbort = () => {
      if (req.settled) return;
      req.settled = true;
      queue.pending = queue.pending.filter((r) => r !== req);
      reject(signal?.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    const settle = <T>(fn: (v: T) => void) => (v: T) => {
      signal?.removeEventListener('abort', onAbort);
      if (req.settled) return;
      req.settled = true;
      fn(v);
    };
    req.resolve = settle(resolve);
    req.reject = settle(reject);
    queue.pending.push(req);
    if (!queue.running) void dispatchReads(queueKey, queue, ss.detached());
  });
}

async function dispatchReads(queueKey: string, q: ReadQueue, client: ShipStationClient): Promise<void> {
  q.running = true;
  try {
    while (q.pending.length > 0) {
      const slot = await client.acquireSlot(() => (q.pending.some((r) => r.live) ? PRIORITY.live : PRIORITY.other));
      const batch = q.pending.splice(0);
      if (batch.length === 0) {
        slot.release(); // every waiting request was withdrawn (cancelled activities) meanwhile
        continue;
      }
      try {
        const found = await listSentOrders(client, batch.flatMap((r) => r.wanted), slot);
        for (const r of batch) r.resolve(new Map(r.wanted.flatMap((w) => (found.has(w.orderKey) ? [[w.orderKey, found.get(w.orderKey)!] as const] : []))));
      } catch (err) {
        for (const r of batch) r.reject(err);
      }
    }
  } catch (err) {
    // Not expected (waiting for a slot has no cancellation here): never leave a read waiting with nobody to answer it.
    for (const r of q.pending.splice(0)) r.reject(err);
  } finally {
    q.running = false;
    if (q.pending.length === 0) readQueues.delete(queueKey);
  }
}

/**
 * One listing, newest change first, pages of 500, from just before the oldest send, until every sent key is found
 * open; when the orders still missing are fewer than the pages left (an order sent long ago among recent ones), they
 * are looked up by order number instead, one call each. Keys without a send are picked up on the way, never looked
 * for further.
 */
async function listSentOrders(ss: ShipStationClient, wanted: WantedOrder[], slot: Slot): Promise<Map<string, CurrentOrder>> {
  const found = new Map<string, CurrentOrder>();
  const all = new Set(wanted.map((w) => w.orderKey));
  const keys = new Set(wanted.filter((w) => w.sentAt !== undefined).map((w) => w.orderKey));
  const since = Math.min(...wanted.flatMap((w) => (w.sentAt !== undefined ? [w.sentAt] : []))) - MODIFY_DATE_MARGIN_SECONDS;
  for (let page = 1; ; page++) {
    const res = await ss.listOrders(
      {
        modifyDateStart: toShipStationDateTime(since).slice(0, 19).replace('T', ' '),
        sortBy: 'ModifyDate',
        sortDir: 'DESC',
        pageSize: LIST_PAGE_SIZE,
        page,
      },
      page === 1 ? { slot } : {},
    );
    for (const o of res.orders as CurrentOrder[]) if (all.has(o.orderKey)) keep(found, o);
    const allOpenFound = [...keys].every((k) => found.has(k) && !CLOSED_SHIPSTATION_STATUSES.includes(found.get(k)!.orderStatus));
    if (allOpenFound || page >= res.pages || res.orders.length === 0) break;
    const missing = wanted.filter((w) => w.sentAt !== undefined && !found.has(w.orderKey));
    if (missing.length < res.pages - page) {
      for (const w of missing) {
        const byNumber = await ss.listOrders({ orderNumber: w.orderNumber, pageSize: 100 });
        for (const o of byNumber.orders as CurrentOrder[]) if (o.orderKey === w.orderKey) keep(found, o);
      }
      break;
    }
  }
  return found;
}

/**
 * The account's open ShipStation orders dated (`orderDate`, the Ecwid creation date) from `from` (unix seconds),
 * by key, read once for as long as `cached` keeps it, whatever the number of pages of Ecwid orders that ask. One
 * listing of every status first: when the window holds few orders (a new account, a quiet one) its pages are the
 * cheapest way; when it holds more pages than there are open statuses, one listing per open status instead.
 */
export function openOrdersSince(ss: ShipStationClient, from: number, cached: LookupCache): Promise<Map<string, CurrentOrder>> {
  return cached(`ss-open-since:${from}`, async () => {
    const open = new Map<string, CurrentOrder>();
    const orderDateStart = toShipStationDateTime(from).slice(0, 19).replace('T', ' ');
    const keepOpen = (orders: CurrentOrder[]) => {
      for (const o of orders) if (!CLOSED_SHIPSTATION_STATUSES.includes(o.orderStatus)) keep(open, o);
    };
    const first = await ss.listOrders({ orderDateStart, pageSize: LIST_PAGE_SIZE, page: 1 });
    heartbeat({ stage: 'listing-open-shipstation-orders', page: 1 });
    if (first.pages <= 1 + OPEN_SHIPSTATION_STATUSES.length) {
      keepOpen(first.orders as CurrentOrder[]);
      for (let page = 2; page <= first.pages && first.orders.length > 0; page++) {
        const res = await ss.listOrders({ orderDateStart, pageSize: LIST_PAGE_SIZE, page });
        keepOpen(res.orders as CurrentOrder[]);
        heartbeat({ stage: 'listing-open-shipstation-orders', page });
        if (res.orders.length === 0) break;
      }
      return open;
    }
    for (const status of OPEN_SHIPSTATION_STATUSES) {
      for (let page = 1; ; page++) {
        const res = await ss.listOrders({ orderStatus: status, orderDateStart, pageSize: LIST_PAGE_SIZE, page });
        for (const o of res.orders as CurrentOrder[]) keep(open, o);
        heartbeat({ stage: 'listing-open-shipstation-orders', status, page });
        if (page >= res.pages || res.orders.length === 0) break;
      }
    }
    return open;
  });
}

function cancellationSignal(): AbortSignal | undefined {
  try {
    return Context.current().cancellationSignal;
  } catch {
    return undefined; // not in an activity (unit tests)
  }
}
