/**
 * ShipStation V1 shapes (only the fields the connector uses). Source: ShipStation's V1 API documentation (https://www.shipstation.com/docs/api/).
 */

export const SHIPSTATION_ORDER_STATUSES = [
  'awaiting_payment',
  'awaiting_shipment',
  'pending_fulfillment',
  'shipped',
  'on_hold',
  'cancelled',
] as const;
export type ShipStationOrderStatus = (typeof SHIPSTATION_ORDER_STATUSES)[number];
/** ShipStation refuses to update orders in these statuses. */
export const CLOSED_SHIPSTATION_STATUSES: readonly ShipStationOrderStatus[] = ['shipped', 'cancelled'];

export interface ShipStationAddress {
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
}

export interface ShipStationWeight {
  value: number;
  units: 'pounds' | 'ounces' | 'grams';
}

/** Package size of an order (V1 Dimensions model). */
export interface ShipStationDimensions {
  length: number;
  width: number;
  height: number;
  units: 'inches' | 'centimeters';
}

export const CUSTOMS_CONTENTS = ['merchandise', 'documents', 'gift', 'returned_goods', 'sample'] as const;
export const NON_DELIVERY_OPTIONS = ['return_to_sender', 'treat_as_abandoned'] as const;

/** One line of a customs declaration (V1 CustomsItem model); `value` is per unit, in US dollars. */
export interface ShipStationCustomsItem {
  /** Read-only: ShipStation's ID of the line. */
  customsItemId?: number;
  description: string;
  quantity: number;
  value: number;
  harmonizedTariffCode: string | null;
  countryOfOrigin: string | null;
}

/** Customs declaration of an international order (V1 InternationalOptions model). */
export interface ShipStationInternationalOptions {
  contents: (typeof CUSTOMS_CONTENTS)[number] | null;
  customsItems: ShipStationCustomsItem[] | null;
  nonDelivery?: (typeof NON_DELIVERY_OPTIONS)[number] | null;
}

export interface ShipStationOrderItem {
  lineItemKey?: string | null;
  sku?: string | null;
  name: string;
  imageUrl?: string | null;
  weight?: ShipStationWeight | null;
  quantity: number;
  unitPrice: number;
  taxAmount?: number | null;
  /** The line's share of the order's shipping (OrderItem model). */
  shippingAmount?: number | null;
  warehouseLocation?: string | null;
  options?: { name: string; value: string }[];
  productId?: number | null;
  adjustment?: boolean;
}

export interface ShipStationAdvancedOptions {
  storeId?: number | null;
  customField1?: string | null;
  customField2?: string | null;
  customField3?: string | null;
  source?: string | null;
}

export interface ShipStationOrder {
  orderId?: number;
  orderNumber: string;
  orderKey: string;
  orderDate: string;
  paymentDate?: string | null;
  orderStatus: ShipStationOrderStatus;
  customerUsername?: string | null;
  customerEmail?: string | null;
  billTo: ShipStationAddress;
  shipTo: ShipStationAddress;
  items: ShipStationOrderItem[];
  amountPaid?: number;
  taxAmount?: number;
  shippingAmount?: number;
  customerNotes?: string | null;
  internalNotes?: string | null;
  gift?: boolean;
  giftMessage?: string | null;
  paymentMethod?: string | null;
  requestedShippingService?: string | null;
  weight?: ShipStationWeight | null;
  /** Sent only when the package size is known and non-zero; ShipStation returns null otherwise. */
  dimensions?: ShipStationDimensions | null;
  /** Sent only for international orders; ShipStation returns `{contents: null, customsItems: null, …}` otherwise. */
  internationalOptions?: ShipStationInternationalOptions | null;
  advancedOptions?: ShipStationAdvancedOptions;
  /** Read-only fields ShipStation returns */
  createDate?: string;
  modifyDate?: string;
  orderTotal?: number;
  // No "notes to buyer": the UI has them, V1's Order and Shipment models don't, so the connector can't read them.
}

export interface ShipStationCreateOrdersResult {
  hasErrors: boolean;
  results: { orderId: number | null; orderNumber: string; orderKey: string; success: boolean; errorMessage: string | null }[];
}

export interface ShipStationShipment {
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
  advancedOptions?: { storeId?: number | null };
  shipTo?: ShipStationAddress;
}

export interface ShipStationShipmentPage {
  shipments: ShipStationShipment[];
  total: number;
  page: number;
  pages: number;
}

/** SHIP_NOTIFY webhook body. */
export interface ShipStationWebhookBody {
  resource_url: string;
  resource_type: string;
}
