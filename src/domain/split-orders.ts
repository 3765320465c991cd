/**
 * Split orders in ShipStation: a packer can split an order into several ShipStation orders that keep its `orderKey`
 * (each with its own `orderId` and items; `advancedOptions.mergedOrSplit` is set, the new parts name the original in
 * `parentId`). Cancelling the Ecwid order must cancel every part that is still open, each by its own `orderId`
 * ("required for split orders"), with its own items. Pure: used by the import activity.
 */
import { CLOSED_SHIPSTATION_STATUSES, type ShipStationOrder } from './shipstation';

interface SplitFields {
  advancedOptions?: { mergedOrSplit?: boolean | null } | null;
}

/** Whether ShipStation says this order was split or merged (V1's read-only `advancedOptions.mergedOrSplit`). */
export function isSplitOrMerged(order: ShipStationOrder): boolean {
  return (order as SplitFields).advancedOptions?.mergedOrSplit === true;
}

/** The ShipStation orders of `orderKey` that can still change (not shipped, not cancelled), once each by orderId. */
export function openPartsOf(orders: readonly ShipStationOrder[], orderKey: string): ShipStationOrder[] {
  const seen = new Set<number>();
  return orders.filter((o) => {
    if (o.orderKey !== orderKey || CLOSED_SHIPSTATION_STATUSES.includes(o.orderStatus)) return false;
    if (typeof o.orderId !== 'number' || seen.has(o.orderId)) return false;
    seen.add(o.orderId);
    return true;
  });
}

/** The createorders body that cancels these parts: each as it is (its items, its orderId), status cancelled. */
export function cancellationsOf(parts: readonly ShipStationOrder[]): ShipStationOrder[] {
  return parts.map((p) => ({ ...p, orderStatus: 'cancelled' }));
}
