import type { ConnectionCredentials, ConnectionSettings } from '../workflows/definitions';
import { shipstationFor, type ActivityDeps } from './deps';
import { classified } from './failures';

/** The URL ShipStation calls for this store's labels. It carries the shared secret: V1 webhooks are unsigned. */
export function shipNotifyTarget(deps: ActivityDeps, storeId: number): string | undefined {
  if (!deps.publicUrl || !deps.shipstationWebhookSecret) return undefined;
  const url = new URL('/webhooks/shipstation', deps.publicUrl);
  url.searchParams.set('secret', deps.shipstationWebhookSecret);
  url.searchParams.set('store', String(storeId));
  return url.toString();
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
