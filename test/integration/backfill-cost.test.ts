import type { EcwidOrder } from '../../src/domain/ecwid';
import type { ConnectionStatus } from '../../src/workflows/definitions';
import { SS_ACCOUNT, eventually, startTestStack, type TestStack } from '../helpers/stack';
import { importableOrder } from '../helpers/orders';

const DAY = 86_400;
const now = () => Math.floor(Date.now() / 1000);

/** `open` orders awaiting processing spread evenly among `closed` ones (shipped and cancelled in turn), created from `daysAgo` days back. */
function orders(open: number, closed: number, daysAgo: number): EcwidOrder[] {
  const n = open + closed;
  const openAt = new Set(Array.from({ length: open }, (_, j) => Math.floor((j * n) / open)));
  return Array.from({ length: n }, (_, i) => {
    const createTimestamp = now() - daysAgo * DAY + i * 60;
    if (openAt.has(i)) return importableOrder({ createTimestamp });
    return i % 2 === 0 ? importableOrder({ createTimestamp, fulfillmentStatus: 'SHIPPED' }) : importableOrder({ createTimestamp, paymentStatus: 'CANCELLED' });
  });
}

describe('backfill without per-order ShipStation reads (real dev server, real worker, simulators)', () => {
  let stack: TestStack;
  const statusOf = async (storeId: number) => (await (await stack.api(`/connections/${storeId}`)).json()) as ConnectionStatus;
  const ssCalls = () => stack.shipstation.requests.entries.map((r) => `${r.method} ${r.path}`);
  const openKeys = (storeId: number, list: EcwidOrder[]) =>
    list.filter((o) => o.paymentStatus === 'PAID' && o.fulfillmentStatus === 'AWAITING_PROCESSING').map((o) => `ecwid-${storeId}-${o.id}`);
  let onboardingCalls = 0;

  beforeAll(async () => {
    stack = await startTestStack({ rateLimitWindowMs: 60_000 });
  });
  afterAll(async () => {
    await stack?.stop();
  });

  /** Connects a store, on its own new ShipStation account when `account` is given, and waits for its backfill. */
  async function onboard(storeId: number, seeded: EcwidOrder[], account?: { apiKey: string; apiSecret: string }): Promise<{ calls: string[]; saved: EcwidOrder[] }> {
    stack.ecwid.addStore({ storeId, token: `secret_store_${storeId}_token`, plan: 'VENTURE', weightUnit: 'KILOGRAM' });
    const saved = seeded.map((o) => stack.ecwid.upsertOrder(storeId, o));
    if (account) stack.shipstation.addAccount(account);
    stack.shipstation.requests.clear();
    const own = account ? { shipstationApiKey: account.apiKey, shipstationApiSecret: account.apiSecret } : {};
    const res = await stack.api('/connections', { method: 'POST', body: JSON.stringify({ ecwidStoreId: storeId, ecwidAccessToken: `secret_store_${storeId}_token`, ...own }) });
    expect(res.status).toBe(201);
    const open = openKeys(storeId, saved).length;
    await eventually(async () => {
      const s = await statusOf(storeId);
      return s.imported >= open && s.skipped >= saved.length - open && s.lastSyncResult ? s : undefined;
    }, 120_000);
    await new Promise((r) => setTimeout(r, 1000)); // anything still on its way is counted too
    return { calls: ssCalls(), saved };
  }

  test('onboarding 200 orders, 150 of them closed, costs at most 12 ShipStation calls, and all 50 open ones arrive', async () => {
    const seeded = orders(50, 150, 20);
    expect(seeded.filter((o) => o.paymentStatus === 'PAID' && o.fulfillmentStatus === 'AWAITING_PROCESSING')).toHaveLength(50);
    const { calls, saved } = await onboard(5201, seeded);
    onboardingCalls = calls.length;
    console.log('200 orders, 150 closed:', calls.length, 'ShipStation calls:', calls.join(', '));
    expect(calls.length).toBeLessThanOrEqual(12);
    // No look-up order by order: list calls only.
    expect(calls.filter((c) => c === 'GET /orders').length).toBeLessThanOrEqual(4);
    expect(stack.shipstation.requests.filter('GET', '/orders').every((r) => Number(r.query.pageSize) === 500)).toBe(true);
    const inShipStation = stack.shipstation.ordersByKey(SS_ACCOUNT.apiKey);
    for (const k of openKeys(5201, saved)) expect(inShipStation.get(k)?.orderStatus).toBe('awaiting_shipment');
    expect(inShipStation.size).toBe(50);
    const status = await statusOf(5201);
    expect((status.skipReasons['closed_before_import:shipped'] ?? 0) + (status.skipReasons['closed_before_import:cancelled'] ?? 0)).toBe(150);
  });

  test('moving importSince back costs no more than a new onboarding', async () => {
    const older = orders(50, 150, 50).map((o) => stack.ecwid.upsertOrder(5201, o));
    stack.shipstation.requests.clear();
    const res = await stack.api('/connections/5201/settings', { method: 'PATCH', body: JSON.stringify({ importSince: now() - 60 * DAY }) });
    expect(res.ok).toBe(true);
    await eventually(async () => {
      const s = await statusOf(5201);
      return s.imported >= 100 && !s.rereading && !s.syncing ? s : undefined;
    }, 120_000);
    await new Promise((r) => setTimeout(r, 1000));
    const calls = ssCalls();
    console.log('importSince moved back (200 more orders, 150 closed):', calls.length, 'ShipStation calls:', calls.join(', '));
    expect(calls.length).toBeLessThanOrEqual(Math.max(onboardingCalls, 12));
    const inShipStation = stack.shipstation.ordersByKey(SS_ACCOUNT.apiKey);
    for (const k of openKeys(5201, older)) expect(inShipStation.has(k)).toBe(true);
  });

  test('onboarding 3,000 closed and 200 open orders on a new ShipStation account costs at most 12 ShipStation calls', async () => {
    const account = { apiKey: 'big-backfill-key', apiSecret: 'big-backfill-secret' };
    const { calls, saved } = await onboard(5202, orders(200, 3000, 25), account);
    console.log('3,000 closed + 200 open, new account:', calls.length, 'ShipStation calls:', calls.join(', '));
    expect(calls.length).toBeLessThanOrEqual(12);
    const inShipStation = stack.shipstation.ordersByKey(account.apiKey);
    expect(openKeys(5202, saved).every((k) => inShipStation.has(k))).toBe(true);
    expect(inShipStation.size).toBe(200);
  }, 180_000);
});
