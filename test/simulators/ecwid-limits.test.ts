import { startEcwidSimulator, type EcwidSimulator } from '../../src/simulators/ecwid';
import { generateOrders } from '../../src/simulators/ecwid/seed';

const STORE = 3001;
const TOKEN = 'secret_limits';
const OTHER = 'secret_limits_other';

describe('Ecwid simulator: rate limit and fault injection', () => {
  let sim: EcwidSimulator;
  let clock = Date.UTC(2025, 2, 1, 9, 0, 0);
  const get = (path: string, token = TOKEN): Promise<Response> =>
    fetch(`${sim.url}/${STORE}${path}`, { headers: { Authorization: `Bearer ${token}` } });

  beforeAll(async () => {
    sim = await startEcwidSimulator({ rateLimitPerMinute: 5, now: () => clock });
    sim.addStore({ storeId: STORE, token: TOKEN });
    sim.addStore({ storeId: STORE, token: OTHER });
    for (const o of generateOrders(3, 1, { now: clock })) sim.upsertOrder(STORE, o);
  });
  afterAll(async () => {
    await sim.close();
  });
  afterEach(() => {
    sim.faults.clear();
    clock += 120_000; // a fresh rate-limit window for the next test
  });

  test('the 6th request in a minute answers 429 RATE_LIMITED with Retry-After until the window resets', async () => {
    for (let i = 0; i < 5; i++) expect((await get('/orders')).status).toBe(200);
    clock += 20_000;
    const limited = await get('/orders');
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('40');
    expect(await limited.json()).toMatchObject({ errorCode: 'RATE_LIMITED' });
    // The limit is per token: another token of the same store still gets through.
    expect((await get('/profile', OTHER)).status).toBe(200);
    clock += 40_000;
    expect((await get('/orders')).status).toBe(200);
  });

  test('an injected 5xx answers the next matching requests, then the API recovers', async () => {
    sim.faults.inject({ kind: 'status', status: 503 }, { times: 2, pathPrefix: `/api/v3/${STORE}/orders` });
    expect((await get('/profile')).status).toBe(200); // path does not match
    expect((await get('/orders')).status).toBe(503);
    expect((await get('/orders')).status).toBe(503);
    expect((await get('/orders')).status).toBe(200);
    expect(sim.faults.injected.status).toBeGreaterThanOrEqual(2);
  });

  test('an injected 429 carries Retry-After', async () => {
    sim.faults.inject({ kind: 'rate-limit', retryAfterSeconds: 7 }, { times: 1 });
    const res = await get('/orders');
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toBe('7');
    expect((await get('/orders')).status).toBe(200);
  });

  test('an injected delay slows the answer down', async () => {
    sim.faults.inject({ kind: 'slow', delayMs: 300 }, { times: 1 });
    const started = Date.now();
    const res = await get('/orders');
    expect(res.status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
  });

  test('an injected drop closes the connection: fetch rejects', async () => {
    sim.faults.inject({ kind: 'drop' }, { times: 1 });
    await expect(get('/orders')).rejects.toThrow();
    expect((await get('/orders')).status).toBe(200);
  });

  test('faults can be injected over HTTP through /__sim/faults (for out-of-process benchmarks)', async () => {
    const base = sim.url.replace(/\/api\/v3$/, '');
    const res = await fetch(`${base}/__sim/faults`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ fault: { kind: 'status', status: 500 }, times: 1, method: 'PUT' }),
    });
    expect(res.status).toBe(204);
    expect((await get('/orders')).status).toBe(200); // GET is not affected
    const id = sim.listOrders(STORE)[0].id;
    const put = await fetch(`${sim.url}/${STORE}/orders/${id}`, {
      method: 'PUT',
      headers: { Authorization: `Bearer ${TOKEN}`, 'Content-Type': 'application/json' },
      body: '{"trackingNumber":"X1"}',
    });
    expect(put.status).toBe(500);
    expect(sim.getOrder(STORE, id!)?.trackingNumber).toBeUndefined();
  });
});
