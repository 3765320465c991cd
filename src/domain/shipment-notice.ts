/**
 * Shipments as they travel from a ShipStation account to each order's write-back: compact (what the Ecwid update
 * and later labels need, no address or name) and routed by `orderKey` to the store and order they belong to.
 * Pure: used by activities (routing a SHIP_NOTIFY or a reconciliation page) and by the write-back workflow.
 */
import { parseOrderKey } from './ids';
import type { ShipStationShipment } from './shipstation';

/** One label of an order, as the write-back keeps it. No personal data: no shipTo, no names, no addresses. */
export interface CompactShipment {
  shipmentId: number;
  createDate: string;
  shipDate: string;
  trackingNumber: string;
  carrierCode: string;
  serviceCode: string;
  shipmentCost: number;
  insuranceCost: number;
  voided: boolean;
  voidDate: string | null;
  isReturnLabel: boolean;
  items: { lineItemKey: string | null; sku: string | null; quantity: number; adjustment?: true }[];
  /** The ShipStation order the label was bought for (a merged order's label names the merged order). */
  orderId?: number;
  /** Set on a label handed over from a merged order's label: the orderKey of the order it was bought for. */
  mergedFrom?: string;
  /**
   * Set on an order marked as shipped without a label (a ShipStation fulfillment, domain/fulfillment-notice.ts):
   * its `shipmentId` is then minus this ID, so that fulfillments and labels never share an ID.
   */
  fulfillmentId?: number;
}

/** Items kept per label: enough to tell parcels apart, bounded so one odd order cannot bloat a history. */
const ITEMS_KEPT = 100;

interface ShipmentItemLike {
  lineItemKey?: unknown;
  sku?: unknown;
  quantity?: unknown;
  adjustment?: unknown;
}

const text = (v: unknown): string => (typeof v === 'string' ? v : v === null || v === undefined ? '' : String(v));
const amount = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) ? v : 0);

/** The compact form of a shipment read with `includeShipmentItems=true` (items absent: an empty list). */
export function compactShipment(s: ShipStationShipment & { shipmentItems?: ShipmentItemLike[] | null }): CompactShipment {
  const items = Array.isArray(s.shipmentItems) ? s.shipmentItems : [];
  return {
    shipmentId: s.shipmentId,
    createDate: text(s.createDate),
    shipDate: text(s.shipDate),
    trackingNumber: text(s.trackingNumber),
    carrierCode: text(s.carrierCode),
    serviceCode: text(s.serviceCode),
    shipmentCost: amount(s.shipmentCost),
    insuranceCost: amount(s.insuranceCost),
    voided: s.voided === true,
    voidDate: s.voidDate ? text(s.voidDate) : null,
    isReturnLabel: s.isReturnLabel === true,
    items: items.slice(0, ITEMS_KEPT).map((i) => ({
      lineItemKey: i.lineItemKey === null || i.lineItemKey === undefined ? null : text(i.lineItemKey),
      sku: i.sku === null || i.sku === undefined ? null : text(i.sku),
      quantity: amount(i.quantity),
      ...(i.adjustment === true ? { adjustment: true as const } : {}),
    })),
    ...(typeof s.orderId === 'number' && s.orderId > 0 ? { orderId: s.orderId } : {}),
  };
}

/** A compact shipment in the shape `buildFulfillmentUpdate` reads (the fields it does not read are blank). */
export function asShipment(c: CompactShipment): ShipStationShipment {
  return {
    shipmentId: c.shipmentId,
    orderId: 0,
    orderKey: '',
    orderNumber: '',
    createDate: c.createDate,
    shipDate: c.shipDate,
    shipmentCost: c.shipmentCost,
    insuranceCost: c.insuranceCost,
    trackingNumber: c.trackingNumber,
    isReturnLabel: c.isReturnLabel,
    batchNumber: null,
    carrierCode: c.carrierCode,
    serviceCode: c.serviceCode,
    voided: c.voided,
    voidDate: c.voidDate,
  };
}

/** The shipments of one Ecwid order, found in a SHIP_NOTIFY resource or a reconciliation page. */
export interface RoutedOrder {
  storeId: number;
  orderId: string;
  shipments: CompactShipment[];
}

export interface Routing {
  orders: RoutedOrder[];
  /** Shipments routed to an attached store's order. */
  routed: number;
  /** Shipments of orders the connector did not create, or of stores not attached to this account. */
  ignored: number;
}

/**
 * Groups shipments by the order their `orderKey` (`ecwid-<storeId>-<orderId>`) names, keeping only stores attached
 * to the account; a label in one of ShipStation's own Ecwid stores (`nativeStores`: its store ID → the Ecwid store
 * that adopted its orders) goes to the Ecwid order of its order number. Everything else is counted as ignored: labels of orders created by hand or by another app, and
 * of stores that use another connection to this account.
 */
export function routeShipments(
  shipments: readonly ShipStationShipment[],
  attachedStores: ReadonlySet<number>,
  nativeStores: ReadonlyMap<number, number> = new Map(),
): Routing {
  const orders = new Map<string, RoutedOrder>();
  let routed = 0;
  let ignored = 0;
  for (const s of shipments) {
    const ref = parseOrderKey(s.orderKey ?? '') ?? nativeRef(s, nativeStores);
    if (!ref || !attachedStores.has(ref.storeId) || typeof s.shipmentId !== 'number') {
      ignored += 1;
      continue;
    }
    const key = `${ref.storeId}:${ref.orderId}`;
    const order = orders.get(key) ?? { storeId: ref.storeId, orderId: ref.orderId, shipments: [] };
    order.shipments.push(compactShipment(s));
    orders.set(key, order);
    routed += 1;
  }
  return { orders: [...orders.values()], routed, ignored };
}

/**
 * A label of an order adopted from ShipStation's own Ecwid integration (its orderKey is the integration's): the
 * store that adopted that native store's orders, and the Ecwid order its order number names.
 */
function nativeRef(s: ShipStationShipment, nativeStores: ReadonlyMap<number, number>): { storeId: number; orderId: string } | null {
  return adoptedOrderRef(s.advancedOptions?.storeId, s.orderNumber, nativeStores);
}

/**
 * The Ecwid store and order of a ShipStation order in one of ShipStation's own Ecwid stores (`nativeStores`: that
 * store's ID → the Ecwid store that adopted its orders), by its order number; null for any other. For whatever
 * carries a ShipStation store and order number but no orderKey we made (labels, fulfillments' orders).
 */
export function adoptedOrderRef(
  shipstationStoreId: number | null | undefined,
  orderNumber: string | null | undefined,
  nativeStores: ReadonlyMap<number, number>,
): { storeId: number; orderId: string } | null {
  if (typeof shipstationStoreId !== 'number' || typeof orderNumber !== 'string' || orderNumber.trim() === '') return null;
  const storeId = nativeStores.get(shipstationStoreId);
  return storeId === undefined ? null : { storeId, orderId: orderNumber.trim() };
}

/**
 * What a SHIP_NOTIFY costs is the connector's choice, not the sender's. ShipStation V1 names the labels of a
 * notification with a filter of `GET /shipments` (`…/shipments?batchId=123&includeShipmentItems=False`); these are
 * the filters kept from a resource URL. Everything else (`pageSize=1`, `page`, sorting, date ranges) is dropped
 * and set here, so a forged or odd URL can't turn one notification into one call per label.
 */
export const SHIP_NOTICE_FILTERS = ['batchId', 'orderId', 'orderNumber', 'trackingNumber'] as const;
/** ShipStation's largest page. */
export const SHIP_NOTICE_PAGE_SIZE = 500;
/** At most 10,000 labels per notification (a packer's batch is a few thousand); the rest is left to reconciliation. */
export const SHIP_NOTICE_MAX_PAGES = 20;

const FILTER_VALUE: Record<(typeof SHIP_NOTICE_FILTERS)[number], RegExp> = {
  batchId: /^\d{1,12}$/,
  orderId: /^\d{1,12}$/,
  orderNumber: /^[A-Za-z0-9_.-]{1,64}$/,
  trackingNumber: /^[A-Za-z0-9_.-]{1,64}$/,
};

/**
 * The canonical form of a ShipStation resource URL of a webhook: its origin, `path` and only the identifying
 * `filters` (names matched case-insensitively, as ShipStation does), in a fixed order. Undefined when the URL names
 * nothing (another path, no filter, or a malformed value): reading it would mean the account's whole history.
 * Shared by SHIP_NOTIFY (`/shipments`) and FULFILLMENT_SHIPPED (`/fulfillments`).
 */
export function canonicalResourceUrl(raw: string, path: string, filters: Readonly<Record<string, RegExp>>): string | undefined {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return undefined;
  }
  if (url.pathname.replace(/\/$/, '').toLowerCase() !== path.toLowerCase()) return undefined;
  const given = new Map<string, string>();
  for (const [name, value] of url.searchParams) if (!given.has(name.toLowerCase())) given.set(name.toLowerCase(), value);
  const out = new URL(path, url.origin);
  for (const [name, valid] of Object.entries(filters)) {
    const value = given.get(name.toLowerCase());
    if (value === undefined || value === '') continue;
    if (!valid.test(value)) return undefined;
    out.searchParams.set(name, value);
  }
  return out.search === '' ? undefined : out.toString();
}

/** SHIP_NOTIFY's resource URL in canonical form (see canonicalResourceUrl). The origin is checked elsewhere (`isShipStationResourceUrl`). */
export function canonicalShipNoticeUrl(raw: string): string | undefined {
  return canonicalResourceUrl(raw, '/shipments', FILTER_VALUE);
}

/** One page of a canonical notice: with the labels' items, the largest page, a stable order (paging can resume). */
export function shipNoticePageUrl(canonical: string, page: number): string {
  const url = new URL(canonical);
  url.searchParams.set('includeShipmentItems', 'true');
  url.searchParams.set('sortBy', 'CreateDate');
  url.searchParams.set('sortDir', 'ASC');
  url.searchParams.set('pageSize', String(SHIP_NOTICE_PAGE_SIZE));
  url.searchParams.set('page', String(page));
  return url.toString();
}
