import {
  ActivityCancellationType,
  ActivityFailure,
  ApplicationFailure,
  CancellationScope,
  allHandlersFinished,
  condition,
  makeContinueAsNewFunc,
  log,
  patched,
  proxyActivities,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import type { createActivities } from '../activities';
import type { BudgetLease } from '../clients/rate-pacer';
import { shipstationAccountTaskQueue } from '../domain/ids';
import {
  accountCredentialsQuery,
  accountOwnerSignal,
  accountStatusQuery,
  LONG_LIVED_WORKFLOW_TASK_TIMEOUT,
  attachStoreSignal,
  budgetReportSignal,
  detachStoreSignal,
  reconcileNowSignal,
  shipNoticeRoutedSignal,
  credentialsRefusedSignal,
  replaceCredentialsSignal,
  type AccountCredentialsState,
  type AccountOwner,
  type CredentialsRefused,
  type ReplaceCredentials,
  type AccountStatus,
  type AttachStore,
  type BudgetReport,
  type ShipStationAccountInput,
  type ShipStationCredentials,
} from './definitions';

type Activities = ReturnType<typeof createActivities>;

/** Failures that retrying the same call cannot fix (wrong or missing keys, no account workflow to read from). */
const PERMANENT = ['ShipStationAuthFailed', 'ShipStationNotConfigured', 'ShipStationAccountMismatch', 'ShipStationAccountNotConnected'];

const ACCOUNT_CALLS = {
  // Calls wait for the account's budget behind imports (the activities heartbeat on a ticker meanwhile).
  startToCloseTimeout: '10 minutes',
  heartbeatTimeout: '60 seconds',
  // A few attempts, then the workflow's own, longer backoff: a failing subscription never blocks reconciliation.
  retry: { initialInterval: '5 seconds', backoffCoefficient: 2, maximumInterval: '1 minute', maximumAttempts: 3, nonRetryableErrorTypes: PERMANENT },
} as const;

/**
 * Runs that recorded this marker lease the account's traffic to one worker (activities/account-traffic.ts) and run
 * their ShipStation calls on the account's task queue; runs begun before it call from any worker, as recorded.
 */
export const ACCOUNT_OWNS_TRAFFIC = 'account-owns-traffic';

/**
 * Runs that recorded this marker re-subscribe at their first turn after the upgrade that signs each account's
 * SHIP_NOTIFY target (connections/ship-notify-target.ts), instead of at the next daily check.
 */
export const SIGNED_SHIP_NOTIFY_TARGET = 'signed-ship-notify-target';

/**
 * Runs that recorded this marker keep their key pair when a store joins with another copy of it: the pair changes
 * only by `replaceCredentials`. Before, the last store to join brought its pair (and a typo replaced a working one).
 */
export const ACCOUNT_KEEPS_ITS_PAIR = 'account-keeps-its-pair';

/** The account's activities, run by its owner (its task queue), or by any worker in runs begun before the lease. */
function accountCalls(accountId: string, leased: boolean) {
  if (!leased) return proxyActivities<Activities>(ACCOUNT_CALLS);
  // The owner's death must be noticed in seconds: another owner picks the retried call up from the same queue.
  return proxyActivities<Activities>({ ...ACCOUNT_CALLS, heartbeatTimeout: '5 seconds', taskQueue: shipstationAccountTaskQueue(workflowInfo().taskQueue, accountId) });
}

/**
 * The lease: one attempt lives as long as its worker (its heartbeat proves it, every second, with the budget spent),
 * and the next attempt, on any worker, starts 5 s after the last heartbeat at most, from that spending. No limit of
 * attempts: an account always has an owner while it has stores.
 */
const { ownAccountTraffic } = proxyActivities<Activities>({
  startToCloseTimeout: '30 days',
  heartbeatTimeout: '5 seconds',
  retry: { initialInterval: '200 milliseconds', backoffCoefficient: 1.5, maximumInterval: '2 seconds' },
  // Cancelled at the end of a run: wait for the owner to stop serving and hand over what it spent.
  cancellationType: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
});

/** One `GET /shipments` pass per interval for the whole account, whatever the number of stores (≤ 12 calls an hour idle). */
export const RECONCILE_EVERY_MS = 15 * 60_000;
/** Each pass reads from where the last one ended, minus this overlap (ShipStation's list lags behind its labels). */
export const RECONCILE_OVERLAP_SECONDS = 600;
/** A new account looks back a day: labels bought while the stores' old per-store subscriptions were replaced. */
export const FIRST_LOOKBACK_SECONDS = 86_400;
/** The subscription is checked again daily (someone may delete it in ShipStation's settings), and on every new run. */
const RESUBSCRIBE_EVERY_MS = 24 * 3_600_000;
/** A failed subscription is tried again after 1 minute, doubling, at most hourly. */
const SUBSCRIBE_RETRY_FIRST_MS = 60_000;
const SUBSCRIBE_RETRY_MAX_MS = 3_600_000;
/** Continue as new past this many events, whatever Temporal suggests (its suggestion comes at ~10,000 or 10 MB). */
const MAX_EVENTS_PER_RUN = 1_000;
/** Budget reports of a worker that stopped reporting (it died, or went idle without saying so) are dropped. */
const REPORT_KEPT_MS = 5 * 60_000;
/**
 * An asked-for reconciliation (`reconcileNow`: an operator's or a merchant's "sync now", from any of the account's
 * stores) starts at least this long after the previous pass ended: a thousand merchants clicking must not spend the
 * account's 40 calls a minute on listing shipments. Asks that arrive meanwhile are served by one pass.
 */
export const ASKED_RECONCILE_GAP_MS = 60_000;
/** Bound of one turn's legacy clean-up (each ensure call deletes a chunk of old per-store subscriptions). */
const ENSURE_CALLS_PER_TURN = 50;

interface StoreEntry {
  shipstationStoreId?: number;
  /** ShipStation's own Ecwid store(s) whose orders the store adopted: their labels are routed to it too. */
  nativeStoreIds?: number[];
}

/** What one run hands to the next (continue-as-new). Small: store IDs, a few timestamps and counts. */
export interface AccountCarried {
  stores: [number, StoreEntry][];
  subscription: AccountStatus['subscription'];
  subscribeFailures: number;
  /** Epoch ms; undefined: at the run's first turn. */
  nextSubscribeAt?: number;
  /** Unix seconds up to which shipments were reconciled. */
  reconciledUntil?: number;
  lastReconciliation?: AccountStatus['lastReconciliation'];
  nextReconcileAt?: number;
  reconcileRequested?: boolean;
  /** Epoch ms when the last pass ended (asked-for passes keep ASKED_RECONCILE_GAP_MS after it). */
  lastReconcileEndedAt?: number;
  notifications: { routed: number; ignored: number };
  reports: BudgetReport[];
  /** What the budget spent under the last lease (for the next run's owner). */
  lease?: BudgetLease;
  owner?: AccountOwner;
  ownerChanges?: number;
  /** The key pair's state (fingerprints, refused, replacements, expiry): never the pair. */
  credentialsState?: AccountCredentialsState;
  /** The subscription was ensured with the account's signed target (SIGNED_SHIP_NOTIFY_TARGET) in this or an earlier run. */
  signedTarget?: boolean;
}

function freshCarried(): AccountCarried {
  return { stores: [], subscription: { state: 'pending' }, subscribeFailures: 0, notifications: { routed: 0, ignored: 0 }, reports: [] };
}

function failureMessage(err: unknown): string {
  const failure = err instanceof ActivityFailure && err.cause instanceof ApplicationFailure ? err.cause : undefined;
  return failure?.message ?? (err instanceof Error ? err.message : String(err));
}

/**
 * One workflow per ShipStation account (`shipstation-account:<accountId>`, the account named by a hash of its API
 * key), shared by every store that uses that account. Stores join with `attachStore` (signal-with-start from the
 * `joinShipStationAccount` activity, no ShipStation call) and leave with `detachStore`. It owns what is per
 * account in ShipStation, so that its cost does not grow with the number of stores:
 * - ONE SHIP_NOTIFY subscription (`…/webhooks/shipstation?secret=…&account=<accountId>`), ensured once per run and
 *   daily; it replaces the connector's older per-store subscriptions (subscribe first, then delete);
 * - ONE shipment reconciliation every 15 minutes (and on `reconcileNow`), routed to the stores' orders by orderKey.
 * Operators read `accountStatus`; workers report the account's queue and budget with `budgetReport`. When its
 * last store leaves it removes the subscription and completes.
 */
export async function shipstationAccount(input: ShipStationAccountInput): Promise<{ storesLeft: number }> {
  const c: AccountCarried = { ...freshCarried(), ...((input.carried as AccountCarried | undefined) ?? {}) };
  let credentials: ShipStationCredentials | undefined = input.credentials;
  const stores = new Map<number, StoreEntry>(c.stores);
  const reports = new Map<string, BudgetReport>(c.reports.map((r) => [r.worker, r]));
  let wake = false;

  // A run begun before the lease takes it at its first turn that runs live after the upgrade (patched there).
  let leased = patched(ACCOUNT_OWNS_TRAFFIC);
  let { ensureAccountShipNotify, removeAccountShipNotify, reconcileAccountShipments } = accountCalls(input.accountId, leased);
  let lease: { scope: CancellationScope; done: Promise<void>; releasing: boolean } | undefined;
  const takeLease = () => {
    if (!leased || lease) return;
    const scope = new CancellationScope();
    const held = { scope, done: Promise.resolve(), releasing: false };
    held.done = scope
      .run(() => ownAccountTraffic({ accountId: input.accountId, ...(c.lease ? { lease: c.lease } : {}) }))
      .then(
        (spent) => void (c.lease = spent),
        () => undefined, // cancelled before it handed anything over: the next owner learns from ShipStation's headers
      )
      .then(() => {
        if (held.releasing) return;
        // Ended without being asked to (not expected: timeouts and failures are retried by Temporal): take it again
        // at the next turn, without waking the loop, so that such an end can never spin.
        lease = undefined;
        c.owner = undefined;
      });
    lease = held;
  };
  /** A run begun before the lease takes it at its first live turn or join after the upgrade (patched there). */
  function upgradeToLease(): void {
    if (leased || !patched(ACCOUNT_OWNS_TRAFFIC)) return;
    leased = true;
    ({ ensureAccountShipNotify, removeAccountShipNotify, reconcileAccountShipments } = accountCalls(input.accountId, true));
    if (stores.size > 0) takeLease();
  }
  const releaseLease = async () => {
    if (!lease) return;
    lease.releasing = true;
    lease.scope.cancel();
    await lease.done;
    lease = undefined;
    c.owner = undefined;
  };

  setHandler(attachStoreSignal, (a?: AttachStore) => {
    if (!a || !Number.isSafeInteger(a.storeId)) return;
    // A store that joins (again) after the upgrade is about to send its imports to the account's queue: lease now.
    upgradeToLease();
    stores.set(a.storeId, {
      ...(a.shipstationStoreId !== undefined ? { shipstationStoreId: a.shipstationStoreId } : {}),
      ...(Array.isArray(a.nativeStoreIds) && a.nativeStoreIds.length > 0 ? { nativeStoreIds: a.nativeStoreIds.slice(0, 20) } : {}),
    });
    if (a.credentials) {
      // The account's pair is replaced only on purpose (`replaceCredentials`, verified first): a joining store's copy,
      // possibly older, never overwrites it. Runs begun before this kept the last store's pair, as recorded.
      if (patched(ACCOUNT_KEEPS_ITS_PAIR)) credentials ??= a.credentials;
      else credentials = a.credentials;
    }
    if (a.keyFingerprint && !c.credentialsState?.keyFingerprint && !c.credentialsState?.replacements) {
      c.credentialsState = {
        state: 'ok',
        ...c.credentialsState,
        keyFingerprint: a.keyFingerprint,
        pairFingerprint: a.pairFingerprint,
        // The expiry date an operator gave with the pair the account was registered with (warned 14 days ahead).
        ...(a.credentials?.expiresAt && credentials?.apiKey === a.credentials.apiKey && credentials.apiSecret === a.credentials.apiSecret
          ? { expiresAt: a.credentials.expiresAt }
          : {}),
      };
    }
  });
  setHandler(replaceCredentialsSignal, (r?: ReplaceCredentials) => {
    if (!r?.credentials?.apiKey || !r.credentials.apiSecret) return;
    credentials = r.credentials;
    c.credentialsState = {
      state: 'ok',
      keyFingerprint: r.keyFingerprint,
      pairFingerprint: r.pairFingerprint,
      replacedAt: r.at,
      replacedBy: r.by,
      replacements: (c.credentialsState?.replacements ?? 0) + 1,
      ...(r.credentials.expiresAt ? { expiresAt: r.credentials.expiresAt } : {}),
    };
    // Labels bought while the old pair was refused: found by the next pass (its cursor did not move meanwhile).
    c.reconcileRequested = true;
    wake = true;
  });
  setHandler(credentialsRefusedSignal, (r?: CredentialsRefused) => {
    if (!r || typeof r.pairFingerprint !== 'string') return;
    const known = c.credentialsState?.pairFingerprint;
    // A refusal of a pair replaced since (an activity that started with it) says nothing about the current one.
    if (known !== undefined && known !== r.pairFingerprint) return;
    if (c.credentialsState?.state === 'refused') return;
    c.credentialsState = { ...c.credentialsState, state: 'refused', refusedAt: r.at, refusedStatus: r.status };
  });
  setHandler(detachStoreSignal, (d?: { storeId: number }) => {
    if (!d || !stores.delete(d.storeId)) return;
    if (stores.size === 0) wake = true;
  });
  setHandler(reconcileNowSignal, () => {
    c.reconcileRequested = true;
    wake = true;
  });
  setHandler(budgetReportSignal, (r?: BudgetReport) => {
    if (!r || typeof r.worker !== 'string') return;
    // An idle worker's report says "nothing here": it is dropped rather than kept at zero.
    if (r.queueDepth > 0 || r.callsInCurrentWindow > 0) reports.set(r.worker, r);
    else reports.delete(r.worker);
  });
  setHandler(shipNoticeRoutedSignal, (n?: { routed: number; ignored: number }) => {
    c.notifications.routed += Math.max(0, n?.routed ?? 0);
    c.notifications.ignored += Math.max(0, n?.ignored ?? 0);
  });
  setHandler(accountOwnerSignal, (o?: AccountOwner) => {
    if (!o || typeof o.worker !== 'string') return;
    c.owner = o;
    c.ownerChanges = (c.ownerChanges ?? 0) + 1;
  });
  setHandler(accountCredentialsQuery, () => credentials);
  setHandler(accountStatusQuery, (): AccountStatus => {
    const list = [...reports.values()];
    return {
      accountId: input.accountId,
      account: credentials ? 'own' : 'default',
      stores: [...stores.keys()].sort((a, b) => a - b),
      ...nativeLinksOf(stores),
      subscription: c.subscription,
      ...(c.lastReconciliation ? { lastReconciliation: c.lastReconciliation } : {}),
      notifications: { ...c.notifications },
      budget: {
        queueDepth: list.reduce((n, r) => n + r.queueDepth, 0),
        oldestWaitingMs: list.reduce((n, r) => Math.max(n, r.oldestWaitingMs), 0),
        callsInCurrentWindow: list.reduce((n, r) => n + r.callsInCurrentWindow, 0),
        reports: list,
      },
      ...(c.owner ? { owner: c.owner } : {}),
      ...(c.ownerChanges !== undefined ? { ownerChanges: c.ownerChanges } : {}),
      ...(c.credentialsState ? { credentials: { ...c.credentialsState } } : {}),
    };
  });


  const subscribe = async (): Promise<void> => {
    try {
      let replaced = 0;
      let result: Awaited<ReturnType<typeof ensureAccountShipNotify>> | undefined;
      // Old per-store subscriptions go in chunks, each after the account's own subscription is in place.
      for (let i = 0; i < ENSURE_CALLS_PER_TURN && (result === undefined || result.legacyLeft > 0) && stores.size > 0; i++) {
        result = await ensureAccountShipNotify({ accountId: input.accountId });
        replaced += result.replacedLegacy;
      }
      if (!result) return;
      c.subscription = {
        state: result.state === 'not_configured' ? 'not_configured' : 'subscribed',
        at: new Date().toISOString(),
        replacedLegacy: (c.subscription.replacedLegacy ?? 0) + replaced,
      };
      c.subscribeFailures = 0;
      c.nextSubscribeAt = Date.now() + (result.legacyLeft > 0 ? SUBSCRIBE_RETRY_FIRST_MS : RESUBSCRIBE_EVERY_MS);
    } catch (err) {
      c.subscribeFailures += 1;
      const error = failureMessage(err);
      c.subscription = { ...c.subscription, state: 'failed', at: new Date().toISOString(), error };
      c.nextSubscribeAt = Date.now() + Math.min(SUBSCRIBE_RETRY_MAX_MS, SUBSCRIBE_RETRY_FIRST_MS * 2 ** (c.subscribeFailures - 1));
      log.warn('SHIP_NOTIFY subscription of the account failed; reconciliation still finds labels', { accountId: input.accountId, error });
    }
  };

  const reconcile = async (): Promise<void> => {
    c.reconcileRequested = false;
    const nowS = Math.floor(Date.now() / 1000);
    const since = c.reconciledUntil !== undefined ? c.reconciledUntil - RECONCILE_OVERLAP_SECONDS : nowS - FIRST_LOOKBACK_SECONDS;
    const at = new Date().toISOString();
    try {
      const r = await reconcileAccountShipments({ accountId: input.accountId, since });
      c.reconciledUntil = r.until;
      c.lastReconciliation = { at, since: new Date(since * 1000).toISOString(), shipments: r.shipments, routed: r.routed, ignored: r.ignored };
    } catch (err) {
      // The cursor stays: the next pass covers this one's window too.
      const error = failureMessage(err);
      c.lastReconciliation = { at, since: new Date(since * 1000).toISOString(), shipments: 0, routed: 0, ignored: 0, error };
      log.warn('shipment reconciliation of the account failed; the next pass covers its window', { accountId: input.accountId, error });
    }
    c.nextReconcileAt = Date.now() + RECONCILE_EVERY_MS;
    c.lastReconcileEndedAt = Date.now();
  };
  // Runs started before the gap existed keep reconciling at once on each ask (their histories replay as recorded).
  const askedGap = patched('asked-reconcile-gap');
  const askedReconcileAt = () => (!c.reconcileRequested ? Infinity : askedGap ? (c.lastReconcileEndedAt ?? 0) + ASKED_RECONCILE_GAP_MS : 0);

  // Started by a store's attachStore (signal-with-start); a bare start waits for its first store.
  await condition(() => stores.size > 0);
  takeLease();

  for (;;) {
    if (!c.signedTarget && patched(SIGNED_SHIP_NOTIFY_TARGET)) {
      // The first turn after the upgrade re-subscribes now rather than at the daily check: the old target carried
      // the retired shared secret, which the API refuses (reconciliation brings labels meanwhile).
      c.signedTarget = true;
      c.nextSubscribeAt = undefined;
    }
    upgradeToLease();
    if (stores.size > 0) takeLease();
    if (stores.size === 0) {
      // The last store left: nothing routes here any more. A store that joins meanwhile keeps the account going.
      await condition(allHandlersFinished);
      if (c.subscription.state === 'subscribed' || c.subscription.state === 'failed') {
        await removeAccountShipNotify({ accountId: input.accountId }).catch((err: unknown) =>
          log.warn('could not remove the account SHIP_NOTIFY subscription', { accountId: input.accountId, error: failureMessage(err) }),
        );
      }
      await condition(allHandlersFinished);
      if (stores.size === 0) {
        await releaseLease();
        log.info('last store left the ShipStation account', { accountId: input.accountId });
        return { storesLeft: 0 };
      }
      c.subscription = { state: 'pending' };
      c.nextSubscribeAt = undefined;
      continue;
    }
    // Short runs: a busy account takes a signal per notice and per worker report, and an evicted account workflow
    // is replayed whole before it can route anything.
    if (workflowInfo().continueAsNewSuggested || workflowInfo().historyLength > MAX_EVENTS_PER_RUN) break;
    if (c.nextSubscribeAt === undefined || Date.now() >= c.nextSubscribeAt) await subscribe();
    if (stores.size > 0 && (Date.now() >= askedReconcileAt() || Date.now() >= (c.nextReconcileAt ?? 0))) await reconcile();
    for (const [worker, r] of reports) if (Date.now() - Date.parse(r.at) > REPORT_KEPT_MS) reports.delete(worker);
    wake = false;
    // An ask that came during a pass is served when its gap ends (before the gap existed, it waited for the next pass).
    const next = Math.min(c.nextSubscribeAt ?? Date.now(), c.nextReconcileAt ?? Date.now(), askedGap ? askedReconcileAt() : Infinity);
    await condition(() => wake, Math.max(1, next - Date.now()));
  }

  await releaseLease();
  await condition(allHandlersFinished);
  // The subscription's daily re-check carries over: handing over often must not cost a list call each time.
  const carried: AccountCarried = { ...c, stores: [...stores], reports: [...reports.values()] };
  await makeContinueAsNewFunc<typeof shipstationAccount>({ workflowTaskTimeout: LONG_LIVED_WORKFLOW_TASK_TIMEOUT })({ accountId: input.accountId, credentials, carried });
  return { storesLeft: stores.size };
}

/** Which attached store adopted the orders of which of ShipStation's own Ecwid stores (labels are routed by it). */
function nativeLinksOf(stores: Map<number, StoreEntry>): Pick<AccountStatus, 'nativeStoreLinks'> {
  const links = [...stores].filter(([, e]) => e.nativeStoreIds?.length).map(([storeId, e]) => ({ storeId, nativeStoreIds: e.nativeStoreIds ?? [] }));
  return links.length > 0 ? { nativeStoreLinks: links } : {};
}
