/**
 * What ShipStation holds now, read in bulk for the import (never one read per order):
 * - the orders the connector sent before and is about to update: one `GET /orders?modifyDateStart=…` listing
 *   (pages of 500, newest change first) from just before the oldest of their last sends, since each send changed
 *   them then, read until every one is found;
 * - the open orders of the import window, for orders closed in Ecwid that the connector has no record of (the
 *   backfill's question "is it open in ShipStation, to be cancelled or shipped?"): one listing per open status
 *   (pages of 500), read once per sync and shared by its pages.
 * Every call goes through the account's client, so through its budget (see clients/rate-pacer.ts).
 */
import type { ShipStationClient } from '../clients/shipstation-client';
import { toShipStationDateTime } from '../domain/dates';
import { CLOSED_SHIPSTATION_STATUSES, type ShipStationOrder, type ShipStationOrderStatus } from '../domain/shipstation';
import { storeSyncWorkflowId } from '../domain/ids';
import { sentRecordsQuery } from '../workflows/definitions';
import type { ActivityDeps } from './deps';
import { heartbeat } from './deps';
import { openWorkflowsOnly } from './shipments';
import type { LookupCache } from './sync-cache';

/** ShipStation's largest page. */
export const LIST_PAGE_SIZE = 500;
/** Clocks differ (ours and ShipStation's): the listing starts this long before the oldest send. */
const MODIFY_DATE_MARGIN_SECONDS = 15 * 60;
/** Statuses in which ShipStation still accepts updates. */
export const OPEN_SHIPSTATION_STATUSES: readonly ShipStationOrderStatus[] = ['awaiting_payment', 'awaiting_shipment', 'pending_fulfillment', 'on_hold'];

export type CurrentOrder = ShipStationOrder & Record<string, unknown>;

/**
 * The records of the last sends of these orders, from the store's sync workflow (its `sentRecords` query). A run
 * from before the query existed, or no Temporal client (unit tests), answers nothing: the orders are then treated
 * as never sent (see docs/order-mapping.md).
 */
export async function sentRecordsOf(deps: ActivityDeps, storeId: number, ids: string[]): Promise<Record<string, string>> {
  if (!deps.temporal || ids.length === 0) return {};
  try {
    return await openWorkflowsOnly(deps.temporal).getHandle(storeSyncWorkflowId(storeId)).query(sentRecordsQuery, ids);
  } catch (err) {
    deps.logger.warn({ storeId, error: String(err) }, 'could not read the records of last sends; orders are merged without them');
    return {};
  }
}

/** Of several ShipStation orders with one key (a split order), the open one: the one that can still change. */
function keep(map: Map<string, CurrentOrder>, o: CurrentOrder): void {
  const known = map.get(o.orderKey);
  if (!known || (CLOSED_SHIPSTATION_STATUSES.includes(known.orderStatus) && !CLOSED_SHIPSTATION_STATUSES.includes(o.orderStatus))) map.set(o.orderKey, o);
}

/**
 * The current ShipStation orders of these keys, each sent by the connector at or after `sentAt` (unix seconds).
 * A key missing from the answer is not in ShipStation any more (deleted there).
 */
export async function readSentOrders(ss: ShipStationClient, wanted: { orderKey: string; sentAt: number }[]): Promise<Map<string, CurrentOrder>> {
  const found = new Map<string, CurrentOrder>();
  if (wanted.length === 0) return found;
  const keys = new Set(wanted.map((w) => w.orderKey));
  const since = Math.min(...wanted.map((w) => w.sentAt)) - MODIFY_DATE_MARGIN_SECONDS;
  for (let page = 1; ; page++) {
    const res = await ss.listOrders({
      modifyDateStart: toShipStationDateTime(since).slice(0, 19).replace('T', ' '),
      sortBy: 'ModifyDate',
      sortDir: 'DESC',
      pageSize: LIST_PAGE_SIZE,
      page,
    });
    for (const o of res.orders as CurrentOrder[]) if (keys.has(o.orderKey)) keep(found, o);
    heartbeat({ stage: 'reading-shipstation', page });
    const allOpenFound = [...keys].every((k) => found.has(k) && !CLOSED_SHIPSTATION_STATUSES.includes(found.get(k)!.orderStatus));
    if (allOpenFound || page >= res.pages || res.orders.length === 0) break;
  }
  return found;
}

/**
 * The account's open ShipStation orders dated (`orderDate`, the Ecwid creation date) from `from` (unix seconds),
 * by key: one listing per open status, pages of 500, read once per sync (`cached`) whatever the number of pages
 * of Ecwid orders that ask.
 */
export function openOrdersSince(ss: ShipStationClient, from: number, cached: LookupCache): Promise<Map<string, CurrentOrder>> {
  return cached(`ss-open-since:${from}`, async () => {
    const open = new Map<string, CurrentOrder>();
    for (const status of OPEN_SHIPSTATION_STATUSES) {
      for (let page = 1; ; page++) {
        const res = await ss.listOrders({ orderStatus: status, orderDateStart: toShipStationDateTime(from).slice(0, 19).replace('T', ' '), pageSize: LIST_PAGE_SIZE, page });
        for (const o of res.orders as CurrentOrder[]) keep(open, o);
        heartbeat({ stage: 'listing-open-shipstation-orders', status, page });
        if (page >= res.pages || res.orders.length === 0) break;
      }
    }
    return open;
  });
}
