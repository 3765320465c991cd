import express, { type Router } from 'express';
import { accountOf } from './auth';
import { sendInvalid, sendMessage, sendNoRoute } from './errors';
import type { SimState } from './state';
import { modelStateOf, subscribeSchema } from './validation';

/** V1 webhooks (reference §4.1): subscribe, list (PascalCase items), delete. Editing exists only in the UI. */
export function webhookRoutes(state: SimState): Router {
  const r = express.Router();

  r.post('/webhooks/subscribe', (req, res) => {
    const acct = accountOf(res);
    const body: unknown = req.body;
    if (typeof body !== 'object' || body === null || Array.isArray(body)) return sendInvalid(res, { request: ['The request field is required.'] });
    const parsed = subscribeSchema.safeParse(body);
    if (!parsed.success) return sendInvalid(res, modelStateOf('request', parsed.error.issues, body));
    const { target_url, event, store_id, friendly_name } = parsed.data;
    if (store_id != null && !acct.stores.some((s) => s.storeId === store_id)) {
      return sendInvalid(res, { 'request.store_id': [`Invalid store_id ${store_id}: no store with that ID on this account.`] });
    }
    const id = state.nextId('webhook');
    acct.webhooks.push({ id, event, targetUrl: target_url, storeId: store_id ?? null, ...(friendly_name ? { friendlyName: friendly_name } : {}) });
    res.json({ id });
  });

  r.get('/webhooks', (_req, res) => {
    const acct = accountOf(res);
    res.json({
      webhooks: acct.webhooks.map((h) => ({
        IsLabelAPIHook: false,
        WebHookID: h.id,
        SellerID: acct.sellerId,
        StoreID: h.storeId,
        HookType: h.event,
        MessageFormat: 'Json',
        Url: h.targetUrl,
        Name: h.friendlyName ?? null,
        BulkCopyBatchID: null,
        BulkCopyRecordID: null,
        Active: true,
        WebhookLogs: [],
        Seller: null,
        Store: null,
      })),
    });
  });

  r.delete('/webhooks/:id', (req, res) => {
    if (!/^\d+$/.test(req.params.id)) return sendNoRoute(res, req.originalUrl);
    const acct = accountOf(res);
    const i = acct.webhooks.findIndex((h) => h.id === Number(req.params.id));
    if (i < 0) return sendMessage(res, 404, `Webhook ${req.params.id} not found.`);
    acct.webhooks.splice(i, 1);
    res.status(200).end();
  });

  return r;
}
