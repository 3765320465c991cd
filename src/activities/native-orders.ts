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
  let calls = 0;
  const stores = await classified(() => ss.listStores());
  calls += 1;
  const natives = nativeEcwidStores(stores as ShipStationStoreInfo[]).filter((s) => s.storeId !== input.settings.shipstationStoreId);
  const listed: ListedOrder[] = [];
  const dateOf = (t: number) => toShipStationDateTime(t).slice(0, 19).replace('T', ' ');
  for (const store of natives) {
    for (let page = 1; ; page++) {
      const q: Record<string, string | number> = { storeId: store.storeId, orderDateStart: dateOf(input.since - ORDER_DATE_MARGIN_SECONDS), pageSize: PAGE_SIZE, page };
      if (input.until !== undefined) q.orderDateEnd = dateOf(input.until + ORDER_DATE_MARGIN_SECONDS);
      const res = await classified(() => ss.listOrders(q));
      calls += 1;
      // The store filter is trusted only as far as each order says so.
      listed.push(...res.orders.filter((o) => (o.advancedOptions?.storeId ?? store.storeId) === store.storeId));
      heartbeat({ stage: 'listing-native-orders', store: store.storeId, page });
      if (!res.pages || page >= res.pages || res.orders.length === 0) break;
    }
  }
  const ecwidOrders = await readEcwidOrders(deps, input, listed);
  const { adopted, ambiguous } = matchNativeOrders(listed, ecwidOrders);
  return {
    nativeStores: natives.map((s) => ({ storeId: s.storeId, storeName: s.storeName, autoRefresh: s.autoRefresh === true })),
    adopted,
    ambiguous,
    listed: listed.length,
    shipstationCalls: calls,
  };
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
