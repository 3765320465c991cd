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
import {
  CURSOR_OVERLAP_SECONDS,
  MAX_ORDER_ATTEMPTS,
  MAX_SYNCS_PER_RUN,
  PERMANENT_CONNECTION_ERRORS,
  RECONCILE_EVERY_SECONDS,
  addUnique,
  connectionStatusOf,
  describeLastSync,
  explainOrder,
  fold,
  freshState,
  pick,
  type CarriedState,
  type StoreSyncInput,
} from './store-sync-state';
import { CONNECTION_STATE } from '../temporal/search-attributes';
import {
  credentialsQuery,
  disconnectSignal,
  needsReconnectSignal,
  orderDecisionQuery,
  pauseSignal,
  resumeSignal,
  statusQuery,
  syncNowSignal,
  updateConnectionSignal,
  type ConnectionCredentials,
  type ConnectionSettings,
  type ConnectionState,
  type ConnectionUpdate,
  type OrderDecision,
  type SyncNowRequest,
  type SyncResult,
} from './definitions';

type Activities = ReturnType<typeof createActivities>;

const { importOrders, cancelDeletedOrders } = proxyActivities<Activities>({
  startToCloseTimeout: '10 minutes',
  // Pacing waits for ShipStation's window inside the activity; the heartbeat proves it is alive meanwhile.
  heartbeatTimeout: '60 seconds',
  retry: { initialInterval: '2 seconds', backoffCoefficient: 2, maximumInterval: '2 minutes', maximumAttempts: 8 },
});

const { ensureShipNotifyWebhook, removeShipNotifyWebhook } = proxyActivities<Activities>({
  startToCloseTimeout: '2 minutes',
  heartbeatTimeout: '60 seconds',
  retry: { initialInterval: '2 seconds', maximumInterval: '5 minutes', maximumAttempts: 10 },
});

const { reconcileShipments } = proxyActivities<Activities>({
  startToCloseTimeout: '5 minutes',
  heartbeatTimeout: '60 seconds',
  retry: { initialInterval: '5 seconds', maximumInterval: '2 minutes', maximumAttempts: 3 },
});

/** Marks the loop turn where a run of this body moved to the current one. */
export const UPGRADE_PATCH = 'store-sync-v2-upgrade';

/**
 * The storeSync body as released before store-sync v2 (2026-11-28), kept so that runs started by it replay.
 * Such a run moves to the current body at its next loop turn that executes live (see `UPGRADE_PATCH`).
 * Delete this file once no running store-sync workflow predates the `store-sync-v2` patch.
 */
export async function storeSyncV1(input: StoreSyncInput): Promise<void> {
  let credentials = input.credentials;
  let settings = input.settings;
  const s: CarriedState = input.carried ?? freshState();
  let syncing = false;
  let settingsChanged = false;
  let wake = false;
  let operatorTriggered = false;
  let syncsThisRun = 0;
  let webhookRegistered = input.carried !== undefined;

  const setState = (next: ConnectionState) => {
    s.state = next;
    upsertSearchAttributes([{ key: CONNECTION_STATE, value: next }]);
  };

  setHandler(syncNowSignal, (req: SyncNowRequest = {}) => {
    addUnique(s.pendingOrderIds, req.orderIds ?? []);
    addUnique(s.pendingDeletedIds, req.deletedOrderIds ?? []);
    if (!req.orderIds?.length && !req.deletedOrderIds?.length) s.fullSyncRequested = true;
    if (req.trigger === 'operator') operatorTriggered = true;
    wake = true;
  });
  setHandler(updateConnectionSignal, (update: ConnectionUpdate = {}) => {
    if (update.credentials) {
      credentials = update.credentials;
      webhookRegistered = false;
    }
    if (update.settings?.shipstationStoreId !== undefined) webhookRegistered = false;
    if (update.settings) {
      const before = JSON.stringify(settings.statusMapping);
      settings = { ...settings, ...update.settings };
      if (JSON.stringify(settings.statusMapping) !== before || update.settings.importPickupOrders !== undefined) {
        // A mapping fix should import the orders it skipped, without waiting for them to change in Ecwid.
        settingsChanged = true;
      }
    }
    if (update.credentials && (s.state === 'needs_reconnect' || s.state === 'active')) {
      s.lastError = undefined;
      setState('active');
      s.fullSyncRequested = true;
    }
    wake = true;
  });
  setHandler(pauseSignal, () => {
    if (s.state !== 'disconnected') setState('paused');
  });
  setHandler(resumeSignal, () => {
    if (s.state === 'paused') {
      setState('active');
      wake = true;
    }
  });
  setHandler(needsReconnectSignal, (reason = 'reconnect required') => {
    s.lastError = reason;
    setState('needs_reconnect');
  });
  setHandler(disconnectSignal, () => {
    setState('disconnected');
  });

  setHandler(statusQuery, () => connectionStatusOf(input.storeId, s, settings, credentials, syncing));
  setHandler(credentialsQuery, () => credentials);
  setHandler(orderDecisionQuery, (orderId): OrderDecision => explainOrder(s, orderId, settings));

  upsertSearchAttributes([{ key: CONNECTION_STATE, value: s.state }]);

  while (s.state !== 'disconnected' && !workflowInfo().continueAsNewSuggested) {
    // Reached live (not in replay) by a run that began on this body: hand over to the current body now.
    if (patched(UPGRADE_PATCH)) break;
    const pollMs = settings.pollIntervalSeconds * 1000;
    if (s.nextSyncAt === undefined) s.nextSyncAt = Date.now();
    const due = () => s.state === 'active' && Date.now() >= (s.nextSyncAt ?? 0);
    const hasWork = () =>
      s.state === 'active' &&
      (s.pendingOrderIds.length > 0 || s.pendingDeletedIds.length > 0 || s.fullSyncRequested || settingsChanged);
    if (!due() && !hasWork()) {
      wake = false;
      const waitMs = s.state === 'active' ? Math.max(0, (s.nextSyncAt ?? 0) - Date.now()) : undefined;
      // Woken by a signal, or the poll timer elapses. Paused and needs_reconnect wait for a signal only.
      const woken = () => wake || (s.state as ConnectionState) === 'disconnected';
      if (waitMs === undefined) await condition(woken);
      else await condition(woken, waitMs);
      if ((s.state as ConnectionState) === 'disconnected') break;
      // Woken live after an upgrade: the current body runs this sync, not this one.
      if (patched(UPGRADE_PATCH)) break;
      if (!due() && !hasWork()) continue;
    }
    if (!webhookRegistered) webhookRegistered = await subscribeShipNotify(input.storeId, credentials, settings);
    if (due()) s.fullSyncRequested = true;
    const ranFull = s.fullSyncRequested;
    syncing = true;
    await runSync(input.storeId, s, credentials, settings, { settingsChanged, operatorTriggered });
    syncing = false;
    settingsChanged = false;
    operatorTriggered = false;
    syncsThisRun += 1;
    if (ranFull) s.nextSyncAt = Date.now() + pollMs;
    if (syncsThisRun >= MAX_SYNCS_PER_RUN) break;
  }

  if (s.state === 'disconnected') {
    await removeShipNotifyWebhook({ storeId: input.storeId, credentials }).catch((err: unknown) =>
      log.warn('could not remove the SHIP_NOTIFY subscription', { error: String(err) }),
    );
    await condition(allHandlersFinished);
    log.info('store disconnected', { storeId: input.storeId });
    return;
  }
  // Signals that arrive while we hand over are kept: they are in `s`, or the server makes us see them first.
  await condition(allHandlersFinished);
  // The flags this body kept in local variables travel too (the current body reads them from `s`).
  await continueAsNew<typeof storeSyncV1>({
    storeId: input.storeId,
    credentials,
    settings,
    carried: { ...s, webhookRegistered, settingsChanged, operatorTriggered },
  });
}

/** Subscribes SHIP_NOTIFY; a failure is logged and retried on the next sync, it never blocks imports. */
async function subscribeShipNotify(storeId: number, credentials: ConnectionCredentials, settings: ConnectionSettings): Promise<boolean> {
  try {
    await ensureShipNotifyWebhook({ storeId, credentials, settings });
    return true;
  } catch (err) {
    log.warn('SHIP_NOTIFY subscription failed; reconciliation still finds labels', { error: String(err) });
    return false;
  }
}

async function runSync(
  storeId: number,
  s: CarriedState,
  credentials: ConnectionCredentials,
  settings: ConnectionSettings,
  why: { settingsChanged: boolean; operatorTriggered: boolean },
): Promise<void> {
  const started = Date.now();
  const syncId = `${workflowInfo().runId}:${s.syncsRun}`;
  const full = s.fullSyncRequested;
  s.fullSyncRequested = false;
  const result: SyncResult = {
    at: new Date(started).toISOString(),
    trigger: why.operatorTriggered ? 'operator' : why.settingsChanged ? 'settings' : full ? 'schedule' : 'webhook',
    fetched: 0,
    imported: 0,
    skipped: 0,
    failed: 0,
    unchanged: 0,
    cancelled: 0,
    durationMs: 0,
  };

  // Orders to re-read by ID: from webhooks, failures worth another try, and skips a settings change may fix.
  const ids = s.pendingOrderIds.splice(0);
  const retryIds = Object.entries(s.notImported)
    .filter(([, n]) => (n.outcome === 'failed' && n.attempts < MAX_ORDER_ATTEMPTS) || (why.settingsChanged && n.outcome === 'skipped'))
    .map(([id]) => id);
  addUnique(ids, retryIds);
  for (const id of retryIds) delete s.recentlySent[id]; // re-evaluate them even if unchanged in Ecwid
  const deleted = s.pendingDeletedIds.splice(0);
  // What was sent before this sync: pages of this sync never need what earlier pages of it sent, and passing
  // the growing map to every page would make a backfill's history grow with the square of its size.
  const sentBefore = { ...s.recentlySent };

  try {
    if (deleted.length > 0) {
      const outcomes = await cancelDeletedOrders({ storeId, credentials, settings, orderIds: deleted });
      fold(s, outcomes, result);
    }
    const resume = full ? s.resume : undefined;
    s.resume = undefined;
    const since = resume?.since ?? (s.cursor === undefined ? settings.importSince : Math.max(settings.importSince, s.cursor - CURSOR_OVERLAP_SECONDS));
    let nextCursor: number | undefined = resume?.cursor;
    let cutShort = false;
    for (let offset = resume?.offset ?? 0; full; ) {
      const page = await importOrders({ storeId, syncId, credentials, settings, updatedFrom: since, offset, recentlySent: sentBefore });
      nextCursor ??= page.startedAt;
      fold(s, page.outcomes, result);
      offset += page.count;
      if (page.count === 0 || offset >= page.total) break;
      if (workflowInfo().continueAsNewSuggested) {
        // History is getting large mid-backfill: hand over to a fresh run, which resumes this paging.
        s.resume = { since, offset, cursor: nextCursor };
        s.fullSyncRequested = true;
        cutShort = true;
        break;
      }
    }
    for (let i = 0; i < ids.length; i += 100) {
      const page = await importOrders({ storeId, syncId, credentials, settings, orderIds: ids.slice(i, i + 100), recentlySent: pick(sentBefore, ids.slice(i, i + 100)) });
      fold(s, page.outcomes, result);
    }
    if (nextCursor !== undefined && !cutShort) {
      s.cursor = nextCursor;
      // Forget sends older than the overlap window: they won't be re-read by the next incremental sync.
      for (const [id, ts] of Object.entries(s.recentlySent)) if (ts < nextCursor - CURSOR_OVERLAP_SECONDS) delete s.recentlySent[id];
      const reconcileDue = why.operatorTriggered || (s.shipmentsCheckedUntil ?? 0) + RECONCILE_EVERY_SECONDS <= nextCursor;
      if (s.counts.imported > 0 && reconcileDue) {
        const checkedUntil = await reconcileShipments({ storeId, credentials, settings, since: s.shipmentsCheckedUntil }).catch(
        (err: unknown) => {
          log.warn('shipment reconciliation failed; will retry next sync', { error: String(err) });
          return s.shipmentsCheckedUntil;
        },
        );
        s.shipmentsCheckedUntil = checkedUntil;
      }
    }
    s.lastError = undefined;
  } catch (err) {
    const failure = err instanceof ActivityFailure && err.cause instanceof ApplicationFailure ? err.cause : undefined;
    const message = failure?.message ?? (err instanceof Error ? err.message : String(err));
    result.error = message;
    s.lastError = message;
    // Orders asked for by ID must not be lost because the sync failed: keep them for the next try.
    addUnique(s.pendingOrderIds, ids.filter((id) => !(id in s.notImported) || s.notImported[id].outcome !== 'failed'));
    addUnique(s.pendingDeletedIds, deleted);
    if (full) s.fullSyncRequested = false; // the cursor did not move: the next scheduled sync covers it
    if (failure && PERMANENT_CONNECTION_ERRORS.includes(failure.type ?? '')) {
      s.state = 'needs_reconnect';
      upsertSearchAttributes([{ key: CONNECTION_STATE, value: 'needs_reconnect' }]);
    }
    log.warn('sync failed', { storeId, error: message });
  }
  s.syncsRun += 1;
  result.durationMs = Date.now() - started;
  s.lastSyncResult = result;
  describeLastSync(s, result);
}

