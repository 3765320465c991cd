import { storeSyncWorkflowId } from '../../src/domain/ids';
import { syncNowSignal, type ConnectionStatus, type OrderDecision } from '../../src/workflows/definitions';
import { MAX_ORDER_ATTEMPTS } from '../../src/workflows/store-sync-state';
import { importableOrder } from '../helpers/orders';
import { SS_ACCOUNT, eventually, startTestStack, type TestStack } from '../helpers/stack';

const STORE = 8101;
const TOKEN = 'secret_store_8101_token';

/** No silent losses in the failure record (simulators end to end). */
describe('the failure record and "sync now"', () => {
  let stack: TestStack;
  const statusOf = async () => (await (await stack.api(`/connections/${STORE}`)).json()) as ConnectionStatus;
  const key = (id: string) => `ecwid-${STORE}-${id}`;
  const creations = (k: string) => stack.shipstation.creationAttempts.filter((a) => a.orderKey === k);

  /** Moves the Ecwid simulator's clock: an order changed in Ecwid this long ago. */
  let ecwidClockOffsetMs = 0;

  beforeAll(async () => {
    stack = await startTestStack({ rateLimitWindowMs: 10_000, ecwidNow: () => Date.now() + ecwidClockOffsetMs });
    stack.ecwid.addStore({ storeId: STORE, token: TOKEN, plan: 'BUSINESS', weightUnit: 'POUND' });
    // Orders changed in the last day are imported (the failing one changed 20 minutes ago).
    const res = await stack.api('/connections', {
      method: 'POST',
      body: JSON.stringify({ ecwidStoreId: STORE, ecwidAccessToken: TOKEN, importSince: new Date(Date.now() - 86_400_000).toISOString() }),
    });
    expect(res.status).toBe(201);
    await eventually(async () => (await statusOf()).lastSyncAt);
  });
  afterAll(async () => {
    await stack?.stop();
  });

  test('a failure that used up its attempts stays listed under 520 skipped orders, and "sync now" tries it again', async () => {
    // Last changed in Ecwid 20 minutes ago: a full sync's window (since its last sync, less 10 minutes) no longer
    // reads it; only a retry brings it back.
    ecwidClockOffsetMs = -20 * 60_000;
    const bad = stack.ecwid.upsertOrder(STORE, importableOrder({ createTimestamp: Math.floor(Date.now() / 1000) - 1800 })).id!;
    ecwidClockOffsetMs = 0;
    const sync = stack.client.workflow.getHandle(storeSyncWorkflowId(STORE));
    // ShipStation refuses it at every try, as webhooks bring it back (each a sync of its own).
    for (let attempt = 1; attempt <= MAX_ORDER_ATTEMPTS; attempt++) {
      stack.shipstation.failOrdersOnce([key(bad)]);
      await sync.signal(syncNowSignal, { orderIds: [bad] });
      await eventually(async () => ((await statusOf()).recentFailed.find((n) => n.orderId === bad)?.attempts === attempt ? true : undefined), 30_000, 100);
    }
    expect(creations(key(bad)).map((a) => a.outcome)).toEqual(Array(MAX_ORDER_ATTEMPTS).fill('rejected'));

    // 520 orders with nothing to ship are skipped afterwards: more than the record's 500 skips.
    const digital = Array.from(
      { length: 520 },
      () =>
        stack.ecwid.upsertOrder(
          STORE,
          importableOrder({ items: [{ id: 1, productId: 99, sku: 'EBOOK', name: 'E-book', quantity: 1, price: 5, isShippingRequired: false }] }),
        ).id!,
    );
    await sync.signal(syncNowSignal, { orderIds: digital });
    const after = await eventually(async () => {
      const st = await statusOf();
      return (st.lastSyncResult?.skipped ?? 0) >= 520 ? st : undefined;
    }, 90_000, 250);
    // The failure is still listed (the skips did not push it out), and that sync did not try it: attempts used up.
    expect(after.failed).toBe(1);
    expect(after.recentFailed.map((n) => [n.orderId, n.attempts])).toEqual([[bad, MAX_ORDER_ATTEMPTS]]);
    expect(after.failedNotListed).toBeUndefined();
    expect(creations(key(bad))).toHaveLength(MAX_ORDER_ATTEMPTS);
    const decision = (await (await stack.api(`/connections/${STORE}/orders/${bad}`)).json()) as OrderDecision;
    expect(decision.explanation).toMatch(/waiting for the order to change or a sync now/);

    // "Sync now", as the explanation says: tried again, and imported.
    expect((await stack.api(`/connections/${STORE}/sync`, { method: 'POST' })).status).toBeLessThan(300);
    await eventually(() => stack.shipstation.ordersByKey(SS_ACCOUNT.apiKey).get(key(bad)), 30_000, 100);
    await eventually(async () => ((await statusOf()).failed === 0 ? true : undefined), 30_000, 100);
    expect(creations(key(bad)).map((a) => a.outcome)).toEqual([...Array(MAX_ORDER_ATTEMPTS).fill('rejected'), 'created']);
  });
});
