/**
 * Split and partial shipments: which of an Ecwid order's items its ShipStation labels have shipped, and the Ecwid
 * update that follows (docs/order-mapping.md, "Split orders, partial shipments and order changes").
 *
 * ShipStation lets a packer split an order (the split orders keep the orderKey), so a label may cover only some
 * of the order's items. The shipped quantities, over every live (not voided) outbound label, are compared with
 * the Ecwid order's physical items:
 * - a label item belongs to the order line whose item ID is its `lineItemKey` (the import sets it so); failing
 *   that, to the first line with the same SKU that still has units to ship;
 * - adjustment lines (discounts) and items of other orders (a merged order's label) match no line: they count for
 *   nothing here (`foreignItems` says there were some);
 * - a label without an item list (items not read) covers the whole order, as before partial shipments existed;
 * - every line shipped in full → complete; otherwise partial.
 * Pure: used by the write-back activity, which reads the Ecwid order, and by tests.
 */
import type { EcwidFulfillmentStatus, EcwidOrderItem, EcwidOrderUpdate } from './ecwid';
import { itemQuantity } from './order-filter';
import type { CompactShipment } from './shipment-notice';
import { SHIPSTATION_EXTRA_FIELD_IDS } from './shipment-update';
import { truncate } from './text';

/** One physical line of the Ecwid order and what has shipped of it. */
export interface ShippedLine {
  /** The Ecwid item ID (the ShipStation lineItemKey), or the SKU for an item without one. */
  key: string;
  name: string;
  sku?: string;
  ordered: number;
  shipped: number;
  /** Tracking numbers of the live labels that carry units of this line, oldest first. */
  trackingNumbers: string[];
}

export interface ShipmentProgress {
  complete: boolean;
  lines: ShippedLine[];
  /** Units ordered / shipped over every physical line (shipped capped at ordered per line). */
  ordered: number;
  shipped: number;
  /** Label items that belong to no line of this order (a merged order's other orders, or items added in ShipStation). */
  foreignItems: number;
  /** Live outbound labels without an item list: each counts as shipping the whole order. */
  labelsWithoutItems: number;
}

/** Lines kept in the status and the Ecwid field: enough for any real order, bounded for workflow history. */
export const LINES_KEPT = 50;

/**
 * The import's discount and fee lines (order-mapping's COUPON_LINE_KEY, DISCOUNT_LINE_KEY, SURCHARGE_LINE_KEY_PREFIX):
 * never shipped goods. Known by key too, because the docs' shipment items show no `adjustment` flag.
 */
const ADJUSTMENT_KEYS = new Set(['ecwid-coupon', 'ecwid-discount']);
const isAdjustmentKey = (key: string | null): boolean => key !== null && (ADJUSTMENT_KEYS.has(key) || key.startsWith('ecwid-surcharge-'));

function isLive(s: CompactShipment): boolean {
  return !s.voided && !(s.voidDate && s.voidDate.trim() !== '') && !s.isReturnLabel;
}

/** Oldest first, as the fulfillment update orders labels. */
function byAge(a: CompactShipment, b: CompactShipment): number {
  return a.createDate.localeCompare(b.createDate) || a.shipmentId - b.shipmentId;
}

/** The order's physical items (isShippingRequired, at least one unit) against its labels. */
export function shipmentProgress(physicalItems: readonly EcwidOrderItem[], labels: readonly CompactShipment[]): ShipmentProgress {
  const lines: (ShippedLine & { id?: string })[] = physicalItems.map((i, n) => {
    const id = i.id === undefined || i.id === null ? undefined : String(i.id);
    const sku = typeof i.sku === 'string' && i.sku.trim() !== '' ? i.sku.trim() : undefined;
    return {
      id,
      key: id ?? sku ?? `#${n + 1}`,
      name: truncate(typeof i.name === 'string' && i.name.trim() ? i.name.trim() : (sku ?? `Item ${n + 1}`), 100),
      ...(sku ? { sku } : {}),
      ordered: itemQuantity(i),
      shipped: 0,
      trackingNumbers: [],
    };
  });
  const live = labels.filter(isLive).sort(byAge);
  let foreignItems = 0;
  let labelsWithoutItems = 0;
  const credit = (line: ShippedLine, units: number, tracking: string) => {
    line.shipped += units;
    if (tracking && !line.trackingNumbers.includes(tracking)) line.trackingNumbers.push(tracking);
  };
  for (const label of live) {
    const tracking = label.trackingNumber.trim();
    if (label.items.length === 0) {
      labelsWithoutItems += 1;
      for (const line of lines) credit(line, Math.max(0, line.ordered - line.shipped), tracking);
      continue;
    }
    for (const item of label.items) {
      if (item.adjustment || isAdjustmentKey(item.lineItemKey)) continue;
      const units = Math.max(0, Math.round(item.quantity));
      if (units === 0) continue;
      let line = item.lineItemKey !== null ? lines.find((l) => l.id !== undefined && l.id === item.lineItemKey) : undefined;
      const sku = item.sku?.trim();
      if (!line && sku) {
        // By SKU only where keys cannot tell: a label item without a key, or an order line without an ID. An item
        // keyed to another order's line (a merged order) is foreign, whatever its SKU.
        const candidates = lines.filter((l) => l.sku === sku && (item.lineItemKey === null || l.id === undefined));
        line = candidates.find((l) => l.shipped < l.ordered) ?? candidates[0];
      }
      if (line) credit(line, units, tracking);
      else foreignItems += units;
    }
  }
  const ordered = lines.reduce((n, l) => n + l.ordered, 0);
  const shipped = lines.reduce((n, l) => n + Math.min(l.ordered, l.shipped), 0);
  return {
    complete: live.length > 0 && lines.every((l) => l.shipped >= l.ordered),
    lines: lines.map(({ id: _id, ...l }) => l),
    ordered,
    shipped,
    foreignItems,
    labelsWithoutItems,
  };
}

/** Fulfillment statuses a partial shipment never moves an order back from (a void does not un-ship). */
const BEYOND_PARTIAL = new Set<string>(['SHIPPED', 'DELIVERED', 'OUT_FOR_DELIVERY', 'READY_FOR_PICKUP', 'WILL_NOT_DELIVER', 'RETURNED']);

/** The extra field listing what has shipped so far, shown to the customer while the order is partly shipped. */
export const SHIPPED_ITEMS_FIELD_ID = SHIPSTATION_EXTRA_FIELD_IDS.shippedItems;

export interface PartialDecision {
  update: EcwidOrderUpdate;
  /** The Ecwid order is already shipped (or beyond) and stays so although live labels cover only part of it. */
  keptShipped: boolean;
}

/** "Mug × 2, T-shirt × 1 of 3": what shipped so far, for the customer. */
export function shippedSoFar(progress: ShipmentProgress): string {
  const parts = progress.lines
    .filter((l) => l.shipped > 0)
    .map((l) => `${l.name} × ${Math.min(l.shipped, l.ordered)}${l.shipped < l.ordered ? ` of ${l.ordered}` : ''}`);
  return truncate(`${progress.shipped} of ${progress.ordered} items: ${parts.join(', ')}`, 255);
}

/**
 * The Ecwid update for a partly shipped order, from the full update `buildFulfillmentUpdate` computed (SHIPPED,
 * newest tracking number, carrier, fee, tracking numbers):
 * - the order is not marked SHIPPED: its fulfillment status becomes the connection's `partialShipmentStatus`
 *   (a custom status such as "Partially shipped"), or PROCESSING when none is set;
 * - an order already SHIPPED or beyond (a void made it partial again, or the merchant shipped it) keeps its
 *   status: no fulfillment status is sent;
 * - the tracking number (the newest), carrier and fee are written as they come, and every tracking number is listed,
 *   with what shipped so far.
 */
export function partialShipmentUpdate(
  full: EcwidOrderUpdate,
  progress: ShipmentProgress,
  opts: { currentStatus?: string; partialShipmentStatus?: EcwidFulfillmentStatus },
): PartialDecision {
  const current = (opts.currentStatus ?? '').trim().toUpperCase();
  const keptShipped = BEYOND_PARTIAL.has(current);
  const { fulfillmentStatus: _shipped, ...rest } = full;
  const fields = [...(full.orderExtraFields ?? [])];
  const numbers = [...new Set(progress.lines.flatMap((l) => l.trackingNumbers))];
  const listId = SHIPSTATION_EXTRA_FIELD_IDS.trackingNumbers;
  if (numbers.length === 1 && !fields.some((f) => f.id === listId)) {
    fields.push({ id: listId, title: 'Tracking numbers', value: numbers[0], orderDetailsDisplaySection: 'shipping_info' });
  }
  fields.push({ id: SHIPPED_ITEMS_FIELD_ID, title: 'Shipped so far', value: shippedSoFar(progress), orderDetailsDisplaySection: 'shipping_info' });
  const update: EcwidOrderUpdate = { ...rest, orderExtraFields: fields };
  if (!keptShipped) update.fulfillmentStatus = opts.partialShipmentStatus ?? 'PROCESSING';
  return { update, keptShipped };
}
