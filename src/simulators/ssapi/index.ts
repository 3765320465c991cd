import express, { type NextFunction, type Request, type Response } from 'express';
import type { ShipStationOrder, ShipStationOrderStatus, ShipStationShipment } from '../../domain/shipstation';
import { FaultInjector } from '../common/faults';
import { controlRoutes, listen } from '../common/http';
import { RequestLog } from '../common/request-log';
import { RateLimiter } from './rate-limit';
import {
  nextId,
  normalizeFilterDate,
  pacificNow,
  type AccountState,
  type CreationAttempt,
  type ShipStationSimAccount,
  type SimWebhook,
} from './state';
import { modelState, orderSchema } from './validation';

export type { ShipStationSimAccount } from './state';

export interface ShipStationSimulatorOptions {
  port?: number;
  accounts?: ShipStationSimAccount[];
  /** Default 40, ShipStation's documented budget per key and secret. */
  rateLimitPerMinute?: number;
  /** Default 60 000; tests may shrink it. */
  rateLimitWindowMs?: number;
}

export interface WebhookDelivery {
  targetUrl: string;
  body: { resource_url: string; resource_type: string };
  status?: number;
  error?: string;
  at: number;
}

export interface ShipStationSimulator {
  url: string;
  port: number;
  requests: RequestLog;
  faults: FaultInjector;
  addAccount(a: ShipStationSimAccount): void;
  addStore(apiKey: string, store: { storeId: number; storeName: string }): void;
  ordersByKey(apiKey: string): Map<string, ShipStationOrder>;
  creationAttempts: CreationAttempt[];
  webhookDeliveries: WebhookDelivery[];
  createLabel(
    apiKey: string,
    orderKey: string,
    opts?: { carrierCode?: string; serviceCode?: string; trackingNumber?: string; shipmentCost?: number; insuranceCost?: number; notify?: boolean; batchId?: number },
  ): Promise<ShipStationShipment>;
  voidLabel(apiKey: string, shipmentId: number): void;
  setOrderStatus(apiKey: string, orderKey: string, status: ShipStationOrderStatus): void;
  setNotesToBuyer(apiKey: string, orderKey: string, notes: string): void;
  webhooks(apiKey: string): SimWebhook[];
  /** Partial failure: these order keys fail inside the next bulk call that carries them (once each). */
  failOrdersOnce(orderKeys: string[], message?: string): void;
  close(): Promise<void>;
}

export function basicAuth(apiKey: string, apiSecret: string): string {
  return `Basic ${Buffer.from(`${apiKey}:${apiSecret}`).toString('base64')}`;
}

const WEBHOOK_EVENTS = ['ORDER_NOTIFY', 'ITEM_ORDER_NOTIFY', 'SHIP_NOTIFY', 'ITEM_SHIP_NOTIFY', 'FULFILLMENT_SHIPPED', 'FULFILLMENT_REJECTED'];
const CARRIERS = [
  { name: 'Stamps.com', code: 'stamps_com', services: [['usps_priority_mail', 'USPS Priority Mail'], ['usps_first_class_mail', 'USPS First Class Mail']] },
  { name: 'UPS', code: 'ups', services: [['ups_ground', 'UPS® Ground'], ['ups_2nd_day_air', 'UPS 2nd Day Air®']] },
  { name: 'FedEx', code: 'fedex', services: [['fedex_ground', 'FedEx Ground®'], ['fedex_2day', 'FedEx 2Day®']] },
];

interface AuthedRequest extends Request {
  account?: AccountState;
}

/** A local ShipStation V1: Basic auth, 40 requests/min per key with X-Rate-Limit-* headers, orders upserted by orderKey, shipments, SHIP_NOTIFY. */
export async function startShipStationSimulator(opts: ShipStationSimulatorOptions = {}): Promise<ShipStationSimulator> {
  const accounts = new Map<string, AccountState>();
  const requests = new RequestLog();
  const faults = new FaultInjector();
  const limiter = new RateLimiter(opts.rateLimitPerMinute ?? 40, opts.rateLimitWindowMs ?? 60_000);
  const creationAttempts: CreationAttempt[] = [];
  const webhookDeliveries: WebhookDelivery[] = [];
  const failOnce = new Map<string, string>();
  let baseUrl = '';

  const addAccount = (a: ShipStationSimAccount) => {
    if (accounts.has(a.apiKey)) return;
    accounts.set(a.apiKey, {
      account: a,
      stores: [{ storeId: nextId(), storeName: 'Manual Orders', marketplaceId: 0, marketplaceName: 'ShipStation' }],
      orders: new Map(),
      shipments: [],
      webhooks: [],
    });
  };
  for (const a of opts.accounts ?? []) addAccount(a);
  const account = (apiKey: string): AccountState => {
    const a = accounts.get(apiKey);
    if (!a) throw new Error(`no ShipStation account ${apiKey}`);
    return a;
  };

  const app = express();
  app.disable('x-powered-by');
  app.use(requests.middleware());
  app.use(controlRoutes(faults, requests));
  app.use(faults.middleware());

  // Simulator control for other processes (benchmarks, chaos tests).
  app.post('/__sim/label', express.json(), async (req, res) => {
    try {
      const { apiKey, orderKey, ...rest } = req.body ?? {};
      res.json(await sim.createLabel(String(apiKey), String(orderKey), rest));
    } catch (err) {
      res.status(404).json({ error: String(err) });
    }
  });
  app.get('/__sim/orders', (req, res) => {
    res.json([...(accounts.get(String(req.query.apiKey))?.orders.values() ?? [])]);
  });
  app.get('/__sim/attempts', (_req, res) => {
    res.json(creationAttempts);
  });

  // Auth, then the rate limit: every authenticated answer carries the X-Rate-Limit-* headers.
  app.use((req: AuthedRequest, res: Response, next: NextFunction) => {
    const header = req.headers.authorization ?? '';
    const [key, secret] = header.startsWith('Basic ') ? Buffer.from(header.slice(6), 'base64').toString('utf8').split(':') : [];
    const acct = key !== undefined ? accounts.get(key) : undefined;
    if (!acct || acct.account.apiSecret !== secret) {
      res.status(401).json({ Message: 'Authorization has been denied for this request.' });
      return;
    }
    const rl = limiter.take(`${key}:${secret}`);
    res.setHeader('X-Rate-Limit-Limit', String(rl.limit));
    res.setHeader('X-Rate-Limit-Remaining', String(rl.remaining));
    res.setHeader('X-Rate-Limit-Reset', String(rl.resetSeconds));
    if (!rl.allowed) {
      res.setHeader('Retry-After', String(rl.resetSeconds));
      res.status(429).json({ Message: 'Too Many Requests' });
      return;
    }
    req.account = acct;
    next();
  });
  app.use(express.json({ limit: '10mb' }));

  /** Create or update one order; returns the stored order or an error message. */
  function upsert(acct: AccountState, raw: unknown): { order?: ShipStationOrder; error?: string; key: string } {
    const parsed = orderSchema.safeParse(raw);
    const givenKey = typeof (raw as { orderKey?: unknown })?.orderKey === 'string' ? (raw as { orderKey: string }).orderKey : undefined;
    const key = givenKey ?? `ss-${nextId()}`;
    const attempt = (outcome: CreationAttempt['outcome'], error?: string) =>
      creationAttempts.push({ apiKey: acct.account.apiKey, orderKey: key, at: Date.now(), outcome, error });
    if (!parsed.success) {
      const error = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
      attempt('rejected', error);
      return { error, key };
    }
    const body = parsed.data as unknown as ShipStationOrder;
    const existing = acct.orders.get(key);
    if (existing && !existing.deleted) {
      if (existing.orderStatus === 'shipped' || existing.orderStatus === 'cancelled') {
        const error = `Order ${existing.orderNumber} cannot be updated because it is ${existing.orderStatus}.`;
        attempt('rejected', error);
        return { error, key };
      }
      const updated = {
        ...body,
        orderId: existing.orderId,
        orderKey: key,
        createDate: existing.createDate,
        modifyDate: pacificNow(),
        notesToBuyer: existing.notesToBuyer,
        // advancedOptions.storeId can only be set when the order is created.
        advancedOptions: { ...body.advancedOptions, storeId: existing.advancedOptions?.storeId },
      };
      acct.orders.set(key, updated);
      attempt('updated');
      return { order: updated, key };
    }
    const storeId = body.advancedOptions?.storeId;
    const store = acct.stores.find((s) => s.storeId === storeId) ?? acct.stores[0];
    const created = {
      ...body,
      orderId: nextId(),
      orderKey: key,
      createDate: pacificNow(),
      modifyDate: pacificNow(),
      advancedOptions: { ...body.advancedOptions, storeId: store.storeId },
    };
    acct.orders.set(key, created);
    attempt('created');
    return { order: created, key };
  }

  app.post('/orders/createorder', (req: AuthedRequest, res) => {
    if (typeof req.body !== 'object' || req.body === null || Array.isArray(req.body)) {
      res.status(400).json({ Message: 'The request is invalid.', ModelState: { apiOrder: ['Cannot deserialize the current JSON array into type Order.'] } });
      return;
    }
    const parsed = orderSchema.safeParse(req.body);
    if (!parsed.success) {
      res.status(400).json(modelState('apiOrder', parsed.error.issues));
      return;
    }
    const r = upsert(req.account!, req.body);
    if (r.error) res.status(400).json({ Message: r.error });
    else res.json(r.order);
  });

  app.post('/orders/createorders', (req: AuthedRequest, res) => {
    if (!Array.isArray(req.body)) {
      res.status(400).json({ Message: 'The request is invalid.', ModelState: { apiOrders: ['Cannot deserialize the current JSON object into type List<Order>.'] } });
      return;
    }
    if (req.body.length > 100) {
      res.status(400).json({ Message: 'The request is invalid.', ModelState: { apiOrders: ['A maximum of 100 orders can be created or updated at a time.'] } });
      return;
    }
    const results = req.body.map((raw: unknown) => {
      const key = (raw as { orderKey?: unknown })?.orderKey;
      if (typeof key === 'string' && failOnce.has(key)) {
        const errorMessage = failOnce.get(key)!;
        failOnce.delete(key);
        creationAttempts.push({ apiKey: req.account!.account.apiKey, orderKey: key, at: Date.now(), outcome: 'rejected', error: errorMessage });
        return { orderId: null, orderNumber: String((raw as { orderNumber?: unknown }).orderNumber ?? ''), orderKey: key, success: false, errorMessage };
      }
      const r = upsert(req.account!, raw);
      return {
        orderId: r.order?.orderId ?? null,
        orderNumber: r.order?.orderNumber ?? String((raw as { orderNumber?: unknown })?.orderNumber ?? ''),
        orderKey: r.key,
        success: !r.error,
        errorMessage: r.error ?? null,
      };
    });
    res.json({ hasErrors: results.some((r: { success: boolean }) => !r.success), results });
  });

  const paged = <T>(items: T[], req: Request, max: number) => {
    const pageSize = Math.min(max, Math.max(1, Number(req.query.pageSize ?? 100) || 100));
    const page = Math.max(1, Number(req.query.page ?? 1) || 1);
    return { items: items.slice((page - 1) * pageSize, page * pageSize), total: items.length, page, pages: Math.max(1, Math.ceil(items.length / pageSize)) };
  };
  const str = (v: unknown) => (typeof v === 'string' ? v : undefined);

  app.get('/orders', (req: AuthedRequest, res) => {
    const q = req.query;
    let list = [...req.account!.orders.values()].filter((o) => !o.deleted);
    if (str(q.orderNumber)) list = list.filter((o) => o.orderNumber.toLowerCase().startsWith(str(q.orderNumber)!.toLowerCase()));
    if (str(q.orderStatus)) list = list.filter((o) => o.orderStatus === q.orderStatus);
    if (str(q.storeId)) list = list.filter((o) => String(o.advancedOptions?.storeId) === q.storeId);
    const from = str(q.modifyDateStart) && normalizeFilterDate(str(q.modifyDateStart)!);
    if (from) list = list.filter((o) => (o.modifyDate ?? '') >= from);
    if (q.sortDir === 'DESC') list.reverse();
    const p = paged(list, req, 500);
    res.json({ orders: p.items, total: p.total, page: p.page, pages: p.pages });
  });
  app.get('/orders/:orderId', (req: AuthedRequest, res) => {
    const o = [...req.account!.orders.values()].find((x) => String(x.orderId) === req.params.orderId && !x.deleted);
    if (!o) res.status(404).json({ Message: 'Order not found' });
    else res.json(o);
  });
  app.delete('/orders/:orderId', (req: AuthedRequest, res) => {
    const o = [...req.account!.orders.values()].find((x) => String(x.orderId) === req.params.orderId && !x.deleted);
    if (!o) {
      res.status(404).json({ Message: 'Order not found' });
      return;
    }
    o.deleted = true;
    res.json({ success: true, message: 'The requested order has been deleted.' });
  });

  app.get('/shipments', (req: AuthedRequest, res) => {
    const q = req.query;
    let list = [...req.account!.shipments];
    for (const f of ['orderId', 'orderNumber', 'trackingNumber', 'carrierCode', 'serviceCode'] as const) {
      if (str(q[f])) list = list.filter((s) => String(s[f]) === q[f]);
    }
    if (str(q.batchId)) list = list.filter((s) => String((s as ShipStationShipment & { batchId?: number }).batchId) === q.batchId);
    if (str(q.storeId)) list = list.filter((s) => String(s.advancedOptions?.storeId) === q.storeId);
    const from = str(q.createDateStart) && normalizeFilterDate(str(q.createDateStart)!);
    if (from) list = list.filter((s) => s.createDate >= from);
    const includeItems = String(q.includeShipmentItems).toLowerCase() === 'true';
    const p = paged(list, req, 500);
    res.json({
      shipments: p.items.map((s) => {
        const { batchId: _b, ...rest } = s as ShipStationShipment & { batchId?: number };
        const order = [...req.account!.orders.values()].find((o) => o.orderKey === s.orderKey);
        return { ...rest, shipmentItems: includeItems ? (order?.items ?? []) : null, labelData: null, formData: null };
      }),
      total: p.total,
      page: p.page,
      pages: p.pages,
    });
  });

  app.post('/webhooks/subscribe', (req: AuthedRequest, res) => {
    const b = req.body ?? {};
    if (typeof b.target_url !== 'string' || !WEBHOOK_EVENTS.includes(b.event)) {
      res.status(400).json({ Message: 'The request is invalid.', ModelState: { 'request.event': ['target_url and a valid event are required.'] } });
      return;
    }
    const hook: SimWebhook = { id: nextId(), event: b.event, targetUrl: b.target_url, storeId: typeof b.store_id === 'number' ? b.store_id : null, friendlyName: b.friendly_name };
    req.account!.webhooks.push(hook);
    res.status(201).json({ id: hook.id });
  });
  app.get('/webhooks', (req: AuthedRequest, res) => {
    res.json({
      webhooks: req.account!.webhooks.map((h) => ({
        IsLabelAPIHook: false,
        WebHookID: h.id,
        SellerID: 1,
        StoreID: h.storeId,
        HookType: h.event,
        MessageFormat: 'Json',
        Url: h.targetUrl,
        Name: h.friendlyName ?? null,
        Active: true,
      })),
    });
  });
  app.delete('/webhooks/:id', (req: AuthedRequest, res) => {
    const before = req.account!.webhooks.length;
    req.account!.webhooks = req.account!.webhooks.filter((h) => String(h.id) !== req.params.id);
    if (req.account!.webhooks.length === before) res.status(404).json({ Message: 'Webhook not found' });
    else res.status(200).end();
  });

  app.get('/stores', (req: AuthedRequest, res) => {
    res.json(req.account!.stores.map((s) => ({ ...s, active: true, accountName: null, email: null })));
  });
  app.get('/carriers', (_req, res) => {
    res.json(CARRIERS.map((c) => ({ name: c.name, code: c.code, primary: c.code === 'stamps_com' })));
  });
  app.get('/carriers/listservices', (req, res) => {
    const c = CARRIERS.find((x) => x.code === req.query.carrierCode);
    res.json((c?.services ?? []).map(([code, name]) => ({ carrierCode: c!.code, code, name, domestic: true, international: false })));
  });
  app.use((_req, res) => {
    res.status(404).json({ Message: 'No HTTP resource was found that matches the request URI.' });
  });

  const server = await listen(app, opts.port ?? 0);
  baseUrl = server.url;

  async function notify(acct: AccountState, resourceUrl: string, storeId: number | undefined): Promise<void> {
    for (const h of acct.webhooks.filter((w) => w.event === 'SHIP_NOTIFY' && (w.storeId === null || w.storeId === storeId))) {
      const body = { resource_url: resourceUrl, resource_type: 'SHIP_NOTIFY' };
      const delivery: WebhookDelivery = { targetUrl: h.targetUrl, body, at: Date.now() };
      webhookDeliveries.push(delivery);
      try {
        const r = await fetch(h.targetUrl, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body), signal: AbortSignal.timeout(10_000) });
        delivery.status = r.status;
      } catch (err) {
        delivery.error = String(err);
      }
    }
  }

  const sim: ShipStationSimulator = {
    url: baseUrl,
    port: server.port,
    requests,
    faults,
    addAccount,
    addStore(apiKey, store) {
      account(apiKey).stores.push({ ...store, marketplaceId: 0, marketplaceName: 'ShipStation' });
    },
    ordersByKey(apiKey) {
      return new Map([...account(apiKey).orders].filter(([, o]) => !o.deleted));
    },
    creationAttempts,
    webhookDeliveries,
    async createLabel(apiKey, orderKey, o = {}) {
      const acct = account(apiKey);
      const order = acct.orders.get(orderKey);
      if (!order || order.deleted) throw new Error(`no order ${orderKey}`);
      const batchId = o.batchId ?? nextId();
      const shipment: ShipStationShipment & { batchId: number } = {
        shipmentId: nextId(),
        orderId: order.orderId!,
        orderKey,
        orderNumber: order.orderNumber,
        createDate: pacificNow(),
        shipDate: pacificNow().slice(0, 10),
        shipmentCost: o.shipmentCost ?? 7.35,
        insuranceCost: o.insuranceCost ?? 0,
        trackingNumber: o.trackingNumber ?? `9400${String(nextId()).padStart(18, '0')}`,
        isReturnLabel: false,
        batchNumber: String(batchId),
        carrierCode: o.carrierCode ?? 'stamps_com',
        serviceCode: o.serviceCode ?? 'usps_priority_mail',
        packageCode: 'package',
        voided: false,
        voidDate: null,
        advancedOptions: { storeId: order.advancedOptions?.storeId ?? null },
        shipTo: order.shipTo,
        batchId,
      };
      acct.shipments.push(shipment);
      order.orderStatus = 'shipped';
      if (o.notify !== false) await notify(acct, `${baseUrl}/shipments?batchId=${batchId}&includeShipmentItems=False`, order.advancedOptions?.storeId ?? undefined);
      const { batchId: _b, ...rest } = shipment;
      return rest;
    },
    voidLabel(apiKey, shipmentId) {
      const acct = account(apiKey);
      const s = acct.shipments.find((x) => x.shipmentId === shipmentId);
      if (!s) throw new Error(`no shipment ${shipmentId}`);
      s.voided = true;
      s.voidDate = pacificNow();
      const order = acct.orders.get(s.orderKey);
      if (order && !acct.shipments.some((x) => x.orderKey === s.orderKey && !x.voided)) order.orderStatus = 'awaiting_shipment';
    },
    setOrderStatus(apiKey, orderKey, status) {
      const o = account(apiKey).orders.get(orderKey);
      if (!o) throw new Error(`no order ${orderKey}`);
      o.orderStatus = status;
    },
    setNotesToBuyer(apiKey, orderKey, notes) {
      const o = account(apiKey).orders.get(orderKey);
      if (!o) throw new Error(`no order ${orderKey}`);
      o.notesToBuyer = notes;
    },
    webhooks(apiKey) {
      return [...account(apiKey).webhooks];
    },
    failOrdersOnce(orderKeys, message = 'An internal error occurred while saving the order.') {
      for (const k of orderKeys) failOnce.set(k, message);
    },
    close: () => server.close(),
  };
  return sim;
}
