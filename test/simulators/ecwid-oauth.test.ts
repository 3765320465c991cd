import { startEcwidSimulator, type EcwidSimulator } from '../../src/simulators/ecwid';

const STORE = 1003;
const CLIENT_ID = 'my-app';
const CLIENT_SECRET = 'my-app-secret';
const REDIRECT = 'https://connector.example/oauth/callback';

describe('Ecwid simulator: OAuth', () => {
  let sim: EcwidSimulator;
  let clock = Date.UTC(2025, 9, 1);

  const exchange = (fields: Record<string, string>, path = '/token'): Promise<Response> =>
    fetch(`${sim.oauthUrl}${path}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(fields).toString(),
    });
  const form = (code: string, over: Record<string, string> = {}): Record<string, string> => ({
    client_id: CLIENT_ID,
    client_secret: CLIENT_SECRET,
    code,
    redirect_uri: REDIRECT,
    grant_type: 'authorization_code',
    ...over,
  });
  const profile = (token: string): Promise<Response> => fetch(`${sim.url}/${STORE}/profile`, { headers: { Authorization: `Bearer ${token}` } });

  beforeAll(async () => {
    sim = await startEcwidSimulator({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, now: () => clock });
    sim.addStore({ storeId: STORE, token: 'secret_initial', accountEmail: 'owner@demo.example' });
    sim.addStore({ storeId: 1004, token: 'secret_other' });
  });
  afterAll(async () => {
    await sim.close();
  });

  test('the consent page redirects with code, store_id and state on Allow, error=access_denied on Deny', async () => {
    const q = new URLSearchParams({ client_id: CLIENT_ID, redirect_uri: REDIRECT, response_type: 'code', scope: 'read_orders update_orders', state: 'xyz' });
    const page = await fetch(`${sim.oauthUrl}/authorize?${q}`);
    expect(page.status).toBe(200);
    const html = await page.text();
    const allow = /id="allow" href="([^"]+)"/.exec(html)?.[1].replace(/&amp;/g, '&');
    const deny = /id="deny" href="([^"]+)"/.exec(html)?.[1].replace(/&amp;/g, '&');
    expect(allow).toBeDefined();
    expect(deny).toBe(`${REDIRECT}?error=access_denied&state=xyz`);
    const redirect = await fetch(new URL(allow!, `${sim.oauthUrl}/authorize`), { redirect: 'manual' });
    expect(redirect.status).toBe(302);
    const location = new URL(redirect.headers.get('location')!);
    expect(`${location.origin}${location.pathname}`).toBe(REDIRECT);
    expect(location.searchParams.get('store_id')).toBe(String(STORE)); // the first store added
    expect(location.searchParams.get('state')).toBe('xyz');
    const token = await exchange(form(location.searchParams.get('code')!));
    expect(token.status).toBe(200);
    expect(await token.json()).toMatchObject({ scope: 'read_store_profile read_orders update_orders', store_id: STORE });
  });

  test('authorize requires all four parameters and honours store_id', async () => {
    const missing = await fetch(`${sim.oauthUrl}/authorize?client_id=${CLIENT_ID}&redirect_uri=${encodeURIComponent(REDIRECT)}&response_type=code`);
    expect(missing.status).toBe(400);
    const q = new URLSearchParams({ client_id: CLIENT_ID, redirect_uri: REDIRECT, response_type: 'code', scope: 'read_orders', store_id: '1004' });
    const html = await (await fetch(`${sim.oauthUrl}/authorize?${q}`)).text();
    expect(html).toContain('store 1004');
  });

  test('a code exchanges once for a working token (POST /token), with the documented response', async () => {
    const code = sim.issueAuthCode(STORE, REDIRECT);
    const res = await exchange(form(code));
    expect(res.status).toBe(200);
    const body = (await res.json()) as { access_token: string; token_type: string; scope: string; store_id: number; email: string };
    expect(body).toMatchObject({ token_type: 'bearer', store_id: STORE, email: 'owner@demo.example' });
    expect(body.access_token).toMatch(/^secret_/);
    expect(body.scope.split(' ')).toEqual(expect.arrayContaining(['read_orders', 'update_orders']));
    expect((await profile(body.access_token)).status).toBe(200);
  });

  test('POST /token/:storeId works too, and refuses a code issued for another store', async () => {
    const code = sim.issueAuthCode(STORE, REDIRECT);
    const wrong = await exchange(form(code), '/token/1004');
    expect(wrong.status).toBe(400);
    expect(await wrong.json()).toMatchObject({ error: 'invalid_grant' });
    const res = await exchange(form(code), `/token/${STORE}`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ store_id: STORE, token_type: 'bearer' });
  });

  test('exchanging a code twice fails and disables the token issued the first time', async () => {
    const code = sim.issueAuthCode(STORE, REDIRECT);
    const first = (await (await exchange(form(code))).json()) as { access_token: string };
    expect((await profile(first.access_token)).status).toBe(200);
    const second = await exchange(form(code));
    expect(second.status).toBe(400);
    expect(await second.json()).toMatchObject({ error: 'invalid_grant' });
    expect((await profile(first.access_token)).status).toBe(403);
    expect((await profile('secret_initial')).status).toBe(200); // other tokens are untouched
  });

  test('a wrong client secret, wrong redirect_uri, unknown or expired code are refused', async () => {
    const code = sim.issueAuthCode(STORE, REDIRECT);
    const secret = await exchange(form(code, { client_secret: 'nope' }));
    expect(secret.status).toBe(400);
    expect(await secret.json()).toMatchObject({ error: 'invalid_client' });
    const redirect = await exchange(form(code, { redirect_uri: 'https://evil.example/cb' }));
    expect(redirect.status).toBe(400);
    expect(await redirect.json()).toMatchObject({ error: 'invalid_grant' });
    const unknown = await exchange(form('not-a-code'));
    expect(unknown.status).toBe(400);
    const grant = await exchange(form(code, { grant_type: 'client_credentials' }));
    expect(await grant.json()).toMatchObject({ error: 'unsupported_grant_type' });
    // The refusals above did not consume the code; it still works, once.
    expect((await exchange(form(code))).status).toBe(200);

    const old = sim.issueAuthCode(STORE, REDIRECT);
    clock += 5 * 60_000 + 1_000;
    const expired = await exchange(form(old));
    expect(expired.status).toBe(400);
    expect(await expired.json()).toMatchObject({ error: 'invalid_grant', error_description: expect.stringContaining('expired') });
  });

  test('GET /token is refused with 405; a JSON body is refused with 400', async () => {
    const get = await fetch(`${sim.oauthUrl}/token?${new URLSearchParams(form('x'))}`);
    expect(get.status).toBe(405);
    expect(get.headers.get('allow')).toBe('POST');
    const json = await fetch(`${sim.oauthUrl}/token`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(form('x')) });
    expect(json.status).toBe(400);
    expect(await json.json()).toMatchObject({ error: 'invalid_request' });
  });
});
