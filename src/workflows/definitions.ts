/**
 * Messages and types of the store-sync and shipment workflows, defined once and shared by the workflows,
 * the API and operators' tools (the Temporal CLI speaks the same names).
 */
import { defineQuery, defineSignal } from '@temporalio/workflow';
import type { StatusMapping } from '../domain/status-mapping';
import type { ConnectionState } from '../domain/connection-state';
import type { CompactShipment } from '../domain/shipment-notice';
import type { EcwidFulfillmentStatus } from '../domain/ecwid';
import type { ShippedLine } from '../domain/shipment-progress';

export type { ConnectionState } from '../domain/connection-state';
export type { CompactShipment } from '../domain/shipment-notice';

/**
 * Workflow task timeout of the long-lived workflows (a store's import, an account). A task started on a worker that
 * dies is given to another worker only when this runs out: Temporal's default, 10 s, was the longest pause of an
 * order when a worker was SIGKILLed. These tasks take milliseconds (a few hundred on a cold replay), so 4 s leaves a
 * wide margin on a loaded machine; a task that still runs late is retried by the server, never lost.
 */
export const LONG_LIVED_WORKFLOW_TASK_TIMEOUT = '4 seconds';

export interface ShipStationCredentials {
  apiKey: string;
  apiSecret: string;
  /**
   * The account this pair belongs to, when that is not the account named by the hash of `apiKey`: a pair that
   * replaced the account's first one keeps the account's identity (its ID, stores, budget, history).
   */
  accountId?: string;
  /** When the pair expires (ISO date), if the operator said so: warned about 14 days ahead. */
  expiresAt?: string;
}

/** Secrets of one connection. They travel only inside encrypted payloads (see README, "Secrets"). */
export interface ConnectionCredentials {
  ecwidAccessToken: string;
  /** The connection's own ShipStation account; without it the worker's SHIPSTATION_API_KEY is used. */
  shipstation?: ShipStationCredentials;
}

export interface ConnectionSettings {
  pollIntervalSeconds: number;
  /** Orders created before this (unix seconds) are not imported. */
  importSince: number;
  statusMapping: StatusMapping;
  importPickupOrders: boolean;
  /** The ShipStation store new orders go to (`advancedOptions.storeId`); absent or null: the account's first manual store. */
  shipstationStoreId?: number | null;
  /** Its name when it was chosen (for pages and explanations), and when (ISO). */
  shipstationStoreName?: string;
  shipstationStoreChosenAt?: string;
  stockLocationAttribute?: string;
  giftFieldNames?: string[];
  giftMessageFieldNames?: string[];
  /** Customs declarations for international orders; only `false` turns them off (absent means on). */
  customs?: boolean;
  customsTariffCodeAttribute?: string;
  customsCountryOfOriginAttribute?: string;
  /**
   * The Ecwid fulfillment status of a partly shipped order (a split order's first labels), e.g. the merchant's
   * custom "Partially shipped" (`CUSTOM_FULFILLMENT_STATUS_1`). Unset: such an order is set to PROCESSING.
   */
  partialShipmentStatus?: EcwidFulfillmentStatus;
  /**
   * Who connected the store last: its merchant (the Ecwid app page) or an operator (API, OAuth, operator page).
   * Absent in connections made before the app page existed: an operator made those.
   */
  connectedBy?: 'merchant' | 'operator';
}

export type OrderOutcomeKind = 'imported' | 'skipped' | 'failed' | 'unchanged' | 'cancelled';

/** What one sync did with one Ecwid order; compact, because it is kept in workflow history. */
export interface OrderOutcome {
  id: string;
  outcome: OrderOutcomeKind;
  /** Skip reason (`no_physical_items`, `unmapped_status:…`, `closed_in_shipstation`…) or failure message. */
  reason?: string;
  updateTimestamp?: number;
  /**
   * What to remember of the order's last send to ShipStation (domain/order-merge.ts `encodeRecord`: a short hash per
   * field group, about 80 characters), or of its deletion there. Absent: nothing new to remember.
   */
  sent?: string;
  /** ShipStation edits kept and conflicts decided when the order was sent (`kept_shipstation:weight;conflict:shipTo=ecwid`). */
  merge?: string;
}

export interface OrderNote {
  orderId: string;
  reason: string;
  at: string;
  attempts?: number;
}

export interface SyncResult {
  at: string;
  trigger: 'schedule' | 'webhook' | 'operator' | 'settings' | 'retry';
  fetched: number;
  imported: number;
  skipped: number;
  failed: number;
  unchanged: number;
  cancelled: number;
  durationMs: number;
  error?: string;
}

/** What GET /connections/:storeId and the `status` query show. No secrets, no personal data. */
export interface ConnectionStatus {
  storeId: number;
  state: ConnectionState;
  settings: ConnectionSettings;
  shipstationAccount: 'own' | 'default';
  /** The ShipStation account's ID (GET /accounts/:id) once the store has joined it. */
  shipstationAccountId?: string;
  syncing: boolean;
  imported: number;
  skipped: number;
  /** Orders whose import is failing now (listed in the record). */
  failed: number;
  /**
   * Failed orders the record let go while they were still failing (it lists the newest 1,000 failures, apart from
   * skips), counted since the connection was made so that none goes unseen. Some may have been imported since.
   */
  failedNotListed?: number;
  /** Every failed attempt since the connection was made, including ones that later succeeded. */
  failedAttempts: number;
  cancelled: number;
  skipReasons: Record<string, number>;
  recentSkipped: OrderNote[];
  recentFailed: OrderNote[];
  lastSyncAt?: string;
  lastSyncResult?: SyncResult;
  nextSyncAt?: string;
  lastError?: string;
  cursor?: string;
  syncsRun: number;
  pendingOrderIds: number;
  /** Syncs that failed in a row; the next one waits (backoff) until `nextSyncAt`. */
  consecutiveFailures?: number;
  /** A window of creation dates being read again because the import start date moved earlier. */
  rereading?: { from: string; to: string };
  /** Orders adopted from ShipStation's own Ecwid integration on connect (absent: connected before it existed). */
  nativeAdoption?: NativeAdoptionStatus;
}

/**
 * Switching from ShipStation's Ecwid integration: what the look at its store(s) found on connect. Counts and store
 * names only (no order data).
 */
export interface NativeAdoptionStatus {
  state: 'pending' | 'done' | 'not_applicable';
  at?: string;
  /** The import window looked at (ISO). */
  from?: string;
  /** ShipStation's Ecwid stores on the account; `autoRefresh`: ShipStation still imports that store on its own. */
  nativeStores: { storeId: number; storeName: string; autoRefresh: boolean }[];
  /** Open orders followed under the native orderKey. */
  adopted: number;
  /** Orders the native store shipped already: not created again. */
  closed: number;
  /** Orders two native stores hold under different keys: not created, not followed. */
  ambiguous: number;
  /** Native orders read. */
  listed: number;
  /** Adoptions forgotten beyond the bound (see docs/operations.md). */
  dropped: number;
  lastError?: string;
}

export interface OrderDecision {
  orderId: string;
  outcome: OrderOutcomeKind | 'unknown';
  reason?: string;
  at?: string;
  explanation: string;
}

export interface SyncNowRequest {
  /** Orders to re-read at once (from a webhook); none means a full incremental sync. */
  orderIds?: string[];
  /** Orders Ecwid says were deleted: their open ShipStation orders are cancelled. */
  deletedOrderIds?: string[];
  trigger?: SyncResult['trigger'];
}

/**
 * A reconnect or a settings change. Credentials are merged, never replaced wholesale: a new Ecwid token leaves
 * the ShipStation account as it is. Moving a store to another ShipStation account is explicit:
 * `credentials.shipstation` (its own account) or `useDefaultShipStation` (the operator's default account).
 */
export interface ConnectionUpdate {
  credentials?: ConnectionCredentials;
  useDefaultShipStation?: boolean;
  settings?: Partial<ConnectionSettings>;
}

export const syncNowSignal = defineSignal<[SyncNowRequest]>('syncNow');
/** New credentials and/or settings: a reconnect clears `needs_reconnect`. */
export const updateConnectionSignal = defineSignal<[ConnectionUpdate]>('updateConnection');
export const pauseSignal = defineSignal<[]>('pause');
export const resumeSignal = defineSignal<[]>('resume');
/** Ecwid sent application.uninstalled, or the token was refused: wait for a reconnect. */
export const needsReconnectSignal = defineSignal<[string]>('needsReconnect');
export const disconnectSignal = defineSignal<[]>('disconnect');

/** Internal: activities of the shipment write-back read the store's current credentials through it. */
export const credentialsQuery = defineQuery<ConnectionCredentials>('credentials');
export const statusQuery = defineQuery<ConnectionStatus>('status');
export const orderDecisionQuery = defineQuery<OrderDecision, [string]>('orderDecision');
/** Internal: the import asks which of its orders are adopted from ShipStation's Ecwid integration (id → orderKey). */
export const adoptedOrdersQuery = defineQuery<Record<string, string>, [string[]]>('adoptedOrders');
/** The records of the last sends of these orders (id → record; see OrderOutcome.sent), for the import activity. */
export const sentRecordsQuery = defineQuery<Record<string, string>, [string[]]>('sentRecords');

// ---- Shipment write-back ----

/**
 * `expired`: parked longer than its bound without a `retry`; the workflow closed as failed. `partial`: written, but
 * the live labels cover only part of the order's items (a split order; or a void after it was complete).
 */
export type ShipmentState = 'updating' | 'delivered' | 'partial' | 'parked' | 'waiting' | 'expired';

/** Which of the order's items have shipped, under which tracking numbers (the last write's view). */
export interface ShippedItems {
  complete: boolean;
  /** The Ecwid fulfillment status written; absent when it was left as it was. */
  fulfillmentStatus?: string;
  /** Live labels cover only part of the order, which Ecwid has SHIPPED already: it stays so (a void does not un-ship). */
  keptShipped?: boolean;
  ordered: number;
  shipped: number;
  lines: ShippedLine[];
  /** Ecwid orders merged into this one in ShipStation, handed its labels. */
  mergedOrders?: string[];
}

export interface ShipNotice {
  /** A SHIP_NOTIFY resource URL, or `reconcile` when found by GET /shipments. */
  source: string;
  shipmentIds: number[];
  /**
   * The shipments themselves, compact (routed by the account from a SHIP_NOTIFY resource or its reconciliation):
   * the write-back computes the Ecwid update from them without asking ShipStation. Absent in notices of older
   * runs and operator retries, which read the order's shipments from ShipStation.
   */
  shipments?: CompactShipment[];
}

export interface ShipmentWorkflowInput {
  storeId: number;
  orderId: string;
  /** Longest wait between retries of a temporary failure (tests shorten it). */
  maxRetryIntervalSeconds?: number;
  /** How long a parked write-back waits for `retry` before it expires (default 14 days; tests shorten it). */
  maxParkedSeconds?: number;
  /** Carried over continue-as-new. */
  appliedShipmentIds?: number[];
  pending?: ShipNotice[];
  /** The order's labels seen in notices (compact), what later labels need to compute the update. */
  seenShipments?: CompactShipment[];
}

export interface ShipmentStatus {
  storeId: number;
  orderId: string;
  state: ShipmentState;
  appliedShipmentIds: number[];
  lastTrackingNumber?: string;
  attempts: number;
  lastError?: string;
  parkedReason?: string;
  /** While parked: when it expires without a `retry`. */
  parkedUntil?: string;
  /** While parked: since when. */
  parkedSince?: string;
  /** While parked by a failure of the store's connection: it waits for a reconnect or a key replacement, without a bound. */
  parkedUntilReconnect?: boolean;
  /** Why the write-back closed as `expired`. */
  expiredReason?: string;
  /** Named by a notice but not listed by ShipStation yet (its list lags behind SHIP_NOTIFY): looked for again. */
  unlistedShipmentIds?: number[];
  /** Never listed by ShipStation after every re-check; reconciliation brings them again if they exist. */
  givenUpShipmentIds?: number[];
  lastUpdatedAt?: string;
  /** Per item: ordered, shipped, and under which tracking numbers (absent before the first write of this release). */
  shippedItems?: ShippedItems;
  /** Reports of a parcel already written from the other webhook (label vs. "Mark as Shipped"): recorded, not written again. */
  sameParcelRepeats?: number;
}

export const shipNoticeSignal = defineSignal<[ShipNotice]>('shipNotice');
export const retryShipmentSignal = defineSignal<[]>('retry');
export const shipmentStatusQuery = defineQuery<ShipmentStatus>('shipmentStatus');

// ---- ShipStation account (one per API key, shared by every store that uses it) ----

/** A store joining its ShipStation account's workflow. `credentials` absent: the worker's default account. */
export interface AttachStore {
  storeId: number;
  shipstationStoreId?: number;
  /** ShipStation's own Ecwid store(s) whose orders this store adopted (switching from the native integration). */
  nativeStoreIds?: number[];
  credentials?: ShipStationCredentials;
  /** Fingerprints of the pair the store joined with (connections/fingerprint.ts), recorded by an account that has none. */
  keyFingerprint?: string;
  pairFingerprint?: string;
}

/**
 * The state of the account's key pair, without the pair: fingerprints only. `refused`: ShipStation answered 401/403
 * to the pair in use; the account needs new ShipStation credentials (imports and write-backs wait for them).
 */
export interface AccountCredentialsState {
  state: 'ok' | 'refused';
  /** Fingerprints of the API key, and of the key and secret, in use (absent: not known yet, an earlier release's account). */
  keyFingerprint?: string;
  pairFingerprint?: string;
  refusedAt?: string;
  refusedStatus?: number;
  replacedAt?: string;
  replacedBy?: 'operator' | 'merchant';
  replacements?: number;
  expiresAt?: string;
}

/** A new key pair for the account (verified with ShipStation by the API before it is sent). */
export interface ReplaceCredentials {
  credentials: ShipStationCredentials;
  keyFingerprint: string;
  pairFingerprint: string;
  by: 'operator' | 'merchant';
  at: string;
}

/** A worker saw ShipStation refuse the account's pair (401/403). */
export interface CredentialsRefused {
  /** The pair that was refused (a secret regenerated for the same key is another pair). */
  pairFingerprint: string;
  status: number;
  at: string;
}

export interface ShipStationAccountInput {
  /** First 16 hex characters of sha256(API key): the account's name everywhere, never the key itself. */
  accountId: string;
  credentials?: ShipStationCredentials;
  /** Carried over continue-as-new. */
  carried?: unknown;
}

/** What a worker process's order batcher reports about an account (queue and budget live in worker memory). */
export interface BudgetReport {
  worker: string;
  at: string;
  queueDepth: number;
  oldestWaitingMs: number;
  callsInCurrentWindow: number;
  remaining?: number;
  resetAt?: string;
}

export interface AccountStatus {
  accountId: string;
  account: 'default' | 'own';
  stores: number[];
  /** Stores that adopted orders of ShipStation's own Ecwid stores: labels of those stores' orders are theirs. */
  nativeStoreLinks?: { storeId: number; nativeStoreIds: number[] }[];
  subscription: { state: 'pending' | 'subscribed' | 'failed' | 'not_configured'; at?: string; error?: string; replacedLegacy?: number };
  lastReconciliation?: { at: string; since: string; shipments: number; routed: number; ignored: number; error?: string };
  notifications: { routed: number; ignored: number };
  /** Sum over the workers' latest reports (each at most ~10 s old while busy). */
  budget: { queueDepth: number; oldestWaitingMs: number; callsInCurrentWindow: number; reports: BudgetReport[] };
  /**
   * The worker process that holds the account's lease: it alone makes the account's ShipStation calls. Absent
   * while none holds it (just started, or its owner died and another is being elected), or in runs of an earlier release.
   */
  owner?: AccountOwner;
  /** Leases granted so far (elections): more than one per deploy or worker failure is worth a look. */
  ownerChanges?: number;
  /** The key pair's state (fingerprints, refused or not, expiry); absent in runs of an earlier release until first known. */
  credentials?: AccountCredentialsState;
}

/** Who serves an account's traffic (see activities/account-traffic.ts). */
export interface AccountOwner {
  worker: string;
  /** ISO time the lease was taken. */
  since: string;
  /** The task queue the owner polls for the account's activities. */
  taskQueue: string;
}

export const attachStoreSignal = defineSignal<[AttachStore]>('attachStore');
export const detachStoreSignal = defineSignal<[{ storeId: number }]>('detachStore');
export const reconcileNowSignal = defineSignal<[]>('reconcileNow');
export const budgetReportSignal = defineSignal<[BudgetReport]>('budgetReport');
/** Internal: the worker that took the account's lease says so (once per election). */
export const accountOwnerSignal = defineSignal<[AccountOwner]>('accountOwner');
/** Internal: what one SHIP_NOTIFY of the account was routed to (counts only). */
export const shipNoticeRoutedSignal = defineSignal<[{ routed: number; ignored: number }]>('shipNoticeRouted');
export const accountStatusQuery = defineQuery<AccountStatus>('accountStatus');
/** A verified new key pair for the account: same account, same ID, stores, budget and history. */
export const replaceCredentialsSignal = defineSignal<[ReplaceCredentials]>('replaceCredentials');
/** Internal: a worker saw ShipStation refuse the account's pair. */
export const credentialsRefusedSignal = defineSignal<[CredentialsRefused]>('credentialsRefused');
/** Internal: activities read the account's credentials (undefined: the worker's default account). */
export const accountCredentialsQuery = defineQuery<ShipStationCredentials | undefined>('accountCredentials');
