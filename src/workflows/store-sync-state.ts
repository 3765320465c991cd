/**
 * The state a store's sync keeps and carries across continue-as-new, and the pure functions over it
 * (recording outcomes, explaining an order). Shared by every version of the storeSync workflow body.
 */
import type {
  ConnectionCredentials,
  ConnectionSettings,
  ConnectionState,
  ConnectionStatus,
  OrderDecision,
  OrderNote,
  OrderOutcome,
  ConnectionUpdate,
  SyncResult,
} from './definitions';
import { setCurrentDetails } from '@temporalio/workflow';
import { adoptionExplanation, adoptionStatusOf, type CarriedAdoption } from './native-adoption';
import { describeMergeNote } from '../domain/order-merge';

/** Re-read what changed a little before the last cursor: Ecwid's clock and ours differ, and updates land late. */
export const CURSOR_OVERLAP_SECONDS = 600;
export const MAX_NOTES = 50;
/**
 * Lost-webhook reconciliation (GET /shipments) at most this often per store: it spends the ShipStation budget
 * that imports need, and SHIP_NOTIFY normally arrives within seconds. An operator's sync now always reconciles.
 */
export const RECONCILE_EVERY_SECONDS = 900;
/** Start a fresh run (continue-as-new) after this many syncs even if Temporal hasn't suggested it: lean histories replay fast. */
export const MAX_SYNCS_PER_RUN = 200;
const MAX_DECISIONS = 500;
/** Records of last sends kept (about 90 bytes each with the ID): 2,000 keep the carried state near 200 KB. */
export const MAX_SENT_RECORDS = 2000;
/**
 * Failures kept in the record, apart from skips (a flood of skipped orders never pushes a failure out). Beyond it, the
 * oldest failure leaves the list and is counted in `failedNotListed`: none goes unseen.
 */
export const MAX_FAILED_KEPT = 1000;
/** A failed order is retried on the next syncs this many times before it waits for a change or an operator. */
export const MAX_ORDER_ATTEMPTS = 5;

/** Activity failure types that mean "the store must be reconnected" rather than "try again later". */
export const PERMANENT_CONNECTION_ERRORS = ['EcwidTokenInvalid', 'EcwidPlanRequired', 'EcwidStoreNotFound', 'ShipStationAuthFailed', 'ShipStationNotConfigured'];


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
  // ---- Since store-sync v2 (absent in state carried by earlier runs) ----
  /** The facts behind `state` (see domain/connection-state). */
  paused?: boolean;
  needsReconnect?: boolean;
  /** Runs before v2 only: SHIP_NOTIFY was subscribed for this store. */
  webhookRegistered?: boolean;
  /** The ShipStation account this store has joined (see workflows/shipstation-account.ts), and whether it has. */
  accountId?: string;
  accountJoined?: boolean;
  /**
   * The store joined its account since the account leases its traffic (a join makes an account's run of an earlier
   * release take the lease): only then are its imports sent to the account's queue.
   */
  joinedLeasedAccount?: boolean;
  /** The account to leave before joining a new one (the store moved to another ShipStation account). */
  leaveAccountId?: string;
  /** Settings changed since the last sync: skipped orders are re-evaluated. */
  settingsChanged?: boolean;
  /** An operator asked for this sync: reconcile shipments too, and skip the failure backoff. */
  operatorTriggered?: boolean;
  /** Orders created in this window (unix seconds) are read again: the import start date moved earlier. */
  reread?: { from: number; to: number; offset: number };
  /** Failed syncs in a row, and when the next may start (epoch ms): a failing sync backs off. */
  consecutiveFailures?: number;
  /** Failed orders dropped from `notImported` while still failing (the list keeps MAX_FAILED_KEPT failures). */
  failedNotListed?: number;
  retryAt?: number;
  /** Orders adopted from ShipStation's own Ecwid integration (workflows/native-adoption.ts). */
  adoption?: CarriedAdoption;
  // ---- Since 'order-merge' (absent in state carried by earlier runs) ----
  /**
   * id → record of the order's last send to ShipStation (hashes per field group, see domain/order-merge.ts), most
   * recent last, at most MAX_SENT_RECORDS: what lets the next send keep a packer's edits. An order beyond the bound is
   * merged as one without a record (see docs/order-mapping.md).
   */
  sentRecords?: Record<string, string>;
  /** id → ShipStation edits kept and conflicts at the order's latest send, for its explanation (bounded). */
  mergeNotes?: Record<string, string>;
}

export interface StoreSyncInput {
  storeId: number;
  credentials: ConnectionCredentials;
  settings: ConnectionSettings;
  carried?: CarriedState;
}

export function freshState(): CarriedState {
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

export function boundRecord<V>(rec: Record<string, V>, max: number): void {
  const keys = Object.keys(rec);
  for (let i = 0; i < keys.length - max; i++) delete rec[keys[i]];
}

export function pick<V>(rec: Record<string, V>, ids: string[]): Record<string, V> {
  return Object.fromEntries(ids.filter((id) => id in rec).map((id) => [id, rec[id]]));
}

/** Appends without duplicates, keeping insertion order. */
export function addUnique(list: string[], ids: string[]): void {
  for (const id of ids) if (!list.includes(id)) list.push(id);
}

/**
 * Bounds the record of orders not imported: skips and failures each to their own limit, oldest first. A failure that
 * leaves the list is counted (`failedNotListed`). Returns how many failures left it.
 */
export function boundNotImported(s: CarriedState, maxSkipped = MAX_DECISIONS, maxFailed = MAX_FAILED_KEPT): number {
  const entries = Object.entries(s.notImported);
  let skippedOver = entries.filter(([, n]) => n.outcome === 'skipped').length - maxSkipped;
  let failedOver = entries.filter(([, n]) => n.outcome === 'failed').length - maxFailed;
  let dropped = 0;
  for (const [id, n] of entries) {
    if (skippedOver <= 0 && failedOver <= 0) break;
    if (n.outcome === 'skipped' && skippedOver > 0) {
      delete s.notImported[id];
      skippedOver -= 1;
    } else if (n.outcome === 'failed' && failedOver > 0) {
      delete s.notImported[id];
      failedOver -= 1;
      dropped += 1;
    }
  }
  if (dropped > 0) s.failedNotListed = (s.failedNotListed ?? 0) + dropped;
  return dropped;
}

/**
 * Records a page's outcomes. `keepFailures` (runs since the failure record keeps failures apart): skips and failures
 * are bounded separately and dropped failures are counted; without it, as before, the newest 500 of either.
 */
export function fold(s: CarriedState, outcomes: OrderOutcome[], result: SyncResult, opts: { keepFailures?: boolean } = {}): void {
  const at = new Date().toISOString();
  // Only versions the next incremental sync can re-read (inside its overlap window) need remembering; a
  // backfill of old orders would otherwise carry every order through history.
  const rememberFrom = Math.floor(Date.now() / 1000) - 2 * CURSOR_OVERLAP_SECONDS;
  const remember = (o: OrderOutcome) => {
    if (o.updateTimestamp !== undefined && o.updateTimestamp >= rememberFrom) s.recentlySent[o.id] = o.updateTimestamp;
  };
  for (const o of outcomes) {
    result.fetched += 1;
    // Runs since 'order-merge' only (the maps exist): the record of the last send, and what the merge kept.
    if (s.sentRecords && o.sent !== undefined) {
      delete s.sentRecords[o.id];
      s.sentRecords[o.id] = o.sent;
    }
    if (s.mergeNotes && (o.outcome === 'imported' || o.outcome === 'cancelled')) {
      delete s.mergeNotes[o.id];
      if (o.merge) s.mergeNotes[o.id] = o.merge;
    }
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
  if (opts.keepFailures) boundNotImported(s);
  else boundRecord(s.notImported, MAX_DECISIONS);
  boundRecord(s.recentlyImported, MAX_DECISIONS);
  if (s.sentRecords) boundRecord(s.sentRecords, MAX_SENT_RECORDS);
  if (s.mergeNotes) boundRecord(s.mergeNotes, MAX_DECISIONS);
}

/**
 * What an imported order gets back, and what it can't: ShipStation's V1 API has no field for the "Notes to buyer"
 * a packer writes in ShipStation, so they never reach Ecwid (docs/order-mapping.md §7).
 */
export const IMPORTED_EXPLANATION =
  'imported into ShipStation; when a label is bought there, this order gets the tracking number, carrier, service and ' +
  "carrier fee. ShipStation's \"Notes to buyer\" don't come back: ShipStation's API doesn't share them";

export function explainOrder(s: CarriedState, orderId: string, settings: ConnectionSettings): OrderDecision {
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
          : n.reason === 'deleted_in_shipstation'
            ? 'skipped: deleted_in_shipstation: the order was deleted in ShipStation, and the connector does not create it again unless it changes in Ecwid after this'
            : `skipped: ${n.reason}`,
    };
  }
  const at = s.recentlyImported[orderId];
  const adopted = adoptionExplanation(s, orderId);
  const merge = s.mergeNotes?.[orderId];
  if (at) {
    const lines = [IMPORTED_EXPLANATION, adopted ?? shipstationStoreLine(settings), ...(merge ? [describeMergeNote(merge)] : [])];
    return { orderId, outcome: 'imported', at, explanation: lines.join('; '), ...(merge ? { reason: merge } : {}) };
  }
  if (adopted) return { orderId, outcome: 'unknown', explanation: adopted };
  return {
    orderId,
    outcome: 'unknown',
    explanation:
      `no recent record of this order; orders are read when they change in Ecwid after ` +
      `${new Date(settings.importSince * 1000).toISOString()} (the import start date)`,
  };
}

/** What the `status` query answers: counts, reasons and times. No secrets, no personal data. */
export function connectionStatusOf(
  storeId: number,
  s: CarriedState,
  settings: ConnectionSettings,
  credentials: ConnectionCredentials,
  syncing: boolean,
): ConnectionStatus {
  const notes = Object.entries(s.notImported).map(([orderId, n]) => ({ orderId, ...n }));
  const toNote = ({ orderId, reason, at, attempts }: (typeof notes)[number]): OrderNote => ({ orderId, reason, at, attempts });
  return {
    storeId,
    state: s.state,
    settings,
    shipstationAccount: credentials.shipstation ? 'own' : 'default',
    ...(s.accountId && s.accountJoined ? { shipstationAccountId: s.accountId } : {}),
    syncing,
    ...s.counts,
    // Orders failing now (a failure that later succeeded no longer counts); `failedAttempts` keeps the total, and
    // `failedNotListed` the failures the list had to let go.
    failed: notes.filter((n) => n.outcome === 'failed').length,
    ...(s.failedNotListed ? { failedNotListed: s.failedNotListed } : {}),
    failedAttempts: s.counts.failed,
    skipReasons: s.skipReasons,
    recentSkipped: notes.filter((n) => n.outcome === 'skipped').slice(-MAX_NOTES).reverse().map(toNote),
    recentFailed: notes.filter((n) => n.outcome === 'failed').slice(-MAX_NOTES).reverse().map(toNote),
    lastSyncAt: s.lastSyncResult?.at,
    lastSyncResult: s.lastSyncResult,
    nextSyncAt: s.nextSyncAt !== undefined && s.state === 'active' ? new Date(Math.max(s.nextSyncAt, s.retryAt ?? 0)).toISOString() : undefined,
    lastError: s.lastError,
    cursor: s.cursor !== undefined ? new Date(s.cursor * 1000).toISOString() : undefined,
    syncsRun: s.syncsRun,
    pendingOrderIds: s.pendingOrderIds.length,
    ...(s.consecutiveFailures ? { consecutiveFailures: s.consecutiveFailures } : {}),
    ...(s.reread ? { rereading: { from: new Date(s.reread.from * 1000).toISOString(), to: new Date(s.reread.to * 1000).toISOString() } } : {}),
    ...(s.adoption ? { nativeAdoption: adoptionStatusOf(s) } : {}),
  };
}

/**
 * Which ShipStation store the connection's new orders go to. ShipStation sets an order's store only when it is
 * created, so an order keeps the store it was created in when the choice changes.
 */
export function shipstationStoreLine(settings: ConnectionSettings): string {
  const chosen = settings.shipstationStoreId;
  if (typeof chosen !== 'number') return "new orders go to the ShipStation account's first manual store (the default: no store chosen)";
  const name = settings.shipstationStoreName ? `"${settings.shipstationStoreName}" (${chosen})` : String(chosen);
  return `new orders go to the ShipStation store ${name}${settings.shipstationStoreChosenAt ? `, chosen ${settings.shipstationStoreChosenAt}` : ''}; an order created before keeps its store`;
}

/**
 * Credentials after a reconnect: a new Ecwid token never touches the ShipStation account. The account changes
 * only when the update names one (`credentials.shipstation`) or asks for the default (`useDefaultShipStation`).
 */
export function mergeCredentials(
  current: ConnectionCredentials,
  update: Pick<ConnectionUpdate, 'credentials' | 'useDefaultShipStation'>,
): { credentials: ConnectionCredentials; accountChanged: boolean } {
  const next: ConnectionCredentials = { ...current, ...(update.credentials?.ecwidAccessToken ? { ecwidAccessToken: update.credentials.ecwidAccessToken } : {}) };
  if (update.credentials?.shipstation) next.shipstation = update.credentials.shipstation;
  else if (update.useDefaultShipStation) delete next.shipstation;
  const accountChanged = current.shipstation?.apiKey !== next.shipstation?.apiKey || current.shipstation?.apiSecret !== next.shipstation?.apiSecret;
  return { credentials: next, accountChanged };
}

/** What the Web UI shows on the workflow page: the last sync at a glance. IDs and counts only. */
export function describeLastSync(s: CarriedState, result: SyncResult): void {
  setCurrentDetails(
    [
      `**Last sync** ${result.at} (${result.trigger}, ${result.durationMs} ms): ${result.fetched} read, ${result.imported} imported, ` +
        `${result.skipped} skipped, ${result.failed} failed, ${result.cancelled} cancelled, ${result.unchanged} unchanged.`,
      `**Totals** imported ${s.counts.imported}, skipped ${s.counts.skipped}, failing now ${Object.values(s.notImported).filter((n) => n.outcome === 'failed').length}.`,
      result.error ? `**Last error** ${result.error}` : '',
      s.retryAt ? `**Next try** ${new Date(s.retryAt).toISOString()} (failed ${s.consecutiveFailures} time(s) in a row)` : '',
    ]
      .filter(Boolean)
      .join('\n\n'),
  );
}
