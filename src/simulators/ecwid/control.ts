/**
 * Simulator-only routes under /__sim for a process that does not host the simulator (benchmarks, a developer
 * with curl): add stores, upsert and list orders, send webhooks. Loopback only, so nothing is protected.
 */
import express, { type Router } from 'express';
import type { EcwidOrder, EcwidProduct } from './model';
import type { EcwidSimStoreOptions } from './state';
import type { WebhookData } from './webhooks';

export interface SimControlTarget {
  addStore(opts: EcwidSimStoreOptions): void;
  upsertOrder(storeId: number, order: EcwidOrder): EcwidOrder;
  listOrders(storeId: number): EcwidOrder[];
  upsertProduct(storeId: number, product: EcwidProduct): void;
  hasStore(storeId: number): boolean;
  sendWebhook(storeId: number, eventType: string, data: WebhookData, opts?: { signWith?: string }): Promise<{ status: number; eventId: string }>;
}

export function simControlRoutes(sim: SimControlTarget): Router {
  const r = express.Router();
  const json = express.json({ limit: '50mb' });

  r.post('/__sim/stores', json, (req, res) => {
    const b = (req.body ?? {}) as Partial<EcwidSimStoreOptions>;
    if (typeof b.storeId !== 'number' || typeof b.token !== 'string') {
      res.status(400).json({ error: 'body must be {storeId:number, token:string, plan?, suspended?, weightUnit?, storeName?, scopes?}' });
      return;
    }
    sim.addStore(b as EcwidSimStoreOptions);
    res.status(204).end();
  });

  /** Body: {storeId, order} or {storeId, orders:[...]}; answers the saved orders (with their IDs). */
  r.post('/__sim/orders', json, (req, res) => {
    const b = (req.body ?? {}) as { storeId?: unknown; order?: EcwidOrder; orders?: EcwidOrder[] };
    const orders = Array.isArray(b.orders) ? b.orders : b.order && typeof b.order === 'object' ? [b.order] : undefined;
    if (typeof b.storeId !== 'number' || !sim.hasStore(b.storeId) || !orders) {
      res.status(400).json({ error: 'body must be {storeId:<an added store>, order:{...}} or {storeId, orders:[...]}' });
      return;
    }
    const storeId = b.storeId;
    res.status(201).json({ items: orders.map((o) => sim.upsertOrder(storeId, o)) });
  });

  r.get('/__sim/orders', (req, res) => {
    const storeId = Number(req.query.storeId);
    if (!sim.hasStore(storeId)) {
      res.status(400).json({ error: 'query must be ?storeId=<an added store>' });
      return;
    }
    res.json({ items: sim.listOrders(storeId) });
  });

  r.post('/__sim/products', json, (req, res) => {
    const b = (req.body ?? {}) as { storeId?: unknown; product?: EcwidProduct };
    if (typeof b.storeId !== 'number' || !sim.hasStore(b.storeId) || typeof b.product?.id !== 'number') {
      res.status(400).json({ error: 'body must be {storeId, product:{id:number,...}}' });
      return;
    }
    sim.upsertProduct(b.storeId, b.product);
    res.status(204).end();
  });

  /** Body: {storeId, eventType, data, signWith?}; answers {status, eventId} of the delivery. */
  r.post('/__sim/webhook', json, async (req, res) => {
    const b = (req.body ?? {}) as { storeId?: unknown; eventType?: unknown; data?: WebhookData; signWith?: string };
    if (typeof b.storeId !== 'number' || typeof b.eventType !== 'string') {
      res.status(400).json({ error: 'body must be {storeId:number, eventType:string, data?:{orderId?,...}, signWith?}' });
      return;
    }
    try {
      res.json(await sim.sendWebhook(b.storeId, b.eventType, b.data ?? {}, { signWith: b.signWith }));
    } catch (err) {
      res.status(502).json({ error: 'delivery_failed', message: err instanceof Error ? err.message : String(err) });
    }
  });
  return r;
}
