import { randomUUID } from 'node:crypto';
import type { Dimensions, Fulfillment, Order, OrderItem, Shipment, Weight } from './model';
import { pacificDateTime } from './dates';

export interface ShipStationSimAccount {
  apiKey: string;
  apiSecret: string;
}

export interface SimStore {
  storeId: number;
  storeName: string;
  /** 0 "ShipStation" for a manual store; a selling channel's own ID and name otherwise (ShipStation's, e.g. Ecwid). */
  marketplaceId: number;
  marketplaceName: string;
  createDate: string;
  /** A deactivated store: hidden from GET /stores unless `showInactive=true`. Absent: active. */
  active?: boolean;
  /** The store's automatic import from its selling channel (a marketplace store's "auto import"). */
  autoRefresh?: boolean;
}

/** A store as a test or the control routes add it: a manual store unless a marketplace is named. */
export interface NewSimStore {
  storeId?: number;
  storeName: string;
  marketplaceId?: number;
  marketplaceName?: string;
  active?: boolean;
  autoRefresh?: boolean;
}

export interface SimWebhook {
  id: number;
  event: string;
  targetUrl: string;
  storeId: number | null;
  friendlyName?: string;
}

export type SimOrderItem = OrderItem & { orderItemId: number; createDate: string; modifyDate: string };

/** An order as ShipStation stores and returns it: the request's fields plus the read-only ones. */
export interface SimOrder extends Order {
  orderId: number;
  createDate: string;
  modifyDate: string;
  orderTotal: number;
  items: SimOrderItem[];
  carrierCode?: string | null;
  serviceCode?: string | null;
  shipDate?: string | null;
}

/** The shipment fields of a real SHIP_NOTIFY result (reference §3.2) beyond the connector's type. */
export interface SimShipment extends Shipment {
  userId: string;
  customerEmail: string | null;
  confirmation: string | null;
  warehouseId: number;
  marketplaceNotified: boolean;
  notifyErrorMessage: string | null;
  weight: Weight | null;
  dimensions: Dimensions | null;
  insuranceOptions: { provider: string | null; insureShipment: boolean; insuredValue: number };
  advancedOptions: {
    billToParty: null;
    billToAccount: null;
    billToPostalCode: null;
    billToCountryCode: null;
    storeId: number | null;
  };
  shipmentItems: SimOrderItem[] | null;
  labelData: null;
  formData: null;
}

export interface OrderRecord {
  order: SimOrder;
  /** DELETE /orders/{id} is a soft delete: the record stays, inactive, and is no longer listed. */
  active: boolean;
}

export interface ShipmentRecord {
  shipment: SimShipment;
  /** The label batch: SHIP_NOTIFY's resource URL is `/shipments?batchId=…`. */
  batchId: number;
  /** The order's items when the label was bought (`includeShipmentItems=true`). */
  items: SimOrderItem[];
}

/** One ShipStation account: its stores, orders (by orderKey), shipments and webhook subscriptions. */
export interface AccountState {
  account: ShipStationSimAccount;
  sellerId: number;
  userId: string;
  warehouseId: number;
  stores: SimStore[];
  orders: Map<string, OrderRecord>;
  shipments: ShipmentRecord[];
  /** Orders marked as shipped without a ShipStation label (POST /orders/markasshipped, or the UI). */
  fulfillments: Fulfillment[];
  webhooks: SimWebhook[];
  /** ShipStation's customer profiles, by `customerUsername`: each order of the same customer gets its customerId. */
  customers: Map<string, number>;
}

export interface CreationAttempt {
  apiKey: string;
  orderKey: string;
  at: number;
  outcome: 'created' | 'updated' | 'rejected';
  error?: string;
}

type IdKind = 'order' | 'item' | 'customer' | 'shipment' | 'fulfillment' | 'store' | 'webhook' | 'batch' | 'seller' | 'warehouse';

/** Everything the simulator holds. IDs are unique across accounts, in ranges that look like ShipStation's. */
export class SimState {
  readonly accounts = new Map<string, AccountState>();
  readonly creationAttempts: CreationAttempt[] = [];
  /** Partial failures to inject: order key → error message, used once inside the next bulk call carrying it. */
  readonly failOnce = new Map<string, string>();
  private readonly seq: Record<IdKind, number> = {
    order: 470_000_000,
    item: 780_000_000,
    customer: 63_310_000,
    shipment: 271_000_000,
    fulfillment: 33_974_000,
    store: 518_000,
    webhook: 300_000,
    batch: 144_000_000,
    seller: 100_000,
    warehouse: 499_000,
  };

  nextId(kind: IdKind): number {
    this.seq[kind] += 1;
    return this.seq[kind];
  }

  /** Adds an account with its "Manual Orders" store; adding a known key again only changes its secret. */
  addAccount(a: ShipStationSimAccount): AccountState {
    const known = this.accounts.get(a.apiKey);
    if (known) {
      known.account = { ...a };
      return known;
    }
    const acct: AccountState = {
      account: { ...a },
      sellerId: this.nextId('seller'),
      userId: randomUUID(),
      warehouseId: this.nextId('warehouse'),
      stores: [
        { storeId: this.nextId('store'), storeName: 'Manual Orders', marketplaceId: 0, marketplaceName: 'ShipStation', createDate: pacificDateTime() },
      ],
      orders: new Map(),
      shipments: [],
      fulfillments: [],
      webhooks: [],
      customers: new Map(),
    };
    this.accounts.set(a.apiKey, acct);
    return acct;
  }

  /** Adds a store (or renames/changes a known one): a manual store unless a marketplace is named. */
  addStore(apiKey: string, store: NewSimStore): SimStore {
    const acct = this.account(apiKey);
    const known = store.storeId !== undefined ? acct.stores.find((s) => s.storeId === store.storeId) : undefined;
    if (known) {
      Object.assign(known, Object.fromEntries(Object.entries(store).filter(([, v]) => v !== undefined)));
      return known;
    }
    const added: SimStore = {
      storeId: store.storeId ?? this.nextId('store'),
      storeName: store.storeName,
      marketplaceId: store.marketplaceId ?? 0,
      marketplaceName: store.marketplaceName ?? 'ShipStation',
      createDate: pacificDateTime(),
      active: store.active ?? true,
      autoRefresh: store.autoRefresh ?? (store.marketplaceId ?? 0) !== 0,
    };
    acct.stores.push(added);
    return added;
  }

  /**
   * Further key pairs of accounts (ShipStation lets an account hold two while one replaces the other), by API key,
   * and keys revoked or expired: refused with 401 like a wrong secret.
   */
  readonly extraKeys = new Map<string, { apiSecret: string; acct: AccountState }>();
  readonly revokedKeys = new Set<string>();

  account(apiKey: string): AccountState {
    const extra = this.extraKeys.get(apiKey);
    if (extra) return extra.acct;
    const a = this.accounts.get(apiKey);
    if (!a) throw new Error(`no ShipStation simulator account with API key ${apiKey}`);
    return a;
  }

  authenticate(apiKey: string, apiSecret: string): AccountState | undefined {
    if (this.revokedKeys.has(apiKey)) return undefined;
    const extra = this.extraKeys.get(apiKey);
    if (extra) return extra.apiSecret === apiSecret ? extra.acct : undefined;
    const a = this.accounts.get(apiKey);
    return a && a.account.apiSecret === apiSecret ? a : undefined;
  }

  /** The manual store orders default to (the first one, like ShipStation's "first manual store"). */
  manualStore(acct: AccountState): SimStore {
    return acct.stores.find((s) => s.marketplaceId === 0 && s.active !== false) ?? acct.stores[0];
  }

  activeOrders(acct: AccountState): SimOrder[] {
    return [...acct.orders.values()].filter((r) => r.active).map((r) => r.order);
  }

  activeOrderById(acct: AccountState, orderId: number): OrderRecord | undefined {
    for (const r of acct.orders.values()) if (r.active && r.order.orderId === orderId) return r;
    return undefined;
  }

  /** The active order with that key, or throws (for the simulator's own controls). */
  orderByKey(apiKey: string, orderKey: string): OrderRecord {
    const r = this.account(apiKey).orders.get(orderKey);
    if (!r || !r.active) throw new Error(`no ShipStation order with orderKey ${orderKey}`);
    return r;
  }
}
