import { createHash } from 'node:crypto';
import { Router } from 'express';
import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import type { Logger } from '../../logging/logger';
import { shipNotifySchema } from '../../connections/schemas';
import { canonicalShipNoticeUrl } from '../../domain/shipment-notice';
import { ECWID_STORE_ID } from '../../temporal/search-attributes';
import { secretsEqual } from '../auth';

/**
 * A resource URL is fetched (with our ShipStation credentials) only when it points at ShipStation:
 * the configured API origin or an ssapiN.shipstation.com host. Anything else would let a forged
 * webhook make the connector call an address of the attacker's choosing (SSRF).
 */
export function isShipStationResourceUrl(raw: string, configuredApiUrl: string): boolean {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return false;
  }
  if (url.username || url.password) return false;
  if (url.origin === new URL(configuredApiUrl).origin) return true;
  return url.protocol === 'https:' && (url.port === '' || url.port === '443') && /^ssapi\d*\.shipstation\.com$/i.test(url.hostname);
}

/**
 * POST /webhooks/shipstation?secret=…&account=…: SHIP_NOTIFY of a ShipStation account's one subscription, handed
 * durably to a workflow keyed by the account and the resource URL. `?store=…` is the form of the per-store
 * subscriptions made before accounts; it keeps working until the account's workflow replaces them.
 */
export function shipstationWebhookRoutes(opts: {
  secret?: string;
  shipstationApiUrl: string;
  client: Client;
  taskQueue: string;
  logger: Logger;
}): Router {
  const r = Router();
  r.post('/webhooks/shipstation', async (req, res) => {
    if (!opts.secret) {
      res.status(503).json({ error: 'not_configured', message: 'SHIPSTATION_WEBHOOK_SECRET is not set' });
      return;
    }
    const given = typeof req.query.secret === 'string' ? req.query.secret : undefined;
    if (!secretsEqual(given, opts.secret)) {
      res.status(401).json({ error: 'bad_secret' });
      return;
    }
    // The account's name is the first 16 hex characters of sha256(API key): never the key itself.
    const accountId = typeof req.query.account === 'string' && /^[0-9a-f]{16}$/.test(req.query.account) ? req.query.account : undefined;
    const storeId =
      accountId === undefined && typeof req.query.store === 'string' && /^\d{1,12}$/.test(req.query.store) ? Number(req.query.store) : undefined;
    const parsed = shipNotifySchema.safeParse(req.body);
    if (!parsed.success || (storeId === undefined && accountId === undefined)) {
      res.status(400).json({ error: 'invalid_webhook' });
      return;
    }
    const { resource_url: resourceUrl, resource_type: resourceType } = parsed.data;
    if (resourceType !== 'SHIP_NOTIFY') {
      res.status(200).json({ ok: true, ignored: resourceType });
      return;
    }
    if (!isShipStationResourceUrl(resourceUrl, opts.shipstationApiUrl)) {
      opts.logger.warn({ storeId, accountId }, 'SHIP_NOTIFY with a resource_url outside ShipStation refused');
      res.status(400).json({ error: 'resource_url_not_allowed' });
      return;
    }
    // Only what identifies the labels is kept (the worker sets page size and order itself), so `&pageSize=1` or a
    // reordered query is the same work, deduplicated as one notification.
    const canonical = canonicalShipNoticeUrl(resourceUrl);
    if (!canonical) {
      opts.logger.warn({ storeId, accountId }, 'SHIP_NOTIFY whose resource_url names no labels refused');
      res.status(400).json({ error: 'resource_url_not_allowed', message: 'resource_url must be /shipments with a batchId (or orderId, orderNumber, trackingNumber) filter' });
      return;
    }
    const urlHash = createHash('sha256').update(canonical).digest('hex').slice(0, 24);
    try {
      const dedupe = { workflowIdConflictPolicy: 'USE_EXISTING', workflowIdReusePolicy: 'REJECT_DUPLICATE' } as const;
      // The same delivery again, now or later, starts nothing new.
      if (accountId !== undefined) {
        await opts.client.workflow.start('shipNotify', {
          workflowId: `ship-notify:${accountId}:${urlHash}`,
          taskQueue: opts.taskQueue,
          args: [{ accountId, resourceUrl: canonical }],
          ...dedupe,
          staticSummary: `SHIP_NOTIFY for ShipStation account ${accountId}`,
        });
      } else {
        await opts.client.workflow.start('shipNotify', {
          workflowId: `ship-notify:${storeId}:${urlHash}`,
          taskQueue: opts.taskQueue,
          args: [{ storeId, resourceUrl: canonical }],
          ...dedupe,
          typedSearchAttributes: [{ key: ECWID_STORE_ID, value: String(storeId) }],
          staticSummary: `SHIP_NOTIFY for Ecwid store ${storeId}`,
        });
      }
      res.status(200).json({ ok: true });
    } catch (err) {
      if (err instanceof WorkflowExecutionAlreadyStartedError) {
        res.status(200).json({ ok: true, duplicate: true });
        return;
      }
      opts.logger.error({ err: String(err) }, 'could not hand SHIP_NOTIFY to Temporal');
      res.status(503).json({ error: 'temporarily_unavailable' });
    }
  });
  return r;
}
