import { randomUUID } from 'node:crypto';
import { CLOSED_STATUSES, returnedWeight } from './model';
import { pacificDateTime } from './dates';
import type { ModelState } from './errors';
import type { AccountState, OrderRecord, SimOrder, SimOrderItem, SimState } from './state';
import { errorMessageOf, modelStateOf, orderSchema, type OrderInput } from './validation';

export type UpsertResult =
  | { ok: true; order: SimOrder; outcome: 'created' | 'updated' }
  | { ok: false; error: string; orderKey: string | null; orderId: number | null; orderNumber: string | null; modelState?: ModelState };


const round2 = (n: number) => Math.round(n * 100) / 100;

/**
 * The Order and OrderItem models' fields (V1 reference). ShipStation drops whatever else a request carries, so the
 * simulator does too: a field the connector invents is never echoed back as if ShipStation kept it.
 */
const ORDER_FIELDS = new Set([
  'orderNumber', 'orderKey', 'orderDate', 'paymentDate', 'shipByDate', 'orderStatus', 'customerUsername', 'customerEmail',
  'billTo', 'shipTo', 'items', 'amountPaid', 'taxAmount', 'shippingAmount', 'customerNotes', 'internalNotes', 'gift',
  'giftMessage', 'paymentMethod', 'requestedShippingService', 'carrierCode', 'serviceCode', 'packageCode', 'confirmation',
  'shipDate', 'holdUntilDate', 'weight', 'dimensions', 'insuranceOptions', 'internationalOptions', 'advancedOptions', 'tagIds',
]);
const ITEM_FIELDS = new Set([
  'lineItemKey', 'sku', 'name', 'imageUrl', 'weight', 'quantity', 'unitPrice', 'taxAmount', 'shippingAmount',
  'warehouseLocation', 'options', 'productId', 'fulfillmentSku', 'adjustment', 'upc',
]);
const only = (o: object, fields: Set<string>): Record<string, unknown> =>
  Object.fromEntries(Object.entries(o).filter(([k]) => fields.has(k)));

function address(a: Record<string, unknown>) {
  return {
    name: null,
    company: null,
    street1: null,
    street2: null,
    street3: null,
    city: null,
    state: null,
    postalCode: null,
    country: null,
    phone: null,
    residential: null,
    ...a,
    addressVerified: 'Address not yet validated',
  };
}

function customerIdOf(state: SimState, acct: AccountState, username: string | null | undefined): number | null {
  const key = (username ?? '').trim().toLowerCase();
  if (!key) return null;
  let id = acct.customers.get(key);
  if (id === undefined) {
    id = state.nextId('customer');
    acct.customers.set(key, id);
  }
  return id;
}

/**
 * The stored order: the full resource from the request (no partial updates), the model's defaults for what
 * was left out, and the read-only fields ShipStation computes.
 */
function build(
  state: SimState,
  acct: AccountState,
  body: OrderInput,
  keep: { orderId: number; orderKey: string; createDate: string; storeId: number; items: SimOrderItem[] },
): SimOrder {
  const now = pacificDateTime();
  const input = only(body, ORDER_FIELDS);
  const items: SimOrderItem[] = (body.items ?? []).map((it) => {
    // A line with the same lineItemKey keeps its orderItemId, as an edited line does in ShipStation.
    const prev = it.lineItemKey ? keep.items.find((p) => p.lineItemKey === it.lineItemKey) : undefined;
    return {
      lineItemKey: null,
      sku: null,
      imageUrl: null,
      unitPrice: 0,
      taxAmount: null,
      shippingAmount: null,
      warehouseLocation: null,
      options: [],
      productId: null,
      fulfillmentSku: null,
      adjustment: false,
      upc: null,
      ...only(it, ITEM_FIELDS),
      weight: returnedWeight(it.weight),
      orderItemId: prev?.orderItemId ?? state.nextId('item'),
      createDate: prev?.createDate ?? now,
      modifyDate: now,
    } as unknown as SimOrderItem;
  });
  // The model's full shape whatever was sent, and each customs line gets its read-only customsItemId.
  const intl = body.internationalOptions;
  const internationalOptions = {
    contents: intl?.contents ?? null,
    customsItems: intl?.customsItems ? intl.customsItems.map((c) => ({ ...c, customsItemId: state.nextId('item') })) : null,
    nonDelivery: intl?.nonDelivery ?? null,
  };
  const subtotal = items.reduce((s, it) => s + it.quantity * (it.unitPrice ?? 0), 0);
  const order = {
    paymentDate: null,
    shipByDate: null,
    customerUsername: null,
    customerEmail: null,
    amountPaid: 0,
    taxAmount: 0,
    shippingAmount: 0,
    customerNotes: null,
    internalNotes: null,
    gift: false,
    giftMessage: null,
    paymentMethod: null,
    requestedShippingService: null,
    carrierCode: null,
    serviceCode: null,
    packageCode: null,
    confirmation: 'none',
    shipDate: null,
    holdUntilDate: null,
    insuranceOptions: { provider: null, insureShipment: false, insuredValue: 0 },
    tagIds: null,
    externallyFulfilled: false,
    externallyFulfilledBy: null,
    labelMessages: null,
    ...input,
    weight: returnedWeight(body.weight) ?? returnedWeight({ value: 0, units: 'ounces' }),
    dimensions: body.dimensions ?? null,
    internationalOptions,
    billTo: address(body.billTo),
    shipTo: address(body.shipTo),
    items,
    orderId: keep.orderId,
    orderKey: keep.orderKey,
    createDate: keep.createDate,
    modifyDate: now,
    orderTotal: round2(subtotal + (body.taxAmount ?? 0) + (body.shippingAmount ?? 0)),
    // Read-only: ShipStation makes a customer profile from `customerUsername` ("needed to create a customer profile").
    customerId: customerIdOf(state, acct, body.customerUsername),
    userId: null,
    advancedOptions: {
      warehouseId: acct.warehouseId,
      nonMachinable: false,
      saturdayDelivery: false,
      containsAlcohol: false,
      mergedOrSplit: false,
      mergedIds: [],
      parentId: null,
      customField1: null,
      customField2: null,
      customField3: null,
      source: null,
      billToParty: null,
      billToAccount: null,
      billToPostalCode: null,
      billToCountryCode: null,
      billToMyOtherAccount: null,
      ...body.advancedOptions,
      // "Can only be specified during order creation."
      storeId: keep.storeId,
    },
  };
  // Identity first, as ShipStation's own JSON reads.
  const { orderId, orderKey, createDate, modifyDate, ...rest } = order;
  return { orderId, orderNumber: body.orderNumber, orderKey, orderDate: body.orderDate, createDate, modifyDate, ...rest } as unknown as SimOrder;
}

/**
 * createorder(s) semantics for one order (reference §2.1): a known orderKey (or orderId) updates the open
 * order in place; an unknown key creates it with that key; no key creates it with a generated one, so a
 * retried keyless create duplicates, as in ShipStation. Shipped and cancelled orders are refused.
 */
export function upsertOrder(state: SimState, acct: AccountState, raw: unknown, root: string): UpsertResult {
  const rawObj = (typeof raw === 'object' && raw !== null ? raw : {}) as Record<string, unknown>;
  const givenKey = typeof rawObj.orderKey === 'string' && rawObj.orderKey !== '' ? rawObj.orderKey : null;
  const attempt = (outcome: 'created' | 'updated' | 'rejected', orderKey: string, error?: string) =>
    state.creationAttempts.push({ apiKey: acct.account.apiKey, orderKey, at: Date.now(), outcome, ...(error ? { error } : {}) });
  const reject = (error: string, orderId: number | null = null, modelState?: ModelState): UpsertResult => {
    attempt('rejected', givenKey ?? '', error);
    const orderNumber = typeof rawObj.orderNumber === 'string' ? rawObj.orderNumber : null;
    return { ok: false, error, orderKey: givenKey, orderId, orderNumber, modelState };
  };

  const parsed = orderSchema.safeParse(raw);
  if (!parsed.success) return reject(errorMessageOf(parsed.error.issues, raw), null, modelStateOf(root, parsed.error.issues, raw));
  const body = parsed.data;

  let target: OrderRecord | undefined = givenKey ? acct.orders.get(givenKey) : undefined;
  if (target && !target.active) target = undefined; // a deleted order's key starts a new order
  // "orderId … is required for split orders": the parts of a split order share its key, the orderId names the part.
  if (body.orderId && givenKey) {
    const byId = state.activeOrderById(acct, body.orderId);
    if (byId && byId.order.orderKey === givenKey) target = byId;
  }
  if (!target && body.orderId) {
    target = state.activeOrderById(acct, body.orderId);
    if (!target) return reject(`The order with orderId ${body.orderId} was not found.`, body.orderId);
  }

  if (target) {
    const old = target.order;
    if (CLOSED_STATUSES.includes(old.orderStatus)) {
      return reject(
        `Order ${old.orderNumber} (orderId ${old.orderId}) cannot be updated because it is ${old.orderStatus}. ` +
          'Only orders awaiting payment, awaiting shipment, pending fulfillment or on hold can be updated.',
        old.orderId,
      );
    }
    target.order = build(state, acct, body, {
      orderId: old.orderId,
      orderKey: old.orderKey,
      createDate: old.createDate,
      storeId: old.advancedOptions?.storeId ?? state.manualStore(acct).storeId,
      items: old.items,
    });
    attempt('updated', old.orderKey);
    return { ok: true, order: target.order, outcome: 'updated' };
  }

  const storeId = body.advancedOptions?.storeId;
  if (storeId !== undefined && storeId !== null) {
    const store = acct.stores.find((s) => s.storeId === storeId);
    if (!store) return reject(`Invalid storeId ${storeId}: no store with that ID on this account.`);
    if (store.active === false) return reject(`Invalid storeId ${storeId}: the store is inactive.`);
  }
  const orderKey = givenKey ?? randomUUID();
  const order = build(state, acct, body, {
    orderId: state.nextId('order'),
    orderKey,
    createDate: pacificDateTime(),
    storeId: storeId ?? state.manualStore(acct).storeId,
    items: [],
  });
  acct.orders.set(orderKey, { order, active: true });
  attempt('created', orderKey);
  return { ok: true, order, outcome: 'created' };
}

/**
 * An order a selling channel's store imported on its own (ShipStation's native integration, e.g. its Ecwid store):
 * in that store, under the integration's own orderKey (never one a connector chose), with the channel's order
 * number. Not an API call: what ShipStation's import does. Goes through the same model as createorder.
 */
export function importMarketplaceOrder(state: SimState, acct: AccountState, storeId: number, raw: Record<string, unknown>): SimOrder {
  const store = acct.stores.find((s) => s.storeId === storeId);
  if (!store) throw new Error(`no store ${storeId} on this account`);
  const orderKey = typeof raw.orderKey === 'string' && raw.orderKey !== '' ? raw.orderKey : randomUUID().replace(/-/g, '');
  const body = { ...raw, orderKey, advancedOptions: { ...(raw.advancedOptions as object | undefined), storeId, source: store.marketplaceName.toLowerCase() } };
  const parsed = orderSchema.safeParse(body);
  if (!parsed.success) throw new Error(errorMessageOf(parsed.error.issues, body));
  const order = build(state, acct, parsed.data, { orderId: state.nextId('order'), orderKey, createDate: pacificDateTime(), storeId, items: [] });
  acct.orders.set(orderKey, { order, active: true });
  return order;
}
