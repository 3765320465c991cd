/**
 * The production shape on one machine, for the multi-worker tests and benchmark: a Temporal dev server, both
 * simulators (ShipStation with several accounts, each key with its own rolling window), W worker processes
 * (`npm run worker`) and A API processes (`npm run api`), each in its own process group so that one can be SIGKILLed.
 * The caller's process holds only the simulators and a client: what it spends is not the connector's.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Client } from '@temporalio/client';
import { ConnectionService } from '../connections/connection-service';
import { startEcwidSimulator, type EcwidSimulator } from '../simulators/ecwid';
import { startShipStationSimulator, type ShipStationSimulator } from '../simulators/shipstation';
import { TEST_ENCRYPTION_KEY, encryptedClient, startTemporal } from './test-temporal';
import { killWorkerProcess, spawnWorkerProcess } from './worker-process';

const ROOT = join(__dirname, '..', '..');
export const MP_ADMIN_TOKEN = 'multi-process-admin-token-0123456789';
export const MP_ECWID_SECRET = 'multi-process-ecwid-client-secret';
export const MP_WEBHOOK_KEY = 'multi-process-shipstation-webhook-key-0123456789';
const MP_SESSION_SECRET = 'multi-process-session-secret-0123456789abcdef';

export interface MultiProcessStack {
  env: TestWorkflowEnvironment;
  client: Client;
  ecwid: EcwidSimulator;
  shipstation: ShipStationSimulator;
  accounts: { apiKey: string; apiSecret: string }[];
  taskQueue: string;
  service: ConnectionService;
  workers: (ChildProcess | undefined)[];
  apis: { url: string; proc: ChildProcess }[];
  /** Starts worker `i` (again). */
  startWorker(i: number): ChildProcess;
  killWorker(i: number, signal?: NodeJS.Signals): Promise<void>;
  /** GET on API `i` with the admin token. */
  api<T>(i: number, path: string): Promise<T>;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

export async function startMultiProcessStack(opts: {
  workers: number;
  apis: number;
  accounts: number;
  rateLimitPerMinute?: number;
  rateLimitWindowMs?: number;
  workerEnv?: Record<string, string>;
  /** Node flags of the worker processes (e.g. `--cpu-prof`). */
  workerNodeFlags?: string[];
}): Promise<MultiProcessStack> {
  const env = await startTemporal();
  const client = encryptedClient(env);
  const accounts = Array.from({ length: opts.accounts }, (_, i) => ({ apiKey: `mp-key-${i}`, apiSecret: `mp-secret-${i}` }));
  const ecwid = await startEcwidSimulator({ clientId: 'mp-client', clientSecret: MP_ECWID_SECRET, rateLimitPerMinute: 100_000, autoWebhooks: false });
  const shipstation = await startShipStationSimulator({ accounts, rateLimitPerMinute: opts.rateLimitPerMinute, rateLimitWindowMs: opts.rateLimitWindowMs });
  const taskQueue = `mp-${process.pid}`;
  const apiPorts = await Promise.all(Array.from({ length: opts.apis }, () => freePort()));
  const common = {
    TEMPORAL_ADDRESS: env.address,
    TEMPORAL_TASK_QUEUE: taskQueue,
    ENCRYPTION_KEY: TEST_ENCRYPTION_KEY,
    ECWID_API_URL: ecwid.url,
    SHIPSTATION_API_URL: shipstation.url,
    SHIPSTATION_WEBHOOK_KEY: MP_WEBHOOK_KEY,
    PUBLIC_URL: `http://127.0.0.1:${apiPorts[0]}`,
    LOG_LEVEL: 'error',
  };
  const workers: (ChildProcess | undefined)[] = [];
  const startWorker = (i: number) => {
    const w = spawnWorkerProcess({ ...common, ...opts.workerEnv }, { nodeFlags: opts.workerNodeFlags });
    workers[i] = w;
    return w;
  };
  for (let i = 0; i < opts.workers; i++) startWorker(i);
  const apis = apiPorts.map((port) => ({
    url: `http://127.0.0.1:${port}`,
    proc: spawn(process.execPath, [join(ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs'), join(ROOT, 'src', 'api', 'main.ts')], {
      env: { ...process.env, ...common, PORT: String(port), API_BIND_ADDRESS: '127.0.0.1', ADMIN_TOKEN: MP_ADMIN_TOKEN, SESSION_SECRET: MP_SESSION_SECRET, ECWID_CLIENT_SECRET: MP_ECWID_SECRET, ECWID_CLIENT_ID: 'mp-client' },
      stdio: ['ignore', 'ignore', 'inherit'],
      detached: true,
    }),
  }));
  for (const a of apis) {
    for (let t = 0; ; t++) {
      try {
        if ((await fetch(`${a.url}/health`)).ok) break;
      } catch {
        // not listening yet
      }
      if (t > 300) throw new Error(`API at ${a.url} did not start`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  const service = new ConnectionService({ client, taskQueue, ecwidApiUrl: ecwid.url, defaultPollIntervalSeconds: 3600 });
  return {
    env,
    client,
    ecwid,
    shipstation,
    accounts,
    taskQueue,
    service,
    workers,
    apis,
    startWorker,
    killWorker: async (i, signal = 'SIGKILL') => {
      const w = workers[i];
      if (w) await killWorkerProcess(w, signal);
      workers[i] = undefined;
    },
    api: async <T>(i: number, path: string) => (await (await fetch(`${apis[i].url}${path}`, { headers: { Authorization: `Bearer ${MP_ADMIN_TOKEN}` } })).json()) as T,
    async stop() {
      await Promise.all(workers.map((w) => (w ? killWorkerProcess(w) : undefined)));
      await Promise.all(apis.map((a) => killWorkerProcess(a.proc)));
      await Promise.all([ecwid.close(), shipstation.close()]);
      await env.teardown();
    },
  };
}
