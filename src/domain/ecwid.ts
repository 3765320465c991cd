/**
 * Ecwid REST API v3 shapes the connector reads and writes (only the fields it uses).
 * Source: Ecwid's REST API v3 documentation (https://api-docs.ecwid.com/). Everything optional that Ecwid may omit is optional here:
 * the filter and the mapper must cope with missing fields.
 */

export const PAYMENT_STATUSES = [
  'AWAITING_PAYMENT',
  'PAID',
  'CANCELLED',
  'REFUNDED',
  'PARTIALLY_REFUNDED',
  'INCOMPLETE',
  'CUSTOM_PAYMENT_STATUS_1',
  'CUSTOM_PAYMENT_STATUS_2',
  'CUSTOM_PAYMENT_STATUS_3',
] as const;
export const FULFILLMENT_STATUSES = [
  'AWAITING_PROCESSING',
  'PROCESSING',
  'SHIPPED',
  'DELIVERED',
  'WILL_NOT_DELIVER',
  'RETURNED',
  'READY_FOR_PICKUP',
  'OUT_FOR_DELIVERY',
  'CUSTOM_FULFILLMENT_STATUS_1',
  'CUSTOM_FULFILLMENT_STATUS_2',
  'CUSTOM_FULFILLMENT_STATUS_3',
] as const;
export type EcwidPaymentStatus = (typeof PAYMENT_STATUSES)[number];
export type EcwidFulfillmentStatus = (typeof FULFILLMENT_STATUSES)[number];
export const CUSTOM_STATUSES = [
  'CUSTOM_PAYMENT_STATUS_1',
  'CUSTOM_PAYMENT_STATUS_2',
  'CUSTOM_PAYMENT_STATUS_3',
  'CUSTOM_FULFILLMENT_STATUS_1',
  'CUSTOM_FULFILLMENT_STATUS_2',
  'CUSTOM_FULFILLMENT_STATUS_3',
] as const;
export type EcwidCustomStatus = (typeof CUSTOM_STATUSES)[number];

export const WEIGHT_UNITS = ['CARAT', 'GRAM', 'OUNCE', 'POUND', 'KILOGRAM'] as const;
export type EcwidWeightUnit = (typeof WEIGHT_UNITS)[number];
/** `formatsAndUnits.dimensionsUnit`: the unit of item `dimensions` and of `predictedPackage`. */
export const DIMENSIONS_UNITS = ['MM', 'CM', 'IN', 'YD'] as const;
export type EcwidDimensionsUnit = (typeof DIMENSIONS_UNITS)[number];

/** Length, width and height in the store's `dimensionsUnit`; Ecwid sends zeros when they are not set. */
export interface EcwidDimensions {
  length?: number;
  width?: number;
  height?: number;
}

/** One parcel Ecwid predicts for the order (`predictedPackage[]`), in the store's units. */
export interface EcwidPredictedPackage extends EcwidDimensions {
  weight?: number;
  declaredValue?: number;
}

export interface EcwidPerson {
  name?: string;
  firstName?: string;
  lastName?: string;
  companyName?: string;
  street?: string;
  city?: string;
  countryCode?: string;
  countryName?: string;
  postalCode?: string;
  stateOrProvinceCode?: string;
  stateOrProvinceName?: string;
  phone?: string;
}

export interface EcwidSelectedOption {
  name: string;
  value?: string;
  valuesArray?: string[];
  type?: 'CHOICE' | 'CHOICES' | 'TEXT' | 'TEXTAREA' | 'DATE' | 'FILES' | 'SELECT' | 'RADIO' | 'CHECKBOX' | 'SIZE';
  files?: { id?: number; name: string; size?: number; url?: string }[];
  selections?: { selectionTitle: string; selectionModifier?: number; selectionModifierType?: string }[];
}

export interface EcwidOrderItem {
  id?: number;
  productId?: number;
  sku?: string;
  name?: string;
  quantity?: number;
  price?: number;
  tax?: number;
  weight?: number;
  isShippingRequired?: boolean;
  digital?: boolean;
  giftCard?: boolean;
  imageUrl?: string;
  hdThumbnailUrl?: string;
  smallThumbnailUrl?: string;
  selectedOptions?: EcwidSelectedOption[];
  /** In the profile's `dimensionsUnit`; all zeros when the product has none. */
  dimensions?: EcwidDimensions;
  /** `price` less its tax; equals `price` when the store's prices don't include tax. */
  priceWithoutTax?: number;
  /** This line's share of the order's shipping cost. */
  shipping?: number;
  taxable?: boolean;
  /** The product's attributes when ordered (not read: the stock location comes from the catalog, §6). */
  attributes?: { id?: number; name?: string; value?: string }[];
  /** Language code → name (not read: ShipStation gets the store's own `name`). */
  nameTranslated?: Record<string, string>;
}

/** `customSurcharges[]`: a fee the store adds at checkout (e.g. a small-order fee). */
export interface EcwidSurcharge {
  id?: string;
  value?: number;
  type?: 'ABSOLUTE' | 'PERCENT' | string;
  /** What the customer paid for it. */
  total?: number;
  totalWithoutTax?: number;
  description?: string;
  taxable?: boolean;
}

export interface EcwidDiscountInfo {
  value?: number;
  type?: 'ABS' | 'PERCENT' | string;
  base?: 'ON_TOTAL' | 'ON_MEMBERSHIP' | 'ON_TOTAL_AND_MEMBERSHIP' | 'CUSTOMER' | string;
  orderTotal?: number;
  description?: string;
}

export interface EcwidShippingOption {
  shippingMethodId?: string;
  shippingMethodName?: string;
  shippingCarrierName?: string;
  shippingRate?: number;
  isPickup?: boolean;
  fulfillmentType?: 'SHIPPING' | 'PICKUP' | 'DELIVERY' | string;
  /** Single-"l" spelling used by Ecwid's update examples and shipping endpoints; read as a fallback. */
  fulfilmentType?: 'SHIPPING' | 'PICKUP' | 'DELIVERY' | string;
}

export interface EcwidOrderExtraField {
  id?: string;
  title?: string;
  value?: string;
  customerInputType?: string;
  orderDetailsDisplaySection?: string;
  orderBy?: string;
}

export interface EcwidOrder {
  /** Public order ID such as "K8XTQ"; old orders may lack it. */
  id?: string;
  /** Ecwid's numeric order ID; webhook `entityId` carries it. Current orders have `orderNumber` equal to it. */
  internalId?: number;
  /** Same as `id` in current responses. */
  publicUid?: string;
  orderNumber?: number;
  vendorOrderNumber?: string;
  email?: string;
  paymentMethod?: string;
  paymentStatus?: string;
  fulfillmentStatus?: string;
  total?: number;
  /** `total` in US dollars at the rate of the day of the order (Ecwid computes it; equals `total` in USD stores). */
  usdTotal?: number;
  subtotal?: number;
  tax?: number;
  refundedAmount?: number;
  refunds?: { date?: string; source?: string; reason?: string; amount?: number }[];
  /** Whether item prices (and so `subtotal`) include tax. */
  pricesIncludeTax?: boolean;
  subtotalWithoutTax?: number;
  totalWithoutTax?: number;
  couponDiscount?: number;
  /** Every discount but the coupon; its parts are `volumeDiscount`, `membershipBasedDiscount` and `customDiscount`. */
  discount?: number;
  volumeDiscount?: number;
  membershipBasedDiscount?: number;
  /** Absolute discounts added by apps. */
  customDiscount?: number[];
  customSurcharges?: EcwidSurcharge[];
  /** Paid with a gift card; `total` is what was left to pay after it. */
  giftCardRedemption?: number;
  totalBeforeGiftCardRedemption?: number;
  /** Tax on shipping, by tax; already counted in `tax`. */
  taxesOnShipping?: { name?: string; value?: number; total?: number }[] | null;
  /** Fulfilled by another service (e.g. a print-on-demand app), not by the merchant. */
  externalFulfillment?: boolean;
  discountInfo?: EcwidDiscountInfo[];
  discountCoupon?: { id?: number; name?: string; code?: string; discountType?: string; discount?: number };
  createDate?: string;
  updateDate?: string;
  createTimestamp?: number;
  updateTimestamp?: number;
  /** Present on some orders: when the payment was received (not documented everywhere). */
  paymentDate?: string;
  items?: EcwidOrderItem[];
  shippingPerson?: EcwidPerson;
  billingPerson?: EcwidPerson;
  shippingOption?: EcwidShippingOption;
  handlingFee?: { name?: string; value?: number; description?: string };
  orderComments?: string;
  privateAdminNotes?: string;
  orderExtraFields?: EcwidOrderExtraField[];
  /**
   * Checkout extra fields as a map, field id → value. Current responses carry it (often `{}`) and may leave
   * `orderExtraFields` out; the 2019 examples only have `orderExtraFields`.
   */
  extraFields?: Record<string, string>;
  /** The parcels Ecwid predicts for the order; `[]` when it predicts none. */
  predictedPackage?: EcwidPredictedPackage[];
  trackingNumber?: string;
  trackingUrl?: string;
  hidden?: boolean;
}

export interface EcwidOrderPage {
  total: number;
  count: number;
  offset: number;
  limit: number;
  items: EcwidOrder[];
}

export interface EcwidProfile {
  generalInfo?: { storeId?: number; storeUrl?: string };
  account?: { accountName?: string; accountEmail?: string; availableFeatures?: string[]; suspended?: boolean };
  settings?: { storeName?: string };
  formatsAndUnits?: {
    weightUnit?: EcwidWeightUnit;
    dimensionsUnit?: string;
    currency?: string;
    /** US dollars per unit of `currency` (the docs example: EUR with 1.060951674). */
    currencyRate?: number;
    timezone?: string;
  };
  /** The merchant's business address (not necessarily where parcels leave from). */
  company?: { countryCode?: string };
  /** `shippingOrigin` is the ship-from address: the docs example has company in GE and shipping origin in NL. */
  shipping?: { shippingOrigin?: { countryCode?: string } };
}

export interface EcwidProductAttribute {
  id?: number;
  name?: string;
  value?: string;
  type?: string;
}

export interface EcwidProduct {
  id: number;
  sku?: string;
  name?: string;
  weight?: number;
  attributes?: EcwidProductAttribute[];
  /** Ecwid's own HS tariff code field of a product (the Java client's `customsHsTariffCode`). */
  customsHsTariffCode?: string;
}

/** Body of an Ecwid webhook delivery (only eventCreated and eventId are covered by the signature). */
export interface EcwidWebhookEvent {
  eventId: string;
  eventCreated: number;
  storeId: number;
  /**
   * Orders: the internal order ID (the 2019 docs: the order number); use `data.orderId` instead.
   * `application.*` events: the store ID, as a quoted string (`"entityId":"1003"` in Ecwid's example).
   */
  entityId?: number | string;
  eventType: string;
  data?: { orderId?: string; oldPaymentStatus?: string; newPaymentStatus?: string; oldFulfillmentStatus?: string; newFulfillmentStatus?: string };
}

/** What the connector writes back to an Ecwid order when ShipStation ships it. */
export interface EcwidOrderUpdate {
  fulfillmentStatus?: EcwidFulfillmentStatus;
  trackingNumber?: string;
  trackingUrl?: string;
  orderExtraFields?: EcwidOrderExtraField[];
}
