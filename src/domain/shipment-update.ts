/**
 * ShipStation shipments → the Ecwid order update (spec §7).
 *
 * Computed from every shipment (label) of the order each time, so notices arriving late, twice or out of order
 * give the same result:
 * - voided labels are ignored; if every label is voided, nothing is written (a void does not unship an order);
 * - return labels are ignored too: they carry the parcel back, not to the customer;
 * - the newest remaining label (by `createDate`, then `shipmentId`) gives the tracking number, carrier and service,
 *   so a label that replaces a voided one updates the tracking number;
 * - the carrier fee adds up `shipmentCost` + `insuranceCost` over the remaining labels;
 * - with several parcels, every tracking number is listed in `shipstation_tracking_numbers`.
 */
import type { EcwidOrderExtraField, EcwidOrderUpdate } from './ecwid';
import type { ShipStationShipment } from './shipstation';
import { num, str, truncate } from './text';

export type NoUpdateReason = 'all_voided' | 'no_shipments' | 'only_return_labels';

/** Ecwid's `orderDetailsDisplaySection` values: `shipping_info` is shown to the customer; "" hides the field. */
const SHOWN_WITH_SHIPPING = 'shipping_info';
const HIDDEN = '';

/** Ecwid keeps at most 255 characters in an extra field's value. */
const EXTRA_FIELD_MAX = 255;

/**
 * The extra fields this connector owns on Ecwid orders. A field from an earlier update that is not in the new one
 * (a second parcel voided, notes removed) is stale: callers should drop every one of these IDs from the order's
 * current fields before adding the new ones.
 */
export const SHIPSTATION_EXTRA_FIELD_IDS = {
  carrier: 'shipstation_carrier',
  service: 'shipstation_service',
  shippingCost: 'shipstation_shipping_cost',
  /** Never written now (V1 can't read ShipStation's notes to buyer); kept so a field an earlier release wrote is removed. */
  notesToBuyer: 'shipstation_notes_to_buyer',
  trackingNumbers: 'shipstation_tracking_numbers',
  /** Only while an order is partly shipped (split in ShipStation): what has shipped so far. */
  shippedItems: 'shipstation_shipped_items',
} as const;

const CARRIERS: Record<string, string> = {
  stamps_com: 'USPS (Stamps.com)',
  endicia: 'USPS (Endicia)',
  usps: 'USPS',
  ups: 'UPS',
  ups_walleted: 'UPS',
  fedex: 'FedEx',
  fedex_walleted: 'FedEx',
  dhl_express: 'DHL Express',
  dhl_express_worldwide: 'DHL Express',
  dhl_express_walleted: 'DHL Express',
  dhl_ecommerce: 'DHL eCommerce',
  dhl_global_mail: 'DHL eCommerce',
  canada_post: 'Canada Post',
  royal_mail: 'Royal Mail',
  australia_post: 'Australia Post',
  ontrac: 'OnTrac',
  lasership: 'LaserShip',
  asendia: 'Asendia',
  apc: 'APC',
  firstmile: 'FirstMile',
  globegistics: 'Globegistics',
  purolator_ca: 'Purolator',
  newgistics: 'Newgistics',
  amazon_buy_shipping: 'Amazon Buy Shipping',
  other: 'Other',
};

const SERVICES: Record<string, string> = {
  usps_first_class_mail: 'USPS First Class Mail',
  usps_ground_advantage: 'USPS Ground Advantage',
  usps_media_mail: 'USPS Media Mail',
  usps_parcel_select: 'USPS Parcel Select Ground',
  usps_priority_mail: 'USPS Priority Mail',
  usps_priority_mail_express: 'USPS Priority Mail Express',
  usps_first_class_mail_international: 'USPS First Class Mail Intl',
  usps_priority_mail_international: 'USPS Priority Mail Intl',
  usps_priority_mail_express_international: 'USPS Priority Mail Express Intl',
  ups_ground: 'UPS® Ground',
  ups_3_day_select: 'UPS 3 Day Select®',
  ups_2nd_day_air: 'UPS 2nd Day Air®',
  ups_2nd_day_air_am: 'UPS 2nd Day Air AM®',
  ups_next_day_air: 'UPS Next Day Air®',
  ups_next_day_air_saver: 'UPS Next Day Air Saver®',
  ups_next_day_air_early_am: 'UPS Next Day Air® Early',
  ups_standard_international: 'UPS Standard®',
  ups_worldwide_saver: 'UPS Worldwide Saver®',
  ups_worldwide_express: 'UPS Worldwide Express®',
  ups_worldwide_expedited: 'UPS Worldwide Expedited®',
  ups_ground_saver: 'UPS® Ground Saver',
  fedex_ground: 'FedEx Ground',
  fedex_home_delivery: 'FedEx Home Delivery',
  fedex_2day: 'FedEx 2Day',
  fedex_2day_am: 'FedEx 2Day A.M.',
  fedex_express_saver: 'FedEx Express Saver',
  fedex_standard_overnight: 'FedEx Standard Overnight',
  fedex_priority_overnight: 'FedEx Priority Overnight',
  fedex_first_overnight: 'FedEx First Overnight',
  fedex_international_economy: 'FedEx International Economy',
  fedex_international_priority: 'FedEx International Priority',
  fedex_ground_international: 'FedEx International Ground',
  dhl_express_worldwide: 'DHL Express Worldwide',
  dhl_express_12_00: 'DHL Express 12:00',
  dhl_express_9_00: 'DHL Express 9:00',
};

/** How brand names are written when a code is spelled out word by word. */
const WORD_SPELLING: Record<string, string> = {
  usps: 'USPS',
  ups: 'UPS',
  dhl: 'DHL',
  fedex: 'FedEx',
  ltl: 'LTL',
  intl: 'Intl',
  am: 'AM',
  pm: 'PM',
};

/** A code spelled out: `my_local_courier` → "My Local Courier". */
function titleCase(code: string): string {
  return code
    .split(/[_\-\s]+/)
    .filter(Boolean)
    .map((w) => (Object.hasOwn(WORD_SPELLING, w.toLowerCase()) ? WORD_SPELLING[w.toLowerCase()] : undefined) ?? w.charAt(0).toUpperCase() + w.slice(1))
    .join(' ');
}

function normalizeCode(code: unknown): string {
  return str(code).trim().toLowerCase();
}

/** Readable carrier name of a ShipStation carrier code ("" when there is no code). */
export function carrierName(code: string | null | undefined): string {
  const c = normalizeCode(code);
  // Own keys only: a code such as "__proto__" or "constructor" must not read Object.prototype.
  return (Object.hasOwn(CARRIERS, c) ? CARRIERS[c] : undefined) ?? titleCase(c);
}

/** Readable service name of a ShipStation service code ("" when there is no code). */
export function serviceName(code: string | null | undefined): string {
  const c = normalizeCode(code);
  return (Object.hasOwn(SERVICES, c) ? SERVICES[c] : undefined) ?? titleCase(c);
}

type CarrierFamily = 'usps' | 'ups' | 'fedex' | 'dhl';

function carrierFamily(code: string): CarrierFamily | undefined {
  if (code === 'usps' || code.startsWith('usps_') || code === 'stamps_com' || code === 'endicia') return 'usps';
  if (code === 'ups' || code.startsWith('ups_')) return 'ups';
  if (code.startsWith('fedex')) return 'fedex';
  if (code.startsWith('dhl')) return 'dhl';
  return undefined;
}

const TRACKING_PAGES: Record<CarrierFamily, string> = {
  usps: 'https://tools.usps.com/go/TrackConfirmAction?tLabels=',
  ups: 'https://www.ups.com/track?tracknum=',
  fedex: 'https://www.fedex.com/fedextrack/?trknbr=',
  dhl: 'https://www.dhl.com/global-en/home/tracking/tracking-express.html?tracking-id=',
};

/** The carrier's public tracking page for a parcel (USPS, UPS, FedEx, DHL); undefined for other carriers. */
export function trackingUrl(carrierCode: string | null | undefined, trackingNumber: string | null | undefined): string | undefined {
  const family = carrierFamily(normalizeCode(carrierCode));
  const number = str(trackingNumber).trim();
  if (!family || !number) return undefined;
  return TRACKING_PAGES[family] + encodeURIComponent(number);
}

/** Sort key of a ShipStation date (`2024-09-17T10:51:14.5030000`, zone-less): comparable, not a real instant. */
function dateKey(value: unknown): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?)?/.exec(str(value).trim());
  if (!m) return -Infinity;
  const [, y, mo, d, h = '0', mi = '0', s = '0', frac = '0'] = m;
  return Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s)) + Number(`0.${frac}`) * 1000;
}

/** Above this a "cost" is a data error, not a label (ShipStation stores costs as decimal(9,2)). */
const MAX_LABEL_COST = 9_999_999.99;

/** A label or insurance cost; missing, negative or impossible values count as 0. */
function labelCost(value: unknown): number {
  const n = num(value);
  return n !== undefined && n > 0 && n <= MAX_LABEL_COST ? n : 0;
}

function isVoided(s: ShipStationShipment): boolean {
  return s.voided === true || (s.voidDate !== null && s.voidDate !== undefined && str(s.voidDate).trim() !== '');
}

/** Oldest first: creation date, then shipment ID (IDs grow over time). */
function byAge(a: ShipStationShipment, b: ShipStationShipment): number {
  return dateKey(a.createDate) - dateKey(b.createDate) || (num(a.shipmentId) ?? 0) - (num(b.shipmentId) ?? 0);
}

function field(id: string, title: string, value: string, section: string): EcwidOrderExtraField {
  return { id, title, value: truncate(value, EXTRA_FIELD_MAX), orderDetailsDisplaySection: section };
}

/** "A, B, C", keeping whole numbers only and saying how many did not fit in Ecwid's 255 characters. */
function listTrackingNumbers(numbers: string[]): string {
  for (let shown = numbers.length; shown > 0; shown--) {
    const rest = numbers.length - shown;
    const text = numbers.slice(0, shown).join(', ') + (rest > 0 ? `, +${rest} more` : '');
    if (text.length <= EXTRA_FIELD_MAX) return text;
  }
  return truncate(numbers[0] ?? '', EXTRA_FIELD_MAX);
}

/**
 * The Ecwid update for an order's ShipStation shipments, or why there is none. Nothing of ShipStation's "Notes to
 * buyer": V1 has no field for them (neither Order nor Shipment), so there is nothing true to write.
 */
export function buildFulfillmentUpdate(shipments: ShipStationShipment[]): EcwidOrderUpdate | { noUpdate: NoUpdateReason } {
  const all = (Array.isArray(shipments) ? shipments : []).filter((s) => s && typeof s === 'object');
  if (all.length === 0) return { noUpdate: 'no_shipments' };
  const live = all.filter((s) => !isVoided(s));
  if (live.length === 0) return { noUpdate: 'all_voided' };
  const outbound = live.filter((s) => s.isReturnLabel !== true).sort(byAge);
  if (outbound.length === 0) return { noUpdate: 'only_return_labels' };

  const newest = outbound[outbound.length - 1];
  const trackingNumbers = [...new Set(outbound.map((s) => str(s.trackingNumber).trim()).filter(Boolean))];
  // The newest label's number; if that label has none (untracked service), the newest number there is.
  const trackingNumber = str(newest.trackingNumber).trim() || trackingNumbers[trackingNumbers.length - 1];
  const trackingSource = outbound.filter((s) => str(s.trackingNumber).trim() === trackingNumber).pop() ?? newest;
  const url = trackingNumber ? trackingUrl(trackingSource.carrierCode, trackingNumber) : undefined;
  const cost = outbound.reduce((sum, s) => sum + labelCost(s.shipmentCost) + labelCost(s.insuranceCost), 0);

  const ids = SHIPSTATION_EXTRA_FIELD_IDS;
  const fields: EcwidOrderExtraField[] = [];
  const carrier = carrierName(newest.carrierCode);
  if (carrier) fields.push(field(ids.carrier, 'Carrier', carrier, SHOWN_WITH_SHIPPING));
  const service = serviceName(newest.serviceCode);
  if (service) fields.push(field(ids.service, 'Shipping service', service, SHOWN_WITH_SHIPPING));
  // The carrier fee is the merchant's cost, never the customer's business: hidden.
  fields.push(field(ids.shippingCost, 'Carrier fee', (Math.round(cost * 100) / 100).toFixed(2), HIDDEN));
  if (trackingNumbers.length > 1) {
    fields.push(field(ids.trackingNumbers, 'Tracking numbers', listTrackingNumbers(trackingNumbers), SHOWN_WITH_SHIPPING));
  }

  return {
    fulfillmentStatus: 'SHIPPED',
    ...(trackingNumber ? { trackingNumber } : {}),
    ...(url ? { trackingUrl: url } : {}),
    orderExtraFields: fields,
  };
}

/**
 * Whether an Ecwid order was marked shipped by this connector from ShipStation labels: it is SHIPPED and carries
 * the extra fields only the write-back sets.
 */
export function shippedThroughShipStation(order: { fulfillmentStatus?: string; orderExtraFields?: { id?: string }[] }): boolean {
  if (order.fulfillmentStatus !== 'SHIPPED') return false;
  const ours = new Set<string>(Object.values(SHIPSTATION_EXTRA_FIELD_IDS));
  return (order.orderExtraFields ?? []).some((f) => typeof f?.id === 'string' && ours.has(f.id));
}

/**
 * Whether the write-back recorded a partial shipment on this Ecwid order (a split order's first labels): it carries
 * the "shipped so far" field only the write-back sets, and is not SHIPPED. Its ShipStation order is split, one part
 * shipped: a re-import must not send the whole order over the open part.
 */
export function partlyShippedThroughShipStation(order: { fulfillmentStatus?: string; orderExtraFields?: { id?: string }[] }): boolean {
  if (order.fulfillmentStatus === 'SHIPPED') return false;
  return (order.orderExtraFields ?? []).some((f) => f?.id === SHIPSTATION_EXTRA_FIELD_IDS.shippedItems);
}
