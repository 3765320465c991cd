/**
 * One parcel, two reports. ShipStation can report the same parcel both as a label (SHIP_NOTIFY, `GET /shipments`)
 * and as a fulfillment (FULFILLMENT_SHIPPED, `GET /fulfillments`); it must update the Ecwid order once.
 *
 * What identifies a parcel:
 * - the same report delivered again: its own ID, a label's `shipmentId` or a fulfillment's `fulfillmentId` (kept as
 *   a negative `shipmentId`, so the two never collide). The write-back already skips IDs it has written;
 * - a label and a fulfillment: they name no common ID, so the parcel is its tracking number within the Ecwid order
 *   (the orderKey: each order has its own write-back). Tracking numbers are compared trimmed, without spaces,
 *   case-insensitively. A report without a tracking number can't be matched: it is a parcel of its own.
 *
 * The rule: a live report of one kind whose parcel is already known from a live report of the other kind, and whose
 * items are all counted there already, adds nothing: it is recorded, and Ecwid is not written. Whichever came first
 * wrote Ecwid. A report that carries more items (a split order's other part marked shipped in the same box) is not a
 * repeat: those items are news. When the order's update is computed, such a fulfillment gives way to the label
 * (which carries service and cost), so nothing is counted twice. Pure: used by the write-back workflow and activity.
 */
import type { CompactShipment } from './shipment-notice';

export type ParcelReport = Pick<CompactShipment, 'shipmentId' | 'trackingNumber' | 'voided' | 'voidDate' | 'isReturnLabel' | 'items' | 'fulfillmentId'>;

/** A fulfillment (marked as shipped without a ShipStation label), not a label. */
export function isFulfillment(r: Pick<CompactShipment, 'shipmentId' | 'fulfillmentId'>): boolean {
  return r.fulfillmentId !== undefined || r.shipmentId < 0;
}

/** The tracking number as parcels are compared: trimmed, spaces removed, upper case; "" when there is none. */
export function parcelTracking(trackingNumber: string | null | undefined): string {
  return (trackingNumber ?? '').replace(/\s+/g, '').toUpperCase();
}

function isLive(r: ParcelReport): boolean {
  return !r.voided && !(r.voidDate && r.voidDate.trim() !== '') && !r.isReturnLabel;
}

const itemKey = (i: { lineItemKey: string | null; sku: string | null }): string | undefined =>
  i.lineItemKey !== null && i.lineItemKey !== '' ? `key:${i.lineItemKey}` : i.sku ? `sku:${i.sku.trim()}` : undefined;

/** Whether every item `r` carries is counted by `others` already (reports without item lists carry the whole order). */
function itemsCovered(r: ParcelReport, others: readonly ParcelReport[]): boolean {
  if (others.some((o) => o.items.length === 0)) return true;
  const counted = new Map<string, number>();
  for (const o of others) {
    for (const i of o.items) {
      for (const k of [itemKey(i), i.sku ? `sku:${i.sku.trim()}` : undefined]) {
        if (k) counted.set(k, (counted.get(k) ?? 0) + i.quantity);
      }
    }
  }
  if (r.items.length === 0) return true;
  return r.items.every((i) => {
    if (i.adjustment || i.quantity <= 0) return true;
    const byKey = itemKey(i);
    const bySku = i.sku ? `sku:${i.sku.trim()}` : undefined;
    return [byKey, bySku].some((k) => k !== undefined && (counted.get(k) ?? 0) >= i.quantity);
  });
}

/** The live reports of the other kind that name the same parcel as `r` (none when `r` has no tracking number). */
function otherKindSameParcel(r: ParcelReport, known: readonly ParcelReport[]): ParcelReport[] {
  const tracking = parcelTracking(r.trackingNumber);
  if (tracking === '') return [];
  return known.filter((k) => k.shipmentId !== r.shipmentId && isFulfillment(k) !== isFulfillment(r) && isLive(k) && parcelTracking(k.trackingNumber) === tracking);
}

/** Whether `r` reports a parcel `known` already holds from the other kind, with nothing new in it. */
export function isSameParcelRepeat(r: ParcelReport, known: readonly ParcelReport[]): boolean {
  if (!isLive(r)) return false;
  const same = otherKindSameParcel(r, known);
  return same.length > 0 && itemsCovered(r, same);
}

/**
 * The incoming reports that only repeat a parcel already known (see the rule above); reports already known by
 * their own ID are left to the caller. Earlier incoming reports count as known for later ones.
 */
export function sameParcelRepeats<T extends ParcelReport>(known: readonly ParcelReport[], incoming: readonly T[]): T[] {
  const seen: ParcelReport[] = [...known];
  const repeats: T[] = [];
  for (const r of incoming) {
    if (known.some((k) => k.shipmentId === r.shipmentId)) continue;
    if (isSameParcelRepeat(r, seen)) repeats.push(r);
    seen.push(r);
  }
  return repeats;
}

/**
 * The order's reports with one per parcel where a label and a fulfillment repeat each other: the fulfillment gives
 * way to the label (service, cost and the label's own items). Everything else is kept as it is.
 */
export function onePerParcel<T extends ParcelReport>(reports: readonly T[]): T[] {
  const labels = reports.filter((r) => !isFulfillment(r));
  return reports.filter((r) => !(isFulfillment(r) && isSameParcelRepeat(r, labels)));
}
