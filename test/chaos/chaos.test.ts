import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { ConnectionService } from '../../src/connections/connection-service';
import { storeSyncWorkflowId } from '../../src/domain/ids';
import { startEcwidSimulator, type EcwidSimulator } from '../../src/simulators/ecwid';
import { generateOrders } from '../../src/simulators/ecwid/seed';
import { startShipStationSimulator, type ShipStationSimulator } from '../../src/simulators/shipstation';
import { startDevServer, temporalCli, waitForPort } from '../../src/stack/temporal-dev-server';
import { killWorkerProcess, spawnWorkerProcess } from '../../src/stack/worker-process';
import { dataConverter } from '../../src/temporal/data-converter';
import { statusQuery } from '../../src/workflows/definitions';
import { TEST_ENCRYPTION_KEY } from '../helpers/temporal';
import { eventually } from '../helpers/stack';

const ROOT = join(__dirname, '..', '..');
const STORE = 9901;
const TOKEN = 'secret_chaos_store_9901';
const SS = { apiKey: 'chaos-key', apiSecret: 'chaos-secret' };
const ORDERS = 1000;
const LABELS = 20;

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

/**
 * Crashes during a 1,000-order import: the worker is SIGKILLed three times and the Temporal dev server is
 * restarted once on its SQLite file. Every order must reach ShipStation exactly once and every label
 * must reach Ecwid.
 */
describe('chaos: worker kills and a server restart during a 1,000-order import', () => {
  let dir: string;
  let port: number;
  let server: ChildProcess;
  let worker: ChildProcess | undefined;
  let ecwid: EcwidSimulator;
  let shipstation: ShipStationSimulator;
  let client: Client;

  const startServer = async () => {
    server = startDevServer({ cli: temporalCli(ROOT), dbFile: join(dir, 'temporal.db'), port, logLevel: 'never' });
    await waitForPort(port);
  };
  const startWorker = () => {
    worker = spawnWorkerProcess({
      TEMPORAL_ADDRESS: `127.0.0.1:${port}`,
      TEMPORAL_TASK_QUEUE: 'chaos',
      ENCRYPTION_KEY: TEST_ENCRYPTION_KEY,
      ECWID_API_URL: ecwid.url,
      SHIPSTATION_API_URL: shipstation.url,
      SHIPSTATION_API_KEY: SS.apiKey,
      SHIPSTATION_API_SECRET: SS.apiSecret,
    }, { stderr: 'on-failure' });
  };
  const killWorker = () => killWorkerProcess(worker!);
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'chaos-'));
    port = await freePort();
    await startServer();
    ecwid = await startEcwidSimulator({ clientId: 'c', clientSecret: 's' });
    // A slow budget (4 bulk calls per 3 s) stretches the import over the crashes.
    shipstation = await startShipStationSimulator({ accounts: [SS], rateLimitPerMinute: 4, rateLimitWindowMs: 3_000 });
    ecwid.addStore({ storeId: STORE, token: TOKEN, plan: 'VENTURE' });
    for (const o of generateOrders(ORDERS, 99)) ecwid.upsertOrder(STORE, o);
    const connection = await Connection.connect({ address: `127.0.0.1:${port}` });
    client = new Client({ connection, dataConverter: dataConverter(TEST_ENCRYPTION_KEY) });
  });

  afterAll(async () => {
    if (worker) await killWorkerProcess(worker);
    server?.kill('SIGKILL');
    await client?.connection.close().catch(() => undefined);
    await Promise.all([ecwid?.close(), shipstation?.close()]);
    rmSync(dir, { recursive: true, force: true });
  });

  test('every order reaches ShipStation exactly once, every label reaches Ecwid', async () => {
    startWorker();
    const service = new ConnectionService({ client, taskQueue: 'chaos', ecwidApiUrl: ecwid.url, defaultPollIntervalSeconds: 300 });
    const created = await service.connect({ ecwidStoreId: STORE, ecwidAccessToken: TOKEN });
    expect(created.created).toBe(true);

    const imported = () => shipstation.ordersByKey(SS.apiKey).size;
    for (let kill = 1; kill <= 3; kill++) {
      await eventually(() => imported() >= kill * 200, 120_000, 100);
      await killWorker();
      await sleep(500);
      if (kill === 2) {
        // The server goes down too, and comes back on the same SQLite file.
        server.kill('SIGKILL');
        await new Promise((r) => server.once('exit', r));
        await startServer();
      }
      startWorker();
    }
    await eventually(() => imported() >= ORDERS, 240_000, 500);

    const attempts = shipstation.creationAttempts.filter((a) => a.apiKey === SS.apiKey);
    const createdKeys = attempts.filter((a) => a.outcome === 'created').map((a) => a.orderKey);
    expect(new Set(createdKeys).size).toBe(ORDERS);
    expect(createdKeys).toHaveLength(ORDERS); // never created twice; a crashed call may only re-send as an update
    expect(attempts.filter((a) => a.outcome === 'rejected')).toHaveLength(0);

    // Labels bought while the worker crashes again: reconciliation must deliver every one to Ecwid.
    const keys = [...shipstation.ordersByKey(SS.apiKey).keys()].slice(0, LABELS);
    for (const k of keys) await shipstation.createLabel(SS.apiKey, k, { notify: false });
    await client.workflow.getHandle(storeSyncWorkflowId(STORE)).signal('syncNow', { trigger: 'operator' });
    await sleep(1500);
    await killWorker();
    startWorker();
    const orderIds = keys.map((k) => k.split('-').slice(2).join('-'));
    await eventually(async () => {
      if (!orderIds.every((id) => ecwid.getOrder(STORE, id)?.fulfillmentStatus === 'SHIPPED')) {
        await client.workflow.getHandle(storeSyncWorkflowId(STORE)).signal('syncNow', { trigger: 'operator' });
        return false;
      }
      return true;
    }, 180_000, 3000);
    const status = await client.workflow.getHandle(storeSyncWorkflowId(STORE)).query(statusQuery);
    expect(status.recentFailed).toEqual([]);
    expect(status.failed).toBe(0);
  }, 600_000);
});
