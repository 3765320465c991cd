import express, { type Request, type Response, type Router } from 'express';
import { accountOf } from './auth';
import { inRange } from './dates';
import { sendInvalid, sendMessage, sendNoRoute } from './errors';
import { upsertOrder } from './orders';
import { dateParam, intParam, paginate, param, sortByField } from './query';
import type { SimOrder, SimState } from './state';

const MAX_BULK = 100;

const DESERIALIZE_ARRAY =
  "Cannot deserialize the current JSON array (e.g. [1,2,3]) into type 'Order' because the type requires a JSON object (e.g. {\"name\":\"value\"}) to deserialize correctly.";
const DESERIALIZE_OBJECT =
  "Cannot deserialize the current JSON object (e.g. {\"name\":\"value\"}) into type 'List`1[Order]' because the type requires a JSON array (e.g. [1,2,3]) to deserialize correctly.";

const SORT_FIELDS: Record<string, (o: SimOrder) => string> = {
  orderdate: (o) => o.orderDate,
  modifydate: (o) => o.modifyDate,
  createdate: (o) => o.createDate,
};

function contains(haystack: (string | null | undefined)[], needle: string): boolean {
  const n = needle.toLowerCase();
  return haystack.some((h) => (h ?? '').toLowerCase().includes(n));
}

/** GET /orders filters (reference §2.4). */
function listOrders(state: SimState, req: Request, res: Response): void {
  const acct = accountOf(res);
  const number = param(req, 'orderNumber')?.toLowerCase();
  const status = param(req, 'orderStatus');
  const storeId = intParam(req, 'storeId');
  const customer = param(req, 'customerName');
  const keyword = param(req, 'itemKeyword');
  const ranges = (['create', 'modify', 'order', 'payment'] as const).map((p) => ({
    field: `${p}Date` as const,
    start: dateParam(req, `${p}DateStart`),
    end: dateParam(req, `${p}DateEnd`),
  }));
  let list = state.activeOrders(acct).filter(
    (o) =>
      (number === undefined || o.orderNumber.toLowerCase().startsWith(number)) && // "starts with"
      (status === undefined || o.orderStatus === status) &&
      (storeId === undefined || o.advancedOptions?.storeId === storeId) &&
      (customer === undefined || contains([o.billTo.name, o.shipTo.name], customer)) &&
      (keyword === undefined || o.items.some((i) => contains([i.sku, i.name], keyword))) &&
      ranges.every((r) => inRange(o[r.field] as string | null | undefined, r.start, r.end)),
  );
  // Undocumented default order: creation order (orderId), which keeps paging stable.
  const sortKey = SORT_FIELDS[(param(req, 'sortBy') ?? '').toLowerCase()] ?? ((o: SimOrder) => o.orderId);
  list = sortByField(list, sortKey, param(req, 'sortDir'));
  const p = paginate(req, list);
  res.json({ orders: p.items, total: p.total, page: p.page, pages: p.pages });
}

export function orderRoutes(state: SimState): Router {
  const r = express.Router();

  r.post('/orders/createorder', (req, res) => {
    const body: unknown = req.body;
    if (body === undefined || body === null) return sendInvalid(res, { apiOrder: ['The apiOrder field is required.'] });
    if (Array.isArray(body) || typeof body !== 'object') return sendInvalid(res, { apiOrder: [DESERIALIZE_ARRAY] });
    const result = upsertOrder(state, accountOf(res), body, 'apiOrder');
    if (result.ok) {
      res.json(result.order);
      return;
    }
    if (result.modelState) sendInvalid(res, result.modelState);
    else sendMessage(res, 400, result.error);
  });

  r.post('/orders/createorders', (req, res) => {
    const body: unknown = req.body;
    if (body === undefined || body === null) return sendInvalid(res, { apiOrders: ['The apiOrders field is required.'] });
    if (!Array.isArray(body)) return sendInvalid(res, { apiOrders: [DESERIALIZE_OBJECT] });
    if (body.length > MAX_BULK) {
      return sendInvalid(res, { apiOrders: [`A maximum of ${MAX_BULK} orders can be created or updated per request; ${body.length} were sent.`] });
    }
    const acct = accountOf(res);
    // Each order succeeds or fails on its own: one bad order is a result with success:false, not a 400.
    const results = body.map((raw: unknown, i) => {
      const key = (raw as { orderKey?: unknown } | null)?.orderKey;
      const injected = typeof key === 'string' ? state.failOnce.get(key) : undefined;
      if (typeof key === 'string' && injected !== undefined) {
        state.failOnce.delete(key);
        state.creationAttempts.push({ apiKey: acct.account.apiKey, orderKey: key, at: Date.now(), outcome: 'rejected', error: injected });
        const orderNumber = String((raw as { orderNumber?: unknown }).orderNumber ?? '');
        return { orderId: null, orderNumber, orderKey: key, success: false, errorMessage: injected };
      }
      const u = upsertOrder(state, acct, raw, `apiOrders[${i}]`);
      return u.ok
        ? { orderId: u.order.orderId, orderNumber: u.order.orderNumber, orderKey: u.order.orderKey, success: true, errorMessage: null }
        : { orderId: u.orderId, orderNumber: u.orderNumber, orderKey: u.orderKey, success: false, errorMessage: u.error };
    });
    res.json({ hasErrors: results.some((x) => !x.success), results });
  });

  r.get('/orders', (req, res) => listOrders(state, req, res));

  r.get('/orders/:orderId', (req, res) => {
    if (!/^\d+$/.test(req.params.orderId)) return sendNoRoute(res, req.originalUrl);
    const rec = state.activeOrderById(accountOf(res), Number(req.params.orderId));
    if (!rec) return sendMessage(res, 404, `Order ${req.params.orderId} not found.`);
    res.json(rec.order);
  });

  r.delete('/orders/:orderId', (req, res) => {
    if (!/^\d+$/.test(req.params.orderId)) return sendNoRoute(res, req.originalUrl);
    const rec = state.activeOrderById(accountOf(res), Number(req.params.orderId));
    if (!rec) return sendMessage(res, 404, `Order ${req.params.orderId} not found.`);
    rec.active = false; // soft delete: kept, no longer listed
    res.json({ success: true, message: 'The requested order has been deleted.' });
  });

  return r;
}
