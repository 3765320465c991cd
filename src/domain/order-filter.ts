/**
 * Which Ecwid orders are imported (spec §2), and why the others are not.
 *
 * When several rules fail, the reason reported is the first in this order, chosen so the merchant reads the
 * most fundamental cause rather than one that would only surface after fixing another:
 *   `invalid:id` → `invalid:createDate` → `before_import_since` → `hidden` → `external_fulfillment`
 *   → `no_physical_items` → `pickup` → `no_shipping_address` → status (`unmapped_status:…`).
 * For example a digital-only order usually has no shipping address either; "all items are digital" is the
 * real answer. A pickup order often has no shipping address; "local pickup" is the real answer.
 */
import type { EcwidOrder, EcwidOrderItem } from './ecwid';
import { firstTimestamp } from './dates';
import { hasOrderId } from './ids';
import type { ShipStationOrderStatus } from './shipstation';
import { isCustomStatus, mapStatus, SHIPSTATION_STATUS_LABELS, type StatusMapping } from './status-mapping';
import { num, objects, str } from './text';
import { describeMergeNote, isMergeNote } from './order-merge';

/**
 * Why an order is not imported:
 * - `no_shipping_address`: no shipping address with a street, a city and a country;
 * - `no_physical_items`: no item needs shipping (digital goods, services, gift cards);
 * - `unmapped_status:<STATUS>`: its status has no ShipStation status (unfinished checkout, unmapped custom status);
 * - `pickup`: a local-pickup order while the connection does not import them;
 * - `before_import_since`: created before the connection's import start date (rule 5);
 * - `hidden`: the merchant removed it from Ecwid's order list (`hidden: true`), unless it is an unfinished checkout,
 *   which its status already explains;
 * - `external_fulfillment`: another service fulfils it (`externalFulfillment: true`, e.g. a print-on-demand app):
 *   shipping it from ShipStation too would send it twice;
 * - `invalid:<field>`: data the connector cannot use (`invalid:id`: neither id nor orderNumber;
 *   `invalid:createDate`: no creation date, which ShipStation requires; `invalid:paymentStatus`…).
 */
export type SkipReason =
  | 'no_shipping_address'
  | 'no_physical_items'
  | 'pickup'
  | 'before_import_since'
  | 'hidden'
  | 'external_fulfillment'
  | `unmapped_status:${string}`
  | `invalid:${string}`;

export interface ImportSettings {
  importPickupOrders: boolean;
  /** Orders created before this moment (UNIX seconds) are not imported; 0 imports everything. */
  importSince: number;
  statusMapping: StatusMapping;
  giftFieldNames?: string[];
  giftMessageFieldNames?: string[];
  stockLocationAttribute?: string;
}

export type ImportDecision =
  | { import: true; status: ShipStationOrderStatus; physicalItems: EcwidOrderItem[] }
  | { import: false; reason: SkipReason };

/**
 * Units ordered on a line, as a whole number. Ecwid always sends an integer; a missing or unreadable quantity is
 * read as 1 so that the line is not lost (someone ordered it), and a fraction is rounded. Zero or negative means
 * nothing to ship on that line.
 */
export function itemQuantity(item: EcwidOrderItem): number {
  const q = num(item.quantity);
  if (q === undefined) return 1;
  if (q <= 0) return 0;
  return Math.max(1, Math.round(q));
}

/** The items that need shipping: flagged `isShippingRequired: true` (exactly), with at least one unit. */
export function physicalItemsOf(order: EcwidOrder): EcwidOrderItem[] {
  return objects<EcwidOrderItem>(order.items).filter((i) => i.isShippingRequired === true && itemQuantity(i) > 0);
}

/** A shipping address ShipStation can ship to: non-empty street, city and country code. */
export function hasShippingAddress(order: EcwidOrder): boolean {
  const p = order.shippingPerson;
  if (!p || typeof p !== 'object') return false;
  return [p.street, p.city, p.countryCode].every((f) => str(f).trim() !== '');
}

/** Local pickup: `shippingOption.isPickup`, or fulfillment type PICKUP (either spelling Ecwid uses). */
export function isPickupOrder(order: EcwidOrder): boolean {
  const o = order.shippingOption;
  if (!o || typeof o !== 'object') return false;
  const type = str(o.fulfillmentType ?? o.fulfilmentType).trim().toUpperCase();
  return o.isPickup === true || type === 'PICKUP';
}

/** When the order was created (UNIX seconds): `createTimestamp`, else `createDate`. */
export function createdAt(order: EcwidOrder): number | undefined {
  return firstTimestamp(order.createTimestamp, order.createDate);
}

/** Whether the order is imported, with its ShipStation status and the items to send; else the reason. */
export function decideImport(order: EcwidOrder, settings: ImportSettings): ImportDecision {
  if (!order || typeof order !== 'object' || !hasOrderId(order)) return { import: false, reason: 'invalid:id' };

  const created = createdAt(order);
  if (created === undefined) return { import: false, reason: 'invalid:createDate' };
  const since = num(settings.importSince);
  if (since !== undefined && created < since) return { import: false, reason: 'before_import_since' };
  if (order.hidden === true && str(order.paymentStatus).trim().toUpperCase() !== 'INCOMPLETE') return { import: false, reason: 'hidden' };
  if (order.externalFulfillment === true) return { import: false, reason: 'external_fulfillment' };

  const physicalItems = physicalItemsOf(order);
  if (physicalItems.length === 0) return { import: false, reason: 'no_physical_items' };
  if (isPickupOrder(order) && !settings.importPickupOrders) return { import: false, reason: 'pickup' };
  if (!hasShippingAddress(order)) return { import: false, reason: 'no_shipping_address' };

  const decision = mapStatus(str(order.paymentStatus), str(order.fulfillmentStatus), settings.statusMapping);
  if ('skip' in decision) return { import: false, reason: decision.skip };
  return { import: true, status: decision.status, physicalItems };
}

/** Reasons the import activity records besides the filter's own (see activities/import-orders.ts). */
const OTHER_REASONS: Record<string, string> = {
  closed_in_shipstation: 'already shipped or cancelled in ShipStation, so it is not overwritten',
  partly_shipped_in_shipstation: 'partly shipped in ShipStation (a split order), so it is not overwritten',
  deleted_in_ecwid: 'deleted in Ecwid',
  closed_in_native_store: "already shipped in ShipStation by its own Ecwid integration (before the switch to this connector), so it is not created again",
  native_copies_ambiguous: "ShipStation's own Ecwid integration holds it twice under different keys: it is not created a third time; keep one in ShipStation",
  deleted_in_shipstation: 'deleted in ShipStation, so it is not created again unless it changes in Ecwid after this',
};

/**
 * A sentence for merchants explaining a skip reason. `statusNames` gives the names the merchant set for custom
 * statuses (from `/profile/order_statuses`), keyed by status ID.
 */
export function describeSkipReason(reason: string, statusNames: Record<string, string> = {}): string {
  if (isMergeNote(reason)) return describeMergeNote(reason);
  const [kind, ...rest] = reason.split(':');
  const detail = rest.join(':');
  switch (kind) {
    case 'no_shipping_address':
      return 'no shipping address';
    case 'no_physical_items':
      return "all items are digital or don't need shipping";
    case 'pickup':
      return 'local pickup order (pickup import is off)';
    case 'before_import_since':
      return 'placed before the import start date';
    case 'hidden':
      return 'hidden in Ecwid (removed from the order list)';
    case 'external_fulfillment':
      return 'fulfilled by another service (external fulfillment in Ecwid), so ShipStation would ship it twice';
    case 'unmapped_status':
      return describeUnmappedStatus(detail, statusNames);
    case 'invalid':
      return detail === 'id'
        ? 'the order has no order number'
        : detail === 'createDate'
          ? 'the order has no creation date'
          : `unusable order data (${detail})`;
    case 'closed_before_import': {
      const label = SHIPSTATION_STATUS_LABELS[detail as ShipStationOrderStatus] ?? detail;
      return `already ${label.toLowerCase()} before it was imported: nothing to ship`;
    }
    default:
      return OTHER_REASONS[reason] ?? reason;
  }
}

function describeUnmappedStatus(status: string, statusNames: Record<string, string>): string {
  if (status === 'INCOMPLETE') return 'unfinished checkout (incomplete orders are not imported)';
  const name = statusNames[status]?.trim();
  if (isCustomStatus(status)) {
    if (name) return `custom status '${name}' has no ShipStation mapping`;
    const [, side, n] = /^CUSTOM_(PAYMENT|FULFILLMENT)_STATUS_(\d)$/.exec(status) ?? [];
    return `custom ${side.toLowerCase()} status ${n} has no ShipStation mapping`;
  }
  return `status '${name || status}' has no ShipStation mapping`;
}
