import { createHmac } from 'node:crypto';
import { Router } from 'express';
import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import type { Logger } from '../../logging/logger';
import { ecwidWebhookSchema } from '../../connections/schemas';
import { ECWID_STORE_ID } from '../../temporal/search-attributes';
import type { EcwidEventInput } from '../../workflows/ecwid-event';
import { secretsEqual } from '../auth';

/** base64(HMAC-SHA256(client secret, `<eventCreated>.<eventId>`)): Ecwid signs only those two fields. */
export function ecwidSignature(clientSecret: string, eventCreated: number, eventId: string): string {
  return createHmac('sha256', clientSecret).update(`${eventCreated}.${eventId}`).digest('base64');
}

/** The workflow of one Ecwid event. Keyed by eventId alone: it is the signed part, the rest of the body is not. */
export function ecwidEventWorkflowId(eventId: string): string {
  return `ecwid-event:${eventId}`;
}

/**
 * POST /webhooks/ecwid. Ecwid signs only eventCreated and eventId, so storeId, eventType and data are hints:
 * the body starts an `ecwidEvent` workflow, which wakes the store's workflow to re-read the order from Ecwid, or
 * asks Ecwid whether the store's token still works. Answers at once (Ecwid allows 10 s).
 *
 * The workflow ID is the dedupe, durable and shared by every API process: a second delivery of an eventId (an
 * Ecwid retry, or a replay with another storeId or eventType) is refused by Temporal. Closed workflow IDs stay
 * reserved for the namespace's retention, whose minimum is 1 day: that covers Ecwid's 24 hours of retries.
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
    const input: EcwidEventInput = { storeId: ev.storeId, eventType: ev.eventType, ...(ev.data?.orderId ? { orderId: ev.data.orderId } : {}) };
    try {
      await opts.client.workflow.start('ecwidEvent', {
        workflowId: ecwidEventWorkflowId(ev.eventId),
        taskQueue: opts.taskQueue,
        args: [input],
        workflowIdConflictPolicy: 'FAIL',
        workflowIdReusePolicy: 'REJECT_DUPLICATE',
        typedSearchAttributes: [{ key: ECWID_STORE_ID, value: String(ev.storeId) }],
        // IDs and the event type only: the summary is shown in the Web UI and lists.
        staticSummary: `Ecwid ${ev.eventType} for store ${ev.storeId}${input.orderId ? `, order ${input.orderId}` : ''}`,
      });
    } catch (err) {
      if (err instanceof WorkflowExecutionAlreadyStartedError) {
        res.status(200).json({ ok: true, duplicate: true });
        return;
      }
      // Temporal unreachable: answer 5xx so Ecwid retries; nothing was recorded, so the retry is not a duplicate.
      opts.logger.error({ err: String(err), eventType: ev.eventType, storeId: ev.storeId }, 'could not hand the webhook to Temporal');
      res.status(503).json({ error: 'temporarily_unavailable' });
      return;
    }
    res.status(200).json({ ok: true });
  });
  return r;
}
