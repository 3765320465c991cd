import { execFileSync } from 'node:child_process';
import { storeSyncWorkflowId } from '../../src/domain/ids';
import type { ConnectionStatus } from '../../src/workflows/definitions';
import { ADMIN_TOKEN, SS_ACCOUNT, eventually, startTestStack, type TestStack } from '../helpers/stack';
import { TEST_ENCRYPTION_KEY, temporalCliPath } from '../helpers/temporal';
import { EncryptionCodec, keysFromEnv } from '../../src/temporal/encryption-codec';
import { importableOrder } from '../helpers/orders';

const STORE = 6001;
const TOKEN = 'secret_store6001_abcdefghijklmnop';
const FREE_STORE = 6002;
const FREE_TOKEN = 'secret_free_store_6002_token';

describe('connections and security', () => {
  let stack: TestStack;
  let issuedToken = '';

  beforeAll(async () => {
    stack = await startTestStack();
    stack.ecwid.addStore({ storeId: STORE, token: TOKEN, plan: 'VENTURE', weightUnit: 'GRAM' });
    stack.ecwid.addStore({ storeId: FREE_STORE, token: FREE_TOKEN, plan: 'FREE' });
    stack.ecwid.upsertOrder(STORE, {
      email: 'zoe.private@example.com',
      paymentStatus: 'PAID',
      fulfillmentStatus: 'AWAITING_PROCESSING',
      createTimestamp: Math.floor(Date.now() / 1000) - 60,
      items: [{ id: 9, productId: 90, name: 'Lamp', quantity: 1, price: 40, weight: 900, isShippingRequired: true }],
      shippingPerson: { name: 'Zoë Confidential', street: '77 Hidden Lane', city: 'Lyon', countryCode: 'FR', postalCode: '69001', phone: '+33 6 11 22 33 44' },
    });
  });
  afterAll(async () => {
    await stack?.stop();
  });

  const manual = (location: string | null) => {
    if (!location) throw new Error('no redirect');
    return fetch(location, { redirect: 'manual', headers: { Accept: 'application/json' } });
  };

  test('OAuth: consent, code exchange by form POST, connection started', async () => {
    const start = await fetch(`${stack.apiUrl}/connect/ecwid`, { redirect: 'manual', headers: { Authorization: `Bearer ${ADMIN_TOKEN}` } });
    expect(start.status).toBe(302);
    const authorize = new URL(start.headers.get('location')!);
    expect(authorize.pathname).toMatch(/\/authorize$/);
    expect(authorize.searchParams.get('client_id')).toBe('test-client');
    expect(authorize.searchParams.get('response_type')).toBe('code');
    expect(authorize.searchParams.get('scope')).toBe('read_store_profile read_orders update_orders read_catalog');
    expect(authorize.searchParams.get('redirect_uri')).toBe(`${stack.apiUrl}/connect/ecwid/callback`);
    const state = authorize.searchParams.get('state')!;
    expect(state.length).toBeGreaterThan(30);

    const code = stack.ecwid.issueAuthCode(STORE, `${stack.apiUrl}/connect/ecwid/callback`);
    const cb = await manual(`${stack.apiUrl}/connect/ecwid/callback?code=${code}&store_id=${STORE}&state=${encodeURIComponent(state)}`);
    expect(cb.status).toBe(201);
    const exchange = stack.ecwid.requests.filter('POST', new RegExp(`/api/oauth/token/${STORE}$`));
    expect(exchange).toHaveLength(1);
    expect(String(exchange[0].headers['content-type'])).toContain('application/x-www-form-urlencoded');
    expect(exchange[0].body).toMatchObject({ grant_type: 'authorization_code', client_id: 'test-client', code });
    await eventually(() => stack.shipstation.ordersByKey(SS_ACCOUNT.apiKey).size > 0, 20_000);

    // The same state again is refused: single use.
    const replay = await manual(`${stack.apiUrl}/connect/ecwid/callback?code=${code}&store_id=${STORE}&state=${encodeURIComponent(state)}`);
    expect(replay.status).toBe(400);
  });

  test('OAuth: reconnect keeps the same workflow; denial, forged state and rejected codes get clear 4xx', async () => {
    const first = await stack.client.workflow.getHandle(storeSyncWorkflowId(STORE)).describe();
    const stateFor = async () => {
      const r = await fetch(`${stack.apiUrl}/connect/ecwid`, { redirect: 'manual', headers: { Authorization: `Bearer ${ADMIN_TOKEN}` } });
      return new URL(r.headers.get('location')!).searchParams.get('state')!;
    };
    const code = stack.ecwid.issueAuthCode(STORE, `${stack.apiUrl}/connect/ecwid/callback`);
    const again = await manual(`${stack.apiUrl}/connect/ecwid/callback?code=${code}&store_id=${STORE}&state=${encodeURIComponent(await stateFor())}`);
    expect(again.status).toBe(200);
    const after = await stack.client.workflow.getHandle(storeSyncWorkflowId(STORE)).describe();
    expect(after.runId).toBe(first.runId);

    const denied = await manual(`${stack.apiUrl}/connect/ecwid/callback?error=access_denied&state=${encodeURIComponent(await stateFor())}`);
    expect(denied.status).toBe(403);
    const forged = await manual(`${stack.apiUrl}/connect/ecwid/callback?code=x&state=abc.123.def`);
    expect(forged.status).toBe(400);
    const rejected = await manual(`${stack.apiUrl}/connect/ecwid/callback?code=not-a-code&store_id=${STORE}&state=${encodeURIComponent(await stateFor())}`);
    expect(rejected.status).toBe(400);
    expect(((await rejected.json()) as { error: string }).error).toBe('code_rejected');
    const noAdmin = await fetch(`${stack.apiUrl}/connect/ecwid`, { redirect: 'manual' });
    expect(noAdmin.status).toBe(401);
  });

  test('a reconnect never moves a store to another ShipStation account; switching to the default is explicit', async () => {
    const OWN_STORE = 6003;
    const OWN_TOKEN = 'secret_store6003_own_account_token';
    const OWN = { apiKey: 'merchant-own-ss-key', apiSecret: 'merchant-own-ss-secret' };
    stack.shipstation.addAccount(OWN);
    stack.ecwid.addStore({ storeId: OWN_STORE, token: OWN_TOKEN, plan: 'VENTURE' });
    const connect = (body: Record<string, unknown>) =>
      stack.api('/connections', { method: 'POST', body: JSON.stringify({ ecwidStoreId: OWN_STORE, ecwidAccessToken: OWN_TOKEN, ...body }) });
    expect((await connect({ shipstationApiKey: OWN.apiKey, shipstationApiSecret: OWN.apiSecret })).status).toBe(201);
    await eventually(async () => ((await (await stack.api(`/connections/${OWN_STORE}`)).json()) as ConnectionStatus).lastSyncAt);
    const newOrder = async () => {
      const o = stack.ecwid.upsertOrder(OWN_STORE, importableOrder({ createTimestamp: Math.floor(Date.now() / 1000) - 60 }));
      await stack.ecwid.sendWebhook(OWN_STORE, 'order.created', { orderId: o.id });
      return `ecwid-${OWN_STORE}-${o.id}`;
    };

    // OAuth reconnect (a new Ecwid token, no ShipStation keys), then a POST that only renews the token.
    const r = await fetch(`${stack.apiUrl}/connect/ecwid`, { redirect: 'manual', headers: { Authorization: `Bearer ${ADMIN_TOKEN}` } });
    const state = new URL(r.headers.get('location')!).searchParams.get('state')!;
    const code = stack.ecwid.issueAuthCode(OWN_STORE, `${stack.apiUrl}/connect/ecwid/callback`);
    expect((await manual(`${stack.apiUrl}/connect/ecwid/callback?code=${code}&store_id=${OWN_STORE}&state=${encodeURIComponent(state)}`)).status).toBe(200);
    expect((await connect({})).status).toBe(200);
    const status = (await (await stack.api(`/connections/${OWN_STORE}`)).json()) as ConnectionStatus;
    expect(status.shipstationAccount).toBe('own');
    const afterReconnect = await newOrder();
    await eventually(() => stack.shipstation.ordersByKey(OWN.apiKey).get(afterReconnect), 15_000);
    expect(stack.shipstation.ordersByKey(SS_ACCOUNT.apiKey).has(afterReconnect)).toBe(false);

    // Keys and the default account together are refused; the default account alone is an explicit switch.
    expect((await connect({ shipstationApiKey: 'k', shipstationApiSecret: 's', useDefaultShipStationAccount: true })).status).toBe(400);
    expect((await connect({ useDefaultShipStationAccount: true })).status).toBe(200);
    await eventually(async () => ((await (await stack.api(`/connections/${OWN_STORE}`)).json()) as ConnectionStatus).shipstationAccount === 'default');
    const afterSwitch = await newOrder();
    await eventually(() => stack.shipstation.ordersByKey(SS_ACCOUNT.apiKey).get(afterSwitch), 15_000);
    expect(stack.shipstation.ordersByKey(OWN.apiKey).has(afterSwitch)).toBe(false);
    expect((await stack.api(`/connections/${OWN_STORE}`, { method: 'DELETE' })).status).toBeLessThan(300);
    await eventually(async () => (await stack.client.workflow.getHandle(storeSyncWorkflowId(OWN_STORE)).describe()).status.name === 'COMPLETED');
  });

  test('a store without API access is refused with the plan message, and nothing starts', async () => {
    const res = await stack.api('/connections', { method: 'POST', body: JSON.stringify({ ecwidStoreId: FREE_STORE, ecwidAccessToken: FREE_TOKEN }) });
    expect(res.status).toBe(402);
    const body = (await res.json()) as { error: string; message: string };
    expect(body.error).toBe('plan_required');
    expect(body.message).toMatch(/Venture plan or higher/);
    const bad = await stack.api('/connections', { method: 'POST', body: JSON.stringify({ ecwidStoreId: STORE, ecwidAccessToken: 'secret_wrong_token_123' }) });
    expect(bad.status).toBe(403);
    expect(((await bad.json()) as { message: string }).message).toMatch(/read_orders/);
    await expect(stack.client.workflow.getHandle(storeSyncWorkflowId(FREE_STORE)).describe()).rejects.toThrow();
  });

  test('the codec endpoint decodes for the UI: authenticated, CORS for the UI origin only', async () => {
    const history = await stack.client.workflow.getHandle(storeSyncWorkflowId(STORE)).fetchHistory();
    const started = history.events?.[0]?.workflowExecutionStartedEventAttributes?.input?.payloads?.[0];
    expect(started).toBeDefined();
    const payload = {
      metadata: Object.fromEntries(Object.entries(started!.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v).toString('base64')])),
      data: Buffer.from(started!.data ?? new Uint8Array()).toString('base64'),
    };
    const unauth = await fetch(`${stack.apiUrl}/codec/decode`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ payloads: [payload] }) });
    expect(unauth.status).toBe(401);
    const res = await stack.api('/codec/decode', { method: 'POST', headers: { Origin: 'http://localhost:8233', 'X-Namespace': 'default' }, body: JSON.stringify({ payloads: [payload] }) });
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBe('http://localhost:8233');
    const out = (await res.json()) as { payloads: { data: string }[] };
    const decoded = JSON.parse(Buffer.from(out.payloads[0].data, 'base64').toString('utf8')) as { storeId: number; credentials: { ecwidAccessToken: string } };
    expect(decoded.storeId).toBe(STORE);
    // Decoded for people: the tenant's token never leaves the codec in clear (issue #19).
    expect(decoded.credentials.ecwidAccessToken).toBe('[redacted]');
    // The token the OAuth exchange issued (read with the workers' codec), which the raw-history test then looks for.
    const [plain] = await new EncryptionCodec(keysFromEnv(TEST_ENCRYPTION_KEY)).decode([started!]);
    issuedToken = (JSON.parse(Buffer.from(plain.data!).toString('utf8')) as { credentials: { ecwidAccessToken: string } }).credentials.ecwidAccessToken;
    expect(issuedToken).toMatch(/^secret_/);
    const preflight = await fetch(`${stack.apiUrl}/codec/decode`, { method: 'OPTIONS', headers: { Origin: 'https://evil.example' } });
    expect(preflight.headers.get('access-control-allow-origin')).toBeNull();
  });

  test('raw history read through the Temporal CLI shows no token, API secret or customer data in clear', async () => {
    await eventually(async () => ((await (await stack.api(`/connections/${STORE}`)).json()) as ConnectionStatus).imported > 0, 20_000);
    const raw = execFileSync(
      temporalCliPath(),
      ['workflow', 'show', '--workflow-id', storeSyncWorkflowId(STORE), '--output', 'json', '--address', stack.env.address, '--namespace', 'default'],
      { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
    );
    expect(raw.length).toBeGreaterThan(1000);
    expect(raw).toContain(Buffer.from('binary/encrypted').toString('base64')); // the encoding marker, base64 in JSON
    // Payload data is base64 in the JSON: decode every one, so plaintext can't hide behind the encoding.
    const datas = [...raw.matchAll(/"data":\s*"([A-Za-z0-9+/=]+)"/g)].map((m) => Buffer.from(m[1], 'base64').toString('utf8'));
    expect(datas.length).toBeGreaterThan(3);
    const decoded = [raw, ...datas].join('\n');
    for (const secret of [issuedToken, TOKEN, SS_ACCOUNT.apiSecret, SS_ACCOUNT.apiKey, 'Zoë Confidential', 'Confidential', 'Hidden Lane', 'zoe.private@example.com']) {
      expect(decoded).not.toContain(secret);
    }
  });

  test('fuzz: random and malformed input on every route gives no 5xx and starts nothing', async () => {
    const before = stack.shipstation.requests.entries.length;
    let seed = 1234567;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
    const junk = (): string => {
      const kinds = [
        () => '{',
        () => 'null',
        () => '[]',
        () => JSON.stringify({ ecwidStoreId: rnd() > 0.5 ? -1 : 'x'.repeat(300) }),
        () => JSON.stringify({ eventId: 1, eventCreated: 'x', storeId: {}, eventType: [] }),
        () => JSON.stringify({ resource_url: 'file:///etc/passwd', resource_type: 'SHIP_NOTIFY' }),
        () => String.fromCharCode(...Array.from({ length: 64 }, () => Math.floor(rnd() * 256))),
        () => JSON.stringify({ payloads: [{ metadata: { encoding: '!!' }, data: '%%%' }] }),
        () => JSON.stringify({ statusMapping: { CUSTOM_PAYMENT_STATUS_9: 'shipped' }, ecwidStoreId: 1e30, ecwidAccessToken: {} }),
      ];
      return kinds[Math.floor(rnd() * kinds.length)]();
    };
    const routes: [string, string][] = [
      ['POST', '/connections'],
      ['GET', '/connections'],
      ['GET', '/connections/abc'],
      ['GET', `/connections/${'9'.repeat(40)}`],
      ['POST', '/connections/-1/sync'],
      ['PATCH', `/connections/${STORE}/settings`],
      ['DELETE', '/connections/%00'],
      ['POST', '/webhooks/ecwid'],
      ['POST', '/webhooks/shipstation?secret=x'],
      ['POST', '/codec/decode'],
      ['POST', '/codec/encode'],
      ['GET', '/connect/ecwid/callback?state=%ff&code[]=1'],
      ['GET', '/nope'],
    ];
    const contentTypes = ['application/json', 'text/plain', 'application/x-www-form-urlencoded', 'application/json; charset=utf-16'];
    for (let i = 0; i < 200; i++) {
      const [method, path] = routes[i % routes.length];
      const auth: Record<string, string> = rnd() > 0.3 ? { Authorization: `Bearer ${ADMIN_TOKEN}` } : {};
      const res = await fetch(`${stack.apiUrl}${path}`, {
        method,
        headers: { 'Content-Type': contentTypes[Math.floor(rnd() * contentTypes.length)], ...auth },
        body: method === 'GET' ? undefined : junk(),
      });
      expect(res.status).toBeLessThan(500);
      const text = await res.text();
      expect(text).not.toMatch(/at .*\.(ts|js):\d+/); // no stack traces
    }
    const big = await stack.api('/connections', { method: 'POST', body: JSON.stringify({ pad: 'x'.repeat(400_000) }) });
    expect(big.status).toBe(413);
    // Nothing the fuzz sent reached ShipStation (the store's own sync may poll meanwhile).
    expect(stack.shipstation.requests.entries.slice(before).filter((r) => r.path === '/shipments' && !('createDateStart' in r.query))).toHaveLength(0);
    const started = [];
    for await (const wf of stack.client.workflow.list({ query: 'WorkflowType="shipNotify"' })) started.push(wf.workflowId);
    expect(started).toHaveLength(0);
    const running = [];
    for await (const wf of stack.client.workflow.list({ query: 'WorkflowType="storeSync" AND ExecutionStatus="Running"' })) running.push(wf.workflowId);
    expect(running).toEqual([storeSyncWorkflowId(STORE)]);
  });

  test('security headers are set and errors carry no stack trace', async () => {
    const res = await fetch(`${stack.apiUrl}/health`);
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('x-powered-by')).toBeNull();
    expect(res.headers.get('content-security-policy')).toBeTruthy();
  });
});
