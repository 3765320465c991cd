/** A store's custom status names (Ecwid `/profile/order_statuses`), by status ID. */
export type LoadStatusNames = (storeId: number) => Promise<Record<string, string>>;

/** How long a page waits for status names before rendering without them. */
export const STATUS_NAMES_TIMEOUT_MS = 3000;

/**
 * The names for a page: `base` overlaid with what `load` gives within the timeout. Names are a nicety: when Ecwid
 * is slow or refuses, the page shows the status IDs, which still explain the skip.
 */
export async function statusNamesWithin(load: LoadStatusNames | undefined, storeId: number, base: Record<string, string> = {}): Promise<Record<string, string>> {
  if (!load) return base;
  let timer: NodeJS.Timeout | undefined;
  try {
    const loaded = await Promise.race([
      load(storeId),
      new Promise<undefined>((resolve) => {
        timer = setTimeout(() => resolve(undefined), STATUS_NAMES_TIMEOUT_MS);
      }),
    ]);
    return { ...base, ...(loaded ?? {}) };
  } catch {
    return base;
  } finally {
    clearTimeout(timer);
  }
}
