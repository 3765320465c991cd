import { ApplicationFailure } from '@temporalio/activity';
import { ApiError } from '../clients/http';

/**
 * Turns an API error into the failure Temporal should act on: temporary ones are retried (429 waits
 * for Retry-After through `nextRetryDelay`), permanent ones stop with a type the workflow understands.
 */
export function toActivityFailure(err: unknown): unknown {
  if (!(err instanceof ApiError)) return err;
  if (err.status === 429) {
    return ApplicationFailure.create({
      type: err.service === 'shipstation' ? 'ShipStationRateLimited' : 'EcwidRateLimited',
      message: `${err.message} (retry after ${err.retryAfterSeconds ?? '?'} s)`,
      nextRetryDelay: err.retryAfterSeconds !== undefined ? `${Math.max(1, err.retryAfterSeconds)}s` : undefined,
    });
  }
  if (err.temporary) {
    return ApplicationFailure.create({ type: `${serviceName(err)}Unavailable`, message: err.message });
  }
  if (err.service === 'ecwid') {
    if (err.status === 402) {
      return ApplicationFailure.nonRetryable(
        `Ecwid refused API access (${err.code ?? '402'}): the connector needs Ecwid's Venture plan or higher, and a store that is not suspended`,
        'EcwidPlanRequired',
      );
    }
    if (err.status === 403) {
      return ApplicationFailure.nonRetryable(
        `Ecwid refused the access token (${err.code ?? '403'}): it is invalid, revoked, or lacks the scopes read_orders update_orders read_store_profile read_catalog; reconnect the store`,
        'EcwidTokenInvalid',
      );
    }
    if (err.status === 404 && err.code === 'STORE_NOT_FOUND') {
      return ApplicationFailure.nonRetryable(err.message, 'EcwidStoreNotFound');
    }
  }
  if (err.service === 'shipstation' && (err.status === 401 || err.status === 403)) {
    return ApplicationFailure.nonRetryable(
      `ShipStation refused the API key and secret (${err.status}); check the connection's ShipStation credentials`,
      'ShipStationAuthFailed',
    );
  }
  return ApplicationFailure.nonRetryable(err.message, `${serviceName(err)}RequestRejected`);
}

/**
 * A permanent refusal that concerns the order asked about, not the connection: a 4xx other than 401/402/403
 * (credentials, plan), 429 (rate limit) and Ecwid's "store not found". Such an error becomes that order's
 * `failed` outcome so the other orders go on; everything else is thrown, classified, for Temporal to retry or
 * for the workflow to mark the connection.
 */
export function concernsOneOrder(err: unknown): err is ApiError {
  if (!(err instanceof ApiError) || err.temporary) return false;
  if (err.status < 400 || err.status >= 500) return false;
  if (err.status === 401 || err.status === 402 || err.status === 403) return false;
  return !(err.status === 404 && err.code === 'STORE_NOT_FOUND');
}

function serviceName(err: ApiError): string {
  return err.service === 'shipstation' ? 'ShipStation' : 'Ecwid';
}

/** Runs `fn`, converting API errors into Temporal failures. */
export async function classified<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw toActivityFailure(err);
  }
}
