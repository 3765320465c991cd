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
 * to the account. Everything else is counted as ignored: labels of orders created by hand or by another app, and
 * of stores that use another connection to this account.
 */
export function routeShipments(shipments: readonly ShipStationShipment[], attachedStores: ReadonlySet<number>): Routing {
  const orders = new Map<string, RoutedOrder>();
  let routed = 0;
  let ignored = 0;
  for (const s of shipments) {
    const ref = parseOrderKey(s.orderKey ?? '');
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
