import { MockActivityEnvironment } from '@temporalio/testing';
import { DefaultLogger } from '@temporalio/worker';
import pino from 'pino';
import { shipstationAccountId, withHeartbeats, type ActivityDeps } from '../../src/activities/deps';
import { routeFulfillmentNotice } from '../../src/activities/fulfillments';
import type { EcwidOrder } from '../../src/domain/ecwid';
import { shipmentWorkflowId } from '../../src/domain/ids';
import { shipmentStatusQuery } from '../../src/workflows/definitions';
import { ASKED_RECONCILE_GAP_MS } from '../../src/workflows/shipstation-account';
import { importableOrder } from '../helpers/orders';
import { SS_ACCOUNT, eventually, stackWithConnectedStore, type TestStack } from '../helpers/stack';

const STORE = 5401;
const TOKEN = 'secret_store_5401_token';
let lineId = 5400_000;

const order = (): EcwidOrder =>
  importableOrder({
    total: 70,
    createTimestamp: Math.floor(Date.now() / 1000) - 600,
    items: [
      { id: ++lineId, productId: 21, sku: 'MUG', name: 'Mug', quantity: 2, price: 20, weight: 0.4, isShippingRequired: true },
      { id: ++lineId, productId: 22, sku: 'TEE', name: 'T-shirt', quantity: 1, price: 30, weight: 0.2, isShippingRequired: true },
    ],
  });

describe('"Mark as Shipped" (FULFILLMENT_SHIPPED) reaches Ecwid like a label, once per parcel (simulators end to end)', () => {
  let stack: TestStack;
  const key = (id: string) => `ecwid-${STORE}-${id}`;
  const ecwidPuts = (id: string) => stack.ecwid.requests.filter('PUT', new RegExp(`/orders/${id}$`));
  const fields = (o: EcwidOrder | undefined) => Object.fromEntries((o?.orderExtraFields ?? []).map((f) => [f.id, f.value]));
  const shippedWith = (id: string, tracking: string) =>
    eventually(() => {
      const o = stack.ecwid.getOrder(STORE, id);
      return o?.fulfillmentStatus === 'SHIPPED' && o.trackingNumber === tracking ? o : undefined;
    }, 15_000, 25);

  async function importedOrder(): Promise<EcwidOrder> {
    const o = stack.ecwid.upsertOrder(STORE, order());
    await stack.ecwid.sendWebhook(STORE, 'order.created', { orderId: o.id });
    await eventually(() => stack.shipstation.ordersByKey(SS_ACCOUNT.apiKey).get(key(o.id!)), 15_000);
    return o;
  }

  /** Waits until the order's write-back has nothing left to do, then a little more (a second write would show). */
  async function settled(id: string): Promise<void> {
    await eventually(async () => {
      const s = await stack.client.workflow.getHandle(shipmentWorkflowId(STORE, id)).query(shipmentStatusQuery).catch(() => undefined);
      return s && s.state !== 'updating' ? s : undefined;
    }, 15_000);
    await new Promise((r) => setTimeout(r, 2000));
  }

  beforeAll(async () => {
    stack = await stackWithConnectedStore(STORE, TOKEN);
  });
  afterAll(async () => {
    await stack?.stop();
  });

  test('the account subscribes FULFILLMENT_SHIPPED next to SHIP_NOTIFY, to the same signed URL, once', async () => {
    const hooks = await eventually(() => {
      const h = stack.shipstation.webhooks(SS_ACCOUNT.apiKey);
      return h.length >= 2 ? h : undefined;
    });
    expect(hooks.map((h) => h.event).sort()).toEqual(['FULFILLMENT_SHIPPED', 'SHIP_NOTIFY']);
    expect(new Set(hooks.map((h) => h.targetUrl)).size).toBe(1);
    await stack.api('/connections', { method: 'POST', body: JSON.stringify({ ecwidStoreId: STORE, ecwidAccessToken: TOKEN }) });
    await new Promise((r) => setTimeout(r, 1500));
    expect(stack.shipstation.webhooks(SS_ACCOUNT.apiKey)).toHaveLength(2);
  });

  test('"Mark as Shipped" with tracking number X makes the Ecwid order SHIPPED with tracking X within seconds', async () => {
    const o = await importedOrder();
    const before = stack.shipstation.requests.entries.length;
    const started = Date.now();
    // Resolves once ShipStation has POSTed FULFILLMENT_SHIPPED to the connector.
    await stack.shipstation.markAsShipped(SS_ACCOUNT.apiKey, key(o.id!), { carrierCode: 'ups', trackingNumber: '1ZMARKED0000000001' });
    const delivery = stack.shipstation.webhookDeliveries.at(-1)!;
    expect(delivery.body.resource_type).toBe('FULFILLMENT_SHIPPED');
    const shipped = await shippedWith(o.id!, '1ZMARKED0000000001');
    const seconds = (Date.now() - started) / 1000;
    expect(seconds).toBeLessThan(10);
    expect(shipped.trackingUrl).toContain('1ZMARKED0000000001');
    expect(fields(shipped).shipstation_carrier).toMatch(/UPS/);
    await settled(o.id!);
    expect(ecwidPuts(o.id!)).toHaveLength(1);
    // What it cost in ShipStation: the notice's page and the fulfilled order (it names no orderKey nor items).
    // (Not counting the account's reconciliation, which lists by date, should one run meanwhile.)
    const calls = stack.shipstation.requests.entries
      .slice(before)
      .filter((r) => !('createDateStart' in r.query) && !('modifyDateStart' in r.query))
      .map((r) => `${r.method} ${r.path}`);
    expect(calls.filter((c) => c.startsWith('GET /fulfillments'))).toHaveLength(1);
    expect(calls.filter((c) => c.startsWith('GET /orders/'))).toHaveLength(1);
    // The same delivery again writes nothing more.
    const again = await fetch(delivery.targetUrl, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(delivery.body) });
    expect(again.status).toBe(200);
    await settled(o.id!);
    expect(ecwidPuts(o.id!)).toHaveLength(1);
  });

  test('a FULFILLMENT_SHIPPED outside ShipStation, or naming no fulfillment, is refused before any call', async () => {
    const target = stack.shipstation.webhooks(SS_ACCOUNT.apiKey)[0].targetUrl;
    const before = stack.shipstation.requests.entries.length;
    const post = (resourceUrl: string) =>
      fetch(target, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ resource_url: resourceUrl, resource_type: 'FULFILLMENT_SHIPPED' }) });
    for (const url of ['http://169.254.169.254/fulfillments?fulfillmentId=1', 'https://ssapi.shipstation.com.evil.example/fulfillments?fulfillmentId=1']) {
      expect((await post(url)).status).toBe(400);
    }
    for (const url of [`${stack.shipstation.url}/fulfillments`, `${stack.shipstation.url}/fulfillments?createDateStart=2020-01-01`, `${stack.shipstation.url}/shipments?batchId=1`]) {
      const r = await post(url);
      expect(r.status).toBe(400);
      expect(await r.json()).toMatchObject({ error: 'resource_url_not_allowed' });
    }
    const wrong = new URL(target);
    wrong.searchParams.set('sig', 'x'.repeat(32));
    expect((await fetch(wrong, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ resource_url: `${stack.shipstation.url}/fulfillments?fulfillmentId=1`, resource_type: 'FULFILLMENT_SHIPPED' }) })).status).toBe(401);
    await new Promise((r) => setTimeout(r, 500));
    // (The account's reconciliation may list by date meanwhile: not a read of these notices.)
    expect(stack.shipstation.requests.entries.slice(before).filter((r) => r.path === '/fulfillments' && !('createDateStart' in r.query))).toHaveLength(0);
  });

  test('the notice is read by its identifying filter in pages of 500, and a retry resumes at the page its heartbeat recorded', async () => {
    const deps: ActivityDeps = {
      ecwidApiUrl: stack.ecwid.url,
      shipstationApiUrl: stack.shipstation.url,
      defaultShipStation: SS_ACCOUNT,
      temporal: stack.client,
      taskQueue: stack.taskQueue,
      logger: pino({ level: 'silent' }),
    };
    const activities = withHeartbeats({ routeFulfillmentNotice: (input: { accountId: string; resourceUrl: string }) => routeFulfillmentNotice(deps, input) }, 200);
    // An odd URL: its page size and sorting are the connector's choice, not the sender's.
    const input = { accountId: shipstationAccountId(SS_ACCOUNT.apiKey), resourceUrl: `${stack.shipstation.url}/fulfillments?trackingNumber=1ZMARKED0000000001&pageSize=1&sortDir=DESC` };
    const reads = (from: number) => stack.shipstation.requests.entries.slice(from).filter((r) => r.method === 'GET' && r.path === '/fulfillments');
    const quiet = { logger: new DefaultLogger('ERROR') };
    let before = stack.shipstation.requests.entries.length;
    const once = await new MockActivityEnvironment(undefined, quiet).run(activities.routeFulfillmentNotice, input);
    expect(once).toMatchObject({ fulfillments: 1, orders: 1, routed: 1, ignored: 0 });
    expect(reads(before).map((r) => [r.query.page, r.query.pageSize, r.query.sortDir, r.query.trackingNumber])).toEqual([['1', '500', 'ASC', '1ZMARKED0000000001']]);
    // A retry after page 1 of a longer notice: it reads from page 2, and its counts go on from the heartbeat's.
    before = stack.shipstation.requests.entries.length;
    const resumed = await new MockActivityEnvironment({ heartbeatDetails: { resume: { nextPage: 2, fulfillments: 500, orders: 40, routed: 480, ignored: 20 } } }, quiet).run(
      activities.routeFulfillmentNotice,
      input,
    );
    expect(reads(before).map((r) => r.query.page)).toEqual(['2']);
    expect(resumed).toMatchObject({ fulfillments: 500, orders: 40, routed: 480, ignored: 20 });
  });

  test('a parcel reported by both webhooks (label first, then marked shipped with its tracking number) updates Ecwid once', async () => {
    const o = await importedOrder();
    const label = await stack.shipstation.createLabel(SS_ACCOUNT.apiKey, key(o.id!), { carrierCode: 'ups', serviceCode: 'ups_ground', trackingNumber: '1ZBOTH00000000001' });
    await shippedWith(o.id!, label.trackingNumber!);
    await settled(o.id!);
    expect(ecwidPuts(o.id!)).toHaveLength(1);
    // The same parcel reported as a fulfillment too (here: the packer re-opens the order and marks it shipped with
    // the label's tracking number, as a fulfillment provider reporting the parcel would).
    stack.shipstation.setOrderStatus(SS_ACCOUNT.apiKey, key(o.id!), 'awaiting_shipment');
    await stack.shipstation.markAsShipped(SS_ACCOUNT.apiKey, key(o.id!), { carrierCode: 'ups', trackingNumber: ' 1zboth00000000001' });
    expect(stack.shipstation.webhookDeliveries.at(-1)!.body.resource_type).toBe('FULFILLMENT_SHIPPED');
    const status = await eventually(async () => {
      const s = await stack.client.workflow.getHandle(shipmentWorkflowId(STORE, o.id!)).query(shipmentStatusQuery);
      return s.sameParcelRepeats === 1 ? s : undefined;
    }, 15_000);
    expect(status.state).toBe('delivered');
    await settled(o.id!);
    expect(ecwidPuts(o.id!)).toHaveLength(1);
    const after = stack.ecwid.getOrder(STORE, o.id!);
    expect(after?.trackingNumber).toBe(label.trackingNumber);
    expect(fields(after).shipstation_service).toMatch(/Ground/);
  });

  test('a parcel reported by both webhooks (marked shipped first, then a label with its tracking number) updates Ecwid once', async () => {
    const o = await importedOrder();
    await stack.shipstation.markAsShipped(SS_ACCOUNT.apiKey, key(o.id!), { carrierCode: 'fedex', trackingNumber: 'FDX-BOTH-2' });
    await shippedWith(o.id!, 'FDX-BOTH-2');
    await settled(o.id!);
    expect(ecwidPuts(o.id!)).toHaveLength(1);
    stack.shipstation.setOrderStatus(SS_ACCOUNT.apiKey, key(o.id!), 'awaiting_shipment');
    await stack.shipstation.createLabel(SS_ACCOUNT.apiKey, key(o.id!), { carrierCode: 'fedex', trackingNumber: 'FDX-BOTH-2' });
    expect(stack.shipstation.webhookDeliveries.at(-1)!.body.resource_type).toBe('SHIP_NOTIFY');
    await eventually(async () => {
      const s = await stack.client.workflow.getHandle(shipmentWorkflowId(STORE, o.id!)).query(shipmentStatusQuery);
      return s.sameParcelRepeats === 1 ? s : undefined;
    }, 15_000);
    await settled(o.id!);
    expect(ecwidPuts(o.id!)).toHaveLength(1);
  });

  test('a split order: one part marked as shipped is partial, the other part\'s label completes it', async () => {
    const o = await importedOrder();
    const [mug, tee] = o.items!;
    // The packer splits the order: the mugs leave with a label, the T-shirt stays open.
    await stack.shipstation.createLabel(SS_ACCOUNT.apiKey, key(o.id!), { trackingNumber: 'PART-LABEL', items: [{ lineItemKey: String(mug.id), quantity: 2 }] });
    await eventually(() => (stack.ecwid.getOrder(STORE, o.id!)?.trackingNumber === 'PART-LABEL' ? true : undefined), 15_000);
    expect(stack.ecwid.getOrder(STORE, o.id!)?.fulfillmentStatus).toBe('PROCESSING');
    // The T-shirt part is marked as shipped through the API (it went with another carrier).
    const open = stack.shipstation.ordersByKey(SS_ACCOUNT.apiKey).get(key(o.id!))!;
    expect(open.items.map((i) => i.lineItemKey)).toEqual([String(tee.id)]);
    const res = await fetch(`${stack.shipstation.url}/orders/markasshipped`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: `Basic ${Buffer.from(`${SS_ACCOUNT.apiKey}:${SS_ACCOUNT.apiSecret}`).toString('base64')}` },
      body: JSON.stringify({ orderId: open.orderId, carrierCode: 'usps', trackingNumber: 'PART-MARKED' }),
    });
    expect(res.status).toBe(200);
    const shipped = await shippedWith(o.id!, 'PART-MARKED');
    expect(fields(shipped).shipstation_tracking_numbers).toBe('PART-LABEL, PART-MARKED');
    const s = await stack.client.workflow.getHandle(shipmentWorkflowId(STORE, o.id!)).query(shipmentStatusQuery);
    expect(s.shippedItems?.complete).toBe(true);
  });

  // Last in this file: it removes the FULFILLMENT_SHIPPED subscription.
  test('a FULFILLMENT_SHIPPED that never arrives is caught up by the account\'s reconciliation ("sync now")', async () => {
    const o = await importedOrder();
    const hook = stack.shipstation.webhooks(SS_ACCOUNT.apiKey).find((h) => h.event === 'FULFILLMENT_SHIPPED')!;
    const auth = `Basic ${Buffer.from(`${SS_ACCOUNT.apiKey}:${SS_ACCOUNT.apiSecret}`).toString('base64')}`;
    expect((await fetch(`${stack.shipstation.url}/webhooks/${hook.id}`, { method: 'DELETE', headers: { Authorization: auth } })).status).toBe(200);
    const delivered = stack.shipstation.webhookDeliveries.length;
    await stack.shipstation.markAsShipped(SS_ACCOUNT.apiKey, key(o.id!), { carrierCode: 'usps', trackingNumber: 'LOST-MARKED-1' });
    expect(stack.shipstation.webhookDeliveries).toHaveLength(delivered);
    await new Promise((r) => setTimeout(r, 1500));
    expect(stack.ecwid.getOrder(STORE, o.id!)?.fulfillmentStatus).not.toBe('SHIPPED');
    expect((await stack.api(`/connections/${STORE}/sync`, { method: 'POST' })).status).toBe(202);
    // The account's reconciliation runs at once, or a minute after its previous pass ended.
    const shipped = await eventually(() => {
      const x = stack.ecwid.getOrder(STORE, o.id!);
      return x?.fulfillmentStatus === 'SHIPPED' && x.trackingNumber === 'LOST-MARKED-1' ? x : undefined;
    }, ASKED_RECONCILE_GAP_MS + 20_000, 500);
    expect(fields(shipped).shipstation_carrier).toMatch(/USPS/);
    await settled(o.id!);
    expect(ecwidPuts(o.id!)).toHaveLength(1);
  });
});
