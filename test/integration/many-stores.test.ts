import type { RecordedRequest } from '../../src/simulators/common/request-log';
import { generateOrders } from '../../src/simulators/ecwid/seed';
import type { ShipStationOrder } from '../../src/domain/shipstation';
import type { ConnectionStatus } from '../../src/workflows/definitions';
import { SS_ACCOUNT, eventually, startTestStack, type TestStack } from '../helpers/stack';
import { importableOrder } from '../helpers/orders';

const STORES = Array.from({ length: 50 }, (_, i) => 6101 + i);
const BACKFILL_STORES = [6201, 6202, 6203];
const BACKFILL_ORDERS = 1_000;
const tokenOf = (storeId: number) => `secret_store_${storeId}_token`;

/**
 * Many Ecwid stores on ONE ShipStation account (the worker's default), on the real dev server, worker, API and
 * simulators. ShipStation's budget (40 calls per window, 10 s here to keep it fast) belongs to the account: the
 * stores' orders share createorders calls, and the pacer never runs into a 429.
 */
describe('many stores on one ShipStation account', () => {
  let stack: TestStack;
  const createOrdersCalls = () => stack.shipstation.requests.filter('POST', '/orders/createorders');
  const keysOf = (r: RecordedRequest) => ((r.body as ShipStationOrder[] | undefined) ?? []).map((o) => o.orderKey);
  const statusOf = async (storeId: number) => (await (await stack.api(`/connections/${storeId}`)).json()) as ConnectionStatus;
  const connect = async (storeId: number) => {
    const res = await stack.api('/connections', { method: 'POST', body: JSON.stringify({ ecwidStoreId: storeId, ecwidAccessToken: tokenOf(storeId) }) });
    expect(res.status).toBe(201);
  };
  const created = (keys: string[]) => {
    const wanted = new Set(keys);
    return stack.shipstation.creationAttempts.filter((a) => a.outcome === 'created' && wanted.has(a.orderKey)).map((a) => a.orderKey);
  };
  /** A new order in Ecwid, announced by a signed webhook; returns its ShipStation orderKey. */
  const webhookOrder = async (storeId: number): Promise<string> => {
    const id = stack.ecwid.upsertOrder(storeId, importableOrder()).id!;
    expect((await stack.ecwid.sendWebhook(storeId, 'order.created', { orderId: id })).status).toBe(200);
    return `ecwid-${storeId}-${id}`;
  };

  beforeAll(async () => {
    stack = await startTestStack({ rateLimitWindowMs: 10_000 });
    for (const storeId of [...STORES, ...BACKFILL_STORES]) stack.ecwid.addStore({ storeId, token: tokenOf(storeId), plan: 'VENTURE' });
    for (let i = 0; i < STORES.length; i += 10) await Promise.all(STORES.slice(i, i + 10).map(connect));
    // Every store has finished its first (empty) sync.
    for (const storeId of STORES) await eventually(async () => (await statusOf(storeId)).lastSyncAt, 120_000, 500);
  }, 240_000);
  afterAll(async () => {
    await stack?.stop();
  });

  test('50 stores with webhook orders: each order created once, fewer createorders calls than orders, 0 × 429', async () => {
    const callsBefore = createOrdersCalls().length;
    // Three orders per store, announced in a shuffled order of stores, as a busy afternoon would.
    const order = [...STORES, ...STORES, ...STORES].sort(() => Math.random() - 0.5);
    const keys: string[] = [];
    for (const storeId of order) keys.push(await webhookOrder(storeId));

    await eventually(() => keys.every((k) => stack.shipstation.ordersByKey(SS_ACCOUNT.apiKey).has(k)), 120_000, 250);
    expect(created(keys).sort()).toEqual([...keys].sort());

    const calls = createOrdersCalls().slice(callsBefore);
    const carrying = calls.filter((c) => keysOf(c).some((k) => keys.includes(k)));
    expect(carrying.length).toBeLessThan(keys.length);
    // Cross-store batching: some call carried the orders of several stores.
    const storesPerCall = carrying.map((c) => new Set(keysOf(c).map((k) => k.split('-')[1])).size);
    expect(Math.max(...storesPerCall)).toBeGreaterThan(1);
    // Everything the worker sent ShipStation in this whole run (connections included) stayed within the budget.
    expect(stack.shipstation.requests.entries.filter((r) => r.status === 429)).toHaveLength(0);
    console.log(`${keys.length} webhook orders from ${STORES.length} stores in ${carrying.length} createorders calls (max ${Math.max(...storesPerCall)} stores in one)`);
  }, 180_000);

  test("backfills of 3 stores (1,000 orders each) hold back another store's webhook order by at most one call slot", async () => {
    const backfillKeys: string[] = [];
    for (const [i, storeId] of BACKFILL_STORES.entries()) {
      for (const o of generateOrders(BACKFILL_ORDERS, 7_000 + i)) backfillKeys.push(`ecwid-${storeId}-${stack.ecwid.upsertOrder(storeId, o).id}`);
    }
    const isBackfill = new Set(backfillKeys);
    const callsBefore = createOrdersCalls().length;
    await Promise.all(BACKFILL_STORES.map(connect));
    // Once the backfill is sending, new orders arrive by webhook on other stores.
    await eventually(() => createOrdersCalls().slice(callsBefore).some((c) => keysOf(c).some((k) => isBackfill.has(k))), 60_000, 50);
    const live: { storeId: number; key: string }[] = [];
    for (const storeId of STORES.slice(0, 8)) {
      live.push({ storeId, key: await webhookOrder(storeId) });
      await new Promise((r) => setTimeout(r, 400));
    }

    const all = [...backfillKeys, ...live.map((l) => l.key)];
    await eventually(() => all.every((k) => stack.shipstation.ordersByKey(SS_ACCOUNT.apiKey).has(k)), 180_000, 500);
    expect(created(all).sort()).toEqual([...all].sort());

    const calls = createOrdersCalls().slice(callsBefore);
    const slotsTaken = live.map(({ storeId, key }) => {
      const callIndex = calls.findIndex((c) => keysOf(c).includes(key));
      const call = calls[callIndex];
      // The order joined the account's queue right after the import's last Ecwid request for its store (the
      // order itself, its products): calls that started after that and before its own call went ahead of it.
      const arrived = stack.ecwid.requests.entries.filter((r) => r.path.startsWith(`/api/v3/${storeId}/`) && r.at <= call.at).at(-1)!;
      return calls.slice(0, callIndex).filter((c) => c.at >= arrived.at).length;
    });
    expect(Math.max(...slotsTaken)).toBeLessThanOrEqual(1);
    // The backfill was really under way around the live orders: it went on sending after the first one.
    const firstLive = calls.findIndex((c) => keysOf(c).includes(live[0].key));
    expect(calls.slice(firstLive + 1).some((c) => keysOf(c).some((k) => isBackfill.has(k)))).toBe(true);
    expect(stack.shipstation.requests.entries.filter((r) => r.status === 429)).toHaveLength(0);
    console.log(`backfill: ${calls.length} createorders calls; calls started ahead of each live order: ${slotsTaken.join(', ')}`);
  }, 240_000);
});
