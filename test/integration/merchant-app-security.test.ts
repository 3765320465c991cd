/**
 * The Ecwid app page's security (issue 12): payloads, store-scoped sessions, CSRF, framing, and state shared by
 * several API processes. Real dev server, worker and simulators; every Ecwid and ShipStation check is asserted on
 * the requests that actually reached the simulators.
 */
import { PayloadRefused, decryptEcwidPayload } from '../../src/api/merchant/ecwid-payload';
import { langOf } from '../../src/api/merchant/i18n';
import { settingsFromForm } from '../../src/api/merchant/routes';
import { loadEnv } from '../../src/config/env';
import { MerchantSessions } from '../../src/api/merchant/session';
import { encryptEcwidAppPayload } from '../../src/simulators/ecwid/app-payload';
import { basicAuth } from '../../src/simulators/shipstation/auth';
import { ADMIN_TOKEN, ECWID_CLIENT_SECRET, SS_ACCOUNT, eventually, startTestStack, type TestStack } from '../helpers/stack';

const STORE_A = 7101;
const TOKEN_A = 'secret_store_7101_merchant_a';
const STORE_B = 7102;
const TOKEN_B = 'secret_store_7102_merchant_b';
const FREE_STORE = 7103;
const FREE_TOKEN = 'secret_store_7103_free_plan';
const REVOKED_STORE = 7104;
const REVOKED_TOKEN = 'secret_store_7104_revoked';
const MERCHANT_SS = { apiKey: 'merchant-a-ss-key', apiSecret: 'merchant-a-ss-secret' };

const field = (html: string, name: string): string => {
  const m = new RegExp(`name="${name}" value="([^"]*)"`).exec(html);
  if (!m) throw new Error(`no ${name} field in the page`);
  return m[1];
};

describe('Ecwid app page: payload (unit)', () => {
  const data = { store_id: 1003, access_token: 'secret_abcdefghijklmnop', lang: 'fr', view_mode: 'PAGE' };

  test('decrypts what Ecwid encrypts: base64url without padding, IV first, key = first 16 bytes of the secret', () => {
    const payload = encryptEcwidAppPayload(data, ECWID_CLIENT_SECRET);
    expect(payload).not.toMatch(/[=+/]/);
    expect(decryptEcwidPayload(payload, ECWID_CLIENT_SECRET)).toEqual(data);
    // Only the first 16 bytes of the secret are the key: a secret with the same start decrypts it too.
    expect(decryptEcwidPayload(payload, `${ECWID_CLIENT_SECRET.slice(0, 16)}-anything-else`)).toEqual(data);
    // Standard base64 with padding (some clients) is read the same.
    const std = Buffer.from(payload, 'base64url').toString('base64');
    expect(decryptEcwidPayload(std, ECWID_CLIENT_SECRET)).toEqual(data);
  });

  test('forged, truncated and re-encrypted payloads are refused', () => {
    const payload = encryptEcwidAppPayload(data, ECWID_CLIENT_SECRET);
    const cases = [
      undefined,
      '',
      'not a payload!',
      Buffer.alloc(64, 7).toString('base64url'), // forged: random-looking bytes
      payload.slice(0, payload.length - 5), // truncated mid-block
      payload.slice(0, 43), // IV and a part of one block
      encryptEcwidAppPayload(data, 'another-apps-client-secret'), // re-encrypted with another key
      encryptEcwidAppPayload({ store_id: 'x', access_token: 1 }, ECWID_CLIENT_SECRET), // our key, not a payload
      'A'.repeat(5000),
    ];
    for (const c of cases) expect(() => decryptEcwidPayload(c, ECWID_CLIENT_SECRET)).toThrow(PayloadRefused);
  });
});

describe('Ecwid app page: settings form, language and configuration (unit)', () => {
  const current = { pollIntervalSeconds: 300, importSince: Date.parse('2025-01-10T08:30:00Z') / 1000, statusMapping: {}, importPickupOrders: false };
  const bounds = { minPollSeconds: 60, maxPollSeconds: 3600 };
  const base = { importSince: '2025-01-10', pollIntervalSeconds: '300' };

  test('the settings form becomes a settings update; unchanged fields are not sent', () => {
    expect(settingsFromForm({ ...base, CUSTOM_FULFILLMENT_STATUS_2: 'on_hold', CUSTOM_PAYMENT_STATUS_1: '', importPickupOrders: 'on', storeId: '9' }, current, bounds)).toEqual({
      statusMapping: { CUSTOM_FULFILLMENT_STATUS_2: 'on_hold' },
      importPickupOrders: true,
    });
    expect(settingsFromForm({ ...base, importSince: '2024-12-01', pollIntervalSeconds: '900', partialShipmentStatus: 'CUSTOM_FULFILLMENT_STATUS_1' }, current, bounds)).toEqual({
      statusMapping: {},
      importPickupOrders: false,
      importSince: Date.parse('2024-12-01') / 1000,
      pollIntervalSeconds: 900,
      partialShipmentStatus: 'CUSTOM_FULFILLMENT_STATUS_1',
    });
  });

  test('bad values are refused with the reason to show', () => {
    expect(settingsFromForm({ ...base, CUSTOM_FULFILLMENT_STATUS_2: 'lost' }, current, bounds)).toBe('invalid_settings');
    expect(settingsFromForm({ ...base, CUSTOM_FULFILLMENT_STATUS_2: ['on_hold', 'shipped'] }, current, bounds)).toBe('invalid_settings');
    expect(settingsFromForm({ ...base, pollIntervalSeconds: '30' }, current, bounds)).toBe('poll_out_of_range');
    expect(settingsFromForm({ ...base, pollIntervalSeconds: '99999' }, current, bounds)).toBe('poll_out_of_range');
    expect(settingsFromForm({ ...base, pollIntervalSeconds: '1e3' }, current, bounds)).toBe('invalid_settings');
    expect(settingsFromForm({ ...base, importSince: '2025-02-30' }, current, bounds)).toBe('invalid_settings');
    expect(settingsFromForm({ ...base, partialShipmentStatus: 'PAID' }, current, bounds)).toBe('invalid_settings');
  });

  test('the page speaks the admin’s language when it is English or French, else English', () => {
    expect(langOf('fr_FR')).toBe('fr');
    expect(langOf(undefined, 'fr-CA')).toBe('fr');
    expect(langOf('de', 'nl')).toBe('en');
    expect(langOf('es', 'fr')).toBe('fr');
  });

  test('the app page’s variables are validated at start-up', () => {
    const env = loadEnv({});
    expect(env).toMatchObject({
      ECWID_APP_FRAME_ANCESTORS: ['https://my.ecwid.com'],
      MERCHANTS_MAY_USE_OPERATOR_SHIPSTATION: false,
      MERCHANT_POLL_INTERVAL_MIN_SECONDS: 60,
      MERCHANT_POLL_INTERVAL_MAX_SECONDS: 3600,
    });
    expect(loadEnv({ ECWID_APP_FRAME_ANCESTORS: 'https://my.ecwid.com, https://*.example.com' }).ECWID_APP_FRAME_ANCESTORS).toEqual(['https://my.ecwid.com', 'https://*.example.com']);
    expect(() => loadEnv({ ECWID_APP_FRAME_ANCESTORS: "https://my.ecwid.com/app 'self'" })).toThrow(/ECWID_APP_FRAME_ANCESTORS: must be origins/);
    expect(() => loadEnv({ MERCHANTS_MAY_USE_OPERATOR_SHIPSTATION: 'yes' })).toThrow(/MERCHANTS_MAY_USE_OPERATOR_SHIPSTATION/);
    expect(() => loadEnv({ MERCHANT_POLL_INTERVAL_MIN_SECONDS: '900', MERCHANT_POLL_INTERVAL_MAX_SECONDS: '600' })).toThrow(/must not be above/);
  });
});

describe('Ecwid app page: security over HTTP (real stack)', () => {
  let stack: TestStack;
  let second: { url: string };

  const open = (payload: string, base = stack.apiUrl) => fetch(`${base}/ecwid/app?payload=${encodeURIComponent(payload)}&lang=en`, { redirect: 'manual' });
  const post = (path: string, fields: Record<string, string>, base = stack.apiUrl) =>
    fetch(`${base}/ecwid/app/${path}`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(fields).toString(),
    });
  const profileCalls = (storeId: number) => stack.ecwid.requests.filter('GET', new RegExp(`/api/v3/${storeId}/profile$`));

  /** Opens the app for a store and installs it; answers the store page's session and CSRF token. */
  async function install(storeId: number, fields: Record<string, string>): Promise<{ s: string; csrf: string }> {
    const payload = stack.ecwid.appPayload(storeId, 'en')!;
    const html = await (await open(payload)).text();
    const res = await post('install', { s: field(html, 's'), _csrf: field(html, '_csrf'), payload, ...fields });
    expect(res.status).toBe(303);
    const page = await (await fetch(new URL(res.headers.get('location')!, stack.apiUrl))).text();
    return { s: field(page, 's'), csrf: field(page, '_csrf') };
  }

  beforeAll(async () => {
    stack = await startTestStack();
    stack.ecwid.addStore({ storeId: STORE_A, token: TOKEN_A, plan: 'VENTURE' });
    stack.ecwid.addStore({ storeId: STORE_B, token: TOKEN_B, plan: 'BUSINESS' });
    stack.ecwid.addStore({ storeId: FREE_STORE, token: FREE_TOKEN, plan: 'FREE' });
    stack.ecwid.addStore({ storeId: REVOKED_STORE, token: REVOKED_TOKEN, plan: 'VENTURE' });
    stack.shipstation.addAccount(MERCHANT_SS);
    // A second API process behind the same load balancer: same configuration, same Temporal, its own memory.
    second = { url: await stack.anotherApi() };
  });
  afterAll(async () => {
    await stack?.stop();
  });

  test('forged, truncated or re-encrypted payloads get a refusal page and no session; Ecwid is not even asked', async () => {
    const good = stack.ecwid.appPayload(STORE_A)!;
    const before = stack.ecwid.requests.filter('GET', /\/profile$/).length;
    for (const bad of [Buffer.alloc(80, 3).toString('base64url'), good.slice(0, -7), encryptEcwidAppPayload({ store_id: STORE_A, access_token: TOKEN_A }, 'not-our-client-secret!')]) {
      const res = await open(bad);
      expect(res.status).toBe(400);
      expect(res.headers.get('set-cookie')).toBeNull();
      const html = await res.text();
      expect(html).toContain('Ecwid did not hand this page a valid store key');
      expect(html).not.toContain('name="s"');
      expect(html).not.toContain('<form');
    }
    expect((await fetch(`${stack.apiUrl}/ecwid/app`)).status).toBe(400);
    expect(stack.ecwid.requests.filter('GET', /\/profile$/).length).toBe(before);
  });

  test('a payload whose token Ecwid refuses gets a refusal page and no session (revoked token, free plan)', async () => {
    const payload = stack.ecwid.appPayload(REVOKED_STORE)!;
    stack.ecwid.revokeToken(REVOKED_STORE);
    const revoked = await open(payload);
    expect(revoked.status).toBe(403);
    const html = await revoked.text();
    expect(html).toContain('Ecwid refused this store’s access');
    expect(html).not.toContain('name="s"');
    const asked = profileCalls(REVOKED_STORE).at(-1)!;
    expect(asked.headers.authorization).toBe(`Bearer ${REVOKED_TOKEN}`);

    const free = await open(stack.ecwid.appPayload(FREE_STORE)!);
    expect(free.status).toBe(402);
    expect(await free.text()).toContain('Venture plan or higher');
    expect(profileCalls(FREE_STORE)).toHaveLength(1);
  });

  test('rewriting store_id in a payload (CBC bit flips in the IV, no key needed) is caught by Ecwid’s token check', async () => {
    const raw = Buffer.from(stack.ecwid.appPayload(STORE_A)!, 'base64url');
    // Plaintext block 1 is `{"store_id":7101`; XOR the IV so it decrypts to `{"store_id":7102`.
    const from = Buffer.from(`{"store_id":${STORE_A}`);
    const to = Buffer.from(`{"store_id":${STORE_B}`);
    for (let i = 0; i < 16; i++) raw[i] ^= from[i] ^ to[i];
    const forged = raw.toString('base64url');
    expect(decryptEcwidPayload(forged, ECWID_CLIENT_SECRET)).toMatchObject({ store_id: STORE_B, access_token: TOKEN_A });
    const res = await open(forged);
    expect(res.status).toBe(403);
    expect(await res.text()).not.toContain('name="s"');
    // Ecwid was asked about store B with store A's token, and said no.
    expect(profileCalls(STORE_B).at(-1)!.headers.authorization).toBe(`Bearer ${TOKEN_A}`);
    expect(await stack.service.status(STORE_B)).toBeUndefined();
  });

  test('a merchant’s own ShipStation keys are checked with ShipStation before anything is saved', async () => {
    const payload = stack.ecwid.appPayload(STORE_A, 'en')!;
    const html = await (await open(payload)).text();
    const s = field(html, 's');
    const csrf = field(html, '_csrf');
    const wrong = await post('install', { s, _csrf: csrf, payload, account: 'own', apiKey: MERCHANT_SS.apiKey, apiSecret: 'typo' });
    expect(wrong.status).toBe(422);
    expect(await wrong.text()).toContain('ShipStation refused this API key and secret');
    const checks = stack.shipstation.requests.filter('GET', /^\/stores$/);
    expect(checks.at(-1)!.headers.authorization).toBe(basicAuth(MERCHANT_SS.apiKey, 'typo'));
    expect(await stack.service.status(STORE_A)).toBeUndefined();
    const missing = await post('install', { s, _csrf: csrf, payload, account: 'own', apiKey: MERCHANT_SS.apiKey });
    expect(await missing.text()).toContain('Enter both the API key and the API secret.');
  });

  test('sessions are scoped to one store: A never reads or changes B, and never reaches operator routes', async () => {
    const a = await install(STORE_A, { account: 'own', apiKey: MERCHANT_SS.apiKey, apiSecret: MERCHANT_SS.apiSecret });
    expect(stack.shipstation.requests.filter('GET', /^\/stores$/).at(-1)!.headers.authorization).toBe(basicAuth(MERCHANT_SS.apiKey, MERCHANT_SS.apiSecret));
    const b = await install(STORE_B, { account: 'operator' });
    const statusA = await eventually(() => stack.service.status(STORE_A));
    const statusB = await eventually(() => stack.service.status(STORE_B));
    expect(statusA).toMatchObject({ connectedBy: 'merchant', shipstationAccount: 'own' });
    expect(statusB).toMatchObject({ connectedBy: 'merchant', shipstationAccount: 'default' });

    // A's page is A's, whatever the query says.
    const pageA = await (await fetch(`${stack.apiUrl}/ecwid/app/store?s=${encodeURIComponent(a.s)}&storeId=${STORE_B}&store=${STORE_B}`)).text();
    expect(pageA).toContain(`<td id="store-id">${STORE_A}</td>`);
    expect(pageA).not.toContain(String(STORE_B));
    // A form with A's session and B's ID in every field a route could read still acts on A only.
    const paused = await post(`pause?storeId=${STORE_B}`, { s: a.s, _csrf: a.csrf, storeId: String(STORE_B), ecwidStoreId: String(STORE_B) });
    expect(paused.status).toBe(303);
    await eventually(async () => (await stack.service.status(STORE_A))?.state === 'paused');
    expect((await stack.service.status(STORE_B))!.state).toBe('active');
    // B's CSRF token with A's session, or A's session rewritten to name B, is nothing.
    expect((await post('disconnect', { s: a.s, _csrf: b.csrf, confirm: 'yes' })).status).toBe(403);
    const parts = a.s.split('.');
    parts[1] = String(STORE_B);
    const rewritten = parts.join('.');
    expect((await fetch(`${stack.apiUrl}/ecwid/app/store?s=${encodeURIComponent(rewritten)}`)).status).toBe(401);
    expect((await post('disconnect', { s: rewritten, _csrf: a.csrf, confirm: 'yes' })).status).toBe(401);
    expect((await stack.service.status(STORE_B))!.state).toBe('active');

    // Operator routes: a merchant session is neither the admin token nor an operator's session cookie.
    for (const path of ['/connections', `/connections/${STORE_B}`, '/accounts', '/metrics']) {
      const res = await fetch(`${stack.apiUrl}${path}`, { headers: { Authorization: `Bearer ${a.s}` } });
      expect(res.status).toBe(401);
    }
    for (const path of ['/', `/stores/${STORE_B}`, `/stores/${STORE_A}`]) {
      const res = await fetch(`${stack.apiUrl}${path}`, { redirect: 'manual', headers: { Cookie: `ess_session=${a.s}` } });
      expect(res.status).toBe(302);
      expect(res.headers.get('location')).toMatch(/^\/login/);
    }
    const opForm = await fetch(`${stack.apiUrl}/stores/${STORE_B}/disconnect`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', Cookie: `ess_session=${a.s}` },
      body: new URLSearchParams({ _csrf: a.csrf, confirm: 'yes' }).toString(),
    });
    expect(opForm.headers.get('location')).toBe('/login');
    expect((await stack.service.status(STORE_B))!.state).toBe('active');
    await post('resume', { s: a.s, _csrf: a.csrf });
    await eventually(async () => (await stack.service.status(STORE_A))?.state === 'active');
  });

  test('every form needs its CSRF token: without it, nothing is signalled', async () => {
    const payload = stack.ecwid.appPayload(STORE_A, 'en')!;
    const html = await (await open(payload)).text();
    const s = field(html, 's');
    const before = (await stack.service.status(STORE_A))!;
    const forms: [string, Record<string, string>][] = [
      ['install', { payload, account: 'operator' }],
      ['settings', { CUSTOM_FULFILLMENT_STATUS_1: 'on_hold', importSince: '2020-01-01', pollIntervalSeconds: '120' }],
      ['sync', {}],
      ['pause', {}],
      ['resume', {}],
      ['retry-shipments', {}],
      ['disconnect', { confirm: 'yes' }],
    ];
    for (const [path, fields] of forms) {
      // A tampered token: its last character changed (to another one: a token ending in 'A' would stay valid).
      const token = field(html, '_csrf');
      for (const csrf of [undefined, 'x'.repeat(43), token.slice(0, -1) + (token.endsWith('A') ? 'B' : 'A')]) {
        const res = await post(path, { s, ...(csrf ? { _csrf: csrf } : {}), ...fields });
        expect([path, res.status]).toEqual([path, 403]);
        expect(await res.text()).toContain('This form has expired');
      }
    }
    // A form body in JSON is not a form: refused before any route sees it.
    const json = await fetch(`${stack.apiUrl}/ecwid/app/sync`, { method: 'POST', headers: { 'Content-Type': 'text/plain' }, body: `s=${s}` });
    expect(json.status).toBe(415);
    await new Promise((r) => setTimeout(r, 500));
    const after = (await stack.service.status(STORE_A))!;
    expect(after.state).toBe('active');
    expect(after.settings).toEqual(before.settings);
    expect(after.shipstationAccount).toBe('own');
  });

  test('only the app page may be framed, and only by the configured Ecwid admin origins', async () => {
    const app = await fetch(`${stack.apiUrl}/ecwid/app?payload=x`);
    const csp = app.headers.get('content-security-policy')!;
    expect(csp).toContain(`frame-ancestors http://localhost:${stack.ecwid.port}`);
    expect(csp).not.toContain("frame-ancestors 'self'");
    expect(app.headers.get('x-frame-options')).toBeNull();
    expect(app.headers.get('cache-control')).toBe('no-store');
    for (const path of ['/login', '/health', '/openapi.json', '/', '/connect/ecwid/callback?state=x', '/nope']) {
      const res = await fetch(`${stack.apiUrl}${path}`, { redirect: 'manual' });
      expect([path, res.headers.get('content-security-policy')]).toEqual([path, expect.stringContaining("frame-ancestors 'none'")]);
      expect([path, res.headers.get('x-frame-options')]).toEqual([path, 'DENY']);
    }
  });

  test('sessions and OAuth states hold across API processes: a state spent at one is refused at the other', async () => {
    // A merchant session issued by process 1 works at process 2 (nothing is kept in either's memory).
    const html = await (await open(stack.ecwid.appPayload(STORE_B, 'en')!)).text();
    const s = field(html, 's');
    const viaSecond = await (await fetch(`${second.url}/ecwid/app/store?s=${encodeURIComponent(s)}`)).text();
    expect(viaSecond).toContain(`<td id="store-id">${STORE_B}</td>`);
    expect(new MerchantSessions(ADMIN_TOKEN).read(s)?.storeId).toBe(STORE_B);
    expect(new MerchantSessions('another-admin-token-0123456789').read(s)).toBeUndefined();

    // OAuth: issued by process 1, used at process 2, replayed at process 1.
    const start = await fetch(`${stack.apiUrl}/connect/ecwid`, { redirect: 'manual', headers: { Authorization: `Bearer ${ADMIN_TOKEN}` } });
    const state = new URL(start.headers.get('location')!).searchParams.get('state')!;
    const callback = `/connect/ecwid/callback?code=${stack.ecwid.issueAuthCode(STORE_B, `${stack.apiUrl}/connect/ecwid/callback`)}&store_id=${STORE_B}&state=${encodeURIComponent(state)}`;
    const first = await fetch(`${second.url}${callback}`, { headers: { Accept: 'application/json' } });
    expect(first.status).toBe(200); // B was connected already: a reconnect
    const replay = await fetch(`${stack.apiUrl}${callback}`, { headers: { Accept: 'application/json' } });
    expect(replay.status).toBe(400);
    expect(await replay.json()).toMatchObject({ error: 'invalid_state' });
    const replaySame = await fetch(`${second.url}${callback}`, { headers: { Accept: 'application/json' } });
    expect(replaySame.status).toBe(400);
    // The spent state is a workflow ID in Temporal, shared by every process; the code was exchanged once only.
    const nonce = state.split('.')[0];
    expect((await stack.client.workflow.getHandle(`oauth-state:${nonce}`).describe()).type).toBe('oneTimeTokenSpent');
    expect(stack.ecwid.requests.filter('POST', new RegExp(`/api/oauth/token/${STORE_B}$`))).toHaveLength(1);
    // An operator reconnect makes the store the operator's connection again, and the operator sees it.
    const status = await eventually(async () => {
      const st = (await (await stack.api(`/connections/${STORE_B}`)).json()) as { connectedBy?: string };
      return st.connectedBy === 'operator' ? st : undefined;
    });
    expect(status).toMatchObject({ connectedBy: 'operator', shipstationAccount: 'default' });
  });

  test('operators see who connected each store, and to which ShipStation account', async () => {
    const a = (await (await stack.api(`/connections/${STORE_A}`)).json()) as Record<string, unknown>;
    expect(a).toMatchObject({ connectedBy: 'merchant', shipstationAccount: 'own' });
    const list = (await (await stack.api('/connections')).json()) as { storeId: number; connectedBy: string }[];
    expect(list.find((c) => c.storeId === STORE_A)?.connectedBy).toBe('merchant');
    // The operator page, logged in with the admin token.
    const login = await fetch(`${stack.apiUrl}/login`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token: ADMIN_TOKEN }).toString(),
    });
    const cookie = login.headers.getSetCookie()[0].split(';')[0];
    const page = await (await fetch(`${stack.apiUrl}/stores/${STORE_A}`, { headers: { Cookie: cookie } })).text();
    expect(page).toContain('<td id="connected-by">the merchant (Ecwid app page)</td>');
    expect(page).toMatch(/ShipStation account<\/th><td>the store&#39;s own/);
    const dash = await (await fetch(`${stack.apiUrl}/`, { headers: { Cookie: cookie } })).text();
    expect(dash).toContain('<th>Connected by</th>');
    // The merchant's ShipStation key never appears to the operator, in the page or the API.
    expect(page).not.toContain(MERCHANT_SS.apiSecret);
    expect(JSON.stringify(a)).not.toContain(MERCHANT_SS.apiSecret);
    expect(SS_ACCOUNT.apiKey).not.toBe(MERCHANT_SS.apiKey);
  });

  test('dates are bounded: 0000-01-01 in the form is a 400 naming the field, and a bad stored value never breaks the page', async () => {
    const STORE = 7190;
    stack.ecwid.addStore({ storeId: STORE, token: 'secret_store_7190_dates', plan: 'VENTURE' });
    const m = await install(STORE, { account: 'operator' });
    const before = await eventually(() => stack.service.status(STORE));
    const form = (importSince: string) => post('settings', { s: m.s, _csrf: m.csrf, importSince, pollIntervalSeconds: '300' });
    for (const bad of ['0000-01-01', '1999-12-31', '9999-01-01']) {
      const res = await form(bad);
      expect(res.status).toBe(400);
      expect(await res.text()).toContain('The import start date must be between 2000-01-01 and one year from now.');
    }
    await new Promise((r) => setTimeout(r, 300));
    expect((await stack.service.status(STORE))!.settings.importSince).toBe(before.settings.importSince);
    expect((await form('2024-05-01')).status).toBe(303);
    await eventually(async () => (await stack.service.status(STORE))!.settings.importSince === Date.UTC(2024, 4, 1) / 1000);

    // A value stored before dates were bounded (the API accepted 99999999999999 then): the page still renders, with
    // an empty date to correct, where it answered 503 "Invalid time value".
    expect(await stack.service.updateSettings(STORE, { importSince: 99_999_999_999_999 })).toBe(true);
    await eventually(async () => (await stack.service.status(STORE))!.settings.importSince === 99_999_999_999_999);
    const page = await fetch(`${stack.apiUrl}/ecwid/app/store?s=${encodeURIComponent(m.s)}`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('name="importSince" value=""');
    // And saving the form with a good date repairs it.
    expect((await form('2024-06-01')).status).toBe(303);
    await eventually(async () => (await stack.service.status(STORE))!.settings.importSince === Date.UTC(2024, 5, 1) / 1000);
  });
});
