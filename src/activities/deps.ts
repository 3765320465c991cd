import type { Client } from '@temporalio/client';
import { EcwidClient } from '../clients/ecwid-client';
import { ShipStationClient } from '../clients/shipstation-client';
import type { Logger } from '../logging/logger';
import type { ConnectionCredentials, ShipStationCredentials } from '../workflows/definitions';
import { Context, ApplicationFailure } from '@temporalio/activity';

/** What activities need from the outside world; injected so tests and the worker choose the endpoints. */
export interface ActivityDeps {
  ecwidApiUrl: string;
  shipstationApiUrl: string;
  /** The worker's ShipStation account, used by connections that don't bring their own. */
  defaultShipStation?: ShipStationCredentials;
  publicUrl?: string;
  shipstationWebhookSecret?: string;
  logger: Logger;
  /** Temporal client, to signal shipment workflows from reconciliation. */
  temporal?: Client;
  taskQueue?: string;
  /** Per-request timeout for Ecwid and ShipStation calls (default 30 s / 60 s). */
  httpTimeoutMs?: number;
}

export function ecwidFor(deps: ActivityDeps, storeId: number, credentials: ConnectionCredentials): EcwidClient {
  return new EcwidClient({
    baseUrl: deps.ecwidApiUrl,
    storeId,
    token: credentials.ecwidAccessToken,
    signal: activitySignal(),
    timeoutMs: deps.httpTimeoutMs,
  });
}

export function shipstationFor(deps: ActivityDeps, credentials: ConnectionCredentials | undefined): ShipStationClient {
  const creds = credentials?.shipstation ?? deps.defaultShipStation;
  if (!creds) {
    throw ApplicationFailure.nonRetryable(
      'No ShipStation credentials: set SHIPSTATION_API_KEY and SHIPSTATION_API_SECRET, or give the connection its own',
      'ShipStationNotConfigured',
    );
  }
  return new ShipStationClient({
    baseUrl: deps.shipstationApiUrl,
    ...creds,
    timeoutMs: deps.httpTimeoutMs,
    hooks: {
      onWait: (msLeft) => heartbeat({ waitingForShipStationMs: msLeft }),
      signal: activitySignal(),
    },
  });
}

function inActivity(): boolean {
  try {
    Context.current();
    return true;
  } catch {
    return false;
  }
}

export function heartbeat(details?: unknown): void {
  if (inActivity()) Context.current().heartbeat(details);
}

function activitySignal(): AbortSignal | undefined {
  return inActivity() ? Context.current().cancellationSignal : undefined;
}
