import { WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError, type Client } from '@temporalio/client';
import { decodeOptionalFailureToOptionalError } from '@temporalio/common/lib/internal-non-workflow';
import { storeSyncWorkflowId } from '../domain/ids';
import { CONNECTION_STATE, ECWID_STORE_ID, SHIPMENT_STATE } from '../temporal/search-attributes';
import { EcwidClient } from '../clients/ecwid-client';
import { isCustomStatus } from '../domain/status-mapping';
import {
  credentialsQuery,
  disconnectSignal,
  orderDecisionQuery,
  pauseSignal,
  resumeSignal,
  retryShipmentSignal,
  LONG_LIVED_WORKFLOW_TASK_TIMEOUT,
  shipmentStatusQuery,
  statusQuery,
  syncNowSignal,
  updateConnectionSignal,
  type ConnectionCredentials,
  type ConnectionSettings,
  type ConnectionStatus,
  type ConnectionUpdate,
  type ShipStationCredentials,
  type OrderDecision,
  type ShipmentStatus,
  type SyncNowRequest,
} from '../workflows/definitions';
import type { StoreSyncInput } from '../workflows/store-sync';
import type { CreateConnectionBody } from './schemas';
import { toUnixSeconds } from './schemas';
import { verifyEcwidAccess } from './ecwid-access';
import { credentialsHealth, type AccountService, type CredentialsHealth } from './shipstation-accounts';
import { ShipStationStores } from './shipstation-stores';

export interface RetryingActivity {
  activity: string;
  attempt: number;
  lastFailure?: string;
  nextAttemptAt?: string;
}

export interface ConnectionServiceOptions {
  client: Client;
  taskQueue: string;
  ecwidApiUrl: string;
  defaultPollIntervalSeconds: number;
  /** ShipStation accounts: every pair given to a connection is verified and checked against its account first. */
  accounts?: AccountService;
  /** Where a new connection's own key pair lists its stores when a ShipStation store is chosen on connect. */
  shipstationApiUrl?: string;
}

const IMPORT_WINDOW_DAYS = 30;

/** Connections are the store-sync workflows themselves: Temporal is the one place their state lives. */
export class ConnectionService {
  /** Choosing the ShipStation store that receives the connection's orders (connections/shipstation-stores.ts). */
  readonly shipstationStores: ShipStationStores;

  constructor(private readonly opts: ConnectionServiceOptions) {
    this.shipstationStores = new ShipStationStores(this, opts);
  }

  private handle(storeId: number) {
    return this.opts.client.workflow.getHandle(storeSyncWorkflowId(storeId));
  }

  async isRunning(storeId: number): Promise<boolean> {
    try {
      const d = await this.handle(storeId).describe();
      return d.status.name === 'RUNNING';
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) return false;
      throw err;
    }
  }

  /** Connects a store, or updates it if already connected (never a second workflow). */
  /** `by`: who asks, an operator (API, OAuth, operator page) or the store's merchant (the Ecwid app page). */
  async connect(body: CreateConnectionBody, by: 'merchant' | 'operator' = 'operator'): Promise<{ created: boolean; storeId: number }> {
    await verifyEcwidAccess(this.opts.ecwidApiUrl, body.ecwidStoreId, body.ecwidAccessToken);
    // A ShipStation pair is tried first (one cheap call) and checked against the account that uses its key: a
    // wrong secret never replaces the working one of an account other stores share.
    let shipstation: ShipStationCredentials | undefined =
      body.shipstationApiKey && body.shipstationApiSecret ? { apiKey: body.shipstationApiKey, apiSecret: body.shipstationApiSecret } : undefined;
    if (shipstation && this.opts.accounts) {
      shipstation = await this.opts.accounts.pairForConnection(shipstation, {
        replace: by === 'operator' && body.replaceShipStationCredentials === true,
        by,
        expiresAt: body.shipstationKeyExpiresAt,
      });
    }
    const credentials: ConnectionCredentials = { ecwidAccessToken: body.ecwidAccessToken, ...(shipstation ? { shipstation } : {}) };
    const partial: Partial<ConnectionSettings> = { ...settingsFrom(body), connectedBy: by };
    if (body.shipstationStoreId !== undefined) {
      // The choice is checked against the account's stores: a connected store's through its account, a new one's
      // with its own pair. A new store on the default account chooses after its first sync.
      Object.assign(
        partial,
        body.shipstationStoreId !== null && shipstation && !(await this.isRunning(body.ecwidStoreId))
          ? await this.shipstationStores.checkWithPair(shipstation, body.shipstationStoreId)
          : await this.shipstationStores.check(body.ecwidStoreId, body.shipstationStoreId),
      );
    }
    // A connected store's credentials are merged by its workflow: a new Ecwid token leaves its ShipStation account
    // alone; only keys given here, or an explicit `useDefaultShipStationAccount`, move it to another account.
    const update: ConnectionUpdate = {
      credentials,
      ...(body.useDefaultShipStationAccount ? { useDefaultShipStation: true } : {}),
      settings: partial,
    };
    if (await this.isRunning(body.ecwidStoreId)) {
      await this.handle(body.ecwidStoreId).signal(updateConnectionSignal, update);
      return { created: false, storeId: body.ecwidStoreId };
    }
    const nowS = Math.floor(Date.now() / 1000);
    const settings: ConnectionSettings = {
      pollIntervalSeconds: this.opts.defaultPollIntervalSeconds,
      importSince: nowS - IMPORT_WINDOW_DAYS * 86_400,
      statusMapping: {},
      importPickupOrders: false,
      ...partial,
    };
    const input: StoreSyncInput = { storeId: body.ecwidStoreId, credentials, settings };
    try {
      await this.opts.client.workflow.start('storeSync', {
        workflowId: storeSyncWorkflowId(body.ecwidStoreId),
        taskQueue: this.opts.taskQueue,
        args: [input],
        workflowIdConflictPolicy: 'FAIL',
        workflowTaskTimeout: LONG_LIVED_WORKFLOW_TASK_TIMEOUT,
        typedSearchAttributes: [
          { key: ECWID_STORE_ID, value: String(body.ecwidStoreId) },
          { key: CONNECTION_STATE, value: 'active' },
        ],
        staticSummary: `Ecwid store ${body.ecwidStoreId} → ShipStation order import`,
        staticDetails: [
          `**Ecwid store** ${body.ecwidStoreId}`,
          `Imports orders into ShipStation every ${settings.pollIntervalSeconds} s and on Ecwid webhooks.`,
          'Queries: `status` (counts, skipped and failed orders with reasons), `orderDecision <orderId>`.',
          'Signals: `syncNow`, `pause`, `resume`, `updateConnection`, `disconnect`.',
        ].join('\n\n'),
      });
      return { created: true, storeId: body.ecwidStoreId };
    } catch (err) {
      if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
      // Another request connected it a moment ago: this one is an update.
      await this.handle(body.ecwidStoreId).signal(updateConnectionSignal, update);
      return { created: false, storeId: body.ecwidStoreId };
    }
  }

  async list(): Promise<ConnectionStatus[]> {
    const ids: number[] = [];
    for await (const wf of this.opts.client.workflow.list({ query: `WorkflowType="storeSync" AND ExecutionStatus="Running"` })) {
      const storeId = Number(wf.workflowId.replace(/^store-sync:/, ''));
      if (Number.isFinite(storeId) && !ids.includes(storeId)) ids.push(storeId);
    }
    const out: ConnectionStatus[] = [];
    // Each account is asked once for all its stores.
    const health = new Map<string, Promise<CredentialsHealth | undefined>>();
    // A few queries at a time: each one is a workflow task on the worker.
    for (let i = 0; i < ids.length; i += 20) {
      const batch = await Promise.all(ids.slice(i, i + 20).map((id) => this.status(id, health).catch(() => undefined)));
      out.push(...batch.filter((s): s is NonNullable<typeof s> => s !== undefined));
    }
    return out.sort((a, b) => a.storeId - b.storeId);
  }

  async status(
    storeId: number,
    health = new Map<string, Promise<CredentialsHealth | undefined>>(),
  ): Promise<(ConnectionStatus & { retrying?: RetryingActivity; connectedBy: 'merchant' | 'operator'; shipstationCredentials?: CredentialsHealth }) | undefined> {
    try {
      const queried = await this.handle(storeId).query(statusQuery);
      // The account's pair: a refused or expiring one shows on each of its stores ("needs new ShipStation credentials").
      const accountId = queried.shipstationAccountId;
      const accounts = this.opts.accounts;
      if (accountId && accounts && !health.has(accountId)) {
        health.set(accountId, accounts.statusOf(accountId).then((s) => (s ? credentialsHealth(s) : undefined), () => undefined));
      }
      const shipstationCredentials = accountId ? await health.get(accountId) : undefined;
      // Connections older than the merchant app page were all made by an operator.
      const status = {
        ...queried,
        connectedBy: queried.settings?.connectedBy ?? ('operator' as const),
        ...(shipstationCredentials ? { shipstationCredentials } : {}),
      };
      const retrying = status.syncing ? await this.retrying(storeId) : undefined;
      return retrying ? { ...status, retrying } : status;
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) return undefined;
      throw err;
    }
  }

  /** A step of the sync that is failing and being retried right now (ShipStation down, Ecwid 5xx…). */
  private async retrying(storeId: number): Promise<RetryingActivity | undefined> {
    const d = await this.handle(storeId).describe();
    const pending = d.raw.pendingActivities?.find((a) => (a.attempt ?? 0) > 1 || a.lastFailure);
    if (!pending) return undefined;
    const err = await decodeOptionalFailureToOptionalError(this.opts.client.options.loadedDataConverter, pending.lastFailure).catch(() => undefined);
    return {
      activity: pending.activityType?.name ?? 'unknown',
      attempt: pending.attempt ?? 0,
      lastFailure: err?.message,
      nextAttemptAt: pending.nextAttemptScheduleTime?.seconds ? new Date(Number(pending.nextAttemptScheduleTime.seconds) * 1000).toISOString() : undefined,
    };
  }

  /**
   * The names the merchant gave the store's custom statuses in Ecwid (`/profile/order_statuses`), by status ID,
   * so pages say "Backorder" rather than "custom fulfillment status 1". Read with the store's own token (from its
   * workflow); kept a minute per store, since every page view would otherwise ask Ecwid again.
   */
  async customStatusNames(storeId: number): Promise<Record<string, string>> {
    const kept = this.statusNames.get(storeId);
    if (kept && kept.until > Date.now()) return kept.names;
    const credentials = await this.opts.client.workflow
      .getHandle(storeSyncWorkflowId(storeId))
      .query(credentialsQuery)
      .catch(() => undefined);
    if (!credentials) return {};
    const ecwid = new EcwidClient({ baseUrl: this.opts.ecwidApiUrl, storeId, token: credentials.ecwidAccessToken, timeoutMs: 5_000 });
    const names: Record<string, string> = {};
    for (const s of (await ecwid.getOrderStatuses()).items ?? []) {
      if (isCustomStatus(s.statusId) && s.name?.trim()) names[s.statusId] = s.name.trim();
    }
    this.statusNames.set(storeId, { until: Date.now() + 60_000, names });
    return names;
  }

  private readonly statusNames = new Map<number, { until: number; names: Record<string, string> }>();

  /**
   * Replaces the key pair of the store's ShipStation account, for the store's merchant (the Ecwid app page) or an
   * operator (the operator page). A merchant may only when the account is the store's own and serves no other
   * store: one merchant never changes the pair other tenants' stores use.
   */
  async replaceStoreAccountCredentials(
    storeId: number,
    pair: { apiKey: string; apiSecret: string },
    by: 'merchant' | 'operator',
  ): Promise<'replaced' | 'not_account_owner' | 'not_connected'> {
    const accounts = this.opts.accounts;
    const st = await this.status(storeId);
    if (!accounts || !st || st.state === 'disconnected' || !st.shipstationAccountId) return 'not_connected';
    if (by === 'merchant') {
      const account = await accounts.statusOf(st.shipstationAccountId);
      if (st.shipstationAccount !== 'own' || !account || account.stores.some((id) => id !== storeId)) return 'not_account_owner';
    }
    await accounts.replaceCredentials(st.shipstationAccountId, pair, { by, retryParked: (id) => this.retryParkedShipments(id) });
    return 'replaced';
  }

  async explainOrder(storeId: number, orderId: string): Promise<OrderDecision> {
    return this.handle(storeId).query(orderDecisionQuery, orderId);
  }

  async syncNow(storeId: number, req: SyncNowRequest): Promise<boolean> {
    return this.signalIfRunning(storeId, (h) => h.signal(syncNowSignal, req));
  }

  async updateSettings(storeId: number, settings: Partial<ConnectionSettings>): Promise<boolean> {
    return this.signalIfRunning(storeId, (h) => h.signal(updateConnectionSignal, { settings }));
  }

  async pause(storeId: number): Promise<boolean> {
    return this.signalIfRunning(storeId, (h) => h.signal(pauseSignal));
  }

  async resume(storeId: number): Promise<boolean> {
    return this.signalIfRunning(storeId, (h) => h.signal(resumeSignal));
  }

  async disconnect(storeId: number): Promise<boolean> {
    return this.signalIfRunning(storeId, (h) => h.signal(disconnectSignal));
  }

  /**
   * The store's open shipment write-backs (an order's stays open 30 days after its last label), newest first, each
   * with which items shipped under which tracking number (the `shipmentStatus` query). At most `limit`.
   */
  async recentShipments(storeId: number, limit = 20): Promise<ShipmentStatus[]> {
    const query = `WorkflowType="shipmentWriteBack" AND ExecutionStatus="Running" AND ${ECWID_STORE_ID.name}="${storeId}"`;
    const ids: string[] = [];
    for await (const wf of this.opts.client.workflow.list({ query, pageSize: limit })) {
      ids.push(wf.workflowId);
      if (ids.length >= limit) break;
    }
    const statuses = await Promise.all(
      ids.map((id) =>
        this.opts.client.workflow
          .getHandle(id)
          .query(shipmentStatusQuery)
          .catch(() => undefined),
      ),
    );
    return statuses.filter((st): st is ShipmentStatus => st !== undefined);
  }

  /**
   * The store's parked shipment write-backs (ShipmentState="parked"): how many, and the first `limit` with their
   * reason. A write-back parked by the store's connection (token refused, store disconnected, ShipStation key
   * refused) waits for a reconnect or a key replacement, whatever its age; these make it visible meanwhile.
   */
  async parkedShipments(storeId: number, limit = 20): Promise<{ count: number; shipments: ShipmentStatus[] }> {
    const query = `WorkflowType="shipmentWriteBack" AND ExecutionStatus="Running" AND ${ECWID_STORE_ID.name}="${storeId}" AND ${SHIPMENT_STATE.name}="parked"`;
    const ids: string[] = [];
    for await (const wf of this.opts.client.workflow.list({ query, pageSize: limit })) {
      ids.push(wf.workflowId);
      if (ids.length >= limit) break;
    }
    const count = ids.length < limit ? ids.length : (await this.opts.client.workflow.count(query)).count;
    const statuses = await Promise.all(ids.map((id) => this.opts.client.workflow.getHandle(id).query(shipmentStatusQuery).catch(() => undefined)));
    return { count, shipments: statuses.filter((st): st is ShipmentStatus => st !== undefined && st.state === 'parked') };
  }

  /** Resumes the store's parked shipment write-backs (after a reconnect, or by an operator). */
  async retryParkedShipments(storeId: number): Promise<number> {
    let n = 0;
    const query = `WorkflowType="shipmentWriteBack" AND ExecutionStatus="Running" AND ${ECWID_STORE_ID.name}="${storeId}" AND ${SHIPMENT_STATE.name}="parked"`;
    for await (const wf of this.opts.client.workflow.list({ query })) {
      await this.opts.client.workflow.getHandle(wf.workflowId).signal(retryShipmentSignal);
      n += 1;
    }
    return n;
  }

  private async signalIfRunning(
    storeId: number,
    fn: (h: ReturnType<ConnectionService['handle']>) => Promise<void>,
  ): Promise<boolean> {
    try {
      await fn(this.handle(storeId));
      return true;
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) return false;
      throw err;
    }
  }
}

export function settingsFrom(body: Partial<CreateConnectionBody>): Partial<ConnectionSettings> {
  const s: Partial<ConnectionSettings> = {};
  if (body.pollIntervalSeconds !== undefined) s.pollIntervalSeconds = body.pollIntervalSeconds;
  if (body.importSince !== undefined) s.importSince = toUnixSeconds(body.importSince, 0);
  if (body.statusMapping !== undefined) s.statusMapping = body.statusMapping;
  if (body.importPickupOrders !== undefined) s.importPickupOrders = body.importPickupOrders;
  if (body.shipstationStoreId !== undefined) s.shipstationStoreId = body.shipstationStoreId;
  if (body.stockLocationAttribute !== undefined) s.stockLocationAttribute = body.stockLocationAttribute;
  if (body.giftFieldNames !== undefined) s.giftFieldNames = body.giftFieldNames;
  if (body.giftMessageFieldNames !== undefined) s.giftMessageFieldNames = body.giftMessageFieldNames;
  if (body.partialShipmentStatus !== undefined) s.partialShipmentStatus = body.partialShipmentStatus;
  if (body.customs !== undefined) s.customs = body.customs;
  if (body.customsTariffCodeAttribute !== undefined) s.customsTariffCodeAttribute = body.customsTariffCodeAttribute;
  if (body.customsCountryOfOriginAttribute !== undefined) s.customsCountryOfOriginAttribute = body.customsCountryOfOriginAttribute;
  return s;
}
