import { accountWebhookSignature } from '../../src/connections/ship-notify-target';
import { shipstationAccountId } from '../../src/activities/deps';
import { accountView, type AccountView } from '../../src/api/routes/accounts';
import type { EcwidOrder } from '../../src/domain/ecwid';
import { basicAuth } from '../../src/simulators/shipstation';
import type { AccountStatus } from '../../src/workflows/definitions';
import { importableOrder } from '../helpers/orders';
import { SS_ACCOUNT, WEBHOOK_KEY, eventually, startTestStack, type TestStack } from '../helpers/stack';

const DEFAULT_ACCOUNT = shipstationAccountId(SS_ACCOUNT.apiKey);
const STORES = Array.from({ length: 50 }, (_, i) => 62_001 + i);
/** 12 stores with 5 orders each, for the label batch. */
const BATCH_STORES = STORES.slice(0, 12);
/** Two stores whose orders share an order ID. */
const [STORE_A, STORE_B] = [STORES[12], STORES[13]];
const token = (storeId: number) => `secret_token_${storeId}`;
const key = (storeId: number, orderId: string) => `ecwid-${storeId}-${orderId}`;

const order = (id: string, extra: Partial<EcwidOrder> = {}): EcwidOrder => importableOrder({ id, createTimestamp: Math.floor(Date.now() / 1000) - 900, ...extra });

describe('GET /accounts figures (pure)', () => {
  const status = (reports: AccountStatus['budget']['reports']): AccountStatus => ({
    accountId: 'abcdef0123456789',
    account: 'default',
    stores: [1, 2],
    subscription: { state: 'subscribed' },
    notifications: { routed: 0, ignored: 0 },
    budget: { queueDepth: 0, oldestWaitingMs: 0, callsInCurrentWindow: 0, reports },
  });

  test("sums the workers' fresh reports as of now; stale reports and ended windows are left out", () => {
    const now = Date.parse('2026-05-01T12:00:00Z');
    const at = (msAgo: number) => new Date(now - msAgo).toISOString();
    const v = accountView(
      status([
        { worker: 'w1', at: at(4_000), queueDepth: 150, oldestWaitingMs: 2_000, callsInCurrentWindow: 20, remaining: 12, resetAt: at(-30_000) },
        { worker: 'w2', at: at(9_000), queueDepth: 30, oldestWaitingMs: 500, callsInCurrentWindow: 8, remaining: 15, resetAt: at(-30_000) },
        // A window that has ended since the report: its calls no longer count, its queue still does.
        { worker: 'w3', at: at(20_000), queueDepth: 5, oldestWaitingMs: 100, callsInCurrentWindow: 40, resetAt: at(1_000) },
        // A worker silent for two minutes is gone.
        { worker: 'w4', at: at(120_000), queueDepth: 999, oldestWaitingMs: 99_999, callsInCurrentWindow: 39 },
      ]),
      now,
    );
    expect(v).toMatchObject({ connectedStores: 2, ordersWaiting: 185, callsInCurrentWindow: 28, remaining: 12 });
    // The oldest order waited 2 s when w1 reported 4 s ago, 0.5 s when w2 did 9 s ago: 20.1 s for w3's.
    expect(v.oldestWaitingOrderMs).toBe(20_100);
    expect(v.workers.map((w) => w.worker)).toEqual(['w1', 'w2', 'w3']);
  });
});

describe('ShipStation accounts: one subscription, one reconciliation, write-back without a call per order (full stack)', () => {
  let stack: TestStack;
  const ss = () => stack.shipstation.requests.entries;
  const account = async (id = DEFAULT_ACCOUNT): Promise<AccountView> => {
    const res = await stack.api(`/accounts/${id}`);
    if (res.status !== 200) throw new Error(`GET /accounts/${id} answered ${res.status}`);
    return (await res.json()) as AccountView;
  };
  const connect = async (storeId: number, extra: Record<string, unknown> = {}) => {
    const res = await stack.api('/connections', { method: 'POST', body: JSON.stringify({ ecwidStoreId: storeId, ecwidAccessToken: token(storeId), ...extra }) });
    expect(res.status).toBe(201);
  };
  let beforeConnecting = 0;

  beforeAll(async () => {
    // A 10 s rate-limit window keeps ShipStation's pacing from dominating the test's time.
    stack = await startTestStack({ rateLimitWindowMs: 10_000 });
    for (const storeId of STORES) stack.ecwid.addStore({ storeId, token: token(storeId), plan: 'BUSINESS', weightUnit: 'POUND' });
    for (const storeId of BATCH_STORES) for (let i = 1; i <= 5; i++) stack.ecwid.upsertOrder(storeId, order(`B${i}`));
    stack.ecwid.upsertOrder(STORE_A, order('SAME-1'));
    stack.ecwid.upsertOrder(STORE_B, order('SAME-1'));
    beforeConnecting = ss().length;
    for (let i = 0; i < STORES.length; i += 10) await Promise.all(STORES.slice(i, i + 10).map((id) => connect(id)));
  });
  afterAll(async () => {
    await stack?.stop();
  });

  test('connecting 50 stores creates one SHIP_NOTIFY subscription, with O(1) ShipStation calls', async () => {
    const a = await eventually(async () => {
      const v = await account().catch(() => undefined);
      return v && v.connectedStores === STORES.length && v.lastReconciliation ? v : undefined;
    }, 60_000, 500);
    expect(a.stores).toEqual(STORES);
    expect(a.subscription.state).toBe('subscribed');
    const hooks = stack.shipstation.webhooks(SS_ACCOUNT.apiKey);
    expect(hooks.map((h) => h.event)).toEqual(['SHIP_NOTIFY', 'FULFILLMENT_SHIPPED']);
    const target = new URL(hooks[0].targetUrl);
    expect(target.searchParams.get('account')).toBe(DEFAULT_ACCOUNT);
    expect(target.searchParams.get('secret')).toBeNull();
    expect(target.searchParams.get('sig')).toBe(accountWebhookSignature(WEBHOOK_KEY, DEFAULT_ACCOUNT));
    expect(hooks[0].storeId).toBeNull();
    // One list, one subscribe, one reconciliation page: for 50 stores as for one.
    const since = ss().slice(beforeConnecting);
    expect(since.filter((e) => e.path.startsWith('/webhooks'))).toHaveLength(3);
    expect(since.filter((e) => e.path === '/shipments')).toHaveLength(1);
    // Every store's orders are imported meanwhile: its import never waited for a subscription.
    await eventually(() => BATCH_STORES.every((s) => stack.shipstation.ordersByKey(SS_ACCOUNT.apiKey).has(key(s, 'B5'))), 60_000, 500);
  });

  test("a SHIP_NOTIFY for store A's order updates store A only; a label of an order the connector did not create is ignored, counted", async () => {
    await eventually(() => [STORE_A, STORE_B].every((s) => stack.shipstation.ordersByKey(SS_ACCOUNT.apiKey).has(key(s, 'SAME-1'))), 60_000, 200);
    // An order keyed by another app, in the same account.
    const manual = await fetch(`${stack.shipstation.url}/orders/createorder`, {
      method: 'POST',
      headers: { Authorization: basicAuth(SS_ACCOUNT.apiKey, SS_ACCOUNT.apiSecret), 'Content-Type': 'application/json' },
      body: JSON.stringify({
        orderNumber: 'OTHER-77',
        orderKey: 'manual-order-77',
        orderDate: '2026-05-01T10:00:00.0000000',
        orderStatus: 'awaiting_shipment',
        billTo: { name: 'Other App' },
        shipTo: { name: 'Other App', street1: '1 Main St', city: 'Springfield', state: 'IL', postalCode: '62701', country: 'US' },
      }),
    });
    expect(manual.status).toBe(200);
    const before = await account();
    // One batch: the other app's label, then store A's (whose purchase notifies the batch).
    await stack.shipstation.createLabel(SS_ACCOUNT.apiKey, 'manual-order-77', { batchId: 880_001, notify: false });
    await stack.shipstation.createLabel(SS_ACCOUNT.apiKey, key(STORE_A, 'SAME-1'), { batchId: 880_001, trackingNumber: 'A-ONLY-1' });
    const shipped = await eventually(() => {
      const o = stack.ecwid.getOrder(STORE_A, 'SAME-1');
      return o?.fulfillmentStatus === 'SHIPPED' ? o : undefined;
    }, 20_000, 100);
    expect(shipped.trackingNumber).toBe('A-ONLY-1');
    const after = await eventually(async () => {
      const v = await account();
      return v.notifications.routed > before.notifications.routed ? v : undefined;
    }, 10_000, 200);
    expect(after.notifications.routed - before.notifications.routed).toBe(1);
    expect(after.notifications.ignored - before.notifications.ignored).toBe(1);
    await new Promise((r) => setTimeout(r, 1000));
    expect(stack.ecwid.getOrder(STORE_B, 'SAME-1')?.fulfillmentStatus).not.toBe('SHIPPED');
    expect(stack.ecwid.requests.filter('PUT', new RegExp(`/${STORE_B}/orders/`))).toHaveLength(0);
    // The notice went to the account's subscription only.
    expect(stack.shipstation.webhookDeliveries.at(-1)?.targetUrl).toContain(`account=${DEFAULT_ACCOUNT}`);
  });

  test('60 labels over 12 stores in one SHIP_NOTIFY are written back with a constant number of ShipStation calls', async () => {
    await eventually(() => BATCH_STORES.every((s) => [1, 2, 3, 4, 5].every((i) => stack.shipstation.ordersByKey(SS_ACCOUNT.apiKey).has(key(s, `B${i}`)))), 60_000, 500);
    // Paused stores import nothing, so every ShipStation call from here on is the write-back's (the Ecwid updates
    // fire order.updated webhooks, which would otherwise re-import the orders).
    for (const s of BATCH_STORES) expect((await stack.api(`/connections/${s}/pause`, { method: 'POST' })).status).toBe(202);
    await new Promise((r) => setTimeout(r, 500));
    const from = ss().length;
    const labels = BATCH_STORES.flatMap((s) => [1, 2, 3, 4, 5].map((i) => key(s, `B${i}`)));
    for (const [n, orderKey] of labels.entries()) {
      await stack.shipstation.createLabel(SS_ACCOUNT.apiKey, orderKey, { batchId: 880_002, notify: n === labels.length - 1, trackingNumber: `BATCH-${orderKey}` });
    }
    const started = Date.now();
    await eventually(
      () => BATCH_STORES.every((s) => [1, 2, 3, 4, 5].every((i) => stack.ecwid.getOrder(s, `B${i}`)?.trackingNumber === `BATCH-${key(s, `B${i}`)}`)),
      60_000,
      200,
    );
    const calls = ss().slice(from);
    // The resource, read once with its items (pageSize 500): no call per order.
    expect(calls.length).toBeLessThanOrEqual(3);
    expect(calls.filter((e) => e.path === '/shipments')).toHaveLength(1);
    expect(calls[0].query).toMatchObject({ batchId: '880002', includeShipmentItems: 'true' });
    expect(Date.now() - started).toBeLessThan(60_000);
    for (const s of BATCH_STORES) await stack.api(`/connections/${s}/resume`, { method: 'POST' });
  });

  test('per-store subscriptions of the earlier release are replaced by the account one; its first reconciliation covers the gap', async () => {
    const OWN = { apiKey: 'legacy-account-key', apiSecret: 'legacy-account-secret' };
    const ownAccount = shipstationAccountId(OWN.apiKey);
    const [S1, S2] = [62_101, 62_102];
    stack.shipstation.addAccount(OWN);
    const call = (method: string, path: string, body?: unknown) =>
      fetch(`${stack.shipstation.url}${path}`, {
        method,
        headers: { Authorization: basicAuth(OWN.apiKey, OWN.apiSecret), 'Content-Type': 'application/json' },
        ...(body ? { body: JSON.stringify(body) } : {}),
      });
    // What the released code made for two stores on this account, and an order it had imported for S1.
    for (const s of [S1, S2]) {
      const target = `${stack.apiUrl}/webhooks/shipstation?secret=retired-shared-secret-0123456789&store=${s}`;
      expect((await call('POST', '/webhooks/subscribe', { target_url: target, event: 'SHIP_NOTIFY', friendly_name: `Ecwid store ${s} (connector)` })).status).toBe(200);
    }
    for (const s of [S1, S2]) stack.ecwid.addStore({ storeId: s, token: token(s), plan: 'BUSINESS', weightUnit: 'POUND' });
    stack.ecwid.upsertOrder(S1, order('GAP-1'));
    const created = await call('POST', '/orders/createorder', {
      orderNumber: 'GAP-1',
      orderKey: key(S1, 'GAP-1'),
      orderDate: '2026-05-01T10:00:00.0000000',
      orderStatus: 'awaiting_shipment',
      billTo: { name: 'Ann Buyer' },
      shipTo: { name: 'Ann Buyer', street1: '1 Main St', city: 'Springfield', state: 'IL', postalCode: '62701', country: 'US' },
    });
    expect(created.status).toBe(200);
    // A label bought while nothing listened (the stores were between releases): no notification reaches us.
    await stack.shipstation.createLabel(OWN.apiKey, key(S1, 'GAP-1'), { trackingNumber: 'GAP-TRACK', notify: false });

    const from = ss().length;
    await connect(S1, { shipstationApiKey: OWN.apiKey, shipstationApiSecret: OWN.apiSecret });
    await connect(S2, { shipstationApiKey: OWN.apiKey, shipstationApiSecret: OWN.apiSecret });
    const a = await eventually(async () => {
      const v = await account(ownAccount).catch(() => undefined);
      return v && v.connectedStores === 2 && v.subscription.state === 'subscribed' && v.lastReconciliation ? v : undefined;
    }, 30_000, 300);
    expect(a.account).toBe('own');
    expect(a.subscription.replacedLegacy).toBe(2);
    const hooks = stack.shipstation.webhooks(OWN.apiKey);
    expect(hooks.map((h) => h.event)).toEqual(['SHIP_NOTIFY', 'FULFILLMENT_SHIPPED']);
    expect(new URL(hooks[0].targetUrl).searchParams.get('account')).toBe(ownAccount);
    // Subscribe first, delete after: no moment without a subscription.
    const hookCalls = ss().slice(from).filter((e) => e.path.startsWith('/webhooks/'));
    expect(hookCalls.map((e) => e.method)).toEqual(['POST', 'POST', 'DELETE', 'DELETE']);
    // The label bought in the gap reaches Ecwid through the account's first reconciliation.
    await eventually(() => stack.ecwid.getOrder(S1, 'GAP-1')?.trackingNumber === 'GAP-TRACK', 20_000, 200);
    expect(a.lastReconciliation?.routed).toBeGreaterThanOrEqual(1);

    // A store that disconnects leaves its account; the last one takes the subscription with it.
    expect((await stack.api(`/connections/${S2}`, { method: 'DELETE' })).status).toBe(202);
    const one = await eventually(async () => {
      const v = await account(ownAccount);
      return v.connectedStores === 1 ? v : undefined;
    }, 20_000, 200);
    expect(one.stores).toEqual([S1]);
    expect(stack.shipstation.webhooks(OWN.apiKey)).toHaveLength(2);
    expect((await stack.api(`/connections/${S1}`, { method: 'DELETE' })).status).toBe(202);
    await eventually(async () => (await stack.api(`/accounts/${ownAccount}`)).status === 404, 20_000, 200);
    expect(stack.shipstation.webhooks(OWN.apiKey)).toHaveLength(0);
  });

  test('GET /accounts lists the accounts in use; an unknown one is 404; both need the admin token', async () => {
    const res = await stack.api('/accounts');
    expect(res.status).toBe(200);
    const list = (await res.json()) as AccountView[];
    const mine = list.find((v) => v.accountId === DEFAULT_ACCOUNT);
    expect(mine).toMatchObject({ account: 'default', connectedStores: STORES.length, subscription: { state: 'subscribed' } });
    for (const field of ['callsInCurrentWindow', 'ordersWaiting', 'oldestWaitingOrderMs'] as const) expect(typeof mine?.[field]).toBe('number');
    expect(mine?.lastReconciliation?.at).toEqual(expect.any(String));
    expect(JSON.stringify(list)).not.toContain(SS_ACCOUNT.apiKey);
    expect((await stack.api('/accounts/0123456789abcdef')).status).toBe(404);
    expect((await stack.api('/accounts/not-an-account')).status).toBe(404);
    expect((await fetch(`${stack.apiUrl}/accounts`)).status).toBe(401);
  });
});
