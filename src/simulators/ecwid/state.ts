/**
 * In-memory Ecwid: stores, their tokens, orders, products and deleted-order log. Routes and the library API
 * both go through here, so a test that calls `upsertOrder` sees exactly what the REST API then serves.
 */
import { randomBytes, randomInt } from 'node:crypto';
import type { EcwidCustomStatus, EcwidOrder, EcwidProduct, EcwidWeightUnit } from './model';
import { formatEcwidDate, parseEcwidDate } from './dates';

export type EcwidPlan = 'FREE' | 'VENTURE' | 'BUSINESS' | 'UNLIMITED';

export interface EcwidSimStoreOptions {
  storeId: number;
  token: string;
  plan?: EcwidPlan;
  suspended?: boolean;
  weightUnit?: EcwidWeightUnit;
  storeName?: string;
  /** Scopes granted to `token`. Default: read_store_profile read_orders update_orders read_catalog. */
  scopes?: string[];
  /** The owner's account email, returned by the OAuth token exchange. */
  accountEmail?: string;
  /** Names of custom order statuses; defaults give CUSTOM_FULFILLMENT_STATUS_1 the name "Backorder". */
  customStatusNames?: Partial<Record<EcwidCustomStatus, string>>;
}

export const DEFAULT_SCOPES = ['read_store_profile', 'read_orders', 'update_orders', 'read_catalog'];

export const DEFAULT_CUSTOM_STATUS_NAMES: Partial<Record<EcwidCustomStatus, string>> = {
  CUSTOM_PAYMENT_STATUS_1: 'Paid by invoice',
  CUSTOM_FULFILLMENT_STATUS_1: 'Backorder',
  CUSTOM_FULFILLMENT_STATUS_2: 'Awaiting stock',
};

export interface DeletedOrder {
  id: number;
  orderId: string;
  date: string;
  /** UNIX seconds, for the from_date/to_date filters. */
  timestamp: number;
}

export interface StoreRecord {
  storeId: number;
  plan: EcwidPlan;
  suspended: boolean;
  weightUnit: EcwidWeightUnit;
  storeName: string;
  accountEmail: string;
  scopes: string[];
  customStatusNames: Partial<Record<EcwidCustomStatus, string>>;
  /** Keyed by public order id. */
  orders: Map<string, EcwidOrder>;
  products: Map<number, EcwidProduct>;
  deleted: DeletedOrder[];
}

export interface TokenRecord {
  token: string;
  storeId: number;
  scopes: string[];
  revoked: boolean;
}

const ID_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';

const clone = <T>(v: T): T => structuredClone(v);

export class EcwidState {
  readonly stores = new Map<number, StoreRecord>();
  readonly tokens = new Map<string, TokenRecord>();
  /** Internal IDs are global and increasing, like Ecwid's, so sorting by them gives creation order. */
  private nextInternalId = 516_483_487;
  private nextLineId = 1_828_115_520;

  constructor(readonly now: () => number) {}

  nowSeconds(): number {
    return Math.floor(this.now() / 1000);
  }

  /** Adds a store, or updates the settings of an existing one (its orders and products are kept). */
  addStore(opts: EcwidSimStoreOptions): StoreRecord {
    const existing = this.stores.get(opts.storeId);
    const store: StoreRecord = {
      storeId: opts.storeId,
      plan: opts.plan ?? existing?.plan ?? 'VENTURE',
      suspended: opts.suspended ?? false,
      weightUnit: opts.weightUnit ?? existing?.weightUnit ?? 'KILOGRAM',
      storeName: opts.storeName ?? existing?.storeName ?? `Store ${opts.storeId}`,
      accountEmail: opts.accountEmail ?? existing?.accountEmail ?? `owner@store${opts.storeId}.example.com`,
      scopes: opts.scopes ?? DEFAULT_SCOPES,
      customStatusNames: { ...DEFAULT_CUSTOM_STATUS_NAMES, ...existing?.customStatusNames, ...opts.customStatusNames },
      orders: existing?.orders ?? new Map(),
      products: existing?.products ?? new Map(),
      deleted: existing?.deleted ?? [],
    };
    this.stores.set(store.storeId, store);
    this.tokens.set(opts.token, { token: opts.token, storeId: store.storeId, scopes: withProfileScope(store.scopes), revoked: false });
    return store;
  }

  store(storeId: number): StoreRecord {
    const s = this.stores.get(storeId);
    if (!s) throw new Error(`Ecwid simulator: no store ${storeId}; call addStore first`);
    return s;
  }

  issueToken(storeId: number, scopes: string[]): TokenRecord {
    const rec: TokenRecord = { token: `secret_${randomToken(32)}`, storeId, scopes: withProfileScope(scopes), revoked: false };
    this.tokens.set(rec.token, rec);
    return rec;
  }

  revokeTokens(storeId: number): void {
    for (const t of this.tokens.values()) if (t.storeId === storeId) t.revoked = true;
  }

  /** Replaces the whole order (keeping its internal ID and creation date when the caller omits them). */
  upsertOrder(storeId: number, input: EcwidOrder): EcwidOrder {
    const store = this.store(storeId);
    const order = clone(input);
    const previous = order.id ? store.orders.get(order.id) : undefined;
    order.id ??= this.newOrderId(store);
    order.internalId ??= previous?.internalId ?? this.nextInternalId++;
    if (order.internalId >= this.nextInternalId) this.nextInternalId = order.internalId + 1;
    // Deprecated but still present in every real response: orderNumber = internalId, vendorOrderNumber = id.
    order.orderNumber ??= order.internalId;
    order.vendorOrderNumber ??= order.id;
    order.publicUid ??= order.id;
    // Always present in current responses, `[]` when Ecwid predicts no parcel (docs examples K8XTQ and EBJFT).
    order.predictedPackage ??= [];
    const now = this.nowSeconds();
    if (order.createTimestamp === undefined) {
      order.createTimestamp = previous?.createTimestamp ?? (order.createDate ? parseEcwidDate(order.createDate) : undefined) ?? now;
    }
    order.createDate ??= formatEcwidDate(order.createTimestamp);
    this.touch(order);
    for (const item of order.items ?? []) {
      item.id ??= this.nextLineId++;
      // Every item of a real response has dimensions, zeros when the product has none.
      item.dimensions ??= { length: 0, width: 0, height: 0 };
    }
    withAlwaysPresentFields(order);
    store.orders.set(order.id, order);
    return clone(order);
  }

  /** The stored order itself (not a copy); routes clone before answering. */
  findOrder(storeId: number, orderId: string): EcwidOrder | undefined {
    const store = this.stores.get(storeId);
    if (!store) return undefined;
    const direct = store.orders.get(orderId);
    if (direct) return direct;
    // Ecwid also resolves an order by its internal ID (the old numeric order number).
    if (/^\d+$/.test(orderId)) {
      const n = Number(orderId);
      for (const o of store.orders.values()) if (o.internalId === n || o.orderNumber === n) return o;
    }
    return undefined;
  }

  /** Applies a partial update: only the fields present change; `items`, when sent, replaces every item. */
  updateOrder(order: EcwidOrder, patch: Record<string, unknown>): void {
    const target = order as Record<string, unknown>;
    for (const [key, value] of Object.entries(patch)) {
      if (READ_ONLY_FIELDS.has(key)) continue;
      if (value === null) delete target[key];
      else target[key] = clone(value);
    }
    for (const item of order.items ?? []) item.id ??= this.nextLineId++;
    this.touch(order);
  }

  deleteOrder(storeId: number, orderId: string): EcwidOrder | undefined {
    const store = this.store(storeId);
    const order = this.findOrder(storeId, orderId);
    if (!order?.id) return undefined;
    store.orders.delete(order.id);
    const now = this.nowSeconds();
    store.deleted.push({ id: order.internalId ?? 0, orderId: order.id, date: formatEcwidDate(now), timestamp: now });
    return order;
  }

  upsertProduct(storeId: number, product: EcwidProduct): void {
    this.store(storeId).products.set(product.id, clone(product));
  }

  private touch(order: EcwidOrder): void {
    order.updateTimestamp = this.nowSeconds();
    order.updateDate = formatEcwidDate(order.updateTimestamp);
    // Current responses carry the checkout extra fields twice: the `orderExtraFields` array and the `extraFields`
    // map (id → value, `{}` when there are none).
    const map: Record<string, string> = { ...order.extraFields };
    for (const f of order.orderExtraFields ?? []) if (f.id) map[f.id] = f.value ?? '';
    order.extraFields = map;
  }

  private newOrderId(store: StoreRecord): string {
    for (;;) {
      let id = '';
      for (let i = 0; i < 5; i++) id += ID_ALPHABET[randomInt(ID_ALPHABET.length)];
      if (!store.orders.has(id)) return id;
    }
  }
}

const round2 = (n: number): number => Math.round(n * 100) / 100;

/**
 * The fields every order of the docs' examples carries (K8XTQ, EBJFT), with the neutral value Ecwid gives an order
 * without that feature: no refund is `refundedAmount: 0` and `refunds: []`, never a missing field. Values a
 * caller gave are kept.
 */
function withAlwaysPresentFields(o: EcwidOrder): void {
  const total = o.total ?? 0;
  const tax = o.tax ?? 0;
  o.refundedAmount ??= o.refunds?.reduce((s, r) => s + (r.amount ?? 0), 0) ?? 0;
  o.refunds ??= [];
  o.pricesIncludeTax ??= false;
  o.subtotal ??= round2((o.items ?? []).reduce((s, i) => s + (i.price ?? 0) * (i.quantity ?? 1), 0));
  const itemsTax = round2((o.items ?? []).reduce((s, i) => s + (i.tax ?? 0), 0));
  o.subtotalWithoutTax ??= o.pricesIncludeTax ? round2(o.subtotal - itemsTax) : o.subtotal;
  o.totalWithoutTax ??= round2(total - tax);
  o.giftCardRedemption ??= 0;
  o.totalBeforeGiftCardRedemption ??= round2(total + o.giftCardRedemption);
  o.giftCardDoubleSpending ??= false;
  o.couponDiscount ??= 0;
  o.volumeDiscount ??= 0;
  o.membershipBasedDiscount ??= 0;
  o.totalAndMembershipBasedDiscount ??= round2(o.volumeDiscount + o.membershipBasedDiscount);
  o.customDiscount ??= [];
  o.customSurcharges ??= [];
  o.discount ??= 0;
  o.taxesOnShipping ??= [];
  o.shipments ??= [];
  o.hidden ??= false;
  o.externalFulfillment ??= false;
  o.disableAllCustomerNotifications ??= false;
  // Checkout, tax-ID and bookkeeping fields every example carries, with a plain B2C order's values.
  const x = o as Record<string, unknown>;
  const defaults: Record<string, unknown> = {
    orderComments: '',
    customerTaxExempt: false,
    customerTaxId: '',
    customerTaxIdValid: false,
    b2b_b2c: 'b2c',
    reversedTaxApplied: false,
    customerRequestedInvoice: false,
    customerFiscalCode: '',
    electronicInvoicePecEmail: '',
    electronicInvoiceSdiCode: '',
    ipAddress: '',
    refererUrl: '',
    globalReferer: '',
    customerUserAgent: '',
    additionalInfo: {},
    paymentParams: {},
    ticket: 0,
    shippingLabelAvailableForShipment: false,
    utmDataSets: [],
    invoices: [],
    loyalty: { customerEnabled: false, earned: 0, balance: 0 },
  };
  for (const [k, v] of Object.entries(defaults)) if (x[k] === undefined) x[k] = structuredClone(v);
  if (o.shippingOption) {
    const s = o.shippingOption as Record<string, unknown>;
    s.shippingRateWithoutTax ??= o.shippingOption.shippingRate ?? 0;
    s.isShippingLimit ??= false;
  }
  if (o.discountCoupon) {
    // The coupon as it was when the order used it (EBJFT's fields).
    const c = o.discountCoupon as Record<string, unknown>;
    const created = o.createDate ?? '2024-01-01 00:00:00 +0000';
    for (const [k, v] of Object.entries({ status: 'ACTIVE', launchDate: created, usesLimit: 'UNLIMITED', repeatCustomerOnly: false, applicationLimit: 'UNLIMITED', creationDate: created, updateDate: created, orderCount: 0 })) {
      if (c[k] === undefined) c[k] = v;
    }
  }
  for (const i of o.items ?? []) {
    if (i.name !== undefined) i.nameTranslated ??= { en: i.name };
    i.productPrice ??= i.price;
    i.priceWithoutTax ??= o.pricesIncludeTax ? round2((i.price ?? 0) - (i.tax ?? 0) / Math.max(1, i.quantity ?? 1)) : i.price;
    i.shipping ??= 0;
    i.taxable ??= true;
    i.attributes ??= [];
    const y = i as Record<string, unknown>;
    const itemDefaults: Record<string, unknown> = {
      categoryId: 0,
      shortDescription: '',
      shortDescriptionTranslated: {},
      quantityInStock: 0,
      trackQuantity: false,
      fixedShippingRateOnly: false,
      fixedShippingRate: 0,
      digital: false,
      giftCard: false,
      productAvailable: true,
      couponApplied: false,
      files: [],
      taxes: [],
      discounts: [],
      discountsAllowed: true,
      recurringTaxIds: [],
      isCustomerSetPrice: false,
    };
    for (const [k, v] of Object.entries(itemDefaults)) if (y[k] === undefined) y[k] = structuredClone(v);
  }
}

/** Fields Ecwid computes itself; a PUT that sends them is not an error, they are just not changed. */
const READ_ONLY_FIELDS = new Set([
  'id',
  'internalId',
  'orderNumber',
  'vendorOrderNumber',
  'publicUid',
  'createDate',
  'createTimestamp',
  'updateDate',
  'updateTimestamp',
]);

/** `read_store_profile` is always granted (Ecwid's scope table). */
function withProfileScope(scopes: string[]): string[] {
  return scopes.includes('read_store_profile') ? [...scopes] : ['read_store_profile', ...scopes];
}

export function randomToken(length: number): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  const bytes = randomBytes(length);
  let out = '';
  for (let i = 0; i < length; i++) out += alphabet[bytes[i] % alphabet.length];
  return out;
}
