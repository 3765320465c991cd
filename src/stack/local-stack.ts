import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Client } from '@temporalio/client';
import type { Worker } from '@temporalio/worker';
import pino from 'pino';
import { createApp, type AppOptions } from '../api/app';
import type { ConnectionService } from '../connections/connection-service';
import { startEcwidSimulator, type EcwidSimulator } from '../simulators/ecwid';
import { startShipStationSimulator, type ShipStationSimulator } from '../simulators/shipstation';
import { EncryptionCodec, keysFromEnv } from '../temporal/encryption-codec';
import { createWorker } from '../worker/create-worker';
import { stopBudgetReporter } from '../activities/budget-reporter';
import type { DeploymentVersion } from '../worker/versioning';
import { TEST_ENCRYPTION_KEY, encryptedClient, startTemporal, workflowBundle } from './test-temporal';

export const ADMIN_TOKEN = 'test-admin-token-0123456789';
export const ECWID_CLIENT_SECRET = 'test-ecwid-client-secret';
/** SHIPSTATION_WEBHOOK_KEY of test stacks: signs each account's SHIP_NOTIFY URL. */
export const WEBHOOK_KEY = 'test-shipstation-webhook-key-0123456789abcdef';
export const SS_ACCOUNT = { apiKey: 'test-ss-key', apiSecret: 'test-ss-secret' };

export interface TestStack {
  env: TestWorkflowEnvironment;
  client: Client;
  ecwid: EcwidSimulator;
  shipstation: ShipStationSimulator;
  apiUrl: string;
  service: ConnectionService;
  taskQueue: string;
  /** Fetch against the API with the admin token. */
  api(path: string, init?: RequestInit): Promise<Response>;
  /** Starts the worker, with today's workflow code or another bundle (an earlier release's, for upgrade tests). */
  startWorker(bundle?: { code: string }): Promise<void>;
  stopWorker(): Promise<void>;
  /** Starts one more worker (another process's, in its own memory), versioned if `deployment` is given. */
  extraWorker(opts: { bundle?: { code: string }; deployment?: DeploymentVersion; name?: string }): Promise<{ stop(): Promise<void> }>;
  /**
   * Starts another API process's app (same configuration unless `overrides` says otherwise, its own memory) and
   * returns its URL; stopped with the stack.
   */
  anotherApi(overrides?: Partial<AppOptions>): Promise<string>;
  stop(): Promise<void>;
}

let queueSeq = 0;

/** Real dev server, real worker, both simulators and the API on loopback ports (tests and benchmarks). */
export async function startTestStack(
  // shipstationRequestsPerMinute: the worker's own budget (SHIPSTATION_REQUESTS_PER_MINUTE); unset: headers only.
  opts: {
    rateLimitWindowMs?: number;
    rateLimitPerMinute?: number;
    ecwidRateLimit?: number;
    temporalArgs?: string[];
    shipstationRequestsPerMinute?: number;
    /** The Ecwid app page's options; default: framed by the simulator's admin page, operator account offered. */
    merchantApp?: AppOptions['merchantApp'];
    /** The Ecwid simulator's clock (ms), e.g. to date an order's last change back; default Date.now. */
    ecwidNow?: () => number;
  } = {},
): Promise<TestStack> {
  const env = await startTemporal(opts.temporalArgs);
  const client = encryptedClient(env);
  const ecwid = await startEcwidSimulator({ clientId: 'test-client', clientSecret: ECWID_CLIENT_SECRET, rateLimitPerMinute: opts.ecwidRateLimit, now: opts.ecwidNow });
  const shipstation = await startShipStationSimulator({
    accounts: [SS_ACCOUNT],
    rateLimitWindowMs: opts.rateLimitWindowMs,
    rateLimitPerMinute: opts.rateLimitPerMinute,
  });
  const taskQueue = `test-${process.pid}-${++queueSeq}`;
  const logger = pino({ level: 'silent' });
  // Listen first: the app needs its own public URL (OAuth redirect, webhook targets).
  const server: Server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const apiUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const appOptions: AppOptions = {
    client,
    logger,
    adminToken: ADMIN_TOKEN,
    taskQueue,
    ecwidApiUrl: ecwid.url,
    shipstationApiUrl: shipstation.url,
    ecwidClientSecret: ECWID_CLIENT_SECRET,
    ecwidClientId: 'test-client',
    ecwidOAuthUrl: ecwid.oauthUrl,
    publicUrl: apiUrl,
    shipstationWebhookKey: WEBHOOK_KEY,
    defaultPollIntervalSeconds: 300,
    codec: new EncryptionCodec(keysFromEnv(TEST_ENCRYPTION_KEY)),
    temporalUiOrigin: 'http://localhost:8233',
    // The simulator's admin page frames the app from http://localhost:<port> (apiUrl is on 127.0.0.1: another site).
    merchantApp: { frameAncestors: [`http://localhost:${ecwid.port}`], operatorAccountAllowed: true, ...opts.merchantApp },
  };
  const { app, service } = createApp(appOptions);
  server.on('request', app);
  const otherApis: Server[] = [];
  /** Another API process behind the same load balancer: same configuration and Temporal, nothing shared in memory. */
  const anotherApi = async (overrides: Partial<AppOptions> = {}): Promise<string> => {
    const other = createServer(createApp({ ...appOptions, ...overrides }).app);
    await new Promise<void>((r) => other.listen(0, '127.0.0.1', () => r()));
    otherApis.push(other);
    return `http://127.0.0.1:${(other.address() as AddressInfo).port}`;
  };
  ecwid.setWebhookUrl(`${apiUrl}/webhooks/ecwid`);
  ecwid.setAppUrl(`${apiUrl}/ecwid/app`);

  let worker: Worker | undefined;
  let running: Promise<void> | undefined;
  /** Another worker process's worker (its own memory, same task queue), e.g. a version of a rolling deploy. */
  const makeWorker = async (bundle?: { code: string }, deployment?: DeploymentVersion, workerName?: string) =>
    createWorker({
      connection: env.nativeConnection,
      client,
      namespace: 'default',
      taskQueue,
      encryptionKey: TEST_ENCRYPTION_KEY,
      workflowBundle: bundle ?? (await workflowBundle()),
      deployment,
      workerName,
      deps: {
        ecwidApiUrl: ecwid.url,
        shipstationApiUrl: shipstation.url,
        defaultShipStation: SS_ACCOUNT,
        publicUrl: apiUrl,
        shipstationWebhookKey: WEBHOOK_KEY,
        // Short, so tests can inject answers slower than it.
        httpTimeoutMs: 5_000,
        shipstationRequestsPerMinute: opts.shipstationRequestsPerMinute,
        logger,
      },
    });
  const startWorker = async (bundle?: { code: string }) => {
    worker = await makeWorker(bundle);
    running = worker.run();
  };
  const extras: { w: Worker; run: Promise<void> }[] = [];
  const stopWorker = async () => {
    worker?.shutdown();
    await running;
    worker = undefined;
  };
  await startWorker();

  return {
    env,
    client,
    ecwid,
    shipstation,
    apiUrl,
    service,
    taskQueue,
    api: (path, init = {}) =>
      fetch(`${apiUrl}${path}`, {
        ...init,
        headers: { Authorization: `Bearer ${ADMIN_TOKEN}`, 'Content-Type': 'application/json', ...(init.headers ?? {}) },
      }),
    startWorker,
    stopWorker,
    async extraWorker(o) {
      const w = await makeWorker(o.bundle, o.deployment, o.name);
      const run = w.run();
      extras.push({ w, run });
      return {
        async stop() {
          if (w.getState() === 'RUNNING') w.shutdown();
          await run.catch(() => undefined);
        },
      };
    },
    anotherApi,
    async stop() {
      await stopWorker().catch(() => undefined);
      for (const e of extras) {
        if (e.w.getState() === 'RUNNING') e.w.shutdown();
        await e.run.catch(() => undefined);
      }
      for (const other of otherApis) {
        other.closeAllConnections();
        await new Promise((r) => other.close(r));
      }
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
      await Promise.all([ecwid.close(), shipstation.close()]);
      stopBudgetReporter();
      // A Temporal client call that met a retryable status retries on a timer (100 ms, then doubling); one that fires
      // after the connection closed throws from the timer ("Channel has been shut down"). Calls begun by the
      // stopped worker and API (a background refresh of an account's facts, a budget report) get this long to end.
      await new Promise((r) => setTimeout(r, 1_000));
      await env.teardown();
    },
  };
}

/** Polls until `check` returns a truthy value (or throws after `timeoutMs`). */
export async function eventually<T>(check: () => Promise<T | undefined | false> | T | undefined | false, timeoutMs = 30_000, everyMs = 200): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await check();
      if (v) return v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`condition not met in ${timeoutMs} ms${last ? `: ${String(last)}` : ''}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
