/**
 * Ecwid order → ShipStation V1 order (spec §3). Pure and total: given an order `decideImport` accepted, it
 * never throws and never rejects for bad data. Over-long text is cut (and the field path recorded), missing
 * numbers become 0, missing text becomes null.
 *
 * Lengths: V1 documents only `orderNumber` ≤ 50, so the Custom Store XML limits are the guide (names 100,
 * address lines 200, notes 1000), see LIMITS.
 */
import type {
  EcwidDiscountInfo,
  EcwidOrder,
  EcwidOrderExtraField,
  EcwidOrderItem,
  EcwidPerson,
  EcwidSelectedOption,
  EcwidSurcharge,
  EcwidWeightUnit,
} from './ecwid';
import { internationalOptionsFor, type CustomsContext } from './customs';
import { firstTimestamp, toShipStationDateTime } from './dates';
import { packageDimensions } from './dimensions';
import { detectGift } from './gift';
import { ecwidOrderIdOf, orderKey } from './ids';
import { itemQuantity } from './order-filter';
import {
  CLOSED_SHIPSTATION_STATUSES,
  type ShipStationAddress,
  type ShipStationOrder,
  type ShipStationOrderItem,
  type ShipStationOrderStatus,
} from './shipstation';
import { decodeHtmlEntities, num, objects, str, Truncations } from './text';
import { multiplyWeight, shipStationWeightUnits, sumWeights, toShipStationWeight } from './weights';

export interface MappingContext {
  storeId: number;
  weightUnit: EcwidWeightUnit;
  /** The connection's ShipStation store; omitted → ShipStation's first manual store. */
  shipstationStoreId?: number;
  /** Stock location of each product, by product ID (see stock-location.ts). */
  stockLocations: Record<string, string | undefined>;
  giftFieldNames?: string[];
  giftMessageFieldNames?: string[];
  /** The profile's `formatsAndUnits.dimensionsUnit`; without it no package size is sent (see dimensions.ts). */
  dimensionsUnit?: string;
  /** Customs declarations for international orders (see customs.ts); omitted when the connection turned them off. */
  customs?: CustomsContext;
  /**
   * Whether ShipStation does not have the order yet. `advancedOptions.storeId` can only be set on creation and
   * ShipStation ignores it on updates, so it is sent unless this is explicitly `false` (the import does not
   * know, and looking it up would cost a request per order).
   */
  isNew?: boolean;
}

export interface MappedOrder {
  order: ShipStationOrder;
  /** Paths of the fields that were cut to fit, e.g. `shipTo.street1`, `items[2].name`. */
  truncated: string[];
}

/** Maximum lengths, in UTF-16 code units (how ShipStation counts). */
export const LIMITS = {
  orderNumber: 50,
  email: 100,
  name: 100,
  company: 100,
  street: 200,
  city: 100,
  state: 100,
  postalCode: 50,
  country: 2,
  phone: 50,
  itemName: 200,
  sku: 100,
  optionName: 100,
  optionValue: 100,
  warehouseLocation: 100,
  requestedShippingService: 100,
  paymentMethod: 50,
  notes: 1000,
  customField: 100,
} as const;

/** Line keys of the discount and surcharge lines, stable so that re-sending an order updates them in place. */
export const COUPON_LINE_KEY = 'ecwid-coupon';
export const DISCOUNT_LINE_KEY = 'ecwid-discount';
export const SURCHARGE_LINE_KEY_PREFIX = 'ecwid-surcharge-';

/** Payment statuses in which the customer has paid (what `amountPaid` and `paymentDate` reflect). */
const PAID_STATUSES = new Set(['PAID', 'PARTIALLY_REFUNDED']);

/** Money rounded to cents; anything not a finite number is 0. */
export function money(value: unknown): number {
  const n = num(value);
  if (n === undefined) return 0;
  // toPrecision first: 1.005 * 100 is 100.49999999999999 in binary, and a customer expects 1.01.
  const cents = Math.round(Number((n * 100).toPrecision(15))) / 100;
  return Number.isFinite(cents) ? cents + 0 : 0; // `+ 0` turns -0 into 0
}

/** Money that cannot be negative (prices, tax, shipping, paid amounts). */
function amount(value: unknown): number {
  return Math.max(0, money(value));
}

/**
 * What the customer paid: Ecwid's `total` is what was left to pay after a gift card, so the gift card's part
 * (`giftCardRedemption`) is added back (a gift card is a way of paying, and the goods are worth the whole amount:
 * insurance and reports should see it), less what was refunded (`refundedAmount`, else the sum of `refunds[]`).
 */
export function amountPaid(order: EcwidOrder): number {
  const refundedAmount = num(order.refundedAmount);
  const refunded = refundedAmount ?? objects<{ amount?: number }>(order.refunds).reduce((s, r) => s + amount(r.amount), 0);
  return amount(money(order.total) + amount(order.giftCardRedemption) - money(refunded));
}

/** The payment method, saying when a gift card paid part or all of it ("PayPal + gift card", "Gift card"). */
function paymentMethodOf(order: EcwidOrder): string {
  const method = str(order.paymentMethod).trim();
  if (amount(order.giftCardRedemption) <= 0) return method;
  return method ? `${method} + gift card` : 'Gift card';
}

export function shipstationOrderIsClosed(status: ShipStationOrderStatus): boolean {
  return CLOSED_SHIPSTATION_STATUSES.includes(status);
}

/** The ShipStation order for an Ecwid order `decideImport` accepted with `status` and `physicalItems`. */
export function mapOrder(
  order: EcwidOrder,
  status: ShipStationOrderStatus,
  physicalItems: EcwidOrderItem[],
  ctx: MappingContext,
): MappedOrder {
  const t = new Truncations();
  const paid = PAID_STATUSES.has(str(order.paymentStatus).trim().toUpperCase());

  const items = objects<EcwidOrderItem>(physicalItems).map((item, i) => mapItem(item, `items[${i}]`, ctx, t));
  const weight = sumWeights(
    items.map((it) => multiplyWeight(it.weight ?? { value: 0, units: 'grams' }, it.quantity)),
    shipStationWeightUnits(ctx.weightUnit),
  );
  items.push(...surchargeLines(order, items.length, t));
  items.push(...discountLines(order, items.length, t));

  const shipping = order.shippingOption && typeof order.shippingOption === 'object' ? order.shippingOption : {};
  const handlingFee = order.handlingFee && typeof order.handlingFee === 'object' ? order.handlingFee : {};
  const coupon = order.discountCoupon && typeof order.discountCoupon === 'object' ? order.discountCoupon : undefined;
  const email = t.text(order.email, LIMITS.email, 'customerEmail', { decode: false });
  const gift = detectGift(checkoutExtraFields(order), ctx);
  const dimensions = packageDimensions(order, physicalItems, ctx.dimensionsUnit);
  const international = ctx.customs ? internationalOptionsFor(order, physicalItems, ctx.customs, t) : null;
  const created = firstTimestamp(order.createTimestamp, order.createDate, order.updateTimestamp, order.updateDate);
  const paidAt = paid ? firstTimestamp(order.paymentDate, order.updateTimestamp, order.updateDate) : undefined;

  const mapped: ShipStationOrder = {
    orderKey: orderKey(ctx.storeId, order as { id?: string; orderNumber?: number }),
    orderNumber: t.cut(visibleOrderNumber(order), LIMITS.orderNumber, 'orderNumber'),
    // decideImport refuses orders without a creation date; the update date and then the epoch are last resorts.
    orderDate: toShipStationDateTime(created ?? 0),
    paymentDate: paidAt === undefined ? null : toShipStationDateTime(paidAt),
    orderStatus: status,
    customerUsername: email,
    customerEmail: email,
    shipTo: mapAddress(order.shippingPerson, 'shipTo', t),
    billTo: mapAddress(hasBillingAddress(order.billingPerson) ? order.billingPerson : order.shippingPerson, 'billTo', t),
    items,
    amountPaid: paid ? amountPaid(order) : 0,
    taxAmount: amount(order.tax),
    shippingAmount: amount(money(shipping.shippingRate) + money(handlingFee.value)),
    customerNotes: t.text(order.orderComments, LIMITS.notes, 'customerNotes'),
    internalNotes: t.text(order.privateAdminNotes, LIMITS.notes, 'internalNotes'),
    gift: gift.gift,
    giftMessage: gift.giftMessage === null ? null : t.cut(gift.giftMessage, LIMITS.notes, 'giftMessage'),
    paymentMethod: t.text(paymentMethodOf(order), LIMITS.paymentMethod, 'paymentMethod'),
    requestedShippingService: t.text(shipping.shippingMethodName, LIMITS.requestedShippingService, 'requestedShippingService'),
    weight,
    // Left out, not sent as null or zeros, when unknown: ShipStation then keeps its own defaults.
    ...(dimensions ? { dimensions } : {}),
    ...(international ? { internationalOptions: international } : {}),
    advancedOptions: {
      ...(ctx.isNew !== false && typeof ctx.shipstationStoreId === 'number' ? { storeId: ctx.shipstationStoreId } : {}),
      customField1: t.text(coupon?.code, LIMITS.customField, 'advancedOptions.customField1'),
      source: 'Ecwid',
    },
  };
  return { order: mapped, truncated: t.paths };
}

/**
 * The order's checkout extra fields: the `orderExtraFields` array, plus the entries of the `extraFields` map
 * (id → value) that the array does not already have. Current Ecwid responses carry the map and may leave the
 * array out, so reading only the array would miss a gift checkbox.
 */
function checkoutExtraFields(order: EcwidOrder): EcwidOrderExtraField[] {
  const fields = objects<EcwidOrderExtraField>(order.orderExtraFields);
  const map = order.extraFields;
  if (!map || typeof map !== 'object' || Array.isArray(map)) return fields;
  const known = new Set(fields.map((f) => str(f.id)));
  for (const [id, value] of Object.entries(map)) {
    if (!known.has(id) && (typeof value === 'string' || typeof value === 'number')) fields.push({ id, value: str(value) });
  }
  return fields;
}

/** What the merchant sees as the order number: `id`, else `vendorOrderNumber`, else `orderNumber`. */
function visibleOrderNumber(order: EcwidOrder): string {
  const id = str(order.id).trim();
  if (id) return id;
  const vendor = str(order.vendorOrderNumber).trim();
  if (vendor) return vendor;
  return ecwidOrderIdOf(order);
}

function hasBillingAddress(person: EcwidPerson | undefined): person is EcwidPerson {
  return !!person && typeof person === 'object' && (str(person.name).trim() !== '' || str(person.street).trim() !== '');
}

/** Ecwid person → ShipStation address. `street` holds its lines separated by line breaks. */
function mapAddress(person: EcwidPerson | undefined, path: string, t: Truncations): ShipStationAddress {
  const p: EcwidPerson = person && typeof person === 'object' ? person : {};
  const lines = decodeHtmlEntities(str(p.street))
    .split(/\r\n|\r|\n/)
    .map((l) => l.trim())
    .filter((l) => l !== '');
  const name = str(p.name).trim() || [str(p.firstName).trim(), str(p.lastName).trim()].filter(Boolean).join(' ');
  return {
    name: t.text(name, LIMITS.name, `${path}.name`),
    company: t.text(p.companyName, LIMITS.company, `${path}.company`),
    street1: t.text(lines[0], LIMITS.street, `${path}.street1`),
    street2: t.text(lines[1], LIMITS.street, `${path}.street2`),
    // Lines beyond the third are kept, joined into street3, rather than dropped.
    street3: t.text(lines.slice(2).join(', '), LIMITS.street, `${path}.street3`),
    city: t.text(p.city, LIMITS.city, `${path}.city`),
    // Countries without state codes only have a name.
    state: t.text(str(p.stateOrProvinceCode).trim() || p.stateOrProvinceName, LIMITS.state, `${path}.state`),
    postalCode: t.text(p.postalCode, LIMITS.postalCode, `${path}.postalCode`, { decode: false }),
    country: t.text(str(p.countryCode).toUpperCase(), LIMITS.country, `${path}.country`, { decode: false }),
    phone: t.text(p.phone, LIMITS.phone, `${path}.phone`, { decode: false }),
  };
}

function mapItem(item: EcwidOrderItem, path: string, ctx: MappingContext, t: Truncations): ShipStationOrderItem {
  const id = num(item.id);
  const productId = num(item.productId);
  const sku = t.text(item.sku, LIMITS.sku, `${path}.sku`, { decode: false });
  const imageUrl = [item.imageUrl, item.hdThumbnailUrl, item.smallThumbnailUrl].map((u) => str(u).trim()).find(Boolean);
  const location = productId === undefined ? undefined : ctx.stockLocations?.[String(productId)];
  return {
    lineItemKey: id === undefined ? null : String(id),
    sku,
    // ShipStation requires a name: fall back to the SKU, then the product ID.
    name:
      t.text(item.name, LIMITS.itemName, `${path}.name`) ??
      sku ??
      (productId === undefined ? 'Item' : `Product ${productId}`),
    imageUrl: imageUrl ?? null,
    weight: toShipStationWeight(num(item.weight), ctx.weightUnit),
    quantity: itemQuantity(item),
    unitPrice: amount(item.price),
    taxAmount: amount(item.tax),
    // This line's share of the shipping the customer paid, where Ecwid gives it.
    ...(num(item.shipping) !== undefined ? { shippingAmount: amount(item.shipping) } : {}),
    warehouseLocation: t.text(location, LIMITS.warehouseLocation, `${path}.warehouseLocation`),
    options: objects<EcwidSelectedOption>(item.selectedOptions).flatMap((o, j) => {
      const name = t.text(o.name, LIMITS.optionName, `${path}.options[${j}].name`);
      const value = t.text(optionValue(o), LIMITS.optionValue, `${path}.options[${j}].value`);
      return name !== null && value !== null ? [{ name, value }] : [];
    }),
    productId: productId ?? null,
    adjustment: false,
  };
}

/** The customer's choice: all chosen values for CHOICES, file names for FILES, else the value. */
function optionValue(o: EcwidSelectedOption): string {
  const type = str(o.type).toUpperCase();
  const join = (values: unknown[]) =>
    values
      .map((v) => str(v).trim())
      .filter(Boolean)
      .join(', ');
  if (type === 'CHOICES') {
    const chosen = Array.isArray(o.valuesArray) && o.valuesArray.length > 0
      ? join(o.valuesArray)
      : join(objects<{ selectionTitle?: string }>(o.selections).map((s) => s.selectionTitle));
    return chosen || str(o.value);
  }
  if (type === 'CHOICE' && !str(o.value).trim() && Array.isArray(o.valuesArray)) {
    // A single choice normally has `value`; `valuesArray` and `selections` hold the same answer.
    return join(o.valuesArray) || join(objects<{ selectionTitle?: string }>(o.selections).map((s) => s.selectionTitle));
  }
  if (type === 'FILES') {
    return join(objects<{ name?: string }>(o.files).map((f) => f.name)) || str(o.value);
  }
  return str(o.value) || join(objects<{ selectionTitle?: string }>(o.selections).map((s) => s.selectionTitle));
}

/**
 * One `adjustment` line per discount, with a negative price: the coupon (`couponDiscount`), and the other
 * discounts (`discount`, which already includes `volumeDiscount`, `membershipBasedDiscount` and the apps'
 * `customDiscount`, so those are not added again; only when `discount` is 0 while they are not does their sum
 * stand for it). Ecwid's docs disagree on whether `discount` includes the coupon; its examples (order 1028:
 * discount 4, couponDiscount 22, volumeDiscount 4) show it does not, and that reading is used here.
 */
function discountLines(order: EcwidOrder, firstIndex: number, t: Truncations): ShipStationOrderItem[] {
  const lines: ShipStationOrderItem[] = [];
  const couponDiscount = money(order.couponDiscount);
  if (couponDiscount > 0) {
    lines.push(adjustment(COUPON_LINE_KEY, couponLineName(order.discountCoupon), couponDiscount, `items[${firstIndex}].name`, t));
  }
  const parts = money(order.volumeDiscount) + money(order.membershipBasedDiscount) + (Array.isArray(order.customDiscount) ? order.customDiscount.reduce((s, d) => s + money(d), 0) : 0);
  const discount = money(order.discount) > 0 ? money(order.discount) : money(parts);
  if (discount > 0) {
    const path = `items[${firstIndex + lines.length}].name`;
    lines.push(adjustment(DISCOUNT_LINE_KEY, discountLineName(order.discountInfo), discount, path, t));
  }
  return lines;
}

/**
 * One `adjustment` line per checkout fee (`customSurcharges[]`), with what the customer paid for it (`total`): the
 * fee is in Ecwid's `total`, so without it ShipStation's lines would add up to less than the customer paid. Fees are
 * not goods: they are never declared to customs.
 */
function surchargeLines(order: EcwidOrder, firstIndex: number, t: Truncations): ShipStationOrderItem[] {
  const lines: ShipStationOrderItem[] = [];
  objects<EcwidSurcharge>(order.customSurcharges).forEach((s, i) => {
    const total = money(s.total);
    if (total <= 0) return;
    const name = decodeHtmlEntities(str(s.description)).trim() || 'Surcharge';
    const key = `${SURCHARGE_LINE_KEY_PREFIX}${str(s.id).trim() || i}`;
    lines.push(adjustment(key, name, -total, `items[${firstIndex + lines.length}].name`, t));
  });
  return lines;
}

function adjustment(key: string, name: string, value: number, path: string, t: Truncations): ShipStationOrderItem {
  return {
    lineItemKey: key,
    sku: null,
    name: t.cut(name, LIMITS.itemName, path),
    quantity: 1,
    unitPrice: -value,
    taxAmount: 0,
    adjustment: true,
  };
}

/** "Coupon: Test Coupon (DISC)", or with whichever of name and code the order has. */
function couponLineName(coupon: EcwidOrder['discountCoupon']): string {
  const name = decodeHtmlEntities(str(coupon?.name)).trim();
  const code = str(coupon?.code).trim();
  if (name && code && name !== code) return `Coupon: ${name} (${code})`;
  return name || code ? `Coupon: ${name || code}` : 'Coupon';
}

const DISCOUNT_BASES: Record<string, string> = {
  ON_TOTAL: 'on the order total',
  SUBTOTAL: 'on the subtotal',
  ITEM: 'on items',
  SHIPPING: 'on shipping',
  ON_MEMBERSHIP: 'for members',
  ON_TOTAL_AND_MEMBERSHIP: 'on the order total, for members',
  CUSTOMER: 'for the customer',
};

/** "Discount: 4 off on the order total; 10% off for members": each `discountInfo` entry, its description first. */
function discountLineName(info: EcwidDiscountInfo[] | undefined): string {
  const parts = objects<EcwidDiscountInfo>(info).map((d) => {
    const description = decodeHtmlEntities(str(d.description)).trim();
    if (description) return description;
    const value = num(d.value);
    const type = str(d.type).toUpperCase();
    const what =
      value === undefined ? 'discount' : type === 'PERCENT' ? `${value}% off` : type === 'FIXED_PRICE' ? `fixed price ${value}` : `${value} off`;
    const base = DISCOUNT_BASES[str(d.base).toUpperCase()];
    return base ? `${what} ${base}` : what;
  });
  return parts.length > 0 ? `Discount: ${parts.join('; ')}` : 'Discount';
}
