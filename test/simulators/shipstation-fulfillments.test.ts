/**
 * Orders marked as shipped without a label (POST /orders/markasshipped), listed by GET /fulfillments and announced
 * by FULFILLMENT_SHIPPED; and the carriers endpoints, as V1's reference documents them.
 */
import express from 'express';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { basicAuth, startShipStationSimulator, type ShipStationSimulator } from '../../src/simulators/shipstation';

const ACCOUNT = { apiKey: 'fulfil-key', apiSecret: 'fulfil-secret' };
const STORE = 5151;
const OTHER_STORE = 5152;
type Json = Record<string, unknown>;

let sim: ShipStationSimulator;
let receiver: Server;
let receiverUrl = '';
const received: { path: string; body: { resource_url: string; resource_type: string } }[] = [];

beforeEach(async () => {
  received.length = 0;
  sim = await startShipStationSimulator({ accounts: [ACCOUNT], rateLimitPerMinute: 100_000 });
  sim.addStore(ACCOUNT.apiKey, { storeId: STORE, storeName: 'Ecwid 5151' });
  sim.addStore(ACCOUNT.apiKey, { storeId: OTHER_STORE, storeName: 'Ecwid 5152' });
  const app = express();
  app.use(express.json());
  app.post('/{*path}', (req, res) => {
    received.push({ path: req.path, body: req.body as { resource_url: string; resource_type: string } });
    res.status(200).end();
  });
  await new Promise<void>((r) => {
    receiver = app.listen(0, '127.0.0.1', () => r());
  });
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
});
afterEach(async () => {
  await sim.close();
  receiver.closeAllConnections();
  await new Promise((r) => receiver.close(r));
});

async function call<T = Json>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }> {
  const r = await fetch(path.startsWith('http') ? path : `${sim.url}${path}`, {
    method,
    headers: { Authorization: basicAuth(ACCOUNT.apiKey, ACCOUNT.apiSecret), 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await r.text();
  return { status: r.status, body: (text ? JSON.parse(text) : undefined) as T };
}

async function createOrder(n: number, storeId = STORE, name = 'Ada Lovelace'): Promise<number> {
  const address = { name, street1: '1 Main St', city: 'Austin', state: 'TX', postalCode: '78756', country: 'US' };
  const res = await call<{ orderId: number }>('POST', '/orders/createorder', {
    orderNumber: `F-${n}`,
    orderKey: `ecwid-${storeId}-F${n}`,
    orderDate: '2024-09-17T08:00:00.0000000',
    orderStatus: 'awaiting_shipment',
    customerEmail: `buyer${n}@example.com`,
    billTo: address,
    shipTo: address,
    items: [{ lineItemKey: '1', sku: 'MUG', name: 'Mug', quantity: 1, unitPrice: 12 }],
    advancedOptions: { storeId },
  });
  expect(res.status).toBe(200);
  return res.body.orderId;
}

const FULFILLMENT_KEYS = [
  'fulfillmentId', 'orderId', 'orderNumber', 'userId', 'customerEmail', 'trackingNumber', 'createDate', 'shipDate', 'voidDate', 'deliveryDate',
  'carrierCode', 'sellerFillProviderId', 'sellerFillProviderName', 'fulfillmentServiceCode', 'fulfillmentProviderCode', 'fulfillmentFee',
  'voidRequested', 'voided', 'marketplaceNotified', 'notifyErrorMessage', 'shipTo',
];

describe('POST /orders/markasshipped', () => {
  test('creates a fulfillment without a label, ships the order and POSTs FULFILLMENT_SHIPPED to the store\'s hooks only', async () => {
    const hook = await call<{ id: number }>('POST', '/webhooks/subscribe', { target_url: `${receiverUrl}/fulfilled`, event: 'FULFILLMENT_SHIPPED', store_id: STORE });
    await call('POST', '/webhooks/subscribe', { target_url: `${receiverUrl}/other-store`, event: 'FULFILLMENT_SHIPPED', store_id: OTHER_STORE });
    await call('POST', '/webhooks/subscribe', { target_url: `${receiverUrl}/labels`, event: 'SHIP_NOTIFY' });
    const orderId = await createOrder(1);

    const res = await call('POST', '/orders/markasshipped', { orderId, carrierCode: 'usps', shipDate: '2024-09-18', trackingNumber: '9400100000000000000001', notifyCustomer: false, notifySalesChannel: true });
    expect(res).toEqual({ status: 200, body: { orderId, orderNumber: 'F-1' } });

    const order = (await call<Json>('GET', `/orders/${orderId}`)).body;
    expect(order).toMatchObject({ orderStatus: 'shipped', shipDate: '2024-09-18', carrierCode: 'usps' });
    // No label: GET /shipments never lists an order marked as shipped.
    expect((await call<{ total: number }>('GET', `/shipments?orderId=${orderId}`)).body.total).toBe(0);

    expect(received.map((r) => r.path)).toEqual(['/fulfilled']);
    const [{ body }] = received;
    expect(body.resource_type).toBe('FULFILLMENT_SHIPPED');
    expect(new URL(body.resource_url).pathname).toBe('/fulfillments');
    expect(sim.webhookDeliveries.map((d) => [d.webhookId, d.status])).toEqual([[hook.body.id, 200]]);

    // The resource URL lists exactly that fulfillment, with every field of the List Fulfillments reference.
    const page = (await call<{ fulfillments: Json[]; total: number; page: number; pages: number }>('GET', body.resource_url)).body;
    expect(page).toMatchObject({ total: 1, page: 1, pages: 1 });
    const [f] = page.fulfillments;
    expect(Object.keys(f).sort()).toEqual([...FULFILLMENT_KEYS].sort());
    expect(f).toMatchObject({
      orderId,
      orderNumber: 'F-1',
      customerEmail: 'buyer1@example.com',
      trackingNumber: '9400100000000000000001',
      carrierCode: 'usps',
      shipDate: '2024-09-18T00:00:00.0000000',
      voided: false,
      voidRequested: false,
      marketplaceNotified: true,
      fulfillmentFee: 0,
      shipTo: { name: 'Ada Lovelace', country: 'US' },
    });
    expect(f.createDate).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{7}$/);
    // The simulator saw the mark-as-shipped request as sent.
    const [seen] = sim.requests.filter('POST', '/orders/markasshipped');
    expect(seen?.body).toMatchObject({ orderId, carrierCode: 'usps' });
  });

  test.each([
    ['no orderId', { carrierCode: 'usps' }, 'request.orderId'],
    ['no carrierCode', { orderId: 1 }, 'request.carrierCode'],
    ['a ship date that is not a date', { orderId: 1, carrierCode: 'usps', shipDate: 'tomorrow' }, 'request.shipDate'],
  ])('answers 400 with ModelState for %s', async (_what, body, key) => {
    const res = await call<{ Message: string; ModelState: Record<string, string[]> }>('POST', '/orders/markasshipped', body);
    expect(res.status).toBe(400);
    expect(Object.keys(res.body.ModelState)).toContain(key);
  });

  test('refuses an unknown order, and an order already shipped or cancelled', async () => {
    expect((await call('POST', '/orders/markasshipped', { orderId: 1, carrierCode: 'usps' })).status).toBe(400);
    const orderId = await createOrder(2);
    expect((await call('POST', '/orders/markasshipped', { orderId, carrierCode: 'ups' })).status).toBe(200);
    const again = await call<{ Message: string }>('POST', '/orders/markasshipped', { orderId, carrierCode: 'ups' });
    expect(again.status).toBe(400);
    expect(again.body.Message).toMatch(/shipped/);
    expect((await call<{ total: number }>('GET', '/fulfillments')).body.total).toBe(1);
  });
});

describe('GET /fulfillments', () => {
  test('filters by each documented parameter, sorts and pages', async () => {
    const a = await createOrder(10, STORE, 'Grace Hopper');
    const b = await createOrder(11, STORE, 'Alan Turing');
    const c = await createOrder(12, OTHER_STORE, 'Grace Hopper');
    await call('POST', '/orders/markasshipped', { orderId: a, carrierCode: 'usps', shipDate: '2024-09-10', trackingNumber: 'T-A' });
    await call('POST', '/orders/markasshipped', { orderId: b, carrierCode: 'ups', shipDate: '2024-09-12', trackingNumber: 'T-B' });
    await call('POST', '/orders/markasshipped', { orderId: c, carrierCode: 'fedex', shipDate: '2024-09-11' });
    type Page = { fulfillments: { orderId: number; fulfillmentId: number }[]; total: number; page: number; pages: number };
    const ids = async (q: string) => (await call<Page>('GET', `/fulfillments${q}`)).body.fulfillments.map((f) => f.orderId);

    expect(await ids('')).toEqual([a, b, c]); // ascending createDate when sortBy is absent
    expect(await ids(`?orderId=${b}`)).toEqual([b]);
    expect(await ids('?orderNumber=F-12')).toEqual([c]);
    expect(await ids('?trackingNumber=T-A')).toEqual([a]);
    expect(await ids('?recipientName=grace')).toEqual([a, c]);
    expect(await ids('?shipDateStart=2024-09-11&shipDateEnd=2024-09-12')).toEqual([b, c]);
    expect(await ids('?sortBy=ShipDate&sortDir=DESC')).toEqual([b, c, a]);
    expect(await ids('?orderId=not-a-number')).toEqual([]);
    const first = (await call<Page>('GET', '/fulfillments')).body.fulfillments[0];
    expect(await ids(`?fulfillmentId=${first.fulfillmentId}`)).toEqual([a]);
    expect(await ids('?createDateStart=2000-01-01&createDateEnd=2000-01-02')).toEqual([]);

    const page2 = (await call<Page>('GET', '/fulfillments?pageSize=2&page=2')).body;
    expect(page2).toMatchObject({ total: 3, page: 2, pages: 2 });
    expect(page2.fulfillments.map((f) => f.orderId)).toEqual([c]);
  });

  test("the UI's Mark as Shipped (simulator control) goes through the same path", async () => {
    await call('POST', '/webhooks/subscribe', { target_url: `${receiverUrl}/any`, event: 'FULFILLMENT_SHIPPED' });
    const orderId = await createOrder(20);
    const f = await sim.markAsShipped(ACCOUNT.apiKey, `ecwid-${STORE}-F20`, { carrierCode: 'other', trackingNumber: 'X1' });
    expect(f).toMatchObject({ orderId, carrierCode: 'other', trackingNumber: 'X1' });
    expect(received).toHaveLength(1);
    await expect(sim.markAsShipped(ACCOUNT.apiKey, `ecwid-${STORE}-F20`, { carrierCode: 'other' })).rejects.toThrow(/shipped/);
  });

  test('a process that does not host the simulator marks an order shipped through POST /__sim/markasshipped', async () => {
    const orderId = await createOrder(21);
    const post = (body: unknown) => fetch(`${sim.url}/__sim/markasshipped`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
    const res = await post({ apiKey: ACCOUNT.apiKey, orderKey: `ecwid-${STORE}-F21`, carrierCode: 'ups', trackingNumber: '1Z999' });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ orderId, carrierCode: 'ups', trackingNumber: '1Z999' });
    expect((await post({ apiKey: ACCOUNT.apiKey, orderKey: `ecwid-${STORE}-F21`, carrierCode: 'ups' })).status).toBe(400);
    expect((await post({ apiKey: ACCOUNT.apiKey, orderKey: 'nope', carrierCode: 'ups' })).status).toBe(404);
  });
});

describe('carriers', () => {
  test('GET /carriers lists every carrier and ignores a carrierCode filter: List Carriers documents no parameter', async () => {
    const all = (await call<{ code: string }[]>('GET', '/carriers')).body;
    const filtered = (await call<{ code: string }[]>('GET', '/carriers?carrierCode=ups')).body;
    expect(all.length).toBeGreaterThan(1);
    expect(filtered).toEqual(all);
  });

  test('GET /carriers/getcarrier?carrierCode= returns that carrier account; an unknown code is a 400', async () => {
    const list = (await call<Json[]>('GET', '/carriers')).body;
    const ups = await call<Json>('GET', '/carriers/getcarrier?carrierCode=ups');
    expect(ups.status).toBe(200);
    expect(ups.body).toEqual(list.find((c) => c.code === 'ups'));
    expect(Object.keys(ups.body).sort()).toEqual(['accountNumber', 'balance', 'code', 'name', 'nickname', 'primary', 'requiresFundedAccount', 'shippingProviderId']);
    expect((await call('GET', '/carriers/getcarrier?carrierCode=pigeon')).status).toBe(400);
    expect((await call('GET', '/carriers/getcarrier')).status).toBe(400);
  });
});
