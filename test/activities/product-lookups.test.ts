import type { EcwidClient } from '../../src/clients/ecwid-client';
import { ApiError } from '../../src/clients/http';
import { mapWithConcurrency } from '../../src/activities/concurrency';
import { PRODUCT_LOOKUP_CONCURRENCY, lookUpStockLocations } from '../../src/activities/import-orders';
import { syncCache } from '../../src/activities/sync-cache';
import type { ConnectionSettings } from '../../src/workflows/definitions';

const settings: ConnectionSettings = { pollIntervalSeconds: 300, importSince: 0, statusMapping: {}, importPickupOrders: false };

/** A fake Ecwid that answers product look-ups after a delay and counts how many are in flight at once. */
function fakeEcwid(opts: { delayMs?: number; missing?: number[]; failing?: number[] } = {}) {
  const seen = { inFlight: 0, maxInFlight: 0, calls: [] as number[] };
  const ecwid = {
    async getProduct(id: number) {
      seen.calls.push(id);
      seen.inFlight += 1;
      seen.maxInFlight = Math.max(seen.maxInFlight, seen.inFlight);
      try {
        await new Promise((r) => setTimeout(r, opts.delayMs ?? 20));
        if (opts.missing?.includes(id)) throw new ApiError('ecwid', 404, 'Ecwid GET /products/:id answered 404', 'PRODUCT_NOT_FOUND');
        if (opts.failing?.includes(id)) throw new ApiError('ecwid', 503, 'Ecwid GET /products/:id answered 503');
        return { id, attributes: [{ name: 'Warehouse', value: `shelf-${id}` }] };
      } finally {
        seen.inFlight -= 1;
      }
    },
  };
  return { ecwid: ecwid as unknown as EcwidClient, seen };
}

const items = (ids: number[]) => ids.map((productId, i) => ({ id: i + 1, productId, quantity: 1, price: 1 }));

describe('product look-ups for stock locations', () => {
  test(`at most ${PRODUCT_LOOKUP_CONCURRENCY} at once, each distinct product once`, async () => {
    const ids = Array.from({ length: 17 }, (_, i) => 100 + i);
    const { ecwid, seen } = fakeEcwid({ missing: [105] });
    const locations = await lookUpStockLocations(ecwid, items([...ids, 101, 102]), { ...settings, stockLocationAttribute: 'Warehouse' }, syncCache('lookups-1'));
    expect(PRODUCT_LOOKUP_CONCURRENCY).toBe(4);
    expect(seen.maxInFlight).toBe(PRODUCT_LOOKUP_CONCURRENCY);
    expect([...seen.calls].sort()).toEqual(ids);
    expect(Object.keys(locations).sort()).toEqual(ids.map(String));
    expect(locations['100']).toBe('shelf-100');
    // A deleted product has no location; the others still have theirs.
    expect(locations['105']).toBeUndefined();
    expect(locations['116']).toBe('shelf-116');
  });

  test('a temporary failure fails the look-ups as a retryable activity failure, and starts no more calls', async () => {
    const ids = Array.from({ length: 12 }, (_, i) => 200 + i);
    const { ecwid, seen } = fakeEcwid({ failing: [201] });
    await expect(lookUpStockLocations(ecwid, items(ids), settings, syncCache('lookups-2'))).rejects.toMatchObject({
      type: 'EcwidUnavailable',
      nonRetryable: false,
    });
    await new Promise((r) => setTimeout(r, 100));
    // 201 failed among the first four; each of the three other lanes takes at most one more product before stopping.
    expect(seen.calls.length).toBeLessThanOrEqual(PRODUCT_LOOKUP_CONCURRENCY + 3);
    expect(seen.inFlight).toBe(0);
  });
});

describe('mapWithConcurrency', () => {
  test('keeps the order of the items, whatever order the calls finish in', async () => {
    const out = await mapWithConcurrency([30, 5, 20, 1, 10], 2, async (ms) => {
      await new Promise((r) => setTimeout(r, ms));
      return ms * 10;
    });
    expect(out).toEqual([300, 50, 200, 10, 100]);
  });

  test('an empty list makes no calls', async () => {
    const fn = jest.fn(async (x: number) => x);
    await expect(mapWithConcurrency([], 4, fn)).resolves.toEqual([]);
    expect(fn).not.toHaveBeenCalled();
  });
});
