/**
 * Look-ups shared by activities on the same worker: per sync (ShipStation order look-ups, shared by the pages of
 * that sync), and per store for a minute (profile and products: with many stores each importing single orders
 * from webhooks, reading them again for every order would cost an Ecwid call each). A miss only costs a request.
 */
interface Entry {
  expires: number;
  values: Map<string, Promise<unknown>>;
}

const SYNC_TTL_MS = 15 * 60_000;
/** A product's stock location or the store's weight unit changed in Ecwid applies within this long. */
const STORE_TTL_MS = 60_000;
const caches = new Map<string, Entry>();

export type LookupCache = <T>(key: string, load: () => Promise<T>) => Promise<T>;

export function syncCache(syncId: string): LookupCache {
  return lookupCache(`sync:${syncId}`, SYNC_TTL_MS);
}

export function storeCache(storeId: number): LookupCache {
  return lookupCache(`store:${storeId}`, STORE_TTL_MS);
}

/**
 * ShipStation listings of a store's import window (its open orders), shared by every sync of the store for a quarter
 * of an hour: a backfill that continues as new, or its next passes, do not list them again. Only orders the connector
 * has no record of sending are looked up there, and a stale answer costs at most a refused update.
 */
export function windowCache(storeId: number): LookupCache {
  return lookupCache(`window:${storeId}`, SYNC_TTL_MS);
}

function lookupCache(scope: string, ttlMs: number): LookupCache {
  const now = Date.now();
  for (const [id, e] of caches) if (e.expires < now) caches.delete(id);
  let entry = caches.get(scope);
  if (!entry) {
    entry = { expires: now + ttlMs, values: new Map() };
    caches.set(scope, entry);
  }
  const values = entry.values;
  return <T>(key: string, load: () => Promise<T>): Promise<T> => {
    let p = values.get(key) as Promise<T> | undefined;
    if (!p) {
      p = load();
      values.set(key, p);
      // A failed look-up is not cached: the retry asks again.
      p.catch(() => values.delete(key));
    }
    return p;
  };
}
