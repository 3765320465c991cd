import { createHash } from 'node:crypto';
import type { Client } from '@temporalio/client';
import { EcwidClient } from '../clients/ecwid-client';
import { ShipStationClient } from '../clients/shipstation-client';
import type { Logger } from '../logging/logger';
import type { ConnectionCredentials, ShipStationCredentials } from '../workflows/definitions';
import { Context, ApplicationFailure } from '@temporalio/activity';
import { fingerprint } from '../connections/fingerprint';
import { shipstationAccountWorkflowId } from '../domain/ids';
import { shipstationCredentialsRefused } from '../observability/metrics';
import { credentialsRefusedSignal } from '../workflows/definitions';

export interface AccountTrafficHost {
  /** Starts polling the account's task queue in this process; `stop` ends it (in-flight activities finish or are cancelled). */
  serve(accountId: string): Promise<{ stop(): Promise<void> }>;
  /** This process's name, as operators see it in the account's status. */
  readonly workerName: string;
}

/** What activities need from the outside world; injected so tests and the worker choose the endpoints. */
export interface ActivityDeps {
  ecwidApiUrl: string;
  shipstationApiUrl: string;
  /** The worker's ShipStation account, used by connections that don't bring their own. */
  defaultShipStation?: ShipStationCredentials;
  publicUrl?: string;
  /** SHIPSTATION_WEBHOOK_KEY: signs each account's SHIP_NOTIFY target (see connections/ship-notify-target.ts). */
  shipstationWebhookKey?: string;
  logger: Logger;
  /** Temporal client, to signal shipment workflows from reconciliation. */
  temporal?: Client;
  taskQueue?: string;
  /** Per-request timeout for Ecwid and ShipStation calls (default 30 s / 60 s). */
  httpTimeoutMs?: number;
  /**
   * SHIPSTATION_REQUESTS_PER_MINUTE: this process never starts more ShipStation calls per API key in a rolling
   * minute, on top of the pacing by the server's headers. Unset: headers only.
   */
  shipstationRequestsPerMinute?: number;
  /** How often a running activity heartbeats regardless of its progress (default 1 s; tests shorten it). */
  heartbeatIntervalMs?: number;
  /**
   * This worker process serves ShipStation accounts' traffic while it holds their leases (see account-traffic.ts):
   * it polls an account's own task queue for as long as `serve` is not stopped. Absent: the process never owns one.
   */
  accountTraffic?: AccountTrafficHost;
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

/**
 * A ShipStation client for the connection's account (its own pair, or the worker's default). `accountId`: the
 * account the pair serves, when known (a replacement pair keeps its account's ID); by default the pair's own
 * (`accountIdOf`). Its calls spend that account's budget, and a 401/403 tells the account it needs new credentials.
 */
export function shipstationFor(deps: ActivityDeps, credentials: ConnectionCredentials | undefined, accountId?: string): ShipStationClient {
  const creds = credentials?.shipstation ?? deps.defaultShipStation;
  if (!creds) {
    throw ApplicationFailure.nonRetryable(
      'No ShipStation credentials: set SHIPSTATION_API_KEY and SHIPSTATION_API_SECRET, or give the connection its own',
      'ShipStationNotConfigured',
    );
  }
  const account = accountId ?? creds.accountId ?? shipstationAccountId(creds.apiKey);
  const refusedPair = pairFingerprint(creds);
  return new ShipStationClient({
    baseUrl: deps.shipstationApiUrl,
    apiKey: creds.apiKey,
    apiSecret: creds.apiSecret,
    budgetKey: account,
    timeoutMs: deps.httpTimeoutMs,
    requestsPerMinute: deps.shipstationRequestsPerMinute,
    onRefused: (status) => reportRefused(deps, account, refusedPair, status),
    onAccepted: () => shipstationCredentialsRefused.set({ account }, 0),
    hooks: {
      onWait: (msLeft) => heartbeat({ waitingForShipStationMs: msLeft }),
      signal: activitySignal(),
    },
  });
}

/** Labels of fingerprints (connections/fingerprint.ts) of ShipStation API keys, and of key and secret together. */
export const KEY_FINGERPRINT = 'shipstation-api-key';
export const PAIR_FINGERPRINT = 'shipstation-key-pair';

export function pairFingerprint(creds: { apiKey: string; apiSecret: string }): string {
  return fingerprint(PAIR_FINGERPRINT, `${creds.apiKey}\n${creds.apiSecret}`);
}

/** The account a pair serves: the account it was given to (`accountId`), else the one registered with its key. */
export function accountIdOf(deps: ActivityDeps, creds: ShipStationCredentials | undefined): string {
  const c = creds ?? deps.defaultShipStation;
  if (!c) {
    throw ApplicationFailure.nonRetryable(
      'No ShipStation credentials: set SHIPSTATION_API_KEY and SHIPSTATION_API_SECRET, or give the connection its own',
      'ShipStationNotConfigured',
    );
  }
  return c.accountId ?? shipstationAccountId(c.apiKey);
}

/** At most one `credentialsRefused` signal per account and pair per process in this long: a refused pair fails every call. */
const REFUSAL_SIGNAL_EVERY_MS = 15_000;
const refusalSignalled = new Map<string, number>();

/**
 * ShipStation refused the account's pair: the metric says so at once, and the account's workflow is told (its
 * status, the stores' and the pages then show "needs new ShipStation credentials").
 */
function reportRefused(deps: ActivityDeps, accountId: string, pair: string, status: number): void {
  shipstationCredentialsRefused.set({ account: accountId }, 1);
  const last = refusalSignalled.get(`${accountId}:${pair}`) ?? 0;
  if (!deps.temporal || Date.now() - last < REFUSAL_SIGNAL_EVERY_MS) return;
  refusalSignalled.set(`${accountId}:${pair}`, Date.now());
  deps.temporal.workflow
    .getHandle(shipstationAccountWorkflowId(accountId))
    .signal(credentialsRefusedSignal, { pairFingerprint: pair, status, at: new Date().toISOString() })
    .catch((err: unknown) => deps.logger.warn({ accountId, err: String(err) }, 'could not tell the account its credentials were refused'));
  deps.logger.warn({ accountId, status }, 'ShipStation refused the account\'s key pair: it needs new ShipStation credentials');
}

function inActivity(): boolean {
  try {
    Context.current();
    return true;
  } catch {
    return false;
  }
}

/** The last progress each running activity reported, which the ticker repeats. */
const lastDetails = new WeakMap<Context, { details: unknown }>();
/** Where a retry of the running activity should resume (see `recordResumePoint`). */
const resumePoints = new WeakMap<Context, unknown>();

export function heartbeat(details?: unknown): void {
  if (!inActivity()) return;
  const ctx = Context.current();
  // Every heartbeat carries the resume point: Temporal keeps only the last details, and a wait's heartbeat
  // (the ShipStation pacer's) must not erase where a retry should start.
  const resume = resumePoints.get(ctx);
  const sent = resume === undefined ? details : { ...(typeof details === 'object' && details !== null ? details : {}), resume };
  lastDetails.set(ctx, { details: sent });
  ctx.heartbeat(sent);
}

/**
 * Records where a retry of this activity (after a crash, a timeout or a lost worker) should start, e.g. the next
 * page to read. Kept in every heartbeat from now on; read back by `resumePoint()` in the next attempt. Temporal
 * stores heartbeats throttled (at most every 80% of the heartbeat timeout), so a retry may redo the last few steps.
 */
export function recordResumePoint(point: unknown): void {
  if (!inActivity()) return;
  resumePoints.set(Context.current(), point);
  heartbeat({ stage: 'progress' });
}

/** The resume point the previous attempt of this activity recorded, if any (undefined outside an activity). */
export function resumePoint(): unknown {
  if (!inActivity()) return undefined;
  const details: unknown = Context.current().info.heartbeatDetails;
  return typeof details === 'object' && details !== null && 'resume' in details ? details.resume : undefined;
}

/**
 * Default period of the ticker: well under the heartbeat timeouts the workflows give (5 s for the activities of an
 * account's traffic, whose owner's death must be noticed at once; 60 s for the others). The SDK sends at most one
 * heartbeat per 80 % of the timeout to the server, so a short tick costs no extra calls.
 */
export const HEARTBEAT_INTERVAL_MS = 1_000;

/**
 * Runs `fn`, and while it runs inside a Temporal activity, heartbeats every `everyMs` with the last progress
 * details it reported. Progress heartbeats alone leave gaps: one slow call (ShipStation allows 60 s, as long as
 * the heartbeat timeout) would make Temporal start a second attempt beside the first. The SDK throttles what it
 * sends to the server, so ticking often costs nothing. Outside an activity (tests, scripts) it just runs `fn`.
 */
export async function withHeartbeatTicker<T>(fn: () => Promise<T>, everyMs = HEARTBEAT_INTERVAL_MS): Promise<T> {
  if (!inActivity()) return fn();
  const ctx = Context.current();
  const timer = setInterval(() => {
    // Details from the previous attempt until this one reports its own, so a retry still sees where it was.
    const last = lastDetails.get(ctx);
    ctx.heartbeat(last ? last.details : ctx.info.heartbeatDetails);
  }, everyMs);
  try {
    return await fn();
  } finally {
    clearInterval(timer);
  }
}

/** Gives every activity of `activities` the heartbeat ticker, keeping each one's name and signature. */
export function withHeartbeats<A extends Record<string, (...args: never[]) => Promise<unknown>>>(activities: A, everyMs?: number): A {
  const wrapped: Record<string, unknown> = {};
  for (const [name, activity] of Object.entries(activities)) {
    wrapped[name] = (...args: never[]) => withHeartbeatTicker(() => activity(...args), everyMs);
  }
  return wrapped as A;
}

function activitySignal(): AbortSignal | undefined {
  return inActivity() ? Context.current().cancellationSignal : undefined;
}

/**
 * The ID an account gets when it is first registered with an API key: the first 16 hex characters of sha256 of
 * the key (never the key itself). The account keeps it when its pair is replaced (`ShipStationCredentials.accountId`).
 */
export function shipstationAccountId(apiKey: string): string {
  return createHash('sha256').update(apiKey).digest('hex').slice(0, 16);
}
