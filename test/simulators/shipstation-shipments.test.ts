import express from 'express';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import type { ShipStationShipmentPage, ShipStationWebhookBody } from '../../src/domain/shipstation';
import { basicAuth, startShipStationSimulator, type ShipStationSimulator } from '../../src/simulators/shipstation';

const ACCOUNT = { apiKey: 'ship-key', apiSecret: 'ship-secret' };
const STORE = 4242;

type Json = Record<string, unknown>;

/** A local webhook receiver: records what ShipStation POSTs, answers with `status`. */
class Receiver {
  readonly received: { path: string; body: ShipStationWebhookBody; contentType?: string }[] = [];
  status = 200;
  private server!: Server;
  url = '';
  async start(): Promise<void> {
    const app = express();
    app.use(express.json());
    app.post('/{*path}', (req, res) => {
      this.received.push({ path: req.path, body: req.body as ShipStationWebhookBody, contentType: req.headers['content-type'] });
      res.status(this.status).end();
    });
    await new Promise<void>((r) => {
      this.server = app.listen(0, '127.0.0.1', () => r());
    });
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }
  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((r) => this.server.close(() => r()));
  }
}

let sim: ShipStationSimulator;
let receiver: Receiver;
beforeEach(async () => {
  sim = await startShipStationSimulator({ accounts: [ACCOUNT], rateLimitPerMinute: 100_000 });
  sim.addStore(ACCOUNT.apiKey, { storeId: STORE, storeName: 'Ecwid 1' });
  receiver = new Receiver();
  await receiver.start();
});
afterEach(async () => {
  await sim.close();
  await receiver.close();
});

async function call<T = Json>(method: string, pathOrUrl: string, body?: unknown): Promise<{ status: number; body: T }> {
  const url = pathOrUrl.startsWith('http') ? pathOrUrl : `${sim.url}${pathOrUrl}`;
  const r = await fetch(url, {
    method,
    headers: { Authorization: basicAuth(ACCOUNT.apiKey, ACCOUNT.apiSecret), 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await r.text();
  return { status: r.status, body: (text ? JSON.parse(text) : undefined) as T };
}

async function createOrder(n: number, storeId?: number): Promise<string> {
  const orderKey = `ecwid-1-${n}`;
  const r = await call('POST', '/orders/createorder', {
    orderNumber: `N${n}`,
    orderKey,
    orderDate: '2024-05-01T10:00:00.0000000',
    orderStatus: 'awaiting_shipment',
    billTo: { name: 'B' },
    shipTo: { name: 'Sam Ship', street1: '1 Main', city: 'Calgary', state: 'AB', postalCode: 'T2C 5X1', country: 'CA' },
    items: [{ lineItemKey: 'L1', sku: 'S1', name: 'Widget', quantity: 3, unitPrice: 2 }],
    ...(storeId ? { advancedOptions: { storeId } } : {}),
  });
  expect(r.status).toBe(200);
  return orderKey;
}

const subscribe = (body: Json) => call<{ id: number }>('POST', '/webhooks/subscribe', body);

describe('webhooks: subscribe, list, delete', () => {
  test('subscribe returns an id; GET /webhooks lists PascalCase items; DELETE removes', async () => {
    const a = await subscribe({ target_url: `${receiver.url}/hook?secret=s`, event: 'SHIP_NOTIFY', store_id: STORE, friendly_name: 'Connector' });
    expect(a.status).toBe(200);
    expect(a.body).toEqual({ id: expect.any(Number) });
    const b = await subscribe({ target_url: `${receiver.url}/orders`, event: 'ORDER_NOTIFY' });
    const list = await call<{ webhooks: Json[] }>('GET', '/webhooks');
    expect(list.body.webhooks).toHaveLength(2);
    expect(list.body.webhooks[0]).toMatchObject({
      WebHookID: a.body.id,
      SellerID: expect.any(Number),
      StoreID: STORE,
      HookType: 'SHIP_NOTIFY',
      MessageFormat: 'Json',
      Url: `${receiver.url}/hook?secret=s`,
      Name: 'Connector',
      Active: true,
    });
    expect(list.body.webhooks[1]).toMatchObject({ WebHookID: b.body.id, StoreID: null, HookType: 'ORDER_NOTIFY', Name: null });
    expect(sim.webhooks(ACCOUNT.apiKey)).toEqual([
      { id: a.body.id, event: 'SHIP_NOTIFY', targetUrl: `${receiver.url}/hook?secret=s`, storeId: STORE, friendlyName: 'Connector' },
      { id: b.body.id, event: 'ORDER_NOTIFY', targetUrl: `${receiver.url}/orders`, storeId: null },
    ]);
    expect((await call('DELETE', `/webhooks/${a.body.id}`)).status).toBe(200);
    expect((await call('DELETE', `/webhooks/${a.body.id}`)).status).toBe(404);
    expect(sim.webhooks(ACCOUNT.apiKey).map((h) => h.id)).toEqual([b.body.id]);
  });

  test('an unknown event, a missing target_url or an unknown store_id is a 400', async () => {
    const badEvent = await subscribe({ target_url: receiver.url, event: 'LABEL_CREATED' });
    expect(badEvent.status).toBe(400);
    expect(badEvent.body).toMatchObject({ Message: 'The request is invalid.', ModelState: { 'request.event': expect.any(Array) } });
    expect((await subscribe({ event: 'SHIP_NOTIFY' })).status).toBe(400);
    expect((await subscribe({ target_url: receiver.url, event: 'SHIP_NOTIFY', store_id: 1 })).status).toBe(400);
    // "store_id (any)": a numeric string is accepted.
    expect((await subscribe({ target_url: receiver.url, event: 'SHIP_NOTIFY', store_id: String(STORE) })).status).toBe(200);
    expect(sim.webhooks(ACCOUNT.apiKey)).toEqual([expect.objectContaining({ storeId: STORE })]);
  });
});

describe('labels, SHIP_NOTIFY and GET /shipments', () => {
  test('createLabel POSTs SHIP_NOTIFY with a ShipStation-shaped resource_url that returns the shipment', async () => {
    await subscribe({ target_url: `${receiver.url}/webhooks/shipstation/1?secret=s`, event: 'SHIP_NOTIFY' });
    const key = await createOrder(1);
    const label = await sim.createLabel(ACCOUNT.apiKey, key, { carrierCode: 'ups', serviceCode: 'ups_ground', trackingNumber: '1Z999AA10123456784', shipmentCost: 8.5, insuranceCost: 1.25 });

    expect(receiver.received).toHaveLength(1);
    const hit = receiver.received[0];
    expect(hit.path).toBe('/webhooks/shipstation/1');
    expect(hit.contentType).toMatch(/application\/json/);
    expect(hit.body.resource_type).toBe('SHIP_NOTIFY');
    expect(hit.body.resource_url).toMatch(new RegExp(`^${sim.url}/shipments\\?batchId=\\d+&includeShipmentItems=False$`));
    expect(sim.webhookDeliveries).toEqual([expect.objectContaining({ targetUrl: `${receiver.url}/webhooks/shipstation/1?secret=s`, status: 200, body: hit.body })]);

    const page = await call<ShipStationShipmentPage>('GET', hit.body.resource_url);
    expect(page.status).toBe(200);
    expect(page.body).toMatchObject({ total: 1, page: 1, pages: 1 });
    const s = page.body.shipments[0];
    const order = sim.ordersByKey(ACCOUNT.apiKey).get(key)!;
    expect(s).toMatchObject({
      shipmentId: label.shipmentId,
      orderId: order.orderId,
      orderKey: key,
      orderNumber: 'N1',
      carrierCode: 'ups',
      serviceCode: 'ups_ground',
      trackingNumber: '1Z999AA10123456784',
      shipmentCost: 8.5,
      insuranceCost: 1.25,
      voided: false,
      voidDate: null,
      isReturnLabel: false,
      batchNumber: null,
      shipmentItems: null,
      advancedOptions: { storeId: order.advancedOptions?.storeId },
      shipTo: expect.objectContaining({ name: 'Sam Ship', country: 'CA' }),
    });
    expect(s.createDate).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{7}$/);
    expect(s.shipDate).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(order.orderStatus).toBe('shipped');
  });

  test('the store filter, ITEM_SHIP_NOTIFY and notify:false decide who is notified', async () => {
    await subscribe({ target_url: `${receiver.url}/mine`, event: 'SHIP_NOTIFY', store_id: STORE });
    const manual = (await call<{ storeId: number; storeName: string }[]>('GET', '/stores')).body.find((s) => s.storeName === 'Manual Orders')!;
    await subscribe({ target_url: `${receiver.url}/manual`, event: 'SHIP_NOTIFY', store_id: manual.storeId });
    await subscribe({ target_url: `${receiver.url}/items`, event: 'ITEM_SHIP_NOTIFY' });
    await subscribe({ target_url: `${receiver.url}/orders`, event: 'ORDER_NOTIFY' });
    const key = await createOrder(2, STORE);
    await sim.createLabel(ACCOUNT.apiKey, key);
    expect(receiver.received.map((r) => r.path).sort()).toEqual(['/items', '/mine']);
    const items = receiver.received.find((r) => r.path === '/items')!;
    expect(items.body.resource_type).toBe('ITEM_SHIP_NOTIFY');
    expect(items.body.resource_url).toMatch(/includeShipmentItems=True$/);
    const withItems = await call<ShipStationShipmentPage & { shipments: { shipmentItems: Json[] }[] }>('GET', items.body.resource_url);
    expect(withItems.body.shipments[0].shipmentItems).toEqual([expect.objectContaining({ sku: 'S1', quantity: 3, lineItemKey: 'L1' })]);

    const before = receiver.received.length;
    await sim.createLabel(ACCOUNT.apiKey, key, { notify: false });
    expect(receiver.received).toHaveLength(before);
    expect((await call<ShipStationShipmentPage>('GET', `/shipments?storeId=${STORE}`)).body.total).toBe(2);
  });

  test('labels given the same batchId share one resource URL listing them all', async () => {
    await subscribe({ target_url: `${receiver.url}/h`, event: 'SHIP_NOTIFY' });
    const k1 = await createOrder(3);
    const k2 = await createOrder(4);
    await sim.createLabel(ACCOUNT.apiKey, k1, { batchId: 555, notify: false });
    await sim.createLabel(ACCOUNT.apiKey, k2, { batchId: 555 });
    expect(receiver.received).toHaveLength(1);
    expect(receiver.received[0].body.resource_url).toBe(`${sim.url}/shipments?batchId=555&includeShipmentItems=False`);
    const page = await call<ShipStationShipmentPage>('GET', receiver.received[0].body.resource_url);
    expect(page.body.shipments.map((s) => s.orderKey)).toEqual([k1, k2]);
    expect(page.body.shipments.map((s) => s.batchNumber)).toEqual(['555', '555']);
    // A label on its own gets its own batch.
    await sim.createLabel(ACCOUNT.apiKey, k1);
    expect(receiver.received[1].body.resource_url).not.toContain('batchId=555');
  });

  test('a voided label stays listed (voided, voidDate); the order reopens only when no live label remains', async () => {
    const key = await createOrder(5);
    const first = await sim.createLabel(ACCOUNT.apiKey, key, { trackingNumber: 'T-1' });
    const second = await sim.createLabel(ACCOUNT.apiKey, key, { trackingNumber: 'T-2' });
    sim.voidLabel(ACCOUNT.apiKey, first.shipmentId);
    expect(sim.ordersByKey(ACCOUNT.apiKey).get(key)!.orderStatus).toBe('shipped');
    sim.voidLabel(ACCOUNT.apiKey, second.shipmentId);
    expect(sim.ordersByKey(ACCOUNT.apiKey).get(key)!.orderStatus).toBe('awaiting_shipment');
    const orderId = sim.ordersByKey(ACCOUNT.apiKey).get(key)!.orderId;
    const page = await call<ShipStationShipmentPage>('GET', `/shipments?orderId=${orderId}`);
    expect(page.body.total).toBe(2);
    for (const s of page.body.shipments) {
      expect(s.voided).toBe(true);
      expect(s.voidDate).toMatch(/^\d{4}-\d{2}-\d{2}T/);
    }
    // The reopened order can be updated again through the API, and relabelled.
    expect((await call('POST', '/orders/createorder', { ...sim.ordersByKey(ACCOUNT.apiKey).get(key), internalNotes: 'reship' })).status).toBe(200);
    const third = await sim.createLabel(ACCOUNT.apiKey, key);
    expect(third.shipmentId).not.toBe(second.shipmentId);
    expect(() => sim.voidLabel(ACCOUNT.apiKey, 1)).toThrow(/no shipment/);
  });

  test('GET /shipments filters by trackingNumber, orderNumber and carrier, and pages', async () => {
    const keys = [await createOrder(6), await createOrder(7), await createOrder(8)];
    await sim.createLabel(ACCOUNT.apiKey, keys[0], { carrierCode: 'fedex' });
    await sim.createLabel(ACCOUNT.apiKey, keys[1], { trackingNumber: 'TRACK-7' });
    await sim.createLabel(ACCOUNT.apiKey, keys[2]);
    expect((await call<ShipStationShipmentPage>('GET', '/shipments?trackingNumber=TRACK-7')).body.shipments.map((s) => s.orderKey)).toEqual([keys[1]]);
    expect((await call<ShipStationShipmentPage>('GET', '/shipments?orderNumber=N8')).body.shipments.map((s) => s.orderKey)).toEqual([keys[2]]);
    const fedex = (await call<ShipStationShipmentPage>('GET', '/shipments?carrierCode=fedex')).body.shipments;
    expect(fedex).toEqual([expect.objectContaining({ orderKey: keys[0], serviceCode: 'fedex_ground', trackingNumber: expect.stringMatching(/^\d{12}$/) })]);
    const stamps = (await call<ShipStationShipmentPage>('GET', '/shipments?orderNumber=N8')).body.shipments[0];
    expect(stamps).toMatchObject({ carrierCode: 'stamps_com', serviceCode: 'usps_priority_mail', trackingNumber: expect.stringMatching(/^9400\d{18}$/) });
    const p2 = await call<ShipStationShipmentPage>('GET', '/shipments?pageSize=2&page=2');
    expect(p2.body).toMatchObject({ total: 3, page: 2, pages: 2 });
    expect(p2.body.shipments).toHaveLength(1);
    expect((await call<ShipStationShipmentPage>('GET', '/shipments?orderId=abc')).body.total).toBe(0);
    expect((await call<ShipStationShipmentPage>('GET', '/shipments?shipDateStart=2999-01-01')).body.total).toBe(0);
  });

  test('a failing or unreachable receiver is recorded, not retried', async () => {
    receiver.status = 500;
    await subscribe({ target_url: `${receiver.url}/fails`, event: 'SHIP_NOTIFY' });
    await subscribe({ target_url: 'http://127.0.0.1:1/closed', event: 'SHIP_NOTIFY' });
    const key = await createOrder(9);
    await sim.createLabel(ACCOUNT.apiKey, key);
    expect(receiver.received).toHaveLength(1);
    const byUrl = Object.fromEntries(sim.webhookDeliveries.map((d) => [d.targetUrl, d]));
    expect(byUrl[`${receiver.url}/fails`].status).toBe(500);
    expect(byUrl['http://127.0.0.1:1/closed'].status).toBeUndefined();
    expect(byUrl['http://127.0.0.1:1/closed'].error).toEqual(expect.any(String));
  });

  test('no label for an unknown or cancelled order', async () => {
    await expect(sim.createLabel(ACCOUNT.apiKey, 'nope')).rejects.toThrow(/no ShipStation order/);
    const key = await createOrder(10);
    sim.setOrderStatus(ACCOUNT.apiKey, key, 'cancelled');
    await expect(sim.createLabel(ACCOUNT.apiKey, key)).rejects.toThrow(/cancelled/);
  });

  test('/__sim/label buys a label from another process; /__sim/deliveries shows the notification', async () => {
    await subscribe({ target_url: `${receiver.url}/h`, event: 'SHIP_NOTIFY' });
    const key = await createOrder(11);
    const r = await fetch(`${sim.url}/__sim/label`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ apiKey: ACCOUNT.apiKey, orderKey: key, carrierCode: 'usps', trackingNumber: 'SIM-1', shipmentCost: '6.10' }),
    });
    expect(r.status).toBe(200);
    expect(await r.json()).toMatchObject({ orderKey: key, carrierCode: 'usps', trackingNumber: 'SIM-1', shipmentCost: 6.1 });
    expect(receiver.received).toHaveLength(1);
    const deliveries = (await (await fetch(`${sim.url}/__sim/deliveries`)).json()) as { status: number }[];
    expect(deliveries).toEqual([expect.objectContaining({ status: 200 })]);
    const missing = await fetch(`${sim.url}/__sim/label`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ apiKey: ACCOUNT.apiKey, orderKey: 'nope' }) });
    expect(missing.status).toBe(404);
    expect(sim.requests.filter('POST', /__sim/)).toHaveLength(0);
  });
});

describe('stores and carriers', () => {
  test('GET /stores lists the manual store (marketplace 0 "ShipStation") and added stores; GET /stores/{id}', async () => {
    const stores = await call<Json[]>('GET', '/stores');
    expect(stores.body).toEqual([
      expect.objectContaining({ storeName: 'Manual Orders', marketplaceId: 0, marketplaceName: 'ShipStation', active: true, storeId: expect.any(Number) }),
      expect.objectContaining({ storeId: STORE, storeName: 'Ecwid 1', active: true }),
    ]);
    const one = await call('GET', `/stores/${STORE}`);
    expect(one.body).toMatchObject({ storeId: STORE, statusMappings: expect.arrayContaining([{ orderStatus: 'shipped', statusKey: 'shipped' }]) });
    expect((await call('GET', '/stores/1')).status).toBe(404);
  });

  test('carriers and services have readable names', async () => {
    const carriers = await call<{ code: string; name: string }[]>('GET', '/carriers');
    expect(carriers.body.map((c) => [c.code, c.name])).toEqual(
      expect.arrayContaining([
        ['stamps_com', 'Stamps.com'],
        ['ups', 'UPS'],
        ['fedex', 'FedEx'],
        ['usps', 'USPS'],
      ]),
    );
    const ups = await call<Json[]>('GET', '/carriers/listservices?carrierCode=ups');
    expect(ups.body).toContainEqual({ carrierCode: 'ups', code: 'ups_ground', name: 'UPS® Ground', domestic: true, international: false });
    const stamps = await call<Json[]>('GET', '/carriers/listservices?carrierCode=stamps_com');
    expect(stamps.body).toContainEqual(expect.objectContaining({ code: 'usps_priority_mail', name: 'USPS Priority Mail' }));
    expect((await call('GET', '/carriers/listservices?carrierCode=pigeon')).status).toBe(400);
    expect((await call<Json[]>('GET', '/carriers/listpackages?carrierCode=usps')).body).toContainEqual(expect.objectContaining({ code: 'package' }));
  });
});
