/**
 * ShipStation V1 shapes (only the fields the connector uses). Source: ../shared/reference/shipstation-api.md.
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

export interface ShipStationOrderItem {
  lineItemKey?: string | null;
  sku?: string | null;
  name: string;
  imageUrl?: string | null;
  weight?: ShipStationWeight | null;
  quantity: number;
  unitPrice: number;
  taxAmount?: number | null;
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
  advancedOptions?: ShipStationAdvancedOptions;
  /** Read-only fields ShipStation returns */
  createDate?: string;
  modifyDate?: string;
  orderTotal?: number;
  /**
   * The UI's "Notes To Buyer". Not in the documented V1 model (reference §3.4); read when present (the local
   * simulator returns it on GET /orders), never sent.
   */
  notesToBuyer?: string | null;
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
