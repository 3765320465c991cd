import { createHash } from 'node:crypto';
import { Router, type Response } from 'express';
import { WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { Logger } from '../../logging/logger';
import { shipNotifySchema } from '../../connections/schemas';
import { canonicalShipNoticeUrl } from '../../domain/shipment-notice';
import { canonicalFulfillmentNoticeUrl } from '../../domain/fulfillment-notice';
import { verifyAccountSignature, type WebhookKeys } from '../../connections/ship-notify-target';
import { shipstationAccountWorkflowId } from '../../domain/ids';
import { shipNotifyRefused } from '../../observability/metrics';

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
 * POST /webhooks/shipstation?account=<accountId>&sig=<sig>: SHIP_NOTIFY of a ShipStation account's one subscription,
 * handed durably to a workflow keyed by the account and the resource URL. `sig` is the account's own signature
 * (connections/ship-notify-target.ts): a URL read in one merchant's ShipStation settings is worth nothing for any
 * other account. Refused before any ShipStation call or workflow: a wrong or missing signature (401), an account
 * that has no running workflow (404), and the retired forms — `?store=…` (per-store subscriptions of an earlier
 * release) and `?secret=…` (the shared secret every merchant could read) — with 410. Their subscriptions are
 * replaced by the account's signed one; meanwhile the account's reconciliation (every 15 minutes) brings the labels.
 */
export function shipstationWebhookRoutes(opts: {
  keys?: WebhookKeys;
  shipstationApiUrl: string;
  client: Client;
  taskQueue: string;
  logger: Logger;
}): Router {
  const r = Router();
  r.post('/webhooks/shipstation', async (req, res) => {
    if (!opts.keys) {
      res.status(503).json({ error: 'not_configured', message: 'SHIPSTATION_WEBHOOK_KEY is not set' });
      return;
    }
    if (req.query.store !== undefined || req.query.secret !== undefined) {
      shipNotifyRefused.inc({ reason: 'retired_form' });
      res.status(410).json({ error: 'retired_target', message: 'this SHIP_NOTIFY URL form is retired; the account subscribes its signed URL itself' });
      return;
    }
    const accountId = typeof req.query.account === 'string' && ACCOUNT_ID.test(req.query.account) ? req.query.account : undefined;
    const sig = typeof req.query.sig === 'string' ? req.query.sig : undefined;
    if (accountId === undefined || !verifyAccountSignature(opts.keys, accountId, sig)) {
      shipNotifyRefused.inc({ reason: 'bad_signature' });
      res.status(401).json({ error: 'bad_signature' });
      return;
    }
    // Signed for this account, but it must also be one the connector serves now: a notice for an account whose
    // stores all left starts nothing (a describe, no ShipStation call).
    const connected = await accountIsRunning(opts.client, accountId).catch(() => undefined);
    if (connected === undefined) {
      res.status(503).json({ error: 'temporarily_unavailable' });
      return;
    }
    if (!connected) {
      shipNotifyRefused.inc({ reason: 'unknown_account' });
      res.status(404).json({ error: 'unknown_account' });
      return;
    }
    const parsed = shipNotifySchema.safeParse(req.body);
    if (!parsed.success) {
      res.status(400).json({ error: 'invalid_webhook' });
      return;
    }
    const { resource_url: resourceUrl, resource_type: resourceType } = parsed.data;
    if (resourceType === 'FULFILLMENT_SHIPPED') {
      await startFulfillmentShipped(opts, accountId, resourceUrl, res);
      return;
    }
    if (resourceType !== 'SHIP_NOTIFY') {
      res.status(200).json({ ok: true, ignored: resourceType });
      return;
    }
    if (!isShipStationResourceUrl(resourceUrl, opts.shipstationApiUrl)) {
      opts.logger.warn({ accountId }, 'SHIP_NOTIFY with a resource_url outside ShipStation refused');
      res.status(400).json({ error: 'resource_url_not_allowed' });
      return;
    }
    // Only what identifies the labels is kept (the worker sets page size and order itself), so `&pageSize=1` or a
    // reordered query is the same work, deduplicated as one notification.
    const canonical = canonicalShipNoticeUrl(resourceUrl);
    if (!canonical) {
      opts.logger.warn({ accountId }, 'SHIP_NOTIFY whose resource_url names no labels refused');
      res.status(400).json({ error: 'resource_url_not_allowed', message: 'resource_url must be /shipments with a batchId (or orderId, orderNumber, trackingNumber) filter' });
      return;
    }
    const urlHash = createHash('sha256').update(canonical).digest('hex').slice(0, 24);
    try {
      const dedupe = { workflowIdConflictPolicy: 'USE_EXISTING', workflowIdReusePolicy: 'REJECT_DUPLICATE' } as const;
      // The same delivery again, now or later, starts nothing new.
      await opts.client.workflow.start('shipNotify', {
        workflowId: `ship-notify:${accountId}:${urlHash}`,
        taskQueue: opts.taskQueue,
        args: [{ accountId, resourceUrl: canonical }],
        ...dedupe,
        staticSummary: `SHIP_NOTIFY for ShipStation account ${accountId}`,
      });
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

/**
 * FULFILLMENT_SHIPPED of the account's subscription (same signed URL as SHIP_NOTIFY): an order marked as shipped
 * without a label. Checked like SHIP_NOTIFY (ShipStation origin, identifying filter of `/fulfillments` only), then
 * handed durably to a workflow keyed by the account and the canonical URL, so a repeated delivery starts nothing.
 */
async function startFulfillmentShipped(
  opts: { shipstationApiUrl: string; client: Client; taskQueue: string; logger: Logger },
  accountId: string,
  resourceUrl: string,
  res: Response,
): Promise<void> {
  if (!isShipStationResourceUrl(resourceUrl, opts.shipstationApiUrl)) {
    opts.logger.warn({ accountId }, 'FULFILLMENT_SHIPPED with a resource_url outside ShipStation refused');
    res.status(400).json({ error: 'resource_url_not_allowed' });
    return;
  }
  const canonical = canonicalFulfillmentNoticeUrl(resourceUrl);
  if (!canonical) {
    opts.logger.warn({ accountId }, 'FULFILLMENT_SHIPPED whose resource_url names no fulfillment refused');
    res.status(400).json({ error: 'resource_url_not_allowed', message: 'resource_url must be /fulfillments with a fulfillmentId (or orderId, orderNumber, trackingNumber) filter' });
    return;
  }
  const urlHash = createHash('sha256').update(canonical).digest('hex').slice(0, 24);
  try {
    await opts.client.workflow.start('fulfillmentShipped', {
      workflowId: `fulfillment-shipped:${accountId}:${urlHash}`,
      taskQueue: opts.taskQueue,
      args: [{ accountId, resourceUrl: canonical }],
      workflowIdConflictPolicy: 'USE_EXISTING',
      workflowIdReusePolicy: 'REJECT_DUPLICATE',
      staticSummary: `FULFILLMENT_SHIPPED for ShipStation account ${accountId}`,
    });
    res.status(200).json({ ok: true });
  } catch (err) {
    if (err instanceof WorkflowExecutionAlreadyStartedError) {
      res.status(200).json({ ok: true, duplicate: true });
      return;
    }
    opts.logger.error({ err: String(err) }, 'could not hand FULFILLMENT_SHIPPED to Temporal');
    res.status(503).json({ error: 'temporarily_unavailable' });
  }
}

/** Account IDs are 16 hex characters (sha256 of the key the account was first registered with). */
const ACCOUNT_ID = /^[0-9a-f]{16}$/;

/** Whether the account's workflow runs (it has stores); a closed or unknown one does not. */
async function accountIsRunning(client: Client, accountId: string): Promise<boolean> {
  try {
    const d = await client.workflow.getHandle(shipstationAccountWorkflowId(accountId)).describe();
    return d.status.name === 'RUNNING';
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return false;
    throw err;
  }
}
