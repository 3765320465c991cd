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
 * An order event is one signal to the store's workflow, with a request ID made of the signed event ID: Temporal
 * records it once per run of that workflow, so Ecwid's retries of a delivery (after we crashed, or Temporal was
 * briefly unreachable), through any API process, wake the store once, and a body rewritten around the same
 * signature for the same store is dropped too. No workflow is started per event: that was most of a webhook's cost.
 * A body rewritten for another store can only make that store re-read an order through its own token (a hint, never
 * data: an order it doesn't have is not in ShipStation under its key either, so nothing changes), and the
 * freshness window bounds replays. Across the store's continue-as-new a redelivery is a harmless re-read.
 *
 * `application.*` events start the `ecwidEvent` workflow `ecwid-event:<eventId>` (request ID: the whole delivery;
 * a rewritten body is refused as a duplicate), which checks the store's token before marking it. Other events
 * (products, customers…) have nothing to do with shipping and are acknowledged without any work.
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
    const unavailable = (err: unknown) => {
      // Answer 5xx so Ecwid retries: the retry is the same request, so it is not taken for a duplicate.
      opts.logger.error({ err: String(err), eventType: ev.eventType, storeId: ev.storeId }, 'could not hand the webhook to Temporal');
      res.status(503).json({ error: 'temporarily_unavailable' });
    };
    if (hint) {
      try {
        await signalOnce(opts.client, storeSyncWorkflowId(ev.storeId), syncNowSignal, requestIdOf('ecwid-order-event', ev.eventId), hint);
      } catch (err) {
        if (err instanceof WorkflowNotFoundError) {
          res.status(200).json({ ok: true, delivered: false }); // the store is not connected here
          return;
        }
        unavailable(err);
        return;
      }
      res.status(200).json({ ok: true });
      return;
    }
    if (!ev.eventType.startsWith('application.')) {
      res.status(200).json({ ok: true, delivered: false });
      return;
    }
    const input: EcwidEventInput = { storeId: ev.storeId, eventType: ev.eventType };
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
          staticSummary: `Ecwid ${ev.eventType} for store ${ev.storeId}`,
        },
        requestIdOf('ecwid-webhook', ev.eventId, String(ev.storeId), ev.eventType, orderId ?? ''),
      );
    } catch (err) {
      if (err instanceof WorkflowExecutionAlreadyStartedError) {
        res.status(200).json({ ok: true, duplicate: true });
        return;
      }
      unavailable(err);
      return;
    }
    res.status(200).json({ ok: true });
  });
  return r;
}
