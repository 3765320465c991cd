import { MockActivityEnvironment } from '@temporalio/testing';
import { DefaultLogger } from '@temporalio/worker';
import pino from 'pino';
import { createActivities } from '../../src/activities';
import { heartbeat, recordResumePoint, resumePoint, withHeartbeats } from '../../src/activities/deps';
import type { ImportOrdersResult } from '../../src/activities/import-orders';
import { startEcwidSimulator, type EcwidSimulator } from '../../src/simulators/ecwid';
import { importableOrder } from '../helpers/orders';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function recordingEnv(): { env: MockActivityEnvironment; beats: unknown[] } {
  // The failing activity below is expected; keep the SDK's "Activity failed" warning out of the test output.
  const env = new MockActivityEnvironment(undefined, { logger: new DefaultLogger('ERROR') });
  const beats: unknown[] = [];
  env.on('heartbeat', (d: unknown) => beats.push(d));
  return { env, beats };
}

describe('the heartbeat ticker', () => {
  test('heartbeats on its own while a slow step runs, repeating the last progress reported', async () => {
    const { env, beats } = recordingEnv();
    const activities = withHeartbeats(
      {
        slowStep: async (label: string) => {
          heartbeat({ stage: 'fetched' });
          // One slow call, no progress heartbeat of its own: it lasts until the ticker beat three times (or 5 s, on a
          // machine so loaded that no timer fired: then the count below fails). No fixed sleep: a loaded CI machine
          // delays timers, and the ticker's beats are what is tested, not the clock.
          for (const start = Date.now(); beats.length < 4 && Date.now() - start < 5_000; ) await sleep(20);
          return `${label} done`;
        },
      },
      100,
    );
    await expect(env.run(activities.slowStep, 'page 1')).resolves.toBe('page 1 done');
    // The progress heartbeat, then the ticker's own, every 100 ms, carrying the same details.
    expect(beats[0]).toEqual({ stage: 'fetched' });
    expect(beats.length).toBeGreaterThanOrEqual(4);
    expect(beats.every((b) => JSON.stringify(b) === JSON.stringify({ stage: 'fetched' }))).toBe(true);
  });

  test('stops when the activity settles, whether it succeeds or fails', async () => {
    const { env, beats } = recordingEnv();
    const activities = withHeartbeats(
      {
        ok: async () => {
          await sleep(250);
        },
        fails: async () => {
          await sleep(250);
          throw new Error('Ecwid answered 400');
        },
      },
      50,
    );
    await env.run(activities.ok);
    await expect(env.run(activities.fails)).rejects.toThrow('Ecwid answered 400');
    const afterwards = beats.length;
    expect(afterwards).toBeGreaterThanOrEqual(6);
    await sleep(300);
    expect(beats.length).toBe(afterwards);
  });

  test('outside a Temporal activity it only runs the function', async () => {
    const activities = withHeartbeats({ plain: async (n: number) => n * 2 }, 10);
    await expect(activities.plain(21)).resolves.toBe(42);
  });
});

describe('resume points', () => {
  test('every later heartbeat carries the resume point, so a wait for the budget never erases it', async () => {
    const { env, beats } = recordingEnv();
    const activities = withHeartbeats(
      {
        paging: async () => {
          recordResumePoint({ nextPage: 4 });
          heartbeat({ waitingForShipStationMs: 1500 });
          await sleep(250);
        },
      },
      100,
    );
    await env.run(activities.paging);
    expect(beats[0]).toEqual({ stage: 'progress', resume: { nextPage: 4 } });
    expect(beats[1]).toEqual({ waitingForShipStationMs: 1500, resume: { nextPage: 4 } });
    expect(beats.slice(2).every((b) => JSON.stringify(b) === JSON.stringify(beats[1]))).toBe(true);
  });

  test('the next attempt reads the previous attempt\'s resume point from its heartbeat details', async () => {
    const env = new MockActivityEnvironment({ heartbeatDetails: { waitingForShipStationMs: 10, resume: { nextPage: 7 } } });
    await expect(env.run(async () => resumePoint())).resolves.toEqual({ nextPage: 7 });
    const fresh = new MockActivityEnvironment();
    await expect(fresh.run(async () => resumePoint())).resolves.toBeUndefined();
    await expect(Promise.resolve(resumePoint())).resolves.toBeUndefined(); // outside an activity
  });
});

describe('every activity of createActivities heartbeats on the ticker', () => {
  const STORE = 7301;
  const TOKEN = 'secret_store_7301_token';
  let ecwid: EcwidSimulator;
  beforeAll(async () => {
    ecwid = await startEcwidSimulator();
    ecwid.addStore({ storeId: STORE, token: TOKEN, plan: 'VENTURE' });
  });
  afterAll(async () => {
    await ecwid.close();
  });

  test('importOrders keeps heartbeating through a slow Ecwid answer, before any progress to report', async () => {
    const order = ecwid.upsertOrder(STORE, importableOrder());
    const activities = createActivities({
      ecwidApiUrl: ecwid.url,
      shipstationApiUrl: 'http://127.0.0.1:9/unused',
      logger: pino({ level: 'silent' }),
      heartbeatIntervalMs: 100,
    });
    ecwid.faults.inject({ kind: 'slow', delayMs: 600 }, { times: 1, method: 'GET' });
    const { env, beats } = recordingEnv();
    // MockActivityEnvironment.run does not infer the result type.
    const page = (await env.run(activities.importOrders, {
      storeId: STORE,
      syncId: 'heartbeat-test',
      credentials: { ecwidAccessToken: TOKEN },
      settings: { pollIntervalSeconds: 300, importSince: 0, statusMapping: {}, importPickupOrders: false },
      orderIds: [order.id!],
      // Already sent: the page ends after the fetch, without ShipStation.
      recentlySent: { [order.id!]: order.updateTimestamp! },
    })) as ImportOrdersResult;
    expect(page.outcomes).toEqual([{ id: order.id, outcome: 'unchanged' }]);
    const firstProgress = beats.findIndex((b) => (b as { stage?: string } | undefined)?.stage === 'fetched');
    // Ticks during the 600 ms search, before the first progress heartbeat.
    expect(firstProgress).toBeGreaterThanOrEqual(4);
  });
});
