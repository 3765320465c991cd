import { ApiError } from '../../src/clients/http';
import { ShipStationClient } from '../../src/clients/shipstation-client';
import { accountBudgetSnapshot, submitOrders, type CreateResult } from '../../src/activities/order-batcher';
import { shipstationAccountId } from '../../src/activities/deps';
import type { ShipStationOrder } from '../../src/domain/shipstation';
import { basicAuth, startShipStationSimulator, type ShipStationSimulator } from '../../src/simulators/shipstation';

/** A valid order of an Ecwid store, as the import maps it. */
function order(storeId: number, n: number): ShipStationOrder {
  return {
    orderNumber: `${n}`,
    orderKey: `ecwid-${storeId}-${n}`,
    orderDate: '2024-05-01T10:00:00.0000000',
    orderStatus: 'awaiting_shipment',
    customerEmail: 'buyer@example.com',
    billTo: { name: 'Ann Buyer' },
    shipTo: { name: 'Ann Buyer', street1: '1 Main St', city: 'Springfield', state: 'IL', postalCode: '62701', country: 'US' },
    items: [{ lineItemKey: 'L1', sku: 'SKU-1', name: 'Widget', quantity: 1, unitPrice: 10 }],
  } as ShipStationOrder;
}
const orders = (storeId: number, from: number, count: number) => Array.from({ length: count }, (_, i) => order(storeId, from + i));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * The order batcher on the ShipStation simulator (real HTTP): each test uses its own account, whose budget of
 * 5 calls per 2 s window spaces calls ~400 ms apart, so orders submitted meanwhile wait together.
 */
describe('the order batcher: one createorders queue per ShipStation account, across stores', () => {
  let ss: ShipStationSimulator;
  let seq = 0;
  beforeAll(async () => {
    ss = await startShipStationSimulator({ rateLimitPerMinute: 5, rateLimitWindowMs: 2_000 });
  });
  afterAll(async () => {
    await ss.close();
  });

  /** A fresh account, and a client per store as each store's import activity makes one. */
  function account() {
    const creds = { apiKey: `batcher-key-${++seq}`, apiSecret: `batcher-secret-${seq}` };
    ss.addAccount(creds);
    const calls = () =>
      ss.requests
        .filter('POST', '/orders/createorders')
        .filter((r) => r.headers.authorization === basicAuth(creds.apiKey, creds.apiSecret));
    return {
      creds,
      client: (signal?: AbortSignal) => new ShipStationClient({ baseUrl: ss.url, ...creds, hooks: signal ? { signal } : undefined }),
      calls,
      keysOf: (i: number) => (calls()[i].body as ShipStationOrder[]).map((o) => o.orderKey),
    };
  }

  test('orders from several stores go in one call; each store gets back its own results, one failure is its own', async () => {
    const a = account();
    // The first order of an idle account goes at once, alone.
    const started = Date.now();
    await submitOrders(a.client(), [order(1, 1)], 'live');
    expect(a.calls()).toHaveLength(1);
    expect(a.calls()[0].at - started).toBeLessThan(200);

    // While the budget spaces the next call, three stores hand in orders.
    ss.failOrdersOnce(['ecwid-2-2']);
    const first = submitOrders(a.client(), orders(1, 10, 2), 'live');
    await sleep(20);
    const second = submitOrders(a.client(), [order(2, 1), order(2, 2)], 'live');
    await sleep(20);
    const third = submitOrders(a.client(), orders(3, 1, 3), 'backfill');
    const [r1, r2, r3] = await Promise.all([first, second, third]);

    expect(a.calls()).toHaveLength(2);
    expect(a.keysOf(1)).toEqual(['ecwid-1-10', 'ecwid-1-11', 'ecwid-2-1', 'ecwid-2-2', 'ecwid-3-1', 'ecwid-3-2', 'ecwid-3-3']);
    const ok = { success: true, errorMessage: null };
    expect(r1).toEqual(new Map<string, CreateResult>([['ecwid-1-10', ok], ['ecwid-1-11', ok]]));
    expect([...r2.keys()]).toEqual(['ecwid-2-1', 'ecwid-2-2']);
    expect(r2.get('ecwid-2-1')).toEqual(ok);
    expect(r2.get('ecwid-2-2')).toEqual({ success: false, errorMessage: expect.stringMatching(/internal error/) as string });
    expect([...r3.values()].every((r) => r.success)).toBe(true);
    expect(ss.ordersByKey(a.creds.apiKey).has('ecwid-2-2')).toBe(false);
    expect(ss.ordersByKey(a.creds.apiKey).size).toBe(7);
  });

  test("a 5xx fails only the stores whose orders that call carried; the next call's stores go on", async () => {
    const a = account();
    await submitOrders(a.client(), [order(1, 1)], 'live');
    ss.faults.inject({ kind: 'status', status: 503 }, { times: 1, pathPrefix: '/orders/createorders' });
    // 60 + 40 orders fill the next call; the third store's 5 orders wait for the one after.
    const first = submitOrders(a.client(), orders(1, 100, 60), 'backfill');
    const second = submitOrders(a.client(), orders(2, 100, 40), 'backfill');
    const third = submitOrders(a.client(), orders(3, 100, 5), 'backfill');
    const [r1, r2, r3] = await Promise.allSettled([first, second, third]);

    for (const r of [r1, r2]) {
      expect(r.status).toBe('rejected');
      expect((r as PromiseRejectedResult).reason).toBeInstanceOf(ApiError);
      expect(((r as PromiseRejectedResult).reason as ApiError).status).toBe(503);
    }
    expect(r3.status).toBe('fulfilled');
    expect([...(r3 as PromiseFulfilledResult<Map<string, CreateResult>>).value.values()].every((r) => r.success)).toBe(true);
    expect(a.calls().map((c) => c.status)).toEqual([200, 503, 200]);
    // The refused call carried the first two stores' orders (none reached ShipStation); the last only the third's.
    expect(a.keysOf(2)).toEqual(orders(3, 100, 5).map((o) => o.orderKey));
    expect([...ss.ordersByKey(a.creds.apiKey).keys()].sort()).toEqual(['ecwid-1-1', ...orders(3, 100, 5).map((o) => o.orderKey)].sort());
  });

  test('a 400 for a whole call is split until the bad order stands alone: that store gets its failure, the others their orders', async () => {
    const a = account();
    await submitOrders(a.client(), [order(9, 1)], 'live'); // the window is known from now on: calls ~400 ms apart
    // ShipStation refuses any request that holds store 2's order (the fault plays that part, call by call).
    const refusal = { kind: 'status' as const, status: 400, body: { Message: 'The request is invalid.', ModelState: { 'apiOrders[1].shipTo': ['bad'] } } };
    ss.faults.inject(refusal, { times: 2, pathPrefix: '/orders/createorders' }); // [1, 2, 3] then [1, 2]
    const results = Promise.all([
      submitOrders(a.client(), [order(1, 1)], 'live'),
      submitOrders(a.client(), [order(2, 1)], 'live'),
      submitOrders(a.client(), [order(3, 1)], 'backfill'),
    ]);
    while (a.calls().length < 4) await sleep(5); // [1] went through
    ss.faults.inject(refusal, { times: 1, pathPrefix: '/orders/createorders' }); // [2]
    const [r1, r2, r3] = await results;

    expect(a.calls().map((c) => c.status)).toEqual([200, 400, 400, 200, 400, 200]);
    expect(r1.get('ecwid-1-1')).toEqual({ success: true, errorMessage: null });
    expect(r2.get('ecwid-2-1')).toEqual({ success: false, errorMessage: expect.stringMatching(/answered 400: The request is invalid/) as string });
    expect(r3.get('ecwid-3-1')).toEqual({ success: true, errorMessage: null });
    expect([...ss.ordersByKey(a.creds.apiKey).keys()].sort()).toEqual(['ecwid-1-1', 'ecwid-3-1', 'ecwid-9-1']);
  });

  test('a live order goes before backfill that waited longer, in the very next call', async () => {
    const a = account();
    await submitOrders(a.client(), [order(9, 1)], 'live');
    const backfill1 = submitOrders(a.client(), orders(1, 1, 100), 'backfill');
    const backfill2 = submitOrders(a.client(), orders(2, 1, 50), 'backfill');
    await sleep(30);
    const live = submitOrders(a.client(), [order(3, 1)], 'live');
    await Promise.all([backfill1, backfill2, live]);

    expect(a.calls()).toHaveLength(3);
    expect(a.keysOf(1)).toEqual(['ecwid-3-1', ...orders(1, 1, 99).map((o) => o.orderKey)]);
    expect(a.keysOf(2)).toEqual(['ecwid-1-100', ...orders(2, 1, 50).map((o) => o.orderKey)]);
  });

  test("several stores' backfill delays a live order by at most the one call already granted", async () => {
    const a = account();
    const backfills = [1, 2, 3, 4, 5].map((store) => submitOrders(a.client(), orders(store, 1, 100), 'backfill'));
    // Wait until the backfill is under way and the next call is being paced.
    while (a.calls().length < 2) await sleep(10);
    const submittedAt = Date.now();
    const live = await submitOrders(a.client(), [order(6, 1)], 'live');
    expect(live.get('ecwid-6-1')).toEqual({ success: true, errorMessage: null });
    await Promise.all(backfills);

    const calls = a.calls();
    const carrying = calls.findIndex((c) => (c.body as ShipStationOrder[]).some((o) => o.orderKey === 'ecwid-6-1'));
    const startedBetween = calls.slice(0, carrying).filter((c) => c.at >= submittedAt);
    expect(startedBetween.length).toBeLessThanOrEqual(1);
    expect(a.keysOf(carrying)[0]).toBe('ecwid-6-1');
    // Nothing lost or duplicated: 500 backfill orders and the live one, 100 at most per call.
    const sent = calls.flatMap((c) => (c.body as ShipStationOrder[]).map((o) => o.orderKey));
    expect(new Set(sent).size).toBe(501);
    expect(sent).toHaveLength(501);
    expect(Math.max(...calls.map((c) => (c.body as unknown[]).length))).toBe(100);
    expect(calls.filter((c) => c.status === 429)).toHaveLength(0);
  });

  test("a cancelled activity's orders leave the queue; the others are sent without them", async () => {
    const a = account();
    await submitOrders(a.client(), [order(1, 1)], 'live');
    const ac = new AbortController();
    const cancelled = submitOrders(a.client(ac.signal), orders(2, 1, 3), 'live').catch((err: unknown) => err);
    const kept = submitOrders(a.client(), orders(3, 1, 2), 'live');
    ac.abort(new Error('activity cancelled'));
    expect(await cancelled).toEqual(new Error('activity cancelled'));
    await kept;
    expect(a.calls()).toHaveLength(2);
    expect(a.keysOf(1)).toEqual(['ecwid-3-1', 'ecwid-3-2']);
  });

  test('a snapshot tells operators what waits and what the window holds, named by the account id', async () => {
    const a = account();
    const id = shipstationAccountId(a.creds.apiKey);
    expect(id).toBe(a.client().budgetKey);
    expect(accountBudgetSnapshot(id)).toEqual({ queueDepth: 0, oldestWaitingMs: 0, callsInCurrentWindow: 0, callsWaiting: 0 });
    await submitOrders(a.client(), [order(1, 1)], 'live');
    const waiting = submitOrders(a.client(), orders(2, 1, 30), 'backfill');
    await sleep(100);
    const snap = accountBudgetSnapshot(id);
    expect(snap).toMatchObject({ queueDepth: 30, callsInCurrentWindow: 1, callsWaiting: 1, remaining: 4 });
    expect(snap.oldestWaitingMs).toBeGreaterThanOrEqual(90);
    expect(Date.parse(snap.resetAt!)).toBeGreaterThan(Date.now());
    await waiting;
    expect(accountBudgetSnapshot(id)).toMatchObject({ queueDepth: 0, oldestWaitingMs: 0, callsInCurrentWindow: 2 });
  });
});
