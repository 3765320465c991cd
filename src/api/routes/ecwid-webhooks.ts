import { createHmac } from 'node:crypto';
import { Router } from 'express';
import type { Logger } from '../../logging/logger';
import type { ConnectionService } from '../../connections/connection-service';
import { ecwidWebhookSchema } from '../../connections/schemas';
import { secretsEqual } from '../auth';

/** base64(HMAC-SHA256(client secret, `<eventCreated>.<eventId>`)): Ecwid signs only those two fields. */
export function ecwidSignature(clientSecret: string, eventCreated: number, eventId: string): string {
  return createHmac('sha256', clientSecret).update(`${eventCreated}.${eventId}`).digest('base64');
}

/** Remembers recent event IDs so a duplicate delivery costs nothing (duplicates are harmless anyway). */
class RecentEvents {
  private readonly seen = new Map<string, number>();
  constructor(private readonly max = 10_000) {}
  firstTime(id: string): boolean {
    if (this.seen.has(id)) return false;
    this.seen.set(id, Date.now());
    if (this.seen.size > this.max) this.seen.delete(this.seen.keys().next().value as string);
    return true;
  }
  forget(id: string): void {
    this.seen.delete(id);
  }
}

/**
 * POST /webhooks/ecwid. The body is a hint, never data: it wakes the store's workflow, which re-reads the
 * order through the API. Answers at once (Ecwid allows 10 s).
 */
export function ecwidWebhookRoutes(opts: { clientSecret?: string; service: ConnectionService; logger: Logger }): Router {
  const r = Router();
  const recent = new RecentEvents();
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
    if (!recent.firstTime(ev.eventId)) {
      res.status(200).json({ ok: true, duplicate: true });
      return;
    }
    const orderId = ev.data?.orderId;
    let delivered = true;
    try {
      switch (ev.eventType) {
        case 'order.created':
        case 'order.updated':
          if (orderId) delivered = await opts.service.syncNow(ev.storeId, { orderIds: [orderId], trigger: 'webhook' });
          break;
        case 'order.deleted':
          if (orderId) delivered = await opts.service.syncNow(ev.storeId, { deletedOrderIds: [orderId], trigger: 'webhook' });
          break;
        case 'application.uninstalled':
          delivered = await opts.service.needsReconnect(ev.storeId, 'The app was uninstalled in Ecwid: reconnect the store to resume');
          break;
        default:
          break; // other events (products, customers…) don't concern shipping
      }
    } catch (err) {
      // Temporal unreachable: answer 5xx so Ecwid retries, and let the retry through the dedupe.
      recent.forget(ev.eventId);
      opts.logger.error({ err: String(err), eventType: ev.eventType, storeId: ev.storeId }, 'could not hand the webhook to Temporal');
      res.status(503).json({ error: 'temporarily_unavailable' });
      return;
    }
    if (!delivered) opts.logger.info({ storeId: ev.storeId, eventType: ev.eventType }, 'webhook for a store that is not connected');
    res.status(200).json({ ok: true, delivered });
  });
  return r;
}
