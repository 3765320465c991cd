import type { ChildProcess } from 'node:child_process';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Client } from '@temporalio/client';
import { ConnectionService } from '../../src/connections/connection-service';
import { startEcwidSimulator, type EcwidSimulator } from '../../src/simulators/ecwid';
import { generateOrders } from '../../src/simulators/ecwid/seed';
import { startShipStationSimulator, type ShipStationSimulator } from '../../src/simulators/shipstation';
import { TEST_ENCRYPTION_KEY, encryptedClient, startTemporal } from '../helpers/temporal';
import { eventually } from '../helpers/stack';
import { killWorkerProcess, spawnWorkerProcess } from '../../src/stack/worker-process';

const SS = { apiKey: 'shared-key', apiSecret: 'shared-secret' };
const LIMIT = 8;
const WINDOW_MS = 4_000;

/**
 * Two worker processes import for two stores that share one ShipStation API key. ShipStation's budget is per
 * key, so it must hold across processes: the requests accepted per window never exceed the limit, 429s stay
 * rare (no storm), and every order arrives once.
 */
describe('the ShipStation budget holds across two worker processes', () => {
  let env: TestWorkflowEnvironment;
  let client: Client;
  let ecwid: EcwidSimulator;
  let shipstation: ShipStationSimulator;
  const workers: ChildProcess[] = [];

  beforeAll(async () => {
    env = await startTemporal();
    client = encryptedClient(env);
    ecwid = await startEcwidSimulator({ clientId: 'c', clientSecret: 's' });
    shipstation = await startShipStationSimulator({ accounts: [SS], rateLimitPerMinute: LIMIT, rateLimitWindowMs: WINDOW_MS });
    for (let i = 0; i < 2; i++) {
      workers.push(
        spawnWorkerProcess({
          TEMPORAL_ADDRESS: env.address,
          TEMPORAL_TASK_QUEUE: 'shared-budget',
          ENCRYPTION_KEY: TEST_ENCRYPTION_KEY,
          ECWID_API_URL: ecwid.url,
          SHIPSTATION_API_URL: shipstation.url,
          SHIPSTATION_API_KEY: SS.apiKey,
          SHIPSTATION_API_SECRET: SS.apiSecret,
        }, { stderr: 'on-failure' }),
      );
    }
  });
  afterAll(async () => {
    await Promise.all(workers.map((w) => killWorkerProcess(w)));
    await Promise.all([ecwid?.close(), shipstation?.close()]);
    await env?.teardown();
  });

  test('accepted calls per window ≤ the limit, few 429s, every order once', async () => {
    const service = new ConnectionService({ client, taskQueue: 'shared-budget', ecwidApiUrl: ecwid.url, defaultPollIntervalSeconds: 300 });
    const stores = [9801, 9802];
    for (const storeId of stores) {
      ecwid.addStore({ storeId, token: `secret_shared_${storeId}`, plan: 'VENTURE' });
      for (const o of generateOrders(1200, storeId)) ecwid.upsertOrder(storeId, o);
    }
    // Both stores sync at once, so activities run on both processes.
    await Promise.all(stores.map((storeId) => service.connect({ ecwidStoreId: storeId, ecwidAccessToken: `secret_shared_${storeId}` })));
    await eventually(() => shipstation.ordersByKey(SS.apiKey).size >= 2400, 180_000, 500);

    const authed = shipstation.requests.entries.filter((r) => r.status !== 401 && r.status !== undefined);
    const accepted = authed.filter((r) => r.status !== 429).map((r) => r.at);
    const start = accepted[0];
    const perWindow = new Map<number, number>();
    for (const at of accepted) perWindow.set(Math.floor((at - start) / WINDOW_MS), (perWindow.get(Math.floor((at - start) / WINDOW_MS)) ?? 0) + 1);
    // Window edges are the simulator's own; bucketed from the first call they can straddle two, hence 2×.
    expect(Math.max(...perWindow.values())).toBeLessThanOrEqual(2 * LIMIT);
    const refused = authed.filter((r) => r.status === 429).length;
    expect(refused).toBeLessThanOrEqual(perWindow.size * 2); // at most a couple per window: pacing, not a storm
    const created = shipstation.creationAttempts.filter((a) => a.outcome === 'created');
    expect(new Set(created.map((a) => a.orderKey)).size).toBe(created.length);
    // Both stores were imported in full.
    const byStore = stores.map((id) => [...shipstation.ordersByKey(SS.apiKey).keys()].filter((k) => k.startsWith(`ecwid-${id}-`)).length);
    expect(byStore).toEqual([1200, 1200]);
  }, 300_000);
});
