import { accountOfTaskQueue, shipstationAccountTaskQueue } from '../../src/domain/ids';
import { credentialsHealth } from '../../src/connections/shipstation-accounts';
import { shipstationAccountId } from '../../src/activities/deps';
import type { AccountView } from '../../src/api/routes/accounts';
import { MerchantSessions } from '../../src/api/merchant/session';
import { WebSessions } from '../../src/api/web/session';
import { loadEnv } from '../../src/config/env';
import { accountShipNotifyUrl, accountWebhookSignature, verifyAccountSignature } from '../../src/connections/ship-notify-target';
import { shipstationCredentialsRefused } from '../../src/observability/metrics';
import { basicAuth } from '../../src/simulators/shipstation';
import type { ConnectionStatus } from '../../src/workflows/definitions';
import { importableOrder } from '../helpers/orders';
import { ADMIN_TOKEN, SS_ACCOUNT, WEBHOOK_KEY, eventually, startTestStack, type TestStack } from '../helpers/stack';

/**
 * Tenants and credentials (issue #19), on the full stack: real dev server, worker, API and simulators.
 * Account A is the operator's default ShipStation account; B is a merchant's own.
 */
const A = shipstationAccountId(SS_ACCOUNT.apiKey);
const B_KEYS = { apiKey: 'tenant-b-key-1', apiSecret: 'tenant-b-secret-1' };
const B = shipstationAccountId(B_KEYS.apiKey);
const [STORE_A, STORE_B, STORE_C, STORE_D] = [71_001, 71_002, 71_003, 71_004];
const token = (storeId: number) => `secret_token_${storeId}`;
const key = (storeId: number, orderId: string) => `ecwid-${storeId}-${orderId}`;
const order = (id: string) => importableOrder({ id, createTimestamp: Math.floor(Date.now() / 1000) - 900 });

describe('tenants and credentials (full stack)', () => {
  let stack: TestStack;
  const ss = () => stack.shipstation.requests.entries;
  const account = async (id: string): Promise<AccountView> => {
    const res = await stack.api(`/accounts/${id}`);
    if (res.status !== 200) throw new Error(`GET /accounts/${id} answered ${res.status}`);
    return (await res.json()) as AccountView;
  };
  const connection = async (storeId: number): Promise<ConnectionStatus> => (await (await stack.api(`/connections/${storeId}`)).json()) as ConnectionStatus;

  beforeAll(async () => {
    stack = await startTestStack({ rateLimitWindowMs: 10_000 });
    stack.shipstation.addAccount(B_KEYS);
    for (const storeId of [STORE_A, STORE_B]) stack.ecwid.addStore({ storeId, token: token(storeId), plan: 'BUSINESS', weightUnit: 'POUND' });
    stack.ecwid.upsertOrder(STORE_B, order('B-1'));
    const connect = (storeId: number, extra: Record<string, unknown> = {}) =>
      stack.api('/connections', { method: 'POST', body: JSON.stringify({ ecwidStoreId: storeId, ecwidAccessToken: token(storeId), ...extra }) });
    expect((await connect(STORE_A)).status).toBe(201);
    expect((await connect(STORE_B, { shipstationApiKey: B_KEYS.apiKey, shipstationApiSecret: B_KEYS.apiSecret })).status).toBe(201);
    await eventually(async () => (await account(A).catch(() => undefined))?.subscription.state === 'subscribed', 30_000, 300);
    await eventually(async () => (await account(B).catch(() => undefined))?.subscription.state === 'subscribed', 30_000, 300);
    await eventually(() => stack.shipstation.ordersByKey(B_KEYS.apiKey).has(key(STORE_B, 'B-1')), 30_000, 300);
  }, 120_000);
  afterAll(async () => {
    await stack?.stop();
  });

  test("each account's SHIP_NOTIFY target carries its own signature, no shared secret", () => {
    const [hookA] = stack.shipstation.webhooks(SS_ACCOUNT.apiKey);
    const [hookB] = stack.shipstation.webhooks(B_KEYS.apiKey);
    const a = new URL(hookA.targetUrl);
    const b = new URL(hookB.targetUrl);
    expect([...a.searchParams.keys()].sort()).toEqual(['account', 'sig']);
    expect(a.searchParams.get('account')).toBe(A);
    expect(b.searchParams.get('account')).toBe(B);
    expect(a.searchParams.get('sig')).toBe(accountWebhookSignature(WEBHOOK_KEY, A));
    expect(a.searchParams.get('sig')).not.toBe(b.searchParams.get('sig'));
  });

  test("a SHIP_NOTIFY forged from A's URL for B, or for B's store, is refused: no call with B's key, no workflow", async () => {
    // B's label, which a forger would like the connector to fetch (spending B's budget) or route.
    await stack.shipstation.createLabel(B_KEYS.apiKey, key(STORE_B, 'B-1'), { trackingNumber: 'FORGED-1', notify: false });
    const [hookA] = stack.shipstation.webhooks(SS_ACCOUNT.apiKey);
    const fromA = new URL(hookA.targetUrl);
    const swapped = new URL(fromA);
    swapped.searchParams.set('account', B);
    const withStore = new URL(fromA);
    withStore.searchParams.set('store', String(STORE_B));
    const withStoreOnly = new URL(`${stack.apiUrl}/webhooks/shipstation`);
    withStoreOnly.searchParams.set('store', String(STORE_B));
    withStoreOnly.searchParams.set('sig', fromA.searchParams.get('sig')!);
    const oldForm = `${stack.apiUrl}/webhooks/shipstation?secret=anything-at-all-0123456789&account=${B}`;
    const unknown = accountShipNotifyUrl(stack.apiUrl, WEBHOOK_KEY, 'abcdefabcdef0123'); // signed, but no such account
    const noSig = `${stack.apiUrl}/webhooks/shipstation?account=${B}`;
    const body = JSON.stringify({ resource_url: `${stack.shipstation.url}/shipments?batchId=1`, resource_type: 'SHIP_NOTIFY' });
    const before = ss().length;
    const statuses: Record<string, number> = {};
    for (const [name, url] of Object.entries({ swapped, withStore, withStoreOnly, oldForm, unknown, noSig })) {
      statuses[name] = (await fetch(String(url), { method: 'POST', headers: { 'Content-Type': 'application/json' }, body })).status;
    }
    expect(statuses).toEqual({ swapped: 401, withStore: 410, withStoreOnly: 410, oldForm: 410, unknown: 404, noSig: 401 });
    await new Promise((r) => setTimeout(r, 1_000));
    const authB = basicAuth(B_KEYS.apiKey, B_KEYS.apiSecret);
    // (B's own reconciliation reads /shipments by date: a forged notice would read its batch.)
    expect(ss().slice(before).filter((e) => e.headers.authorization === authB && e.path === '/shipments' && e.query.batchId !== undefined)).toHaveLength(0);
    expect((await stack.client.workflow.count(`WorkflowType = 'shipNotify'`)).count).toBe(0);
    // A's own URL, unchanged, is accepted.
    expect((await fetch(hookA.targetUrl, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body })).status).toBe(200);
    expect(await connection(STORE_B)).toMatchObject({ state: 'active' });
  });

  test('a wrong secret for an existing account is refused and the account keeps working; another working secret needs the explicit replace', async () => {
    stack.ecwid.addStore({ storeId: STORE_C, token: token(STORE_C), plan: 'BUSINESS', weightUnit: 'POUND' });
    const connectC = (extra: Record<string, unknown>) =>
      stack.api('/connections', { method: 'POST', body: JSON.stringify({ ecwidStoreId: STORE_C, ecwidAccessToken: token(STORE_C), ...extra }) });
    const typo = await connectC({ shipstationApiKey: B_KEYS.apiKey, shipstationApiSecret: 'tenant-b-secret-typo' });
    expect(typo.status).toBe(400);
    expect(await typo.json()).toMatchObject({ error: 'shipstation_credentials_refused', message: expect.stringMatching(/ShipStation refused this API key and secret/) });
    expect((await stack.api(`/connections/${STORE_C}`)).status).toBe(404);
    // The account keeps its pair and its stores keep importing.
    stack.ecwid.upsertOrder(STORE_B, order('B-AFTER-TYPO'));
    await stack.api(`/connections/${STORE_B}/sync`, { method: 'POST' });
    await eventually(() => stack.shipstation.ordersByKey(B_KEYS.apiKey).has(key(STORE_B, 'B-AFTER-TYPO')), 30_000, 300);
    expect((await account(B)).credentialsHealth).toBe('ok');

    // The same key with another secret that works (ShipStation regenerated it): refused unless replaced on purpose.
    const OTHER = { ...B_KEYS, apiSecret: 'tenant-b-secret-regenerated' };
    stack.shipstation.addAccount(OTHER);
    const other = await connectC({ shipstationApiKey: OTHER.apiKey, shipstationApiSecret: OTHER.apiSecret });
    expect(other.status).toBe(409);
    expect(await other.json()).toMatchObject({ error: 'shipstation_account_has_other_secret' });
    const replaced = await connectC({ shipstationApiKey: OTHER.apiKey, shipstationApiSecret: OTHER.apiSecret, replaceShipStationCredentials: true });
    expect(replaced.status).toBe(201);
    const a = await eventually(async () => {
      const v = await account(B);
      return v.stores.includes(STORE_C) && v.credentials?.replacements === 1 ? v : undefined;
    }, 30_000, 300);
    expect(a.credentialsHealth).toBe('ok');
    // Store B, which holds the old secret, imports with the account's new pair.
    stack.ecwid.upsertOrder(STORE_B, order('B-AFTER-REPLACE'));
    await stack.api(`/connections/${STORE_B}/sync`, { method: 'POST' });
    await eventually(() => stack.shipstation.ordersByKey(B_KEYS.apiKey).has(key(STORE_B, 'B-AFTER-REPLACE')), 30_000, 300);
    B_KEYS.apiSecret = OTHER.apiSecret;
  }, 120_000);

  test('a revoked key shows as "needs new credentials" within a minute and nothing is lost; a new pair keeps the account and brings everything', async () => {
    const startedAt = Date.now();
    const NEW = { apiKey: 'tenant-b-key-2', apiSecret: 'tenant-b-secret-2' };
    // A label bought just before the pair is replaced, and an order placed after the old key stopped working.
    stack.ecwid.upsertOrder(STORE_B, order('B-LABEL'));
    await stack.api(`/connections/${STORE_B}/sync`, { method: 'POST' });
    await eventually(() => stack.shipstation.ordersByKey(B_KEYS.apiKey).has(key(STORE_B, 'B-LABEL')), 30_000, 300);
    stack.shipstation.addKeyPair(B_KEYS.apiKey, NEW);
    stack.shipstation.revokeKey(B_KEYS.apiKey);
    const revokedAt = Date.now();
    await stack.shipstation.createLabel(NEW.apiKey, key(STORE_B, 'B-LABEL'), { trackingNumber: 'ROTATE-1' });
    stack.ecwid.upsertOrder(STORE_B, order('B-WAITING'));
    await stack.api(`/connections/${STORE_B}/sync`, { method: 'POST' });

    const refused = await eventually(async () => {
      const v = await account(B);
      return v.credentialsHealth === 'needs_new_credentials' ? v : undefined;
    }, 60_000, 300);
    expect(Date.now() - revokedAt).toBeLessThan(60_000);
    expect(refused.credentials).toMatchObject({ state: 'refused', refusedStatus: 401 });
    for (const storeId of [STORE_B, STORE_C]) {
      const st = (await connection(storeId)) as ConnectionStatus & { shipstationCredentials?: string };
      expect(st).toMatchObject({ state: 'active', shipstationCredentials: 'needs_new_credentials' });
    }
    const all = (await (await stack.api('/connections')).json()) as (ConnectionStatus & { shipstationCredentials?: string })[];
    expect(all.find((c) => c.storeId === STORE_B)?.shipstationCredentials).toBe('needs_new_credentials');
    expect(all.find((c) => c.storeId === STORE_A)?.shipstationCredentials).toBe('ok');
    expect((await shipstationCredentialsRefused.get()).values.find((v) => v.labels.account === B)?.value).toBe(1);
    // The operator page and the merchant page say so too.
    const operatorPage = await (await fetch(`${stack.apiUrl}/stores/${STORE_B}`, { headers: { Cookie: `ess_session=${new WebSessions(ADMIN_TOKEN).issue()}` } })).text();
    expect(operatorPage).toContain('id="credentials-needed"');
    expect(operatorPage).toContain('needs new ShipStation credentials');
    const merchantPage = await (await fetch(`${stack.apiUrl}/ecwid/app/store?s=${encodeURIComponent(new MerchantSessions(ADMIN_TOKEN).issue(STORE_B, 'en'))}`)).text();
    expect(merchantPage).toContain('id="credentials-needed"');
    expect(merchantPage).toContain('it needs new ShipStation credentials');
    // Store B's merchant can't replace the pair of an account that also serves store C.
    expect(merchantPage).toContain('id="replace-keys"');
    // Waiting, not burning retries: the store is not asked to reconnect, and nothing reached ShipStation.
    expect(stack.shipstation.ordersByKey(NEW.apiKey).has(key(STORE_B, 'B-WAITING'))).toBe(false);
    expect(stack.ecwid.getOrder(STORE_B, 'B-LABEL')?.trackingNumber).toBeUndefined();

    // A wrong new pair is refused and changes nothing.
    const wrong = await stack.api(`/accounts/${B}/credentials`, { method: 'PUT', body: JSON.stringify({ apiKey: NEW.apiKey, apiSecret: 'nope-nope' }) });
    expect(wrong.status).toBe(400);
    expect((await account(B)).credentialsHealth).toBe('needs_new_credentials');

    const given = await stack.api(`/accounts/${B}/credentials`, { method: 'PUT', body: JSON.stringify({ ...NEW, expiresAt: new Date(Date.now() + 10 * 86_400_000).toISOString().slice(0, 10) }) });
    expect(given.status).toBe(200);
    const view = (await given.json()) as AccountView;
    // Same account: same ID, same stores; the expiry date given is 10 days away: warned.
    expect(view).toMatchObject({ accountId: B, stores: [STORE_B, STORE_C], credentialsHealth: 'expiring' });
    const givenAt = Date.now();
    await eventually(() => stack.shipstation.ordersByKey(NEW.apiKey).has(key(STORE_B, 'B-WAITING')), 60_000, 300);
    await eventually(() => stack.ecwid.getOrder(STORE_B, 'B-LABEL')?.trackingNumber === 'ROTATE-1', 90_000, 500);
    expect(Date.now() - givenAt).toBeLessThan(90_000);
    // Labels bought afterwards come through the account's (unchanged, signed) subscription with the new pair.
    await stack.shipstation.createLabel(NEW.apiKey, key(STORE_B, 'B-WAITING'), { trackingNumber: 'ROTATE-2' });
    await eventually(() => stack.ecwid.getOrder(STORE_B, 'B-WAITING')?.trackingNumber === 'ROTATE-2', 30_000, 300);
    expect(stack.shipstation.webhooks(NEW.apiKey).map((h) => h.event)).toEqual(['SHIP_NOTIFY', 'FULFILLMENT_SHIPPED']);
    expect((await connection(STORE_B)).shipstationAccountId).toBe(B);
    expect(Date.now() - startedAt).toBeLessThan(240_000);
  }, 300_000);

  test("a merchant replaces the pair of their own single-store account, never of an account other stores share", async () => {
    const OWN = { apiKey: 'tenant-d-key-1', apiSecret: 'tenant-d-secret-1' };
    stack.shipstation.addAccount(OWN);
    stack.ecwid.addStore({ storeId: STORE_D, token: token(STORE_D), plan: 'BUSINESS', weightUnit: 'POUND' });
    const res = await stack.api('/connections', { method: 'POST', body: JSON.stringify({ ecwidStoreId: STORE_D, ecwidAccessToken: token(STORE_D), shipstationApiKey: OWN.apiKey, shipstationApiSecret: OWN.apiSecret, shipstationKeyExpiresAt: new Date(Date.now() + 5 * 86_400_000).toISOString().slice(0, 10) }) });
    expect(res.status).toBe(201);
    const D = shipstationAccountId(OWN.apiKey);
    await eventually(async () => (await connection(STORE_D)).shipstationAccountId === D, 30_000, 300);
    // The pair expires in 5 days: the account and its store warn.
    expect((await account(D)).credentialsHealth).toBe('expiring');
    expect(((await connection(STORE_D)) as ConnectionStatus & { shipstationCredentials?: string }).shipstationCredentials).toBe('expiring');
    const sessions = new MerchantSessions(ADMIN_TOKEN);
    const post = (storeId: number, pair: { apiKey: string; apiSecret: string }) => {
      const session = sessions.issue(storeId, 'en');
      return fetch(`${stack.apiUrl}/ecwid/app/shipstation-keys`, {
        method: 'POST',
        redirect: 'manual',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ s: session, _csrf: sessions.csrfToken(session), ...pair }).toString(),
      });
    };
    const NEW = { apiKey: 'tenant-d-key-2', apiSecret: 'tenant-d-secret-2' };
    stack.shipstation.addKeyPair(OWN.apiKey, NEW);
    // A wrong pair: refused, nothing changed.
    expect((await post(STORE_D, { ...NEW, apiSecret: 'wrong' })).headers.get('location')).toMatch(/error=shipstation_refused/);
    expect((await account(D)).credentials?.replacements).toBeUndefined();
    // Store C's merchant: account B also serves store B.
    expect((await post(STORE_C, NEW)).headers.get('location')).toMatch(/error=not_account_owner/);
    const done = await post(STORE_D, NEW);
    expect(done.headers.get('location')).toMatch(/done=keys_replaced/);
    expect(await account(D)).toMatchObject({ accountId: D, stores: [STORE_D], credentialsHealth: 'ok', credentials: { replacedBy: 'merchant', replacements: 1 } });
    stack.shipstation.revokeKey(OWN.apiKey);
    stack.ecwid.upsertOrder(STORE_D, order('D-1'));
    await stack.api(`/connections/${STORE_D}/sync`, { method: 'POST' });
    await eventually(() => stack.shipstation.ordersByKey(NEW.apiKey).has(key(STORE_D, 'D-1')), 30_000, 300);

    // The operator, from the store's page, for the same account: a third pair; labels still reach Ecwid.
    const THIRD = { apiKey: 'tenant-d-key-3', apiSecret: 'tenant-d-secret-3' };
    stack.shipstation.addKeyPair(NEW.apiKey, THIRD);
    const web = new WebSessions(ADMIN_TOKEN);
    const cookie = web.issue();
    const page = await fetch(`${stack.apiUrl}/stores/${STORE_D}/shipstation-credentials`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', Cookie: `ess_session=${cookie}` },
      body: new URLSearchParams({ _csrf: web.csrfToken(cookie), ...THIRD }).toString(),
    });
    expect(page.headers.get('location')).toMatch(/done=keys_replaced/);
    stack.shipstation.revokeKey(NEW.apiKey);
    expect(await account(D)).toMatchObject({ accountId: D, credentials: { replacedBy: 'operator', replacements: 2 } });
    await stack.shipstation.createLabel(THIRD.apiKey, key(STORE_D, 'D-1'), { trackingNumber: 'THIRD-1' });
    await eventually(() => stack.ecwid.getOrder(STORE_D, 'D-1')?.trackingNumber === 'THIRD-1', 60_000, 300);
  }, 120_000);

  test('behind a trusted proxy the session cookie stays Secure; an untrusted one cannot make it so', async () => {
    const login = (api: string) =>
      fetch(`${api}/login`, {
        method: 'POST',
        redirect: 'manual',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'X-Forwarded-Proto': 'https', 'X-Forwarded-For': '203.0.113.9' },
        body: `token=${ADMIN_TOKEN}`,
      }).then((r) => r.headers.getSetCookie().find((c) => c.startsWith('ess_session=')) ?? '');
    // The test client is on loopback: TRUST_PROXY=1 (one hop: the load balancer) or loopback believe its X-Forwarded-Proto.
    expect(await login(await stack.anotherApi({ trustProxy: 1 }))).toMatch(/; Secure/);
    expect(await login(await stack.anotherApi({ trustProxy: ['loopback'] }))).toMatch(/; Secure/);
    expect(await login(await stack.anotherApi({ trustProxy: ['10.0.0.0/8'] }))).not.toMatch(/; Secure/);
  });

  test("the codec never hands out a tenant's credentials: a store's workflow input decodes with them redacted", async () => {
    const history = await stack.client.workflowService.getWorkflowExecutionHistory({ namespace: 'default', execution: { workflowId: `store-sync:${STORE_B}` } });
    const input = history.history?.events?.[0]?.workflowExecutionStartedEventAttributes?.input?.payloads ?? [];
    expect(input.length).toBe(1);
    const encoded = input.map((p) => ({
      metadata: Object.fromEntries(Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v).toString('base64')])),
      data: Buffer.from(p.data ?? []).toString('base64'),
    }));
    // Encrypted at rest: nothing readable without the codec.
    expect(Buffer.from(encoded[0].data, 'base64').toString()).not.toContain(token(STORE_B));
    const res = await stack.api('/codec/decode', { method: 'POST', body: JSON.stringify({ payloads: encoded }) });
    expect(res.status).toBe(200);
    const decoded = Buffer.from(((await res.json()) as { payloads: { data: string }[] }).payloads[0].data, 'base64').toString();
    expect(decoded).toContain('"storeId":' + STORE_B);
    expect(decoded).toContain('"ecwidAccessToken":"[redacted]"');
    for (const secret of [token(STORE_B), 'tenant-b-secret-1', 'tenant-b-key-1']) expect(decoded).not.toContain(secret);
  });

  test('GET /credentials names what the API holds, with fingerprints, and reveals no secret', async () => {
    const res = await stack.api('/credentials');
    expect(res.status).toBe(200);
    const text = await res.text();
    for (const secret of [ADMIN_TOKEN, WEBHOOK_KEY, SS_ACCOUNT.apiSecret, B_KEYS.apiSecret, 'tenant-b-secret-2', SS_ACCOUNT.apiKey, 'tenant-b-key-2']) expect(text).not.toContain(secret);
    const body = JSON.parse(text) as { shipstationWebhookKey: { set: boolean; fingerprint: string }; sessionSecret: { set: boolean }; shipstationAccounts: { accountId: string; health: string; keyFingerprint?: string }[] };
    expect(body.shipstationWebhookKey).toMatchObject({ set: true, fingerprint: expect.stringMatching(/^[0-9a-f]{12}$/) });
    expect(body.sessionSecret.set).toBe(false); // the test stack signs sessions the earlier way
    expect(body.shipstationAccounts.map((a) => a.accountId)).toEqual(expect.arrayContaining([A, B]));
    expect(body.shipstationAccounts.find((a) => a.accountId === B)).toMatchObject({ health: 'expiring', keyFingerprint: expect.stringMatching(/^[0-9a-f]{12}$/) });
    expect((await fetch(`${stack.apiUrl}/credentials`)).status).toBe(401);
  });
});

describe('session keys apart from the admin token (pure)', () => {
  test('sessions signed with SESSION_SECRET are not valid under the admin token, and stay valid through a rotation', () => {
    const current = 'session-secret-new-0123456789abcdef0123';
    const old = 'session-secret-old-0123456789abcdef0123';
    const byOld = new WebSessions({ current: old });
    const cookie = byOld.issue();
    expect(new WebSessions({ current, old: [old] }).valid(cookie)).toBe(true);
    expect(new WebSessions({ current }).valid(cookie)).toBe(false);
    expect(new WebSessions(ADMIN_TOKEN).valid(cookie)).toBe(false);
    const merchant = new MerchantSessions({ current: old }).issue(5, 'en');
    expect(new MerchantSessions({ current, old: [old] }).read(merchant)?.storeId).toBe(5);
    // A merchant session is never an operator session, whatever the key.
    expect(new WebSessions({ current: old }).valid(merchant)).toBe(false);
  });
  test('SESSION_SECRET must differ from the admin token', () => {
    const same = 'same-value-for-two-jobs-0123456789abcdef';
    expect(() => loadEnv({ ADMIN_TOKEN: same, SESSION_SECRET: same })).toThrow(/ADMIN_TOKEN, SESSION_SECRET: must differ/);
  });
});

describe('webhook key configuration (pure)', () => {
  const base = { ENCRYPTION_KEY: Buffer.alloc(32, 7).toString('base64') };
  test('the retired shared secret alone stops the process with a message naming the new variable', () => {
    expect(() => loadEnv({ ...base, SHIPSTATION_WEBHOOK_SECRET: 'x'.repeat(30) })).toThrow(/SHIPSTATION_WEBHOOK_KEY/);
  });
  test('keys of different jobs must differ', () => {
    const same = 'same-value-for-two-jobs-0123456789abcdef';
    expect(() => loadEnv({ ...base, ADMIN_TOKEN: same, SHIPSTATION_WEBHOOK_KEY: same })).toThrow(/ADMIN_TOKEN, SHIPSTATION_WEBHOOK_KEY: must differ/);
    expect(loadEnv({ ...base, ADMIN_TOKEN: 'admin-token-0123456789', SHIPSTATION_WEBHOOK_KEY: same, SHIPSTATION_WEBHOOK_OLD_KEYS: `${'o'.repeat(32)}, ${'p'.repeat(40)}` }).SHIPSTATION_WEBHOOK_OLD_KEYS).toEqual([
      'o'.repeat(32),
      'p'.repeat(40),
    ]);
  });
  test('a signature verifies under the current or an old key only, and only for its account', () => {
    const sig = accountWebhookSignature('old-key-0123456789abcdef0123456789', 'abcdef0123456789');
    expect(verifyAccountSignature({ current: 'new-key-0123456789abcdef0123456789', old: ['old-key-0123456789abcdef0123456789'] }, 'abcdef0123456789', sig)).toBe(true);
    expect(verifyAccountSignature({ current: 'new-key-0123456789abcdef0123456789' }, 'abcdef0123456789', sig)).toBe(false);
    expect(verifyAccountSignature({ current: 'old-key-0123456789abcdef0123456789' }, '0123456789abcdef', sig)).toBe(false);
  });
});

describe('account facts (pure)', () => {
  test("an account's task queue names it; other queues name none", () => {
    expect(accountOfTaskQueue(shipstationAccountTaskQueue('ecwid-shipstation', 'abcdef0123456789'))).toBe('abcdef0123456789');
    expect(accountOfTaskQueue('ecwid-shipstation')).toBeUndefined();
  });
  test('credentials health: refused or past its expiry date needs new credentials; within 14 days of it, expiring', () => {
    const now = Date.parse('2027-01-01T00:00:00Z');
    expect(credentialsHealth(undefined, now)).toBe('ok');
    expect(credentialsHealth({ credentials: { state: 'refused' } }, now)).toBe('needs_new_credentials');
    expect(credentialsHealth({ credentials: { state: 'ok', expiresAt: '2026-12-31' } }, now)).toBe('needs_new_credentials');
    expect(credentialsHealth({ credentials: { state: 'ok', expiresAt: '2027-01-14' } }, now)).toBe('expiring');
    expect(credentialsHealth({ credentials: { state: 'ok', expiresAt: '2027-01-16' } }, now)).toBe('ok');
  });
});
