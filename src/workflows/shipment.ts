import {
  ActivityFailure,
  ApplicationFailure,
  allHandlersFinished,
  condition,
  continueAsNew,
  log,
  patched,
  proxyActivities,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { createActivities } from '../activities';
import { shipstationAccountTaskQueue } from '../domain/ids';
import { asShipment } from '../domain/shipment-notice';
import { buildFulfillmentUpdate } from '../domain/shipment-update';
import { isFulfillment, onePerParcel, sameParcelRepeats } from '../domain/parcels';
import { SHIPMENT_STATE } from '../temporal/search-attributes';
import {
  retryShipmentSignal,
  shipNoticeSignal,
  shipmentStatusQuery,
  type CompactShipment,
  type ShipNotice,
  type ShipmentState,
  type ShipmentStatus,
  type ShipmentWorkflowInput,
} from './definitions';

type Activities = ReturnType<typeof createActivities>;

/** Failures that no amount of waiting fixes: park and wait for an operator or a reconnect (for a bounded time). */
const PERMANENT = ['EcwidOrderNotFound', 'EcwidTokenInvalid', 'EcwidPlanRequired', 'StoreNotConnected', 'ShipStationAuthFailed', 'ShipStationNotConfigured'];
/** How long a delivered order's workflow stays open for more labels (reships, replacements after a void). */
const IDLE_BEFORE_CLOSING = '30 days';
/**
 * How long a parked write-back waits for `retry` before it closes as failed (ShipmentState="expired"). Without a
 * bound, write-backs of orders deleted in Ecwid or of stores that never come back would stay open forever.
 */
const PARKED_AT_MOST_SECONDS = 14 * 86_400;
/**
 * ShipStation's shipment list lags behind its SHIP_NOTIFY: a notice can name a label that the list does not show
 * yet. Such IDs are looked for again, every minute, a few times; then given up (reconciliation brings them again).
 */
const RECHECK_UNLISTED_EVERY = '1 minute';
const RECHECK_UNLISTED_TIMES = 5;

/**
 * Guards of changes to the commands this workflow emits, so that histories recorded before them still replay.
 * Each is asked only where the new code would emit something different from the old.
 */
const PATCH = {
  recheckUnlisted: 'recheck-unseen-shipments',
  parkedExpires: 'parked-expires',
  drainAtIdleExit: 'drain-pending-at-idle-exit',
  fromNoticeShipments: 'write-back-from-notice-shipments',
  sameParcelOnce: 'same-parcel-label-and-fulfillment-once',
  parkedUntilReconnect: 'parked-until-reconnect',
  expiryWaitsForReconnect: 'parked-expiry-waits-for-reconnect',
} as const;

/**
 * Failures of the store's connection, not of the order: a reconnect or a ShipStation key replacement fixes them (both
 * send `retry` to the store's parked write-backs). Such a write-back stays parked, visible, until then, whatever its
 * age. Failures of the order itself (deleted in Ecwid, refused data) still expire after the bound.
 */
const FIXED_BY_RECONNECT = new Set([
  'EcwidTokenInvalid',
  'EcwidPlanRequired',
  'EcwidStoreNotFound',
  'StoreNotConnected',
  'ShipStationAuthFailed',
  'ShipStationNotConfigured',
  'ShipStationCredentialsRefused',
  'ShipStationAccountNotConnected',
]);

/** "14 days", "6 hours", "30 seconds": the parked bound, in the expiry message. */
function howLong(ms: number): string {
  const [unit, size] = ms >= 86_400_000 ? ['days', 86_400_000] : ms >= 3_600_000 ? ['hours', 3_600_000] : ['seconds', 1000];
  return `${Math.round((ms / size) * 10) / 10} ${unit}`;
}

/**
 * One workflow per Ecwid order that ShipStation ships (`shipment:<storeId>:<orderId>`), started by
 * signal-with-start from SHIP_NOTIFY and from reconciliation. It writes the shipments to Ecwid and retries
 * until that succeeds: temporary failures without limit, permanent ones parked until `retry` or a reconnect,
 * for at most `maxParkedSeconds` (14 days), after which it fails visibly as `ShipmentWriteBackExpired`.
 */
export async function shipmentWriteBack(input: ShipmentWorkflowInput): Promise<void> {
  const maxInterval = (input.maxRetryIntervalSeconds ?? 300) * 1000;
  const parkedAtMostMs = (input.maxParkedSeconds ?? PARKED_AT_MOST_SECONDS) * 1000;
  const { prepareFulfillment, writeFulfillmentToEcwid } = proxyActivities<Activities>({
    startToCloseTimeout: '2 minutes',
    heartbeatTimeout: '60 seconds',
    // No maximumAttempts: temporary failures (network, 5xx, 429) are retried until Ecwid is back.
    retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: maxInterval, nonRetryableErrorTypes: PERMANENT },
  });

  const applied = new Set<number>(input.appliedShipmentIds ?? []);
  /** The order's labels as notices carried them (compact): what the next label needs to compute the update. */
  const seen = new Map<number, CompactShipment>((input.seenShipments ?? []).map((s) => [s.shipmentId, s]));
  const pending: ShipNotice[] = [...(input.pending ?? [])];
  /** Shipment IDs named by a notice that ShipStation did not list yet → how many re-checks did not find them. */
  const unlisted = new Map<number, number>();
  /** Shipment IDs never listed after every re-check (kept for the status query only). */
  const givenUp = new Set<number>();
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
  /**
   * Written: `partial` while the live labels cover only part of the order's items (operators list them with
   * ShipmentState="partial"), else `delivered`. Writes of earlier releases tell nothing: `delivered`, as then.
   */
  const deliveredState = (): ShipmentState => (status.shippedItems && !status.shippedItems.complete ? 'partial' : 'delivered');

  setHandler(shipNoticeSignal, (notice?: ShipNotice) => {
    pending.push(notice ?? { source: 'operator', shipmentIds: [] });
  });
  setHandler(retryShipmentSignal, () => {
    retryRequested = true;
  });
  setHandler(shipmentStatusQuery, () => ({
    ...status,
    appliedShipmentIds: [...applied],
    ...(unlisted.size > 0 ? { unlistedShipmentIds: [...unlisted.keys()] } : {}),
    ...(givenUp.size > 0 ? { givenUpShipmentIds: [...givenUp] } : {}),
  }));

  /**
   * Records what one successful preparation saw. Only IDs that ShipStation listed are marked applied; the others
   * wait for a re-check, and are given up after RECHECK_UNLISTED_TIMES re-checks that did not find them either.
   */
  const recordListed = (listedIds: number[], notices: ShipNotice[]) => {
    for (const id of listedIds) applied.add(id);
    for (const [id, rechecks] of unlisted) {
      if (applied.has(id)) {
        unlisted.delete(id);
      } else if (rechecks + 1 >= RECHECK_UNLISTED_TIMES) {
        unlisted.delete(id);
        givenUp.add(id);
        log.warn('ShipStation never listed a shipment its notice named; given up until reconciliation finds it', {
          storeId: input.storeId,
          orderId: input.orderId,
          shipmentId: id,
          rechecks: rechecks + 1,
        });
      } else {
        unlisted.set(id, rechecks + 1);
      }
    }
    const named = [...new Set(notices.flatMap((n) => n.shipmentIds))].filter((id) => !applied.has(id) && !unlisted.has(id));
    if (named.length === 0) return;
    if (patched(PATCH.recheckUnlisted)) {
      for (const id of named) {
        givenUp.delete(id); // named again (reconciliation): look for it again
        unlisted.set(id, 0);
      }
    } else {
      // Histories recorded before the re-check marked every named ID applied, seen or not.
      for (const id of named) applied.add(id);
    }
  };

  /**
   * Waits for `retry` while parked; false when the bound passed without one (the write-back then expires). A failure
   * a reconnect or a key replacement fixes (`FIXED_BY_RECONNECT`) waits for them without a bound.
   */
  const waitForRetryWhileParked = async (failureType: string | undefined): Promise<boolean> => {
    if (!patched(PATCH.parkedExpires)) {
      await condition(() => retryRequested);
      return true;
    }
    const untilReconnect = failureType !== undefined && FIXED_BY_RECONNECT.has(failureType);
    if (untilReconnect && patched(PATCH.parkedUntilReconnect)) {
      status.parkedUntilReconnect = true;
      await condition(() => retryRequested);
      status.parkedUntilReconnect = undefined;
      return true;
    }
    status.parkedUntil = new Date(Date.now() + parkedAtMostMs).toISOString();
    const retried = await condition(() => retryRequested, parkedAtMostMs);
    status.parkedUntil = undefined;
    // Parked by an earlier release with a bound: its bound passing no longer expires it.
    if (!retried && untilReconnect && patched(PATCH.expiryWaitsForReconnect)) {
      status.parkedUntilReconnect = true;
      await condition(() => retryRequested);
      status.parkedUntilReconnect = undefined;
      return true;
    }
    return retried;
  };

  for (;;) {
    const recheckDue = unlisted.size > 0;
    const gotWork = await condition(() => pending.length > 0 || retryRequested, recheckDue ? RECHECK_UNLISTED_EVERY : IDLE_BEFORE_CLOSING);
    if (!gotWork && !recheckDue) {
      // 30 idle days. A notice that arrived just as the idle timer fired must not be lost: look once more, after
      // every signal handler has run, and go round again if something came.
      await condition(allHandlersFinished);
      if (pending.length === 0 && !retryRequested) break;
      if (!patched(PATCH.drainAtIdleExit)) break;
      continue;
    }
    const recheck = !gotWork;
    const notices = pending.splice(0);
    const forced = retryRequested;
    retryRequested = false;
    const noticeShipments = notices.flatMap((n) => n.shipments ?? []);
    // One parcel reported both as a label (SHIP_NOTIFY) and as a fulfillment (FULFILLMENT_SHIPPED) updates Ecwid
    // once (domain/parcels.ts): a report that only repeats a parcel written already is recorded, not written.
    // Asked only when fulfillments are about: histories without any replay as they were.
    if ((noticeShipments.some(isFulfillment) || [...seen.values()].some(isFulfillment)) && patched(PATCH.sameParcelOnce)) {
      const written = [...seen.values()].filter((s) => applied.has(s.shipmentId));
      for (const r of sameParcelRepeats(written, noticeShipments)) {
        applied.add(r.shipmentId);
        seen.set(r.shipmentId, r);
        status.sameParcelRepeats = (status.sameParcelRepeats ?? 0) + 1;
      }
    }
    // De-duplicate on shipmentId: a notice whose shipments were all written already changes nothing (unless it
    // carries a label that was voided since).
    const fresh =
      notices.some((n) => n.source === 'operator' || n.shipmentIds.some((id) => !applied.has(id))) ||
      noticeShipments.some((s) => !applied.has(s.shipmentId) || (seen.has(s.shipmentId) && seen.get(s.shipmentId)?.voided !== s.voided));
    if (!fresh && !forced && !recheck) continue;
    // Notices that carry the shipments (routed by the account) need no ShipStation call, provided they tell
    // everything: every label written before is known, and none of the known live ones could have been voided
    // unseen (a later notice for another label of the order does not say). Otherwise: ask ShipStation.
    const carriedIds = new Set(noticeShipments.map((s) => s.shipmentId));
    const fromNotices =
      !forced &&
      !recheck &&
      notices.length > 0 &&
      notices.every((n) => n.shipments !== undefined) &&
      [...applied].every((id) => seen.has(id) || carriedIds.has(id)) &&
      [...seen.values()].every((s) => s.voided || carriedIds.has(s.shipmentId)) &&
      patched(PATCH.fromNoticeShipments);

    setState('updating');
    for (;;) {
      status.attempts += 1;
      try {
        if (fromNotices) {
          for (const s of noticeShipments) seen.set(s.shipmentId, s);
          const labels = [...seen.values()];
          const update = buildFulfillmentUpdate(onePerParcel(labels).map(asShipment));
          const noUpdate = 'noUpdate' in update ? update.noUpdate : undefined;
          if (!('noUpdate' in update)) {
            const times = labels.filter((s) => !s.voided).map((s) => Date.parse(s.createDate)).filter(Number.isFinite);
            // ShipStation cannot tell the notes to buyer here: the ones written earlier stay on the order.
            // The labels go along (with their items): the activity compares them with the Ecwid order's items, so a
            // split order's first labels do not mark it SHIPPED. Histories of earlier releases return nothing here.
            const written = await writeFulfillmentToEcwid({
              storeId: input.storeId,
              orderId: input.orderId,
              update,
              newestLabelAt: times.length > 0 ? Math.max(...times) : undefined,
              keepNotesToBuyer: true,
              shipments: labels,
            });
            status.lastTrackingNumber = update.trackingNumber ?? status.lastTrackingNumber;
            if (written) status.shippedItems = written;
          }
          for (const s of noticeShipments) {
            applied.add(s.shipmentId);
            unlisted.delete(s.shipmentId);
            givenUp.delete(s.shipmentId);
          }
          status.lastError = undefined;
          status.parkedSince = undefined;
          status.parkedReason = noUpdate;
          status.lastUpdatedAt = new Date().toISOString();
          setState(noUpdate ? 'waiting' : deliveredState());
          break;
        }
        const prepared = await prepareFulfillment({ storeId: input.storeId, orderId: input.orderId });
        // A re-check alone rewrites Ecwid only when ShipStation now lists a label that was not written yet.
        const somethingNew = prepared.appliedShipmentIds.some((id) => !applied.has(id));
        if (prepared.update && (fresh || forced || somethingNew)) {
          const written = await writeFulfillmentToEcwid({
            storeId: input.storeId,
            orderId: input.orderId,
            update: prepared.update,
            newestLabelAt: prepared.newestLabelAt,
            shipments: prepared.shipments,
          });
          if (written) status.shippedItems = written;
        }
        recordListed(prepared.appliedShipmentIds, notices);
        // What ShipStation listed is the order's whole story: later notices can be computed from it.
        if (prepared.shipments) {
          seen.clear();
          for (const s of prepared.shipments) seen.set(s.shipmentId, s);
        }
        const res = { noUpdate: prepared.noUpdate };
        status.lastTrackingNumber = prepared.update?.trackingNumber ?? status.lastTrackingNumber;
        status.lastError = undefined;
        status.parkedSince = undefined;
        status.parkedReason = res.noUpdate;
        status.lastUpdatedAt = new Date().toISOString();
        setState(res.noUpdate ? 'waiting' : deliveredState());
        break;
      } catch (err) {
        const failure = err instanceof ActivityFailure && err.cause instanceof ApplicationFailure ? err.cause : undefined;
        status.lastError = failure?.message ?? String(err);
        status.parkedReason = status.lastError;
        if (status.state !== 'parked') status.parkedSince = new Date().toISOString();
        setState('parked');
        // Parked: visible to operators (ShipmentState="parked"); resumes on `retry` (also sent on reconnect).
        if (!(await waitForRetryWhileParked(failure?.type ?? undefined))) {
          status.expiredReason = `parked ${howLong(parkedAtMostMs)} without a retry; last failure: ${status.parkedReason}`;
          setState('expired');
          log.warn('parked shipment write-back expired', { storeId: input.storeId, orderId: input.orderId, reason: status.parkedReason });
          // Fails the workflow, so that it shows as Failed in the Web UI. The order's next label starts a new
          // write-back (a closed workflow ID can be started again).
          throw ApplicationFailure.create({
            type: 'ShipmentWriteBackExpired',
            message: `Shipment write-back of Ecwid order ${input.orderId} (store ${input.storeId}) expired: ${status.expiredReason}`,
            nonRetryable: true,
          });
        }
        retryRequested = false;
        setState('updating');
      }
    }
    status.appliedShipmentIds = [...applied];
    if (workflowInfo().continueAsNewSuggested) {
      await condition(allHandlersFinished);
      // IDs still being looked for are handed over as a notice: the next run looks for them again.
      const carried: ShipNotice[] = unlisted.size > 0 ? [...pending, { source: 'recheck', shipmentIds: [...unlisted.keys()] }] : pending;
      await continueAsNew<typeof shipmentWriteBack>({
        ...input,
        appliedShipmentIds: [...applied],
        pending: carried,
        ...(seen.size > 0 ? { seenShipments: [...seen.values()] } : {}),
      });
    }
  }
}

/** A SHIP_NOTIFY of the connector's older per-store subscriptions (`?store=N`), or of an account's (`?account=`). */
export type ShipNotifyInput = { storeId: number; resourceUrl: string } | { accountId: string; resourceUrl: string };

/**
 * One workflow per SHIP_NOTIFY delivery, keyed by its resource URL, so a repeated delivery is a no-op.
 * An account's notice is read once (one call per page, shipments with their items) and routed by orderKey to the
 * write-backs of its stores' orders, with the shipments themselves: the write-backs need no further ShipStation
 * call. Only counts come back here, so this history stays small however large the batch. A per-store notice
 * (subscriptions made before accounts) reads the resource and hands each order the shipment IDs, as it always did.
 */
export async function shipNotify(input: ShipNotifyInput): Promise<{ orders: number; routed?: number; ignored?: number }> {
  if ('accountId' in input) {
    // Runs that recorded the marker read the notice on the account's task queue: by its owner, in its budget.
    const byOwner = patched('notices-by-account-owner');
    const { routeShipNotice } = proxyActivities<Activities>({
      // The read may wait behind imports for the account's budget (it heartbeats meanwhile); a batch of hundreds
      // of orders is then handed over in seconds.
      startToCloseTimeout: '10 minutes',
      heartbeatTimeout: byOwner ? '5 seconds' : '60 seconds',
      ...(byOwner ? { taskQueue: shipstationAccountTaskQueue(workflowInfo().taskQueue, input.accountId) } : {}),
      retry: {
        initialInterval: '1 second',
        maximumInterval: '5 minutes',
        nonRetryableErrorTypes: ['ShipStationAuthFailed', 'ShipStationAccountNotConnected', 'ShipStationAccountMismatch', 'ShipStationNotConfigured'],
      },
    });
    const r = await routeShipNotice({ accountId: input.accountId, resourceUrl: input.resourceUrl });
    return { orders: r.orders, routed: r.routed, ignored: r.ignored };
  }
  const { fetchShipNotice, deliverShipNotices } = proxyActivities<Activities>({
    startToCloseTimeout: '2 minutes',
    heartbeatTimeout: '60 seconds',
    retry: { initialInterval: '1 second', maximumInterval: '5 minutes', nonRetryableErrorTypes: ['StoreNotConnected', 'ShipStationAuthFailed'] },
  });
  const groups = await fetchShipNotice(input);
  const orders = await deliverShipNotices({ groups, source: input.resourceUrl });
  return { orders };
}
