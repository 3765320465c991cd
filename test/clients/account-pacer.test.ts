import { PRIORITY, acquireSlot, markExhausted, observeWindow, paceSnapshot, type Slot } from '../../src/clients/rate-pacer';
import { ShipStationClient } from '../../src/clients/shipstation-client';
import { basicAuth, startShipStationSimulator, type ShipStationSimulator } from '../../src/simulators/shipstation';

/** Collects the slots granted on a key, with the fake clock's time of each grant. */
function grants() {
  const got: { name: string; at: number; slot: Slot }[] = [];
  const ask = (key: string, name: string, priority: number, signal?: AbortSignal) =>
    acquireSlot(key, { priority, signal }).then((slot) => {
      got.push({ name, at: Date.now(), slot });
      return slot;
    });
  return { got, ask, names: () => got.map((g) => g.name) };
}

describe('the account pacer: one queue per key, by priority, one grant at a time (fake clock)', () => {
  const T0 = 1_700_000_000_000;
  beforeEach(() => {
    jest.useFakeTimers({ now: T0 });
  });
  afterEach(() => {
    jest.useRealTimers();
  });

  test('live orders go first, then other calls, then backfill; first come first served within each', async () => {
    const key = 'prio-order';
    observeWindow(key, 0, 5); // spent until the reset
    const g = grants();
    void g.ask(key, 'backfill-1', PRIORITY.backfill);
    void g.ask(key, 'read-1', PRIORITY.other);
    void g.ask(key, 'live-1', PRIORITY.live);
    void g.ask(key, 'backfill-2', PRIORITY.backfill);
    void g.ask(key, 'live-2', PRIORITY.live);
    await jest.advanceTimersByTimeAsync(5_050);
    expect(g.names()).toEqual(['live-1']);
    g.got[0].slot.answered(10, 10); // the first answer of the new window: 10 left
    await jest.advanceTimersByTimeAsync(10_000);
    expect(g.names()).toEqual(['live-1', 'live-2', 'read-1', 'backfill-1', 'backfill-2']);
  });

  test('after a reset the waiting callers are granted one by one, never in a burst', async () => {
    const key = 'no-burst';
    markExhausted(key, 3); // a 429: spent for 3 s
    const g = grants();
    for (let i = 0; i < 10; i++) void g.ask(key, `call-${i}`, PRIORITY.other);
    await jest.advanceTimersByTimeAsync(3_049);
    expect(g.got).toHaveLength(0);
    await jest.advanceTimersByTimeAsync(1);
    // The new window's budget is unknown: one call goes, the others wait for its answer.
    expect(g.got).toHaveLength(1);
    await jest.advanceTimersByTimeAsync(1_000);
    expect(g.got).toHaveLength(1);
    g.got[0].slot.answered(9, 10); // 9 left in the 11 s since the first call: one every 1.1 s
    await jest.advanceTimersByTimeAsync(10_000);
    expect(g.got).toHaveLength(10);
    const gaps = g.got.slice(1).map((x, i) => x.at - g.got[i].at);
    expect(gaps.every((gap) => gap >= 1_099 && gap <= 1_101)).toBe(true);
  });

  test("a first call that never answers holds the others back at most 2 s", async () => {
    const key = 'silent-first';
    const g = grants();
    void g.ask(key, 'a', PRIORITY.other);
    void g.ask(key, 'b', PRIORITY.other);
    await jest.advanceTimersByTimeAsync(0);
    expect(g.names()).toEqual(['a']);
    await jest.advanceTimersByTimeAsync(1_999);
    expect(g.names()).toEqual(['a']);
    await jest.advanceTimersByTimeAsync(1);
    expect(g.names()).toEqual(['a', 'b']);
  });

  test("the headers' remaining calls are spread over what is left of the window; an idle key's first call goes at once", async () => {
    const key = 'spread';
    observeWindow(key, 4, 10); // 4 left, the window resets in 10 s
    const g = grants();
    for (let i = 0; i < 5; i++) void g.ask(key, `call-${i}`, PRIORITY.other);
    await jest.advanceTimersByTimeAsync(20_000);
    // 4 slots in 10 s: at once, then every 2.5 s; the fifth call waits for the reset (plus 50 ms of slack).
    expect(g.got.map((x) => x.at - T0)).toEqual([0, 2_500, 5_000, 7_500, 10_050]);
  });

  test('an answer is corrected for the calls started after it: remaining minus the slots granted since', async () => {
    const key = 'in-flight';
    const g = grants();
    void g.ask(key, 'first', PRIORITY.other);
    await jest.advanceTimersByTimeAsync(0);
    g.got[0].slot.answered(3, 60); // 3 left in the minute: one every 15 s
    for (let i = 0; i < 3; i++) void g.ask(key, `next-${i}`, PRIORITY.other);
    await jest.advanceTimersByTimeAsync(30_000);
    expect(g.names()).toEqual(['first', 'next-0', 'next-1']);
    // next-0's answer arrives only now, and says 1 left: another process took one, and next-1 was not counted yet.
    g.got[1].slot.answered(1, 30);
    expect(paceSnapshot(key)).toMatchObject({ remaining: 0, callsInCurrentWindow: 3, callsWaiting: 1 });
    await jest.advanceTimersByTimeAsync(29_000);
    expect(g.got).toHaveLength(3); // not at 45 s, as the spacing alone would have allowed
    await jest.advanceTimersByTimeAsync(1_100);
    expect(g.names()).toEqual(['first', 'next-0', 'next-1', 'next-2']);
  });

  test('a waiter whose activity is cancelled leaves the queue, and the next one takes its place', async () => {
    const key = 'cancel';
    observeWindow(key, 0, 2);
    const g = grants();
    const ac = new AbortController();
    const cancelled = g.ask(key, 'cancelled', PRIORITY.live, ac.signal).catch(() => 'aborted');
    void g.ask(key, 'kept', PRIORITY.backfill);
    ac.abort();
    expect(await cancelled).toBe('aborted');
    await jest.advanceTimersByTimeAsync(2_050);
    expect(g.names()).toEqual(['kept']);
  });

  test('a queue may raise its priority while it waits (a live order joins a backfill queue)', async () => {
    const key = 'raise';
    observeWindow(key, 0, 1);
    const g = grants();
    let urgent = PRIORITY.backfill as number;
    void acquireSlot(key, { priority: () => urgent }).then((slot) => g.got.push({ name: 'batcher', at: Date.now(), slot }));
    void g.ask(key, 'read', PRIORITY.other);
    urgent = PRIORITY.live;
    await jest.advanceTimersByTimeAsync(1_050);
    expect(g.names()).toEqual(['batcher']);
  });
});

describe('the account pacer against the ShipStation simulator (real HTTP, real clock)', () => {
  const LIMIT = 5;
  const WINDOW_MS = 2_000;
  let ss: ShipStationSimulator;
  beforeAll(async () => {
    ss = await startShipStationSimulator({ rateLimitPerMinute: LIMIT, rateLimitWindowMs: WINDOW_MS });
  });
  afterAll(async () => {
    await ss.close();
  });
  const account = (name: string) => {
    const a = { apiKey: `pacer-sim-${name}`, apiSecret: `secret-${name}` };
    ss.addAccount(a);
    return { ...a, client: new ShipStationClient({ baseUrl: ss.url, ...a }) };
  };
  const ours = (a: { apiKey: string; apiSecret: string }) =>
    ss.requests.entries.filter((r) => r.headers.authorization === basicAuth(a.apiKey, a.apiSecret));

  test('15 concurrent callers at mixed priorities: 0 × 429 (the limit is never reached), starts spread apart', async () => {
    const a = account('steady');
    const clients = [PRIORITY.live, PRIORITY.other, PRIORITY.backfill].map((priority) => new ShipStationClient({ baseUrl: ss.url, ...a, priority }));
    await Promise.all(Array.from({ length: 15 }, (_, i) => clients[i % 3].listStores()));
    const mine = ours(a);
    expect(mine).toHaveLength(15);
    expect(mine.filter((r) => r.status === 429)).toHaveLength(0);
    // Spread: 5 in a 2 s window is one every ~400 ms (allowing for timers and loopback), never two at once.
    const gaps = mine.slice(1).map((r, i) => r.at - mine[i].at);
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(250);
  }, 30_000);

  test('a 429 caused by another app on the key is waited out once, never retried blindly', async () => {
    const a = account('shared');
    // Another app spends the whole window first.
    for (let i = 0; i < LIMIT; i++) {
      const r = await fetch(`${ss.url}/carriers`, { headers: { Authorization: basicAuth(a.apiKey, a.apiSecret) } });
      expect(r.status).toBe(200);
    }
    const windowStart = ours(a)[0].at;
    const results = await Promise.all([a.client.listStores(), a.client.listStores(), a.client.listStores()]);
    expect(results).toHaveLength(3);
    const stores = ss.requests.filter('GET', '/stores').filter((r) => r.headers.authorization === basicAuth(a.apiKey, a.apiSecret));
    // Exactly one call met the 429 (the others waited for its answer); all went out after the window reset.
    expect(stores.map((r) => r.status)).toEqual([429, 200, 200, 200]);
    for (const r of stores.slice(1)) expect(r.at).toBeGreaterThanOrEqual(windowStart + WINDOW_MS);
  }, 30_000);
});
