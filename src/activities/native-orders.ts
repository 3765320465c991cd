/**
 * Switching from ShipStation's own Ecwid integration (docs/operations.md): on connect, the orders ShipStation's
 * Ecwid store already holds are found with list calls only (`GET /stores`, then `GET /orders?storeId=…` in pages of
 * 500) and adopted, so the backfill never creates them a second time. The import then asks its store's sync which
 * of its orders are adopted (a query: nothing in history), and sends those under the native orderKey.
 */
import { Context } from '@temporalio/activity';
import { QueryNotRegisteredError, QueryRejectedError, WorkflowNotFoundError } from '@temporalio/client';
import type { ShipStationClient } from '../clients/shipstation-client';
import { toShipStationDateTime } from '../domain/dates';
import { accountOfTaskQueue, storeSyncWorkflowId } from '../domain/ids';
import {
  adoptionDecision,
  matchNativeOrders,
  nativeEcwidStores,
  type AdoptedOrders,
  type EcwidOrderRef,
  type ListedOrder,
  type ShipStationStoreInfo,
} from '../domain/native-adoption';
import { adoptedOrdersQuery, type ConnectionCredentials, type ConnectionSettings } from '../workflows/definitions';
import { credentialsRefusedFailure, factsOfAccount } from './account';
import { ecwidFor, heartbeat, shipstationFor, type ActivityDeps } from './deps';
import { classified } from './failures';
import { openWorkflowsOnly, temporal } from './shipments';

/** ShipStation's largest page. */
const PAGE_SIZE = 500;
/** ShipStation's order dates are its own (Pacific) and an import may lag: a day of margin on each side. */
const ORDER_DATE_MARGIN_SECONDS = 86_400;
/** Ecwid IDs a search by `ids` accepts (one bad ID makes Ecwid refuse the whole search). */
const ECWID_ID = /^[A-Za-z0-9_-]{1,64}$/;

export interface FindNativeOrdersInput {
  storeId: number;
  credentials: ConnectionCredentials;
  settings: ConnectionSettings;
  /** Orders dated from (unix seconds): the import start date. */
  since: number;
  /** …until (unix seconds), for a window newly included by an earlier import start date. Absent: up to now. */
  until?: number;
}

export interface NativeStoreSeen {
  storeId: number;
  storeName: string;
  /** ShipStation still imports this Ecwid store on its own: each new order would arrive twice. */
  autoRefresh: boolean;
}

export interface NativeScan {
  nativeStores: NativeStoreSeen[];
  /** Ecwid order ID → the native orderKey (or a mark, see domain/native-adoption.ts). */
  adopted: AdoptedOrders;
  ambiguous: string[];
  /** Orders of the native stores read (every status). */
  listed: number;
  /** ShipStation calls made. */
  shipstationCalls: number;
}

/** The ShipStation client of the store's account: its owner's pair on the account's queue, else the store's own. */
async function clientFor(deps: ActivityDeps, credentials: ConnectionCredentials): Promise<ShipStationClient> {
  const accountId = accountOfTaskQueue(currentTaskQueue());
  if (!accountId) return shipstationFor(deps, credentials);
  const facts = await factsOfAccount(deps, accountId);
  if (facts.refused) throw credentialsRefusedFailure(accountId);
  return shipstationFor(deps, { ...credentials, shipstation: facts.credentials }, accountId);
}

/**
 * Finds the orders ShipStation's Ecwid store(s) hold for this Ecwid store, dated inside the import window, and
 * which Ecwid order each one is (same order number, confirmed by Ecwid and the customer's email). List calls only:
 * one `GET /stores`, and ⌈orders/500⌉ `GET /orders` per native store. No native store: one call, nothing adopted.
 */
export async function findNativeOrders(deps: ActivityDeps, input: FindNativeOrdersInput): Promise<NativeScan> {
  const ss = await clientFor(deps, input.credentials);
  const calls = { n: 0 };
  const stores = await keptFor(storeLists, ss.budgetKey, async () => {
    calls.n += 1;
    return (await classified(() => ss.listStores())) as ShipStationStoreInfo[];
  });
  const natives = nativeEcwidStores(stores).filter((s) => s.storeId !== input.settings.shipstationStoreId);
  const listed: ListedOrder[] = [];
  // Whole Pacific days, so that stores connected the same day share one listing (see `keptFor`).
  const start = `${toShipStationDateTime(input.since - ORDER_DATE_MARGIN_SECONDS).slice(0, 10)} 00:00:00`;
  const end = input.until !== undefined ? `${toShipStationDateTime(input.until + ORDER_DATE_MARGIN_SECONDS).slice(0, 10)} 23:59:59` : undefined;
  for (const store of natives) {
    const orders = await keptFor(orderLists, `${ss.budgetKey}:${store.storeId}:${start}:${end ?? ''}`, async () => {
      const out: ListedOrder[] = [];
      for (let page = 1; ; page++) {
        const q: Record<string, string | number> = { storeId: store.storeId, orderDateStart: start, pageSize: PAGE_SIZE, page };
        if (end !== undefined) q.orderDateEnd = end;
        const res = await classified(() => ss.listOrders(q));
        calls.n += 1;
        // The store filter is trusted only as far as each order says so; only the fields the match reads are kept.
        for (const o of res.orders) {
          if ((o.advancedOptions?.storeId ?? store.storeId) !== store.storeId) continue;
          out.push({ orderKey: o.orderKey, orderNumber: o.orderNumber, orderStatus: o.orderStatus, customerEmail: o.customerEmail ?? null, advancedOptions: { storeId: store.storeId } });
        }
        heartbeat({ stage: 'listing-native-orders', store: store.storeId, page });
        if (!res.pages || page >= res.pages || res.orders.length === 0) break;
      }
      return out;
    });
    listed.push(...orders);
  }
  const ecwidOrders = await readEcwidOrders(deps, input, listed);
  const { adopted, ambiguous } = matchNativeOrders(listed, ecwidOrders);
  return {
    nativeStores: natives.map((s) => ({ storeId: s.storeId, storeName: s.storeName, autoRefresh: s.autoRefresh === true })),
    adopted,
    ambiguous,
    listed: listed.length,
    shipstationCalls: calls.n,
  };
}

/**
 * What one look read, kept a few minutes per account in the process that made it (the account's traffic owner):
 * an agency connecting 50 stores to one account pays one `GET /stores` (and one listing per native store and day),
 * not 50. Concurrent looks share the call in flight; a failure is not kept.
 */
const KEPT_MS = 5 * 60_000;
const storeLists = new Map<string, { until: number; value: Promise<ShipStationStoreInfo[]> }>();
const orderLists = new Map<string, { until: number; value: Promise<ListedOrder[]> }>();

function keptFor<T>(cache: Map<string, { until: number; value: Promise<T> }>, key: string, read: () => Promise<T>): Promise<T> {
  const now = Date.now();
  for (const [k, v] of cache) if (v.until <= now) cache.delete(k);
  const kept = cache.get(key);
  if (kept) return kept.value;
  const value = read();
  cache.set(key, { until: now + KEPT_MS, value });
  value.catch(() => cache.delete(key));
  return value;
}

/** The Ecwid orders with the native orders' numbers (a search by IDs, 100 per call): those Ecwid does not have are another store's. */
async function readEcwidOrders(deps: ActivityDeps, input: FindNativeOrdersInput, listed: readonly ListedOrder[]): Promise<EcwidOrderRef[]> {
  const ids = [...new Set(listed.filter((o) => o.orderStatus !== 'cancelled').map((o) => o.orderNumber))].filter((n) => ECWID_ID.test(n));
  if (ids.length === 0) return [];
  const ecwid = ecwidFor(deps, input.storeId, input.credentials);
  const out: EcwidOrderRef[] = [];
  for (let i = 0; i < ids.length; i += 100) {
    const page = await classified(() => ecwid.searchOrders({ ids: ids.slice(i, i + 100), limit: 100 }));
    for (const o of page.items) if (typeof o.id === 'string') out.push({ id: o.id, email: o.email });
    heartbeat({ stage: 'confirming-in-ecwid', done: i + 100 });
  }
  return out;
}

/**
 * The adopted orderKeys of these Ecwid orders, asked of the store's sync (where adoptions live). Only a page whose
 * store has adoptions asks; an answer that cannot come (a sync of an earlier release) is "none adopted".
 */
export async function adoptedKeysOf(deps: ActivityDeps, storeId: number, ids: string[]): Promise<AdoptedOrders> {
  if (ids.length === 0 || !deps.temporal) return {};
  try {
    return await openWorkflowsOnly(temporal(deps)).getHandle(storeSyncWorkflowId(storeId)).query(adoptedOrdersQuery, ids);
  } catch (err) {
    // A sync of an earlier release has no such query, and no adoptions.
    if (err instanceof WorkflowNotFoundError || err instanceof QueryRejectedError || err instanceof QueryNotRegisteredError) return {};
    throw err;
  }
}

/**
 * The native orderKey a write-back follows for this Ecwid order, if it was adopted (undefined otherwise): its labels
 * are on the native integration's order. The native order's being shipped or ambiguous leaves nothing to follow.
 */
export async function adoptedKeyOf(deps: ActivityDeps, storeId: number, orderId: string): Promise<string | undefined> {
  const key = (await adoptedKeysOf(deps, storeId, [orderId]))[orderId];
  const decision = adoptionDecision(key);
  return decision?.send ? decision.orderKey : undefined;
}

function currentTaskQueue(): string {
  try {
    return Context.current().info.taskQueue;
  } catch {
    return '';
  }
}
