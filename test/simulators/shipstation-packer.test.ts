import { basicAuth, startShipStationSimulator, type ShipStationSimulator } from '../../src/simulators/shipstation';

const ACCOUNT = { apiKey: 'packer-key', apiSecret: 'packer-secret' };
type Json = Record<string, unknown>;
interface Page {
  orders: (Json & { orderId: number; orderKey: string; orderStatus: string; modifyDate: string })[];
  total: number;
  pages: number;
}

let sim: ShipStationSimulator;
beforeEach(async () => {
  sim = await startShipStationSimulator({ accounts: [ACCOUNT], rateLimitPerMinute: 100_000 });
});
afterEach(() => sim.close());

async function call<T = Json>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }> {
  const r = await fetch(`${sim.url}${path}`, {
    method,
    headers: { Authorization: basicAuth(ACCOUNT.apiKey, ACCOUNT.apiSecret), 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await r.text();
  return { status: r.status, body: (text ? JSON.parse(text) : undefined) as T };
}

const order = (n: number) => ({
  orderNumber: `P-${n}`,
  orderKey: `ecwid-9-P${n}`,
  orderDate: '2024-05-01T10:00:00.0000000',
  orderStatus: 'awaiting_shipment',
  billTo: { name: 'Ann' },
  shipTo: { name: 'Ann', street1: '1 Main St', city: 'Springfield', state: 'IL', postalCode: '62701', country: 'US' },
  items: [{ lineItemKey: 'L1', name: 'Widget', quantity: 1, unitPrice: 10 }],
  advancedOptions: { customField2: 'from the API' },
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

test('holduntil puts an open order on hold until a date, restorefromhold releases it; both set modifyDate', async () => {
  const created = (await call<{ orderId: number; modifyDate: string }>('POST', '/orders/createorder', order(1))).body;
  await sleep(1100);
  const held = await call('POST', '/orders/holduntil', { orderId: created.orderId, holdUntilDate: '2030-01-15' });
  expect(held).toEqual({ status: 200, body: { success: true, message: expect.any(String) } });
  const got = (await call<Json & { modifyDate: string }>('GET', `/orders/${created.orderId}`)).body;
  expect(got).toMatchObject({ orderStatus: 'on_hold', holdUntilDate: '2030-01-15' });
  expect(got.modifyDate > created.modifyDate).toBe(true);
  expect((await call('POST', '/orders/holduntil', { orderId: 1, holdUntilDate: '2030-01-15' })).status).toBe(400);
  expect((await call('POST', '/orders/holduntil', { orderId: created.orderId })).status).toBe(400);
  expect(await call('POST', '/orders/restorefromhold', { orderId: created.orderId })).toMatchObject({ status: 200, body: { success: true } });
  expect((await call<Json>('GET', `/orders/${created.orderId}`)).body).toMatchObject({ orderStatus: 'awaiting_shipment', holdUntilDate: null });
});

test("a packer's edit changes only the edited fields and sets modifyDate; modifyDateStart lists it, pageSize goes up to 500", async () => {
  for (let i = 1; i <= 3; i++) await call('POST', '/orders/createorder', order(i));
  await sleep(1100);
  const before = (await call<Page>('GET', '/orders')).body.orders[1].modifyDate;
  const edited = sim.editOrder(ACCOUNT.apiKey, 'ecwid-9-P2', {
    weight: { value: 33, units: 'ounces' },
    dimensions: { length: 10, width: 8, height: 4, units: 'inches' },
    customField1: 'fragile',
    shipTo: { street1: '2 Side St' },
  });
  expect(edited).toMatchObject({ weight: { value: 33, units: 'ounces' }, shipTo: { street1: '2 Side St', city: 'Springfield' }, advancedOptions: { customField1: 'fragile', customField2: 'from the API' } });
  expect(edited.modifyDate > before).toBe(true);
  const since = (await call<Page>('GET', `/orders?modifyDateStart=${encodeURIComponent(edited.modifyDate.slice(0, 19))}&pageSize=500`)).body;
  expect(since.orders.map((o) => o.orderKey)).toEqual(['ecwid-9-P2']);
  expect((await call<Page>('GET', '/orders?orderNumber=P-3')).body.orders.map((o) => o.orderKey)).toEqual(['ecwid-9-P3']);
  // The same edit through the control route (for processes that do not host the simulator).
  const r = await fetch(`${sim.url}/__sim/edit`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ apiKey: ACCOUNT.apiKey, orderKey: 'ecwid-9-P3', edit: { orderStatus: 'on_hold', internalNotes: 'wait for stock' } }),
  });
  expect(r.status).toBe(200);
  expect(sim.ordersByKey(ACCOUNT.apiKey).get('ecwid-9-P3')).toMatchObject({ orderStatus: 'on_hold', internalNotes: 'wait for stock' });
});

test('a deleted order disappears from lists and reads; its key creates a new order', async () => {
  const created = (await call<{ orderId: number }>('POST', '/orders/createorder', order(1))).body;
  sim.deleteOrder(ACCOUNT.apiKey, 'ecwid-9-P1');
  expect((await call<Page>('GET', '/orders')).body.total).toBe(0);
  expect((await call('GET', `/orders/${created.orderId}`)).status).toBe(404);
  const again = (await call<{ orderId: number }>('POST', '/orders/createorder', order(1))).body;
  expect(again.orderId).not.toBe(created.orderId);
});
