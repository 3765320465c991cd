import { storeSyncWorkflowId } from '../../src/domain/ids';
import { generateOrders } from '../../src/simulators/ecwid/seed';
import type { ConnectionStatus } from '../../src/workflows/definitions';
import { SS_ACCOUNT, eventually, startTestStack, type TestStack } from '../helpers/stack';

const STORE = 9301;
const TOKEN = 'secret_store_9301_token';

/** With Temporal suggesting continue-as-new every few events, a backfill spans several runs and loses nothing. */
describe('continue-as-new during a backfill', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startTestStack({
      rateLimitWindowMs: 5_000,
      temporalArgs: ['--dynamic-config-value', 'limit.historyCount.suggestContinueAsNew=30'],
    });
    stack.ecwid.addStore({ storeId: STORE, token: TOKEN, plan: 'VENTURE' });
    for (const o of generateOrders(700, 93)) stack.ecwid.upsertOrder(STORE, o);
  });
  afterAll(async () => {
    await stack?.stop();
  });

  test('700 orders over several runs: each created once, counts and settings carried over, signals kept', async () => {
    const res = await stack.api('/connections', {
      method: 'POST',
      body: JSON.stringify({ ecwidStoreId: STORE, ecwidAccessToken: TOKEN, statusMapping: { CUSTOM_FULFILLMENT_STATUS_3: 'on_hold' } }),
    });
    expect(res.status).toBe(201);
    // A webhook signal in the middle of the backfill must survive the hand-over between runs.
    const [late] = generateOrders(1, 94);
    const saved = stack.ecwid.upsertOrder(STORE, late);
    await stack.ecwid.sendWebhook(STORE, 'order.created', { orderId: saved.id });
    const status = await eventually(async () => {
      const s = (await (await stack.api(`/connections/${STORE}`)).json()) as ConnectionStatus;
      return s.imported >= 701 && !s.syncing ? s : undefined;
    }, 120_000, 500);
    expect(status.settings.statusMapping).toEqual({ CUSTOM_FULFILLMENT_STATUS_3: 'on_hold' });
    expect(status.failed).toBe(0);
    const runs = [];
    for await (const wf of stack.client.workflow.list({ query: `WorkflowId="${storeSyncWorkflowId(STORE)}"` })) runs.push(wf.runId);
    expect(runs.length).toBeGreaterThan(2);
    const created = stack.shipstation.creationAttempts.filter((a) => a.outcome === 'created');
    expect(created).toHaveLength(701);
    expect(new Set(created.map((a) => a.orderKey)).size).toBe(701);
    expect(stack.shipstation.ordersByKey(SS_ACCOUNT.apiKey).has(`ecwid-${STORE}-${saved.id}`)).toBe(true);
  });
});
