/**
 * Look-ups made once per sync (store profile, products for stock locations, ShipStation order look-ups),
 * shared by the page activities of that sync when they run on the same worker. A miss only costs a request.
 */
interface Entry {
  expires: number;
  values: Map<string, Promise<unknown>>;
}

const TTL_MS = 15 * 60_000;
const caches = new Map<string, Entry>();

export function syncCache(syncId: string): <T>(key: string, load: () => Promise<T>) => Promise<T> {
  const now = Date.now();
  for (const [id, e] of caches) if (e.expires < now) caches.delete(id);
  let entry = caches.get(syncId);
  if (!entry) {
    entry = { expires: now + TTL_MS, values: new Map() };
    caches.set(syncId, entry);
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
