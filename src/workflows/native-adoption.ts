/**
 * Switching from ShipStation's own Ecwid integration, the workflow side (see activities/native-orders.ts): before a
 * new connection's first sync, its store's sync looks at ShipStation's Ecwid store(s) once and remembers which Ecwid
 * orders it holds (Ecwid order ID → the native orderKey). The backfill then updates those in place instead of
 * creating them again.
 *
 * Why workflow state: ShipStation has no look-up by order number that costs less than a call per order, and the
 * native orderKey is not derivable from anything the connector knows; Temporal keeps the map through crashes,
 * restarts and continue-as-new. It is bounded (MAX_ADOPTED) and fixed in size once scanned: orders created after
 * the switch never reach the native store (its automatic import is off, docs/operations.md).
 */
import { patched, proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { createActivities } from '../activities';
import type { ImportOrdersInput } from '../activities/import-orders';
import { shipstationAccountTaskQueue } from '../domain/ids';
import { mergeAdopted, AMBIGUOUS_NATIVE_MARK, CLOSED_NATIVE, type AdoptedOrders } from '../domain/native-adoption';
import type { ConnectionCredentials, ConnectionSettings, NativeAdoptionStatus } from './definitions';
import type { CarriedState } from './store-sync-state';

type Activities = ReturnType<typeof createActivities>;

/** Runs that recorded this marker look for the native integration's orders before their first sync. */
export const NATIVE_ADOPTION = 'native-adoption';

/** What a store's sync carries about the switch (inside CarriedState). */
export interface CarriedAdoption {
  state: NativeAdoptionStatus['state'];
  at?: string;
  /** Unix seconds: the start of the import window looked at. */
  from?: number;
  /** A window to look at again: the import start date moved earlier after the first look. */
  rescan?: { from: number; to: number };
  nativeStores: NativeAdoptionStatus['nativeStores'];
  orders: AdoptedOrders;
  listed: number;
  dropped: number;
  lastError?: string;
}

const SCAN_OPTIONS = {
  startToCloseTimeout: '30 minutes',
  heartbeatTimeout: '60 seconds',
  retry: { initialInterval: '2 seconds', backoffCoefficient: 2, maximumInterval: '2 minutes', maximumAttempts: 5 },
} as const;

const { joinShipStationAccount } = proxyActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '30 seconds', maximumAttempts: 5 },
});

/** The native stores whose labels the account routes to this store (sent each time the store joins its account). */
export function nativeStoreIdsOf(s: CarriedState): { nativeStoreIds?: number[] } {
  const ids = s.adoption?.nativeStores.map((n) => n.storeId) ?? [];
  return ids.length > 0 ? { nativeStoreIds: ids } : {};
}

/** On the account's queue once the store joined its leased account: the scan spends the account's budget there. */
function scanOf(s: CarriedState): Activities['findNativeOrders'] {
  if (!s.accountJoined || !s.joinedLeasedAccount || !s.accountId) return proxyActivities<Activities>(SCAN_OPTIONS).findNativeOrders;
  return proxyActivities<Activities>({
    ...SCAN_OPTIONS,
    heartbeatTimeout: '5 seconds',
    scheduleToStartTimeout: '10 minutes',
    taskQueue: shipstationAccountTaskQueue(workflowInfo().taskQueue, s.accountId),
  }).findNativeOrders;
}

/** A new connection (no sync yet) looks once; a moved-back import start date looks at the new window. */
export function needsAdoptionScan(s: CarriedState): boolean {
  if (s.adoption === undefined) return s.syncsRun === 0 && s.cursor === undefined;
  return s.adoption.state === 'pending' || s.adoption.rescan !== undefined;
}

/**
 * Looks at the native store(s) and records the adoptions. Throws the activity's failure: the caller backs off and
 * tries again before any order is sent, since a backfill without it would create every open order a second time.
 */
export async function scanNativeOrders(storeId: number, s: CarriedState, credentials: ConnectionCredentials, settings: ConnectionSettings): Promise<void> {
  if (!patched(NATIVE_ADOPTION)) {
    // A run of an earlier release: it never looked, and its first sync is history already.
    s.adoption = { state: 'not_applicable', nativeStores: [], orders: {}, listed: 0, dropped: 0 };
    return;
  }
  const a: CarriedAdoption = (s.adoption ??= { state: 'pending', nativeStores: [], orders: {}, listed: 0, dropped: 0 });
  const window = a.rescan ?? { from: settings.importSince, to: undefined };
  try {
    const scan = await scanOf(s)({ storeId, credentials, settings, since: window.from, ...(window.to !== undefined ? { until: window.to } : {}) });
    const merged = mergeAdopted(a.orders, scan.adopted);
    a.orders = merged.orders;
    a.dropped += merged.dropped;
    a.listed += scan.listed;
    a.nativeStores = scan.nativeStores;
    a.from = Math.min(window.from, a.from ?? Infinity);
    a.at = new Date().toISOString();
    a.state = 'done';
    a.rescan = undefined;
    a.lastError = undefined;
    if (scan.nativeStores.length > 0 && s.accountJoined) {
      // The account routes the native stores' labels to this store from now on (SHIP_NOTIFY, reconciliation). If
      // it can't be told now, the store joins again before its next sync.
      await joinShipStationAccount({ storeId, credentials, settings, ...nativeStoreIdsOf(s) }).catch(() => {
        s.accountJoined = false;
      });
    }
  } catch (err) {
    a.lastError = err instanceof Error ? (err.cause instanceof Error ? err.cause.message : err.message) : String(err);
    throw err;
  }
}

/** The import start date moved earlier: the newly included window is looked at before it is read. */
export function rescanOnEarlierImportSince(s: CarriedState, before: number, after: number): void {
  const a = s.adoption;
  if (!a || a.state !== 'done' || a.from === undefined || after >= a.from) return;
  a.rescan = { from: Math.min(after, a.rescan?.from ?? Infinity), to: Math.max(a.from, a.rescan?.to ?? -Infinity, before) };
}

/** Import pages of a store with adoptions ask which of their orders are adopted (`adoptedOrdersQuery`). */
export function withAdoptions(importOrders: Activities['importOrders'], s: CarriedState): Activities['importOrders'] {
  return (input: ImportOrdersInput) => {
    const n = s.adoption ? Object.keys(s.adoption.orders).length : 0;
    return importOrders(n > 0 ? { ...input, adoptedOrders: n } : input);
  };
}

/** The `adoptedOrders` query: the adoptions of these orders only. */
export function adoptedOf(s: CarriedState, ids: string[]): AdoptedOrders {
  const orders = s.adoption?.orders ?? {};
  const out: AdoptedOrders = {};
  for (const id of Array.isArray(ids) ? ids.slice(0, 1000) : []) if (typeof id === 'string' && id in orders) out[id] = orders[id];
  return out;
}

/** What the `status` query shows: counts and store names. */
export function adoptionStatusOf(s: CarriedState): NativeAdoptionStatus | undefined {
  const a = s.adoption;
  if (!a) return undefined;
  const values = Object.values(a.orders);
  return {
    state: a.state,
    ...(a.at ? { at: a.at } : {}),
    ...(a.from !== undefined ? { from: new Date(a.from * 1000).toISOString() } : {}),
    nativeStores: a.nativeStores,
    adopted: values.filter((v) => v !== CLOSED_NATIVE && v !== AMBIGUOUS_NATIVE_MARK).length,
    closed: values.filter((v) => v === CLOSED_NATIVE).length,
    ambiguous: values.filter((v) => v === AMBIGUOUS_NATIVE_MARK).length,
    listed: a.listed,
    dropped: a.dropped,
    ...(a.lastError ? { lastError: a.lastError } : {}),
  };
}

/** A line of the order's explanation when it is adopted, or undefined. */
export function adoptionExplanation(s: CarriedState, orderId: string): string | undefined {
  const key = s.adoption?.orders[orderId];
  if (key === undefined) return undefined;
  const stores = s.adoption?.nativeStores.map((n) => `"${n.storeName}"`).join(', ') || "ShipStation's Ecwid store";
  if (key === CLOSED_NATIVE) return `ShipStation's own Ecwid integration (${stores}) holds this order as shipped: it is not created again`;
  if (key === AMBIGUOUS_NATIVE_MARK) return `two of ShipStation's Ecwid stores (${stores}) hold this order under different keys: it is neither created nor followed; resolve it in ShipStation`;
  return `adopted from ShipStation's own Ecwid integration (${stores}): that order is updated in place (orderKey ${key}), never created a second time`;
}
