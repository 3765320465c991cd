/**
 * Simulator-only routes under /__sim, for a process that does not host the simulator (benchmarks, chaos tests,
 * a developer with curl): play the ShipStation user (buy/void labels, mark orders as shipped) and read what the
 * connector sent.
 * No auth and no rate limit; not in the request log.
 */
import express, { type Router } from 'express';
import { markAsShipped } from './fulfillments';
import { importMarketplaceOrder } from './orders';
import { editOrder, type PackerEdit } from './packer';
import type { LabelDesk, LabelOptions } from './labels';
import type { SimState } from './state';

const num = (v: unknown): number | undefined => (v === undefined || v === null || v === '' ? undefined : Number(v));
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

export function simControlRoutes(state: SimState, labels: LabelDesk, baseUrl: () => string): Router {
  const r = express.Router();
  const json = express.json();

  r.post('/__sim/accounts', json, (req, res) => {
    const { apiKey, apiSecret } = (req.body ?? {}) as Record<string, unknown>;
    if (typeof apiKey !== 'string' || typeof apiSecret !== 'string') {
      res.status(400).json({ error: 'body must be {apiKey, apiSecret}' });
      return;
    }
    const acct = state.addAccount({ apiKey, apiSecret });
    res.json({ stores: acct.stores });
  });

  /** A store: a manual one, or a selling channel's (`marketplaceName: "Ecwid"`, ShipStation's native integration). */
  r.post('/__sim/stores', json, (req, res) => {
    const b = (req.body ?? {}) as Record<string, unknown>;
    try {
      res.json(
        state.addStore(String(b.apiKey), {
          storeId: num(b.storeId),
          storeName: str(b.storeName) ?? 'Store',
          marketplaceId: num(b.marketplaceId),
          marketplaceName: str(b.marketplaceName),
          active: typeof b.active === 'boolean' ? b.active : undefined,
          autoRefresh: typeof b.autoRefresh === 'boolean' ? b.autoRefresh : undefined,
        }),
      );
    } catch (err) {
      res.status(404).json({ error: err instanceof Error ? err.message : String(err) });
    }
  });

  /** A marketplace store imports an order on its own (native integration): body `{apiKey, storeId, order}`. */
  r.post('/__sim/marketplace-orders', json, (req, res) => {
    const b = (req.body ?? {}) as Record<string, unknown>;
    try {
      res.json(importMarketplaceOrder(state, state.account(String(b.apiKey)), Number(b.storeId), (b.order ?? {}) as Record<string, unknown>));
    } catch (err) {
      res.status(400).json({ error: err instanceof Error ? err.message : String(err) });
    }
  });

  r.post('/__sim/label', json, async (req, res) => {
    const b = (req.body ?? {}) as Record<string, unknown>;
    const opts: LabelOptions = {
      carrierCode: str(b.carrierCode),
      serviceCode: str(b.serviceCode),
      trackingNumber: str(b.trackingNumber),
      shipmentCost: num(b.shipmentCost),
      insuranceCost: num(b.insuranceCost),
      notify: b.notify === false || b.notify === 'false' ? false : undefined,
      batchId: num(b.batchId),
    };
    try {
      res.json(await labels.createLabel(String(b.apiKey), String(b.orderKey), opts));
    } catch (err) {
      res.status(404).json({ error: err instanceof Error ? err.message : String(err) });
    }
  });

  /** The user clicks "Mark as Shipped": a fulfillment, no label (what POST /orders/markasshipped does). */
  r.post('/__sim/markasshipped', json, async (req, res) => {
    const b = (req.body ?? {}) as Record<string, unknown>;
    try {
      const { order } = state.orderByKey(String(b.apiKey), String(b.orderKey));
      const result = await markAsShipped(state, labels, baseUrl(), state.account(String(b.apiKey)), {
        orderId: order.orderId,
        carrierCode: str(b.carrierCode) ?? 'other',
        trackingNumber: str(b.trackingNumber),
        shipDate: str(b.shipDate),
        notifySalesChannel: b.notifySalesChannel === true,
      });
      if (!result.ok) res.status(result.status).json({ error: result.message });
      else res.json(result.fulfillment);
    } catch (err) {
      res.status(404).json({ error: err instanceof Error ? err.message : String(err) });
    }
  });

  /** A packer edits an order in the UI: body `{apiKey, orderKey, edit: PackerEdit}`. */
  r.post('/__sim/edit', json, (req, res) => {
    const b = (req.body ?? {}) as { apiKey?: unknown; orderKey?: unknown; edit?: PackerEdit };
    try {
      res.json(editOrder(state.orderByKey(String(b.apiKey), String(b.orderKey)), b.edit ?? {}));
    } catch (err) {
      res.status(404).json({ error: err instanceof Error ? err.message : String(err) });
    }
  });

  /** A user deletes an order in the UI (soft delete, as `DELETE /orders/{orderId}`): body `{apiKey, orderKey}`. */
  r.post('/__sim/delete', json, (req, res) => {
    const b = (req.body ?? {}) as Record<string, unknown>;
    try {
      state.orderByKey(String(b.apiKey), String(b.orderKey)).active = false;
      res.status(204).end();
    } catch (err) {
      res.status(404).json({ error: err instanceof Error ? err.message : String(err) });
    }
  });

  r.post('/__sim/void', json, (req, res) => {
    const b = (req.body ?? {}) as Record<string, unknown>;
    try {
      labels.voidLabel(String(b.apiKey), Number(b.shipmentId));
      res.status(204).end();
    } catch (err) {
      res.status(404).json({ error: err instanceof Error ? err.message : String(err) });
    }
  });

  r.get('/__sim/orders', (req, res) => {
    const acct = state.accounts.get(String(req.query.apiKey));
    if (!acct) {
      res.status(404).json({ error: `no account ${String(req.query.apiKey)}` });
      return;
    }
    res.json(state.activeOrders(acct));
  });

  r.get('/__sim/attempts', (req, res) => {
    const apiKey = str(req.query.apiKey);
    res.json(apiKey ? state.creationAttempts.filter((a) => a.apiKey === apiKey) : state.creationAttempts);
  });

  r.get('/__sim/deliveries', (_req, res) => {
    res.json(labels.deliveries);
  });

  return r;
}
