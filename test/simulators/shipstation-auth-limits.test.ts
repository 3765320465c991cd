import { basicAuth, startShipStationSimulator, type ShipStationSimulator } from '../../src/simulators/shipstation';

const A = { apiKey: 'key-a', apiSecret: 'secret-a' };
const B = { apiKey: 'key-b', apiSecret: 'secret-b:with-colon' };
const WINDOW_MS = 2000;

let sim: ShipStationSimulator;
beforeEach(async () => {
  sim = await startShipStationSimulator({ accounts: [A, B], rateLimitWindowMs: WINDOW_MS });
});
afterEach(() => sim.close());

const get = (path: string, auth?: string) => fetch(`${sim.url}${path}`, { headers: auth ? { Authorization: auth } : {} });
const authA = () => basicAuth(A.apiKey, A.apiSecret);
const header = (r: Response, name: string) => Number(r.headers.get(name));

describe('ShipStation simulator: Basic auth', () => {
  test('basicAuth encodes key:secret like the docs example', () => {
    expect(basicAuth('ShipStation', 'Rocks')).toBe('Basic U2hpcFN0YXRpb246Um9ja3M=');
  });

  test.each([
    ['no header', undefined],
    ['wrong secret', basicAuth(A.apiKey, 'nope')],
    ['unknown key', basicAuth('who', A.apiSecret)],
    ['not Basic', `Bearer ${A.apiSecret}`],
    ['no colon', `Basic ${Buffer.from('key-a').toString('base64')}`],
  ])('%s → 401 with the Web API message and no rate-limit headers', async (_name, auth) => {
    const r = await get('/stores', auth);
    expect(r.status).toBe(401);
    expect(await r.json()).toEqual({ Message: 'Authorization has been denied for this request.' });
    expect(r.headers.get('x-rate-limit-remaining')).toBeNull();
  });

  test('a secret containing ":" authenticates (split on the first colon only)', async () => {
    const r = await get('/stores', basicAuth(B.apiKey, B.apiSecret));
    expect(r.status).toBe(200);
  });

  test('refused logins do not spend the budget; unknown routes still need auth', async () => {
    for (let i = 0; i < 5; i++) expect((await get('/orders', basicAuth(A.apiKey, 'bad'))).status).toBe(401);
    expect((await get('/no/such/route')).status).toBe(401);
    const r = await get('/orders', authA());
    expect(r.status).toBe(200);
    expect(header(r, 'x-rate-limit-remaining')).toBe(39);
  });
});

describe('ShipStation simulator: 40 requests per window per key', () => {
  test('Remaining counts down, the 41st is 429 with Retry-After = Reset, and the window resets', async () => {
    const first = Date.now();
    for (let i = 1; i <= 40; i++) {
      const r = await get('/orders', authA());
      expect(r.status).toBe(200);
      expect(header(r, 'x-rate-limit-limit')).toBe(40);
      expect(header(r, 'x-rate-limit-remaining')).toBe(40 - i);
      // Seconds (not an epoch), rounded up: 2 s window → 1 or 2.
      expect([1, 2]).toContain(header(r, 'x-rate-limit-reset'));
    }
    const limited = await get('/orders', authA());
    expect(limited.status).toBe(429);
    expect(header(limited, 'x-rate-limit-remaining')).toBe(0);
    expect(header(limited, 'x-rate-limit-limit')).toBe(40);
    const reset = header(limited, 'x-rate-limit-reset');
    expect(reset).toBeGreaterThanOrEqual(1);
    expect(limited.headers.get('retry-after')).toBe(String(reset));
    // Repeated 429s don't extend or consume anything.
    for (let i = 0; i < 3; i++) expect((await get('/orders', authA())).status).toBe(429);

    await new Promise((r) => setTimeout(r, Math.max(0, first + WINDOW_MS + 50 - Date.now())));
    const fresh = await get('/orders', authA());
    expect(fresh.status).toBe(200);
    expect(header(fresh, 'x-rate-limit-remaining')).toBe(39);
    expect(header(fresh, 'x-rate-limit-reset')).toBe(2);
  });

  test('the budget holds for concurrent callers: exactly 40 of 60 parallel requests pass', async () => {
    const res = await Promise.all(Array.from({ length: 60 }, () => get('/orders?pageSize=1', authA())));
    const statuses = res.map((r) => r.status);
    expect(statuses.filter((s) => s === 200)).toHaveLength(40);
    expect(statuses.filter((s) => s === 429)).toHaveLength(20);
    const remaining = res.filter((r) => r.status === 200).map((r) => header(r, 'x-rate-limit-remaining'));
    expect(new Set(remaining).size).toBe(40); // each slot handed out once
  });

  test('each key has its own budget, and error answers carry the headers too', async () => {
    for (let i = 0; i < 40; i++) await get('/stores', authA());
    expect((await get('/stores', authA())).status).toBe(429);
    const other = await get('/stores', basicAuth(B.apiKey, B.apiSecret));
    expect(other.status).toBe(200);
    expect(header(other, 'x-rate-limit-remaining')).toBe(39);
    const missing = await get('/orders/999', basicAuth(B.apiKey, B.apiSecret));
    expect(missing.status).toBe(404);
    expect(header(missing, 'x-rate-limit-remaining')).toBe(38);
  });

  test('rateLimitPerMinute changes the budget', async () => {
    const small = await startShipStationSimulator({ accounts: [A], rateLimitPerMinute: 2 });
    try {
      const hit = () => fetch(`${small.url}/stores`, { headers: { Authorization: authA() } });
      expect((await hit()).status).toBe(200);
      expect((await hit()).status).toBe(200);
      const r = await hit();
      expect(r.status).toBe(429);
      expect(header(r, 'x-rate-limit-limit')).toBe(2);
      expect(header(r, 'x-rate-limit-reset')).toBeGreaterThan(50); // a 60 s window
    } finally {
      await small.close();
    }
  });
});

describe('ShipStation simulator: fault injection and request log', () => {
  test('an injected 503 answers once, then the API works again; both are logged', async () => {
    sim.faults.inject({ kind: 'status', status: 503 }, { times: 1, pathPrefix: '/orders' });
    expect((await get('/orders', authA())).status).toBe(503);
    expect((await get('/orders', authA())).status).toBe(200);
    expect(sim.requests.filter('GET', '/orders').map((e) => e.status)).toEqual([503, 200]);
    expect(sim.faults.injected.status).toBe(1);
  });

  test('an injected 429 carries Retry-After and does not spend the real budget', async () => {
    sim.faults.inject({ kind: 'rate-limit', retryAfterSeconds: 7 }, { times: 1 });
    const r = await get('/stores', authA());
    expect(r.status).toBe(429);
    expect(r.headers.get('retry-after')).toBe('7');
    const ok = await get('/stores', authA());
    expect(header(ok, 'x-rate-limit-remaining')).toBe(39);
  });

  test('a dropped request fails at the socket level', async () => {
    sim.faults.inject({ kind: 'drop' }, { times: 1, method: 'POST' });
    await expect(
      fetch(`${sim.url}/orders/createorders`, { method: 'POST', headers: { Authorization: authA(), 'Content-Type': 'application/json' }, body: '[]' }),
    ).rejects.toThrow();
    expect((await get('/stores', authA())).status).toBe(200);
  });

  test('faults can be set over HTTP through /__sim/faults, which is not in the request log', async () => {
    const set = await fetch(`${sim.url}/__sim/faults`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ fault: { kind: 'status', status: 500, body: { Message: 'An error has occurred.' } }, times: 2 }),
    });
    expect(set.status).toBe(204);
    const r = await get('/shipments', authA());
    expect(r.status).toBe(500);
    expect(await r.json()).toEqual({ Message: 'An error has occurred.' });
    await fetch(`${sim.url}/__sim/faults`, { method: 'DELETE' });
    expect((await get('/shipments', authA())).status).toBe(200);
    expect(sim.requests.entries.some((e) => e.path.startsWith('/__sim'))).toBe(false);
  });
});
