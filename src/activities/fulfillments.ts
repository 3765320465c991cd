/**
 * FULFILLMENT_SHIPPED: orders marked as shipped without a ShipStation label ("Mark as Shipped", fulfillment
 * providers) reach the write-backs of their Ecwid orders like labels do (domain/fulfillment-notice.ts).
 */
import { ApiError } from '../clients/http';
import type { ShipStationClient } from '../clients/shipstation-client';
import {
  canonicalFulfillmentNoticeUrl,
  compactFulfillment,
  FULFILLMENT_NOTICE_MAX_PAGES,
  fulfillmentNoticePageUrl,
  routeFulfillments,
  type FulfilledOrder,
  type ShipStationFulfillment,
} from '../domain/fulfillment-notice';
import type { CompactShipment } from '../domain/shipment-notice';
import type { ShipStationOrder } from '../domain/shipstation';
import { accountClient, countRouted, routingOfAccount } from './account';
import { recordResumePoint, resumePoint, type ActivityDeps } from './deps';
import { classified } from './failures';
import { deliverRoutedOrders } from './shipments';

/** How far a notice's paging got: kept in heartbeat details, so a retry resumes at `nextPage`. */
interface FulfillmentNoticeProgress {
  nextPage: number;
  fulfillments: number;
  orders: number;
  routed: number;
  ignored: number;
}

function isProgress(v: unknown): v is FulfillmentNoticeProgress {
  if (typeof v !== 'object' || v === null) return false;
  const p = v as Record<string, unknown>;
  return (
    ['nextPage', 'fulfillments', 'orders', 'routed', 'ignored'].every((k) => typeof p[k] === 'number' && Number.isInteger(p[k]) && (p[k] as number) >= 0) &&
    (p.nextPage as number) >= 1
  );
}

async function orderOrUndefined(ss: ShipStationClient, orderId: number): Promise<ShipStationOrder | undefined> {
  try {
    return await ss.getOrder(orderId);
  } catch (err) {
    if (err instanceof ApiError && err.status === 404) return undefined;
    throw err;
  }
}

/**
 * An account's FULFILLMENT_SHIPPED: reads the resource (only its identifying filter, pages of 500, a page cap) and
 * hands each fulfillment of an attached store's order to that order's write-back, with its items. A fulfillment
 * names neither orderKey nor items, so its ShipStation order is read (`GET /orders/{id}`, once per order and page;
 * a "Mark as Shipped" notifies one order). Each page is handed over before the next is read, and the next page is
 * recorded in the heartbeat: a retry resumes there.
 */
export async function routeFulfillmentNotice(
  deps: ActivityDeps,
  input: { accountId: string; resourceUrl: string },
): Promise<{ fulfillments: number; orders: number; routed: number; ignored: number }> {
  const previous = resumePoint();
  let progress: FulfillmentNoticeProgress = isProgress(previous) ? previous : { nextPage: 1, fulfillments: 0, orders: 0, routed: 0, ignored: 0 };
  if (progress.nextPage > 1) recordResumePoint(progress);
  const summary = () => ({ fulfillments: progress.fulfillments, orders: progress.orders, routed: progress.routed, ignored: progress.ignored });
  const canonical = canonicalFulfillmentNoticeUrl(input.resourceUrl);
  if (!canonical) {
    deps.logger.warn({ accountId: input.accountId }, 'FULFILLMENT_SHIPPED resource URL names no fulfillment: nothing read');
    return summary();
  }
  const ss = await accountClient(deps, input.accountId);
  const { stores, native } = await routingOfAccount(deps, input.accountId);
  let complete = false;
  for (let page = progress.nextPage; page <= FULFILLMENT_NOTICE_MAX_PAGES; page++) {
    const res = await classified(() => ss.callUrl<{ fulfillments?: ShipStationFulfillment[]; pages?: number }>(fulfillmentNoticePageUrl(canonical, page)));
    const fulfillments = res.fulfillments ?? [];
    const orders = new Map<number, FulfilledOrder>();
    for (const id of new Set(fulfillments.map((f) => f.orderId).filter((id) => typeof id === 'number' && id > 0))) {
      const order = await classified(() => orderOrUndefined(ss, id));
      if (order) orders.set(id, order);
    }
    const routing = routeFulfillments(fulfillments, orders, stores, native);
    await deliverRoutedOrders(deps, routing.orders, input.resourceUrl);
    progress = {
      nextPage: page + 1,
      fulfillments: progress.fulfillments + fulfillments.length,
      orders: progress.orders + routing.orders.length,
      routed: progress.routed + routing.routed,
      ignored: progress.ignored + routing.ignored,
    };
    recordResumePoint(progress);
    if (!res.pages || page >= res.pages || fulfillments.length === 0) {
      complete = true;
      break;
    }
  }
  if (!complete) {
    deps.logger.warn({ accountId: input.accountId, pages: FULFILLMENT_NOTICE_MAX_PAGES }, 'FULFILLMENT_SHIPPED larger than the page cap: the rest is not read');
  }
  await countRouted(deps, input.accountId, { orders: [], routed: progress.routed, ignored: progress.ignored });
  return summary();
}

/** Fulfillments whose orders are read one by one (`GET /orders/{id}`); more are read by a list of shipped orders. */
const ORDER_READS_ONE_BY_ONE = 3;

/**
 * The account's orders marked as shipped since `createDateStart` (Pacific, `yyyy-MM-dd HH:mm:ss`), routed to the
 * write-backs like a FULFILLMENT_SHIPPED: lost webhooks are caught up by the account's reconciliation. One paged
 * `GET /fulfillments` (a quiet account: 1 call); their orders are read one by one when there are a few, else with a
 * paged `GET /orders?orderStatus=shipped&modifyDateStart=…` (marking shipped sets the order's modifyDate), and one by
 * one for any the list missed. A write-back skips a fulfillment it has written already.
 */
export async function reconcileAccountFulfillments(
  deps: ActivityDeps,
  ss: ShipStationClient,
  stores: ReadonlySet<number>,
  createDateStart: string,
  native: ReadonlyMap<number, number> = new Map(),
): Promise<{ fulfillments: number; routed: number; ignored: number }> {
  const fulfillments: ShipStationFulfillment[] = [];
  for (let page = 1; page <= FULFILLMENT_NOTICE_MAX_PAGES; page++) {
    const res = await classified(() => ss.listFulfillments({ createDateStart, sortBy: 'CreateDate', sortDir: 'ASC', page, pageSize: 500 }));
    fulfillments.push(...(res.fulfillments ?? []));
    if (!res.pages || page >= res.pages) break;
  }
  const live = fulfillments.filter((f) => f.voided !== true);
  if (live.length === 0) return { fulfillments: 0, routed: 0, ignored: 0 };
  const wanted = new Set(live.map((f) => f.orderId).filter((id) => typeof id === 'number' && id > 0));
  const orders = new Map<number, FulfilledOrder>();
  if (wanted.size > ORDER_READS_ONE_BY_ONE) {
    for (let page = 1; page <= FULFILLMENT_NOTICE_MAX_PAGES; page++) {
      const res = await classified(() => ss.listOrders({ orderStatus: 'shipped', modifyDateStart: createDateStart, page, pageSize: 500 }));
      for (const o of res.orders ?? []) if (typeof o.orderId === 'number' && wanted.has(o.orderId)) orders.set(o.orderId, o);
      if (!res.pages || page >= res.pages || orders.size === wanted.size) break;
    }
  }
  for (const id of wanted) {
    if (orders.has(id)) continue;
    const order = await classified(() => orderOrUndefined(ss, id));
    if (order) orders.set(id, order);
  }
  const routing = routeFulfillments(live, orders, stores, native);
  await deliverRoutedOrders(deps, routing.orders, 'reconcile-fulfillments');
  return { fulfillments: live.length, routed: routing.routed, ignored: routing.ignored };
}

/**
 * The fulfillments of an Ecwid order's ShipStation orders, for a write-back that reads ShipStation (a retry, a
 * re-check). Asked only for a ShipStation order that is shipped while no live label of it is listed: shipped
 * without a label, so by a fulfillment. Orders shipped with labels cost nothing more.
 */
export async function readOrderFulfillments(
  ss: ShipStationClient,
  orders: readonly ShipStationOrder[],
  labels: readonly { orderId?: number; voided?: boolean | null; isReturnLabel?: boolean | null }[],
): Promise<CompactShipment[]> {
  const out: CompactShipment[] = [];
  for (const o of orders) {
    if (typeof o.orderId !== 'number' || o.orderStatus !== 'shipped') continue;
    if (labels.some((l) => l.orderId === o.orderId && !l.voided && !l.isReturnLabel)) continue;
    const res = await ss.listFulfillments({ orderId: o.orderId, pageSize: 500 });
    for (const f of res.fulfillments ?? []) if (f.orderId === o.orderId) out.push(compactFulfillment(f, o));
  }
  return out;
}
