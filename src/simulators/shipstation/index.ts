/**
 * A local ShipStation V1 API (https://ssapi.shipstation.com) as a real HTTP server, faithful to
 * ShipStation's V1 API documentation (https://www.shipstation.com/docs/api/): Basic auth, 40 requests per minute per key+secret with
 * X-Rate-Limit-* headers, orders upserted by orderKey (createorder / createorders), soft delete, shipments with
 * SHIP_NOTIFY webhooks, orders marked as shipped (fulfillments, FULFILLMENT_SHIPPED), stores and carriers,
 * ASP.NET-style errors.
 *
 * Choices where ShipStation is silent (reference §8):
 * - Updating a shipped/cancelled order: createorder → 400 `{Message}` naming the status; createorders → that
 *   order's result `success:false` with the same `errorMessage`.
 * - No "Notes To Buyer": the UI has it, but V1's Order and Shipment models don't, so the API can't read it.
 * - orderKey is unique per account; a deleted order's key creates a new order. GET /orders/{id} of a
 *   deleted order is 404. An unknown or inactive `advancedOptions.storeId` on creation is refused, not silently
 *   replaced; on an update it is ignored ("can only be specified during order creation").
 * - A marketplace store (e.g. ShipStation's own Ecwid integration) holds orders it imported under its own orderKeys;
 *   `GET /stores` hides inactive stores unless `showInactive=true`.
 * - List default sort is creation order; pageSize is clamped to 1..500; `pages` is 0 for an empty list.
 * - SHIP_NOTIFY and FULFILLMENT_SHIPPED are delivered once, not retried; deliveries are recorded in `webhookDeliveries`.
 * - markasshipped refuses a shipped or cancelled order (400), as createorder does; an unknown orderId is a 400.
 */
import express, { type NextFunction, type Request, type Response } from 'express';
import type { Fulfillment, Order, OrderStatus, Shipment } from './model';
import { FaultInjector } from '../common/faults';
import { listen, simulatorApp } from '../common/http';
import { RequestLog } from '../common/request-log';
import { authenticate } from './auth';
import { simControlRoutes } from './control';
import { pacificDateTime } from './dates';
import { sendInvalid, sendMessage, sendNoRoute } from './errors';
import { LabelDesk, type LabelOptions, type WebhookDelivery } from './labels';
import { RateLimiter } from './rate-limit';
import { fulfillmentRoutes, markAsShipped, type MarkAsShippedRequest } from './fulfillments';
import { accountRoutes } from './routes-account';
import { orderRoutes } from './routes-orders';
import { editOrder, holdRoutes, type PackerEdit } from './packer';
import { shipmentRoutes } from './routes-shipments';
import { webhookRoutes } from './routes-webhooks';
import { importMarketplaceOrder } from './orders';
import { SimState, type CreationAttempt, type NewSimStore, type ShipStationSimAccount, type SimStore, type SimWebhook } from './state';

export { basicAuth } from './auth';
export type { ShipStationSimAccount, CreationAttempt, SimWebhook, SimOrder, SimShipment, NewSimStore, SimStore } from './state';
export type { LabelOptions, WebhookDelivery } from './labels';
export type { Fulfillment, Order as SimulatedOrder } from './model';
export type { MarkAsShippedRequest } from './fulfillments';
export type { PackerEdit } from './packer';
export { pacificDateTime } from './dates';

export interface ShipStationSimulatorOptions {
  port?: number;
  accounts?: ShipStationSimAccount[];
  /** Default 40, ShipStation's documented budget per key and secret. */
  rateLimitPerMinute?: number;
  /** Default 60 000; tests may shrink it. */
  rateLimitWindowMs?: number;
}

/** A copy of an order as ShipStation now holds it. */
export type SimulatedOrderSnapshot = Order;

export interface ShipStationSimulator {
  /** Base URL, e.g. http://127.0.0.1:PORT; routes sit directly under it, as under https://ssapi.shipstation.com. */
  url: string;
  port: number;
  requests: RequestLog;
  faults: FaultInjector;
  addAccount(a: ShipStationSimAccount): void;
  /**
   * Adds a store to an account (each account also has its own "Manual Orders" store): a manual store, unless a
   * marketplace is named (`{marketplaceId, marketplaceName: 'Ecwid'}`: a store of ShipStation's native integration).
   */
  addStore(apiKey: string, store: NewSimStore): SimStore;
  /**
   * A selling channel's store imports an order on its own (ShipStation's native integration): the order lands in
   * that store under the integration's own orderKey (generated unless given), with the channel's order number.
   */
  importMarketplaceOrder(apiKey: string, storeId: number, order: Record<string, unknown>): Order;
  /** Active orders by orderKey for an account (current state). */
  ordersByKey(apiKey: string): Map<string, Order>;
  /** Every create/update attempt (one per order in a bulk call), in arrival order, with its outcome. */
  creationAttempts: CreationAttempt[];
  /** Every SHIP_NOTIFY / ITEM_SHIP_NOTIFY POST, with the receiver's status or the error. */
  webhookDeliveries: WebhookDelivery[];
  /**
   * A user buys a label for the order: a new shipment, the order set to `shipped`, and (unless
   * `notify: false`) SHIP_NOTIFY POSTed to the account's matching hooks before this resolves.
   */
  createLabel(apiKey: string, orderKey: string, opts?: LabelOptions): Promise<Shipment>;
  /** Voids a label (voided, voidDate); the order goes back to awaiting_shipment if no live label remains. */
  voidLabel(apiKey: string, shipmentId: number): void;
  /**
   * A user clicks "Mark as Shipped" in the UI: what `POST /orders/markasshipped` does (a fulfillment, no label, the
   * order shipped, FULFILLMENT_SHIPPED sent before this resolves). Throws what the endpoint would answer with 400.
   */
  markAsShipped(apiKey: string, orderKey: string, opts: Omit<MarkAsShippedRequest, 'orderId'>): Promise<Fulfillment>;
  /** A user splits an open order in the UI (no label): `lines` stay, the rest becomes a new open order with its key. */
  splitOrder(apiKey: string, orderKey: string, lines: { lineItemKey: string; quantity: number }[]): Order;
  /** Changes an order's status as a user would in the UI. */
  setOrderStatus(apiKey: string, orderKey: string, status: OrderStatus): void;
  /** A packer edits the order in the UI (hold, weight, dimensions, custom fields, notes, address, service); sets modifyDate. */
  editOrder(apiKey: string, orderKey: string, edit: PackerEdit): SimulatedOrderSnapshot;
  /** A user deletes the order in the UI (what `DELETE /orders/{orderId}` does): it is no longer listed nor read. */
  deleteOrder(apiKey: string, orderKey: string): void;
  webhooks(apiKey: string): SimWebhook[];
  /** Gives the account of `apiKey` another key pair (same orders, shipments and webhooks), as ShipStation's settings do. */
  addKeyPair(apiKey: string, pair: { apiKey: string; apiSecret: string }): void;
  /** Revokes (or expires) a key: its calls get 401 from now on. */
  revokeKey(apiKey: string): void;
  /** Partial failure: these order keys fail inside the next bulk call that carries them (once each). */
  failOrdersOnce(orderKeys: string[], message?: string): void;
  close(): Promise<void>;
}

/** The ModelState root Web API would name for a body it could not read. */
function bodyRoot(path: string): string {
  const p = path.toLowerCase();
  if (p.endsWith('/orders/createorders')) return 'apiOrders';
  if (p.endsWith('/orders/createorder')) return 'apiOrder';
  return 'request';
}

export async function startShipStationSimulator(opts: ShipStationSimulatorOptions = {}): Promise<ShipStationSimulator> {
  const state = new SimState();
  for (const a of opts.accounts ?? []) state.addAccount(a);
  const limiter = new RateLimiter(opts.rateLimitPerMinute ?? 40, opts.rateLimitWindowMs ?? 60_000);
  const requests = new RequestLog();
  const faults = new FaultInjector();
  let baseUrl = '';
  const labels = new LabelDesk(state, () => baseUrl);

  const app = simulatorApp(requests, faults);
  app.use(simControlRoutes(state, labels, () => baseUrl));
  app.use(authenticate(state, limiter));
  app.use(express.json({ type: ['application/json', 'text/json'], limit: '10mb' }));
  app.use(fulfillmentRoutes(state, labels, () => baseUrl), holdRoutes(state), orderRoutes(state), shipmentRoutes(), webhookRoutes(state), accountRoutes());
  app.use((req: Request, res: Response) => sendNoRoute(res, req.originalUrl));
  app.use((err: unknown, req: Request, res: Response, _next: NextFunction) => {
    if (res.headersSent) return;
    const e = err as { type?: string; message?: string };
    if (e.type === 'entity.parse.failed') return sendInvalid(res, { [bodyRoot(req.path)]: [`Unexpected character encountered while parsing value: ${e.message ?? ''}`] });
    if (e.type === 'entity.too.large') return sendMessage(res, 413, 'The request body is too large.');
    res.status(500).json({ Message: 'An error has occurred.', ExceptionMessage: e.message ?? String(err), ExceptionType: 'System.Exception', StackTrace: null });
  });

  const server = await listen(app, opts.port ?? 0);
  baseUrl = server.url;

  return {
    url: server.url,
    port: server.port,
    requests,
    faults,
    addAccount: (a) => void state.addAccount(a),
    addStore: (apiKey, store) => state.addStore(apiKey, store),
    importMarketplaceOrder: (apiKey, storeId, order) => importMarketplaceOrder(state, state.account(apiKey), storeId, order),
    ordersByKey: (apiKey) => {
      const acct = state.account(apiKey);
      return new Map(state.activeOrders(acct).map((o) => [o.orderKey, o]));
    },
    creationAttempts: state.creationAttempts,
    webhookDeliveries: labels.deliveries,
    createLabel: (apiKey, orderKey, o) => labels.createLabel(apiKey, orderKey, o),
    voidLabel: (apiKey, shipmentId) => labels.voidLabel(apiKey, shipmentId),
    markAsShipped: async (apiKey, orderKey, o) => {
      const { order } = state.orderByKey(apiKey, orderKey);
      const r = await markAsShipped(state, labels, baseUrl, state.account(apiKey), { ...o, orderId: order.orderId });
      if (!r.ok) throw new Error(r.message);
      return r.fulfillment;
    },
    splitOrder: (apiKey, orderKey, lines) => labels.splitOrder(apiKey, orderKey, lines),
    setOrderStatus: (apiKey, orderKey, status) => {
      const { order } = state.orderByKey(apiKey, orderKey);
      order.orderStatus = status;
      order.modifyDate = pacificDateTime();
    },
    editOrder: (apiKey, orderKey, edit) => structuredClone(editOrder(state.orderByKey(apiKey, orderKey), edit)),
    deleteOrder: (apiKey, orderKey) => void (state.orderByKey(apiKey, orderKey).active = false),
    webhooks: (apiKey) => state.account(apiKey).webhooks.map((h) => ({ ...h })),
    addKeyPair: (apiKey, pair) => void state.extraKeys.set(pair.apiKey, { apiSecret: pair.apiSecret, acct: state.account(apiKey) }),
    revokeKey: (apiKey) => void state.revokedKeys.add(apiKey),
    failOrdersOnce: (orderKeys, message = 'An internal error occurred while saving the order.') => {
      for (const k of orderKeys) state.failOnce.set(k, message);
    },
    close: () => server.close(),
  };
}
