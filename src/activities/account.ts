/**
 * Activities of the ShipStation account (workflows/shipstation-account.ts): stores join and leave it, and it owns
 * the account's SHIP_NOTIFY subscription and shipment reconciliation. The account is named by a hash of its API
 * key (`shipstationAccountId`), computed here, outside workflow code.
 */
import { ApplicationFailure } from '@temporalio/activity';
import { QueryRejectedError, WorkflowNotFoundError } from '@temporalio/client';
import type { ShipStationClient } from '../clients/shipstation-client';
import { toShipStationDateTime } from '../domain/dates';
import { shipstationAccountWorkflowId } from '../domain/ids';
import {
  canonicalShipNoticeUrl,
  routeShipments,
  SHIP_NOTICE_MAX_PAGES,
  shipNoticePageUrl,
  type Routing,
} from '../domain/shipment-notice';
import type { ShipStationShipment } from '../domain/shipstation';
import {
  accountCredentialsQuery,
  accountStatusQuery,
  attachStoreSignal,
  detachStoreSignal,
  LONG_LIVED_WORKFLOW_TASK_TIMEOUT,
  reconcileNowSignal,
  shipNoticeRoutedSignal,
  type AttachStore,
  type ConnectionCredentials,
  type ConnectionSettings,
  type ShipStationAccountInput,
  type ShipStationCredentials,
} from '../workflows/definitions';
import { fingerprint } from '../connections/fingerprint';
import { KEY_FINGERPRINT, accountIdOf, pairFingerprint, recordResumePoint, resumePoint, shipstationAccountId, shipstationFor, type ActivityDeps } from './deps';
import { classified } from './failures';
import { deliverRoutedOrders, openWorkflowsOnly, temporal } from './shipments';
import { ensureAccountSubscription, removeAccountSubscription, type AccountSubscription } from './webhook-subscription';
import { reconcileAccountFulfillments } from './fulfillments';

/** The ShipStation credentials a connection uses: its own, or the worker's default account. */
function effectiveCredentials(deps: ActivityDeps, own: ShipStationCredentials | undefined): ShipStationCredentials {
  const creds = own ?? deps.defaultShipStation;
  if (!creds) {
    throw ApplicationFailure.nonRetryable(
      'No ShipStation credentials: set SHIPSTATION_API_KEY and SHIPSTATION_API_SECRET, or give the connection its own',
      'ShipStationNotConfigured',
    );
  }
  return creds;
}

function accountNotConnected(accountId: string): ApplicationFailure {
  return ApplicationFailure.nonRetryable(`ShipStation account ${accountId} has no connected store`, 'ShipStationAccountNotConnected');
}

/** Reads a query of the account's workflow; a closed or missing workflow refuses (it has no store any more). */
async function queryAccount<T>(deps: ActivityDeps, accountId: string, read: (h: ReturnType<ReturnType<typeof openWorkflowsOnly>['getHandle']>) => Promise<T>): Promise<T> {
  try {
    return await read(openWorkflowsOnly(temporal(deps)).getHandle(shipstationAccountWorkflowId(accountId)));
  } catch (err) {
    if (err instanceof WorkflowNotFoundError || err instanceof QueryRejectedError) throw accountNotConnected(accountId);
    throw err;
  }
}

/** The account's own credentials, held by its workflow (undefined: the worker's default account). */
export function credentialsOfAccount(deps: ActivityDeps, accountId: string): Promise<ShipStationCredentials | undefined> {
  return queryAccount(deps, accountId, (h) => h.query(accountCredentialsQuery));
}

/** The Ecwid stores attached to the account now. */
export async function storesOfAccount(deps: ActivityDeps, accountId: string): Promise<number[]> {
  return (await queryAccount(deps, accountId, (h) => h.query(accountStatusQuery))).stores;
}

/**
 * Where the account's labels go: the attached stores, and which of them adopted the orders of ShipStation's own
 * Ecwid store(s) (native store ID → Ecwid store), one query.
 */
export async function routingOfAccount(deps: ActivityDeps, accountId: string): Promise<{ stores: Set<number>; native: Map<number, number> }> {
  const status = await queryAccount(deps, accountId, (h) => h.query(accountStatusQuery));
  const native = new Map<number, number>();
  for (const link of status.nativeStoreLinks ?? []) for (const id of link.nativeStoreIds) native.set(id, link.storeId);
  return { stores: new Set(status.stores), native };
}

/**
 * A client for the account. Refuses when the credentials at hand are another account's: the worker's default
 * key changed since the account's workflow was started (its stores join the new account on their next run).
 */
export async function accountClient(deps: ActivityDeps, accountId: string): Promise<ShipStationClient> {
  return shipstationFor(deps, { ecwidAccessToken: '', shipstation: await pairOfAccount(deps, accountId, await credentialsOfAccount(deps, accountId)) }, accountId);
}

/**
 * The pair the account uses: its own (given when a store joined, or by a replacement), or the worker's default
 * for the default account — refused when SHIPSTATION_API_KEY changed since the account was registered with it
 * (replace the default account's pair through the API instead, which keeps the account).
 */
function pairOfAccount(deps: ActivityDeps, accountId: string, own: ShipStationCredentials | undefined): ShipStationCredentials {
  const creds = effectiveCredentials(deps, own);
  if (!own && shipstationAccountId(creds.apiKey) !== accountId) {
    throw ApplicationFailure.nonRetryable(
      `The ShipStation credentials at hand belong to another account than ${accountId} (SHIPSTATION_API_KEY changed?)`,
      'ShipStationAccountMismatch',
    );
  }
  return creds;
}

/** How long a worker reuses what an account's workflow said (its pair and state): a replacement shows within this. */
const ACCOUNT_FACTS_KEPT_MS = 3_000;
/**
 * Past ACCOUNT_FACTS_KEPT_MS, what was said is still used for this long when a fresh answer does not come within
 * ACCOUNT_FACTS_WAIT_MS. A query waits for the worker that last ran the account's workflow; when that worker just
 * died, Temporal gives the query to another worker only some 10 s later, and the account's imports must not wait for
 * it. A pair that ShipStation refuses meanwhile is asked for again at once (see importOrdersOfStore).
 */
const ACCOUNT_FACTS_STALE_MS = 60_000;
/** How long a question is given when an earlier answer can stand in (a deadline: no call outlives it). */
const ACCOUNT_FACTS_WAIT_MS = 1_000;

interface KeptFacts {
  at: number;
  facts: Promise<AccountFacts>;
  /** Set once `facts` resolved: what stands in while a fresher answer is late. */
  known?: AccountFacts;
  /** The question asked with a deadline past ACCOUNT_FACTS_KEPT_MS, shared by every import that waits for it. */
  refresh?: Promise<AccountFacts>;
}
const accountFacts = new Map<string, KeptFacts>();

export interface AccountFacts {
  credentials: ShipStationCredentials;
  refused: boolean;
}

function askAccountFacts(deps: ActivityDeps, accountId: string): Promise<AccountFacts> {
  return (async () => {
    const [own, status] = await Promise.all([credentialsOfAccount(deps, accountId), queryAccount(deps, accountId, (h) => h.query(accountStatusQuery))]);
    return { credentials: pairOfAccount(deps, accountId, own), refused: status.credentials?.state === 'refused' };
  })();
}

function keep(accountId: string, facts: Promise<AccountFacts>): KeptFacts {
  const kept: KeptFacts = { at: Date.now(), facts };
  accountFacts.set(accountId, kept);
  facts.then(
    (f) => {
      // A refused pair is not kept: its replacement must show at the next question.
      if (f.refused) accountFacts.delete(accountId);
      else kept.known = f;
    },
    () => accountFacts.get(accountId) === kept && accountFacts.delete(accountId),
  );
  return kept;
}

/**
 * The account's current pair and whether ShipStation refuses it, for the activities that call ShipStation on a
 * store's behalf (imports, write-backs): the account holds the pair, so a replacement reaches them at once, whatever
 * copy the store holds. Kept a few seconds per process (a burst of pages asks once). Past that, the account is asked
 * again with a 1 s deadline, and what it said last (up to a minute ago) stands in if the answer is late.
 */
export async function factsOfAccount(deps: ActivityDeps, accountId: string): Promise<AccountFacts> {
  const kept = accountFacts.get(accountId);
  const age = kept ? Date.now() - kept.at : Infinity;
  if (kept && age < ACCOUNT_FACTS_KEPT_MS) return kept.facts;
  const stale = kept?.known && age < ACCOUNT_FACTS_STALE_MS ? kept.known : undefined;
  if (!kept || !stale) return keep(accountId, askAccountFacts(deps, accountId)).facts;
  kept.refresh ??= temporal(deps)
    .withDeadline(Date.now() + ACCOUNT_FACTS_WAIT_MS, () => askAccountFacts(deps, accountId))
    .then((fresh) => {
      if (accountFacts.get(accountId) === kept) keep(accountId, Promise.resolve(fresh));
      return fresh;
    })
    .finally(() => (kept.refresh = undefined));
  try {
    return await kept.refresh;
  } catch (err) {
    // Late, or refused for a moment (a run handing over to the next): what the account said last stands in.
    deps.logger.warn({ accountId, err: String(err) }, 'the ShipStation account did not answer in time; using what it said last');
    return stale;
  }
}

/** What this process knows of the account now, if anything (the account's owner hands it to the next one). */
export function knownAccountFacts(accountId: string): AccountFacts | undefined {
  return accountFacts.get(accountId)?.known;
}

/** What the account's previous owner knew (its last heartbeat): used until this process asks the account itself. */
export function adoptAccountFacts(accountId: string, facts: AccountFacts | undefined): void {
  if (!facts || facts.refused || accountFacts.get(accountId)?.known) return;
  const kept = keep(accountId, Promise.resolve(facts));
  kept.known = facts;
}

/** Forgets what this process kept about the account (its pair was just refused: it may have been replaced since). */
export function forgetAccountFacts(accountId: string): void {
  accountFacts.delete(accountId);
}

/** A refused pair: the work waits for new credentials (not a reason to reconnect the store, nor to retry). */
export function credentialsRefusedFailure(accountId: string): ApplicationFailure {
  return ApplicationFailure.nonRetryable(
    `ShipStation refuses the key pair of account ${accountId}: it needs new ShipStation credentials (orders and shipments wait; nothing is lost)`,
    'ShipStationCredentialsRefused',
  );
}

/**
 * A store joins the workflow of its ShipStation account (signal-with-start: no ShipStation call, so a store's
 * import never waits for it). Joining again, on every run of the store, changes nothing.
 */
export async function joinShipStationAccount(
  deps: ActivityDeps,
  input: { storeId: number; credentials: ConnectionCredentials; settings: ConnectionSettings; nativeStoreIds?: number[] },
): Promise<{ accountId: string }> {
  const own = input.credentials.shipstation;
  const pair = effectiveCredentials(deps, own);
  const accountId = accountIdOf(deps, own);
  const attach: AttachStore = {
    storeId: input.storeId,
    ...(typeof input.settings.shipstationStoreId === 'number' ? { shipstationStoreId: input.settings.shipstationStoreId } : {}),
    ...(input.nativeStoreIds?.length ? { nativeStoreIds: input.nativeStoreIds } : {}),
    ...(own ? { credentials: own } : {}),
    keyFingerprint: fingerprint(KEY_FINGERPRINT, pair.apiKey),
    pairFingerprint: pairFingerprint(pair),
  };
  const args: ShipStationAccountInput = { accountId, ...(own ? { credentials: own } : {}) };
  await temporal(deps).workflow.signalWithStart('shipstationAccount', {
    workflowId: shipstationAccountWorkflowId(accountId),
    taskQueue: deps.taskQueue ?? 'ecwid-shipstation',
    workflowTaskTimeout: LONG_LIVED_WORKFLOW_TASK_TIMEOUT,
    args: [args],
    signal: attachStoreSignal,
    signalArgs: [attach],
    staticSummary: `ShipStation account ${accountId}: SHIP_NOTIFY and reconciliation for its stores`,
  });
  return { accountId };
}

/** A store leaves its account (disconnected, or moved to another account). An account already gone is fine. */
export async function leaveShipStationAccount(deps: ActivityDeps, input: { storeId: number; accountId: string }): Promise<void> {
  try {
    await temporal(deps).workflow.getHandle(shipstationAccountWorkflowId(input.accountId)).signal(detachStoreSignal, { storeId: input.storeId });
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return;
    throw err;
  }
}

/**
 * Asks the account for a reconciliation now (an operator's "sync now" of one of its stores): a signal, no
 * ShipStation call here; the account reads its shipments once for all its stores.
 */
export async function reconcileAccountNow(deps: ActivityDeps, input: { accountId: string }): Promise<boolean> {
  try {
    await temporal(deps).workflow.getHandle(shipstationAccountWorkflowId(input.accountId)).signal(reconcileNowSignal);
    return true;
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return false;
    throw err;
  }
}

export async function ensureAccountShipNotify(deps: ActivityDeps, input: { accountId: string }): Promise<AccountSubscription> {
  return ensureAccountSubscription(deps, await accountClient(deps, input.accountId), input.accountId);
}

export async function removeAccountShipNotify(deps: ActivityDeps, input: { accountId: string }): Promise<number> {
  return removeAccountSubscription(deps, await accountClient(deps, input.accountId), input.accountId);
}

/** ShipStation's largest page: a quiet account's reconciliation is one call. */
const PAGE_SIZE = 500;

/** Reports what a routing did to the account's counters; a lost count never fails the routing. */
export async function countRouted(deps: ActivityDeps, accountId: string, r: Routing): Promise<void> {
  await temporal(deps)
    .workflow.getHandle(shipstationAccountWorkflowId(accountId))
    .signal(shipNoticeRoutedSignal, { routed: r.routed, ignored: r.ignored })
    .catch((err: unknown) => deps.logger.warn({ accountId, err: String(err) }, 'could not count a routed SHIP_NOTIFY'));
}

/** How far a SHIP_NOTIFY's paging got: kept in heartbeat details, so a retry resumes at `nextPage`. */
export interface ShipNoticeProgress {
  nextPage: number;
  shipments: number;
  orders: number;
  routed: number;
  ignored: number;
}

function isShipNoticeProgress(v: unknown): v is ShipNoticeProgress {
  if (typeof v !== 'object' || v === null) return false;
  const p = v as Record<string, unknown>;
  return ['nextPage', 'shipments', 'orders', 'routed', 'ignored'].every((k) => typeof p[k] === 'number' && Number.isInteger(p[k]) && (p[k] as number) >= 0) && (p.nextPage as number) >= 1;
}

/**
 * An account's SHIP_NOTIFY: reads the resource and hands each order of an attached store its shipments. Shipments
 * of orders the connector did not create are ignored, and counted.
 *
 * The connector decides the cost: only the identifying filter of the resource URL is kept (`batchId`…), with pages
 * of 500 in a fixed order, at most SHIP_NOTICE_MAX_PAGES. Each page is handed over before the next is read, and
 * the next page is recorded in the heartbeat details: a retry (worker lost, timeout) resumes there, never from
 * page 1. An order whose labels straddle two pages gets two notices, which its write-back merges.
 */
export async function routeShipNotice(
  deps: ActivityDeps,
  input: { accountId: string; resourceUrl: string },
): Promise<{ shipments: number; orders: number; routed: number; ignored: number }> {
  const previous = resumePoint();
  let progress: ShipNoticeProgress = isShipNoticeProgress(previous) ? previous : { nextPage: 1, shipments: 0, orders: 0, routed: 0, ignored: 0 };
  // At once, so that no heartbeat of this attempt (a wait for the budget) erases the previous attempt's progress.
  if (progress.nextPage > 1) recordResumePoint(progress);
  const summary = () => ({ shipments: progress.shipments, orders: progress.orders, routed: progress.routed, ignored: progress.ignored });
  const canonical = canonicalShipNoticeUrl(input.resourceUrl);
  if (!canonical) {
    deps.logger.warn({ accountId: input.accountId }, 'SHIP_NOTIFY resource URL names no labels (no batchId or other filter): nothing read');
    return summary();
  }
  const ss = await accountClient(deps, input.accountId);
  const { stores, native } = await routingOfAccount(deps, input.accountId);
  let complete = false;
  for (let page = progress.nextPage; page <= SHIP_NOTICE_MAX_PAGES; page++) {
    const res = await classified(() => ss.callUrl<{ shipments?: ShipStationShipment[]; pages?: number }>(shipNoticePageUrl(canonical, page)));
    const shipments = res.shipments ?? [];
    const routing = routeShipments(shipments, stores, native);
    await deliverRoutedOrders(deps, routing.orders, input.resourceUrl);
    progress = {
      nextPage: page + 1,
      shipments: progress.shipments + shipments.length,
      orders: progress.orders + routing.orders.length,
      routed: progress.routed + routing.routed,
      ignored: progress.ignored + routing.ignored,
    };
    recordResumePoint(progress);
    if (!res.pages || page >= res.pages || shipments.length === 0) {
      complete = true;
      break;
    }
  }
  if (!complete) {
    deps.logger.warn(
      { accountId: input.accountId, pages: SHIP_NOTICE_MAX_PAGES, shipments: progress.shipments },
      'SHIP_NOTIFY larger than the page cap: the rest is left to the account reconciliation',
    );
  }
  await countRouted(deps, input.accountId, { orders: [], routed: progress.routed, ignored: progress.ignored });
  return summary();
}

export interface AccountReconciliation {
  /** Unix seconds when the pass started: the next pass reads from there (minus an overlap). */
  until: number;
  shipments: number;
  /** Orders marked as shipped without a label, found in the same window. */
  fulfillments?: number;
  orders: number;
  routed: number;
  ignored: number;
}

/**
 * The account's reconciliation: labels created since `since` (unix seconds), one paged `GET /shipments` for the
 * whole account, routed by orderKey to the attached stores' write-backs like a SHIP_NOTIFY (lost webhooks, and
 * the gap while per-store subscriptions are replaced), then the orders marked as shipped without a label in the same
 * window (`reconcileAccountFulfillments`). Its cost does not grow with the number of stores.
 */
export async function reconcileAccountShipments(deps: ActivityDeps, input: { accountId: string; since: number }): Promise<AccountReconciliation> {
  const until = Math.floor(Date.now() / 1000);
  const ss = await accountClient(deps, input.accountId);
  const { stores, native } = await routingOfAccount(deps, input.accountId);
  const total: AccountReconciliation = { until, shipments: 0, orders: 0, routed: 0, ignored: 0 };
  const createDateStart = toShipStationDateTime(input.since).slice(0, 19).replace('T', ' ');
  for (let page = 1; ; page++) {
    const res = await classified(() => ss.listShipments({ createDateStart, includeShipmentItems: 'true', page, pageSize: PAGE_SIZE }));
    // Each page is handed over as it comes: a retry after a failure further on only repeats harmless signals.
    const routing = routeShipments(res.shipments ?? [], stores, native);
    await deliverRoutedOrders(deps, routing.orders, 'reconcile');
    total.shipments += (res.shipments ?? []).length;
    total.orders += routing.orders.length;
    total.routed += routing.routed;
    total.ignored += routing.ignored;
    if (!res.pages || page >= res.pages) break;
  }
  // Orders marked as shipped without a label (FULFILLMENT_SHIPPED lost): counted with the labels in routed/ignored.
  const f = await reconcileAccountFulfillments(deps, ss, stores, createDateStart, native);
  total.fulfillments = f.fulfillments;
  total.routed += f.routed;
  total.ignored += f.ignored;
  return total;
}
