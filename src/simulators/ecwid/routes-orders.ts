/** /orders routes of the REST API: search, deleted log, latest, read, partial update, delete. */
import express, { type Request, type Response, type Router } from 'express';
import { FULFILLMENT_STATUSES, PAYMENT_STATUSES, type EcwidOrder } from './model';
import { apiContext, requireScope } from './auth';
import { parseEcwidDate } from './dates';
import { sendError } from './errors';
import { WrongParameter, paging, searchOrders } from './order-search';
import type { EcwidState } from './state';

/** Called after an API change, so the simulator can fire `order.updated` / `order.deleted` like Ecwid. */
export type OrderChangeListener = (storeId: number, eventType: string, order: EcwidOrder, data: Record<string, unknown>) => void;

const methodNotAllowed = (_req: Request, res: Response): void =>
  sendError(res, 405, 'METHOD_NOT_ALLOWED', 'Method not allowed for this resource');

function wrongParameter(res: Response, err: unknown): void {
  if (err instanceof WrongParameter) return sendError(res, 400, 'WRONG_PARAMETER', err.message);
  throw err;
}

/** The 400s Ecwid gives for a bad status; QUEUED has its own documented message. */
function validateUpdate(body: Record<string, unknown>): string | undefined {
  const { paymentStatus, fulfillmentStatus, items } = body;
  if (paymentStatus === 'QUEUED') return 'Status QUEUED is deprecated, use AWAITING_PAYMENT instead';
  if (paymentStatus !== undefined && !(PAYMENT_STATUSES as readonly unknown[]).includes(paymentStatus)) {
    return `Unknown payment status: ${String(paymentStatus)}`;
  }
  if (fulfillmentStatus !== undefined && !(FULFILLMENT_STATUSES as readonly unknown[]).includes(fulfillmentStatus)) {
    return `Unknown fulfillment status: ${String(fulfillmentStatus)}`;
  }
  if (items !== undefined && !Array.isArray(items)) return 'items must be an array';
  for (const f of ['trackingNumber', 'trackingUrl', 'email', 'orderComments', 'privateAdminNotes']) {
    if (body[f] !== undefined && body[f] !== null && typeof body[f] !== 'string') return `${f} must be a string`;
  }
  if (body.orderExtraFields !== undefined && body.orderExtraFields !== null && !Array.isArray(body.orderExtraFields)) {
    return 'orderExtraFields must be an array';
  }
  return undefined;
}

export function orderRoutes(state: EcwidState, onChange: OrderChangeListener): Router {
  const r = express.Router();

  r.route('/orders')
    .get(requireScope('read_orders'), (req, res) => {
      try {
        res.json(searchOrders(apiContext(res).store.orders.values(), req.query));
      } catch (err) {
        wrongParameter(res, err);
      }
    })
    .all(methodNotAllowed);

  // Declared before /orders/:orderId so "deleted" and "last" are not read as order IDs.
  r.get('/orders/deleted', requireScope('read_orders'), (req, res) => {
    try {
      const { offset, limit } = paging(req.query);
      const bound = (name: string): number | undefined => {
        const v = req.query[name];
        if (v === undefined) return undefined;
        const t = typeof v === 'string' ? parseEcwidDate(v) : undefined;
        if (t === undefined) throw new WrongParameter(`Parameter ${name} has an unsupported date format`);
        return t;
      };
      const from = bound('from_date');
      const to = bound('to_date');
      const all = apiContext(res).store.deleted.filter((d) => (from === undefined || d.timestamp >= from) && (to === undefined || d.timestamp <= to));
      const items = all.slice(offset, offset + limit).map(({ id, orderId, date }) => ({ id, orderId, date }));
      res.json({ total: all.length, count: items.length, offset, limit, items });
    } catch (err) {
      wrongParameter(res, err);
    }
  });

  r.get('/orders/last', requireScope('read_orders'), (_req, res) => {
    const candidates = [...apiContext(res).store.orders.values()].filter((o) => o.paymentStatus !== 'INCOMPLETE');
    const last = candidates.sort((a, b) => (b.internalId ?? 0) - (a.internalId ?? 0))[0];
    if (!last) return sendError(res, 404, 'ORDER_NOT_FOUND', 'Order not found');
    res.json(last);
  });

  r.route('/orders/:orderId')
    .get(requireScope('read_orders'), (req, res) => {
      const order = state.findOrder(apiContext(res).store.storeId, String(req.params.orderId));
      if (!order) return sendError(res, 404, 'ORDER_NOT_FOUND', `Order ${req.params.orderId} not found`);
      res.json(order);
    })
    .put(requireScope('update_orders'), (req, res) => {
      const { store } = apiContext(res);
      const order = state.findOrder(store.storeId, String(req.params.orderId));
      if (!order) return sendError(res, 404, 'ORDER_NOT_FOUND', `Order ${req.params.orderId} not found`);
      const body: unknown = req.body;
      if (typeof body !== 'object' || body === null || Array.isArray(body)) {
        return sendError(res, 400, 'WRONG_PARAMETER', 'The request body must be a JSON object');
      }
      const problem = validateUpdate(body as Record<string, unknown>);
      if (problem) return sendError(res, 400, 'WRONG_PARAMETER', problem);
      const before = { paymentStatus: order.paymentStatus, fulfillmentStatus: order.fulfillmentStatus };
      state.updateOrder(order, body as Record<string, unknown>);
      res.json({ updateCount: 1 });
      const unfinished = before.paymentStatus === 'INCOMPLETE';
      onChange(
        store.storeId,
        unfinished ? 'unfinished_order.updated' : 'order.updated',
        order,
        unfinished
          ? { orderId: order.id, cartId: order.id }
          : {
              orderId: order.id,
              oldPaymentStatus: before.paymentStatus,
              newPaymentStatus: order.paymentStatus,
              oldFulfillmentStatus: before.fulfillmentStatus,
              newFulfillmentStatus: order.fulfillmentStatus,
            },
      );
    })
    .delete(requireScope('update_orders'), (req, res) => {
      const { store } = apiContext(res);
      const order = state.deleteOrder(store.storeId, String(req.params.orderId));
      if (!order) return sendError(res, 404, 'ORDER_NOT_FOUND', `Order ${req.params.orderId} not found`);
      res.json({ deleteCount: 1 });
      const unfinished = order.paymentStatus === 'INCOMPLETE';
      onChange(store.storeId, unfinished ? 'unfinished_order.deleted' : 'order.deleted', order, { orderId: order.id });
    })
    .all(methodNotAllowed);

  return r;
}
