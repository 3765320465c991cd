import { createHmac } from 'node:crypto';
import { Router } from 'express';
import { WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { Logger } from '../../logging/logger';
import { ecwidWebhookSchema } from '../../connections/schemas';
import { ecwidWebhooksRefused } from '../../observability/metrics';
import { storeSyncWorkflowId } from '../../domain/ids';
import { requestIdOf, signalOnce, startOnce } from '../../temporal/request-ids';
import { ECWID_STORE_ID } from '../../temporal/search-attributes';
import { syncNowSignal, type SyncNowRequest } from '../../workflows/definitions';
import type { EcwidEventInput } from '../../workflows/ecwid-event';
import { secretsEqual } from '../auth';

/** base64(HMAC-SHA256(client secret, `<eventCreated>.<eventId>`)): Ecwid signs only those two fields. */
export function ecwidSignature(clientSecret: string, eventCreated: number, eventId: string): string {
  return createHmac('sha256', clientSecret).update(`${eventCreated}.${eventId}`).digest('base64');
}

/**
 * How old a signed event may be: Ecwid retries a failed delivery for up to 24 hours, so nothing genuine is older.
 * Dedupe by eventId lasts only Temporal's retention, so without this bound an old delivery could be replayed later.
 */
export const ECWID_EVENT_MAX_AGE_SECONDS = 24 * 3600;
/** How far in the future an event may be dated: clock skew between Ecwid and us. */
export const ECWID_EVENT_MAX_SKEW_SECONDS = 5 * 60;

/** Whether a (correctly signed) event's `eventCreated`, unix seconds, is within the freshness window. */
export function ecwidEventFreshness(eventCreated: number, nowMs = Date.now()): 'fresh' | 'stale' | 'future' {
  const now = nowMs / 1000;
  if (eventCreated < now - ECWID_EVENT_MAX_AGE_SECONDS) return 'stale';
  if (eventCreated > now + ECWID_EVENT_MAX_SKEW_SECONDS) return 'future';
  return 'fresh';
}

/** The workflow of one Ecwid event. Keyed by eventId alone: it is the signed part, the rest of the body is not. */
export function ecwidEventWorkflowId(eventId: string): string {
  return `ecwid-event:${eventId}`;
}

/** The hint an order event gives the store's workflow: re-read these orders (deleted ones too) from Ecwid. */
function orderHintOf(eventType: string, orderId: string | undefined): SyncNowRequest | undefined {
  if (!orderId) return undefined;
  if (eventType === 'order.created' || eventType === 'order.updated') return { orderIds: [orderId], trigger: 'webhook' };
  if (eventType === 'order.deleted') return { deletedOrderIds: [orderId], trigger: 'webhook' };
  return undefined;
}

/**
 * POST /webhooks/ecwid. Ecwid signs only eventCreated and eventId, so storeId, eventType and data are hints:
 * order events wake the store's workflow to re-read the order from Ecwid; an uninstall asks Ecwid whether the
 * store's token still works (in the event's workflow). Answers at once (Ecwid allows 10 s).
 *
 * Each delivery starts the `ecwidEvent` workflow `ecwid-event:<eventId>`, with a request ID made of the whole
 * delivery. The workflow ID is the dedupe, durable and shared by every API process; closed IDs stay reserved for
 * the namespace's retention, whose minimum is 1 day, covering Ecwid's 24 hours of retries:
 * - a body rewritten around a genuine signature (another storeId, eventType or order) is another request for the
 *   same ID: refused as a duplicate, nothing is signalled;
 * - the same delivery again (Ecwid's retry, after we crashed or Temporal was briefly unreachable) is the same
 *   request: Temporal answers with the run it started, and the hint is signalled again with the same request ID,
 *   which Temporal records once per run of the store's workflow (across a continue-as-new it is a harmless re-read).
 * Order hints are signalled from here, not from the event's workflow: one hop instead of three under load.
 */
export function ecwidWebhookRoutes(opts: { clientSecret?: string; client: Client; taskQueue: string; logger: Logger }): Router {
  const r = Router();
  r.post('/webhooks/ecwid', async (req, res) => {
    if (!opts.clientSecret) {
      res.status(503).json({ error: 'not_configured', message: 'ECWID_CLIENT_SECRET is not set' });
      return;
    }
    const parsed = ecwidWebhookSchema.safeParse(req.body);
    if (!parsed.success) {
      res.status(400).json({ error: 'invalid_webhook' });
      return;
    }
    const ev = parsed.data;
    const given = req.header('x-ecwid-webhook-signature');
    if (!secretsEqual(given, ecwidSignature(opts.clientSecret, ev.eventCreated, ev.eventId))) {
      res.status(401).json({ error: 'bad_signature' });
      return;
    }
    const freshness = ecwidEventFreshness(ev.eventCreated);
    if (freshness !== 'fresh') {
      // A replayed old delivery, or a date no genuine event has: refused (4xx, Ecwid does not retry those forever).
      ecwidWebhooksRefused.inc({ reason: freshness });
      opts.logger.warn({ storeId: ev.storeId, eventType: ev.eventType, eventCreated: ev.eventCreated }, `Ecwid webhook refused: ${freshness} event`);
      res.status(400).json({ error: `${freshness}_event`, message: 'eventCreated is outside the accepted window (24 hours back, 5 minutes ahead)' });
      return;
    }
    const orderId = ev.data?.orderId;
    const hint = orderHintOf(ev.eventType, orderId);
    const input: EcwidEventInput = { storeId: ev.storeId, eventType: ev.eventType, ...(orderId ? { orderId } : {}), ...(hint ? { hintSentByApi: true } : {}) };
    const requestId = requestIdOf('ecwid-webhook', ev.eventId, String(ev.storeId), ev.eventType, orderId ?? '');
    const unavailable = (err: unknown) => {
      // Answer 5xx so Ecwid retries: the retry is the same request, so it is not taken for a duplicate.
      opts.logger.error({ err: String(err), eventType: ev.eventType, storeId: ev.storeId }, 'could not hand the webhook to Temporal');
      res.status(503).json({ error: 'temporarily_unavailable' });
    };
    try {
      await startOnce(
        opts.client,
        'ecwidEvent',
        {
          workflowId: ecwidEventWorkflowId(ev.eventId),
          taskQueue: opts.taskQueue,
          args: [input],
          workflowIdConflictPolicy: 'FAIL',
          workflowIdReusePolicy: 'REJECT_DUPLICATE',
          typedSearchAttributes: [{ key: ECWID_STORE_ID, value: String(ev.storeId) }],
          // IDs and the event type only: the summary is shown in the Web UI and lists.
          staticSummary: `Ecwid ${ev.eventType} for store ${ev.storeId}${orderId ? `, order ${orderId}` : ''}`,
        },
        requestId,
      );
    } catch (err) {
      if (err instanceof WorkflowExecutionAlreadyStartedError) {
        res.status(200).json({ ok: true, duplicate: true });
        return;
      }
      unavailable(err);
      return;
    }
    if (hint) {
      try {
        await signalOnce(opts.client, storeSyncWorkflowId(ev.storeId), syncNowSignal, requestId, hint);
      } catch (err) {
        if (err instanceof WorkflowNotFoundError) {
          res.status(200).json({ ok: true, delivered: false }); // the store is not connected here
          return;
        }
        unavailable(err);
        return;
      }
    }
    res.status(200).json({ ok: true });
  });
  return r;
}
