/**
 * Switching from ShipStation's own Ecwid integration: the orders its Ecwid store already holds are adopted, never
 * created again. Pure: which ShipStation stores are the native integration's, which of their orders match which
 * Ecwid order, and what the import does with an adopted order. See docs/operations.md, "Switching from
 * ShipStation's Ecwid integration".
 */
import type { ShipStationOrder, ShipStationOrderStatus } from './shipstation';

/** A ShipStation store as `GET /stores` lists it (the fields read here). */
export interface ShipStationStoreInfo {
  storeId: number;
  storeName: string;
  marketplaceId?: number | null;
  marketplaceName?: string | null;
  active?: boolean | null;
  autoRefresh?: boolean | null;
}

/** The fields of a listed ShipStation order the adoption reads. */
export interface ListedOrder {
  orderKey: string;
  orderNumber: string;
  orderStatus: ShipStationOrderStatus | string;
  customerEmail?: string | null;
  advancedOptions?: { storeId?: number | null } | null;
}

/** The fields of an Ecwid order the adoption confirms a match with. */
export interface EcwidOrderRef {
  id: string;
  email?: string | null;
}

/**
 * What the store's sync remembers per adopted Ecwid order: the orderKey of the native integration's order, which
 * imports, cancellations and write-backs follow; or `CLOSED_NATIVE` when the native order is shipped already (the
 * connector creates no second one, and has nothing left to change on it).
 */
export type AdoptedOrders = Record<string, string>;
export const CLOSED_NATIVE = '';
/** Held by two native stores under different keys: neither is followed, and the order is not created either. */
export const AMBIGUOUS_NATIVE_MARK = '?';

/** At most this many adopted orders are remembered (workflow state stays bounded); the rest are reported. */
export const MAX_ADOPTED = 5_000;

/**
 * ShipStation's marketplace ID of Ecwid is not documented; its name is what `GET /stores` shows ("Ecwid"). Matched
 * case-insensitively, so "Ecwid" and "ecwid" both count.
 */
export function isEcwidMarketplace(store: Pick<ShipStationStoreInfo, 'marketplaceName'>): boolean {
  return /^\s*ecwid\s*$/i.test(store.marketplaceName ?? '');
}

/** The account's active stores of ShipStation's Ecwid integration (the ones whose orders may be adopted). */
export function nativeEcwidStores(stores: readonly ShipStationStoreInfo[]): ShipStationStoreInfo[] {
  return stores.filter((s) => isEcwidMarketplace(s) && s.active !== false);
}

const OPEN: readonly string[] = ['awaiting_payment', 'awaiting_shipment', 'pending_fulfillment', 'on_hold'];

export interface AdoptionMatch {
  adopted: AdoptedOrders;
  /** Ecwid orders held by two native stores under different keys (also in `adopted`, as AMBIGUOUS_NATIVE_MARK). */
  ambiguous: string[];
}

const emailOf = (v: string | null | undefined) => (v ?? '').trim().toLowerCase();

/**
 * Matches the native stores' orders with the Ecwid store's orders by order number (the Ecwid order ID the merchant
 * sees, which is also what the connector puts in `orderNumber`). A match counts only when Ecwid has that order and
 * the customer emails agree (or either is blank): another Ecwid store connected natively can reuse the same numbers.
 *
 * Cancelled native orders are left alone (a cancelled copy is no duplicate). An open one is adopted by its orderKey;
 * a shipped one (with no open part) is remembered as `CLOSED_NATIVE`. A split order keeps one orderKey, so two open
 * parts are one adoption; two different keys for one Ecwid order are ambiguous.
 */
export function matchNativeOrders(nativeOrders: readonly ListedOrder[], ecwidOrders: readonly EcwidOrderRef[]): AdoptionMatch {
  const ecwid = new Map(ecwidOrders.map((o) => [o.id, o]));
  const byId = new Map<string, ListedOrder[]>();
  for (const n of nativeOrders) {
    if (n.orderStatus === 'cancelled' || typeof n.orderKey !== 'string' || n.orderKey === '') continue;
    const e = ecwid.get(n.orderNumber);
    if (!e) continue;
    const a = emailOf(n.customerEmail);
    const b = emailOf(e.email);
    if (a !== '' && b !== '' && a !== b) continue;
    byId.set(e.id, [...(byId.get(e.id) ?? []), n]);
  }
  const adopted: AdoptedOrders = {};
  const ambiguous: string[] = [];
  for (const [id, list] of byId) {
    const keys = new Set(list.map((n) => n.orderKey));
    if (keys.size > 1) {
      ambiguous.push(id);
      adopted[id] = AMBIGUOUS_NATIVE_MARK;
      continue;
    }
    adopted[id] = list.some((n) => OPEN.includes(n.orderStatus)) ? list[0].orderKey : CLOSED_NATIVE;
  }
  return { adopted, ambiguous };
}

/**
 * What the import does with an Ecwid order ShipStation's Ecwid store holds: send it under the native orderKey
 * (updates, cancellations and write-backs follow that order), or skip it with a reason operators see.
 */
export type AdoptionDecision = { send: true; orderKey: string } | { send: false; reason: string };

export function adoptionDecision(adoptedKey: string | undefined): AdoptionDecision | undefined {
  if (adoptedKey === undefined) return undefined;
  if (adoptedKey === CLOSED_NATIVE) return { send: false, reason: CLOSED_IN_NATIVE_STORE };
  if (adoptedKey === AMBIGUOUS_NATIVE_MARK) return { send: false, reason: AMBIGUOUS_NATIVE };
  return { send: true, orderKey: adoptedKey };
}

/** Skip reason of an Ecwid order two native stores hold under different keys. */
export const AMBIGUOUS_NATIVE = 'native_copies_ambiguous';
/** Skip reason of an Ecwid order the native store holds as shipped already. */
export const CLOSED_IN_NATIVE_STORE = 'closed_in_native_store';

/** Adds a scan's result to what was adopted before, keeping at most MAX_ADOPTED entries (newest scans win). */
export function mergeAdopted(before: AdoptedOrders, found: AdoptedOrders): { orders: AdoptedOrders; dropped: number } {
  const orders: AdoptedOrders = { ...before };
  for (const [id, key] of Object.entries(found)) {
    delete orders[id];
    orders[id] = key;
  }
  const ids = Object.keys(orders);
  const dropped = Math.max(0, ids.length - MAX_ADOPTED);
  for (const id of ids.slice(0, dropped)) delete orders[id];
  return { orders, dropped };
}

/**
 * The mapped order sent under the native orderKey: ShipStation updates the native integration's order in place. Its
 * store stays the native one (`advancedOptions.storeId` can only be set on creation), so none is sent.
 */
export function asAdopted(order: ShipStationOrder, nativeKey: string): ShipStationOrder {
  const { storeId: _storeId, ...advanced } = order.advancedOptions ?? {};
  return { ...order, orderKey: nativeKey, ...(order.advancedOptions ? { advancedOptions: advanced } : {}) };
}
