/**
 * Fulfillments: orders marked as shipped without a label bought in ShipStation. `GET /shipments` never lists them
 * ("they are considered external shipments"); `GET /fulfillments` does, and FULFILLMENT_SHIPPED announces them.
 * Sources: List Fulfillments (https://www.shipstation.com/docs/api/fulfillments/list-fulfillments/) and Mark an Order
 * as Shipped (https://docs.shipstation.com/apis/shipstation-v1/openapi/orders/mark_order_as_shipped.md).
 */
import express, { type Router } from 'express';
import { accountOf } from './auth';
import { inRange, pacificDate, pacificDateTime } from './dates';
import { sendInvalid, sendMessage } from './errors';
import type { LabelDesk } from './labels';
import { CLOSED_STATUSES, type Fulfillment } from './model';
import { dateParam, intParam, paginate, param, sortByField } from './query';
import type { AccountState, SimState } from './state';

export interface MarkAsShippedRequest {
  orderId: number;
  carrierCode: string;
  /** `yyyy-MM-dd`; today (Pacific) when absent. */
  shipDate?: string;
  trackingNumber?: string;
  notifyCustomer?: boolean;
  notifySalesChannel?: boolean;
}

export type MarkAsShippedResult = { ok: true; fulfillment: Fulfillment; orderNumber: string } | { ok: false; status: number; message: string };

/**
 * Marks an order shipped: a new fulfillment (no label, no shipment), the order `shipped`, then FULFILLMENT_SHIPPED
 * to the account's matching hooks. V1 doesn't document the resource URL of FULFILLMENT_* events (reference §8);
 * the simulator points it at `/fulfillments?fulfillmentId=…`, a documented filter. A reader should fetch the URL it
 * is given rather than build its own.
 */
export async function markAsShipped(state: SimState, desk: LabelDesk, baseUrl: string, acct: AccountState, req: MarkAsShippedRequest): Promise<MarkAsShippedResult> {
  const rec = state.activeOrderById(acct, req.orderId);
  if (!rec) return { ok: false, status: 400, message: `The order with orderId ${req.orderId} was not found.` };
  const order = rec.order;
  // The simulator's choice where the docs are silent: like createorder, a shipped or cancelled order can't change.
  if (CLOSED_STATUSES.includes(order.orderStatus)) {
    return { ok: false, status: 400, message: `Order ${order.orderNumber} (orderId ${order.orderId}) cannot be marked as shipped because it is ${order.orderStatus}.` };
  }
  const now = new Date();
  const shipDate = req.shipDate?.slice(0, 10) ?? pacificDate(now);
  const fulfillment: Fulfillment = {
    fulfillmentId: state.nextId('fulfillment'),
    orderId: order.orderId,
    orderNumber: order.orderNumber,
    userId: acct.userId,
    customerEmail: order.customerEmail ?? null,
    trackingNumber: req.trackingNumber ?? null,
    createDate: pacificDateTime(now),
    shipDate: `${shipDate}T00:00:00.0000000`,
    voidDate: null,
    deliveryDate: null,
    carrierCode: req.carrierCode,
    sellerFillProviderId: null,
    sellerFillProviderName: null,
    fulfillmentServiceCode: null,
    fulfillmentProviderCode: null,
    fulfillmentFee: 0,
    voidRequested: false,
    voided: false,
    marketplaceNotified: req.notifySalesChannel === true,
    notifyErrorMessage: null,
    shipTo: { ...order.shipTo },
  };
  acct.fulfillments.push(fulfillment);
  order.orderStatus = 'shipped';
  order.shipDate = shipDate;
  order.carrierCode = req.carrierCode;
  order.modifyDate = fulfillment.createDate;
  const storeId = order.advancedOptions?.storeId ?? null;
  await desk.deliver(acct, storeId, ['FULFILLMENT_SHIPPED'], () => `${baseUrl}/fulfillments?fulfillmentId=${fulfillment.fulfillmentId}`);
  return { ok: true, fulfillment: structuredClone(fulfillment), orderNumber: order.orderNumber };
}

const SORT_FIELDS: Record<string, (f: Fulfillment) => string> = {
  shipdate: (f) => f.shipDate,
  createdate: (f) => f.createDate,
};

export function fulfillmentRoutes(state: SimState, desk: LabelDesk, baseUrl: () => string): Router {
  const r = express.Router();

  /** List Fulfillments: every filter optional; "If left empty, the response will be sorted by ascending createDate". */
  r.get('/fulfillments', (req, res) => {
    const acct = accountOf(res);
    const num = (name: string, v: number) => {
      const want = intParam(req, name);
      return want === undefined || v === want;
    };
    const eq = (name: string, v: string | null) => {
      const want = param(req, name);
      return want === undefined || (v ?? '').toLowerCase() === want.toLowerCase();
    };
    const recipient = param(req, 'recipientName')?.toLowerCase();
    const range = (name: string, v: string) => inRange(v, dateParam(req, `${name}Start`), dateParam(req, `${name}End`));
    // A non-numeric value in a numeric filter matches nothing, as on GET /shipments.
    const badNumber = ['fulfillmentId', 'orderId'].some((n) => param(req, n) !== undefined && intParam(req, n) === undefined);
    let list = acct.fulfillments.filter(
      (f) =>
        !badNumber &&
        num('fulfillmentId', f.fulfillmentId) &&
        num('orderId', f.orderId) &&
        eq('orderNumber', f.orderNumber) &&
        eq('trackingNumber', f.trackingNumber) &&
        (recipient === undefined || (f.shipTo.name ?? '').toLowerCase().includes(recipient)) &&
        range('createDate', f.createDate) &&
        range('shipDate', f.shipDate),
    );
    list = sortByField(list, SORT_FIELDS[(param(req, 'sortBy') ?? '').toLowerCase()] ?? SORT_FIELDS.createdate, param(req, 'sortDir'));
    const p = paginate(req, list);
    res.json({ fulfillments: p.items, total: p.total, page: p.page, pages: p.pages });
  });

  r.post('/orders/markasshipped', async (req, res, next) => {
    try {
      const b = (typeof req.body === 'object' && req.body !== null ? req.body : {}) as Record<string, unknown>;
      const errors: Record<string, string[]> = {};
      if (typeof b.orderId !== 'number' || !Number.isInteger(b.orderId)) errors['request.orderId'] = ['The orderId field is required.'];
      if (typeof b.carrierCode !== 'string' || b.carrierCode === '') errors['request.carrierCode'] = ['The carrierCode field is required.'];
      if (b.shipDate !== undefined && b.shipDate !== null && (typeof b.shipDate !== 'string' || !/^\d{4}-\d{2}-\d{2}/.test(b.shipDate))) {
        errors['request.shipDate'] = [`Could not convert string to DateTime: ${String(b.shipDate)}.`];
      }
      if (Object.keys(errors).length > 0) return sendInvalid(res, errors);
      const result = await markAsShipped(state, desk, baseUrl(), accountOf(res), {
        orderId: b.orderId as number,
        carrierCode: b.carrierCode as string,
        shipDate: typeof b.shipDate === 'string' ? b.shipDate : undefined,
        trackingNumber: typeof b.trackingNumber === 'string' && b.trackingNumber !== '' ? b.trackingNumber : undefined,
        notifyCustomer: b.notifyCustomer === true,
        notifySalesChannel: b.notifySalesChannel === true,
      });
      if (!result.ok) return sendMessage(res, result.status, result.message);
      res.json({ orderId: result.fulfillment.orderId, orderNumber: result.orderNumber });
    } catch (err) {
      next(err);
    }
  });

  return r;
}
