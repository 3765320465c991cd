import { accountShipNotifyUrl } from '../../src/connections/ship-notify-target';
import { randomUUID } from 'node:crypto';
import { request } from 'node:http';
import { loadEnv } from '../../src/config/env';
import { AuthThrottle, throttleKey } from '../../src/api/throttle';
import { MerchantSessions } from '../../src/api/merchant/session';
import { WebSessions, endedSessionsThroughTemporal } from '../../src/api/web/session';
import { EncryptionCodec, keysFromEnv } from '../../src/temporal/encryption-codec';
import { TEST_ENCRYPTION_KEY } from '../helpers/temporal';
import { ECWID_EVENT_MAX_AGE_SECONDS, ECWID_EVENT_MAX_SKEW_SECONDS, ecwidEventFreshness, ecwidSignature } from '../../src/api/routes/ecwid-webhooks';
import { isShipStationResourceUrl } from '../../src/api/routes/shipstation-webhooks';
import { shipstationAccountId } from '../../src/activities/deps';
import { canonicalShipNoticeUrl } from '../../src/domain/shipment-notice';
import { REDACT_PATHS } from '../../src/logging/logger';
import pino from 'pino';
import { Writable } from 'node:stream';
import { ADMIN_TOKEN, ECWID_CLIENT_SECRET, SS_ACCOUNT, WEBHOOK_KEY, startTestStack, type TestStack } from '../helpers/stack';

const STORE = 6401;

/** A counter's value in the Prometheus text of /metrics (0 when absent). */
function metricValue(text: string, name: string, labels: string): number {
  const line = text.split('\n').find((l) => l.startsWith(`${name}{${labels}}`));
  return line ? Number(line.split(' ').pop()) : 0;
}

describe('freshness of Ecwid events (unit)', () => {
  const now = Date.parse('2026-06-01T12:00:00Z');
  const s = now / 1000;
  test('24 hours back and 5 minutes ahead are accepted; beyond either is not', () => {
    expect(ecwidEventFreshness(s, now)).toBe('fresh');
    expect(ecwidEventFreshness(s - ECWID_EVENT_MAX_AGE_SECONDS, now)).toBe('fresh');
    expect(ecwidEventFreshness(s - ECWID_EVENT_MAX_AGE_SECONDS - 1, now)).toBe('stale');
    expect(ecwidEventFreshness(Date.parse('2001-09-09T01:46:40Z') / 1000, now)).toBe('stale');
    expect(ecwidEventFreshness(s + ECWID_EVENT_MAX_SKEW_SECONDS, now)).toBe('fresh');
    expect(ecwidEventFreshness(s + ECWID_EVENT_MAX_SKEW_SECONDS + 1, now)).toBe('future');
    // A timestamp in milliseconds is far in the future, never taken for a fresh one.
    expect(ecwidEventFreshness(now, now)).toBe('future');
  });
});

describe('the variables of #23 are validated at start-up (unit)', () => {
  test('API_BIND_ADDRESS is an address; unset means every interface (npm start sets 127.0.0.1)', () => {
    expect(loadEnv({}).API_BIND_ADDRESS).toBeUndefined();
    expect(loadEnv({ API_BIND_ADDRESS: '127.0.0.1' }).API_BIND_ADDRESS).toBe('127.0.0.1');
    expect(loadEnv({ API_BIND_ADDRESS: '::' }).API_BIND_ADDRESS).toBe('::');
    expect(() => loadEnv({ API_BIND_ADDRESS: 'everywhere' })).toThrow(/API_BIND_ADDRESS: must be an IP address/);
  });

  test('TRUST_PROXY is hops or a list of addresses, subnets and range names; never "true"', () => {
    expect(loadEnv({}).TRUST_PROXY).toEqual(['loopback']);
    expect(loadEnv({ TRUST_PROXY: '1' }).TRUST_PROXY).toBe(1);
    expect(loadEnv({ TRUST_PROXY: 'loopback, 10.0.0.0/8, fd00::/8, 192.168.1.7' }).TRUST_PROXY).toEqual(['loopback', '10.0.0.0/8', 'fd00::/8', '192.168.1.7']);
    for (const bad of ['true', '*', '10.0.0.0/33', 'proxy.example']) expect(() => loadEnv({ TRUST_PROXY: bad })).toThrow(/TRUST_PROXY: must be a number of proxy hops/);
  });
});

describe('throttle and session keys (unit)', () => {
  test('19 failures in a minute are answered; the 20th attempt waits until the oldest failure is a minute old', () => {
    const t = new AuthThrottle();
    const t0 = 1_000_000;
    for (let i = 0; i < 19; i++) {
      expect(t.retryAfterSeconds('a', t0 + i * 1000)).toBe(0);
      t.fail('a', t0 + i * 1000);
    }
    expect(t.retryAfterSeconds('a', t0 + 19_000)).toBe(41);
    expect(t.retryAfterSeconds('b', t0 + 19_000)).toBe(0);
    // A minute after the first failure, one more attempt is allowed.
    expect(t.retryAfterSeconds('a', t0 + 60_001)).toBe(0);
  });

  test('an IPv6 client is counted by its /64; IPv4, also mapped into IPv6, by its address', () => {
    expect(throttleKey('2001:db8:1:2:aaaa::1')).toBe('2001:db8:1:2::/64');
    expect(throttleKey('2001:0db8:0001:0002:ffff:ffff:ffff:ffff')).toBe('2001:db8:1:2::/64');
    expect(throttleKey('2001:db8::7')).toBe('2001:db8:0:0::/64');
    expect(throttleKey('::1')).toBe('0:0:0:0::/64');
    expect(throttleKey('::ffff:203.0.113.9')).toBe('203.0.113.9');
    expect(throttleKey('203.0.113.9')).toBe('203.0.113.9');
  });

  test('sessions are signed with keys derived from ADMIN_TOKEN: a rotation ends operator and merchant sessions', () => {
    const web = new WebSessions('admin-token-before-0123');
    const value = web.issue();
    expect(web.valid(value)).toBe(true);
    expect(new WebSessions('admin-token-after-01234').valid(value)).toBe(false);
    const merchant = new MerchantSessions('admin-token-before-0123').issue(1003, 'en');
    expect(new MerchantSessions('admin-token-before-0123').read(merchant)?.storeId).toBe(1003);
    expect(new MerchantSessions('admin-token-after-01234').read(merchant)).toBeUndefined();
  });
});

/** Forms of `resource_url` a forged SHIP_NOTIFY may carry to make the connector call elsewhere (SSRF), or read more. */
const HOSTILE_RESOURCE_URLS = [
  'file:///etc/passwd',
  'http://169.254.169.254/latest/meta-data',
  'http://127.0.0.1:22/shipments?batchId=1',
  'http://[::1]/shipments?batchId=1',
  'http://ssapi.shipstation.com/shipments?batchId=1',
  'https://ssapi.shipstation.com:8443/shipments?batchId=1',
  'https://ssapi.shipstation.com.evil.example/shipments?batchId=1',
  'https://evil.example/ssapi.shipstation.com/shipments?batchId=1',
  'https://ssapi.shipstation.com@evil.example/shipments?batchId=1',
  'https://user:pw@ssapi2.shipstation.com/shipments?batchId=1',
  'https://evil.example%2F@ssapi.shipstation.com/shipments?batchId=1',
  'gopher://ssapi.shipstation.com/_shipments',
  'javascript:alert(1)',
  '//evil.example/shipments?batchId=1',
  'https://ssapi.shipstation.com/../../admin?batchId=1',
  'https://ssapi.shipstation.com/shipments',
  'https://ssapi.shipstation.com/shipments?pageSize=1',
  'https://ssapi.shipstation.com/orders?batchId=1',
];

describe('SSRF and cost forms of resource_url are refused (unit)', () => {
  test.each(HOSTILE_RESOURCE_URLS)('%s', (url) => {
    const accepted = isShipStationResourceUrl(url, 'https://ssapi.shipstation.com') && canonicalShipNoticeUrl(url) !== undefined;
    expect(accepted).toBe(false);
  });

  test('ShipStation\'s own form is accepted, on ssapi and ssapiN hosts', () => {
    for (const url of ['https://ssapi.shipstation.com/shipments?batchId=12345&includeShipmentItems=False', 'https://ssapi7.shipstation.com/shipments?batchId=1']) {
      expect(isShipStationResourceUrl(url, 'https://ssapi.shipstation.com')).toBe(true);
      expect(canonicalShipNoticeUrl(url)).toBeDefined();
    }
  });
});

/** A raw HTTP request, so that `Host` can be what a DNS-rebinding page would send (fetch sets it itself). */
function rawRequest(url: string, opts: { method?: string; headers?: Record<string, string>; body?: string }): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: opts.method ?? 'GET', headers: opts.headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end(opts.body);
  });
}

/** Issue #23's hardening, over HTTP against the real stack (dev server, worker, simulators, API). */
describe('hardening (real stack)', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startTestStack();
  });
  afterAll(async () => {
    await stack?.stop();
  });

  const metrics = async () => (await stack.api('/metrics')).text();

  describe('Ecwid events outside the freshness window', () => {
    const post = (eventCreated: number) => {
      const body = { eventId: randomUUID(), eventCreated, storeId: STORE, eventType: 'order.created', data: { orderId: 'FRESH1' } };
      return fetch(`${stack.apiUrl}/webhooks/ecwid`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'X-Ecwid-Webhook-Signature': ecwidSignature(ECWID_CLIENT_SECRET, body.eventCreated, body.eventId) },
        body: JSON.stringify(body),
      });
    };

    test('an event dated 2001 with a valid signature gets a 4xx, and so does one dated an hour ahead; both are counted', async () => {
      const before = await metrics();
      const old = await post(Math.floor(Date.parse('2001-03-01T00:00:00Z') / 1000));
      expect(old.status).toBe(400);
      expect(await old.json()).toMatchObject({ error: 'stale_event' });
      const ahead = await post(Math.floor(Date.now() / 1000) + 3600);
      expect(ahead.status).toBe(400);
      expect(await ahead.json()).toMatchObject({ error: 'future_event' });
      const after = await metrics();
      const name = 'connector_ecwid_webhooks_refused_total';
      expect(metricValue(after, name, 'reason="stale"') - metricValue(before, name, 'reason="stale"')).toBe(1);
      expect(metricValue(after, name, 'reason="future"') - metricValue(before, name, 'reason="future"')).toBe(1);
      // Nothing was handed to Temporal: no event workflow for either.
      const started = await stack.client.workflow.count(`WorkflowType = 'ecwidEvent' AND EcwidStoreId = '${STORE}'`);
      expect(started.count).toBe(0);
    });

    test('an event of a minute ago (an Ecwid retry) is still accepted', async () => {
      const res = await post(Math.floor(Date.now() / 1000) - 60);
      expect(res.status).toBe(200);
    });
  });

  describe('the codec', () => {
    const UI = 'http://localhost:8233';
    let body = '';
    beforeAll(async () => {
      // A workflow input as Temporal stores it: encrypted, with a tenant's secret inside.
      const [p] = await new EncryptionCodec(keysFromEnv(TEST_ENCRYPTION_KEY)).encode([
        { metadata: { encoding: Buffer.from('json/plain') }, data: Buffer.from(JSON.stringify({ storeId: 4711, ecwidAccessToken: 'secret_tenant_token' })) },
      ]);
      const b64 = (u: Uint8Array) => Buffer.from(u).toString('base64');
      body = JSON.stringify({ payloads: [{ metadata: Object.fromEntries(Object.entries(p.metadata ?? {}).map(([k, v]) => [k, b64(v)])), data: b64(p.data!) }] });
    });
    const decode = (url: string, headers: Record<string, string>) =>
      rawRequest(`${url}/codec/decode`, { method: 'POST', headers: { 'Content-Type': 'application/json', ...headers }, body });

    test('in production mode nothing is decoded without the admin token, even from loopback with the UI origin', async () => {
      const port = new URL(stack.apiUrl).port;
      expect((await decode(stack.apiUrl, { Host: `localhost:${port}`, Origin: UI })).status).toBe(401);
      const ok = await decode(stack.apiUrl, { Authorization: `Bearer ${ADMIN_TOKEN}` });
      expect(ok.status).toBe(200);
      expect(Buffer.from((JSON.parse(ok.body) as { payloads: { data: string }[] }).payloads[0].data, 'base64').toString()).toBe('{"storeId":4711,"ecwidAccessToken":"[redacted]"}');
    });

    test('under npm start, the dev UI decodes without a token only on a loopback name and from its own origin', async () => {
      const dev = await stack.anotherApi({ codecAllowLoopbackWithoutToken: true, temporalUiOrigin: UI });
      const port = new URL(dev).port;
      // The Web UI of the dev server: loopback name, its origin.
      for (const host of [`localhost:${port}`, `127.0.0.1:${port}`, `[::1]:${port}`]) {
        const res = await decode(dev, { Host: host, Origin: UI });
        expect(res.status).toBe(200);
        expect(Buffer.from((JSON.parse(res.body) as { payloads: { data: string }[] }).payloads[0].data, 'base64').toString()).toBe('{"storeId":4711,"ecwidAccessToken":"[redacted]"}');
      }
      // DNS rebinding: the attacker's page reaches loopback under its own name (and its own origin).
      expect((await decode(dev, { Host: `rebind.attacker.example:${port}`, Origin: UI })).status).toBe(401);
      expect((await decode(dev, { Host: `rebind.attacker.example:${port}`, Origin: `http://rebind.attacker.example:${port}` })).status).toBe(401);
      // Another page of this machine, or a script without an Origin.
      expect((await decode(dev, { Host: `localhost:${port}`, Origin: 'http://localhost:9999' })).status).toBe(401);
      expect((await decode(dev, { Host: `localhost:${port}` })).status).toBe(401);
      // The token still works there, from anywhere.
      expect((await decode(dev, { Host: `rebind.attacker.example:${port}`, Authorization: `Bearer ${ADMIN_TOKEN}` })).status).toBe(200);
    });
  });

  describe('failed logins and bearer tokens are throttled per client address', () => {
    // Another API process: its own memory, so its counts start at zero and the stack's API stays usable.
    let api = '';
    beforeAll(async () => {
      api = await stack.anotherApi();
    });
    // The test client is on loopback, a trusted proxy (TRUST_PROXY's default): X-Forwarded-For names the client.
    const login = (token: string, from: string) =>
      fetch(`${api}/login`, {
        method: 'POST',
        redirect: 'manual',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'X-Forwarded-For': from },
        body: new URLSearchParams({ token }).toString(),
      });
    const bearer = (token: string, from: string) => fetch(`${api}/connections`, { headers: { Authorization: `Bearer ${token}`, 'X-Forwarded-For': from } });

    test('the 20th failed login from one address within a minute gets 429 with Retry-After; other addresses are not held', async () => {
      const from = '203.0.113.10';
      for (let i = 1; i < 20; i++) expect((await login(`wrong-token-${i}`, from)).status).toBe(401);
      const twentieth = await login('wrong-token-20', from);
      expect(twentieth.status).toBe(429);
      const wait = Number(twentieth.headers.get('retry-after'));
      expect(wait).toBeGreaterThanOrEqual(1);
      expect(wait).toBeLessThanOrEqual(60);
      expect(await twentieth.text()).toContain('Too many failed attempts');
      // While throttled even the right token is not tried: a guess can't be confirmed by a different answer.
      expect((await login(ADMIN_TOKEN, from)).status).toBe(429);
      // Another address logs in as usual.
      const other = await login(ADMIN_TOKEN, '203.0.113.11');
      expect(other.status).toBe(303);
    });

    test('the 20th wrong bearer token from one address gets 429; the count is shared with the login form', async () => {
      const from = '203.0.113.20';
      for (let i = 1; i < 20; i++) expect((await bearer(`wrong-${i}`, from)).status).toBe(401);
      const twentieth = await bearer('wrong-20', from);
      expect(twentieth.status).toBe(429);
      expect(Number(twentieth.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      expect(await twentieth.json()).toMatchObject({ error: 'too_many_attempts' });
      // A login form attempt from the same address is held too.
      expect((await login(ADMIN_TOKEN, from)).status).toBe(429);
      expect((await bearer(ADMIN_TOKEN, '203.0.113.21')).status).toBe(200);
      const text = await (await fetch(`${api}/metrics`, { headers: { Authorization: `Bearer ${ADMIN_TOKEN}`, 'X-Forwarded-For': '203.0.113.22' } })).text();
      expect(metricValue(text, 'connector_auth_failures_total', 'kind="bearer",outcome="throttled"')).toBeGreaterThanOrEqual(1);
      expect(metricValue(text, 'connector_auth_failures_total', 'kind="login",outcome="refused"')).toBeGreaterThanOrEqual(19);
    });

    test('a request without any token is refused but not counted (a browser opening an API URL locks nobody out)', async () => {
      const from = '203.0.113.30';
      for (let i = 0; i < 25; i++) expect((await fetch(`${api}/connections`, { headers: { 'X-Forwarded-For': from } })).status).toBe(401);
      expect((await bearer(ADMIN_TOKEN, from)).status).toBe(200);
    });
  });

  describe('malformed credentials are a 401, never an error', () => {
    test('a non-ASCII bearer token (sent as UTF-8 bytes) gets 401', async () => {
      for (const token of ['tökén-ünïcødé-0123456789', 'abc\u00ff\u00fe', `${ADMIN_TOKEN}é`]) {
        const res = await rawRequest(`${stack.apiUrl}/connections`, { headers: { Authorization: `Bearer ${Buffer.from(token, 'utf8').toString('latin1')}` } });
        expect(res.status).toBe(401);
        expect(res.body).not.toMatch(/ByteString|TypeError|at .*\.ts/);
      }
    });

    test('a non-ASCII or garbled session cookie gets the login page', async () => {
      for (const cookie of ['ess_session=%E9%00%FF', `ess_session=${Buffer.from('1.é.ü', 'utf8').toString('latin1')}`, 'ess_session=%']) {
        const res = await rawRequest(`${stack.apiUrl}/`, { headers: { Cookie: cookie } });
        expect(res.status).toBe(302);
      }
    });
  });

  describe('logout and token rotation end sessions on every API process', () => {
    const loginAt = async (api: string): Promise<string> => {
      const res = await fetch(`${api}/login`, {
        method: 'POST',
        redirect: 'manual',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ token: ADMIN_TOKEN }).toString(),
      });
      expect(res.status).toBe(303);
      return res.headers.getSetCookie()[0].split(';')[0];
    };
    const page = (api: string, cookie: string, path = '/') => fetch(`${api}${path}`, { redirect: 'manual', headers: { Cookie: cookie } });

    test('a cookie used after logout gets the login page, at this process and at another one', async () => {
      const other = await stack.anotherApi();
      const cookie = await loginAt(stack.apiUrl);
      const home = await page(stack.apiUrl, cookie);
      expect(home.status).toBe(200);
      const csrf = /name="_csrf" value="([^"]+)"/.exec(await home.text())![1];
      expect((await page(other, cookie)).status).toBe(200);

      const out = await fetch(`${stack.apiUrl}/logout`, {
        method: 'POST',
        redirect: 'manual',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded', Cookie: cookie },
        body: new URLSearchParams({ _csrf: csrf }).toString(),
      });
      expect(out.status).toBe(303);
      // A copy of the cookie, replayed at either process: the login page.
      for (const api of [stack.apiUrl, other]) {
        const res = await page(api, cookie);
        expect(res.status).toBe(302);
        expect(res.headers.get('location')).toBe('/login?next=%2F');
        // The login page itself is shown (no redirect loop back to /).
        expect((await page(api, cookie, '/login')).status).toBe(200);
        // Nor does it open /connect/ecwid (session or bearer).
        expect((await fetch(`${api}/connect/ecwid`, { redirect: 'manual', headers: { Cookie: cookie, Accept: 'text/html' } })).headers.get('location')).toMatch(/^\/login/);
      }
      const nonce = decodeURIComponent(cookie.split('=')[1]).split('.')[1];
      expect((await stack.client.workflow.getHandle(`web-session-ended:${nonce}`).describe()).type).toBe('oneTimeTokenSpent');
      // What each request with a session costs: one describe of a workflow ID that does not exist.
      const ended = endedSessionsThroughTemporal(stack.client, stack.taskQueue);
      const started = performance.now();
      for (let i = 0; i < 20; i++) expect(await ended.isEnded(`never-ended-${i}`)).toBe(false);
      // Measured 1.6 ms on a local dev server: no cache of "not ended" answers is needed.
      expect((performance.now() - started) / 20).toBeLessThan(50);
      // Other sessions go on, and a new login works.
      expect((await page(other, await loginAt(other))).status).toBe(200);
    });

    test('a rotated ADMIN_TOKEN ends every session: the old cookie gets the login page', async () => {
      const cookie = await loginAt(stack.apiUrl);
      const rotated = await stack.anotherApi({ adminToken: 'rotated-admin-token-0123456789' });
      const res = await page(rotated, cookie);
      expect(res.status).toBe(302);
      expect(res.headers.get('location')).toBe('/login?next=%2F');
    });
  });

  describe('bounded inputs', () => {
    const STORE_B = 6402;
    const TOKEN_B = 'secret_store_6402_bounded';
    beforeAll(() => {
      stack.ecwid.addStore({ storeId: STORE_B, token: TOKEN_B, plan: 'VENTURE' });
    });
    const connect = (extra: Record<string, unknown>) =>
      stack.api('/connections', { method: 'POST', body: JSON.stringify({ ecwidStoreId: STORE_B, ecwidAccessToken: TOKEN_B, ...extra }) });
    const fieldsOf = async (res: Response) => ((await res.json()) as { fields?: { field: string; message: string }[] }).fields ?? [];

    test('importSince: 99999999999999, 0000-01-01 and other dates out of range get a 400 naming the field; nothing starts', async () => {
      for (const importSince of [99_999_999_999_999, '0000-01-01', '1970-01-02', '1999-12-31T23:59:59Z', '2999-01-01']) {
        const res = await connect({ importSince });
        expect(res.status).toBe(400);
        expect(await fieldsOf(res)).toEqual([{ field: 'importSince', message: 'must be a date between 2000-01-01 and one year from now' }]);
      }
      await expect(stack.client.workflow.getHandle(`store-sync:${STORE_B}`).describe()).rejects.toThrow();
      const ok = await connect({ importSince: '2024-05-01' });
      expect(ok.status).toBe(201);
      // Settings changes too.
      const patch = await stack.api(`/connections/${STORE_B}/settings`, { method: 'PATCH', body: JSON.stringify({ importSince: 99_999_999_999_999 }) });
      expect(patch.status).toBe(400);
      expect((await fieldsOf(patch))[0].field).toBe('importSince');
    });

    test('a non-ASCII Ecwid token or ShipStation key is a 400 naming the field, not a 502 with internal text', async () => {
      const cases: [Record<string, unknown>, string][] = [
        [{ ecwidAccessToken: 'secret_tökén_0123456789' }, 'ecwidAccessToken'],
        [{ shipstationApiKey: 'kéy', shipstationApiSecret: 'secret' }, 'shipstationApiKey'],
        [{ shipstationApiKey: 'key', shipstationApiSecret: 'sécret' }, 'shipstationApiSecret'],
      ];
      for (const [extra, field] of cases) {
        const res = await connect(extra);
        expect(res.status).toBe(400);
        const fields = await fieldsOf(res);
        expect(fields.map((f) => f.field)).toEqual([field]);
        expect(JSON.stringify(fields)).not.toMatch(/ByteString|TypeError/);
      }
    });
  });

  test('hostile resource URLs get 400 over HTTP and nothing is fetched, nor any workflow started', async () => {
    const before = stack.shipstation.requests.entries.length;
    const target = accountShipNotifyUrl(stack.apiUrl, WEBHOOK_KEY, shipstationAccountId(SS_ACCOUNT.apiKey));
    for (const url of [...HOSTILE_RESOURCE_URLS, `${stack.shipstation.url}/shipments`, `${stack.shipstation.url}/orders?batchId=1`]) {
      const res = await fetch(target, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ resource_url: url, resource_type: 'SHIP_NOTIFY' }) });
      expect(res.status).toBe(400);
    }
    expect(stack.shipstation.requests.entries.slice(before).filter((e) => e.path === '/shipments' || e.path === '/orders')).toHaveLength(0);
    expect((await stack.client.workflow.count(`WorkflowType = 'shipNotify'`)).count).toBe(0);
  });

  test('no secret or personal data reaches the logs, even at trace level', async () => {
    let logged = '';
    const sink = new Writable({
      write(chunk: Buffer, _enc, done) {
        logged += chunk.toString();
        done();
      },
    });
    const logger = pino({ level: 'trace', redact: { paths: REDACT_PATHS, censor: '[redacted]' } }, sink);
    const api = await stack.anotherApi({ logger });
    const STORE_L = 6403;
    const TOKEN_L = 'secret_store_6403_logs_token';
    stack.ecwid.addStore({ storeId: STORE_L, token: TOKEN_L, plan: 'VENTURE' });
    const json = { 'Content-Type': 'application/json', Authorization: `Bearer ${ADMIN_TOKEN}` };
    expect((await fetch(`${api}/connections`, { method: 'POST', headers: json, body: JSON.stringify({ ecwidStoreId: STORE_L, ecwidAccessToken: TOKEN_L }) })).status).toBe(201);
    await fetch(`${api}/connections`, { method: 'POST', headers: json, body: JSON.stringify({ ecwidStoreId: STORE_L, ecwidAccessToken: TOKEN_L, shipstationApiKey: 'key-6403-private', shipstationApiSecret: 'secret-6403-private' }) });
    await fetch(`${api}/connections`, { headers: { Authorization: 'Bearer wrong-token-6403-private' } });
    await fetch(`${api}/login`, { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: `token=${ADMIN_TOKEN}`, redirect: 'manual' });
    const target = accountShipNotifyUrl(api, WEBHOOK_KEY, shipstationAccountId(SS_ACCOUNT.apiKey));
    await fetch(target, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ resource_url: 'file:///etc/passwd', resource_type: 'SHIP_NOTIFY' }) });
    const stale = { eventId: randomUUID(), eventCreated: 1_000_000_000, storeId: STORE_L, eventType: 'order.created', data: { orderId: 'X1' } };
    await fetch(`${api}/webhooks/ecwid`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-Ecwid-Webhook-Signature': ecwidSignature(ECWID_CLIENT_SECRET, stale.eventCreated, stale.eventId) },
      body: JSON.stringify(stale),
    });
    expect(logged).toContain('"path":"/connections"');
    expect(logged).toContain('stale event');
    for (const secret of [ADMIN_TOKEN, TOKEN_L, 'key-6403-private', 'secret-6403-private', 'wrong-token-6403-private', WEBHOOK_KEY, ECWID_CLIENT_SECRET]) {
      expect(logged).not.toContain(secret);
    }
  });
});
