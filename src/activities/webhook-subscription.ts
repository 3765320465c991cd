import type { ShipStationClient } from '../clients/shipstation-client';
import { accountShipNotifyUrl } from '../connections/ship-notify-target';
import type { ConnectionCredentials, ConnectionSettings } from '../workflows/definitions';
import { shipstationFor, type ActivityDeps } from './deps';
import { classified } from './failures';

/**
 * The per-store target of an earlier release (`?secret=…&store=N`). Retired: the API refuses it, and such
 * subscriptions are deleted by their account (`ensureAccountSubscription`). Runs of that release that still call
 * `ensureShipNotifyWebhook` get `not_configured`: their stores' labels come through their account.
 */
export function shipNotifyTarget(_deps: ActivityDeps, _storeId: number): string | undefined {
  return undefined;
}

/**
 * Subscribes SHIP_NOTIFY for the connection's ShipStation store. Lists first, so calling it again
 * (every reconnect, every new run) never adds a second subscription.
 */
export async function ensureShipNotifyWebhook(
  deps: ActivityDeps,
  input: { storeId: number; credentials: ConnectionCredentials; settings: ConnectionSettings },
): Promise<'subscribed' | 'already' | 'not_configured'> {
  const target = shipNotifyTarget(deps, input.storeId);
  if (!target) return 'not_configured';
  const ss = shipstationFor(deps, input.credentials);
  const hooks = await classified(() => ss.listWebhooks());
  const storeFilter = input.settings.shipstationStoreId ?? null;
  if (hooks.some((h) => h.HookType === 'SHIP_NOTIFY' && h.Url === target && (h.StoreID ?? null) === storeFilter)) return 'already';
  // A stale subscription for this store (old secret, old store filter) is replaced.
  for (const h of hooks.filter((h) => h.HookType === 'SHIP_NOTIFY' && isOurs(h.Url, input.storeId))) {
    await classified(() => ss.deleteWebhook(h.WebHookID));
  }
  await classified(() =>
    ss.subscribeWebhook({
      target_url: target,
      event: 'SHIP_NOTIFY',
      ...(input.settings.shipstationStoreId ? { store_id: input.settings.shipstationStoreId } : {}),
      friendly_name: `Ecwid store ${input.storeId} (connector)`,
    }),
  );
  return 'subscribed';
}

export async function removeShipNotifyWebhook(
  deps: ActivityDeps,
  input: { storeId: number; credentials: ConnectionCredentials },
): Promise<number> {
  const ss = shipstationFor(deps, input.credentials);
  const hooks = await classified(() => ss.listWebhooks());
  const ours = hooks.filter((h) => h.HookType === 'SHIP_NOTIFY' && isOurs(h.Url, input.storeId));
  for (const h of ours) await classified(() => ss.deleteWebhook(h.WebHookID));
  return ours.length;
}

function isOurs(url: string, storeId: number): boolean {
  try {
    const u = new URL(url);
    return u.pathname === '/webhooks/shipstation' && u.searchParams.get('store') === String(storeId);
  } catch {
    return false;
  }
}

// ---- One subscription per ShipStation account ----

/**
 * The URL ShipStation calls for every label of the account: one subscription, whatever the number of stores. It
 * carries the account's own signature (HMAC of its ID under SHIPSTATION_WEBHOOK_KEY), worthless for any other account.
 */
export function accountShipNotifyTarget(deps: ActivityDeps, accountId: string): string | undefined {
  if (!deps.publicUrl || !deps.shipstationWebhookKey) return undefined;
  return accountShipNotifyUrl(deps.publicUrl, deps.shipstationWebhookKey, accountId);
}

/**
 * A SHIP_NOTIFY target this connector made: our path on our public origin. Another installation's subscriptions
 * on the same ShipStation account (another origin) are left alone. Earlier releases' targets (`?secret=…`, with
 * the retired shared secret) are ours too when on our origin, and are replaced.
 */
function connectorTarget(deps: ActivityDeps, url: string): URL | undefined {
  try {
    const u = new URL(url);
    if (u.pathname !== '/webhooks/shipstation') return undefined;
    return deps.publicUrl !== undefined && u.origin === new URL(deps.publicUrl).origin ? u : undefined;
  } catch {
    return undefined;
  }
}

export interface AccountSubscription {
  state: 'subscribed' | 'already' | 'not_configured';
  /** Older per-store subscriptions deleted by this call. */
  replacedLegacy: number;
  /** Older per-store subscriptions still there (deleted in chunks: call again). */
  legacyLeft: number;
}

/**
 * The events the account subscribes, both to its one signed URL: labels (SHIP_NOTIFY) and orders marked as shipped
 * without a label (FULFILLMENT_SHIPPED), which SHIP_NOTIFY never announces.
 */
const ACCOUNT_EVENTS = ['SHIP_NOTIFY', 'FULFILLMENT_SHIPPED'] as const;

/** Old per-store subscriptions deleted per call, so that a call stays short even with thousands of them. */
const LEGACY_DELETES_PER_CALL = 30;

/**
 * Makes sure the account has its SHIP_NOTIFY and FULFILLMENT_SHIPPED subscriptions, then deletes what it replaces: the connector's
 * per-store subscriptions (`…?store=N`) and stale account ones (old secret or public URL). Subscribe first,
 * delete after, so that no label goes unnotified in between (a label notified twice is written once).
 * Costs one list call when all is in place.
 */
export async function ensureAccountSubscription(deps: ActivityDeps, ss: ShipStationClient, accountId: string): Promise<AccountSubscription> {
  const target = accountShipNotifyTarget(deps, accountId);
  if (!target) return { state: 'not_configured', replacedLegacy: 0, legacyLeft: 0 };
  const hooks = (await classified(() => ss.listWebhooks())).filter((h) => (ACCOUNT_EVENTS as readonly string[]).includes(h.HookType));
  const current = new Set<(typeof hooks)[number]>();
  let state: AccountSubscription['state'] = 'already';
  for (const event of ACCOUNT_EVENTS) {
    const found = hooks.find((h) => h.HookType === event && h.Url === target && (h.StoreID ?? null) === null);
    if (found) {
      current.add(found);
      continue;
    }
    const name = event === 'SHIP_NOTIFY' ? `Ecwid stores (connector, account ${accountId})` : `Ecwid stores, marked as shipped (connector, account ${accountId})`;
    await classified(() => ss.subscribeWebhook({ target_url: target, event, friendly_name: name }));
    state = 'subscribed';
  }
  const replaced = hooks.filter((h) => {
    if (current.has(h)) return false;
    const u = connectorTarget(deps, h.Url);
    return u !== undefined && (u.searchParams.has('store') || u.searchParams.get('account') === accountId);
  });
  const now = replaced.slice(0, LEGACY_DELETES_PER_CALL);
  for (const h of now) await classified(() => ss.deleteWebhook(h.WebHookID));
  return { state, replacedLegacy: now.length, legacyLeft: replaced.length - now.length };
}

/** Removes the account's subscription (its last store left). */
export async function removeAccountSubscription(deps: ActivityDeps, ss: ShipStationClient, accountId: string): Promise<number> {
  const hooks = await classified(() => ss.listWebhooks());
  const ours = hooks.filter(
    (h) => (ACCOUNT_EVENTS as readonly string[]).includes(h.HookType) && connectorTarget(deps, h.Url)?.searchParams.get('account') === accountId,
  );
  for (const h of ours) await classified(() => ss.deleteWebhook(h.WebHookID));
  return ours.length;
}
