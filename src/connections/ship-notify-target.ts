/**
 * The SHIP_NOTIFY target of a ShipStation account: `${PUBLIC_URL}/webhooks/shipstation?account=<accountId>&sig=<sig>`.
 * ShipStation V1 webhooks are unsigned, and the merchant who owns the ShipStation account can read the URL in their
 * settings, so the URL must be worth nothing for any other account: `sig` is an HMAC of the account ID under the
 * server's SHIPSTATION_WEBHOOK_KEY. A merchant who reads their URL learns their own signature only; changing the
 * account in it, or adding `store=`, makes it worthless. The key itself never leaves the server.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

/** Keys that sign SHIP_NOTIFY targets: the current one signs new subscriptions, old ones are still accepted. */
export interface WebhookKeys {
  current: string;
  old?: string[];
}

/** base64url of HMAC-SHA256(key, "ship-notify\naccount\n<accountId>"), truncated to 32 characters (192 bits). */
export function accountWebhookSignature(key: string, accountId: string): string {
  return createHmac('sha256', key).update(`ship-notify\naccount\n${accountId}`).digest('base64url').slice(0, 32);
}

/** The target URL of the account's one SHIP_NOTIFY subscription. */
export function accountShipNotifyUrl(publicUrl: string, key: string, accountId: string): string {
  const url = new URL('/webhooks/shipstation', publicUrl);
  url.searchParams.set('account', accountId);
  url.searchParams.set('sig', accountWebhookSignature(key, accountId));
  return url.toString();
}

/** Whether `sig` is the account's signature under the current key or one of the old ones (constant time). */
export function verifyAccountSignature(keys: WebhookKeys, accountId: string, sig: string | undefined): boolean {
  if (typeof sig !== 'string' || sig.length !== 32) return false;
  const given = Buffer.from(sig);
  let ok = false;
  for (const key of [keys.current, ...(keys.old ?? [])]) {
    const expected = Buffer.from(accountWebhookSignature(key, accountId));
    // Every key is tried, whatever matched: the time taken says nothing about which.
    if (expected.length === given.length && timingSafeEqual(expected, given)) ok = true;
  }
  return ok;
}

/** A short, non-reversible name of a secret, for operators to tell keys apart (never the secret). */
export { fingerprint } from './fingerprint';
