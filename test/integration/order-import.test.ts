import { generateOrders } from '../../src/simulators/ecwid/seed';
import { storeSyncWorkflowId } from '../../src/domain/ids';
import type { ConnectionStatus } from '../../src/workflows/definitions';
import { ADMIN_TOKEN, SS_ACCOUNT, eventually, startTestStack, type TestStack } from '../helpers/stack';
import { importableOrder as order } from '../helpers/orders';

const STORE = 4001;
const TOKEN = 'secret_store_4001_token';


describe('order import (real dev server, real worker, simulators)', () => {
  let stack: TestStack;
  const backfillKeys = new Set<string>();
  const statusOf = async (): Promise<ConnectionStatus> => (await stack.api(`/connections/${STORE}`)).json() as Promise<ConnectionStatus>;

  beforeAll(async () => {
    stack = await startTestStack({ rateLimitWindowMs: 60_000 });
    stack.ecwid.addStore({ storeId: STORE, token: TOKEN, plan: 'VENTURE', weightUnit: 'KILOGRAM' });
    for (const o of generateOrders(260, 42)) backfillKeys.add(`ecwid-${STORE}-${stack.ecwid.upsertOrder(STORE, o).id}`);
  });
  afterAll(async () => {
    await stack?.stop();
  });

  test('refuses requests without the admin token, and invalid bodies with field errors', async () => {
    const noAuth = await fetch(`${stack.apiUrl}/connections`);
    expect(noAuth.status).toBe(401);
    const wrong = await fetch(`${stack.apiUrl}/connections`, { headers: { Authorization: 'Bearer nope' } });
    expect(wrong.status).toBe(401);
    const bad = await stack.api('/connections', { method: 'POST', body: JSON.stringify({ ecwidStoreId: 'x', statusMapping: { CUSTOM_FULFILLMENT_STATUS_1: 'lost' } }) });
    expect(bad.status).toBe(400);
    const body = (await bad.json()) as { fields: { field: string }[] };
    const fields = body.fields.map((f) => f.field);
    expect(fields).toEqual(expect.arrayContaining(['ecwidStoreId', 'ecwidAccessToken', 'statusMapping.CUSTOM_FULFILLMENT_STATUS_1']));
  });

  test('imports 260 orders across three pages with bulk calls, within the 40/min limit', async () => {
    const res = await stack.api('/connections', { method: 'POST', body: JSON.stringify({ ecwidStoreId: STORE, ecwidAccessToken: TOKEN }) });
    expect(res.status).toBe(201);
    const status = await eventually(async () => {
      const s = await statusOf();
      return s.imported >= 260 && s.lastSyncResult ? s : undefined;
    }, 60_000);
    expect(status.failed).toBe(0);
    const keys = stack.shipstation.ordersByKey(SS_ACCOUNT.apiKey);
    expect(keys.size).toBe(260);
    const bulk = stack.shipstation.requests.filter('POST', '/orders/createorders');
    expect(bulk.length).toBe(3);
    expect(bulk.map((r) => (r.body as unknown[]).length).sort((a, b) => a - b)).toEqual([60, 100, 100]);
    expect(stack.shipstation.requests.entries.filter((r) => r.status === 429)).toHaveLength(0);
    // Ecwid was paged with limit 100 and the token in the header only.
    const pages = stack.ecwid.requests.filter('GET', new RegExp(`/api/v3/${STORE}/orders$`));
    expect(pages.length).toBeGreaterThanOrEqual(3);
    expect(pages.every((p) => String(p.headers.authorization) === `Bearer ${TOKEN}` && !('token' in p.query))).toBe(true);
  });

  test('connecting the same store again updates it and never starts a second sync', async () => {
    const res = await stack.api('/connections', {
      method: 'POST',
      body: JSON.stringify({ ecwidStoreId: STORE, ecwidAccessToken: TOKEN, statusMapping: { CUSTOM_FULFILLMENT_STATUS_1: 'on_hold' } }),
    });
    expect(res.status).toBe(200);
    const list = (await (await stack.api('/connections')).json()) as ConnectionStatus[];
    expect(list.filter((c) => c.storeId === STORE)).toHaveLength(1);
    const runs = [];
    for await (const wf of stack.client.workflow.list({ query: `WorkflowId="${storeSyncWorkflowId(STORE)}" AND ExecutionStatus="Running"` })) runs.push(wf);
    expect(runs).toHaveLength(1);
    await eventually(async () => (await statusOf()).settings.statusMapping.CUSTOM_FULFILLMENT_STATUS_1 === 'on_hold');
  });

  test('an Ecwid webhook imports a new order within seconds', async () => {
    const saved = stack.ecwid.upsertOrder(STORE, order({}));
    const sent = Date.now();
    const hook = await stack.ecwid.sendWebhook(STORE, 'order.created', { orderId: saved.id });
    expect(hook.status).toBe(200);
    const key = `ecwid-${STORE}-${saved.id}`;
    await eventually(() => stack.shipstation.ordersByKey(SS_ACCOUNT.apiKey).get(key), 10_000, 50);
    expect(Date.now() - sent).toBeLessThan(10_000);
    const ss = stack.shipstation.ordersByKey(SS_ACCOUNT.apiKey).get(key)!;
    expect(ss.orderStatus).toBe('awaiting_shipment');
    expect(ss.customerEmail).toBe('buyer@example.com');
  });

  test('a webhook with a bad signature is refused and starts nothing', async () => {
    const before = stack.ecwid.requests.entries.length;
    const res = await fetch(`${stack.apiUrl}/webhooks/ecwid?eventtype=order.created`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-Ecwid-Webhook-Signature': 'AAAA' },
      body: JSON.stringify({ eventId: 'e1', eventCreated: 1, storeId: STORE, eventType: 'order.created', data: { orderId: 'ZZZZZ' } }),
    });
    expect(res.status).toBe(401);
    await new Promise((r) => setTimeout(r, 500));
    expect(stack.ecwid.requests.entries.slice(before).some((r) => r.query.ids === 'ZZZZZ')).toBe(false);
  });

  test('skipped orders are recorded with their reasons, visible through the API', async () => {
    const digital = stack.ecwid.upsertOrder(STORE, order({ items: [{ id: 5, name: 'E-book', quantity: 1, price: 5, isShippingRequired: false, digital: true }] }));
    const noAddress = stack.ecwid.upsertOrder(STORE, order({ shippingPerson: undefined }));
    const pickup = stack.ecwid.upsertOrder(STORE, order({ shippingOption: { shippingMethodName: 'Pickup at shop', isPickup: true } }));
    const custom = stack.ecwid.upsertOrder(STORE, order({ fulfillmentStatus: 'CUSTOM_FULFILLMENT_STATUS_2' }));
    for (const o of [digital, noAddress, pickup, custom]) await stack.ecwid.sendWebhook(STORE, 'order.created', { orderId: o.id });
    const status = await eventually(async () => {
      const s = await statusOf();
      return s.recentSkipped.length >= 4 && s.recentSkipped.some((n) => n.orderId === custom.id) ? s : undefined;
    }, 15_000);
    const reasonOf = (id?: string) => status.recentSkipped.find((n) => n.orderId === id)?.reason;
    expect(reasonOf(digital.id)).toBe('no_physical_items');
    expect(reasonOf(noAddress.id)).toBe('no_shipping_address');
    expect(reasonOf(pickup.id)).toBe('pickup');
    expect(reasonOf(custom.id)).toBe('unmapped_status:CUSTOM_FULFILLMENT_STATUS_2');
    expect(status.skipReasons.no_physical_items).toBeGreaterThanOrEqual(1);
    const why = (await (await stack.api(`/connections/${STORE}/orders/${custom.id}`)).json()) as { outcome: string; reason: string };
    expect(why).toMatchObject({ outcome: 'skipped', reason: 'unmapped_status:CUSTOM_FULFILLMENT_STATUS_2' });
    for (const o of [digital, noAddress, pickup, custom]) {
      expect(stack.shipstation.ordersByKey(SS_ACCOUNT.apiKey).has(`ecwid-${STORE}-${o.id}`)).toBe(false);
    }
  });

  test('custom statuses map to on_hold, and a mapping change imports the order it had skipped', async () => {
    const held = stack.ecwid.upsertOrder(STORE, order({ fulfillmentStatus: 'CUSTOM_FULFILLMENT_STATUS_1' }));
    await stack.ecwid.sendWebhook(STORE, 'order.created', { orderId: held.id });
    const heldSs = await eventually(() => stack.shipstation.ordersByKey(SS_ACCOUNT.apiKey).get(`ecwid-${STORE}-${held.id}`), 15_000);
    expect(heldSs.orderStatus).toBe('on_hold');

    const skipped = (await statusOf()).recentSkipped.find((n) => n.reason === 'unmapped_status:CUSTOM_FULFILLMENT_STATUS_2');
    expect(skipped).toBeDefined();
    const patch = await stack.api(`/connections/${STORE}/settings`, {
      method: 'PATCH',
      body: JSON.stringify({ statusMapping: { CUSTOM_FULFILLMENT_STATUS_1: 'on_hold', CUSTOM_FULFILLMENT_STATUS_2: 'awaiting_shipment' } }),
    });
    expect(patch.status).toBe(202);
    const now = await eventually(() => stack.shipstation.ordersByKey(SS_ACCOUNT.apiKey).get(`ecwid-${STORE}-${skipped!.orderId}`), 15_000);
    expect(now.orderStatus).toBe('awaiting_shipment');
  });

  test('a re-sync and a worker restart create no duplicates', async () => {
    const attemptsBefore = stack.shipstation.creationAttempts.length;
    const syncsBefore = (await statusOf()).syncsRun;
    expect((await stack.api(`/connections/${STORE}/sync`, { method: 'POST' })).status).toBe(202);
    await eventually(async () => (await statusOf()).syncsRun > syncsBefore && !(await statusOf()).syncing);
    // Everything was read again; the settled backfill was not sent again, and nothing was created twice.
    // (Orders written in the same second they were last read are re-sent as harmless updates.)
    const again = stack.shipstation.creationAttempts.slice(attemptsBefore);
    expect(again.filter((a) => a.outcome === 'created')).toHaveLength(0);
    expect(again.filter((a) => backfillKeys.has(a.orderKey))).toHaveLength(0);

    await stack.stopWorker();
    const fresh = stack.ecwid.upsertOrder(STORE, order({}));
    await stack.ecwid.sendWebhook(STORE, 'order.updated', { orderId: fresh.id });
    await stack.startWorker();
    await eventually(() => stack.shipstation.ordersByKey(SS_ACCOUNT.apiKey).get(`ecwid-${STORE}-${fresh.id}`), 20_000);
    const perKey = new Map<string, number>();
    for (const a of stack.shipstation.creationAttempts) perKey.set(a.orderKey, (perKey.get(a.orderKey) ?? 0) + 1);
    expect(perKey.get(`ecwid-${STORE}-${fresh.id}`)).toBe(1);
    const created = stack.shipstation.creationAttempts.filter((a) => a.outcome === 'created');
    expect(new Set(created.map((a) => a.orderKey)).size).toBe(created.length);
  });

  test('an order deleted in Ecwid cancels its open ShipStation order', async () => {
    const o = stack.ecwid.upsertOrder(STORE, order({}));
    await stack.ecwid.sendWebhook(STORE, 'order.created', { orderId: o.id });
    const key = `ecwid-${STORE}-${o.id}`;
    await eventually(() => stack.shipstation.ordersByKey(SS_ACCOUNT.apiKey).get(key), 15_000);
    stack.ecwid.deleteOrder(STORE, o.id!);
    await stack.ecwid.sendWebhook(STORE, 'order.deleted', { orderId: o.id });
    await eventually(() => stack.shipstation.ordersByKey(SS_ACCOUNT.apiKey).get(key)?.orderStatus === 'cancelled', 15_000);
  });

  test('an order cancelled in Ecwid after import cancels it in ShipStation; a shipped one is never overwritten', async () => {
    const o = stack.ecwid.upsertOrder(STORE, order({}));
    await stack.ecwid.sendWebhook(STORE, 'order.created', { orderId: o.id });
    const key = `ecwid-${STORE}-${o.id}`;
    await eventually(() => stack.shipstation.ordersByKey(SS_ACCOUNT.apiKey).get(key), 15_000);
    stack.ecwid.upsertOrder(STORE, { ...stack.ecwid.getOrder(STORE, o.id!)!, paymentStatus: 'CANCELLED' });
    await stack.ecwid.sendWebhook(STORE, 'order.updated', { orderId: o.id });
    await eventually(() => stack.shipstation.ordersByKey(SS_ACCOUNT.apiKey).get(key)?.orderStatus === 'cancelled', 15_000);

    const shipped = stack.ecwid.upsertOrder(STORE, order({}));
    await stack.ecwid.sendWebhook(STORE, 'order.created', { orderId: shipped.id });
    const skey = `ecwid-${STORE}-${shipped.id}`;
    await eventually(() => stack.shipstation.ordersByKey(SS_ACCOUNT.apiKey).get(skey), 15_000);
    stack.shipstation.setOrderStatus(SS_ACCOUNT.apiKey, skey, 'shipped');
    stack.ecwid.upsertOrder(STORE, { ...stack.ecwid.getOrder(STORE, shipped.id!)!, orderComments: 'changed after shipping' });
    await stack.ecwid.sendWebhook(STORE, 'order.updated', { orderId: shipped.id });
    const s = await eventually(async () => {
      const st = await statusOf();
      return st.recentSkipped.find((n) => n.orderId === shipped.id && n.reason === 'closed_in_shipstation');
    }, 15_000);
    expect(s).toBeDefined();
    expect(stack.shipstation.ordersByKey(SS_ACCOUNT.apiKey).get(skey)?.orderStatus).toBe('shipped');
    expect(stack.shipstation.ordersByKey(SS_ACCOUNT.apiKey).get(skey)?.customerNotes ?? '').not.toContain('changed after shipping');
  });

  test('application.uninstalled pauses the store in needs_reconnect; reconnecting resumes it', async () => {
    // An uninstall is believed only once Ecwid refuses the token (see ecwid-webhooks-hints.test.ts).
    stack.ecwid.revokeToken(STORE);
    const hook = await stack.ecwid.sendWebhook(STORE, 'application.uninstalled', {});
    expect(hook.status).toBe(200);
    await eventually(async () => (await statusOf()).state === 'needs_reconnect');
    const listed = [];
    for await (const wf of stack.client.workflow.list({ query: `ConnectionState="needs_reconnect" AND EcwidStoreId="${STORE}"` })) listed.push(wf.workflowId);
    expect(listed).toEqual([storeSyncWorkflowId(STORE)]);
    // While it waits, a webhook imports nothing.
    const waiting = stack.ecwid.upsertOrder(STORE, order({}));
    await stack.ecwid.sendWebhook(STORE, 'order.created', { orderId: waiting.id });
    await new Promise((r) => setTimeout(r, 1000));
    expect(stack.shipstation.ordersByKey(SS_ACCOUNT.apiKey).has(`ecwid-${STORE}-${waiting.id}`)).toBe(false);
    stack.ecwid.addStore({ storeId: STORE, token: `${TOKEN}_reinstalled` });
    const res = await stack.api('/connections', { method: 'POST', body: JSON.stringify({ ecwidStoreId: STORE, ecwidAccessToken: `${TOKEN}_reinstalled` }) });
    expect(res.status).toBe(200);
    await eventually(async () => (await statusOf()).state === 'active');
    // The order that arrived meanwhile is not lost.
    await eventually(() => stack.shipstation.ordersByKey(SS_ACCOUNT.apiKey).get(`ecwid-${STORE}-${waiting.id}`), 15_000);
  });

  test('metrics count orders by outcome and calls by endpoint', async () => {
    expect((await fetch(`${stack.apiUrl}/metrics`)).status).toBe(401);
    const text = await (await stack.api('/metrics')).text();
    expect(text).toMatch(/connector_orders_total\{outcome="imported",reason=""\} \d+/);
    expect(text).toMatch(/connector_orders_total\{outcome="skipped",reason="unmapped_status"\} \d+/);
    expect(text).toMatch(/connector_external_api_calls_total\{service="shipstation",endpoint="\/orders\/createorders",status="200"\} \d+/);
    expect(text).toContain('connector_import_latency_seconds_bucket');
  });

  test('DELETE stops the store sync', async () => {
    const res = await stack.api(`/connections/${STORE}`, { method: 'DELETE' });
    expect(res.status).toBe(202);
    await eventually(async () => (await stack.client.workflow.getHandle(storeSyncWorkflowId(STORE)).describe()).status.name === 'COMPLETED');
    const after = await fetch(`${stack.apiUrl}/connections/${STORE}/sync`, { method: 'POST', headers: { Authorization: `Bearer ${ADMIN_TOKEN}` } });
    expect(after.status).toBe(404);
  });
});
