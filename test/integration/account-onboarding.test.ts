import { accountWebhookSignature } from '../../src/connections/ship-notify-target';
import type { ConnectionStatus } from '../../src/workflows/definitions';
import { importableOrder } from '../helpers/orders';
import { SS_ACCOUNT, WEBHOOK_KEY, eventually, startTestStack, type TestStack } from '../helpers/stack';

const STORES = Array.from({ length: 50 }, (_, i) => 8_100 + i);
const tokenOf = (id: number) => `secret_onboarding_${id}_token`;

/** An agency connects 50 stores to one ShipStation account: the account is set up once, not once per store. */
describe('50 stores on one ShipStation account', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startTestStack({ rateLimitWindowMs: 10_000 });
    for (const id of STORES) stack.ecwid.addStore({ storeId: id, token: tokenOf(id), plan: 'VENTURE' });
  });
  afterAll(async () => {
    await stack?.stop();
  });

  test('connecting them costs O(1) ShipStation calls and creates one SHIP_NOTIFY and one FULFILLMENT_SHIPPED subscription; imports do not wait for it', async () => {
    const before = stack.shipstation.requests.entries.length;
    // The subscription's ShipStation calls are slow: the first store's order must import regardless.
    stack.shipstation.faults.inject({ kind: 'slow', delayMs: 3_000 }, { method: 'POST', pathPrefix: '/webhooks/subscribe' });
    const first = stack.ecwid.upsertOrder(STORES[0], importableOrder({ createTimestamp: Math.floor(Date.now() / 1000) - 60 }));
    for (let i = 0; i < STORES.length; i += 10) {
      await Promise.all(
        STORES.slice(i, i + 10).map(async (id) => {
          const res = await stack.api('/connections', { method: 'POST', body: JSON.stringify({ ecwidStoreId: id, ecwidAccessToken: tokenOf(id) }) });
          expect(res.status).toBe(201);
        }),
      );
    }
    await eventually(() => stack.shipstation.ordersByKey(SS_ACCOUNT.apiKey).get(`ecwid-${STORES[0]}-${first.id}`), 30_000);
    await eventually(() => stack.shipstation.webhooks(SS_ACCOUNT.apiKey).length === 2, 30_000);
    // Every store joined the same account.
    const statuses = await eventually(async () => {
      const all = (await (await stack.api('/connections')).json()) as ConnectionStatus[];
      return all.filter((s) => STORES.includes(s.storeId) && s.shipstationAccountId).length === STORES.length ? all : undefined;
    }, 60_000, 500);
    expect(new Set(statuses.filter((s) => STORES.includes(s.storeId)).map((s) => s.shipstationAccountId)).size).toBe(1);
    await new Promise((r) => setTimeout(r, 3_000));

    const hooks = stack.shipstation.webhooks(SS_ACCOUNT.apiKey);
    expect(hooks.map((h) => h.event)).toEqual(['SHIP_NOTIFY', 'FULFILLMENT_SHIPPED']);
    expect(hooks[1].targetUrl).toBe(hooks[0].targetUrl);
    const target = new URL(hooks[0].targetUrl);
    expect(target.searchParams.get('secret')).toBeNull();
    expect(target.searchParams.get('sig')).toBe(accountWebhookSignature(WEBHOOK_KEY, statuses[0].shipstationAccountId!));
    expect(target.searchParams.get('account')).toBe(statuses[0].shipstationAccountId);
    expect(target.searchParams.get('store')).toBeNull();
    // O(1): the subscriptions (list + two subscribes), a reconciliation (labels and marked-as-shipped), and the one
    // order's createorders — not 50 × anything.
    const calls = stack.shipstation.requests.entries.slice(before);
    expect(calls.length).toBeLessThanOrEqual(8);
    expect(calls.filter((r) => r.path === '/webhooks/subscribe')).toHaveLength(2);
  });
});
