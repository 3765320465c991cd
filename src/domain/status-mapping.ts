/**
 * Ecwid payment + fulfillment status → ShipStation order status (spec §4).
 *
 * The default table is ShipStation's own, plus custom statuses the merchant maps per connection. Where the
 * table's rows overlap, or a custom status is involved, the first matching rule below wins:
 *
 *  1. Payment `INCOMPLETE` (an unfinished checkout) → not imported, `unmapped_status:INCOMPLETE`.
 *  2. Fulfillment `WILL_NOT_DELIVER` or `RETURNED` → `cancelled`, whatever the payment status (also over
 *     `AWAITING_PAYMENT`: the merchant has said the order will not ship, so there is nothing to wait for).
 *  3. Payment `CANCELLED` or `REFUNDED` → `cancelled`, whatever the fulfillment status (custom ones too).
 *  4. Payment `AWAITING_PAYMENT` → `awaiting_payment`, whatever the fulfillment status (custom ones too):
 *     ShipStation must not ship unpaid orders. (`QUEUED`, its deprecated name, reads the same.)
 *  5. A custom fulfillment status → its mapping. It wins over the payment side, which at this point is paid or
 *     custom: it is the merchant's own word about where the shipment stands. No mapping → not imported,
 *     `unmapped_status:CUSTOM_FULFILLMENT_STATUS_n`.
 *  6. A custom payment status → its mapping. If it maps to `awaiting_shipment` (the merchant treats it as paid),
 *     a shipped-like fulfillment status makes the order `shipped`, as `PAID` does. No mapping → not imported,
 *     `unmapped_status:CUSTOM_PAYMENT_STATUS_n`.
 *  7. `PAID` or `PARTIALLY_REFUNDED` with `AWAITING_PROCESSING`/`PROCESSING` → `awaiting_shipment`; with
 *     `SHIPPED`/`DELIVERED`/`READY_FOR_PICKUP`/`OUT_FOR_DELIVERY` → `shipped`.
 *  8. Anything else (a status Ecwid does not document) → not imported, `unmapped_status:<STATUS>`; a missing
 *     status that rule 7 needs → `invalid:paymentStatus` / `invalid:fulfillmentStatus`.
 */
import { CUSTOM_STATUSES, type EcwidCustomStatus } from './ecwid';
import { SHIPSTATION_ORDER_STATUSES, type ShipStationOrderStatus } from './shipstation';

/** A connection's mapping of Ecwid custom statuses to ShipStation statuses. */
export type StatusMapping = Partial<Record<EcwidCustomStatus, ShipStationOrderStatus>>;

export type StatusDecision = { status: ShipStationOrderStatus } | { skip: `unmapped_status:${string}` | `invalid:${string}` };

/** ShipStation's names for its statuses, as merchants see them in ShipStation. */
export const SHIPSTATION_STATUS_LABELS: Record<ShipStationOrderStatus, string> = {
  awaiting_payment: 'Awaiting Payment',
  awaiting_shipment: 'Awaiting Shipment',
  pending_fulfillment: 'Pending Fulfillment',
  shipped: 'Shipped',
  on_hold: 'On Hold',
  cancelled: 'Cancelled',
};

/**
 * What a custom status may be mapped to. `pending_fulfillment` is left out: it means "sent to a fulfillment
 * provider", which ShipStation sets itself, and the V1 Order model does not list it.
 */
export const MAPPABLE_SHIPSTATION_STATUSES = [
  'awaiting_payment',
  'awaiting_shipment',
  'on_hold',
  'shipped',
  'cancelled',
] as const satisfies readonly ShipStationOrderStatus[];
export type MappableShipStationStatus = (typeof MAPPABLE_SHIPSTATION_STATUSES)[number];

export function isMappableStatus(value: unknown): value is MappableShipStationStatus {
  return (MAPPABLE_SHIPSTATION_STATUSES as readonly unknown[]).includes(value);
}

export function isShipStationStatus(value: unknown): value is ShipStationOrderStatus {
  return (SHIPSTATION_ORDER_STATUSES as readonly unknown[]).includes(value);
}

export function isCustomStatus(value: string): value is EcwidCustomStatus {
  return (CUSTOM_STATUSES as readonly string[]).includes(value);
}

const PAID = new Set(['PAID', 'PARTIALLY_REFUNDED']);
const AWAITING_PAYMENT = new Set(['AWAITING_PAYMENT', 'QUEUED']);
const PAYMENT_CANCELLED = new Set(['CANCELLED', 'REFUNDED']);
const NOT_DELIVERED = new Set(['WILL_NOT_DELIVER', 'RETURNED']);
const TO_SHIP = new Set(['AWAITING_PROCESSING', 'PROCESSING']);
const SHIPPED_LIKE = new Set(['SHIPPED', 'DELIVERED', 'READY_FOR_PICKUP', 'OUT_FOR_DELIVERY']);

function normalize(status: unknown): string {
  return typeof status === 'string' ? status.trim().toUpperCase() : '';
}

/**
 * An undocumented status as it appears in a skip reason: reasons are shown to merchants and used as metric
 * labels, so only letters, digits and `_` are kept, 40 at most.
 */
function reasonLabel(status: string): string {
  return status.replace(/[^A-Z0-9_]+/g, '_').slice(0, 40) || 'UNKNOWN';
}

/** The connection's mapping of one custom status, if it names a status a custom status may map to. */
function customTarget(status: EcwidCustomStatus, custom: StatusMapping | undefined): MappableShipStationStatus | undefined {
  const target = custom?.[status];
  return isMappableStatus(target) ? target : undefined;
}

/** The ShipStation status of an Ecwid order, or why it has none (see the rules at the top of this file). */
export function mapStatus(
  paymentStatus: string | undefined | null,
  fulfillmentStatus: string | undefined | null,
  custom: StatusMapping = {},
): StatusDecision {
  const payment = normalize(paymentStatus);
  const fulfillment = normalize(fulfillmentStatus);

  if (payment === 'INCOMPLETE') return { skip: 'unmapped_status:INCOMPLETE' };
  if (NOT_DELIVERED.has(fulfillment)) return { status: 'cancelled' };
  if (PAYMENT_CANCELLED.has(payment)) return { status: 'cancelled' };
  if (AWAITING_PAYMENT.has(payment)) return { status: 'awaiting_payment' };

  if (isCustomStatus(fulfillment)) {
    const target = customTarget(fulfillment, custom);
    return target ? { status: target } : { skip: `unmapped_status:${fulfillment}` };
  }

  if (isCustomStatus(payment)) {
    const target = customTarget(payment, custom);
    if (!target) return { skip: `unmapped_status:${payment}` };
    if (target === 'awaiting_shipment' && SHIPPED_LIKE.has(fulfillment)) return { status: 'shipped' };
    return { status: target };
  }

  if (payment === '') return { skip: 'invalid:paymentStatus' };
  if (!PAID.has(payment)) return { skip: `unmapped_status:${reasonLabel(payment)}` };
  if (TO_SHIP.has(fulfillment)) return { status: 'awaiting_shipment' };
  if (SHIPPED_LIKE.has(fulfillment)) return { status: 'shipped' };
  if (fulfillment === '') return { skip: 'invalid:fulfillmentStatus' };
  return { skip: `unmapped_status:${reasonLabel(fulfillment)}` };
}
