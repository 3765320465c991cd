import {
  ActivityFailure,
  ApplicationFailure,
  allHandlersFinished,
  condition,
  continueAsNew,
  proxyActivities,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { createActivities } from '../activities';
import { SHIPMENT_STATE } from '../temporal/search-attributes';
import {
  retryShipmentSignal,
  shipNoticeSignal,
  shipmentStatusQuery,
  type ShipNotice,
  type ShipmentState,
  type ShipmentStatus,
  type ShipmentWorkflowInput,
} from './definitions';

type Activities = ReturnType<typeof createActivities>;

/** Failures that no amount of waiting fixes: park and wait for an operator or a reconnect. */
const PERMANENT = ['EcwidOrderNotFound', 'EcwidTokenInvalid', 'EcwidPlanRequired', 'StoreNotConnected', 'ShipStationAuthFailed', 'ShipStationNotConfigured'];
/** How long a delivered order's workflow stays open for more labels (reships, replacements after a void). */
const IDLE_BEFORE_CLOSING = '30 days';

/**
 * One workflow per Ecwid order that ShipStation ships (`shipment:<storeId>:<orderId>`), started by
 * signal-with-start from SHIP_NOTIFY and from reconciliation. It writes the shipments to Ecwid and retries
 * until that succeeds: temporary failures without limit, permanent ones parked until `retry` or a reconnect.
 */
export async function shipmentWriteBack(input: ShipmentWorkflowInput): Promise<void> {
  const maxInterval = (input.maxRetryIntervalSeconds ?? 300) * 1000;
  const { prepareFulfillment, writeFulfillmentToEcwid } = proxyActivities<Activities>({
    startToCloseTimeout: '2 minutes',
    heartbeatTimeout: '60 seconds',
    // No maximumAttempts: temporary failures (network, 5xx, 429) are retried until Ecwid is back.
    retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: maxInterval, nonRetryableErrorTypes: PERMANENT },
  });

  const applied = new Set<number>(input.appliedShipmentIds ?? []);
  const pending: ShipNotice[] = [...(input.pending ?? [])];
  let retryRequested = false;
  const status: ShipmentStatus = {
    storeId: input.storeId,
    orderId: input.orderId,
    state: 'waiting',
    appliedShipmentIds: [...applied],
    attempts: 0,
  };
  const setState = (state: ShipmentState) => {
    status.state = state;
    upsertSearchAttributes([{ key: SHIPMENT_STATE, value: state }]);
  };

  setHandler(shipNoticeSignal, (notice?: ShipNotice) => {
    pending.push(notice ?? { source: 'operator', shipmentIds: [] });
  });
  setHandler(retryShipmentSignal, () => {
    retryRequested = true;
  });
  setHandler(shipmentStatusQuery, () => ({ ...status, appliedShipmentIds: [...applied] }));

  for (;;) {
    const gotWork = await condition(() => pending.length > 0 || retryRequested, IDLE_BEFORE_CLOSING);
    if (!gotWork) break;
    const notices = pending.splice(0);
    const forced = retryRequested;
    retryRequested = false;
    // De-duplicate on shipmentId: a notice whose shipments were all written already changes nothing.
    const fresh = notices.some((n) => n.source === 'operator' || n.shipmentIds.some((id) => !applied.has(id)));
    if (!fresh && !forced) continue;

    setState('updating');
    for (;;) {
      status.attempts += 1;
      try {
        const prepared = await prepareFulfillment({ storeId: input.storeId, orderId: input.orderId });
        if (prepared.update) {
          await writeFulfillmentToEcwid({ storeId: input.storeId, orderId: input.orderId, update: prepared.update, newestLabelAt: prepared.newestLabelAt });
        }
        for (const id of prepared.appliedShipmentIds) applied.add(id);
        for (const n of notices) for (const id of n.shipmentIds) applied.add(id);
        const res = { noUpdate: prepared.noUpdate };
        status.lastTrackingNumber = prepared.update?.trackingNumber ?? status.lastTrackingNumber;
        status.lastError = undefined;
        status.parkedReason = res.noUpdate;
        status.lastUpdatedAt = new Date().toISOString();
        setState(res.noUpdate ? 'waiting' : 'delivered');
        break;
      } catch (err) {
        const failure = err instanceof ActivityFailure && err.cause instanceof ApplicationFailure ? err.cause : undefined;
        status.lastError = failure?.message ?? String(err);
        status.parkedReason = status.lastError;
        setState('parked');
        // Parked: visible to operators (ShipmentState="parked"); resumes on `retry` (also sent on reconnect).
        await condition(() => retryRequested);
        retryRequested = false;
        setState('updating');
      }
    }
    status.appliedShipmentIds = [...applied];
    if (workflowInfo().continueAsNewSuggested) {
      await condition(allHandlersFinished);
      await continueAsNew<typeof shipmentWriteBack>({ ...input, appliedShipmentIds: [...applied], pending });
    }
  }
  await condition(allHandlersFinished);
}

/**
 * One workflow per SHIP_NOTIFY delivery, keyed by its resource URL, so a repeated delivery is a no-op.
 * It reads the resource and hands each order's shipments to that order's shipmentWriteBack workflow.
 */
export async function shipNotify(input: { storeId: number; resourceUrl: string }): Promise<{ orders: number }> {
  const { fetchShipNotice, deliverShipNotices } = proxyActivities<Activities>({
    startToCloseTimeout: '2 minutes',
    heartbeatTimeout: '60 seconds',
    retry: { initialInterval: '1 second', maximumInterval: '5 minutes', nonRetryableErrorTypes: ['StoreNotConnected', 'ShipStationAuthFailed'] },
  });
  const groups = await fetchShipNotice(input);
  const orders = await deliverShipNotices({ groups, source: input.resourceUrl });
  return { orders };
}
