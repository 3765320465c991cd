import { createHash } from 'node:crypto';
import { MockActivityEnvironment } from '@temporalio/testing';
import { DefaultLogger } from '@temporalio/worker';
import pino from 'pino';
import { routeShipNotice } from '../../src/activities/account';
import { shipstationAccountId, withHeartbeats, type ActivityDeps } from '../../src/activities/deps';
import type { EcwidOrder } from '../../src/domain/ecwid';
import { canonicalShipNoticeUrl } from '../../src/domain/shipment-notice';
import { basicAuth } from '../../src/simulators/shipstation';
import { killWorkerProcess, spawnWorkerProcess } from '../../src/stack/worker-process';
import { EncryptionCodec, keysFromEnv } from '../../src/temporal/encryption-codec';
import { TEST_ENCRYPTION_KEY } from '../helpers/temporal';
import { importableOrder } from '../helpers/orders';
import { SS_ACCOUNT, WEBHOOK_KEY, eventually, stackWithConnectedStore, type TestStack } from '../helpers/stack';

const STORE = 5301;
const TOKEN = 'secret_store_5301_token';
const ACCOUNT_ID = shipstationAccountId(SS_ACCOUNT.apiKey);
const OTHER_STORE = 5302;
const OTHER_TOKEN = 'secret_store_5302_token';

const order = (): EcwidOrder =>
  importableOrder({
    total: 30,
    createTimestamp: Math.floor(Date.now() / 1000) - 600,
    items: [{ id: 1, productId: 21, sku: 'TEE', name: 'T-shirt', quantity: 1, price: 30, weight: 0.2, isShippingRequired: true }],
  });

/**
 * Issue #23: the sender of a SHIP_NOTIFY no longer chooses the connector's work. The resource URL's paging is
 * ignored (pages of 500, capped), and paging resumes where it stopped after a retry.
 */
describe('SHIP_NOTIFY paging: bounded and resumable', () => {
  let stack: TestStack;
  const key = (id: string) => `ecwid-${STORE}-${id}`;
  /** The GET /shipments requests of one label batch that arrived at the simulator after `since`. */
  const batchReads = (batchId: number, since: number) =>
    stack.shipstation.requests.entries.slice(since).filter((e) => e.method === 'GET' && e.path === '/shipments' && e.query.batchId === String(batchId));

  beforeAll(async () => {
    stack = await stackWithConnectedStore(STORE, TOKEN);
    await eventually(() => stack.shipstation.webhooks(SS_ACCOUNT.apiKey).length > 0, 30_000);
  });
  afterAll(async () => {
    await stack?.stop();
  });

  test('a notice asking for pageSize=1 over 122 shipments costs at most ⌈122/500⌉ + 1 ShipStation calls; another store’s order goes on meanwhile', async () => {
    // 122 labels of orders entered by hand in ShipStation (not the connector's: ignored), all in one batch.
    const BATCH = 880001;
    const keys = Array.from({ length: 122 }, (_, i) => `manual-${BATCH}-${i}`);
    for (let i = 0; i < keys.length; i += 100) {
      const res = await fetch(`${stack.shipstation.url}/orders/createorders`, {
        method: 'POST',
        headers: { Authorization: basicAuth(SS_ACCOUNT.apiKey, SS_ACCOUNT.apiSecret), 'Content-Type': 'application/json' },
        body: JSON.stringify(
          keys.slice(i, i + 100).map((orderKey, n) => ({
            orderNumber: `M${i + n}`,
            orderKey,
            orderDate: '2026-04-01T10:00:00.0000000',
            orderStatus: 'awaiting_shipment',
            billTo: { name: 'B' },
            shipTo: { name: 'Sam Ship', street1: '1 Main', city: 'Calgary', state: 'AB', postalCode: 'T2C 5X1', country: 'CA' },
            items: [{ lineItemKey: 'L1', sku: 'S1', name: 'Widget', quantity: 1, unitPrice: 2 }],
          })),
        ),
      });
      expect(res.status).toBe(200);
    }
    for (const k of keys) await stack.shipstation.createLabel(SS_ACCOUNT.apiKey, k, { batchId: BATCH, notify: false });

    // Another store on the same ShipStation account, whose new order must not wait behind the notice.
    stack.ecwid.addStore({ storeId: OTHER_STORE, token: OTHER_TOKEN, plan: 'BUSINESS' });
    const connected = await stack.api('/connections', { method: 'POST', body: JSON.stringify({ ecwidStoreId: OTHER_STORE, ecwidAccessToken: OTHER_TOKEN }) });
    expect(connected.status).toBe(201);
    await eventually(async () => ((await (await stack.api(`/connections/${OTHER_STORE}`)).json()) as { lastSyncAt?: string }).lastSyncAt);

    const before = stack.shipstation.requests.entries.length;
    const resourceUrl = `${stack.shipstation.url}/shipments?batchId=${BATCH}&pageSize=1&includeShipmentItems=False`;
    const target = stack.shipstation.webhooks(SS_ACCOUNT.apiKey)[0].targetUrl;
    const res = await fetch(target, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ resource_url: resourceUrl, resource_type: 'SHIP_NOTIFY' }) });
    expect(res.status).toBe(200);
    const placed = Date.now();
    const other = stack.ecwid.upsertOrder(OTHER_STORE, order());
    expect((await stack.ecwid.sendWebhook(OTHER_STORE, 'order.created', { orderId: other.id })).status).toBe(200);
    // The workflow is keyed by the canonical URL (no pageSize): the same notice with other paging is one notice.
    const hash = createHash('sha256').update(canonicalShipNoticeUrl(resourceUrl)!).digest('hex').slice(0, 24);
    const result = (await stack.client.workflow.getHandle(`ship-notify:${ACCOUNT_ID}:${hash}`).result()) as { ignored?: number };
    expect(result.ignored).toBe(122);

    const reads = batchReads(BATCH, before);
    expect(reads.length).toBeGreaterThanOrEqual(1);
    expect(reads.length).toBeLessThanOrEqual(Math.ceil(122 / 500) + 1);
    expect(reads.every((r) => r.query.pageSize === '500')).toBe(true);
    await eventually(() => stack.shipstation.ordersByKey(SS_ACCOUNT.apiKey).get(`ecwid-${OTHER_STORE}-${other.id}`), 10_000, 100);
    expect(Date.now() - placed).toBeLessThan(10_000);

    // Asking again with other paging is the same notice: nothing more is read.
    const again = await fetch(target, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ resource_url: `${stack.shipstation.url}/shipments?pageSize=2&batchId=${BATCH}`, resource_type: 'SHIP_NOTIFY' }),
    });
    expect(await again.json()).toMatchObject({ ok: true });
    await new Promise((r) => setTimeout(r, 1000));
    expect(batchReads(BATCH, before)).toHaveLength(reads.length);
  }, 60_000);

  /** `count` new Ecwid orders imported by the connector, each with `labels` labels in one batch (no SHIP_NOTIFY yet). */
  async function labelledOrders(count: number, labels: number, batchId: number): Promise<EcwidOrder[]> {
    const orders = Array.from({ length: count }, () => stack.ecwid.upsertOrder(STORE, order()));
    expect((await stack.api(`/connections/${STORE}/sync`, { method: 'POST' })).status).toBe(202);
    await eventually(() => orders.every((o) => stack.shipstation.ordersByKey(SS_ACCOUNT.apiKey).has(key(o.id!))), 120_000, 1000);
    for (const o of orders) {
      for (let i = 0; i < labels; i++) await stack.shipstation.createLabel(SS_ACCOUNT.apiKey, key(o.id!), { batchId, notify: false, trackingNumber: `B${o.id}-${i}` });
    }
    return orders;
  }

  test('a 5,000-label batch is written back in full, and its paging resumes after a retry instead of starting over', async () => {
    // 100 orders imported by the connector, 50 labels each: 5,000 labels, 10 pages.
    const BATCH = 880002;
    const orders = await labelledOrders(100, 50, BATCH);

    const deps: ActivityDeps = {
      ecwidApiUrl: stack.ecwid.url,
      shipstationApiUrl: stack.shipstation.url,
      defaultShipStation: SS_ACCOUNT,
      temporal: stack.client,
      taskQueue: stack.taskQueue,
      logger: pino({ level: 'silent' }),
    };
    const activities = withHeartbeats({ routeShipNotice: (input: { accountId: string; resourceUrl: string }) => routeShipNotice(deps, input) }, 200);
    const input = { accountId: ACCOUNT_ID, resourceUrl: `${stack.shipstation.url}/shipments?batchId=${BATCH}&includeShipmentItems=False` };
    const quiet = { logger: new DefaultLogger('ERROR') };

    // First attempt: lost after its third page (cancelled here, as a worker's death or a timeout would end it).
    const first = new MockActivityEnvironment(undefined, quiet);
    let last: unknown;
    first.on('heartbeat', (d: unknown) => {
      last = d;
      if ((d as { resume?: { nextPage?: number } } | undefined)?.resume?.nextPage === 4) first.cancel();
    });
    const before = stack.shipstation.requests.entries.length;
    await expect(first.run(activities.routeShipNotice, input)).rejects.toThrow();
    const firstPages = batchReads(BATCH, before).map((r) => Number(r.query.page));
    expect(firstPages.slice(0, 3)).toEqual([1, 2, 3]);
    expect(last).toMatchObject({ resume: { nextPage: 4, shipments: 1500 } });

    // The retry gets the last heartbeat's details, as Temporal hands them to the next attempt.
    const retry = new MockActivityEnvironment({ heartbeatDetails: last }, quiet);
    const mid = stack.shipstation.requests.entries.length;
    const result = await retry.run(activities.routeShipNotice, input);
    expect(batchReads(BATCH, mid).map((r) => Number(r.query.page))).toEqual([4, 5, 6, 7, 8, 9, 10]);
    expect(result).toMatchObject({ shipments: 5000, routed: 5000, ignored: 0 });

    // Written back in full: every order shipped, with the newest of its 50 tracking numbers.
    await eventually(() => orders.every((o) => stack.ecwid.getOrder(STORE, o.id!)?.trackingNumber === `B${o.id}-49`), 180_000, 1000);
  }, 400_000);

  test('a worker SIGKILLed in the middle of a 5,000-label batch: the next attempt resumes from the page Temporal recorded', async () => {
    const BATCH = 880003;
    const orders = await labelledOrders(50, 100, BATCH);
    // The notice is read by `npm run worker` in its own process, which is then killed (no goodbye to Temporal).
    await stack.stopWorker();
    const worker = spawnWorkerProcess({
      TEMPORAL_ADDRESS: stack.env.address,
      TEMPORAL_TASK_QUEUE: stack.taskQueue,
      ENCRYPTION_KEY: TEST_ENCRYPTION_KEY,
      ECWID_API_URL: stack.ecwid.url,
      SHIPSTATION_API_URL: stack.shipstation.url,
      SHIPSTATION_API_KEY: SS_ACCOUNT.apiKey,
      SHIPSTATION_API_SECRET: SS_ACCOUNT.apiSecret,
      SHIPSTATION_WEBHOOK_KEY: WEBHOOK_KEY,
      PUBLIC_URL: stack.apiUrl,
    });
    try {
      // Slow pages (8 s each): the paging outlasts the SDK's heartbeat throttling (48 s for a 60 s timeout), so
      // Temporal holds a recorded page when the worker dies.
      stack.shipstation.faults.inject({ kind: 'slow', delayMs: 8_000 }, { method: 'GET', pathPrefix: '/shipments' });
      const before = stack.shipstation.requests.entries.length;
      const resourceUrl = `${stack.shipstation.url}/shipments?batchId=${BATCH}&includeShipmentItems=False`;
      const target = stack.shipstation.webhooks(SS_ACCOUNT.apiKey)[0].targetUrl;
      const posted = await fetch(target, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ resource_url: resourceUrl, resource_type: 'SHIP_NOTIFY' }) });
      expect(posted.status).toBe(200);
      const hash = createHash('sha256').update(canonicalShipNoticeUrl(resourceUrl)!).digest('hex').slice(0, 24);
      const handle = stack.client.workflow.getHandle(`ship-notify:${ACCOUNT_ID}:${hash}`);
      const codec = new EncryptionCodec(keysFromEnv(TEST_ENCRYPTION_KEY));

      // What Temporal has recorded of the activity's progress (the details a retry gets).
      const recorded = await eventually(
        async () => {
          const payloads = (await handle.describe()).raw.pendingActivities?.[0]?.heartbeatDetails?.payloads ?? [];
          if (payloads.length === 0) return undefined;
          const [p] = await codec.decode(payloads as Parameters<typeof codec.decode>[0]);
          const details = JSON.parse(Buffer.from(p.data!).toString()) as { resume?: { nextPage: number } };
          return (details.resume?.nextPage ?? 0) >= 2 ? details.resume! : undefined;
        },
        90_000,
        1000,
      );
      await killWorkerProcess(worker, 'SIGKILL');
      stack.shipstation.faults.clear();
      const killedAt = stack.shipstation.requests.entries.length;
      const beforeKill = batchReads(BATCH, before).map((r) => Number(r.query.page));
      expect(beforeKill[0]).toBe(1);
      expect(beforeKill).not.toContain(10);

      // Another worker takes the activity over once its heartbeat times out.
      await stack.startWorker();
      const result = (await handle.result()) as { routed?: number };
      expect(result.routed).toBe(5000);
      const afterKill = batchReads(BATCH, killedAt).map((r) => Number(r.query.page));
      expect(afterKill[0]).toBe(recorded.nextPage);
      expect(afterKill).not.toContain(1);
      expect(afterKill.at(-1)).toBe(10);
      await eventually(() => orders.every((o) => stack.ecwid.getOrder(STORE, o.id!)?.trackingNumber === `B${o.id}-99`), 180_000, 1000);
    } finally {
      stack.shipstation.faults.clear();
      await killWorkerProcess(worker, 'SIGKILL');
    }
  }, 480_000);
});
