import { MockActivityEnvironment } from '@temporalio/testing';
import pino from 'pino';
import { shipstationFor } from '../../src/activities/deps';
import { observeWindow, waitForSlot } from '../../src/clients/rate-pacer';
import { startShipStationSimulator, type ShipStationSimulator } from '../../src/simulators/shipstation';

/** Settles `p` into a flag, so a test can see whether a wait is still pending after the clock moves. */
function track(p: Promise<void>): { done: boolean; promise: Promise<void> } {
  const t = { done: false, promise: p };
  void p.then(() => {
    t.done = true;
  });
  return t;
}

describe("the process's own ShipStation budget (SHIPSTATION_REQUESTS_PER_MINUTE)", () => {
  beforeEach(() => {
    jest.useFakeTimers({ now: 1_700_000_000_000 });
  });
  afterEach(() => {
    jest.useRealTimers();
  });

  test('with a budget of 3 a minute, calls go 20 s apart, and a 4th waits until the first leaves the rolling window', async () => {
    const key = 'budget-3';
    const budget = { perWindow: 3 };
    await waitForSlot(key, 'shipstation', {}, budget); // an idle key's first call goes at once
    const waits: number[] = [];
    const second = track(waitForSlot(key, 'shipstation', { onWait: (ms) => waits.push(ms) }, budget));
    await jest.advanceTimersByTimeAsync(19_999);
    expect(second.done).toBe(false);
    // It says how long is left every 5 s (the activity heartbeats it), counting down.
    expect(waits).toEqual([20_000, 15_000, 10_000, 5_000]);
    await jest.advanceTimersByTimeAsync(1);
    expect(second.done).toBe(true);
    const third = track(waitForSlot(key, 'shipstation', {}, budget));
    const fourth = track(waitForSlot(key, 'shipstation', {}, budget));
    await jest.advanceTimersByTimeAsync(20_000); // t = 40 s
    expect([third.done, fourth.done]).toEqual([true, false]);
    await jest.advanceTimersByTimeAsync(19_999);
    expect(fourth.done).toBe(false);
    await jest.advanceTimersByTimeAsync(1); // t = 60 s: the call at 0 left the window
    expect(fourth.done).toBe(true);
  });

  test('the window rolls: each call waits only for the call three back, not for a fixed minute boundary', async () => {
    const key = 'budget-rolling';
    const budget = { perWindow: 3 };
    await waitForSlot(key, 'shipstation', {}, budget); // t = 0
    await jest.advanceTimersByTimeAsync(20_000);
    await waitForSlot(key, 'shipstation', {}, budget); // t = 20 s
    await jest.advanceTimersByTimeAsync(20_000);
    await waitForSlot(key, 'shipstation', {}, budget); // t = 40 s
    await jest.advanceTimersByTimeAsync(10_000); // t = 50 s

    const fourth = track(waitForSlot(key, 'shipstation', {}, budget));
    const fifth = track(waitForSlot(key, 'shipstation', {}, budget));
    await jest.advanceTimersByTimeAsync(9_999);
    expect([fourth.done, fifth.done]).toEqual([false, false]);
    await jest.advanceTimersByTimeAsync(1); // t = 60 s: the call at 0 left the window
    expect([fourth.done, fifth.done]).toEqual([true, false]);
    await jest.advanceTimersByTimeAsync(19_999);
    expect(fifth.done).toBe(false);
    await jest.advanceTimersByTimeAsync(1); // t = 80 s: the call at 20 s left
    expect(fifth.done).toBe(true);
  });

  test('budgets are per API key: another key is not held back', async () => {
    const budget = { perWindow: 1 };
    await waitForSlot('budget-key-a', 'shipstation', {}, budget);
    const sameKey = track(waitForSlot('budget-key-a', 'shipstation', {}, budget));
    const otherKey = track(waitForSlot('budget-key-b', 'shipstation', {}, budget));
    await jest.advanceTimersByTimeAsync(0);
    expect([sameKey.done, otherKey.done]).toEqual([false, true]);
    await jest.advanceTimersByTimeAsync(60_000);
    expect(sameKey.done).toBe(true);
  });

  test("without a budget only the server's headers pace the calls", async () => {
    const key = 'no-budget';
    for (let i = 0; i < 100; i++) await waitForSlot(key, 'shipstation');
    // The server said: 0 left, window resets in 5 s.
    observeWindow(key, 0, 5);
    const next = track(waitForSlot(key, 'shipstation'));
    await jest.advanceTimersByTimeAsync(4_999);
    expect(next.done).toBe(false);
    await jest.advanceTimersByTimeAsync(100);
    expect(next.done).toBe(true);
  });

  test("the budget is spread even when the server's headers offer the window's rest at once", async () => {
    const key = 'budget-and-headers';
    const budget = { perWindow: 2 };
    // The server: 39 calls left, and its window resets in 6 s (headers alone would space them 150 ms apart).
    observeWindow(key, 39, 6);
    await waitForSlot(key, 'shipstation', {}, budget);
    const second = track(waitForSlot(key, 'shipstation', {}, budget));
    await jest.advanceTimersByTimeAsync(29_999);
    expect(second.done).toBe(false);
    await jest.advanceTimersByTimeAsync(1); // 60 s / 2: the process's own pace
    expect(second.done).toBe(true);
    const third = track(waitForSlot(key, 'shipstation', {}, budget));
    await jest.advanceTimersByTimeAsync(29_999);
    expect(third.done).toBe(false);
    await jest.advanceTimersByTimeAsync(1);
    expect(third.done).toBe(true);
  });

  test('at 40 a minute, a steady demand gets a call every 1.5 s, never a burst then a stall', async () => {
    const key = 'budget-40-steady';
    const budget = { perWindow: 40 };
    observeWindow(key, 40, 10); // the server would take 40 calls in 10 s
    const grants: number[] = [];
    const t0 = Date.now();
    const all = Array.from({ length: 60 }, () => waitForSlot(key, 'shipstation', {}, budget).then(() => grants.push(Date.now() - t0)));
    await jest.advanceTimersByTimeAsync(120_000);
    await Promise.all(all);
    const gaps = grants.slice(1).map((g, i) => g - grants[i]);
    expect(Math.max(...gaps)).toBeLessThanOrEqual(1_600); // with no stall of ~45 s after the server's burst
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(1_500);
  });
});

describe('the budget reaches the ShipStation calls of activities', () => {
  const account = { apiKey: 'pacer-test-key', apiSecret: 'pacer-test-secret' };
  let ss: ShipStationSimulator;
  beforeAll(async () => {
    // A large budget, so the headers space the calls by milliseconds and only the process's own budget holds them.
    ss = await startShipStationSimulator({ accounts: [account], rateLimitPerMinute: 1_000 });
  });
  afterAll(async () => {
    await ss.close();
  });

  test('with shipstationRequestsPerMinute 2, calls go 30 s apart: the second is not sent at once (and cancelling ends the wait)', async () => {
    const deps = {
      ecwidApiUrl: 'http://127.0.0.1:9/unused',
      shipstationApiUrl: ss.url,
      defaultShipStation: account,
      shipstationRequestsPerMinute: 2,
      logger: pino({ level: 'silent' }),
    };
    const env = new MockActivityEnvironment();
    const heartbeats: unknown[] = [];
    env.on('heartbeat', (d: unknown) => heartbeats.push(d));
    const run = env.run(async () => {
      const client = shipstationFor(deps, undefined);
      await client.listStores();
      await client.listStores();
      await client.listStores();
    });
    const settled = run.then(
      () => 'completed',
      () => 'cancelled',
    );
    // Well past what a loopback call takes, far short of the 30 s between calls.
    await new Promise((r) => setTimeout(r, 1_000));
    expect(ss.requests.filter('GET', '/stores')).toHaveLength(1);
    // While it waits, the activity heartbeats how long is left.
    expect(heartbeats).toContainEqual({ waitingForShipStationMs: expect.any(Number) as number });
    env.cancel();
    expect(await settled).toBe('cancelled');
    expect(ss.requests.filter('GET', '/stores')).toHaveLength(1);
  });
});
