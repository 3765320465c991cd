import { generateOrders } from '../../src/simulators/ecwid/seed';
import type { ConnectionStatus } from '../../src/workflows/definitions';
import { SS_ACCOUNT, eventually, startTestStack, type TestStack } from '../helpers/stack';

const STORE = 8001;
const TOKEN = 'secret_store_8001_token';

/** Faults on both simulators during imports: nothing lost, nothing duplicated, each failure visible while it lasts. */
describe('import under injected faults', () => {
  let stack: TestStack;
  type Status = ConnectionStatus & { retrying?: { activity: string; attempt: number; lastFailure?: string } };
  const statusOf = async () => (await (await stack.api(`/connections/${STORE}`)).json()) as Status;
  const keys = () => stack.shipstation.ordersByKey(SS_ACCOUNT.apiKey);

  beforeAll(async () => {
    stack = await startTestStack({ rateLimitWindowMs: 10_000 });
    stack.ecwid.addStore({ storeId: STORE, token: TOKEN, plan: 'VENTURE' });
    const res = await stack.api('/connections', { method: 'POST', body: JSON.stringify({ ecwidStoreId: STORE, ecwidAccessToken: TOKEN }) });
    expect(res.status).toBe(201);
    await eventually(async () => (await statusOf()).lastSyncAt);
  });
  afterAll(async () => {
    await stack?.stop();
  });

  async function importBatch(n: number, seed: number): Promise<string[]> {
    const ids = generateOrders(n, seed).map((o) => stack.ecwid.upsertOrder(STORE, o).id!);
    for (const id of ids) await stack.ecwid.sendWebhook(STORE, 'order.created', { orderId: id });
    return ids.map((id) => `ecwid-${STORE}-${id}`);
  }

  function createdOnce(expected: string[]): void {
    const created = stack.shipstation.creationAttempts.filter((a) => a.outcome === 'created' && expected.includes(a.orderKey));
    expect(created.map((a) => a.orderKey).sort()).toEqual([...expected].sort());
  }

  test.each([
    ['ShipStation 503s', () => stack.shipstation.faults.inject({ kind: 'status', status: 503 }, { times: 3, pathPrefix: '/orders/createorders' })],
    ['ShipStation 429 with Retry-After', () => stack.shipstation.faults.inject({ kind: 'rate-limit', retryAfterSeconds: 1 }, { times: 2, pathPrefix: '/orders/createorders' })],
    ['ShipStation dropped connections', () => stack.shipstation.faults.inject({ kind: 'drop' }, { times: 2, pathPrefix: '/orders/createorders' })],
    ['Ecwid 500s', () => stack.ecwid.faults.inject({ kind: 'status', status: 500 }, { times: 3, method: 'GET' })],
    ['Ecwid 429 with Retry-After', () => stack.ecwid.faults.inject({ kind: 'rate-limit', retryAfterSeconds: 1 }, { times: 2, method: 'GET' })],
    ['Ecwid connection resets', () => stack.ecwid.faults.inject({ kind: 'drop' }, { times: 2, method: 'GET' })],
    ['timeouts (answers slower than the 5 s client timeout)', () => {
      stack.ecwid.faults.inject({ kind: 'slow', delayMs: 6_000 }, { times: 1, method: 'GET' });
      stack.shipstation.faults.inject({ kind: 'slow', delayMs: 6_000 }, { times: 1, pathPrefix: '/orders/createorders' });
    }],
    ['slow answers from both', () => {
      stack.ecwid.faults.inject({ kind: 'slow', delayMs: 1500 }, { times: 2 });
      stack.shipstation.faults.inject({ kind: 'slow', delayMs: 1500 }, { times: 2 });
    }],
  ])('%s: every order arrives exactly once', async (_name, inject) => {
    inject();
    const expected = await importBatch(5, Math.floor(Math.random() * 1e6));
    await eventually(() => expected.every((k) => keys().has(k)), 60_000);
    createdOnce(expected);
    stack.ecwid.faults.clear();
    stack.shipstation.faults.clear();
  });

  test('a partial failure inside a bulk call: the others import, the failed one is visible, then retried', async () => {
    const ids = generateOrders(4, 777).map((o) => stack.ecwid.upsertOrder(STORE, o).id!);
    const badKey = `ecwid-${STORE}-${ids[1]}`;
    stack.shipstation.failOrdersOnce([badKey]);
    await stack.api(`/connections/${STORE}/sync`, { method: 'POST' });
    const s = await eventually(async () => {
      const st = await statusOf();
      return st.recentFailed.find((n) => n.orderId === ids[1]) ? st : undefined;
    }, 30_000);
    expect(s.failed).toBeGreaterThanOrEqual(1);
    expect(s.recentFailed.find((n) => n.orderId === ids[1])?.reason).toMatch(/internal error/);
    for (const id of [ids[0], ids[2], ids[3]]) expect(keys().has(`ecwid-${STORE}-${id}`)).toBe(true);
    expect(keys().has(badKey)).toBe(false);
    // The next sync tries it again, and it goes through.
    await stack.api(`/connections/${STORE}/sync`, { method: 'POST' });
    await eventually(() => keys().has(badKey), 30_000);
    await eventually(async () => (await statusOf()).failed === 0, 30_000);
    createdOnce(ids.map((id) => `ecwid-${STORE}-${id}`));
  });

  test('a long ShipStation outage is visible to operators while it lasts, then nothing is lost', async () => {
    stack.shipstation.faults.inject({ kind: 'status', status: 503 }, { pathPrefix: '/orders/createorders' });
    const expected = await importBatch(3, 4242);
    // While the sync retries, its status says which step fails, how often, and why.
    const seen = await eventually(async () => {
      const s = await statusOf();
      return s.retrying && s.retrying.attempt >= 2 ? s : undefined;
    }, 60_000, 300);
    expect(seen.retrying?.activity).toBe('importOrders');
    expect(seen.retrying?.lastFailure).toMatch(/503/);
    stack.shipstation.faults.clear();
    await eventually(() => expected.every((k) => keys().has(k)), 60_000);
    createdOnce(expected);
    await eventually(async () => !(await statusOf()).retrying, 30_000);
  });
});
