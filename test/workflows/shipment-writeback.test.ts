import { ApplicationFailure } from '@temporalio/common';
import { WorkflowFailedError, type WorkflowHandle } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import type { PreparedFulfillment } from '../../src/activities/shipments';
import type { EcwidOrderUpdate } from '../../src/domain/ecwid';
import { shipmentWorkflowId } from '../../src/domain/ids';
import { SHIPMENT_STATE } from '../../src/temporal/search-attributes';
import {
  retryShipmentSignal,
  shipNoticeSignal,
  shipmentStatusQuery,
  type ShipNotice,
  type ShipmentState,
  type ShipmentStatus,
  type ShipmentWorkflowInput,
} from '../../src/workflows/definitions';
import type { shipmentWriteBack } from '../../src/workflows/shipment';
import { eventually } from '../helpers/stack';
import { startTimeSkipping, workflowBundle } from '../helpers/temporal';
import { withWorkflowWorker, type Activities } from './harness';

const STORE = 7001;
const DAY_MS = 86_400_000;
const EventType = temporal.api.enums.v1.EventType;

let env: TestWorkflowEnvironment;
let orderSeq = 0;

beforeAll(async () => {
  env = await startTimeSkipping();
});
afterAll(async () => {
  await env?.teardown();
});
/** Workflows a test started: terminated after it, pass or fail, so that none holds time skipping up. */
const started: string[] = [];
afterEach(async () => {
  for (const id of started.splice(0)) await env.client.workflow.getHandle(id).terminate('test over').catch(() => undefined);
});

/** What prepareFulfillment would compute once ShipStation lists these labels (the newest gives the tracking). */
function prepared(listed: number[]): PreparedFulfillment {
  const update: EcwidOrderUpdate = { fulfillmentStatus: 'SHIPPED', trackingNumber: `TRK-${listed.at(-1)}` };
  return { appliedShipmentIds: listed, update };
}

/** Mocked activities: ShipStation lists `listed()` labels; every Ecwid write is recorded (or fails by `writeFails`). */
function fakeActivities(opts: { listed: () => number[]; prepareFails?: () => Error | undefined; writeFails?: () => Error | undefined }) {
  const writes: EcwidOrderUpdate[] = [];
  let prepares = 0;
  const activities: Partial<Activities> = {
    prepareFulfillment: async () => {
      prepares += 1;
      const failure = opts.prepareFails?.();
      if (failure) throw failure;
      return prepared(opts.listed());
    },
    writeFulfillmentToEcwid: async (input) => {
      const failure = opts.writeFails?.();
      if (failure) throw failure;
      writes.push(input.update);
      return undefined;
    },
  };
  return { activities, writes, prepares: () => prepares };
}

function newOrderId(): string {
  orderSeq += 1;
  return `ORD${process.pid}X${orderSeq}`;
}

/** A label notice for the order, as shipNotify delivers it (signal-with-start). */
async function notify(taskQueue: string, orderId: string, notice: ShipNotice, extra: Partial<ShipmentWorkflowInput> = {}) {
  started.push(shipmentWorkflowId(STORE, orderId));
  return env.client.workflow.signalWithStart<typeof shipmentWriteBack, [ShipNotice]>('shipmentWriteBack', {
    workflowId: shipmentWorkflowId(STORE, orderId),
    taskQueue,
    args: [{ storeId: STORE, orderId, ...extra }],
    signal: shipNoticeSignal,
    signalArgs: [notice],
  });
}

async function inState(handle: WorkflowHandle, state: ShipmentState, check: (s: ShipmentStatus) => boolean = () => true): Promise<ShipmentStatus> {
  return eventually(async () => {
    const s = await handle.query(shipmentStatusQuery);
    return s.state === state && check(s) ? s : undefined;
  }, 20_000, 50);
}

async function failureOf(handle: WorkflowHandle): Promise<ApplicationFailure> {
  const err = await handle.result().then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(WorkflowFailedError);
  const cause = (err as WorkflowFailedError).cause;
  expect(cause).toBeInstanceOf(ApplicationFailure);
  return cause as ApplicationFailure;
}

describe('shipment write-back workflow (time-skipping, mocked activities)', () => {
  test('a shipment the notice names but ShipStation does not list is not marked applied, is re-checked, then given up', async () => {
    const fake = fakeActivities({ listed: () => [101] });
    await withWorkflowWorker(env, fake.activities, async (taskQueue) => {
      const handle = await notify(taskQueue, newOrderId(), { source: 'https://ssapi.example/shipments?batch=1', shipmentIds: [101, 102] });
      const first = await inState(handle, 'delivered');
      expect(first.appliedShipmentIds).toEqual([101]);
      expect(first.unlistedShipmentIds).toEqual([102]);
      expect(fake.prepares()).toBe(1);

      await env.sleep('90 seconds');
      const once = await inState(handle, 'delivered', (s) => s.attempts === 2);
      expect(once.unlistedShipmentIds).toEqual([102]);

      await env.sleep('10 minutes');
      const done = await inState(handle, 'delivered', (s) => s.givenUpShipmentIds !== undefined);
      expect(done.appliedShipmentIds).toEqual([101]);
      expect(done.unlistedShipmentIds).toBeUndefined();
      expect(done.givenUpShipmentIds).toEqual([102]);
      // The first look, then 5 re-checks a minute apart; nothing new was listed, so Ecwid was written once.
      expect(fake.prepares()).toBe(6);
      expect(fake.writes).toHaveLength(1);

      // Given up means no more looking: the workflow idles until it closes.
      await env.sleep('1 day');
      expect(fake.prepares()).toBe(6);
      await handle.terminate('test done');
    });
  });

  test('a shipment ShipStation lists a minute after its notice is written to Ecwid then', async () => {
    let listed = [201];
    const fake = fakeActivities({ listed: () => listed });
    await withWorkflowWorker(env, fake.activities, async (taskQueue) => {
      const handle = await notify(taskQueue, newOrderId(), { source: 'https://ssapi.example/shipments?batch=2', shipmentIds: [201, 202] });
      await inState(handle, 'delivered');
      listed = [201, 202];
      await env.sleep('61 seconds');
      const s = await inState(handle, 'delivered', (st) => st.appliedShipmentIds.length === 2);
      expect(s.appliedShipmentIds.sort()).toEqual([201, 202]);
      expect(s.unlistedShipmentIds).toBeUndefined();
      expect(s.lastTrackingNumber).toBe('TRK-202');
      expect(fake.writes.map((w) => w.trackingNumber)).toEqual(['TRK-201', 'TRK-202']);
      await handle.terminate('test done');
    });
  });

  test('a parked write-back expires after 14 days without a retry: ShipmentState "expired", workflow failed', async () => {
    const fake = fakeActivities({
      listed: () => [301],
      writeFails: () => ApplicationFailure.nonRetryable('Ecwid order no longer exists (404)', 'EcwidOrderNotFound'),
    });
    await withWorkflowWorker(env, fake.activities, async (taskQueue) => {
      const orderId = newOrderId();
      const handle = await notify(taskQueue, orderId, { source: 'https://ssapi.example/shipments?batch=3', shipmentIds: [301] });
      const parked = await inState(handle, 'parked');
      expect(parked.parkedReason).toMatch(/no longer exists/);
      const parkedAt = await env.currentTimeMs();
      expect(Date.parse(parked.parkedUntil!) - parkedAt).toBeGreaterThan(13.9 * DAY_MS);

      const failure = await failureOf(handle);
      expect(await env.currentTimeMs() - parkedAt).toBeGreaterThanOrEqual(14 * DAY_MS - 60_000);
      expect(failure.type).toBe('ShipmentWriteBackExpired');
      expect(failure.message).toContain(`Ecwid order ${orderId} (store ${STORE})`);
      expect(failure.message).toContain('no longer exists');

      const described = await handle.describe();
      expect(described.status.name).toBe('FAILED');
      expect(described.typedSearchAttributes.get(SHIPMENT_STATE)).toBe('expired');
      // A closed workflow still answers the status query: it says why it closed.
      const last = await handle.query(shipmentStatusQuery);
      expect(last.state).toBe('expired');
      expect(last.expiredReason).toMatch(/parked 14 days without a retry; last failure: .*no longer exists/);
      expect(fake.writes).toHaveLength(0);
    });
  });

  test('a retry within the bound resumes a parked write-back, which then does not expire', async () => {
    let tokenRevoked = true;
    const fake = fakeActivities({
      listed: () => [401],
      writeFails: () => (tokenRevoked ? ApplicationFailure.nonRetryable('Ecwid refused the token', 'EcwidTokenInvalid') : undefined),
    });
    await withWorkflowWorker(env, fake.activities, async (taskQueue) => {
      const handle = await notify(taskQueue, newOrderId(), { source: 'https://ssapi.example/shipments?batch=4', shipmentIds: [401] }, { maxParkedSeconds: 3600 });
      await inState(handle, 'parked');
      await env.sleep('50 minutes');
      tokenRevoked = false;
      await handle.signal(retryShipmentSignal);
      const delivered = await inState(handle, 'delivered');
      expect(delivered.appliedShipmentIds).toEqual([401]);
      expect(delivered.parkedUntil).toBeUndefined();
      expect(fake.writes.map((w) => w.trackingNumber)).toEqual(['TRK-401']);

      await env.sleep('2 hours');
      expect((await handle.describe()).status.name).toBe('RUNNING');
      expect((await handle.query(shipmentStatusQuery)).state).toBe('delivered');
      await handle.terminate('test done');
    });
  });

  test('a store that is not connected parks the write-back without a bound: 60 days later a reconnect\'s retry still writes it', async () => {
    let connected = false;
    const fake = fakeActivities({
      listed: () => [501],
      prepareFails: () => (connected ? undefined : ApplicationFailure.nonRetryable(`Ecwid store ${STORE} is not connected`, 'StoreNotConnected')),
    });
    await withWorkflowWorker(env, fake.activities, async (taskQueue) => {
      const handle = await notify(taskQueue, newOrderId(), { source: 'reconcile', shipmentIds: [501] }, { maxParkedSeconds: 2 * 86_400 });
      const parked = await inState(handle, 'parked');
      expect(parked.parkedReason).toBe(`Ecwid store ${STORE} is not connected`);
      expect(parked.parkedUntilReconnect).toBe(true);
      expect(parked.parkedUntil).toBeUndefined();
      expect(parked.parkedSince).toBeDefined();
      await env.sleep('60 days');
      expect((await handle.describe()).status.name).toBe('RUNNING');
      expect((await handle.describe()).typedSearchAttributes.get(SHIPMENT_STATE)).toBe('parked');
      expect((await handle.query(shipmentStatusQuery)).state).toBe('parked');
      // The store is reconnected: the reconnect signals `retry` to its parked write-backs.
      connected = true;
      await handle.signal(retryShipmentSignal);
      const delivered = await inState(handle, 'delivered');
      expect(delivered.parkedSince).toBeUndefined();
      expect(delivered.parkedUntilReconnect).toBeUndefined();
      expect(fake.writes.map((w) => w.trackingNumber)).toEqual(['TRK-501']);
    });
  });

  test('refused ShipStation keys park the write-back until a key replacement, whatever its age', async () => {
    let refused = true;
    const fake = fakeActivities({
      listed: () => [601],
      prepareFails: () => (refused ? ApplicationFailure.nonRetryable('ShipStation refuses the key pair', 'ShipStationCredentialsRefused') : undefined),
    });
    await withWorkflowWorker(env, fake.activities, async (taskQueue) => {
      const handle = await notify(taskQueue, newOrderId(), { source: 'reconcile', shipmentIds: [601] });
      await inState(handle, 'parked', (st) => st.parkedUntilReconnect === true);
      await env.sleep('20 days');
      expect((await handle.describe()).status.name).toBe('RUNNING');
      refused = false;
      await handle.signal(retryShipmentSignal);
      await inState(handle, 'delivered');
      expect(fake.writes.map((w) => w.trackingNumber)).toEqual(['TRK-601']);
    });
  });

  test('a split order: partial after its first label (ShipmentState "partial", items per tracking number), delivered after its last', async () => {
    let listed = [701];
    const inputs: { shipments?: unknown[] }[] = [];
    const activities: Partial<Activities> = {
      prepareFulfillment: async () => ({
        ...prepared(listed),
        shipments: listed.map((id) => ({
          shipmentId: id,
          createDate: '2026-05-01T10:00:00',
          shipDate: '2026-05-01',
          trackingNumber: `TRK-${id}`,
          carrierCode: 'ups',
          serviceCode: 'ups_ground',
          shipmentCost: 5,
          insuranceCost: 0,
          voided: false,
          voidDate: null,
          isReturnLabel: false,
          items: [{ lineItemKey: String(id - 700), sku: null, quantity: 1 }],
        })),
      }),
      writeFulfillmentToEcwid: async (input) => {
        inputs.push(input);
        const complete = listed.length === 2;
        return {
          complete,
          fulfillmentStatus: complete ? 'SHIPPED' : 'CUSTOM_FULFILLMENT_STATUS_1',
          ordered: 2,
          shipped: listed.length,
          lines: [
            { key: '1', name: 'Mug', ordered: 1, shipped: 1, trackingNumbers: ['TRK-701'] },
            { key: '2', name: 'T-shirt', ordered: 1, shipped: complete ? 1 : 0, trackingNumbers: complete ? ['TRK-702'] : [] },
          ],
        };
      },
    };
    await withWorkflowWorker(env, activities, async (taskQueue) => {
      const handle = await notify(taskQueue, newOrderId(), { source: 'https://ssapi.example/shipments?batch=70', shipmentIds: [701] });
      const partial = await inState(handle, 'partial');
      expect(partial.shippedItems).toMatchObject({ complete: false, shipped: 1, ordered: 2, fulfillmentStatus: 'CUSTOM_FULFILLMENT_STATUS_1' });
      expect(partial.shippedItems?.lines[0].trackingNumbers).toEqual(['TRK-701']);
      expect((await handle.describe()).typedSearchAttributes.get(SHIPMENT_STATE)).toBe('partial');
      // The labels (with their items) went to the write: it compares them with the Ecwid order.
      expect(inputs[0].shipments).toHaveLength(1);

      listed = [701, 702];
      await handle.signal(shipNoticeSignal, { source: 'https://ssapi.example/shipments?batch=71', shipmentIds: [702] });
      const done = await inState(handle, 'delivered');
      expect(done.shippedItems).toMatchObject({ complete: true, shipped: 2 });
      expect(done.shippedItems?.lines[1].trackingNumbers).toEqual(['TRK-702']);
      expect((await handle.describe()).typedSearchAttributes.get(SHIPMENT_STATE)).toBe('delivered');
      await handle.terminate('test done');
    });
  });

  test('a notice that arrives just as the 30-day idle timer fires is written, not lost', async () => {
    let listed = [601];
    const fake = fakeActivities({ listed: () => listed });
    const orderId = newOrderId();
    const handle = env.client.workflow.getHandle(shipmentWorkflowId(STORE, orderId));
    const taskQueue = `wf-test-idle-exit-${process.pid}`;
    // Without a workflow cache, no sticky queue: the second worker gets the workflow task at once.
    const runWorker = async (fn: () => Promise<void>) => {
      const worker = await Worker.create({
        connection: env.nativeConnection,
        taskQueue,
        workflowBundle: await workflowBundle(),
        activities: fake.activities,
        maxCachedWorkflows: 0,
      });
      await worker.runUntil(fn());
    };
    await runWorker(async () => {
      await notify(taskQueue, orderId, { source: 'https://ssapi.example/shipments?batch=6', shipmentIds: [601] });
      await inState(handle, 'delivered');
    });
    // No worker now: the idle timer fires, and a second label's notice lands in the same workflow task.
    await env.sleep('30 days');
    listed = [601, 602];
    await handle.signal(shipNoticeSignal, { source: 'https://ssapi.example/shipments?batch=7', shipmentIds: [602] });
    const types = ((await handle.fetchHistory()).events ?? []).map((e) => EventType[e.eventType ?? 0]);
    expect(types.slice(-3)).toEqual(['EVENT_TYPE_TIMER_FIRED', 'EVENT_TYPE_WORKFLOW_TASK_SCHEDULED', 'EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED']);

    await runWorker(async () => {
      const s = await inState(handle, 'delivered', (st) => st.appliedShipmentIds.includes(602));
      expect(s.appliedShipmentIds.sort()).toEqual([601, 602]);
      expect(fake.writes.map((w) => w.trackingNumber)).toEqual(['TRK-601', 'TRK-602']);
      // Then a new idle period, and the workflow closes with nothing left over.
      await handle.result();
    });
    expect(fake.prepares()).toBe(2);
  });
});
