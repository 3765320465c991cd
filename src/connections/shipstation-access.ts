import { ShipStationClient } from '../clients/shipstation-client';
import { ApiError } from '../clients/http';

export type ShipStationKeyCheck = 'ok' | 'refused' | 'unavailable';

/**
 * Asks ShipStation whether an API key and secret work (GET /stores, one cheap call) before a merchant's keys are
 * saved: a typo is caught on the form, not hours later as failed imports. 401/403 → refused; anything else that
 * fails (timeout, 5xx, 429) → unavailable, so the merchant is told to try again rather than that the key is wrong.
 */
export async function checkShipStationKeys(baseUrl: string, apiKey: string, apiSecret: string): Promise<ShipStationKeyCheck> {
  const client = new ShipStationClient({ baseUrl, apiKey, apiSecret, timeoutMs: 8_000, max429Waits: 0 });
  try {
    await client.listStores();
    return 'ok';
  } catch (err) {
    if (err instanceof ApiError && (err.status === 401 || err.status === 403)) return 'refused';
    return 'unavailable';
  }
}
