import type { WorkflowHandle } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { PreparedFulfillment } from '../../src/activities/shipments';
import type { EcwidOrderUpdate } from '../../src/domain/ecwid';
import { shipmentWorkflowId } from '../../src/domain/ids';
import type { CompactShipment } from '../../src/domain/shipment-notice';
import { shipNoticeSignal, shipmentStatusQuery, type ShipNotice, type ShipmentStatus } from '../../src/workflows/definitions';
import type { shipmentWriteBack } from '../../src/workflows/shipment';
import { eventually } from '../helpers/stack';
import { startTimeSkipping } from '../helpers/temporal';
import { withWorkflowWorker, type Activities } from './harness';

const STORE = 7101;

let env: TestWorkflowEnvironment;
let orderSeq = 0;

beforeAll(async () => {
  env = await startTimeSkipping();
});
afterAll(async () => {
  await env?.teardown();
});

function label(shipmentId: number, extra: Partial<CompactShipment> = {}): CompactShipment {
  return {
    shipmentId,
    createDate: `2026-03-0${shipmentId % 9}T10:00:00.0000000`,
    shipDate: '2026-03-01',
    trackingNumber: `TRK-${shipmentId}`,
    carrierCode: 'ups',
    serviceCode: 'ups_ground',
    shipmentCost: 5,
    insuranceCost: 0,
    voided: false,
    voidDate: null,
    isReturnLabel: false,
    items: [{ lineItemKey: '1', sku: 'TEE', quantity: 1 }],
    ...extra,
  };
}

/** A notice as the account routes it: the shipments themselves. */
const carrying = (...shipments: CompactShipment[]): ShipNotice => ({ source: 'https://ssapi.example/shipments?batchId=9', shipmentIds: shipments.map((s) => s.shipmentId), shipments });

/** Mocked activities: every Ecwid write and every ShipStation look-up (prepareFulfillment) is recorded. */
function fakeActivities(listed: () => number[] = () => []) {
  const writes: { update: EcwidOrderUpdate; keepNotesToBuyer?: boolean }[] = [];
  let prepares = 0;
  const activities: Partial<Activities> = {
    prepareFulfillment: async (): Promise<PreparedFulfillment> => {
      prepares += 1;
      const ids = listed();
      return { appliedShipmentIds: ids, update: { fulfillmentStatus: 'SHIPPED', trackingNumber: `LISTED-${ids.at(-1)}` }, shipments: ids.map((id) => label(id)) };
    },
    writeFulfillmentToEcwid: async (input) => {
      writes.push({ update: input.update, keepNotesToBuyer: input.keepNotesToBuyer });
      return undefined;
    },
  };
  return { activities, writes, prepares: () => prepares };
}

async function notify(taskQueue: string, orderId: string, notice: ShipNotice): Promise<WorkflowHandle> {
  return env.client.workflow.signalWithStart<typeof shipmentWriteBack, [ShipNotice]>('shipmentWriteBack', {
    workflowId: shipmentWorkflowId(STORE, orderId),
    taskQueue,
    args: [{ storeId: STORE, orderId }],
    signal: shipNoticeSignal,
    signalArgs: [notice],
  });
}

async function statusWhen(h: WorkflowHandle, check: (s: ShipmentStatus) => boolean): Promise<ShipmentStatus> {
  return eventually(async () => {
    const s = await h.query(shipmentStatusQuery);
    return check(s) ? s : undefined;
  }, 20_000, 50);
}

function newOrderId(): string {
  orderSeq += 1;
  return `N${process.pid}X${orderSeq}`;
}

describe('shipment write-back from notices that carry the shipments (time-skipping, mocked activities)', () => {
  test('a notice with its shipments is written to Ecwid without asking ShipStation; a repeat changes nothing', async () => {
    const fake = fakeActivities();
    await withWorkflowWorker(env, fake.activities, async (taskQueue) => {
      const orderId = newOrderId();
      // Two parcels of one order in one batch.
      const h = await notify(taskQueue, orderId, carrying(label(201, { shipmentCost: 4.5 }), label(202, { shipmentCost: 3, insuranceCost: 1 })));
      const s = await statusWhen(h, (st) => st.state === 'delivered');
      expect(fake.prepares()).toBe(0);
      expect(fake.writes).toHaveLength(1);
      const { update, keepNotesToBuyer } = fake.writes[0];
      expect(update).toMatchObject({ fulfillmentStatus: 'SHIPPED', trackingNumber: 'TRK-202' });
      const fields = Object.fromEntries((update.orderExtraFields ?? []).map((f) => [f.id, f.value]));
      expect(fields.shipstation_shipping_cost).toBe('8.50');
      expect(fields.shipstation_tracking_numbers).toBe('TRK-201, TRK-202');
      // Notes to buyer cannot come from a notice: the ones on the order stay.
      expect(keepNotesToBuyer).toBe(true);
      expect(s.appliedShipmentIds.sort()).toEqual([201, 202]);

      // The same shipments again (the reconciliation's overlap, a second subscription): nothing to write.
      await h.signal(shipNoticeSignal, carrying(label(201, { shipmentCost: 4.5 }), label(202, { shipmentCost: 3, insuranceCost: 1 })));
      await new Promise((r) => setTimeout(r, 500));
      expect(fake.writes).toHaveLength(1);
      expect(fake.prepares()).toBe(0);
    });
  });

  test('a void that a notice reveals is written (every label voided: nothing to mark shipped)', async () => {
    const fake = fakeActivities();
    await withWorkflowWorker(env, fake.activities, async (taskQueue) => {
      const orderId = newOrderId();
      const h = await notify(taskQueue, orderId, carrying(label(301), label(302)));
      await statusWhen(h, (st) => st.state === 'delivered');
      // Reconciliation finds 302 voided since: the update no longer lists it.
      await h.signal(shipNoticeSignal, carrying(label(301), label(302, { voided: true, voidDate: '2026-03-02T00:00:00' })));
      await eventually(() => fake.writes.length === 2, 10_000, 50);
      expect(fake.writes[1].update.trackingNumber).toBe('TRK-301');
      expect(fake.writes[1].update.orderExtraFields?.find((f) => f.id === 'shipstation_tracking_numbers')).toBeUndefined();
      expect(fake.prepares()).toBe(0);
    });
  });

  test('a later label while an earlier one may have been voided unseen: ShipStation is asked, once', async () => {
    const fake = fakeActivities(() => [401, 402]);
    await withWorkflowWorker(env, fake.activities, async (taskQueue) => {
      const orderId = newOrderId();
      const h = await notify(taskQueue, orderId, carrying(label(401)));
      await statusWhen(h, (st) => st.state === 'delivered' && st.attempts === 1);
      expect(fake.prepares()).toBe(0);
      // A reship in another batch: whether 401 still stands only ShipStation knows.
      await h.signal(shipNoticeSignal, carrying(label(402)));
      await eventually(() => fake.writes.length === 2, 10_000, 50);
      expect(fake.prepares()).toBe(1);
      expect(fake.writes.at(-1)?.update.trackingNumber).toBe('LISTED-402');
      // What ShipStation listed is now known: the next notice naming both needs no look-up.
      await h.signal(shipNoticeSignal, carrying(label(401), label(402), label(403)));
      await eventually(() => fake.writes.length === 3, 10_000, 50);
      expect(fake.prepares()).toBe(1);
      expect(fake.writes.at(-1)?.update.trackingNumber).toBe('TRK-403');
    });
  });

  test('notices without shipments (per-store subscriptions, operator retries) still read ShipStation', async () => {
    const fake = fakeActivities(() => [501]);
    await withWorkflowWorker(env, fake.activities, async (taskQueue) => {
      const orderId = newOrderId();
      const h = await notify(taskQueue, orderId, { source: 'https://ssapi.example/shipments?batchId=5', shipmentIds: [501] });
      await statusWhen(h, (st) => st.state === 'delivered');
      expect(fake.prepares()).toBe(1);
      expect(fake.writes[0].keepNotesToBuyer).toBeUndefined();
    });
  });
});
