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
import { createOrdersSplittingRefusals, submitOrders, type CreateResult } from './order-batcher';
import { classified, concernsOneOrder, toActivityFailure } from './failures';
import { storeCache, syncCache, type LookupCache } from './sync-cache';

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
 * Imports one page (at most 100 orders) through the four stages: fetch from Ecwid, filter (with a reason
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
  const importSettings: ImportSettings = {
    importPickupOrders: input.settings.importPickupOrders,
    importSince: input.settings.importSince,
    statusMapping: input.settings.statusMapping,
    giftFieldNames: input.settings.giftFieldNames,
    giftMessageFieldNames: input.settings.giftMessageFieldNames,
    stockLocationAttribute: input.settings.stockLocationAttribute,
  };
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

  // Orders Ecwid no longer has: cancel what is still open in ShipStation.
  if (ss && missingIds.length > 0) {
    outcomes.push(...(await cancelInShipStation(ss, input.storeId, missingIds)));
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
    const toCreate: { id: string; order: ShipStationOrder; updateTimestamp?: number; cancelling: boolean }[] = [];
    for (const a of accepted) {
      const id = safeId(a.order);
      let mapped: ShipStationOrder;
      try {
        mapped = mapOrder(a.order, a.status, a.physicalItems, {
          storeId: input.storeId,
          weightUnit,
          shipstationStoreId: input.settings.shipstationStoreId,
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
      if (CLOSED_SHIPSTATION_STATUSES.includes(a.status)) {
        // Only an order already open in ShipStation is moved to shipped/cancelled; a new one is not created.
        let existing: ShipStationOrder | undefined;
        try {
          existing = await cached(`ss:${mapped.orderKey}`, () => findShipStationOrder(ss, mapped));
        } catch (err) {
          if (!concernsOneOrder(err)) throw toActivityFailure(err);
          outcomes.push({ id, outcome: 'failed', reason: `ShipStation look-up failed: ${err.message}` });
          continue;
        }
        if (!existing) {
          outcomes.push({ id, outcome: 'skipped', reason: `closed_before_import:${a.status}`, updateTimestamp: a.order.updateTimestamp });
          continue;
        }
        if (CLOSED_SHIPSTATION_STATUSES.includes(existing.orderStatus)) {
          outcomes.push({ id, outcome: 'skipped', reason: 'closed_in_shipstation', updateTimestamp: a.order.updateTimestamp });
          continue;
        }
        if (a.status === 'cancelled' && isSplitOrMerged(existing)) {
          // A split order: every open part is cancelled, each by its orderId (split-cancel.ts).
          outcomes.push({ ...(await cancelledParts(ss, mapped, id)), updateTimestamp: a.order.updateTimestamp });
          continue;
        }
      }
      toCreate.push({ id, order: mapped, updateTimestamp: a.order.updateTimestamp, cancelling: a.status === 'cancelled' });
    }

    // 4. create: through the account's order batcher, in createorders calls shared with the other stores on the
    // same ShipStation account. Orders asked for by ID (webhooks, retries) go before backfill pages.
    heartbeat({ stage: 'creating', orders: toCreate.length });
    const results = await classified(() => submitOrders(ss, toCreate.map((b) => b.order), input.orderIds ? 'live' : 'backfill'));
    for (const b of toCreate) {
      const r = results.get(b.order.orderKey);
      if (r?.success) {
        outcomes.push({ id: b.id, outcome: b.cancelling ? 'cancelled' : 'imported', updateTimestamp: b.updateTimestamp });
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

interface FetchedOrders {
  orders: EcwidOrder[];
  total: number;
  /** Asked for by ID, and Ecwid no longer has them: deleted. */
  missingIds: string[];
  /** Asked for by ID, and Ecwid refused to read them (see `concernsOneOrder`): their `failed` outcomes. */
  unreadable: OrderOutcome[];
}

async function fetchOrders(ecwid: EcwidClient, input: ImportOrdersInput): Promise<FetchedOrders> {
  if (input.orderIds) return fetchOrdersById(ecwid, input.orderIds);
  const paging = { offset: input.offset ?? 0, limit: 100 };
  const page =
    input.createdFrom !== undefined
      ? await ecwid.searchOrders({ createdFrom: input.createdFrom, createdTo: input.createdTo, ...paging })
      : await ecwid.searchOrders({ updatedFrom: input.updatedFrom, ...paging });
  return { orders: page.items, total: page.total, missingIds: [], unreadable: [] };
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
export async function cancelInShipStation(ss: ShipStationClient, storeId: number, orderIds: string[]): Promise<OrderOutcome[]> {
  const outcomes: OrderOutcome[] = [];
  for (const id of orderIds) {
    try {
      outcomes.push(await cancelOne(ss, storeId, id));
    } catch (err) {
      if (!concernsOneOrder(err)) throw toActivityFailure(err);
      outcomes.push({ id, outcome: 'failed', reason: `cancel failed: ${err.message}` });
    }
    heartbeat({ stage: 'cancelling', id });
  }
  return outcomes;
}

async function cancelOne(ss: ShipStationClient, storeId: number, id: string): Promise<OrderOutcome> {
  // Every open ShipStation order of the key: a split order's open parts too.
  const r = await cancelOpenParts(ss, { orderKey: orderKey(storeId, { id }), orderNumber: id });
  if (r.found === 0) return { id, outcome: 'skipped', reason: 'deleted_in_ecwid' };
  if (r.open === 0) return { id, outcome: 'skipped', reason: 'closed_in_shipstation' };
  return r.errors.length === 0 ? { id, outcome: 'cancelled', reason: 'deleted_in_ecwid' } : { id, outcome: 'failed', reason: `cancel failed: ${r.errors.join('; ')}` };
}

/** Cancels a split order's open parts (payment or order cancelled in Ecwid): the order's outcome. */
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
