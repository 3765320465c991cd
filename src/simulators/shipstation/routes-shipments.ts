import express, { type Router } from 'express';
import { accountOf } from './auth';
import { inRange } from './dates';
import { boolParam, dateParam, intParam, paginate, param, sortByField } from './query';
import type { ShipmentRecord, SimOrderItem } from './state';

const SORT_FIELDS: Record<string, (s: ShipmentRecord) => string> = {
  shipdate: (s) => s.shipment.shipDate,
  createdate: (s) => s.shipment.createDate,
};

/**
 * A shipment's item as the docs' List Shipments example shows it: the order item's fields, without its dates and
 * the amounts the example doesn't carry.
 */
const SHIPMENT_ITEM_FIELDS = ['orderItemId', 'lineItemKey', 'sku', 'name', 'imageUrl', 'weight', 'quantity', 'unitPrice', 'warehouseLocation', 'options', 'productId', 'fulfillmentSku'] as const;
function shipmentItem(item: SimOrderItem): Record<string, unknown> {
  return Object.fromEntries(SHIPMENT_ITEM_FIELDS.map((k) => [k, item[k] ?? null]));
}

/**
 * GET /shipments (reference §3.1): labels bought in ShipStation only, voided ones included (`voided: true`).
 * `batchId` is not in the documented filter list but is what SHIP_NOTIFY resource URLs use.
 */
export function shipmentRoutes(): Router {
  const r = express.Router();
  r.get('/shipments', (req, res) => {
    const acct = accountOf(res);
    const eq = (name: string, v: string | null | undefined) => {
      const want = param(req, name);
      return want === undefined || (v ?? '').toLowerCase() === want.toLowerCase();
    };
    const num = (name: string, v: number | null | undefined) => {
      const want = intParam(req, name);
      return want === undefined || v === want;
    };
    const recipient = param(req, 'recipientName')?.toLowerCase();
    const range = (name: string, v: string | null) => inRange(v, dateParam(req, `${name}Start`), dateParam(req, `${name}End`));
    // A non-numeric value in a numeric filter matches nothing, rather than being ignored.
    const badNumber = ['orderId', 'storeId', 'batchId'].some((n) => param(req, n) !== undefined && intParam(req, n) === undefined);
    let list = acct.shipments.filter(({ shipment: s, batchId }) => {
      return (
        !badNumber &&
        num('orderId', s.orderId) &&
        num('storeId', s.advancedOptions.storeId) &&
        num('batchId', batchId) &&
        eq('orderNumber', s.orderNumber) &&
        eq('trackingNumber', s.trackingNumber) &&
        eq('carrierCode', s.carrierCode) &&
        eq('serviceCode', s.serviceCode) &&
        eq('recipientCountryCode', s.shipTo?.country) &&
        (recipient === undefined || (s.shipTo?.name ?? '').toLowerCase().includes(recipient)) &&
        range('createDate', s.createDate) &&
        range('shipDate', s.shipDate) &&
        range('voidDate', s.voidDate)
      );
    });
    const sortKey = SORT_FIELDS[(param(req, 'sortBy') ?? '').toLowerCase()] ?? ((s: ShipmentRecord) => s.shipment.shipmentId);
    list = sortByField(list, sortKey, param(req, 'sortDir'));
    const withItems = boolParam(req, 'includeShipmentItems');
    const p = paginate(req, list);
    res.json({
      shipments: p.items.map((rec) => ({ ...rec.shipment, shipmentItems: withItems ? rec.items.map(shipmentItem) : null })),
      total: p.total,
      page: p.page,
      pages: p.pages,
    });
  });
  return r;
}
