/** Bulk reads of ShipStation's current orders, counted at the simulator. */
import { ShipStationClient } from '../../src/clients/shipstation-client';
import type { ShipStationOrder, ShipStationOrderStatus } from '../../src/domain/shipstation';
import { openOrdersSince, readSentOrders } from '../../src/activities/shipstation-current';
import { syncCache } from '../../src/activities/sync-cache';
import { startShipStationSimulator, type ShipStationSimulator } from '../../src/simulators/shipstation';

const SS = { apiKey: 'current-key', apiSecret: 'current-secret' };
let sim: ShipStationSimulator;
let client: ShipStationClient;

const order = (n: number, status: ShipStationOrderStatus = 'awaiting_shipment'): ShipStationOrder => ({
  orderNumber: `C-${n}`,
  orderKey: `ecwid-3-C${n}`,
  orderDate: '2026-11-20T10:00:00.0000000',
  orderStatus: status,
  billTo: { name: 'Ann', street1: null, city: null, country: null },
  shipTo: { name: 'Ann', street1: '1 Main St', city: 'Springfield', country: 'US' },
  items: [{ name: 'Widget', quantity: 1, unitPrice: 10 }],
});

beforeAll(async () => {
  sim = await startShipStationSimulator({ accounts: [SS], rateLimitPerMinute: 100_000 });
  client = new ShipStationClient({ baseUrl: sim.url, ...SS });
  for (let i = 0; i < 700; i += 100) {
    await client.createOrders(Array.from({ length: 100 }, (_, j) => order(i + j, (i + j) % 7 === 0 ? 'shipped' : 'awaiting_shipment')));
  }
});
afterAll(() => sim.close());

const sentAt = Math.floor(Date.now() / 1000) - 60;
/** Order n of the account, sent at `at` (or without a record). */
const want = (n: number, at?: number) => ({ orderKey: `ecwid-3-C${n}`, orderNumber: `C-${n}`, ...(at !== undefined ? { sentAt: at } : {}) });
const listings = () => sim.requests.filter('GET', '/orders');

test('recently sent orders are found in one listing of the newest changes', async () => {
  sim.requests.clear();
  sim.editOrder(SS.apiKey, 'ecwid-3-C5', { weight: { value: 12, units: 'ounces' } });
  const found = await readSentOrders(client, [5, 650, 699].map((n) => want(n, sentAt)));
  expect([...found.keys()].sort()).toEqual(['ecwid-3-C5', 'ecwid-3-C650', 'ecwid-3-C699']);
  expect(found.get('ecwid-3-C5')?.weight).toMatchObject({ value: 12 });
  expect(listings()).toHaveLength(1);
  expect(listings()[0].query).toMatchObject({ sortBy: 'ModifyDate', sortDir: 'DESC', pageSize: '500' });
});

test('an order deleted in ShipStation is looked for through every page of 500 changed since its send, no more', async () => {
  sim.requests.clear();
  sim.deleteOrder(SS.apiKey, 'ecwid-3-C1');
  const found = await readSentOrders(client, [want(1, sentAt)]);
  expect(found.size).toBe(0);
  expect(listings()).toHaveLength(2); // 699 orders listed: pages of 500
});

test('an order without a record rides along: taken if the listing meets it, never looked for further', async () => {
  sim.requests.clear();
  sim.editOrder(SS.apiKey, 'ecwid-3-C20', { orderStatus: 'on_hold' });
  const found = await readSentOrders(client, [
    want(699, sentAt),
    want(20),
    want(2), // on the second page of 500: not read for it
  ]);
  expect([...found.keys()].sort()).toEqual(['ecwid-3-C20', 'ecwid-3-C699']);
  expect(listings()).toHaveLength(1);
  // Only orders without a record: no listing at all.
  sim.requests.clear();
  expect((await readSentOrders(client, [want(20)])).size).toBe(0);
  expect(listings()).toHaveLength(0);
});

test('reads waiting for the same slot share one listing', async () => {
  sim.requests.clear();
  const reads = await Promise.all([600, 610, 620, 630].map((n) => readSentOrders(client, [want(n, sentAt)])));
  expect(reads.map((r) => [...r.keys()])).toEqual([['ecwid-3-C600'], ['ecwid-3-C610'], ['ecwid-3-C620'], ['ecwid-3-C630']]);
  // Asked at once, answered by one listing: its first page is requested once (a second page if they sit there).
  expect(listings().filter((r) => r.query.page === '1')).toHaveLength(1);
  expect(listings().every((r) => r.query.orderNumber === undefined)).toBe(true);
});

test('the open orders of a window are listed once, all statuses together while the window holds few pages, and shared by the pages of a sync', async () => {
  sim.requests.clear();
  const cached = syncCache('test-sync');
  const open = await openOrdersSince(client, Math.floor(Date.parse('2026-11-01T00:00:00Z') / 1000), cached);
  await openOrdersSince(client, Math.floor(Date.parse('2026-11-01T00:00:00Z') / 1000), cached);
  expect(open.size).toBe(699 - 100); // 100 of them are shipped (every 7th), one was deleted
  expect(open.has('ecwid-3-C7')).toBe(false);
  // 699 orders: two pages of every status, each asked once (the second call of the sync is served from the cache).
  expect(listings().map((r) => [r.query.orderStatus, r.query.page])).toEqual([
    [undefined, '1'],
    [undefined, '2'],
  ]);
});

test('a window holding more than five pages of orders is listed per open status instead', async () => {
  const big = await startShipStationSimulator({ accounts: [SS], rateLimitPerMinute: 100_000 });
  try {
    const c = new ShipStationClient({ baseUrl: big.url, ...SS });
    for (let i = 0; i < 2600; i += 100) {
      await c.createOrders(Array.from({ length: 100 }, (_, j) => order(i + j, (i + j) % 2 === 0 ? 'shipped' : 'awaiting_shipment')));
    }
    big.requests.clear();
    const open = await openOrdersSince(c, Math.floor(Date.parse('2026-11-01T00:00:00Z') / 1000), syncCache('big-window'));
    expect(open.size).toBe(1300);
    const calls = big.requests.filter('GET', '/orders').map((r) => r.query.orderStatus);
    // One page of everything (6 pages in all: too many), then 3 pages of awaiting_shipment and one of each other status.
    expect(calls).toEqual([undefined, 'awaiting_payment', 'awaiting_shipment', 'awaiting_shipment', 'awaiting_shipment', 'pending_fulfillment', 'on_hold']);
  } finally {
    await big.close();
  }
});

test('an order sent long ago among recent ones is looked up by number when that is cheaper than the pages left', async () => {
  for (let i = 700; i < 1100; i += 100) await client.createOrders(Array.from({ length: 100 }, (_, j) => order(i + j)));
  sim.requests.clear();
  const found = await readSentOrders(client, [want(1099, sentAt), want(3, sentAt)]); // C3: on the last of 3 pages
  expect([...found.keys()].sort()).toEqual(['ecwid-3-C1099', 'ecwid-3-C3']);
  expect(listings().map((r) => r.query.orderNumber ?? `page ${String(r.query.page)}`)).toEqual(['page 1', 'C-3']);
});
