import { EcwidClient } from '../clients/ecwid-client';
import { ApiError } from '../clients/http';
import type { EcwidProfile } from '../domain/ecwid';

export const PLAN_REQUIRED_MESSAGE =
  "This Ecwid store can't use the Ecwid API: the connector needs Ecwid's Venture plan or higher (Venture, Business or Unlimited), and a store that is not suspended.";

export class ConnectionRefused extends Error {
  constructor(
    readonly status: number,
    readonly code:
      | 'plan_required'
      | 'invalid_token'
      | 'store_not_found'
      | 'ecwid_unavailable'
      | 'shipstation_credentials_refused'
      | 'shipstation_unavailable'
      | 'shipstation_account_has_other_secret'
      | 'key_of_another_account'
      | 'account_not_found'
      | 'invalid_shipstation_store'
      | 'shipstation_store_not_listable',
    message: string,
  ) {
    super(message);
  }
}

/**
 * Reads the store profile before anything starts: a store without API access (402, or a profile
 * without the API feature) or a bad token is refused with a message the merchant can act on.
 */
export async function verifyEcwidAccess(ecwidApiUrl: string, storeId: number, token: string): Promise<EcwidProfile> {
  const client = new EcwidClient({ baseUrl: ecwidApiUrl, storeId, token, timeoutMs: 8_000 });
  let profile: EcwidProfile;
  try {
    profile = await client.getProfile();
  } catch (err) {
    if (err instanceof ApiError) {
      if (err.status === 402) throw new ConnectionRefused(402, 'plan_required', `${PLAN_REQUIRED_MESSAGE} (Ecwid said ${err.code ?? '402'})`);
      if (err.status === 403)
        throw new ConnectionRefused(
          403,
          'invalid_token',
          'Ecwid refused the access token: it is invalid or revoked, or lacks the scopes read_store_profile read_orders update_orders read_catalog.',
        );
      if (err.status === 404) throw new ConnectionRefused(404, 'store_not_found', `Ecwid has no store ${storeId}.`);
      throw new ConnectionRefused(502, 'ecwid_unavailable', `Ecwid could not be reached to check the store (${err.message}); try again.`);
    }
    throw err;
  }
  const features = profile.account?.availableFeatures;
  if (profile.account?.suspended || (Array.isArray(features) && !features.includes('API'))) {
    throw new ConnectionRefused(402, 'plan_required', PLAN_REQUIRED_MESSAGE);
  }
  return profile;
}
