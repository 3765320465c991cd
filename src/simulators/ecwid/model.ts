/**
 * The Ecwid REST API v3 resources as the simulator holds and serves them, written from Ecwid's API reference
 * (https://docs.ecwid.com/api-reference/rest-api/orders/get-order, …/search-orders, …/store-profile/get-store-profile)
 * and its published response examples, never from the connector's code: a wrong belief the connector holds about
 * Ecwid must not be held by its simulator too. Optional wherever Ecwid may leave a field out.
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
export const CUSTOM_STATUSES = [
  'CUSTOM_PAYMENT_STATUS_1',
  'CUSTOM_PAYMENT_STATUS_2',
  'CUSTOM_PAYMENT_STATUS_3',
  'CUSTOM_FULFILLMENT_STATUS_1',
  'CUSTOM_FULFILLMENT_STATUS_2',
  'CUSTOM_FULFILLMENT_STATUS_3',
] as const;
export type EcwidCustomStatus = (typeof CUSTOM_STATUSES)[number];

/** `formatsAndUnits.weightUnit`. */
export type EcwidWeightUnit = 'CARAT' | 'GRAM' | 'OUNCE' | 'POUND' | 'KILOGRAM';

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
  nameTranslated?: Record<string, string>;
  value?: string;
  valuesArray?: string[];
  type?: 'CHOICE' | 'CHOICES' | 'TEXT' | 'DATE' | 'FILES';
  files?: { id?: number; name: string; size?: number; url?: string }[];
  selections?: { selectionTitle: string; selectionModifier?: number; selectionModifierType?: string }[];
}

/** `items[].taxes[]`, `customSurcharges[].taxes[]`. */
export interface EcwidTax {
  name: string;
  value: number;
  total: number;
  taxOnDiscountedSubtotal?: number;
  taxOnShipping?: number;
  includeInPrice?: boolean;
  sourceTaxRateId?: number;
  sourceTaxRateType?: string;
  taxClassName?: string;
  taxClassCode?: string;
}

export interface EcwidOrderItem {
  id?: number;
  productId?: number;
  categoryId?: number;
  sku?: string;
  name?: string;
  /** Language code → name; the docs' example: `{"cs": "", "en": "Toys"}`. */
  nameTranslated?: Record<string, string>;
  shortDescription?: string;
  quantity?: number;
  price?: number;
  priceWithoutTax?: number;
  productPrice?: number;
  tax?: number;
  taxes?: EcwidTax[];
  /** This line's share of the order's shipping cost. */
  shipping?: number;
  /** Per unit, in the store's weightUnit. */
  weight?: number;
  isShippingRequired?: boolean;
  digital?: boolean;
  giftCard?: boolean;
  taxable?: boolean;
  discountsAllowed?: boolean;
  couponApplied?: boolean;
  couponAmount?: number;
  discounts?: { discountInfo?: EcwidDiscountInfo; total?: number }[];
  imageUrl?: string;
  hdThumbnailUrl?: string;
  smallThumbnailUrl?: string;
  selectedOptions?: EcwidSelectedOption[];
  dimensions?: { length?: number; width?: number; height?: number };
  /** The product's attributes, `[]` when it has none (docs example K8XTQ). */
  attributes?: { id?: number; name: string; value: string }[];
  files?: { productFileId: number; maxDownloads: number; name: string; size: number; customerUrl: string }[];
}

export interface EcwidDiscountInfo {
  value?: number;
  type?: string;
  base?: string;
  orderTotal?: number;
  description?: string;
}

export interface EcwidShippingOption {
  shippingMethodId?: string;
  shippingMethodName?: string;
  shippingCarrierName?: string;
  shippingRate?: number;
  shippingRateWithoutTax?: number;
  isPickup?: boolean;
  fulfillmentType?: string;
  fulfilmentType?: string;
  estimatedTransitTime?: string;
  pickupInstruction?: string;
}

export interface EcwidOrderExtraField {
  id?: string;
  title?: string;
  value?: string;
  customerInputType?: string;
  orderDetailsDisplaySection?: string;
  orderBy?: string;
}

/** `customSurcharges[]`: fees a store adds at checkout (e.g. a small-order fee), taxed or not. */
export interface EcwidCustomSurcharge {
  id: string;
  value: number;
  type: 'ABSOLUTE' | 'PERCENT';
  total: number;
  totalWithoutTax: number;
  description: string;
  descriptionTranslated?: Record<string, string>;
  taxable: boolean;
  taxes?: EcwidTax[];
}

/** `refunds[]`: source CP (control panel), API or External. */
export interface EcwidRefund {
  date: string;
  source: string;
  reason: string;
  amount: number;
}

/** `shipments[]`: labels bought through Ecwid itself (reference §3.5), `[]` otherwise. */
export interface EcwidShipment {
  id: string;
  created: string;
  shipFrom?: EcwidPerson & { email?: string };
  shipTo?: EcwidPerson;
  parcel?: { weight: number; weightUnit: EcwidWeightUnit; length: number; width: number; height: number; dimensionUnit: string };
  shippingService?: { carrier: string; carrierName: string; carrierServiceName: string; carrierServiceCode: string };
  tracking?: { trackingNumber: string; trackingUrl: string; estimatedDays?: number };
  label?: { labelUrl: string; labelFileType: string };
}

export interface EcwidOrder {
  id?: string;
  internalId?: number;
  publicUid?: string;
  orderNumber?: number;
  vendorOrderNumber?: string;
  email?: string;
  customerId?: number;
  ipAddress?: string;
  paymentMethod?: string;
  paymentModule?: string;
  paymentStatus?: string;
  fulfillmentStatus?: string;
  total?: number;
  totalWithoutTax?: number;
  usdTotal?: number;
  subtotal?: number;
  subtotalWithoutTax?: number;
  tax?: number;
  pricesIncludeTax?: boolean;
  refundedAmount?: number;
  refunds?: EcwidRefund[];
  couponDiscount?: number;
  discount?: number;
  volumeDiscount?: number;
  membershipBasedDiscount?: number;
  totalAndMembershipBasedDiscount?: number;
  /** Absolute discounts added by apps. */
  customDiscount?: number[];
  customSurcharges?: EcwidCustomSurcharge[];
  giftCardRedemption?: number;
  totalBeforeGiftCardRedemption?: number;
  giftCardDoubleSpending?: boolean;
  giftCardCode?: string;
  discountInfo?: EcwidDiscountInfo[];
  discountCoupon?: { id?: number; name?: string; code?: string; discountType?: string; discount?: number };
  createDate?: string;
  updateDate?: string;
  createTimestamp?: number;
  updateTimestamp?: number;
  paymentDate?: string;
  items?: EcwidOrderItem[];
  shippingPerson?: EcwidPerson;
  billingPerson?: EcwidPerson;
  shippingOption?: EcwidShippingOption;
  taxesOnShipping?: { name: string; value: number; total: number }[] | null;
  handlingFee?: { name?: string; value?: number; description?: string };
  orderComments?: string;
  privateAdminNotes?: string;
  orderExtraFields?: EcwidOrderExtraField[];
  extraFields?: Record<string, string>;
  predictedPackage?: { length?: number; width?: number; height?: number; weight?: number; declaredValue?: number }[];
  shipments?: EcwidShipment[];
  trackingNumber?: string;
  trackingUrl?: string;
  /** Fulfilled by another service (e.g. a print-on-demand app): Ecwid hides its status and tracking fields. */
  externalFulfillment?: boolean;
  /** Unfinished orders, and orders the merchant "deleted" from the order list. */
  hidden?: boolean;
  disableAllCustomerNotifications?: boolean;
}

export interface EcwidProduct {
  id: number;
  sku?: string;
  name?: string;
  weight?: number;
  attributes?: { id?: number; name?: string; value?: string; type?: string }[];
  customsHsTariffCode?: string;
}
