import { ApplicationFailure } from '@temporalio/activity';
import { QueryRejectedError, WorkflowClient, WorkflowNotFoundError, type Client } from '@temporalio/client';
import { ApiError } from '../clients/http';
import { orderKey, parseOrderKey, shipmentWorkflowId, storeSyncWorkflowId } from '../domain/ids';
import { buildFulfillmentUpdate, SHIPSTATION_EXTRA_FIELD_IDS } from '../domain/shipment-update';
import {
  asShipment,
  canonicalShipNoticeUrl,
  compactShipment,
  SHIP_NOTICE_MAX_PAGES,
  shipNoticePageUrl,
  type CompactShipment,
  type RoutedOrder,
} from '../domain/shipment-notice';
import { LINES_KEPT, partialShipmentUpdate, shipmentProgress } from '../domain/shipment-progress';
import type { EcwidFulfillmentStatus, EcwidOrder, EcwidOrderExtraField, EcwidOrderUpdate } from '../domain/ecwid';
import { physicalItemsOf } from '../domain/order-filter';
import type { ShipStationOrder, ShipStationShipment } from '../domain/shipstation';
import type { ShipStationClient } from '../clients/shipstation-client';
import { fulfillmentLatencySeconds } from '../observability/metrics';
import { ECWID_ORDER_ID, ECWID_STORE_ID, SHIPMENT_STATE } from '../temporal/search-attributes';
import {
  credentialsQuery,
  shipNoticeSignal,
  statusQuery,
  type ShippedItems,
  type ConnectionCredentials,
  type ConnectionSettings,
  type ShipNotice,
  type ShipmentWorkflowInput,
} from '../workflows/definitions';
import { accountIdOf, ecwidFor, shipstationFor, type ActivityDeps } from './deps';
import { credentialsRefusedFailure, factsOfAccount } from './account';
import { mapWithConcurrency } from './concurrency';
import { classified, toActivityFailure } from './failures';
import { toShipStationDateTime } from '../domain/dates';
import { adoptedKeyOf } from './native-orders';
import { onePerParcel } from '../domain/parcels';
import { readOrderFulfillments } from './fulfillments';

/** Shipments of one resource URL, grouped by the Ecwid order they belong to. */
export interface ShipNoticeGroup {
  storeId: number;
  orderId: string;
  shipmentIds: number[];
}

export function temporal(deps: ActivityDeps): Client {
  if (!deps.temporal) throw new Error('activities need a Temporal client for shipment write-back');
  return deps.temporal;
}

const openOnlyClients = new WeakMap<Client, WorkflowClient>();

/**
 * The client's workflow client, except that its queries are refused by closed workflows. A closed workflow still
 * answers queries (replayed from its history), so a disconnected store's storeSync would keep serving its old token.
 */
export function openWorkflowsOnly(client: Client): WorkflowClient {
  let wc = openOnlyClients.get(client);
  if (!wc) {
    const { namespace, identity, interceptors, loadedDataConverter } = client.workflow.options;
    wc = new WorkflowClient({
      connection: client.connection,
      dataConverter: loadedDataConverter,
      namespace,
      identity,
      interceptors,
      queryRejectCondition: 'NOT_OPEN',
    });
    openOnlyClients.set(client, wc);
  }
  return wc;
}

/**
 * The store's current credentials, read from its sync workflow (the single place they live). A store without a
 * running storeSync (never connected, or disconnected) is `StoreNotConnected`: its write-backs park, and expire.
 */
export async function credentialsOf(deps: ActivityDeps, storeId: number): Promise<ConnectionCredentials> {
  // A packer's batch writes many orders of one store at once: those asking at the same moment share one query (a
  // query is a workflow task on the store's workflow, and a burst of them fills Temporal's query buffer). Nothing
  // is kept once answered: a reconnect or a disconnect shows at the next question.
  const asked = credentialsInFlight.get(storeId);
  if (asked) return asked;
  const answer = queryCredentials(deps, storeId).finally(() => credentialsInFlight.delete(storeId));
  credentialsInFlight.set(storeId, answer);
  return answer;
}

const credentialsInFlight = new Map<number, Promise<ConnectionCredentials>>();

async function queryCredentials(deps: ActivityDeps, storeId: number): Promise<ConnectionCredentials> {
  try {
    return await openWorkflowsOnly(temporal(deps)).getHandle(storeSyncWorkflowId(storeId)).query(credentialsQuery);
  } catch (err) {
    if (err instanceof WorkflowNotFoundError || err instanceof QueryRejectedError) {
      throw ApplicationFailure.nonRetryable(`Ecwid store ${storeId} is not connected`, 'StoreNotConnected');
    }
    throw err;
  }
}

/**
 * A ShipStation client for a store's write-back: with the pair its account holds now (a replacement reaches every
 * write-back at once, whatever copy the store holds), spending the account's budget. A pair the account knows to be
 * refused fails at once as `ShipStationCredentialsRefused` (the write-back parks until the new pair retries it), as
 * does a 401 met now. A store whose account has no running workflow (an earlier release's) uses its own pair.
 */
export async function shipstationForStore(deps: ActivityDeps, credentials: ConnectionCredentials): Promise<ShipStationClient> {
  const accountId = accountIdOf(deps, credentials.shipstation);
  const facts = await factsOfAccount(deps, accountId).catch((err: unknown) => {
    if (err instanceof ApplicationFailure && err.type === 'ShipStationAccountNotConnected') return undefined;
    throw err;
  });
  if (facts?.refused) throw credentialsRefusedFailure(accountId);
  return shipstationFor(deps, facts ? { ...credentials, shipstation: facts.credentials } : credentials, accountId);
}

/**
 * Fetches a SHIP_NOTIFY resource URL (its origin was checked by the API) and groups its shipments by order: the
 * per-store form of an earlier release. Like the account's (`routeShipNotice`), only the identifying filter of the
 * URL is kept, with pages of 500 and a page cap.
 */
export async function fetchShipNotice(deps: ActivityDeps, input: { storeId: number; resourceUrl: string }): Promise<ShipNoticeGroup[]> {
  const canonical = canonicalShipNoticeUrl(input.resourceUrl);
  if (!canonical) return [];
  const credentials = await credentialsOf(deps, input.storeId);
  const ss = await shipstationForStore(deps, credentials);
  const shipments: ShipStationShipment[] = [];
  for (let page = 1; page <= SHIP_NOTICE_MAX_PAGES; page++) {
    const res = await classified(() => ss.callUrl<{ shipments?: ShipStationShipment[]; pages?: number }>(shipNoticePageUrl(canonical, page)));
    shipments.push(...(res.shipments ?? []));
    if (!res.pages || page >= res.pages || (res.shipments ?? []).length === 0) break;
  }
  return groupByOrder(shipments, input.storeId);
}

export function groupByOrder(shipments: ShipStationShipment[], onlyStoreId?: number): ShipNoticeGroup[] {
  const groups = new Map<string, ShipNoticeGroup>();
  for (const s of shipments) {
    const ref = parseOrderKey(s.orderKey ?? '');
    if (!ref) continue; // a label for an order that did not come from this connector
    const storeId = Number(ref.storeId);
    if (onlyStoreId !== undefined && storeId !== onlyStoreId) continue;
    const key = `${storeId}:${ref.orderId}`;
    const g = groups.get(key) ?? { storeId, orderId: ref.orderId, shipmentIds: [] };
    g.shipmentIds.push(s.shipmentId);
    groups.set(key, g);
  }
  return [...groups.values()];
}

/** Hands each order's shipments to its shipment workflow (created on first use; one per Ecwid order). */
export async function deliverShipNotices(deps: ActivityDeps, input: { groups: ShipNoticeGroup[]; source: string }): Promise<number> {
  const client = temporal(deps);
  for (const g of input.groups) {
    const args: ShipmentWorkflowInput = { storeId: g.storeId, orderId: g.orderId };
    await client.workflow.signalWithStart('shipmentWriteBack', {
      workflowId: shipmentWorkflowId(g.storeId, g.orderId),
      taskQueue: deps.taskQueue ?? 'ecwid-shipstation',
      args: [args],
      signal: shipNoticeSignal,
      signalArgs: [{ source: input.source, shipmentIds: g.shipmentIds } satisfies ShipNotice],
      typedSearchAttributes: [
        { key: ECWID_STORE_ID, value: String(g.storeId) },
        { key: ECWID_ORDER_ID, value: g.orderId },
        { key: SHIPMENT_STATE, value: 'updating' },
      ],
      staticSummary: `Shipment write-back for Ecwid order ${g.orderId} (store ${g.storeId})`,
    });
  }
  return input.groups.length;
}

/** Signal-with-starts at once while handing a batch over: enough to be quick, few enough not to crowd Temporal. */
const HAND_OVER_CONCURRENCY = 16;

/**
 * Hands each routed order its shipments (compact, with their data), so its write-back computes the Ecwid update
 * without asking ShipStation. Used for an account's SHIP_NOTIFY and its reconciliation.
 */
export async function deliverRoutedOrders(deps: ActivityDeps, orders: readonly RoutedOrder[], source: string): Promise<number> {
  const client = temporal(deps);
  await mapWithConcurrency(orders, HAND_OVER_CONCURRENCY, async (o) => {
    const args: ShipmentWorkflowInput = { storeId: o.storeId, orderId: o.orderId };
    const notice: ShipNotice = { source, shipmentIds: o.shipments.map((s) => s.shipmentId), shipments: o.shipments };
    await client.workflow.signalWithStart('shipmentWriteBack', {
      workflowId: shipmentWorkflowId(o.storeId, o.orderId),
      taskQueue: deps.taskQueue ?? 'ecwid-shipstation',
      args: [args],
      signal: shipNoticeSignal,
      signalArgs: [notice],
      typedSearchAttributes: [
        { key: ECWID_STORE_ID, value: String(o.storeId) },
        { key: ECWID_ORDER_ID, value: o.orderId },
        { key: SHIPMENT_STATE, value: 'updating' },
      ],
      staticSummary: `Shipment write-back for Ecwid order ${o.orderId} (store ${o.storeId})`,
    });
  });
  return orders.length;
}

export interface PreparedFulfillment {
  appliedShipmentIds: number[];
  /** What to write to Ecwid; absent when every label of the order is voided. */
  update?: EcwidOrderUpdate;
  noUpdate?: string;
  /** Creation time (ms) of the newest live label, for the latency metric. */
  newestLabelAt?: number;
  /** Every label of the order (compact), so that later notices can be computed without asking again. */
  shipments?: CompactShipment[];
}

/**
 * Reads the order's shipments from ShipStation and computes the Ecwid update: SHIPPED, the newest live tracking
 * number, carrier, service and carrier fee (not ShipStation's notes to buyer: V1 has no field for them). Computed from every shipment of the order, so voids
 * and replacements come out right whatever order the notices arrive in. Kept apart from the Ecwid write so
 * retrying an Ecwid outage doesn't spend ShipStation's 40 requests a minute.
 */
export async function prepareFulfillment(deps: ActivityDeps, input: { storeId: number; orderId: string }): Promise<PreparedFulfillment> {
  const credentials = await credentialsOf(deps, input.storeId);
  const ss = await shipstationForStore(deps, credentials);
  const adoptedKey = await adoptedKeyOf(deps, input.storeId, input.orderId);
  const { shipments, fulfillments } = await classified(() => readOrderShipments(ss, input.storeId, input.orderId, adoptedKey));
  // Orders marked as shipped without a label count as parcels too; a fulfillment repeating a label gives way to it.
  const compact = [...shipments.map(compactShipment), ...fulfillments];
  const parcels = onePerParcel(compact);
  const update = buildFulfillmentUpdate(fulfillments.length > 0 ? parcels.map(asShipment) : shipments);
  const appliedShipmentIds = compact.map((s) => s.shipmentId);
  if ('noUpdate' in update) return { appliedShipmentIds, noUpdate: update.noUpdate, shipments: compact };
  const times = parcels.filter((s) => !s.voided).map((s) => Date.parse(s.createDate)).filter(Number.isFinite);
  return { appliedShipmentIds, update, newestLabelAt: times.length > 0 ? Math.max(...times) : undefined, shipments: compact };
}

/**
 * Every ShipStation order of an Ecwid order (a split order is several, all with its orderKey) and their labels,
 * read with their items. Notes to buyer are not read: V1's Order model has no such field.
 */
export async function readOrderShipments(
  ss: ShipStationClient,
  storeId: number,
  orderId: string,
  /** The native orderKey of an order adopted from ShipStation's Ecwid integration (activities/native-orders.ts). */
  adoptedKey?: string,
): Promise<{ shipments: ShipStationShipment[]; fulfillments: CompactShipment[] }> {
  const key = adoptedKey ?? orderKey(storeId, { id: orderId });
  // orderNumber filters "starts with": the split orders ("<n>-1") come along; the orderKey picks ours.
  const orders = (await ss.listOrders({ orderNumber: orderId, pageSize: 100 })).orders.filter((o) => o.orderKey === key);
  const ids = [...new Set(orders.map((o) => o.orderId).filter((id): id is number => typeof id === 'number'))];
  const lists = ids.length > 0 ? ids.map((id) => ({ orderId: id })) : [{ orderNumber: orderId }];
  const shipments: ShipStationShipment[] = [];
  for (const q of lists) {
    const list = await ss.listShipments({ ...q, pageSize: 500, includeShipmentItems: 'true' });
    for (const s of list.shipments ?? []) if (s.orderKey === key && !shipments.some((x) => x.shipmentId === s.shipmentId)) shipments.push(s);
  }
  // A part shipped without a label ("Mark as Shipped") is a fulfillment: read only for such parts.
  const fulfillments = await readOrderFulfillments(ss, orders, shipments);
  return { shipments, fulfillments };
}

/** What one write did, for the `shipmentStatus` query: complete or partial, and which items shipped under which number. */
export type FulfillmentWritten = ShippedItems;

/**
 * Writes a prepared update to the Ecwid order, keeping the order's other extra fields. `keepNotesToBuyer` (sent by
 * the workflow for updates computed from notices) no longer changes anything: no update carries notes to buyer.
 *
 * With `shipments` (the order's labels, with their items), the shipped quantities are compared with the Ecwid
 * order's physical items (split orders, see domain/shipment-progress.ts): a partial shipment is not marked
 * SHIPPED. A partial result computed from notices alone is checked against ShipStation's own list first (an
 * earlier label may be missing from them: its write-back closed since). Labels of a merged ShipStation order are
 * handed to the write-backs of the other Ecwid orders merged into it.
 */
export async function writeFulfillmentToEcwid(
  deps: ActivityDeps,
  input: {
    storeId: number;
    orderId: string;
    update: EcwidOrderUpdate;
    newestLabelAt?: number;
    keepNotesToBuyer?: boolean;
    shipments?: CompactShipment[];
  },
): Promise<FulfillmentWritten | undefined> {
  const credentials = await credentialsOf(deps, input.storeId);
  const ecwid = ecwidFor(deps, input.storeId, credentials);
  let written: FulfillmentWritten | undefined;
  let current: EcwidOrder;
  try {
    current = await ecwid.getOrder(input.orderId);
  } catch (err) {
    throw ecwidFailure(err, input.orderId);
  }
  let update = input.update;
  let labels = input.shipments;
  if (labels && update.fulfillmentStatus === 'SHIPPED') {
    const physical = physicalItemsOf(current);
    let progress = shipmentProgress(physical, onePerParcel(labels));
    if (!progress.complete && input.keepNotesToBuyer) {
      // Computed from notices: ShipStation's list may know labels they did not carry.
      const ss = await shipstationForStore(deps, credentials);
      const adoptedKey = await adoptedKeyOf(deps, input.storeId, input.orderId);
      const listed = await classified(() => readOrderShipments(ss, input.storeId, input.orderId, adoptedKey));
      const known = new Map(labels.map((l) => [l.shipmentId, l]));
      for (const s of listed.shipments) known.set(s.shipmentId, compactShipment(s));
      for (const f of listed.fulfillments) known.set(f.shipmentId, f);
      if (known.size > labels.length) {
        labels = [...known.values()];
        const recomputed = buildFulfillmentUpdate(onePerParcel(labels).map(asShipment));
        if (!('noUpdate' in recomputed)) update = recomputed;
        progress = shipmentProgress(physical, onePerParcel(labels));
      }
    }
    const mergedOrders = progress.foreignItems > 0 ? await handOverMergedLabels(deps, credentials, input.storeId, input.orderId, labels) : [];
    let keptShipped = false;
    if (!progress.complete) {
      const partialShipmentStatus = await partialShipmentStatusOf(deps, input.storeId);
      const decision = partialShipmentUpdate(update, progress, { currentStatus: current.fulfillmentStatus, partialShipmentStatus });
      update = decision.update;
      keptShipped = decision.keptShipped;
      if (keptShipped) {
        deps.logger.warn(
          { storeId: input.storeId, orderId: input.orderId, shipped: progress.shipped, ordered: progress.ordered },
          'live labels cover only part of an order Ecwid has shipped (a label was voided): it stays shipped',
        );
      }
    }
    written = {
      complete: progress.complete,
      ...(update.fulfillmentStatus ? { fulfillmentStatus: update.fulfillmentStatus } : {}),
      ...(keptShipped ? { keptShipped } : {}),
      ordered: progress.ordered,
      shipped: progress.shipped,
      lines: progress.lines.slice(0, LINES_KEPT),
      ...(mergedOrders.length > 0 ? { mergedOrders } : {}),
    };
  }
  try {
    // Ours are all rewritten, so a field that no longer applies (a voided second parcel) goes away.
    const ours = new Set<string>(Object.values(SHIPSTATION_EXTRA_FIELD_IDS));
    const kept: EcwidOrderExtraField[] = (current.orderExtraFields ?? []).filter((f) => !ours.has(f.id ?? ''));
    await ecwid.updateOrder(input.orderId, { ...update, orderExtraFields: [...kept, ...(update.orderExtraFields ?? [])] });
  } catch (err) {
    throw ecwidFailure(err, input.orderId);
  }
  if (input.newestLabelAt && (written?.complete ?? true)) fulfillmentLatencySeconds.observe(Math.max(0, (Date.now() - input.newestLabelAt) / 1000));
  return written;
}

function ecwidFailure(err: unknown, orderId: string): unknown {
  if (err instanceof ApiError && err.status === 404 && err.code !== 'STORE_NOT_FOUND') {
    return ApplicationFailure.nonRetryable(`Ecwid order ${orderId} no longer exists (404)`, 'EcwidOrderNotFound');
  }
  return toActivityFailure(err);
}

const partialStatusInFlight = new Map<number, Promise<EcwidFulfillmentStatus | undefined>>();

/**
 * The store's `partialShipmentStatus` setting, read from its sync workflow; asked only for partial shipments, and
 * shared by the writes asking at the same moment (a split batch), like the credentials. Nothing is kept once
 * answered: a settings change shows at the next partial shipment.
 */
export async function partialShipmentStatusOf(deps: ActivityDeps, storeId: number): Promise<EcwidFulfillmentStatus | undefined> {
  const asked = partialStatusInFlight.get(storeId);
  if (asked) return asked;
  const answer = openWorkflowsOnly(temporal(deps))
    .getHandle(storeSyncWorkflowId(storeId))
    .query(statusQuery)
    .then((st) => st.settings.partialShipmentStatus)
    .catch((err: unknown) => {
      if (err instanceof WorkflowNotFoundError || err instanceof QueryRejectedError) return undefined;
      throw err;
    })
    .finally(() => partialStatusInFlight.delete(storeId));
  partialStatusInFlight.set(storeId, answer);
  return answer;
}

/** A ShipStation order's read-only merge fields (V1 AdvancedOptions). */
interface MergeFields {
  advancedOptions?: { mergedOrSplit?: boolean | null; mergedIds?: number[] | null; parentId?: number | null } | null;
}

/**
 * A merged ShipStation order ships every Ecwid order merged into it: its labels (which carry items of the other
 * orders) are handed to their write-backs, marked `mergedFrom`. Asked only when a label carries items foreign to
 * this order; labels handed over are never handed on. Returns the Ecwid order IDs handed to.
 */
async function handOverMergedLabels(
  deps: ActivityDeps,
  credentials: ConnectionCredentials,
  storeId: number,
  orderId: string,
  labels: CompactShipment[],
): Promise<string[]> {
  const own = labels.filter((l) => l.mergedFrom === undefined && typeof l.orderId === 'number');
  const ssOrderIds = [...new Set(own.map((l) => l.orderId as number))];
  if (ssOrderIds.length === 0) return [];
  const ss = await shipstationForStore(deps, credentials);
  const key = orderKey(storeId, { id: orderId });
  const targets = new Map<string, RoutedOrder>();
  for (const ssOrderId of ssOrderIds) {
    const order = await classified(() => getOrderOrUndefined(ss, ssOrderId));
    const mergedIds = (order as MergeFields | undefined)?.advancedOptions?.mergedIds ?? [];
    for (const mergedId of Array.isArray(mergedIds) ? mergedIds : []) {
      if (typeof mergedId !== 'number' || mergedId === ssOrderId) continue;
      const merged = await classified(() => getOrderOrUndefined(ss, mergedId));
      const ref = merged ? parseOrderKey(merged.orderKey ?? '') : null;
      // Only the same store's orders: another store's labels are its own connection's business.
      if (!ref || ref.storeId !== storeId || ref.orderId === orderId) continue;
      const target = targets.get(ref.orderId) ?? { storeId, orderId: ref.orderId, shipments: [] };
      for (const l of own.filter((x) => x.orderId === ssOrderId)) target.shipments.push({ ...l, mergedFrom: key });
      targets.set(ref.orderId, target);
    }
  }
  if (targets.size > 0) await deliverRoutedOrders(deps, [...targets.values()], `merged:${key}`);
  return [...targets.keys()];
}

async function getOrderOrUndefined(ss: ShipStationClient, orderId: number): Promise<ShipStationOrder | undefined> {
  try {
    return await ss.getOrder(orderId);
  } catch (err) {
    if (err instanceof ApiError && err.status === 404) return undefined;
    throw err;
  }
}

/** Lists labels created since the last check, and feeds them to the same shipment workflows (lost webhooks). */
export async function reconcileShipmentsSince(
  deps: ActivityDeps,
  input: { storeId: number; credentials: ConnectionCredentials; settings: ConnectionSettings; since?: number },
): Promise<number> {
  const startedAt = Math.floor(Date.now() / 1000);
  const since = (input.since ?? startedAt - 86_400) - 600;
  const ss = shipstationFor(deps, input.credentials);
  const groups: ShipNoticeGroup[] = [];
  for (let page = 1; ; page++) {
    const q: Record<string, string | number> = { createDateStart: toShipStationDateTime(since).slice(0, 19).replace('T', ' '), page, pageSize: 500 };
    if (input.settings.shipstationStoreId) q.storeId = input.settings.shipstationStoreId;
    const res = await classified(() => ss.listShipments(q));
    groups.push(...groupByOrder(res.shipments ?? [], input.storeId));
    if (!res.pages || page >= res.pages) break;
  }
  if (groups.length > 0) await deliverShipNotices(deps, { groups, source: 'reconcile' });
  return startedAt;
}
