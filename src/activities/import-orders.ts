import { ApplicationFailure, Context } from '@temporalio/activity';
import { ApiError } from '../clients/http';
import { accountOfTaskQueue } from '../domain/ids';
import { credentialsRefusedFailure, factsOfAccount, forgetAccountFacts } from './account';
import type { EcwidClient } from '../clients/ecwid-client';
import type { ShipStationClient } from '../clients/shipstation-client';
import type { EcwidOrder, EcwidWeightUnit } from '../domain/ecwid';
import { ecwidOrderIdOf, orderKey } from '../domain/ids';
import { decideImport, type ImportSettings } from '../domain/order-filter';
import { mapOrder } from '../domain/order-mapping';
import { decodeRecord, describeMerge, encodeRecord, mergeOrder, unchangedSinceSent, writableCopy, type SentRecord } from '../domain/order-merge';
import type { ShipStationOrder, ShipStationOrderStatus } from '../domain/shipstation';
import { CLOSED_SHIPSTATION_STATUSES } from '../domain/shipstation';
import { isSplitOrMerged } from '../domain/split-orders';
import { cancelOpenParts } from './split-cancel';
import { partlyShippedThroughShipStation, shippedThroughShipStation } from '../domain/shipment-update';
import { pickStockLocation } from '../domain/stock-location';
import { pickCustomsInfo, storeCountryOf, type CustomsContext, type CustomsProductInfo } from '../domain/customs';
import { importLatencySeconds, ordersProcessed } from '../observability/metrics';
import type { ConnectionCredentials, ConnectionSettings, OrderOutcome, ShipStationCredentials } from '../workflows/definitions';
import { ecwidFor, heartbeat, shipstationFor, type ActivityDeps } from './deps';
import { mapWithConcurrency } from './concurrency';
import { MAX_ORDERS_PER_CALL, createOrdersSplittingRefusals, submitOrders, type CreateResult } from './order-batcher';
import { classified, concernsOneOrder, toActivityFailure } from './failures';
import { storeCache, syncCache, windowCache, type LookupCache } from './sync-cache';
import { OPEN_SHIPSTATION_STATUSES, openOrdersSince, readSentOrders, sentRecordsOf, type CurrentOrder } from './shipstation-current';
import { adoptedKeysOf } from './native-orders';
import { adoptionDecision, asAdopted, type AdoptedOrders } from '../domain/native-adoption';

export interface ImportOrdersInput {
  storeId: number;
  syncId: string;
  credentials: ConnectionCredentials;
  settings: ConnectionSettings;
  /** Page mode: orders updated since (unix seconds), from this offset. */
  updatedFrom?: number;
  offset?: number;
  /**
   * Creation-window mode (unix seconds, inclusive): orders created in this window, from `offset`, whatever their
   * update date. Re-reads the orders an earlier `importSince` left out after the merchant moves it back, which
   * the `updatedFrom` cursor would never see again. Takes precedence over `updatedFrom`.
   */
  createdFrom?: number;
  createdTo?: number;
  /** ID mode (webhooks, retries): these orders only. */
  orderIds?: string[];
  /** id → updateTimestamp already sent; such orders are not sent again. */
  recentlySent: Record<string, number>;
  /** How many orders the store adopted from ShipStation's Ecwid integration: above 0, the page asks which are (native-orders.ts). */
  adoptedOrders?: number;
}

export interface ImportOrdersResult {
  /** Worker clock (unix seconds) when the page was read: the next incremental sync starts near it. */
  startedAt: number;
  count: number;
  total: number;
  outcomes: OrderOutcome[];
}

/** Product look-ups in flight at once: enough to be quick, few enough to stay clear of Ecwid's rate limit. */
export const PRODUCT_LOOKUP_CONCURRENCY = 4;

/**
 * Imports one page (100 orders; in page mode more pages, up to MAX_ORDERS_PER_ACTIVITY, until 100 are to be sent)
 * through the four stages: fetch from Ecwid, filter (with a reason
 * for each order left out), map (pure), and create in ShipStation through the account's order batcher (bulk
 * calls shared with the other stores on the same ShipStation account).
 * The stages are separate functions; they share one activity so the workflow history keeps a one-line
 * outcome per order instead of every order's full data twice (see README, "History").
 */
export async function importOrderPage(deps: ActivityDeps, input: ImportOrdersInput, accountId?: string): Promise<ImportOrdersResult> {
  const startedAt = Math.floor(Date.now() / 1000);
  const ecwid = ecwidFor(deps, input.storeId, input.credentials);
  const cached = syncCache(input.syncId);

  // 1. fetch
  const { orders, total, missingIds, unreadable } = await classified(() => fetchOrders(ecwid, input));
  heartbeat({ stage: 'fetched', count: orders.length });

  // Orders Ecwid refused to give us (e.g. a malformed ID) fail on their own; the others go on.
  const outcomes: OrderOutcome[] = [...unreadable];
  const seen = new Set<string>();
  const toConsider: EcwidOrder[] = [];
  for (const order of orders) {
    const id = safeId(order);
    if (seen.has(id)) continue; // the same order on two pages while it changed
    seen.add(id);
    if (order.updateTimestamp !== undefined && input.recentlySent[id] === order.updateTimestamp) {
      outcomes.push({ id, outcome: 'unchanged' });
      continue;
    }
    toConsider.push(order);
  }

  // 2. filter
  const importSettings = importSettingsOf(input.settings);
  const accepted: { order: EcwidOrder; status: ShipStationOrderStatus; physicalItems: NonNullable<EcwidOrder['items']> }[] = [];
  for (const order of toConsider) {
    const id = safeId(order);
    try {
      const d = decideImport(order, importSettings);
      if (d.import) accepted.push({ order, status: d.status, physicalItems: d.physicalItems });
      else outcomes.push({ id, outcome: 'skipped', reason: d.reason, updateTimestamp: order.updateTimestamp });
    } catch (err) {
      outcomes.push({ id, outcome: 'failed', reason: `invalid order: ${errorText(err)}` });
    }
  }

  const ss = accepted.length > 0 || missingIds.length > 0 ? shipstationFor(deps, input.credentials, accountId) : undefined;

  // Orders adopted from ShipStation's Ecwid integration go under its orderKey (see native-orders.ts).
  const adopted = input.adoptedOrders ? await adoptedKeysOf(deps, input.storeId, [...accepted.map((a) => safeId(a.order)), ...missingIds]) : {};

  // Orders Ecwid no longer has: cancel what is still open in ShipStation.
  if (ss && missingIds.length > 0) {
    outcomes.push(...(await cancelInShipStation(ss, input.storeId, missingIds, adopted)));
  }

  if (ss && accepted.length > 0) {
    // Look-ups for the mapping: the store's units, currency and country, and each distinct product's stock
    // location and customs facts.
    const catalog = storeCache(input.storeId);
    const profile = await catalog('profile', () => classified(() => ecwid.getProfile()));
    const weightUnit = (profile.formatsAndUnits?.weightUnit ?? 'KILOGRAM') as EcwidWeightUnit;
    const products = await lookUpProductFacts(ecwid, accepted.flatMap((a) => a.physicalItems), input.settings, catalog);
    const stockLocations = Object.fromEntries(Object.entries(products).map(([pid, f]) => [pid, f?.stockLocation]));
    // Only an explicit `customs: false` turns declarations off: absent (connections made before it) means on.
    const customs: CustomsContext | undefined =
      input.settings.customs === false
        ? undefined
        : {
            storeCountry: storeCountryOf(profile),
            currency: profile.formatsAndUnits?.currency,
            currencyRate: profile.formatsAndUnits?.currencyRate,
            products,
          };
    heartbeat({ stage: 'looked-up' });

    // 3. map (pure), and the rule that a closed order is never created
    const mappedOrders: Planned[] = [];
    for (const a of accepted) {
      const id = safeId(a.order);
      let mapped: ShipStationOrder;
      try {
        mapped = mapOrder(a.order, a.status, a.physicalItems, {
          storeId: input.storeId,
          weightUnit,
          shipstationStoreId: input.settings.shipstationStoreId ?? undefined,
          stockLocations,
          giftFieldNames: input.settings.giftFieldNames,
          giftMessageFieldNames: input.settings.giftMessageFieldNames,
          dimensionsUnit: profile.formatsAndUnits?.dimensionsUnit,
          customs,
        }).order;
      } catch (err) {
        // Only a mapping error is this order's own failure; an API error below is retried for the whole page.
        outcomes.push({ id, outcome: 'failed', reason: `mapping failed: ${errorText(err)}` });
        continue;
      }
      const adoption = adoptionDecision(adopted[id]);
      if (adoption && !adoption.send) {
        outcomes.push({ id, outcome: 'skipped', reason: adoption.reason, updateTimestamp: a.order.updateTimestamp });
        continue;
      }
      const adoptedKey = adoption?.send ? adoption.orderKey : undefined;
      if (adoptedKey) mapped = asAdopted(mapped, adoptedKey);
      if (a.status === 'shipped' && shippedThroughShipStation(a.order)) {
        // The connector wrote this shipment from a ShipStation label (its Ecwid update fires a webhook that brings
        // the order back here): ShipStation has it shipped already. No look-up: a packer's batch of 500 labels
        // must not cost 500 ShipStation calls.
        outcomes.push({ id, outcome: 'skipped', reason: 'closed_in_shipstation', updateTimestamp: a.order.updateTimestamp });
        continue;
      }
      if (!CLOSED_SHIPSTATION_STATUSES.includes(a.status) && partlyShippedThroughShipStation(a.order)) {
        // A split order's first labels were written back: ShipStation holds it as several orders, one of them
        // shipped. Sending the whole order again would put the shipped items back on the open part.
        outcomes.push({ id, outcome: 'skipped', reason: 'partly_shipped_in_shipstation', updateTimestamp: a.order.updateTimestamp });
        continue;
      }
      mappedOrders.push({
        id,
        mapped,
        closing: CLOSED_SHIPSTATION_STATUSES.includes(a.status),
        updateTimestamp: a.order.updateTimestamp,
        ...(adoptedKey ? { adopted: true } : {}),
      });
    }

    // What ShipStation holds now, in bulk: the orders sent before (to keep a packer's edits), and for orders closed
    // in Ecwid that were never sent, or adopted from ShipStation's Ecwid integration and not sent yet, the open orders
    // of the window (see shipstation-current.ts).
    const records = await sentRecordsOf(deps, input.storeId, mappedOrders.map((p) => p.id));
    for (const p of mappedOrders) p.record = decodeRecord(records[p.id]);
    // Nothing new from Ecwid since the last send: no read, no write.
    const unchanged = new Set(mappedOrders.filter((p) => unchangedSinceSent(p.mapped, p.record)).map((p) => p.id));
    if (unchanged.size > 0) {
      for (const p of mappedOrders) if (unchanged.has(p.id)) outcomes.push({ id: p.id, outcome: 'unchanged', updateTimestamp: p.updateTimestamp });
      mappedOrders.splice(0, mappedOrders.length, ...mappedOrders.filter((p) => !unchanged.has(p.id)));
    }
    // Orders without a record (sent by an earlier release, or beyond the records kept) ride along: merged if the
    // listing meets them, never looked for further.
    const current = await classified(() =>
      readSentOrders(
        ss,
        mappedOrders
          .filter((p) => p.record?.kind !== 'deleted' && !(p.closing && !p.record) && !(p.adopted && !p.record))
          .map((p) => ({
            orderKey: p.mapped.orderKey,
            orderNumber: p.mapped.orderNumber,
            ...(p.record?.kind === 'sent' ? { sentAt: p.record.sentAt } : {}),
          })),
        input.orderIds ? 'live' : 'backfill',
      ),
    );
    // An adopted order the connector never sent is the native integration's order, maybe worked on by packers:
    // it is merged with what ShipStation holds (no record: the conflict rule decides), never replaced blindly.
    const unknownInShipStation = mappedOrders.filter((p) => !p.record && (p.closing || p.adopted));
    let openInWindow: Map<string, CurrentOrder> | undefined;
    if (unknownInShipStation.length > 0) {
      const found = await openOrdersOf(ss, unknownInShipStation, input.settings.importSince, cached, windowCache(input.storeId));
      if (typeof found === 'string') {
        outcomes.push(...unknownInShipStation.map((p) => ({ id: p.id, outcome: 'failed' as const, reason: `ShipStation look-up failed: ${found}` })));
      } else openInWindow = found;
    }

    const toCreate: ToCreate[] = [];
    for (const p of mappedOrders) {
      const skip = (reason: string, extra: Partial<OrderOutcome> = {}) =>
        outcomes.push({ id: p.id, outcome: 'skipped', reason, updateTimestamp: p.updateTimestamp, ...extra });
      const rec = p.record;
      if (rec?.kind === 'deleted') {
        // Deleted in ShipStation: recreated only by an Ecwid change made after the connector noticed the deletion.
        if (p.updateTimestamp === undefined || p.updateTimestamp <= rec.ecwidUpdate || p.closing) {
          skip('deleted_in_shipstation');
          continue;
        }
        const m = mergeOrder(p.mapped, undefined, undefined, startedAt);
        toCreate.push({ ...p, order: m.order, sent: encodeRecord(m.record), merge: 'recreated_after_deletion' });
        continue;
      }
      if (rec?.kind === 'sent') {
        const now = current.get(p.mapped.orderKey);
        if (!now) {
          // Sent before, and ShipStation lists it no more: deleted there. Not recreated (see the record above).
          skip('deleted_in_shipstation', p.closing ? {} : { sent: encodeRecord({ kind: 'deleted', ecwidUpdate: p.updateTimestamp ?? startedAt }) });
          continue;
        }
        if (cancelsSplitOrder(p, now)) {
          // A split order: every open part is cancelled, each by its orderId (split-cancel.ts), whichever part the
          // listing met.
          outcomes.push({ ...(await cancelledParts(ss, p.mapped, p.id)), updateTimestamp: p.updateTimestamp });
          continue;
        }
        if (CLOSED_SHIPSTATION_STATUSES.includes(now.orderStatus)) {
          skip('closed_in_shipstation');
          continue;
        }
        if (p.closing) {
          // Closing changes the status only: the rest stays as the packer left it.
          toCreate.push({ ...p, order: closedCopy(now, p.mapped) });
          continue;
        }
        const m = mergeOrder(p.mapped, now, rec, startedAt);
        toCreate.push({ ...p, order: m.order, sent: encodeRecord(m.record), merge: describeMerge(m) });
        continue;
      }
      if (p.closing) {
        // Never sent by the connector: only an order open in ShipStation is moved to shipped/cancelled.
        if (!openInWindow) continue; // its look-up failed (recorded above)
        const now = openInWindow.get(p.mapped.orderKey);
        if (!now) skip(`closed_before_import:${p.mapped.orderStatus}`);
        else if (cancelsSplitOrder(p, now)) outcomes.push({ ...(await cancelledParts(ss, p.mapped, p.id)), updateTimestamp: p.updateTimestamp });
        else if (CLOSED_SHIPSTATION_STATUSES.includes(now.orderStatus)) skip('closed_in_shipstation');
        else toCreate.push({ ...p, order: closedCopy(now, p.mapped) });
        continue;
      }
      // No record: merged without one if the listing met it in ShipStation (conflict rule wherever they differ), else
      // sent as mapped, a create or, for an order ShipStation has not changed lately, a whole replacement. An adopted
      // order is looked for in the open orders of the window (above); not open there, it is sent as mapped under the
      // native key (ShipStation refuses an update of a shipped or cancelled order).
      if (p.adopted && !openInWindow) continue; // its look-up failed (recorded above)
      const met = p.adopted ? openInWindow?.get(p.mapped.orderKey) : current.get(p.mapped.orderKey);
      if (met && CLOSED_SHIPSTATION_STATUSES.includes(met.orderStatus)) {
        skip('closed_in_shipstation');
        continue;
      }
      const m = mergeOrder(p.mapped, met, undefined, startedAt);
      toCreate.push({ ...p, order: m.order, sent: encodeRecord(m.record), merge: describeMerge(m) });
    }

    // 4. create: through the account's order batcher, in createorders calls shared with the other stores on the
    // same ShipStation account. Orders asked for by ID (webhooks, retries) go before backfill pages.
    heartbeat({ stage: 'creating', orders: toCreate.length });
    const results = await classified(() => submitOrders(ss, toCreate.map((b) => b.order), input.orderIds ? 'live' : 'backfill'));
    for (const b of toCreate) {
      const r = results.get(b.order.orderKey);
      if (r?.success) {
        outcomes.push({
          id: b.id,
          outcome: b.mapped.orderStatus === 'cancelled' ? 'cancelled' : 'imported',
          updateTimestamp: b.updateTimestamp,
          ...(b.sent !== undefined ? { sent: b.sent } : {}),
          ...(b.merge ? { merge: b.merge } : {}),
        });
        if (b.updateTimestamp) importLatencySeconds.observe(Math.max(0, Date.now() / 1000 - b.updateTimestamp));
      } else if (r && /shipped|cancel/i.test(r.errorMessage ?? '')) {
        outcomes.push({ id: b.id, outcome: 'skipped', reason: 'closed_in_shipstation', updateTimestamp: b.updateTimestamp });
      } else {
        outcomes.push({ id: b.id, outcome: 'failed', reason: r?.errorMessage ?? 'ShipStation returned no result for this order' });
      }
    }
    heartbeat({ stage: 'created', done: toCreate.length });
  }

  // Ecwid timestamps have one-second resolution: a version read in the same second it was written may be
  // followed by another change with the same timestamp. Only remember versions strictly older than the read.
  for (const o of outcomes) if (o.updateTimestamp !== undefined && o.updateTimestamp >= startedAt) delete o.updateTimestamp;
  for (const o of outcomes) ordersProcessed.inc({ outcome: o.outcome, reason: o.outcome === 'skipped' ? reasonLabel(o.reason) : '' });
  return { startedAt, count: orders.length + missingIds.length + unreadable.length, total, outcomes };
}

/** An accepted, mapped order on its way to ShipStation. */
interface Planned {
  id: string;
  mapped: ShipStationOrder;
  /** Shipped or cancelled in Ecwid: only moves an order open in ShipStation to that status. */
  closing: boolean;
  updateTimestamp?: number;
  record?: SentRecord;
  /** Sent under the orderKey of ShipStation's Ecwid integration (adopted, see native-orders.ts). */
  adopted?: boolean;
}

interface ToCreate extends Planned {
  order: ShipStationOrder;
  /** The record of this send (OrderOutcome.sent). */
  sent?: string;
  merge?: string;
}

/** ShipStation's order with Ecwid's closing status (shipped or cancelled), as a createorders body. */
function closedCopy(now: CurrentOrder, mapped: ShipStationOrder): ShipStationOrder {
  return { ...(writableCopy(now) as unknown as ShipStationOrder), orderKey: mapped.orderKey, orderStatus: mapped.orderStatus };
}

/** Fewer orders than open statuses: one look-up by order number each is cheaper than the open listings. */
const FEW_LOOKUPS = OPEN_SHIPSTATION_STATUSES.length;

/**
 * The open ShipStation orders among these (closed in Ecwid or adopted, never sent by the connector), by key: from the open
 * listings of the import window (shared by the store's syncs for 15 minutes, see `windowCache`), or for fewer orders
 * than those listings cost, one look-up by order number each. ShipStation's refusal of a look-up for one order only (see `concernsOneOrder`) is its message.
 */
async function openOrdersOf(
  ss: ShipStationClient,
  orders: Planned[],
  importSince: number,
  cached: LookupCache,
  windowCached: LookupCache,
): Promise<Map<string, CurrentOrder> | string> {
  if (orders.length >= FEW_LOOKUPS) return classified(() => openOrdersSince(ss, importSince, windowCached));
  const found = new Map<string, CurrentOrder>();
  try {
    for (const p of orders) {
      const o = await cached(`ss:${p.mapped.orderKey}`, () => findShipStationOrder(ss, p.mapped));
      if (o) found.set(o.orderKey, o as CurrentOrder);
    }
  } catch (err) {
    if (!concernsOneOrder(err)) throw toActivityFailure(err);
    return err.message;
  }
  return found;
}

interface FetchedOrders {
  orders: EcwidOrder[];
  total: number;
  /** Asked for by ID, and Ecwid no longer has them: deleted. */
  missingIds: string[];
  /** Asked for by ID, and Ecwid refused to read them (see `concernsOneOrder`): their `failed` outcomes. */
  unreadable: OrderOutcome[];
}

/** Ecwid's page size. */
const ECWID_PAGE = 100;
/**
 * A page-mode activity reads further Ecwid pages until it has a full createorders call (100 orders) to send, or
 * this many Ecwid orders: a backfill whose orders are mostly closed (nothing to send) then costs one ShipStation
 * call per 100 orders sent, not one per 100 orders read. Bounded so the outcomes stay small in history.
 */
export const MAX_ORDERS_PER_ACTIVITY = 2000;

async function fetchOrders(ecwid: EcwidClient, input: ImportOrdersInput): Promise<FetchedOrders> {
  if (input.orderIds) return fetchOrdersById(ecwid, input.orderIds);
  const orders: EcwidOrder[] = [];
  let total = 0;
  let offset = input.offset ?? 0;
  let toSend = 0;
  for (;;) {
    const paging = { offset, limit: ECWID_PAGE };
    const page =
      input.createdFrom !== undefined
        ? await ecwid.searchOrders({ createdFrom: input.createdFrom, createdTo: input.createdTo, ...paging })
        : await ecwid.searchOrders({ updatedFrom: input.updatedFrom, ...paging });
    orders.push(...page.items);
    total = page.total;
    offset += page.items.length;
    toSend += page.items.filter((o) => wouldBeSent(o, input)).length;
    if (page.items.length === 0 || offset >= total || toSend >= MAX_ORDERS_PER_CALL || orders.length >= MAX_ORDERS_PER_ACTIVITY) break;
    heartbeat({ stage: 'fetching', offset });
  }
  return { orders, total, missingIds: [], unreadable: [] };
}

/** Whether an order read would go to ShipStation in a createorders call (an estimate: closed orders mostly don't). */
function wouldBeSent(order: EcwidOrder, input: ImportOrdersInput): boolean {
  try {
    if (order.updateTimestamp !== undefined && input.recentlySent[safeId(order)] === order.updateTimestamp) return false;
    const d = decideImport(order, importSettingsOf(input.settings));
    return d.import && !CLOSED_SHIPSTATION_STATUSES.includes(d.status);
  } catch {
    return false;
  }
}

function importSettingsOf(settings: ConnectionSettings): ImportSettings {
  return {
    importPickupOrders: settings.importPickupOrders,
    importSince: settings.importSince,
    statusMapping: settings.statusMapping,
    giftFieldNames: settings.giftFieldNames,
    giftMessageFieldNames: settings.giftMessageFieldNames,
    stockLocationAttribute: settings.stockLocationAttribute,
  };
}

async function fetchOrdersById(ecwid: EcwidClient, orderIds: string[]): Promise<FetchedOrders> {
  let found: EcwidOrder[] = [];
  try {
    found = (await ecwid.searchOrders({ ids: orderIds, limit: 100 })).items;
  } catch (err) {
    // Ecwid refuses the whole search for one bad ID; read them one by one below, so each gets its own outcome.
    if (!concernsOneOrder(err)) throw err;
  }
  const foundIds = new Set(found.map((o) => safeId(o)));
  const orders = [...found];
  const missingIds: string[] = [];
  const unreadable: OrderOutcome[] = [];
  // The search leaves out unfinished checkouts; read those one by one, and a 404 means deleted.
  for (const id of orderIds.filter((x) => !foundIds.has(x))) {
    try {
      orders.push(await ecwid.getOrder(id));
    } catch (err) {
      if (err instanceof ApiError && err.status === 404 && err.code !== 'STORE_NOT_FOUND') missingIds.push(id);
      else if (concernsOneOrder(err)) unreadable.push({ id, outcome: 'failed', reason: `Ecwid refused to read the order: ${err.message}` });
      else throw err;
    }
    heartbeat({ stage: 'fetching', id });
  }
  return { orders, total: orders.length + missingIds.length + unreadable.length, missingIds, unreadable };
}

/** What the mapping reads from a product: its stock location and its customs facts. */
export interface ProductFacts extends CustomsProductInfo {
  stockLocation?: string;
}

/**
 * One look-up per distinct product (cached per store), read for both the stock location and the customs facts.
 * Only the picked facts are cached, not the product, so the cache stays small.
 */
export async function lookUpProductFacts(
  ecwid: EcwidClient,
  items: NonNullable<EcwidOrder['items']>,
  settings: ConnectionSettings,
  cached: LookupCache,
): Promise<Record<string, ProductFacts | undefined>> {
  const productIds = [...new Set(items.map((i) => i.productId).filter((p): p is number => typeof p === 'number' && p > 0))];
  const key = [settings.stockLocationAttribute, settings.customsTariffCodeAttribute, settings.customsCountryOfOriginAttribute]
    .map((a) => a ?? '')
    .join(':');
  const entries = await mapWithConcurrency(productIds, PRODUCT_LOOKUP_CONCURRENCY, async (pid) => {
    const facts = await cached(`product:${pid}:${key}`, async (): Promise<ProductFacts | undefined> => {
      try {
        const product = await ecwid.getProduct(pid);
        const location = pickStockLocation(product, settings.stockLocationAttribute);
        return { ...(location !== undefined ? { stockLocation: location } : {}), ...pickCustomsInfo(product, settings) };
      } catch (err) {
        // A deleted product has no location nor customs facts; the order still imports without them.
        if (err instanceof ApiError && err.status === 404) return undefined;
        throw err;
      }
    });
    return [String(pid), facts] as const;
  }).catch((err: unknown) => classified(() => Promise.reject(err)));
  return Object.fromEntries(entries);
}

/** The stock location of each product (see `lookUpProductFacts`). */
export async function lookUpStockLocations(
  ecwid: EcwidClient,
  items: NonNullable<EcwidOrder['items']>,
  settings: ConnectionSettings,
  cached: LookupCache,
): Promise<Record<string, string | undefined>> {
  const facts = await lookUpProductFacts(ecwid, items, settings, cached);
  return Object.fromEntries(Object.entries(facts).map(([pid, f]) => [pid, f?.stockLocation]));
}

/**
 * One bulk call outside the batcher (cancelling a deleted order). If ShipStation rejects the whole request as
 * malformed (400), it is split in halves until the bad order stands alone, so one bad order never blocks the others.
 */
export function createInShipStation(ss: ShipStationClient, orders: ShipStationOrder[]): Promise<Map<string, CreateResult>> {
  return createOrdersSplittingRefusals(ss, orders);
}

/** The ShipStation order with this key, found by its order number (V1 has no look-up by key). */
export async function findShipStationOrder(
  ss: ShipStationClient,
  ref: { orderKey: string; orderNumber: string },
): Promise<ShipStationOrder | undefined> {
  const res = await ss.listOrders({ orderNumber: ref.orderNumber, pageSize: 100 });
  // A split order is several ShipStation orders with one key: the open one is the one that can still change.
  const ours = res.orders.filter((o) => o.orderKey === ref.orderKey);
  return ours.find((o) => !CLOSED_SHIPSTATION_STATUSES.includes(o.orderStatus)) ?? ours[0];
}

/**
 * Cancels the open ShipStation orders of Ecwid orders that were deleted. ShipStation refusing one order's
 * look-up or cancel (see `concernsOneOrder`) is that order's `failed` outcome; the others go on.
 */
export async function cancelInShipStation(ss: ShipStationClient, storeId: number, orderIds: string[], adopted: AdoptedOrders = {}): Promise<OrderOutcome[]> {
  const outcomes: OrderOutcome[] = [];
  for (const id of orderIds) {
    try {
      const adoption = adoptionDecision(adopted[id]);
      outcomes.push(await cancelOne(ss, storeId, id, adoption?.send ? adoption.orderKey : undefined));
    } catch (err) {
      if (!concernsOneOrder(err)) throw toActivityFailure(err);
      outcomes.push({ id, outcome: 'failed', reason: `cancel failed: ${err.message}` });
    }
    heartbeat({ stage: 'cancelling', id });
  }
  return outcomes;
}

async function cancelOne(ss: ShipStationClient, storeId: number, id: string, adoptedKey?: string): Promise<OrderOutcome> {
  // Every open ShipStation order of the key (an adopted order's native key): a split order's open parts too.
  const r = await cancelOpenParts(ss, { orderKey: adoptedKey ?? orderKey(storeId, { id }), orderNumber: id });
  if (r.found === 0) return { id, outcome: 'skipped', reason: 'deleted_in_ecwid' };
  if (r.open === 0) return { id, outcome: 'skipped', reason: 'closed_in_shipstation' };
  return r.errors.length === 0 ? { id, outcome: 'cancelled', reason: 'deleted_in_ecwid' } : { id, outcome: 'failed', reason: `cancel failed: ${r.errors.join('; ')}` };
}

/** Cancels a split order's open parts (payment or order cancelled in Ecwid): the order's outcome. */
/** The order is cancelled in Ecwid and ShipStation holds it split (or merged): each open part must be cancelled. */
function cancelsSplitOrder(p: { mapped: ShipStationOrder }, now: ShipStationOrder): boolean {
  return p.mapped.orderStatus === 'cancelled' && isSplitOrMerged(now);
}

async function cancelledParts(ss: ShipStationClient, ref: { orderKey: string; orderNumber: string }, id: string): Promise<OrderOutcome> {
  try {
    const r = await cancelOpenParts(ss, ref);
    if (r.open === 0) return { id, outcome: 'skipped', reason: 'closed_in_shipstation' };
    return r.errors.length === 0 ? { id, outcome: 'cancelled' } : { id, outcome: 'failed', reason: `cancel failed: ${r.errors.join('; ')}` };
  } catch (err) {
    if (!concernsOneOrder(err)) throw toActivityFailure(err);
    return { id, outcome: 'failed', reason: `cancel failed: ${err.message}` };
  }
}

function safeId(order: EcwidOrder): string {
  try {
    return ecwidOrderIdOf(order);
  } catch {
    return String(order.internalId ?? 'unknown');
  }
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** Metric label: the reason family only (`unmapped_status`), to keep label values few. */
function reasonLabel(reason: string | undefined): string {
  return (reason ?? 'unknown').split(':')[0];
}

/**
 * A page imported by the owner of the store's ShipStation account (on the account's task queue): with the pair the
 * account holds now, whatever copy the store holds (a replacement reaches every store at once). When ShipStation
 * refuses that pair the page fails as `ShipStationCredentialsRefused`, at once and without calling Ecwid or
 * ShipStation again while the account is marked: the store's sync keeps its cursor and its pending orders and waits
 * (its backoff) for new credentials, whose arrival wakes it. Elsewhere (before the store joined) a page uses the
 * store's pair, as before.
 */
export async function importOrdersOfStore(deps: ActivityDeps, input: ImportOrdersInput): Promise<ImportOrdersResult> {
  const accountId = accountOfTaskQueue(currentTaskQueue());
  if (!accountId) return importOrderPage(deps, input);
  const facts = await factsOfAccount(deps, accountId);
  if (facts.refused) throw credentialsRefusedFailure(accountId);
  const page = (pair: ShipStationCredentials) => importOrderPage(deps, { ...input, credentials: { ...input.credentials, shipstation: pair } }, accountId);
  try {
    return await page(facts.credentials);
  } catch (err) {
    if (!refusedByShipStation(err)) throw err;
  }
  // Refused: the pair this process kept may have been replaced a moment ago. Ask the account again, once.
  forgetAccountFacts(accountId);
  const fresh = await factsOfAccount(deps, accountId);
  const replaced = fresh.credentials.apiKey !== facts.credentials.apiKey || fresh.credentials.apiSecret !== facts.credentials.apiSecret;
  if (fresh.refused || !replaced) throw credentialsRefusedFailure(accountId);
  try {
    return await page(fresh.credentials);
  } catch (err) {
    throw refusedByShipStation(err) ? credentialsRefusedFailure(accountId) : err;
  }
}

function refusedByShipStation(err: unknown): boolean {
  if (err instanceof ApplicationFailure && err.type === 'ShipStationAuthFailed') return true;
  return err instanceof ApiError && err.service === 'shipstation' && (err.status === 401 || err.status === 403);
}

function currentTaskQueue(): string {
  try {
    return Context.current().info.taskQueue;
  } catch {
    return '';
  }
}
