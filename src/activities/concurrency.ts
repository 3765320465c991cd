/**
 * `fn` over `items` with at most `limit` calls in flight, results in the order of `items`. The first failure
 * rejects the whole, and no new call starts after it (calls already in flight finish on their own).
 * Used where an unbounded Promise.all would fire one request per item at once and invite 429s.
 */
export async function mapWithConcurrency<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  let failed = false;
  const worker = async (): Promise<void> => {
    while (!failed && next < items.length) {
      const i = next++;
      try {
        results[i] = await fn(items[i]);
      } catch (err) {
        failed = true;
        throw err;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  return results;
}
