import { accountWebhookSignature } from '../../src/connections/ship-notify-target';
import { shipstationAccountId } from '../../src/activities/deps';
import type { EcwidOrder } from '../../src/domain/ecwid';
import { shipmentWorkflowId } from '../../src/domain/ids';
import { shipmentStatusQuery, type ShipmentStatus } from '../../src/workflows/definitions';
import { ASKED_RECONCILE_GAP_MS } from '../../src/workflows/shipstation-account';
import { importableOrder } from '../helpers/orders';
import { SS_ACCOUNT, WEBHOOK_KEY, eventually, stackWithConnectedStore, type TestStack } from '../helpers/stack';

const STORE = 5001;
const TOKEN = 'secret_store_5001_token';

const order = (): EcwidOrder =>
  importableOrder({
    total: 30,
    createTimestamp: Math.floor(Date.now() / 1000) - 600,
    items: [{ id: 1, productId: 21, sku: 'TEE', name: 'T-shirt', quantity: 1, price: 30, weight: 0.2, isShippingRequired: true }],
    shippingPerson: { name: 'Bo Buyer', street: '2 Side St', city: 'Portland', countryCode: 'US', postalCode: '97201', stateOrProvinceCode: 'OR' },
  });


describe('shipments back to Ecwid (SHIP_NOTIFY → shipment workflow → Ecwid)', () => {
  let stack: TestStack;
  const key = (id: string) => `ecwid-${STORE}-${id}`;
  const ecwidPuts = (id: string) => stack.ecwid.requests.filter('PUT', new RegExp(`/orders/${id}$`));

  /** A new order, imported into ShipStation through a webhook. */
  async function importedOrder(): Promise<string> {
    const o = stack.ecwid.upsertOrder(STORE, order());
    await stack.ecwid.sendWebhook(STORE, 'order.created', { orderId: o.id });
    await eventually(() => stack.shipstation.ordersByKey(SS_ACCOUNT.apiKey).get(key(o.id!)), 15_000);
    return o.id!;
  }

  beforeAll(async () => {
    stack = await stackWithConnectedStore(STORE, TOKEN);
  });
  afterAll(async () => {
    await stack?.stop();
  });

  test('the connection subscribed SHIP_NOTIFY (and FULFILLMENT_SHIPPED) once, with the secret in the target URL', async () => {
    const hooks = await eventually(() => {
      const h = stack.shipstation.webhooks(SS_ACCOUNT.apiKey);
      return h.length > 1 ? h : undefined;
    });
    expect(hooks.map((h) => h.event)).toEqual(['SHIP_NOTIFY', 'FULFILLMENT_SHIPPED']);
    expect(new URL(hooks[0].targetUrl).searchParams.get('sig')).toBe(accountWebhookSignature(WEBHOOK_KEY, shipstationAccountId(SS_ACCOUNT.apiKey)));
    // Connecting again lists first and adds nothing.
    await stack.api('/connections', { method: 'POST', body: JSON.stringify({ ecwidStoreId: STORE, ecwidAccessToken: TOKEN }) });
    await new Promise((r) => setTimeout(r, 1500));
    expect(stack.shipstation.webhooks(SS_ACCOUNT.apiKey)).toHaveLength(2);
  });

  test('a label marks the Ecwid order shipped with tracking, carrier, service and carrier fee', async () => {
    const id = await importedOrder();
    const label = await stack.shipstation.createLabel(SS_ACCOUNT.apiKey, key(id), {
      carrierCode: 'ups',
      serviceCode: 'ups_ground',
      trackingNumber: '1Z999AA10123456784',
      shipmentCost: 8.5,
      insuranceCost: 1.25,
    });
    const updated = await eventually(() => {
      const o = stack.ecwid.getOrder(STORE, id);
      return o?.fulfillmentStatus === 'SHIPPED' ? o : undefined;
    }, 15_000, 50);
    expect(updated.trackingNumber).toBe(label.trackingNumber);
    expect(updated.trackingUrl).toContain('1Z999AA10123456784');
    const fields = Object.fromEntries((updated.orderExtraFields ?? []).map((f) => [f.id, f.value]));
    expect(fields.shipstation_carrier).toMatch(/UPS/);
    expect(fields.shipstation_service).toMatch(/Ground/);
    expect(fields.shipstation_shipping_cost).toBe('9.75');
    // The write-back fires order.updated; the re-import must not overwrite the shipped ShipStation order.
    await new Promise((r) => setTimeout(r, 1500));
    expect(stack.shipstation.ordersByKey(SS_ACCOUNT.apiKey).get(key(id))?.orderStatus).toBe('shipped');
    expect(ecwidPuts(id)).toHaveLength(1);
    // That re-import knew the order was shipped through ShipStation: no look-up of it there.
    expect(stack.shipstation.requests.filter('GET', '/orders').filter((r) => r.query.orderNumber === id)).toHaveLength(0);
  });

  test('a duplicate SHIP_NOTIFY writes once', async () => {
    const id = await importedOrder();
    await stack.shipstation.createLabel(SS_ACCOUNT.apiKey, key(id), { carrierCode: 'usps', serviceCode: 'usps_priority_mail' });
    await eventually(() => stack.ecwid.getOrder(STORE, id)?.fulfillmentStatus === 'SHIPPED', 15_000);
    const delivery = stack.shipstation.webhookDeliveries.at(-1)!;
    const again = await fetch(delivery.targetUrl, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(delivery.body) });
    expect(again.status).toBe(200);
    await new Promise((r) => setTimeout(r, 2000));
    expect(ecwidPuts(id)).toHaveLength(1);
  });

  test('a wrong signature and a resource URL outside ShipStation are refused, and nothing is fetched', async () => {
    const before = stack.shipstation.requests.entries.length;
    const target = stack.shipstation.webhooks(SS_ACCOUNT.apiKey)[0].targetUrl;
    const wrong = new URL(target);
    wrong.searchParams.set('sig', 'x'.repeat(32));
    const body = JSON.stringify({ resource_url: `${stack.shipstation.url}/shipments?batchId=1`, resource_type: 'SHIP_NOTIFY' });
    const r1 = await fetch(wrong, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body });
    expect(r1.status).toBe(401);
    const missing = new URL(target);
    missing.searchParams.delete('sig');
    expect((await fetch(missing, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body })).status).toBe(401);

    let hit = false;
    const { createServer } = await import('node:http');
    const trap = createServer((_req, res) => {
      hit = true;
      res.end('{}');
    });
    await new Promise<void>((r) => trap.listen(0, '127.0.0.1', () => r()));
    const trapUrl = `http://127.0.0.1:${(trap.address() as { port: number }).port}/shipments?batchId=1`;
    for (const url of [trapUrl, 'http://169.254.169.254/latest/meta-data', 'https://ssapi.shipstation.com.evil.example/x', 'https://user:pw@ssapi2.shipstation.com/x']) {
      const r = await fetch(target, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ resource_url: url, resource_type: 'SHIP_NOTIFY' }) });
      expect(r.status).toBe(400);
    }
    await new Promise((r) => setTimeout(r, 1000));
    trap.close();
    expect(hit).toBe(false);
    expect(stack.shipstation.requests.entries.slice(before).filter((e) => e.path === '/shipments')).toHaveLength(0);
  });

  test('an update succeeds through several 503s and a 429', async () => {
    const id = await importedOrder();
    stack.ecwid.faults.inject({ kind: 'status', status: 503 }, { times: 3, method: 'PUT' });
    stack.ecwid.faults.inject({ kind: 'rate-limit', retryAfterSeconds: 1 }, { times: 1, method: 'PUT' });
    await stack.shipstation.createLabel(SS_ACCOUNT.apiKey, key(id), { trackingNumber: '9400100000000000000001' });
    await eventually(() => stack.ecwid.getOrder(STORE, id)?.trackingNumber === '9400100000000000000001', 30_000);
    const puts = ecwidPuts(id);
    expect(puts.map((p) => p.status)).toEqual([503, 503, 503, 429, 200]);
  });

  test('an Ecwid outage is waited out and the update delivered after recovery', async () => {
    const id = await importedOrder();
    stack.ecwid.faults.inject({ kind: 'status', status: 502 }, { method: 'PUT' });
    await stack.shipstation.createLabel(SS_ACCOUNT.apiKey, key(id), { trackingNumber: 'OUTAGE-1' });
    const status = await eventually(async () => {
      const s = await stack.client.workflow.getHandle(shipmentWorkflowId(STORE, id)).query(shipmentStatusQuery);
      return ecwidPuts(id).length >= 3 ? s : undefined;
    }, 30_000);
    expect(status.state).toBe('updating'); // still trying: a temporary failure never parks
    stack.ecwid.faults.clear();
    await eventually(() => stack.ecwid.getOrder(STORE, id)?.trackingNumber === 'OUTAGE-1', 40_000);
  });

  test('a lost webhook is caught by reconciliation on the next sync', async () => {
    const id = await importedOrder();
    await stack.shipstation.createLabel(SS_ACCOUNT.apiKey, key(id), { trackingNumber: 'LOST-1', notify: false });
    expect(stack.ecwid.getOrder(STORE, id)?.fulfillmentStatus).not.toBe('SHIPPED');
    expect((await stack.api(`/connections/${STORE}/sync`, { method: 'POST' })).status).toBe(202);
    // The account's reconciliation runs at once, or a minute after its previous pass ended if that is later
    // (ASKED_RECONCILE_GAP_MS: many stores' "sync now" share one pass).
    await eventually(() => stack.ecwid.getOrder(STORE, id)?.trackingNumber === 'LOST-1', ASKED_RECONCILE_GAP_MS + 20_000, 500);
  });

  test('a voided label does not mark the order shipped; its replacement does', async () => {
    const id = await importedOrder();
    const first = await stack.shipstation.createLabel(SS_ACCOUNT.apiKey, key(id), { trackingNumber: 'VOID-1', notify: false });
    stack.shipstation.voidLabel(SS_ACCOUNT.apiKey, first.shipmentId);
    // A late notice for the voided label alone changes nothing.
    const target = stack.shipstation.webhooks(SS_ACCOUNT.apiKey)[0].targetUrl;
    await fetch(target, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ resource_url: `${stack.shipstation.url}/shipments?orderNumber=${id}&includeShipmentItems=False`, resource_type: 'SHIP_NOTIFY' }),
    });
    const s = await eventually(async () => {
      const st = await stack.client.workflow.getHandle(shipmentWorkflowId(STORE, id)).query(shipmentStatusQuery).catch(() => undefined);
      return st && st.attempts > 0 && st.state !== 'updating' ? st : undefined;
    }, 15_000);
    expect(s.state).toBe('waiting');
    expect(stack.ecwid.getOrder(STORE, id)?.fulfillmentStatus).not.toBe('SHIPPED');
    await stack.shipstation.createLabel(SS_ACCOUNT.apiKey, key(id), { trackingNumber: 'REPLACE-2' });
    const o = await eventually(() => {
      const x = stack.ecwid.getOrder(STORE, id);
      return x?.trackingNumber === 'REPLACE-2' ? x : undefined;
    }, 15_000);
    expect(o.fulfillmentStatus).toBe('SHIPPED');
  });

  test('several packages on one order: the newest tracking number, and all of them listed', async () => {
    const id = await importedOrder();
    await stack.shipstation.createLabel(SS_ACCOUNT.apiKey, key(id), { trackingNumber: 'PKG-A', notify: false, batchId: 777001 });
    await new Promise((r) => setTimeout(r, 20));
    await stack.shipstation.createLabel(SS_ACCOUNT.apiKey, key(id), { trackingNumber: 'PKG-B', batchId: 777001 });
    const o = await eventually(() => {
      const x = stack.ecwid.getOrder(STORE, id);
      return x?.trackingNumber === 'PKG-B' ? x : undefined;
    }, 15_000);
    const list = o.orderExtraFields?.find((f) => f.id === 'shipstation_tracking_numbers')?.value ?? '';
    expect(list).toContain('PKG-A');
    expect(list).toContain('PKG-B');
  });

  test('a revoked token parks the write-back visibly; reconnecting resumes it', async () => {
    const id = await importedOrder();
    stack.ecwid.revokeToken(STORE);
    await stack.shipstation.createLabel(SS_ACCOUNT.apiKey, key(id), { trackingNumber: 'PARK-1' });
    const parked = await eventually(async () => {
      const st: ShipmentStatus | undefined = await stack.client.workflow.getHandle(shipmentWorkflowId(STORE, id)).query(shipmentStatusQuery).catch(() => undefined);
      return st?.state === 'parked' ? st : undefined;
    }, 20_000);
    expect(parked.parkedReason).toMatch(/token/i);
    const listed = [];
    for await (const wf of stack.client.workflow.list({ query: `EcwidStoreId="${STORE}" AND ShipmentState="parked"` })) listed.push(wf.workflowId);
    expect(listed).toContain(shipmentWorkflowId(STORE, id));

    const newToken = 'secret_store_5001_token_v2';
    stack.ecwid.addStore({ storeId: STORE, token: newToken, plan: 'BUSINESS', weightUnit: 'POUND' });
    const res = await stack.api('/connections', { method: 'POST', body: JSON.stringify({ ecwidStoreId: STORE, ecwidAccessToken: newToken }) });
    expect(res.status).toBe(200);
    await eventually(() => stack.ecwid.getOrder(STORE, id)?.trackingNumber === 'PARK-1', 20_000);
  });
});
