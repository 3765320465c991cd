/**
 * What a packer does to an order in ShipStation, written from the V1 reference: hold it (`POST /orders/holduntil`,
 * body `{orderId, holdUntilDate}` → `{success, message}`; the order is `on_hold` until that date), release it
 * (`POST /orders/restorefromhold`, body `{orderId}`), and the UI's edits (weight, dimensions, custom fields,
 * internal notes, address, requested service), which the simulator's controls play. Each change sets `modifyDate`,
 * as ShipStation does, so `GET /orders?modifyDateStart=…` lists the order.
 */
import express, { type Router } from 'express';
import { accountOf } from './auth';
import { CLOSED_STATUSES, returnedWeight, type Address, type Dimensions, type OrderStatus, type WeightUnitName } from './model';
import { pacificDateTime } from './dates';
import { sendInvalid, sendMessage } from './errors';
import type { AccountState, OrderRecord, SimOrder, SimState } from './state';

/** A packer's edit in the UI: any of these fields, changed in place (the rest of the order stays as it is). */
export interface PackerEdit {
  orderStatus?: OrderStatus;
  holdUntilDate?: string | null;
  weight?: { value: number; units: WeightUnitName };
  dimensions?: Dimensions | null;
  internalNotes?: string | null;
  requestedShippingService?: string | null;
  shipTo?: Partial<Address>;
  customField1?: string | null;
  customField2?: string | null;
  customField3?: string | null;
}

export function editOrder(rec: OrderRecord, edit: PackerEdit): SimOrder {
  const o = rec.order;
  if (CLOSED_STATUSES.includes(o.orderStatus)) throw new Error(`order ${o.orderNumber} is ${o.orderStatus}: ShipStation does not edit it`);
  if (edit.orderStatus !== undefined) o.orderStatus = edit.orderStatus;
  if (edit.holdUntilDate !== undefined) o.holdUntilDate = edit.holdUntilDate;
  if (edit.weight !== undefined) o.weight = returnedWeight(edit.weight);
  if (edit.dimensions !== undefined) o.dimensions = edit.dimensions;
  if (edit.internalNotes !== undefined) o.internalNotes = edit.internalNotes;
  if (edit.requestedShippingService !== undefined) o.requestedShippingService = edit.requestedShippingService;
  if (edit.shipTo !== undefined) o.shipTo = { ...o.shipTo, ...edit.shipTo };
  for (const f of ['customField1', 'customField2', 'customField3'] as const) {
    if (edit[f] !== undefined) o.advancedOptions = { ...o.advancedOptions, [f]: edit[f] };
  }
  o.modifyDate = pacificDateTime();
  return o;
}

function openOrder(state: SimState, acct: AccountState, orderId: unknown): OrderRecord | string {
  if (typeof orderId !== 'number' || !Number.isInteger(orderId)) return 'The orderId field is required.';
  const rec = state.activeOrderById(acct, orderId);
  if (!rec) return `Order ${orderId} not found.`;
  return rec;
}

export function holdRoutes(state: SimState): Router {
  const r = express.Router();

  r.post('/orders/holduntil', (req, res) => {
    const b = (req.body ?? {}) as { orderId?: unknown; holdUntilDate?: unknown };
    if (typeof b.holdUntilDate !== 'string' || !/^\d{4}-\d{2}-\d{2}/.test(b.holdUntilDate)) {
      return sendInvalid(res, { 'request.holdUntilDate': ['The holdUntilDate field is required.'] });
    }
    const rec = openOrder(state, accountOf(res), b.orderId);
    if (typeof rec === 'string') return sendMessage(res, 400, rec);
    if (CLOSED_STATUSES.includes(rec.order.orderStatus)) return sendMessage(res, 400, `Order ${rec.order.orderId} is ${rec.order.orderStatus} and cannot be put on hold.`);
    editOrder(rec, { orderStatus: 'on_hold', holdUntilDate: b.holdUntilDate.slice(0, 10) });
    res.json({ success: true, message: 'Order held successfully.' });
  });

  r.post('/orders/restorefromhold', (req, res) => {
    const b = (req.body ?? {}) as { orderId?: unknown };
    const rec = openOrder(state, accountOf(res), b.orderId);
    if (typeof rec === 'string') return sendMessage(res, 400, rec);
    if (rec.order.orderStatus !== 'on_hold') return sendMessage(res, 400, `Order ${rec.order.orderId} is not on hold.`);
    editOrder(rec, { orderStatus: 'awaiting_shipment', holdUntilDate: null });
    res.json({ success: true, message: 'Order restored successfully.' });
  });

  return r;
}
