import type { ShipStationOrder } from '../../src/domain/shipstation';
import { basicAuth, startShipStationSimulator, type ShipStationSimulator } from '../../src/simulators/shipstation';

const ACCOUNT = { apiKey: 'orders-key', apiSecret: 'orders-secret' };
const OTHER = { apiKey: 'other-key', apiSecret: 'other-secret' };
const SS_DATE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{7}$/;

type Json = Record<string, unknown>;
interface BulkResult {
  hasErrors: boolean;
  results: { orderId: number | null; orderNumber: string | null; orderKey: string | null; success: boolean; errorMessage: string | null }[];
}
interface OrderPage {
  orders: (ShipStationOrder & { orderId: number; notesToBuyer: string | null; orderTotal: number })[];
  total: number;
  page: number;
  pages: number;
}

let sim: ShipStationSimulator;
beforeEach(async () => {
  sim = await startShipStationSimulator({ accounts: [ACCOUNT, OTHER], rateLimitPerMinute: 100_000 });
  sim.addStore(ACCOUNT.apiKey, { storeId: 777, storeName: 'Ecwid store' });
});
afterEach(() => sim.close());

function order(n: number | string, extra: Json = {}): Json {
  return {
    orderNumber: `SO-${n}`,
    orderKey: `ecwid-1-${n}`,
    orderDate: '2024-05-01T10:00:00.0000000',
    orderStatus: 'awaiting_shipment',
    customerEmail: 'buyer@example.com',
    customerNotes: 'leave at the door',
    billTo: { name: 'Ann Buyer' },
    shipTo: { name: 'Ann Buyer', street1: '1 Main St', city: 'Springfield', state: 'IL', postalCode: '62701', country: 'US' },
    items: [{ lineItemKey: 'L1', sku: 'SKU-1', name: 'Widget', quantity: 2, unitPrice: 10 }],
    taxAmount: 1.5,
    shippingAmount: 4,
    ...extra,
  };
}

async function call<T = Json>(method: string, path: string, body?: unknown, account = ACCOUNT): Promise<{ status: number; body: T }> {
  const r = await fetch(`${sim.url}${path}`, {
    method,
    headers: { Authorization: basicAuth(account.apiKey, account.apiSecret), 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await r.text();
  return { status: r.status, body: (text ? JSON.parse(text) : undefined) as T };
}
const createOrder = (o: unknown, account = ACCOUNT) => call('POST', '/orders/createorder', o, account);
const createOrders = (o: unknown) => call<BulkResult>('POST', '/orders/createorders', o);
const manualStoreId = async () => (await call<{ storeId: number; storeName: string }[]>('GET', '/stores')).body.find((s) => s.storeName === 'Manual Orders')!.storeId;

describe('createorder: upsert by orderKey', () => {
  test('creates with a new orderId, Pacific zone-less dates, the manual store and a computed orderTotal', async () => {
    const r = await createOrder(order(1));
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ orderNumber: 'SO-1', orderKey: 'ecwid-1-1', orderStatus: 'awaiting_shipment' });
    expect(r.body).not.toHaveProperty('notesToBuyer');
    expect(typeof r.body.orderId).toBe('number');
    expect(r.body.createDate).toMatch(SS_DATE);
    expect(r.body.modifyDate).toMatch(SS_DATE);
    expect(r.body.orderTotal).toBe(25.5); // 2 × 10 + 1.5 tax + 4 shipping
    expect((r.body.advancedOptions as Json).storeId).toBe(await manualStoreId());
    const item = (r.body.items as Json[])[0];
    expect(typeof item.orderItemId).toBe('number');
    expect((r.body.shipTo as Json).addressVerified).toBe('Address not yet validated');
    expect(sim.ordersByKey(ACCOUNT.apiKey).get('ecwid-1-1')?.orderId).toBe(r.body.orderId);
  });

  test('the same key updates in place: orderId, createDate and storeId kept; the resource is fully replaced', async () => {
    const first = await createOrder(order(2, { advancedOptions: { storeId: 777 } }));
    expect((first.body.advancedOptions as Json).storeId).toBe(777);
    await new Promise((r) => setTimeout(r, 5));
    const { customerNotes: _dropped, ...withoutNotes } = order(2, { orderStatus: 'on_hold', advancedOptions: { storeId: await manualStoreId(), customField1: 'SAVE10' } });
    const second = await createOrder(withoutNotes);
    expect(second.status).toBe(200);
    expect(second.body.orderId).toBe(first.body.orderId);
    expect(second.body.createDate).toBe(first.body.createDate);
    expect((second.body.modifyDate as string) > (first.body.modifyDate as string)).toBe(true);
    expect(second.body.orderStatus).toBe('on_hold');
    expect(second.body.customerNotes).toBeNull(); // no partial updates: a left-out field is cleared
    expect((second.body.advancedOptions as Json).storeId).toBe(777); // storeId only on creation
    expect((second.body.advancedOptions as Json).customField1).toBe('SAVE10');
    expect(((second.body.items as Json[])[0]).orderItemId).toBe(((first.body.items as Json[])[0]).orderItemId);
    expect(sim.ordersByKey(ACCOUNT.apiKey).size).toBe(1);
    expect(sim.creationAttempts.map((a) => [a.orderKey, a.outcome])).toEqual([
      ['ecwid-1-2', 'created'],
      ['ecwid-1-2', 'updated'],
    ]);
  });

  test('without orderKey every call creates a new order with a generated key (retries duplicate)', async () => {
    const { orderKey: _k, ...keyless } = order(3);
    const a = await createOrder(keyless);
    const b = await createOrder(keyless);
    expect(a.body.orderId).not.toBe(b.body.orderId);
    expect(a.body.orderKey).toEqual(expect.any(String));
    expect(a.body.orderKey).not.toBe(b.body.orderKey);
    const list = await call<OrderPage>('GET', '/orders?orderNumber=SO-3');
    expect(list.body.total).toBe(2);
  });

  test('read-only fields in the body are ignored', async () => {
    const r = await createOrder(order(4, { orderTotal: 999, createDate: '2001-01-01T00:00:00.0000000', notesToBuyer: 'sneaky' }));
    expect(r.body.orderTotal).toBe(25.5);
    expect(r.body.createDate).not.toBe('2001-01-01T00:00:00.0000000');
    expect(r.body).not.toHaveProperty('notesToBuyer');
  });

  test('advancedOptions.storeId must be a store of the account', async () => {
    const r = await createOrder(order(5, { advancedOptions: { storeId: 123456 } }));
    expect(r.status).toBe(400);
    expect(r.body.Message).toMatch(/storeId 123456/);
    expect(sim.ordersByKey(ACCOUNT.apiKey).has('ecwid-1-5')).toBe(false);
  });

  test('an inactive store is refused on creation; a store given on an update is ignored (set on creation only)', async () => {
    sim.addStore(ACCOUNT.apiKey, { storeId: 778, storeName: 'Closed', active: false });
    const r = await createOrder(order(51, { advancedOptions: { storeId: 778 } }));
    expect(r.status).toBe(400);
    expect(r.body.Message).toMatch(/storeId 778: the store is inactive/);
    await createOrder(order(52, { advancedOptions: { storeId: 777 } }));
    await createOrder(order(52, { advancedOptions: { storeId: await manualStoreId() } }));
    expect(sim.ordersByKey(ACCOUNT.apiKey).get('ecwid-1-52')?.advancedOptions?.storeId).toBe(777);
  });

  test.each(['shipped', 'cancelled'] as const)('a %s order cannot be updated: 400 naming the status, order unchanged', async (status) => {
    await createOrder(order(6));
    sim.setOrderStatus(ACCOUNT.apiKey, 'ecwid-1-6', status);
    const r = await createOrder(order(6, { customerNotes: 'changed' }));
    expect(r.status).toBe(400);
    expect(r.body.Message).toMatch(new RegExp(`cannot be updated because it is ${status}`));
    const stored = sim.ordersByKey(ACCOUNT.apiKey).get('ecwid-1-6')!;
    expect(stored.orderStatus).toBe(status);
    expect(stored.customerNotes).toBe('leave at the door');
    expect(sim.creationAttempts.at(-1)).toMatchObject({ orderKey: 'ecwid-1-6', outcome: 'rejected', error: expect.stringMatching(status) });
  });

  test('accounts are isolated: the same orderKey in two accounts is two orders', async () => {
    const a = await createOrder(order(7));
    const b = await createOrder(order(7), OTHER);
    expect(a.body.orderId).not.toBe(b.body.orderId);
    expect((await call<OrderPage>('GET', '/orders', undefined, OTHER)).body.total).toBe(1);
    expect((await call('GET', `/orders/${a.body.orderId}`, undefined, OTHER)).status).toBe(404);
  });
});

describe('createorder / createorders: body validation (ASP.NET-style 400)', () => {
  test('createorder given an array, createorders given an object', async () => {
    const a = await createOrder([order(1)]);
    expect(a.status).toBe(400);
    expect(a.body).toEqual({ Message: 'The request is invalid.', ModelState: { apiOrder: [expect.stringMatching(/Cannot deserialize the current JSON array/)] } });
    const b = await createOrders(order(1));
    expect(b.status).toBe(400);
    expect((b.body as unknown as Json).ModelState).toEqual({ apiOrders: [expect.stringMatching(/Cannot deserialize the current JSON object/)] });
    expect(sim.creationAttempts).toHaveLength(0);
  });

  test('malformed JSON is a 400 with ModelState', async () => {
    const r = await call('POST', '/orders/createorder', '{"orderNumber": ');
    expect(r.status).toBe(400);
    expect(r.body.Message).toBe('The request is invalid.');
    expect(Object.keys(r.body.ModelState as Json)).toEqual(['apiOrder']);
  });

  test('missing required fields, orderNumber over 50 characters, and an unknown status', async () => {
    const missing = await createOrder({ orderKey: 'k-missing' });
    expect(missing.status).toBe(400);
    expect(Object.keys(missing.body.ModelState as Json).sort()).toEqual(
      ['apiOrder.billTo', 'apiOrder.orderDate', 'apiOrder.orderNumber', 'apiOrder.orderStatus', 'apiOrder.shipTo'].sort(),
    );
    expect((missing.body.ModelState as Record<string, string[]>)['apiOrder.orderNumber']).toEqual(['The orderNumber field is required.']);

    const long = await createOrder(order(1, { orderNumber: 'x'.repeat(51) }));
    expect(long.status).toBe(400);
    expect((long.body.ModelState as Record<string, string[]>)['apiOrder.orderNumber'][0]).toMatch(/maximum length of 50/);
    expect((await createOrder(order(1, { orderNumber: 'x'.repeat(50) }))).status).toBe(200);

    const badStatus = await createOrder(order(2, { orderStatus: 'paid' }));
    expect(badStatus.status).toBe(400);
    expect(badStatus.body.ModelState).toHaveProperty(['apiOrder.orderStatus']);
    expect((await createOrder(order(3, { orderStatus: 'pending_fulfillment' }))).status).toBe(200);
    expect(sim.creationAttempts.filter((a) => a.outcome === 'rejected')).toHaveLength(3);
  });

  test('createorders: more than 100 orders is a 400 for the whole request; 100 is fine', async () => {
    const tooMany = await createOrders(Array.from({ length: 101 }, (_, i) => order(i)));
    expect(tooMany.status).toBe(400);
    expect((tooMany.body as unknown as Json).ModelState).toHaveProperty('apiOrders');
    expect(sim.ordersByKey(ACCOUNT.apiKey).size).toBe(0);
    const ok = await createOrders(Array.from({ length: 100 }, (_, i) => order(i)));
    expect(ok.status).toBe(200);
    expect(ok.body.hasErrors).toBe(false);
    expect(ok.body.results).toHaveLength(100);
    expect(sim.ordersByKey(ACCOUNT.apiKey).size).toBe(100);
  });

  test('createorders: an invalid order fails alone, the others are created', async () => {
    const r = await createOrders([order(1), order(2, { orderNumber: '' , shipTo: undefined }), order(3)]);
    expect(r.status).toBe(200);
    expect(r.body.hasErrors).toBe(true);
    expect(r.body.results.map((x) => x.success)).toEqual([true, false, true]);
    expect(r.body.results[1]).toMatchObject({ orderKey: 'ecwid-1-2', orderId: null, errorMessage: expect.stringMatching(/shipTo field is required/) });
    expect(r.body.results[0]).toMatchObject({ orderKey: 'ecwid-1-1', orderNumber: 'SO-1', errorMessage: null, orderId: expect.any(Number) });
    expect([...sim.ordersByKey(ACCOUNT.apiKey).keys()].sort()).toEqual(['ecwid-1-1', 'ecwid-1-3']);
    expect(sim.creationAttempts.map((a) => a.outcome)).toEqual(['created', 'rejected', 'created']);
  });

  test('createorders: shipped and cancelled orders are refused per order while the others proceed', async () => {
    await createOrders([order(1), order(2), order(3)]);
    sim.setOrderStatus(ACCOUNT.apiKey, 'ecwid-1-1', 'shipped');
    sim.setOrderStatus(ACCOUNT.apiKey, 'ecwid-1-2', 'cancelled');
    const r = await createOrders([order(1, { internalNotes: 'x' }), order(2, { internalNotes: 'x' }), order(3, { internalNotes: 'x' }), order(4)]);
    expect(r.body.hasErrors).toBe(true);
    expect(r.body.results.map((x) => x.success)).toEqual([false, false, true, true]);
    expect(r.body.results[0].errorMessage).toMatch(/shipped/);
    expect(r.body.results[1].errorMessage).toMatch(/cancelled/);
    expect(r.body.results[0].orderId).toBe(sim.ordersByKey(ACCOUNT.apiKey).get('ecwid-1-1')!.orderId);
    const byKey = sim.ordersByKey(ACCOUNT.apiKey);
    expect(byKey.get('ecwid-1-1')!.internalNotes).toBeNull();
    expect(byKey.get('ecwid-1-3')!.internalNotes).toBe('x');
    expect(sim.creationAttempts.slice(3).map((a) => a.outcome)).toEqual(['rejected', 'rejected', 'updated', 'created']);
  });
});

describe("stores of other marketplaces (ShipStation's own integrations)", () => {
  test('GET /stores lists manual and marketplace stores, inactive ones only with showInactive=true', async () => {
    const ecwid = sim.addStore(ACCOUNT.apiKey, { storeName: 'My Ecwid shop', marketplaceId: 71, marketplaceName: 'Ecwid', autoRefresh: true });
    sim.addStore(ACCOUNT.apiKey, { storeName: 'Gone', active: false });
    const listed = (await call<Json[]>('GET', '/stores')).body;
    expect(listed.map((s) => s.storeName)).toEqual(['Manual Orders', 'Ecwid store', 'My Ecwid shop']);
    expect(listed[2]).toMatchObject({ storeId: ecwid.storeId, marketplaceId: 71, marketplaceName: 'Ecwid', active: true, autoRefresh: true });
    const all = (await call<Json[]>('GET', '/stores?showInactive=true')).body;
    expect(all.find((s) => s.storeName === 'Gone')).toMatchObject({ active: false });
    expect((await call<Json[]>('GET', '/stores?marketplaceId=71')).body.map((s) => s.storeName)).toEqual(['My Ecwid shop']);
  });

  test("a marketplace store's own imports: its orderKey, its store, listed by storeId; the connector can update them by that key", async () => {
    const ecwid = sim.addStore(ACCOUNT.apiKey, { storeName: 'My Ecwid shop', marketplaceId: 71, marketplaceName: 'Ecwid' });
    const native = sim.importMarketplaceOrder(ACCOUNT.apiKey, ecwid.storeId, order('K8XTQ', { orderNumber: 'K8XTQ', orderKey: undefined }));
    expect(native.orderKey).toMatch(/^[0-9a-f]{32}$/);
    expect(native.advancedOptions).toMatchObject({ storeId: ecwid.storeId, source: 'ecwid' });
    await createOrder(order(60));
    const page = (await call<OrderPage>('GET', `/orders?storeId=${ecwid.storeId}&pageSize=500`)).body;
    expect(page.orders.map((o) => o.orderNumber)).toEqual(['K8XTQ']);
    const updated = await createOrders([{ ...order('K8XTQ', { orderNumber: 'K8XTQ', orderKey: native.orderKey }), orderStatus: 'on_hold' }]);
    expect(updated.body.results[0]).toMatchObject({ success: true, orderId: native.orderId });
    expect(sim.ordersByKey(ACCOUNT.apiKey).get(native.orderKey)).toMatchObject({ orderStatus: 'on_hold', advancedOptions: { storeId: ecwid.storeId } });
  });
});

describe('GET /orders, GET and DELETE /orders/{id}', () => {
  beforeEach(async () => {
    await createOrders([
      ...Array.from({ length: 7 }, (_, i) => order(`10${i}`)),
      order('200', { orderStatus: 'on_hold', advancedOptions: { storeId: 777 } }),
    ]);
  });

  test('pages are 1-based with total and pages; pageSize is capped at 500', async () => {
    const p1 = await call<OrderPage>('GET', '/orders?pageSize=3');
    expect(p1.body).toMatchObject({ total: 8, page: 1, pages: 3 });
    expect(p1.body.orders.map((o) => o.orderNumber)).toEqual(['SO-100', 'SO-101', 'SO-102']);
    const p3 = await call<OrderPage>('GET', '/orders?pageSize=3&page=3');
    expect(p3.body.orders.map((o) => o.orderNumber)).toEqual(['SO-106', 'SO-200']);
    const past = await call<OrderPage>('GET', '/orders?pageSize=3&page=9');
    expect(past.body).toMatchObject({ orders: [], total: 8, page: 9, pages: 3 });
    const big = await call<OrderPage>('GET', '/orders?pageSize=10000');
    expect(big.body).toMatchObject({ total: 8, pages: 1 });
    const none = await call<OrderPage>('GET', '/orders?orderNumber=NOPE');
    expect(none.body).toEqual({ orders: [], total: 0, page: 1, pages: 0 });
  });

  test('orderNumber is "starts with"; orderStatus, storeId and sortDir filter and sort', async () => {
    const starts = await call<OrderPage>('GET', '/orders?orderNumber=SO-10');
    expect(starts.body.total).toBe(7);
    const exact = await call<OrderPage>('GET', '/orders?orderNumber=SO-103');
    expect(exact.body.orders.map((o) => o.orderKey)).toEqual(['ecwid-1-103']);
    const held = await call<OrderPage>('GET', '/orders?orderStatus=on_hold');
    expect(held.body.orders.map((o) => o.orderNumber)).toEqual(['SO-200']);
    const store = await call<OrderPage>('GET', '/orders?storeId=777');
    expect(store.body.orders.map((o) => o.orderNumber)).toEqual(['SO-200']);
    const desc = await call<OrderPage>('GET', '/orders?sortBy=CreateDate&sortDir=DESC&pageSize=2');
    expect(desc.body.orders.map((o) => o.orderNumber)).toEqual(['SO-200', 'SO-106']);
    const future = await call<OrderPage>('GET', '/orders?modifyDateStart=2999-01-01%2000:00:00');
    expect(future.body.total).toBe(0);
    const past = await call<OrderPage>('GET', '/orders?createDateStart=2000-01-01');
    expect(past.body.total).toBe(8);
  });

  test('GET /orders/{id} returns the order; DELETE is a soft delete that hides it', async () => {
    const id = sim.ordersByKey(ACCOUNT.apiKey).get('ecwid-1-101')!.orderId!;
    const got = await call('GET', `/orders/${id}`);
    expect(got.status).toBe(200);
    expect(got.body).toMatchObject({ orderId: id, orderKey: 'ecwid-1-101' });
    const del = await call('DELETE', `/orders/${id}`);
    expect(del).toEqual({ status: 200, body: { success: true, message: 'The requested order has been deleted.' } });
    expect((await call('GET', `/orders/${id}`)).status).toBe(404);
    expect((await call('DELETE', `/orders/${id}`)).status).toBe(404);
    expect((await call<OrderPage>('GET', '/orders')).body.total).toBe(7);
    expect(sim.ordersByKey(ACCOUNT.apiKey).has('ecwid-1-101')).toBe(false);
    // The key of a deleted order starts a new order.
    const again = await createOrder(order('101'));
    expect(again.body.orderId).not.toBe(id);
  });

  test('no notes to buyer: V1\'s Order model has no such field, so one sent is not stored and none is served', async () => {
    await createOrder(order('102', { notesToBuyer: 'Thanks for your order!' }));
    const id = sim.ordersByKey(ACCOUNT.apiKey).get('ecwid-1-102')!.orderId!;
    const got = (await call<Record<string, unknown>>('GET', `/orders/${id}`)).body;
    expect(Object.keys(got).filter((k) => /notes/i.test(k)).sort()).toEqual(['customerNotes', 'internalNotes']);
  });
});

describe('simulator controls over HTTP', () => {
  test('/__sim/orders lists an account\'s orders and /__sim/attempts every attempt', async () => {
    await createOrders([order(1), order(2, { orderStatus: 'bogus' })]);
    const orders = (await (await fetch(`${sim.url}/__sim/orders?apiKey=${ACCOUNT.apiKey}`)).json()) as ShipStationOrder[];
    expect(orders.map((o) => o.orderKey)).toEqual(['ecwid-1-1']);
    const attempts = (await (await fetch(`${sim.url}/__sim/attempts`)).json()) as { orderKey: string; outcome: string }[];
    expect(attempts.map((a) => [a.orderKey, a.outcome])).toEqual([
      ['ecwid-1-1', 'created'],
      ['ecwid-1-2', 'rejected'],
    ]);
    expect((await fetch(`${sim.url}/__sim/orders?apiKey=nobody`)).status).toBe(404);
  });
});

describe('split orders (the UI\'s "Split Order")', () => {
  test('a split leaves two open orders with the key; an update naming a part\'s orderId changes that part only', async () => {
    await createOrder(order(50, { items: [
      { lineItemKey: 'L1', sku: 'SKU-1', name: 'Widget', quantity: 2, unitPrice: 10 },
      { lineItemKey: 'L2', sku: 'SKU-2', name: 'Gadget', quantity: 1, unitPrice: 5 },
    ] }));
    const child = sim.splitOrder(ACCOUNT.apiKey, 'ecwid-1-50', [{ lineItemKey: 'L1', quantity: 2 }]);
    expect(child.orderNumber).toBe('SO-50-1');
    expect(child.items.map((i) => i.lineItemKey)).toEqual(['L2']);
    const listed = (await call<OrderPage>('GET', '/orders?orderNumber=SO-50')).body.orders;
    expect(listed.map((o) => [o.orderNumber, o.orderStatus, (o.advancedOptions as { mergedOrSplit?: boolean } | undefined)?.mergedOrSplit])).toEqual([
      ['SO-50', 'awaiting_shipment', true],
      ['SO-50-1', 'awaiting_shipment', true],
    ]);
    const part = listed.find((o) => o.orderNumber === 'SO-50-1')!;
    const r = await createOrders([{ ...part, orderStatus: 'cancelled' }]);
    expect(r.body.results[0]).toMatchObject({ success: true, orderId: part.orderId });
    const after = (await call<OrderPage>('GET', '/orders?orderNumber=SO-50')).body.orders;
    expect(after.map((o) => [o.orderNumber, o.orderStatus, o.items.map((i) => i.lineItemKey)])).toEqual([
      ['SO-50', 'awaiting_shipment', ['L1']],
      ['SO-50-1', 'cancelled', ['L2']],
    ]);
    expect(() => sim.splitOrder(ACCOUNT.apiKey, 'ecwid-1-50', [{ lineItemKey: 'L1', quantity: 2 }])).toThrow(/whole order/);
  });
});
