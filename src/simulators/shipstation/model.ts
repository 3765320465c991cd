/**
 * ShipStation V1 resources as the simulator stores and returns them, written from ShipStation's V1 reference
 * (https://www.shipstation.com/docs/api/ and https://docs.shipstation.com/apis/shipstation-v1/openapi: the Order,
 * OrderItem, Weight, Dimensions, InternationalOptions and Shipment models), never from the connector's code.
 */

/** Order model `orderStatus` (create/list also accept `pending_fulfillment`). */
export const ORDER_STATUSES = ['awaiting_payment', 'awaiting_shipment', 'pending_fulfillment', 'shipped', 'on_hold', 'cancelled'] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];
/** "Shipped and cancelled orders cannot be updated" (Create/Update Order). */
export const CLOSED_STATUSES: readonly OrderStatus[] = ['shipped', 'cancelled'];

export const CUSTOMS_CONTENTS = ['merchandise', 'documents', 'gift', 'returned_goods', 'sample'] as const;
export const NON_DELIVERY_OPTIONS = ['return_to_sender', 'treat_as_abandoned'] as const;

export interface Address {
  name: string | null;
  company?: string | null;
  street1: string | null;
  street2?: string | null;
  street3?: string | null;
  city: string | null;
  state?: string | null;
  postalCode?: string | null;
  country: string | null;
  phone?: string | null;
  residential?: boolean | null;
  addressVerified?: string | null;
}

export type WeightUnitName = 'pounds' | 'ounces' | 'grams';

/** Weight model: `WeightUnits` is read-only, a number ShipStation adds to every weight it returns. */
export interface Weight {
  value: number;
  units: WeightUnitName;
  WeightUnits?: number;
}

export interface Dimensions {
  length: number;
  width: number;
  height: number;
  units: 'inches' | 'centimeters';
}

export interface CustomsItem {
  customsItemId?: number;
  description: string | null;
  quantity: number;
  value: number;
  harmonizedTariffCode?: string | null;
  countryOfOrigin?: string | null;
}

export interface InternationalOptions {
  contents: string | null;
  customsItems: CustomsItem[] | null;
  nonDelivery?: string | null;
}

export interface OrderItem {
  lineItemKey?: string | null;
  sku?: string | null;
  name: string;
  imageUrl?: string | null;
  weight?: Weight | null;
  quantity: number;
  unitPrice?: number | null;
  taxAmount?: number | null;
  shippingAmount?: number | null;
  warehouseLocation?: string | null;
  options?: { name?: string | null; value?: string | null }[] | null;
  productId?: number | null;
  fulfillmentSku?: string | null;
  adjustment?: boolean | null;
  upc?: string | null;
}

export interface AdvancedOptions {
  warehouseId?: number | null;
  storeId?: number | null;
  customField1?: string | null;
  customField2?: string | null;
  customField3?: string | null;
  source?: string | null;
  mergedOrSplit?: boolean;
  mergedIds?: number[];
  parentId?: number | null;
}

/** The Order model: what createorder accepts plus the read-only fields. There is no "notes to buyer" field. */
export interface Order {
  orderId: number;
  orderNumber: string;
  orderKey: string;
  orderDate: string;
  createDate: string;
  modifyDate: string;
  paymentDate?: string | null;
  orderStatus: OrderStatus;
  customerUsername?: string | null;
  customerEmail?: string | null;
  billTo: Address;
  shipTo: Address;
  items: OrderItem[];
  orderTotal: number;
  amountPaid?: number | null;
  taxAmount?: number | null;
  shippingAmount?: number | null;
  customerNotes?: string | null;
  internalNotes?: string | null;
  gift?: boolean | null;
  giftMessage?: string | null;
  paymentMethod?: string | null;
  requestedShippingService?: string | null;
  carrierCode?: string | null;
  serviceCode?: string | null;
  shipDate?: string | null;
  /** Set by `POST /orders/holduntil`: the order is `on_hold` until this date. */
  holdUntilDate?: string | null;
  weight?: Weight | null;
  dimensions?: Dimensions | null;
  internationalOptions?: InternationalOptions | null;
  advancedOptions?: AdvancedOptions;
  externallyFulfilled?: boolean;
}

export interface Shipment {
  shipmentId: number;
  orderId: number;
  orderKey: string;
  orderNumber: string;
  createDate: string;
  shipDate: string;
  shipmentCost: number;
  insuranceCost: number;
  trackingNumber: string;
  isReturnLabel: boolean;
  batchNumber: string | null;
  carrierCode: string;
  serviceCode: string;
  packageCode?: string | null;
  voided: boolean;
  voidDate: string | null;
  shipTo?: Address;
}

/**
 * A fulfillment: an order marked as shipped without a ShipStation label (Mark as Shipped in the UI or
 * `POST /orders/markasshipped`, or a fulfillment provider). The fields of the docs' List Fulfillments example, plus
 * those the List Fulfillments reference lists (`voidDate`, `deliveryDate`, `sellerFillProviderId`,
 * `sellerFillProviderName`, `fulfillmentServiceCode`, `fulfillmentProviderCode`, `notifyErrorMessage`). No `orderKey`.
 * `shipDate` is a date-time at midnight here, unlike a shipment's date-only `shipDate` (the docs' example).
 */
export interface Fulfillment {
  fulfillmentId: number;
  orderId: number;
  orderNumber: string;
  userId: string;
  customerEmail: string | null;
  trackingNumber: string | null;
  createDate: string;
  shipDate: string;
  voidDate: string | null;
  deliveryDate: string | null;
  carrierCode: string;
  sellerFillProviderId: number | null;
  sellerFillProviderName: string | null;
  fulfillmentServiceCode: string | null;
  fulfillmentProviderCode: string | null;
  fulfillmentFee: number;
  voidRequested: boolean;
  voided: boolean;
  marketplaceNotified: boolean;
  notifyErrorMessage: string | null;
  shipTo: Address;
}

/**
 * Weight model's read-only `WeightUnits`. Published examples show 1 with ounces (a captured order, agritheory's
 * fixture) and 2 with grams (createorder examples); none shows pounds. 0 for pounds follows the order in which
 * the model lists the units (pounds, ounces, grams). The connector never reads it.
 */
const WEIGHT_UNITS_NUMBER: Record<WeightUnitName, number> = { pounds: 0, ounces: 1, grams: 2 };

/** A weight as ShipStation returns it: the value and units sent, plus the read-only `WeightUnits`. */
export function returnedWeight(w: { value: number; units: WeightUnitName } | null | undefined): Weight | null {
  if (!w) return null;
  return { value: w.value, units: w.units, WeightUnits: WEIGHT_UNITS_NUMBER[w.units] };
}
