import { ApplicationFailure } from '@temporalio/activity';
import { ApiError } from '../clients/http';
import type { ConnectionCredentials } from '../workflows/definitions';
import { ecwidFor, type ActivityDeps } from './deps';
import { toActivityFailure } from './failures';
import { credentialsOf } from './shipments';

/**
 * What Ecwid says about a store's current token: `ok` (accepted), `refused` (401/403: revoked, e.g. the app was
 * uninstalled), or `not_connected` (the connector has no such store, so there is no token to ask about).
 */
export type StoreAccess = 'ok' | 'refused' | 'not_connected';

/**
 * Asks Ecwid, with the store's own current token, for the store profile. An `application.uninstalled` webhook
 * is only a hint (Ecwid does not sign its storeId): the store is marked for reconnection only when this says
 * `refused`. Temporary failures (network, 429, 5xx) throw and are retried by the caller's retry policy.
 */
export async function checkStoreAccess(deps: ActivityDeps, input: { storeId: number }): Promise<StoreAccess> {
  let credentials: ConnectionCredentials;
  try {
    credentials = await credentialsOf(deps, input.storeId);
  } catch (err) {
    if (err instanceof ApplicationFailure && err.type === 'StoreNotConnected') return 'not_connected';
    throw err;
  }
  try {
    await ecwidFor(deps, input.storeId, credentials).getProfile();
    return 'ok';
  } catch (err) {
    if (err instanceof ApiError && err.service === 'ecwid' && !err.temporary) {
      if (err.status === 401 || err.status === 403) return 'refused';
      // Any other answer (402 plan, 404 store) means Ecwid did not refuse the token itself. Only a refused token
      // proves the uninstall; the store's own next sync reports a plan or store problem with its real reason.
      return 'ok';
    }
    throw toActivityFailure(err);
  }
}
