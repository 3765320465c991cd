/**
 * Fulfillments: ShipStation orders marked as shipped without a label bought in ShipStation ("Mark as Shipped", a
 * fulfillment provider). `GET /shipments` and SHIP_NOTIFY never show them; `GET /fulfillments` and
 * FULFILLMENT_SHIPPED do. A fulfillment reaches the order's write-back as one more parcel of the order, in the
 * compact form of a label (`CompactShipment`), so it is written to Ecwid exactly like a label: status, tracking
 * number and URL, carrier, partial or complete from its items.
 *
 * A fulfillment names no orderKey and no items: both come from the ShipStation order it marked shipped. It ships
 * that ShipStation order whole (a split order's part ships its own items only). Pure: no HTTP, no Temporal.
 */
import { parseOrderKey } from './ids';
import { adoptedOrderRef, canonicalResourceUrl, type CompactShipment, type RoutedOrder, type Routing } from './shipment-notice';

/** A fulfillment as `GET /fulfillments` lists it (the fields the connector reads). */
export interface ShipStationFulfillment {
  fulfillmentId: number;
  orderId: number;
  orderNumber?: string | null;
  trackingNumber?: string | null;
  createDate?: string | null;
  shipDate?: string | null;
  voidDate?: string | null;
  carrierCode?: string | null;
  fulfillmentServiceCode?: string | null;
  voided?: boolean | null;
}

/** The part of the ShipStation order a fulfillment needs: whose order it is, and what it ships. */
export interface FulfilledOrder {
  orderKey?: string | null;
  /** For an order adopted from ShipStation's Ecwid integration (its orderKey is the integration's). */
  orderNumber?: string | null;
  advancedOptions?: { storeId?: number | null } | null;
  items?: { lineItemKey?: string | null; sku?: string | null; quantity?: number | null; adjustment?: boolean | null }[] | null;
}

/** Items kept per fulfillment, as for labels. */
const ITEMS_KEPT = 100;

const text = (v: unknown): string => (typeof v === 'string' ? v : v === null || v === undefined ? '' : String(v));

/**
 * The compact form of a fulfillment: `shipmentId` is minus the fulfillment ID (labels' IDs are positive), items are
 * the fulfilled order's, and there is no cost (ShipStation bought no label: nothing to add to the carrier fee).
 */
export function compactFulfillment(f: ShipStationFulfillment, order: FulfilledOrder): CompactShipment {
  const items = Array.isArray(order.items) ? order.items : [];
  return {
    shipmentId: -f.fulfillmentId,
    fulfillmentId: f.fulfillmentId,
    createDate: text(f.createDate),
    shipDate: text(f.shipDate),
    trackingNumber: text(f.trackingNumber),
    carrierCode: text(f.carrierCode),
    serviceCode: text(f.fulfillmentServiceCode),
    shipmentCost: 0,
    insuranceCost: 0,
    voided: f.voided === true,
    voidDate: f.voidDate ? text(f.voidDate) : null,
    isReturnLabel: false,
    items: items.slice(0, ITEMS_KEPT).map((i) => ({
      lineItemKey: i.lineItemKey === null || i.lineItemKey === undefined ? null : text(i.lineItemKey),
      sku: i.sku === null || i.sku === undefined ? null : text(i.sku),
      quantity: typeof i.quantity === 'number' && Number.isFinite(i.quantity) ? i.quantity : 0,
      ...(i.adjustment === true ? { adjustment: true as const } : {}),
    })),
    ...(f.orderId > 0 ? { orderId: f.orderId } : {}),
  };
}

/**
 * Groups fulfillments by the Ecwid order their ShipStation order's `orderKey` names, keeping only stores attached to
 * the account. A fulfillment whose order could not be read, or is not the connector's, is ignored (and counted).
 */
export function routeFulfillments(
  fulfillments: readonly ShipStationFulfillment[],
  ordersById: ReadonlyMap<number, FulfilledOrder>,
  attachedStores: ReadonlySet<number>,
  /** ShipStation's Ecwid stores whose orders a connection adopted: ShipStation store → Ecwid store. */
  nativeStores: ReadonlyMap<number, number> = new Map(),
): Routing {
  const orders = new Map<string, RoutedOrder>();
  let routed = 0;
  let ignored = 0;
  for (const f of fulfillments) {
    const order = typeof f.orderId === 'number' ? ordersById.get(f.orderId) : undefined;
    const ref = order ? (parseOrderKey(order.orderKey ?? '') ?? adoptedOrderRef(order.advancedOptions?.storeId, order.orderNumber, nativeStores)) : null;
    if (!order || !ref || !attachedStores.has(ref.storeId) || typeof f.fulfillmentId !== 'number' || f.fulfillmentId <= 0) {
      ignored += 1;
      continue;
    }
    const key = `${ref.storeId}:${ref.orderId}`;
    const routedOrder = orders.get(key) ?? { storeId: ref.storeId, orderId: ref.orderId, shipments: [] };
    routedOrder.shipments.push(compactFulfillment(f, order));
    orders.set(key, routedOrder);
    routed += 1;
  }
  return { orders: [...orders.values()], routed, ignored };
}

/**
 * The filters kept from a FULFILLMENT_SHIPPED resource URL (V1 does not document its form; these are the
 * documented filters of `GET /fulfillments` that name fulfillments). Everything else is dropped and set by the
 * connector, as for SHIP_NOTIFY: a forged or odd URL can't make one notification cost one call per fulfillment.
 */
export const FULFILLMENT_NOTICE_FILTERS = ['fulfillmentId', 'orderId', 'orderNumber', 'trackingNumber'] as const;
export const FULFILLMENT_NOTICE_PAGE_SIZE = 500;
/** At most 10,000 fulfillments per notification; the rest is left to a reconnect's catch-up or an operator. */
export const FULFILLMENT_NOTICE_MAX_PAGES = 20;

const FILTER_VALUE: Record<(typeof FULFILLMENT_NOTICE_FILTERS)[number], RegExp> = {
  fulfillmentId: /^\d{1,12}$/,
  orderId: /^\d{1,12}$/,
  orderNumber: /^[A-Za-z0-9_.-]{1,64}$/,
  trackingNumber: /^[A-Za-z0-9_.-]{1,64}$/,
};

/** FULFILLMENT_SHIPPED's resource URL in canonical form: `/fulfillments` and its identifying filters (see canonicalResourceUrl). */
export function canonicalFulfillmentNoticeUrl(raw: string): string | undefined {
  return canonicalResourceUrl(raw, '/fulfillments', FILTER_VALUE);
}

/** One page of a canonical notice: the largest page, a stable order (paging can resume). */
export function fulfillmentNoticePageUrl(canonical: string, page: number): string {
  const url = new URL(canonical);
  url.searchParams.set('sortBy', 'CreateDate');
  url.searchParams.set('sortDir', 'ASC');
  url.searchParams.set('pageSize', String(FULFILLMENT_NOTICE_PAGE_SIZE));
  url.searchParams.set('page', String(page));
  return url.toString();
}
