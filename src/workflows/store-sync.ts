import {
  ActivityFailure,
  ApplicationFailure,
  allHandlersFinished,
  condition,
  continueAsNew,
  log,
  proxyActivities,
  setCurrentDetails,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { createActivities } from '../activities';
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
  type ConnectionStatus,
  type ConnectionUpdate,
  type OrderDecision,
  type OrderNote,
  type OrderOutcome,
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

/** Re-read what changed a little before the last cursor: Ecwid's clock and ours differ, and updates land late. */
export const CURSOR_OVERLAP_SECONDS = 600;
const MAX_NOTES = 50;
/**
 * Lost-webhook reconciliation (GET /shipments) at most this often per store: it spends the ShipStation budget
 * that imports need, and SHIP_NOTIFY normally arrives within seconds. An operator's sync now always reconciles.
 */
const RECONCILE_EVERY_SECONDS = 900;
/** Start a fresh run (continue-as-new) after this many syncs even if Temporal hasn't suggested it: lean histories replay fast. */
const MAX_SYNCS_PER_RUN = 200;
const MAX_DECISIONS = 500;
/** A failed order is retried on the next syncs this many times before it waits for a change or an operator. */
const MAX_ORDER_ATTEMPTS = 5;

/** Everything a store's sync carries from one run to the next (continue-as-new). Plain JSON only. */
export interface CarriedState {
  state: ConnectionState;
  cursor?: number;
  counts: { imported: number; skipped: number; failed: number; cancelled: number };
  skipReasons: Record<string, number>;
  /** Latest decision per order that was not imported (skipped or failed), bounded, oldest first. */
  notImported: Record<string, { outcome: 'skipped' | 'failed'; reason: string; at: string; attempts: number }>;
  /** Latest imports, bounded, so the orderDecision query can answer for recent orders. */
  recentlyImported: Record<string, string>;
  /** id → updateTimestamp of orders sent within the overlap window, so re-reads are not re-sent. */
  recentlySent: Record<string, number>;
  pendingOrderIds: string[];
  pendingDeletedIds: string[];
  fullSyncRequested: boolean;
  lastSyncResult?: SyncResult;
  lastError?: string;
  syncsRun: number;
  shipmentsCheckedUntil?: number;
  nextSyncAt?: number;
  /** A full sync cut short to continue as new (a long backfill): where its paging resumes. */
  resume?: { since: number; offset: number; cursor: number };
}

export interface StoreSyncInput {
  storeId: number;
  credentials: ConnectionCredentials;
  settings: ConnectionSettings;
  carried?: CarriedState;
}

function freshState(): CarriedState {
  return {
    state: 'active',
    counts: { imported: 0, skipped: 0, failed: 0, cancelled: 0 },
    skipReasons: {},
    notImported: {},
    recentlyImported: {},
    recentlySent: {},
    pendingOrderIds: [],
    pendingDeletedIds: [],
    fullSyncRequested: true,
    syncsRun: 0,
  };
}

function boundRecord<V>(rec: Record<string, V>, max: number): void {
  const keys = Object.keys(rec);
  for (let i = 0; i < keys.length - max; i++) delete rec[keys[i]];
}

function pick(rec: Record<string, number>, ids: string[]): Record<string, number> {
  return Object.fromEntries(ids.filter((id) => id in rec).map((id) => [id, rec[id]]));
}

/** Appends without duplicates, keeping insertion order. */
function addUnique(list: string[], ids: string[]): void {
  for (const id of ids) if (!list.includes(id)) list.push(id);
}

/**
 * One long-running workflow per connected Ecwid store (ID `store-sync:<storeId>`).
 * It syncs on the connection's poll interval and at once on `syncNow` (webhooks, operators),
 * records why every order was or wasn't imported, and continues as new before its history grows large.
 */
export async function storeSync(input: StoreSyncInput): Promise<void> {
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

  setHandler(statusQuery, (): ConnectionStatus => {
    const notes = Object.entries(s.notImported).map(([orderId, n]) => ({ orderId, ...n }));
    const toNote = ({ orderId, reason, at, attempts }: (typeof notes)[number]): OrderNote => ({ orderId, reason, at, attempts });
    return {
      storeId: input.storeId,
      state: s.state,
      settings,
      shipstationAccount: credentials.shipstation ? 'own' : 'default',
      syncing,
      ...s.counts,
      // Orders failing now (a failure that later succeeded no longer counts); `failedAttempts` keeps the total.
      failed: notes.filter((n) => n.outcome === 'failed').length,
      failedAttempts: s.counts.failed,
      skipReasons: s.skipReasons,
      recentSkipped: notes.filter((n) => n.outcome === 'skipped').slice(-MAX_NOTES).reverse().map(toNote),
      recentFailed: notes.filter((n) => n.outcome === 'failed').slice(-MAX_NOTES).reverse().map(toNote),
      lastSyncAt: s.lastSyncResult?.at,
      lastSyncResult: s.lastSyncResult,
      nextSyncAt: s.nextSyncAt !== undefined && s.state === 'active' ? new Date(s.nextSyncAt).toISOString() : undefined,
      lastError: s.lastError,
      cursor: s.cursor !== undefined ? new Date(s.cursor * 1000).toISOString() : undefined,
      syncsRun: s.syncsRun,
      pendingOrderIds: s.pendingOrderIds.length,
    };
  });
  setHandler(credentialsQuery, () => credentials);
  setHandler(orderDecisionQuery, (orderId): OrderDecision => explainOrder(s, orderId, settings));

  upsertSearchAttributes([{ key: CONNECTION_STATE, value: s.state }]);

  while (s.state !== 'disconnected' && !workflowInfo().continueAsNewSuggested) {
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
  await continueAsNew<typeof storeSync>({ storeId: input.storeId, credentials, settings, carried: s });
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
  // What the Web UI shows on the workflow page: the last sync at a glance. IDs and counts only.
  setCurrentDetails(
    [
      `**Last sync** ${result.at} (${result.trigger}, ${result.durationMs} ms): ${result.fetched} read, ${result.imported} imported, ` +
        `${result.skipped} skipped, ${result.failed} failed, ${result.cancelled} cancelled, ${result.unchanged} unchanged.`,
      `**Totals** imported ${s.counts.imported}, skipped ${s.counts.skipped}, failing now ${Object.values(s.notImported).filter((n) => n.outcome === 'failed').length}.`,
      result.error ? `**Last error** ${result.error}` : '',
    ]
      .filter(Boolean)
      .join('\n\n'),
  );
}

/** Activity failure types that mean "the store must be reconnected" rather than "try again later". */
export const PERMANENT_CONNECTION_ERRORS = ['EcwidTokenInvalid', 'EcwidPlanRequired', 'EcwidStoreNotFound', 'ShipStationAuthFailed', 'ShipStationNotConfigured'];

function fold(s: CarriedState, outcomes: OrderOutcome[], result: SyncResult): void {
  const at = new Date().toISOString();
  // Only versions the next incremental sync can re-read (inside its overlap window) need remembering; a
  // backfill of old orders would otherwise carry every order through history.
  const rememberFrom = Math.floor(Date.now() / 1000) - 2 * CURSOR_OVERLAP_SECONDS;
  const remember = (o: OrderOutcome) => {
    if (o.updateTimestamp !== undefined && o.updateTimestamp >= rememberFrom) s.recentlySent[o.id] = o.updateTimestamp;
  };
  for (const o of outcomes) {
    result.fetched += 1;
    switch (o.outcome) {
      case 'imported':
        result.imported += 1;
        s.counts.imported += 1;
        delete s.notImported[o.id];
        delete s.recentlyImported[o.id];
        s.recentlyImported[o.id] = at;
        remember(o);
        break;
      case 'unchanged':
        result.unchanged += 1;
        break;
      case 'cancelled':
        result.cancelled += 1;
        s.counts.cancelled += 1;
        delete s.notImported[o.id];
        remember(o);
        break;
      case 'skipped': {
        result.skipped += 1;
        const reason = o.reason ?? 'unknown';
        const prev = s.notImported[o.id];
        // Count an order once per reason, not once per re-read.
        if (!prev || prev.outcome !== 'skipped' || prev.reason !== reason) {
          s.counts.skipped += 1;
          s.skipReasons[reason] = (s.skipReasons[reason] ?? 0) + 1;
        }
        delete s.notImported[o.id];
        s.notImported[o.id] = { outcome: 'skipped', reason, at, attempts: 1 };
        remember(o);
        break;
      }
      case 'failed': {
        result.failed += 1;
        const prev = s.notImported[o.id];
        if (!prev || prev.outcome !== 'failed') s.counts.failed += 1;
        delete s.notImported[o.id];
        s.notImported[o.id] = { outcome: 'failed', reason: o.reason ?? 'unknown', at, attempts: (prev?.outcome === 'failed' ? prev.attempts : 0) + 1 };
        break;
      }
    }
  }
  boundRecord(s.notImported, MAX_DECISIONS);
  boundRecord(s.recentlyImported, MAX_DECISIONS);
}

function explainOrder(s: CarriedState, orderId: string, settings: ConnectionSettings): OrderDecision {
  const n = s.notImported[orderId];
  if (n) {
    return {
      orderId,
      outcome: n.outcome,
      reason: n.reason,
      at: n.at,
      explanation:
        n.outcome === 'failed'
          ? `ShipStation or Ecwid refused it (${n.reason}); tried ${n.attempts} time(s)` +
            (n.attempts < MAX_ORDER_ATTEMPTS ? ', will try again on the next sync' : ', waiting for the order to change or a sync now')
          : `skipped: ${n.reason}`,
    };
  }
  const at = s.recentlyImported[orderId];
  if (at) return { orderId, outcome: 'imported', at, explanation: 'imported into ShipStation' };
  return {
    orderId,
    outcome: 'unknown',
    explanation:
      `no recent record of this order; orders are read when they change in Ecwid after ` +
      `${new Date(settings.importSince * 1000).toISOString()} (the import start date)`,
  };
}
