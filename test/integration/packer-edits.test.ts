import { storeSyncWorkflowId } from '../../src/domain/ids';
import { syncNowSignal, type ConnectionStatus, type OrderDecision } from '../../src/workflows/definitions';
import { SS_ACCOUNT, eventually, startTestStack, type TestStack } from '../helpers/stack';
import { importableOrder } from '../helpers/orders';

const STORE = 5101;
const TOKEN = 'secret_store_5101_token';
const WAVE = 150;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("packers' edits in ShipStation survive Ecwid's changes (real dev server, real worker, simulators)", () => {
  let stack: TestStack;
  const ids: string[] = [];
  const key = (id: string) => `ecwid-${STORE}-${id}`;
  const ssOrder = (id: string) => stack.shipstation.ordersByKey(SS_ACCOUNT.apiKey).get(key(id));
  const statusOf = async () => (await (await stack.api(`/connections/${STORE}`)).json()) as ConnectionStatus;
  const explain = async (id: string) => (await (await stack.api(`/connections/${STORE}/orders/${id}`)).json()) as OrderDecision;
  /** Ecwid changes the order as the merchant would in the admin, and says so with a webhook. */
  const changeInEcwid = async (id: string, change: Record<string, unknown>) => {
    const current = stack.ecwid.getOrder(STORE, id)!;
    stack.ecwid.upsertOrder(STORE, { ...current, ...change });
    await stack.ecwid.sendWebhook(STORE, 'order.updated', { orderId: id });
  };

  beforeAll(async () => {
    stack = await startTestStack({ rateLimitWindowMs: 60_000 });
    stack.ecwid.addStore({ storeId: STORE, token: TOKEN, plan: 'VENTURE', weightUnit: 'KILOGRAM' });
    for (let i = 0; i < WAVE + 2; i++) ids.push(stack.ecwid.upsertOrder(STORE, importableOrder({ privateAdminNotes: `note ${i}` })).id!);
    const res = await stack.api('/connections', { method: 'POST', body: JSON.stringify({ ecwidStoreId: STORE, ecwidAccessToken: TOKEN }) });
    expect(res.status).toBe(201);
    await eventually(async () => (await statusOf()).imported >= ids.length || undefined, 60_000);
  });
  afterAll(async () => {
    await stack?.stop();
  });

  test("a packer's on-hold status, weight, dimensions and customField1 survive an Ecwid address change, and the new address arrives", async () => {
    const id = ids[0];
    await sleep(1100); // ShipStation's modifyDate and Ecwid's updateTimestamp have one-second resolution
    stack.shipstation.editOrder(SS_ACCOUNT.apiKey, key(id), {
      orderStatus: 'on_hold',
      holdUntilDate: '2030-01-15',
      weight: { value: 35, units: 'ounces' },
      dimensions: { length: 12, width: 9, height: 4, units: 'inches' },
      customField1: 'double box, fragile',
      customField2: 'bin 7',
    });
    stack.shipstation.requests.clear();
    const address = { name: 'Ann Buyer', street: '77 New Road\nFlat 2', city: 'Portland', countryCode: 'US', postalCode: '97201', stateOrProvinceCode: 'OR' };
    await changeInEcwid(id, { shippingPerson: address });

    const after = await eventually(() => (ssOrder(id)?.shipTo.street1 === '77 New Road' ? ssOrder(id) : undefined), 15_000, 100);
    expect(after.shipTo).toMatchObject({ street1: '77 New Road', street2: 'Flat 2', city: 'Portland', state: 'OR', postalCode: '97201' });
    expect(after.orderStatus).toBe('on_hold');
    expect(after.holdUntilDate).toBe('2030-01-15');
    expect(after.weight).toMatchObject({ value: 35, units: 'ounces' });
    expect(after.dimensions).toEqual({ length: 12, width: 9, height: 4, units: 'inches' });
    expect(after.advancedOptions).toMatchObject({ customField1: 'double box, fragile', customField2: 'bin 7', source: 'Ecwid' });
    // ShipStation was read in bulk (a listing by modifyDate), never order by order, and written once.
    const calls = stack.shipstation.requests.entries.filter((r) => r.path.startsWith('/orders'));
    expect(calls.filter((r) => /^\/orders\/\d+$/.test(r.path))).toHaveLength(0);
    expect(calls.filter((r) => r.method === 'GET' && r.path === '/orders').every((r) => typeof r.query.modifyDateStart === 'string')).toBe(true);
    expect(stack.shipstation.requests.filter('POST', '/orders/createorders')).toHaveLength(1);
    // The operator sees what was kept.
    const decision = await eventually(async () => {
      const d = await explain(id);
      return d.reason?.includes('kept_shipstation') ? d : undefined;
    });
    expect(decision.reason).toBe('kept_shipstation:status,weight,dimensions,customField1');
    expect(decision.explanation).toMatch(/ShipStation's own edits were kept/);
  });

  test('a wave of 150 orders changed in Ecwid costs at most 2 × ⌈150/100⌉ = 4 ShipStation calls, and keeps each packer edit', async () => {
    const wave = ids.slice(1, WAVE + 1);
    await sleep(1100);
    // A packer weighed a few of them meanwhile.
    for (const id of wave.slice(0, 5)) stack.shipstation.editOrder(SS_ACCOUNT.apiKey, key(id), { weight: { value: 777, units: 'grams' } });
    await sleep(1100);
    for (const id of wave) {
      const current = stack.ecwid.getOrder(STORE, id)!;
      stack.ecwid.upsertOrder(STORE, { ...current, privateAdminNotes: `changed ${id}` });
    }
    stack.shipstation.requests.clear();
    // One sync pass reads the wave (the poll; a burst of webhooks picked up together is the same).
    await stack.client.workflow.getHandle(storeSyncWorkflowId(STORE)).signal(syncNowSignal, {});
    await eventually(() => wave.every((id) => ssOrder(id)?.internalNotes === `changed ${id}`) || undefined, 60_000, 200);
    await sleep(500);
    const calls = stack.shipstation.requests.entries.filter((r) => r.path.startsWith('/orders'));
    const summary = calls.map((r) => `${r.method} ${r.path}`);
    expect(calls.length).toBeLessThanOrEqual(2 * Math.ceil(WAVE / 100));
    expect(summary.filter((c) => c === 'POST /orders/createorders').length).toBeGreaterThanOrEqual(2);
    for (const id of wave.slice(0, 5)) expect(ssOrder(id)?.weight).toMatchObject({ value: 777, units: 'grams' });
    expect(ssOrder(wave[10])?.weight).toMatchObject({ value: 400, units: 'grams' });
  });

  test('a wave of 150 orders changed over three stores of one ShipStation account costs at most 4 ShipStation calls', async () => {
    const stores = [5111, 5112, 5113];
    const byStore = new Map<number, string[]>();
    for (const storeId of stores) {
      stack.ecwid.addStore({ storeId, token: `secret_store_${storeId}_token`, plan: 'VENTURE', weightUnit: 'KILOGRAM' });
      byStore.set(storeId, Array.from({ length: 50 }, () => stack.ecwid.upsertOrder(storeId, importableOrder()).id!));
      const res = await stack.api('/connections', { method: 'POST', body: JSON.stringify({ ecwidStoreId: storeId, ecwidAccessToken: `secret_store_${storeId}_token` }) });
      expect(res.status).toBe(201);
    }
    const inShipStation = () => stack.shipstation.ordersByKey(SS_ACCOUNT.apiKey);
    await eventually(() => stores.every((st) => byStore.get(st)!.every((id) => inShipStation().has(`ecwid-${st}-${id}`))) || undefined, 60_000);
    await sleep(2000); // the stores' first syncs are over
    for (const st of stores) {
      for (const id of byStore.get(st)!) stack.ecwid.upsertOrder(st, { ...stack.ecwid.getOrder(st, id)!, privateAdminNotes: `wave ${id}` });
    }
    stack.shipstation.requests.clear();
    await Promise.all(stores.map((st) => stack.client.workflow.getHandle(storeSyncWorkflowId(st)).signal(syncNowSignal, {})));
    await eventually(
      () => stores.every((st) => byStore.get(st)!.every((id) => inShipStation().get(`ecwid-${st}-${id}`)?.internalNotes === `wave ${id}`)) || undefined,
      60_000,
      200,
    );
    await sleep(500);
    const calls = stack.shipstation.requests.entries.filter((r) => r.path.startsWith('/orders'));
    expect(calls.length).toBeLessThanOrEqual(2 * Math.ceil(150 / 100));
  });

  test('an order deleted in ShipStation is not recreated by the next Ecwid change, the reason is shown, and a later change recreates it', async () => {
    const id = ids[WAVE + 1];
    stack.shipstation.deleteOrder(SS_ACCOUNT.apiKey, key(id));
    await sleep(1100);
    await changeInEcwid(id, { privateAdminNotes: 'first change after the deletion' });
    const decision = await eventually(async () => {
      const d = await explain(id);
      return d.reason === 'deleted_in_shipstation' ? d : undefined;
    }, 15_000);
    expect(decision.outcome).toBe('skipped');
    expect(ssOrder(id)).toBeUndefined();
    expect(stack.shipstation.creationAttempts.filter((a) => a.orderKey === key(id) && a.at > Date.now() - 5_000)).toHaveLength(0);
    // A full sync re-reads it (inside the overlap window) and still leaves it deleted.
    await stack.client.workflow.getHandle(storeSyncWorkflowId(STORE)).signal(syncNowSignal, {});
    await sleep(3000);
    expect(ssOrder(id)).toBeUndefined();

    await sleep(1100);
    await changeInEcwid(id, { privateAdminNotes: 'changed again later' });
    const back = await eventually(() => ssOrder(id), 15_000, 100);
    expect(back.internalNotes).toBe('changed again later');
  });
});
