import {
  ActivityFailure,
  ApplicationFailure,
  allHandlersFinished,
  condition,
  makeContinueAsNewFunc,
  log,
  patched,
  proxyActivities,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { createActivities } from '../activities';
import { applyConnectionEvent, connectionStateOf, type ConnectionEvent, type ConnectionFacts } from '../domain/connection-state';
import { shipstationAccountTaskQueue } from '../domain/ids';
import { CONNECTION_STATE } from '../temporal/search-attributes';
import {
  credentialsQuery,
  LONG_LIVED_WORKFLOW_TASK_TIMEOUT,
  disconnectSignal,
  needsReconnectSignal,
  orderDecisionQuery,
  pauseSignal,
  resumeSignal,
  sentRecordsQuery,
  statusQuery,
  syncNowSignal,
  updateConnectionSignal,
  adoptedOrdersQuery,
  type ConnectionCredentials,
  type ConnectionSettings,
  type ConnectionUpdate,
  type OrderDecision,
  type SyncNowRequest,
  type SyncResult,
} from './definitions';
import {
  CURSOR_OVERLAP_SECONDS,
  MAX_ORDER_ATTEMPTS,
  MAX_SYNCS_PER_RUN,
  PERMANENT_CONNECTION_ERRORS,
  addUnique,
  connectionStatusOf,
  describeLastSync,
  explainOrder,
  fold,
  freshState,
  mergeCredentials,
  pick,
  type CarriedState,
  type StoreSyncInput,
} from './store-sync-state';
import { storeSyncV1 } from './store-sync-v1';
import { adoptedOf, nativeStoreIdsOf, needsAdoptionScan, rescanOnEarlierImportSince, scanNativeOrders, withAdoptions } from './native-adoption';

export { CURSOR_OVERLAP_SECONDS, PERMANENT_CONNECTION_ERRORS } from './store-sync-state';
export type { CarriedState, StoreSyncInput } from './store-sync-state';

type Activities = ReturnType<typeof createActivities>;

const IMPORT_OPTIONS = {
  // A page may wait its turn behind many stores' pages on one ShipStation account (4,000 orders a minute at most);
  // the heartbeat, sent on a ticker for as long as it runs, is what proves it alive meanwhile.
  startToCloseTimeout: '2 hours',
  heartbeatTimeout: '60 seconds',
  retry: { initialInterval: '2 seconds', backoffCoefficient: 2, maximumInterval: '2 minutes', maximumAttempts: 8 },
} as const;

/** Imports run by any worker: before the store has joined its account, and in runs begun before the lease. */
const { importOrders: importOrdersAnywhere } = proxyActivities<Activities>(IMPORT_OPTIONS);

/**
 * Runs that recorded this marker send a joined store's imports to its ShipStation account's task queue, where the
 * account's one owner batches and paces them with every other store's (see activities/account-traffic.ts).
 */
export const IMPORTS_BY_ACCOUNT_OWNER = 'imports-by-account-owner';

/** Where this sync's pages are imported: by the owner of the store's ShipStation account once the store joined it. */
function importsOf(s: CarriedState): Activities['importOrders'] {
  if (!s.accountJoined || !s.joinedLeasedAccount || !s.accountId || !patched(IMPORTS_BY_ACCOUNT_OWNER)) return importOrdersAnywhere;
  return proxyActivities<Activities>({
    ...IMPORT_OPTIONS,
    // The owner's death is noticed in seconds, and the page is retried by the next owner from the same queue.
    heartbeatTimeout: '5 seconds',
    // No owner for this long (the account's workflow is not running): the pass fails visibly and backs off.
    scheduleToStartTimeout: '10 minutes',
    // A page whose owner died is taken up by the next owner at once (its orders are a merchant's live ones).
    retry: { ...IMPORT_OPTIONS.retry, initialInterval: '200 milliseconds' },
    taskQueue: shipstationAccountTaskQueue(workflowInfo().taskQueue, s.accountId),
  }).importOrders;
}

// Joining is a signal to the account's workflow (no ShipStation call): quick, and never in the way of imports.
const { joinShipStationAccount, leaveShipStationAccount, reconcileAccountNow } = proxyActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '30 seconds', maximumAttempts: 5 },
});

/**
 * Runs that recorded this marker use the body below; runs begun before it replay on `storeSyncV1` and move
 * here at their next loop turn (see store-sync-v1.ts). Guarded by the replay test's recorded histories.
 */
export const STORE_SYNC_V2 = 'store-sync-v2';
/** The failure record bounds failures apart from skips, and counts those it lets go (store-sync-state.ts). */
export const FAILURES_KEPT_APART = 'failures-kept-apart';
/** An operator's sync now retries failed orders that used up their attempts too. */
export const SYNC_NOW_RETRIES_EXHAUSTED = 'sync-now-retries-exhausted-failures';

/**
 * Runs that recorded this marker remember each order's last send to ShipStation (`sentRecords`, bounded) and answer
 * `sentRecords`, so that an update keeps the edits a packer made in ShipStation (see domain/order-merge.ts).
 */
export const ORDER_MERGE = 'order-merge';

/** A failed sync waits before the next one: 30 s, doubling, at most 30 minutes. An operator's sync now skips the wait. */
const BACKOFF_FIRST_MS = 30_000;
const BACKOFF_MAX_MS = 30 * 60_000;

export function backoffMs(consecutiveFailures: number): number {
  return Math.min(BACKOFF_MAX_MS, BACKOFF_FIRST_MS * 2 ** Math.max(0, consecutiveFailures - 1));
}

/**
 * One long-running workflow per connected Ecwid store (ID `store-sync:<storeId>`).
 * It syncs on the connection's poll interval and at once on `syncNow` (webhooks, operators),
 * records why every order was or wasn't imported, and continues as new before its history grows large.
 * Its states and transitions are in domain/connection-state.ts and docs/connection-states.md.
 */
export async function storeSync(input: StoreSyncInput): Promise<void> {
  if (!patched(STORE_SYNC_V2)) return storeSyncV1(input);

  let credentials = input.credentials;
  let settings = input.settings;
  const s: CarriedState = input.carried ?? freshState();
  // State carried by an earlier release has only `state`: its facts follow from it.
  const facts: ConnectionFacts = {
    paused: s.paused ?? s.state === 'paused',
    needsReconnect: s.needsReconnect ?? s.state === 'needs_reconnect',
    disconnected: s.state === 'disconnected',
  };
  // Not joined yet after an earlier release's hand-over: joining is idempotent. (Such a run's per-store SHIP_NOTIFY
  // subscription is replaced by its account's one.)
  s.accountJoined ??= false;
  let syncing = false;
  let wake = false;
  let syncsThisRun = 0;

  const apply = (event: ConnectionEvent) => {
    Object.assign(facts, applyConnectionEvent(facts, event));
    s.paused = facts.paused;
    s.needsReconnect = facts.needsReconnect;
    const next = connectionStateOf(facts);
    if (next !== s.state) {
      s.state = next;
      upsertSearchAttributes([{ key: CONNECTION_STATE, value: next }]);
    }
    wake = true;
  };

  setHandler(syncNowSignal, (req: SyncNowRequest = {}) => {
    // A deletion announced by a webhook is a hint like any other: the order is read again, and only Ecwid's 404
    // cancels it in ShipStation (an unsigned body must not be able to cancel orders).
    addUnique(s.pendingOrderIds, [...(req.orderIds ?? []), ...(req.deletedOrderIds ?? [])]);
    if (!req.orderIds?.length && !req.deletedOrderIds?.length) s.fullSyncRequested = true;
    if (req.trigger === 'operator') s.operatorTriggered = true;
    wake = true;
  });
  setHandler(updateConnectionSignal, (update: ConnectionUpdate = {}) => {
    if (update.credentials || update.useDefaultShipStation) {
      const merged = mergeCredentials(credentials, update);
      if (merged.accountChanged) {
        // Leave the old account's workflow (its SHIP_NOTIFY and reconciliation) and join the new one.
        if (s.accountId && s.accountJoined) s.leaveAccountId = s.accountId;
        s.accountJoined = false;
        s.joinedLeasedAccount = false;
      }
      credentials = merged.credentials;
      s.lastError = undefined;
      s.fullSyncRequested = true;
      s.retryAt = undefined;
      s.consecutiveFailures = 0;
      apply('reconnect');
    }
    if (update.settings) {
      const before = settings;
      settings = { ...settings, ...update.settings };
      if (
        JSON.stringify(settings.statusMapping) !== JSON.stringify(before.statusMapping) ||
        settings.importPickupOrders !== before.importPickupOrders ||
        settings.importSince !== before.importSince
      ) {
        // A mapping fix should import the orders it skipped, without waiting for them to change in Ecwid.
        s.settingsChanged = true;
      }
      rescanOnEarlierImportSince(s, before.importSince, settings.importSince);
      if (settings.importSince < before.importSince) {
        // Orders created in the newly included window were never read (or were skipped): read it again.
        s.reread = {
          from: Math.min(settings.importSince, s.reread?.from ?? Infinity),
          to: Math.max(before.importSince, s.reread?.to ?? -Infinity),
          offset: 0,
        };
      }
    }
    wake = true;
  });
  setHandler(pauseSignal, () => apply('pause'));
  setHandler(resumeSignal, () => apply('resume'));
  setHandler(needsReconnectSignal, (reason = 'reconnect required') => {
    if (s.state !== 'disconnected') s.lastError = reason;
    apply('credentials_refused');
  });
  setHandler(disconnectSignal, () => apply('disconnect'));

  setHandler(statusQuery, () => connectionStatusOf(input.storeId, s, settings, credentials, syncing));
  setHandler(credentialsQuery, () => credentials);
  setHandler(orderDecisionQuery, (orderId): OrderDecision => explainOrder(s, orderId, settings));
  setHandler(adoptedOrdersQuery, (ids) => adoptedOf(s, ids));
  if (patched(ORDER_MERGE)) {
    // The import activity reads the last sends of the orders it is about to update (see OrderOutcome.sent).
    s.sentRecords ??= {};
    s.mergeNotes ??= {};
    setHandler(sentRecordsQuery, (ids: string[] = []) => pick(s.sentRecords ?? {}, ids));
  }

  upsertSearchAttributes([{ key: CONNECTION_STATE, value: s.state }]);

  while (s.state !== 'disconnected' && !workflowInfo().continueAsNewSuggested) {
    s.nextSyncAt ??= Date.now();
    const active = () => s.state === 'active';
    const backingOff = () => !s.operatorTriggered && Date.now() < (s.retryAt ?? 0);
    const hasWork = () =>
      s.pendingOrderIds.length > 0 || s.pendingDeletedIds.length > 0 || s.fullSyncRequested || !!s.settingsChanged || s.reread !== undefined;
    const due = () => Date.now() >= (s.nextSyncAt ?? 0);
    if (!active() || backingOff() || (!due() && !hasWork())) {
      wake = false;
      // Paused and needs_reconnect wait for a signal only; active waits for the poll timer, or the backoff's end.
      const until = hasWork() ? (s.retryAt ?? 0) : Math.max(s.nextSyncAt ?? 0, s.retryAt ?? 0);
      const woken = () => wake || s.state === 'disconnected';
      if (!active()) await condition(woken);
      else await condition(woken, Math.max(1, until - Date.now()));
      continue;
    }
    await keepAccountMembership(input.storeId, s, credentials, settings);
    if (needsAdoptionScan(s)) {
      try {
        await scanNativeOrders(input.storeId, s, credentials, settings);
      } catch (err) {
        // Nothing is sent before the native integration's orders are known: a backfill would create them again.
        const f = failureOf(err);
        s.lastError = `looking for the orders ShipStation's Ecwid integration holds failed: ${f.message}`;
        s.consecutiveFailures = (s.consecutiveFailures ?? 0) + 1;
        s.retryAt = Date.now() + backoffMs(s.consecutiveFailures);
        s.operatorTriggered = false;
        if (PERMANENT_CONNECTION_ERRORS.includes(f.type ?? '')) apply('credentials_refused');
        continue;
      }
    }
    if (due()) s.fullSyncRequested = true;
    const ranFull = s.fullSyncRequested;
    syncing = true;
    const { credentialsRefused } = await runSync(input.storeId, s, credentials, settings);
    syncing = false;
    if (credentialsRefused) apply('credentials_refused');
    syncsThisRun += 1;
    if (ranFull) s.nextSyncAt = Date.now() + settings.pollIntervalSeconds * 1000;
    if (syncsThisRun >= MAX_SYNCS_PER_RUN) break;
  }

  if (s.state === 'disconnected') {
    for (const accountId of new Set([s.leaveAccountId, s.accountJoined ? s.accountId : undefined])) {
      if (!accountId) continue;
      await leaveShipStationAccount({ storeId: input.storeId, accountId }).catch((err: unknown) =>
        log.warn('could not leave the ShipStation account', { error: String(err) }),
      );
    }
    await condition(allHandlersFinished);
    log.info('store disconnected', { storeId: input.storeId });
    return;
  }
  // Signals that arrive while we hand over are kept: they are in `s`, or the server makes us see them first.
  await condition(allHandlersFinished);
  await makeContinueAsNewFunc<typeof storeSync>({ workflowTaskTimeout: LONG_LIVED_WORKFLOW_TASK_TIMEOUT })({ storeId: input.storeId, credentials, settings, carried: s });
}

/**
 * The store belongs to its ShipStation account's workflow, which owns the account's SHIP_NOTIFY subscription and
 * shipment reconciliation. A failure is logged and tried again on the next sync; it never holds up imports.
 */
async function keepAccountMembership(storeId: number, s: CarriedState, credentials: ConnectionCredentials, settings: ConnectionSettings): Promise<void> {
  try {
    if (s.leaveAccountId) {
      await leaveShipStationAccount({ storeId, accountId: s.leaveAccountId });
      s.leaveAccountId = undefined;
    }
    // Joined before the account leased its traffic: join again, which makes the account take its lease.
    const rejoin = s.accountJoined && !s.joinedLeasedAccount && patched(IMPORTS_BY_ACCOUNT_OWNER);
    if (!s.accountJoined || rejoin) {
      const leasing = patched(IMPORTS_BY_ACCOUNT_OWNER);
      s.accountId = (await joinShipStationAccount({ storeId, credentials, settings, ...nativeStoreIdsOf(s) })).accountId;
      s.accountJoined = true;
      if (leasing) s.joinedLeasedAccount = true;
    }
  } catch (err) {
    log.warn('could not join the ShipStation account; will try again on the next sync', { error: String(err) });
  }
}

function failureOf(err: unknown): { message: string; type?: string } {
  const failure = err instanceof ActivityFailure && err.cause instanceof ApplicationFailure ? err.cause : undefined;
  return { message: failure?.message ?? (err instanceof Error ? err.message : String(err)), type: failure?.type ?? undefined };
}

/**
 * One sync, in three passes that fail apart from each other: the orders named by webhooks, retries and
 * settings changes (each order gets its own outcome); a window re-read after the import start date moved
 * earlier; and everything changed since the cursor, which is committed as soon as its paging completes.
 * A pass that fails (after the activity's own retries) is recorded and retried after a backoff.
 */
async function runSync(
  storeId: number,
  s: CarriedState,
  credentials: ConnectionCredentials,
  settings: ConnectionSettings,
): Promise<{ credentialsRefused: boolean }> {
  const started = Date.now();
  const syncId = `${workflowInfo().runId}:${s.syncsRun}`;
  const importOrders = withAdoptions(importsOf(s), s);
  const full = s.fullSyncRequested;
  s.fullSyncRequested = false;
  const why = { settingsChanged: !!s.settingsChanged, operatorTriggered: !!s.operatorTriggered };
  const foldOpts = { keepFailures: patched(FAILURES_KEPT_APART) };
  s.settingsChanged = false;
  s.operatorTriggered = false;
  const result: SyncResult = {
    at: new Date(started).toISOString(),
    trigger: why.operatorTriggered
      ? 'operator'
      : why.settingsChanged
        ? 'settings'
        : s.consecutiveFailures
          ? 'retry'
          : full
            ? 'schedule'
            : 'webhook',
    fetched: 0,
    imported: 0,
    skipped: 0,
    failed: 0,
    unchanged: 0,
    cancelled: 0,
    durationMs: 0,
  };
  const errors: string[] = [];
  let credentialsRefused = false;
  const failed = (err: unknown) => {
    const f = failureOf(err);
    errors.push(f.message);
    if (PERMANENT_CONNECTION_ERRORS.includes(f.type ?? '')) credentialsRefused = true;
    log.warn('sync pass failed', { storeId, error: f.message });
  };

  // Orders to re-read by ID: from webhooks (deletions included), failures worth another try, and skips a
  // settings change may fix. A deletion left by an earlier release is read again like the others.
  const ids = s.pendingOrderIds.splice(0);
  addUnique(ids, s.pendingDeletedIds.splice(0));
  const retryIds = Object.entries(s.notImported)
    .filter(([, n]) => (n.outcome === 'failed' && n.attempts < MAX_ORDER_ATTEMPTS) || (why.settingsChanged && n.outcome === 'skipped'))
    .map(([id]) => id);
  // A failed order that used up its attempts waits for a change in Ecwid or a sync now (as the docs say): an
  // operator's or merchant's sync now tries it again.
  const exhausted = why.operatorTriggered
    ? Object.entries(s.notImported)
        .filter(([, n]) => n.outcome === 'failed' && n.attempts >= MAX_ORDER_ATTEMPTS)
        .map(([id]) => id)
    : [];
  if (exhausted.length > 0 && patched(SYNC_NOW_RETRIES_EXHAUSTED)) retryIds.push(...exhausted);
  addUnique(ids, retryIds);
  for (const id of retryIds) delete s.recentlySent[id]; // re-evaluate them even if unchanged in Ecwid
  // What was sent before this sync: pages of this sync never need what earlier pages of it sent, and passing
  // the growing map to every page would make a backfill's history grow with the square of its size.
  const sentBefore = { ...s.recentlySent };

  // 1. Orders by ID, first: a webhook's order should not wait behind a long backfill.
  for (let i = 0; i < ids.length; i += 100) {
    const chunk = ids.slice(i, i + 100);
    try {
      const page = await importOrders({ storeId, syncId, credentials, settings, orderIds: chunk, recentlySent: pick(sentBefore, chunk) });
      fold(s, page.outcomes, result, foldOpts);
    } catch (err) {
      failed(err);
      // Orders asked for by ID are never lost: they wait for the next sync, after the backoff.
      addUnique(s.pendingOrderIds, ids.slice(i));
      break;
    }
  }

  // 2. A window of creation dates newly included by an earlier import start date.
  while (s.reread && !credentialsRefused) {
    const w = s.reread;
    try {
      const page = await importOrders({ storeId, syncId, credentials, settings, createdFrom: w.from, createdTo: w.to, offset: w.offset, recentlySent: sentBefore });
      fold(s, page.outcomes, result, foldOpts);
      w.offset += page.count;
      if (page.count === 0 || w.offset >= page.total) s.reread = undefined;
      else if (workflowInfo().continueAsNewSuggested) break; // the next run goes on from w.offset
    } catch (err) {
      failed(err);
      break;
    }
  }

  // 3. Everything that changed since the cursor.
  let syncedUntil: number | undefined;
  if (full && !credentialsRefused) {
    const resume = s.resume;
    s.resume = undefined;
    const since = resume?.since ?? (s.cursor === undefined ? settings.importSince : Math.max(settings.importSince, s.cursor - CURSOR_OVERLAP_SECONDS));
    let nextCursor: number | undefined = resume?.cursor;
    let offset = resume?.offset ?? 0;
    try {
      for (;;) {
        const page = await importOrders({ storeId, syncId, credentials, settings, updatedFrom: since, offset, recentlySent: sentBefore });
        nextCursor ??= page.startedAt;
        fold(s, page.outcomes, result, foldOpts);
        offset += page.count;
        if (page.count === 0 || offset >= page.total) {
          syncedUntil = nextCursor;
          break;
        }
        if (workflowInfo().continueAsNewSuggested) {
          // History is getting large mid-backfill: hand over to a fresh run, which resumes this paging.
          s.resume = { since, offset, cursor: nextCursor };
          s.fullSyncRequested = true;
          break;
        }
      }
    } catch (err) {
      failed(err);
      // After the backoff the paging goes on where it stopped: pages already imported are not read again.
      if (nextCursor !== undefined) s.resume = { since, offset, cursor: nextCursor };
      s.fullSyncRequested = true;
    }
  }
  if (syncedUntil !== undefined) {
    // Committed now, whatever the other passes did: a good full pass is never thrown away.
    s.cursor = syncedUntil;
    // Forget sends older than the overlap window: they won't be re-read by the next incremental sync.
    for (const [id, ts] of Object.entries(s.recentlySent)) if (ts < syncedUntil - CURSOR_OVERLAP_SECONDS) delete s.recentlySent[id];
  }
  if (why.operatorTriggered && s.accountId && s.accountJoined) {
    // An operator's "sync now" also looks for labels whose SHIP_NOTIFY was lost: its account reconciles (one call,
    // whatever the number of stores on the account).
    await reconcileAccountNow({ accountId: s.accountId }).catch((err: unknown) =>
      log.warn('could not ask the account to reconcile shipments', { error: String(err) }),
    );
  }

  if (errors.length > 0) {
    result.error = errors.join('; ');
    s.lastError = result.error;
    s.consecutiveFailures = (s.consecutiveFailures ?? 0) + 1;
    s.retryAt = Date.now() + backoffMs(s.consecutiveFailures);
  } else {
    s.lastError = undefined;
    s.consecutiveFailures = 0;
    s.retryAt = undefined;
  }
  s.syncsRun += 1;
  result.durationMs = Date.now() - started;
  s.lastSyncResult = result;
  describeLastSync(s, result);
  return { credentialsRefused };
}
