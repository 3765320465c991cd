/**
 * Which ShipStation store receives a connection's orders (`advancedOptions.storeId` when an order is created): the
 * choices offered and the rule that checks one. Pure.
 *
 * The rule: one of the account's stores as `GET /stores` lists them, active, and a manual store (marketplace
 * "ShipStation", ID 0). A selling channel's store (Amazon, ShipStation's own Ecwid integration…) is refused: its
 * orders belong to that channel, whose shipment notifications and imports would act on orders it never sent.
 * Without a choice, ShipStation puts new orders in the account's first manual store.
 */
export interface ListedStore {
  storeId: number;
  storeName: string;
  marketplaceId?: number | null;
  marketplaceName?: string | null;
  active?: boolean | null;
}

export interface StoreOption {
  storeId: number;
  storeName: string;
  marketplaceName: string;
  active: boolean;
  /** Whether the connection may send its orders there; otherwise `why` not. */
  selectable: boolean;
  why?: string;
}

export function isManualStore(s: ListedStore): boolean {
  return (s.marketplaceId ?? 0) === 0 && /^\s*shipstation\s*$/i.test(s.marketplaceName ?? 'ShipStation');
}

export function storeOptions(stores: readonly ListedStore[]): StoreOption[] {
  return stores.map((s) => {
    const active = s.active !== false;
    const why = !active ? 'inactive' : !isManualStore(s) ? `not a manual store (selling channel ${s.marketplaceName ?? 'unknown'})` : undefined;
    return { storeId: s.storeId, storeName: s.storeName, marketplaceName: s.marketplaceName ?? 'ShipStation', active, selectable: why === undefined, ...(why ? { why } : {}) };
  });
}

export type StoreChoice = { ok: true; store: StoreOption } | { ok: false; message: string };

export function checkStoreChoice(stores: readonly ListedStore[], storeId: number): StoreChoice {
  const option = storeOptions(stores).find((o) => o.storeId === storeId);
  if (!option) return { ok: false, message: `ShipStation store ${storeId} is not one of this ShipStation account's stores` };
  if (!option.selectable) return { ok: false, message: `ShipStation store ${storeId} ("${option.storeName}") can't receive orders: ${option.why}` };
  return { ok: true, store: option };
}

/** The store ShipStation uses when none is chosen: the account's first manual store (as listed). */
export function defaultStoreOf(stores: readonly ListedStore[]): StoreOption | undefined {
  return storeOptions(stores).find((o) => o.selectable);
}
