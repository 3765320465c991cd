/**
 * Outgoing Ecwid webhooks: `POST <webhookUrl>?eventtype=<type>` with the documented body and
 * `X-Ecwid-Webhook-Signature` = base64(HMAC-SHA256(client secret, "<eventCreated>.<eventId>")).
 */
import { createHmac, randomUUID } from 'node:crypto';

export interface WebhookData {
  orderId?: string;
  [k: string]: unknown;
}

export interface WebhookBody {
  eventId: string;
  eventCreated: number;
  storeId: number;
  /** Orders: the internal order ID. `application.*`: the store ID as a quoted string, as in Ecwid's example. */
  entityId?: number | string;
  eventType: string;
  data: WebhookData;
}

/** One attempted delivery, kept so tests can see what the simulator sent and how it was answered. */
export interface WebhookDelivery {
  url: string;
  body: WebhookBody;
  signature: string;
  /** HTTP status of the receiver's answer; 0 when the request failed (see `error`). */
  status: number;
  error?: string;
  at: number;
}

export function ecwidWebhookSignature(secret: string, eventCreated: number, eventId: string): string {
  return createHmac('sha256', secret).update(`${eventCreated}.${eventId}`).digest('base64');
}

export class WebhookSender {
  url: string | undefined;
  readonly deliveries: WebhookDelivery[] = [];

  constructor(
    private readonly clientSecret: string,
    private readonly now: () => number,
  ) {}

  /** Sends one event; rejects when no URL is set or the receiver can't be reached (Ecwid allows 3 s + 10 s). */
  async send(
    storeId: number,
    eventType: string,
    data: WebhookData,
    entityId: number | string | undefined,
    signWith?: string,
  ): Promise<{ status: number; eventId: string }> {
    if (!this.url) throw new Error('Ecwid simulator: no webhook URL set (call setWebhookUrl first)');
    const body: WebhookBody = { eventId: randomUUID(), eventCreated: Math.floor(this.now() / 1000), storeId, entityId, eventType, data };
    const signature = ecwidWebhookSignature(signWith ?? this.clientSecret, body.eventCreated, body.eventId);
    const target = new URL(this.url);
    target.searchParams.set('eventtype', eventType);
    const delivery: WebhookDelivery = { url: target.toString(), body, signature, status: 0, at: this.now() };
    this.deliveries.push(delivery);
    try {
      const res = await fetch(target, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json; charset=UTF-8', 'X-Ecwid-Webhook-Signature': signature },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(13_000),
        redirect: 'manual', // Ecwid counts a redirect as a failed delivery, it does not follow it.
      });
      await res.arrayBuffer().catch(() => undefined);
      delivery.status = res.status;
      return { status: res.status, eventId: body.eventId };
    } catch (err) {
      delivery.error = err instanceof Error ? err.message : String(err);
      throw err;
    }
  }
}
