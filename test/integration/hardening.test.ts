import { randomUUID } from 'node:crypto';
import { request } from 'node:http';
import { loadEnv } from '../../src/config/env';
import { EncryptionCodec, keysFromEnv } from '../../src/temporal/encryption-codec';
import { TEST_ENCRYPTION_KEY } from '../helpers/temporal';
import { ECWID_EVENT_MAX_AGE_SECONDS, ECWID_EVENT_MAX_SKEW_SECONDS, ecwidEventFreshness, ecwidSignature } from '../../src/api/routes/ecwid-webhooks';
import { ADMIN_TOKEN, ECWID_CLIENT_SECRET, startTestStack, type TestStack } from '../helpers/stack';

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
        { metadata: { encoding: Buffer.from('json/plain') }, data: Buffer.from(JSON.stringify({ ecwidAccessToken: 'secret_tenant_token' })) },
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
      expect(Buffer.from((JSON.parse(ok.body) as { payloads: { data: string }[] }).payloads[0].data, 'base64').toString()).toContain('secret_tenant_token');
    });

    test('under npm start, the dev UI decodes without a token only on a loopback name and from its own origin', async () => {
      const dev = await stack.anotherApi({ codecAllowLoopbackWithoutToken: true, temporalUiOrigin: UI });
      const port = new URL(dev).port;
      // The Web UI of the dev server: loopback name, its origin.
      for (const host of [`localhost:${port}`, `127.0.0.1:${port}`, `[::1]:${port}`]) {
        const res = await decode(dev, { Host: host, Origin: UI });
        expect(res.status).toBe(200);
        expect(Buffer.from((JSON.parse(res.body) as { payloads: { data: string }[] }).payloads[0].data, 'base64').toString()).toContain('secret_tenant_token');
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
});
