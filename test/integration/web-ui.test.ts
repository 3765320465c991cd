import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { Payload, PayloadCodec } from '@temporalio/common';
import pino from 'pino';
import { chromium, type Browser, type Page } from 'playwright-core';
import { createApp } from '../../src/api/app';
import { webRoutes } from '../../src/api/web/routes';
import { ConnectionService } from '../../src/connections/connection-service';
import type { EcwidOrder } from '../../src/domain/ecwid';
import type { ConnectionStatus, OrderDecision } from '../../src/workflows/definitions';
import { ensureChromium } from '../helpers/chromium';
import { ADMIN_TOKEN, SS_ACCOUNT, eventually, startTestStack, type TestStack } from '../helpers/stack';
import { importableOrder as order } from '../helpers/orders';

// ---------- Without a browser: sessions, CSRF and forms over plain HTTP, Temporal stubbed ----------

const FAKE_TOKEN = 'web-test-admin-token-0123456789';
const FAKE_STORE = 7;

function fakeStatus(): ConnectionStatus {
  return {
    storeId: FAKE_STORE,
    state: 'active',
    settings: { pollIntervalSeconds: 300, importSince: 0, statusMapping: { CUSTOM_FULFILLMENT_STATUS_1: 'on_hold' }, importPickupOrders: false },
    shipstationAccount: 'default',
    syncing: false,
    imported: 12,
    skipped: 2,
    failed: 1,
    failedAttempts: 3,
    cancelled: 0,
    skipReasons: { 'unmapped_status:CUSTOM_FULFILLMENT_STATUS_2': 1, no_physical_items: 1 },
    recentSkipped: [
      { orderId: 'K8XTQ', reason: 'unmapped_status:CUSTOM_FULFILLMENT_STATUS_2', at: '2025-01-31T14:05:09.000Z' },
      { orderId: 'D1GTL', reason: 'no_physical_items', at: '2025-01-31T14:04:00.000Z' },
    ],
    recentFailed: [{ orderId: 'BAD01', reason: 'ShipStation said <script>alert(1)</script>', at: '2025-01-31T14:00:00.000Z', attempts: 3 }],
    lastSyncAt: '2025-01-31T14:05:09.000Z',
    nextSyncAt: '2025-01-31T14:10:09.000Z',
    lastError: '<img src=x onerror=alert(1)>',
    syncsRun: 4,
    pendingOrderIds: 0,
  };
}

/**
 * Just enough of a Temporal client for ConnectionService: one running store-sync workflow, signals recorded; the
 * workflows started (a logout's `web-session-ended:<nonce>`) exist from then on.
 */
function fakeClient(signals: { name: string; args: unknown[] }[]): Client {
  const started = new Set<string>();
  const handle = (workflowId: string) => {
    const known = workflowId === `store-sync:${FAKE_STORE}`;
    const notFound = () => new WorkflowNotFoundError('not found', workflowId, undefined);
    return {
      describe: async () => {
        if (!known && !started.has(workflowId)) throw notFound();
        return { status: { name: 'RUNNING' } };
      },
      query: async (def: { name: string }, ...args: unknown[]) => {
        if (!known) throw notFound();
        if (def.name === 'status') return fakeStatus();
        const decision: OrderDecision = { orderId: String(args[0]), outcome: 'skipped', reason: 'pickup', explanation: 'skipped: local pickup' };
        return decision;
      },
      signal: async (def: { name: string }, ...args: unknown[]) => {
        if (!known) throw notFound();
        signals.push({ name: def.name, args });
      },
    };
  };
  return {
    workflow: {
      getHandle: handle,
      start: async (_type: string, opts: { workflowId: string }) => {
        started.add(opts.workflowId);
        return handle(opts.workflowId);
      },
      // The one workflow there is: a store's sync (no shipment write-backs).
      list: async function* (opts: { query?: string } = {}) {
        if (!opts.query || opts.query.includes('storeSync')) yield { workflowId: `store-sync:${FAKE_STORE}` };
      },
    },
  } as unknown as Client;
}

async function listen(app: express.Express): Promise<{ server: Server; url: string }> {
  const server = createServer(app);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

async function close(server: Server | undefined): Promise<void> {
  if (!server) return;
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
}

describe("operator's web page over HTTP (Temporal stubbed)", () => {
  const signals: { name: string; args: unknown[] }[] = [];
  let server: Server;
  let url = '';
  let cookie = '';
  let csrf = '';
  const form = (fields: Record<string, string>, withCookie = true) => ({
    method: 'POST',
    redirect: 'manual' as const,
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', ...(withCookie ? { Cookie: cookie } : {}) },
    body: new URLSearchParams(fields).toString(),
  });
  const get = (path: string, headers: Record<string, string> = {}) => fetch(`${url}${path}`, { redirect: 'manual', headers: { Cookie: cookie, ...headers } });

  beforeAll(async () => {
    const identity: PayloadCodec = { encode: async (p: Payload[]) => p, decode: async (p: Payload[]) => p };
    const { app } = createApp({
      client: fakeClient(signals),
      logger: pino({ level: 'silent' }),
      adminToken: FAKE_TOKEN,
      taskQueue: 'unused',
      ecwidApiUrl: 'http://127.0.0.1:9/api/v3',
      shipstationApiUrl: 'http://127.0.0.1:9',
      ecwidClientId: 'client',
      ecwidClientSecret: 'secret',
      ecwidOAuthUrl: 'http://127.0.0.1:9/api/oauth',
      publicUrl: 'http://127.0.0.1:9',
      defaultPollIntervalSeconds: 300,
      codec: identity,
      temporalUiOrigin: 'http://localhost:8233',
    });
    ({ server, url } = await listen(app));
  });
  afterAll(() => close(server));

  test('without a session, pages redirect to the login page; a wrong token is refused', async () => {
    for (const path of ['/', `/stores/${FAKE_STORE}`]) {
      const res = await fetch(`${url}${path}`, { redirect: 'manual' });
      expect(res.status).toBe(302);
      expect(res.headers.get('location')).toBe(`/login?next=${encodeURIComponent(path)}`);
    }
    const loginPage = await fetch(`${url}/login`);
    expect(await loginPage.text()).toContain('name="token"');
    const wrong = await fetch(`${url}/login`, form({ token: 'nope' }, false));
    expect(wrong.status).toBe(401);
    expect(wrong.headers.get('set-cookie')).toBeNull();
    // Other paths still refuse form bodies (415) and unknown ones still 404.
    expect((await fetch(`${url}/connections`, form({ a: 'b' }, false))).status).toBe(415);
    expect((await fetch(`${url}/nope`)).status).toBe(404);
  });

  test('Authorization: Bearer <ADMIN_TOKEN> opens the page and starts a session for its forms; a wrong one does not', async () => {
    const res = await fetch(`${url}/`, { redirect: 'manual', headers: { Authorization: `Bearer ${FAKE_TOKEN}` } });
    expect(res.status).toBe(200);
    expect(await res.text()).toContain(`href="/stores/${FAKE_STORE}"`);
    const set = res.headers.getSetCookie().find((c) => c.startsWith('ess_session='));
    expect(set).toMatch(/HttpOnly/i);
    const wrong = await fetch(`${url}/`, { redirect: 'manual', headers: { Authorization: 'Bearer not-the-token-at-all' } });
    expect(wrong.status).toBe(302);
    expect(wrong.headers.getSetCookie()).toEqual([]);
    // The header alone posts no form: a form still needs the session's CSRF token.
    const post = await fetch(`${url}/stores/${FAKE_STORE}/sync`, { method: 'POST', redirect: 'manual', headers: { Authorization: `Bearer ${FAKE_TOKEN}`, 'Content-Type': 'application/x-www-form-urlencoded' }, body: '' });
    expect(post.status).toBe(303);
    expect(post.headers.get('location')).toBe('/login');
  });

  test('the admin token gives an HttpOnly, SameSite=Strict session cookie', async () => {
    const res = await fetch(`${url}/login`, form({ token: FAKE_TOKEN, next: `/stores/${FAKE_STORE}` }, false));
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe(`/stores/${FAKE_STORE}`);
    const set = res.headers.getSetCookie().find((c) => c.startsWith('ess_session='));
    expect(set).toBeDefined();
    expect(set).toMatch(/HttpOnly/i);
    expect(set).toMatch(/SameSite=Strict/i);
    expect(set).toMatch(/Max-Age=\d+/i);
    cookie = set!.split(';')[0];
    // An open redirect is not possible through `next`.
    const evil = await fetch(`${url}/login`, form({ token: FAKE_TOKEN, next: '//evil.example/' }, false));
    expect(evil.headers.get('location')).toBe('/');

    const home = await get('/');
    expect(home.status).toBe(200);
    expect(home.headers.get('cache-control')).toBe('no-store');
    const html = await home.text();
    expect(html).toContain('href="/connect/ecwid"');
    expect(html).toContain(`href="/stores/${FAKE_STORE}"`);
    csrf = /name="_csrf" value="([^"]+)"/.exec(html)![1];
    // A tampered session is no session.
    const tampered = await fetch(`${url}/`, { redirect: 'manual', headers: { Cookie: `${cookie.slice(0, -2)}xx` } });
    expect(tampered.status).toBe(302);
  });

  test('the store page explains skips in words and escapes everything', async () => {
    const html = await (await get(`/stores/${FAKE_STORE}`)).text();
    expect(html).toContain('custom fulfillment status 2 has no ShipStation mapping — <a href="#mapping">fix the mapping</a>');
    expect(html).toContain('all items are digital or don&#39;t need shipping');
    expect(html).not.toContain('<script>alert(1)</script>');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).not.toContain('<img src=x');
    expect(html).toMatch(/<select id="map-CUSTOM_FULFILLMENT_STATUS_1" name="CUSTOM_FULFILLMENT_STATUS_1">.*<option value="on_hold" selected>/s);
    const why = await (await get(`/stores/${FAKE_STORE}?order=K8XTQ`)).text();
    expect(why).toContain('skipped: local pickup');
    expect((await get('/stores/99')).status).toBe(404);
  });

  test('forms need the CSRF token; with it they signal the workflow and redirect with a flash message', async () => {
    const before = signals.length;
    const noCsrf = await fetch(`${url}/stores/${FAKE_STORE}/sync`, form({}));
    expect(noCsrf.status).toBe(403);
    const wrongCsrf = await fetch(`${url}/stores/${FAKE_STORE}/pause`, form({ _csrf: 'x'.repeat(43) }));
    expect(wrongCsrf.status).toBe(403);
    const noSession = await fetch(`${url}/stores/${FAKE_STORE}/sync`, form({ _csrf: csrf }, false));
    expect(noSession.status).toBe(303);
    expect(noSession.headers.get('location')).toBe('/login');
    expect(signals.length).toBe(before);

    const sync = await fetch(`${url}/stores/${FAKE_STORE}/sync`, form({ _csrf: csrf }));
    expect(sync.status).toBe(303);
    expect(sync.headers.get('location')).toBe(`/stores/${FAKE_STORE}?done=sync_started`);
    expect(signals.at(-1)).toEqual({ name: 'syncNow', args: [{ trigger: 'operator' }] });
    expect(await (await get(`/stores/${FAKE_STORE}?done=sync_started`)).text()).toContain('Sync started');

    await fetch(`${url}/stores/${FAKE_STORE}/pause`, form({ _csrf: csrf }));
    expect(signals.at(-1)?.name).toBe('pause');
    await fetch(`${url}/stores/${FAKE_STORE}/resume`, form({ _csrf: csrf }));
    expect(signals.at(-1)?.name).toBe('resume');

    const unconfirmed = await fetch(`${url}/stores/${FAKE_STORE}/disconnect`, form({ _csrf: csrf }));
    expect(unconfirmed.headers.get('location')).toBe(`/stores/${FAKE_STORE}?error=confirm_disconnect`);
    expect(signals.at(-1)?.name).toBe('resume');
    const disconnect = await fetch(`${url}/stores/${FAKE_STORE}/disconnect`, form({ _csrf: csrf, confirm: 'yes' }));
    expect(disconnect.headers.get('location')).toBe('/?done=disconnected');
    expect(signals.at(-1)?.name).toBe('disconnect');

    const unknown = await fetch(`${url}/stores/99/sync`, form({ _csrf: csrf }));
    expect(unknown.headers.get('location')).toBe('/stores/99?error=not_found');
  });

  test('the mapping form is validated by the zod schema and sent as settings', async () => {
    const bad = await fetch(`${url}/stores/${FAKE_STORE}/mapping`, form({ _csrf: csrf, CUSTOM_FULFILLMENT_STATUS_2: 'lost' }));
    expect(bad.headers.get('location')).toBe(`/stores/${FAKE_STORE}?error=invalid_mapping#mapping`);
    const count = signals.length;
    const ok = await fetch(
      `${url}/stores/${FAKE_STORE}/mapping`,
      form({ _csrf: csrf, CUSTOM_FULFILLMENT_STATUS_2: 'awaiting_shipment', CUSTOM_PAYMENT_STATUS_1: '', importPickupOrders: 'on', CUSTOM_FOO: 'shipped' }),
    );
    expect(ok.headers.get('location')).toBe(`/stores/${FAKE_STORE}?done=mapping_saved#mapping`);
    expect(signals.length).toBe(count + 1);
    expect(signals.at(-1)).toEqual({
      name: 'updateConnection',
      args: [{ settings: { statusMapping: { CUSTOM_FULFILLMENT_STATUS_2: 'awaiting_shipment' }, importPickupOrders: true } }],
    });
  });

  test('/connect/ecwid accepts the session (browser) or the bearer token (API)', async () => {
    const withSession = await get('/connect/ecwid');
    expect(withSession.status).toBe(302);
    expect(withSession.headers.get('location')).toMatch(/^http:\/\/127\.0\.0\.1:9\/api\/oauth\/authorize\?/);
    const bearer = await fetch(`${url}/connect/ecwid`, { redirect: 'manual', headers: { Authorization: `Bearer ${FAKE_TOKEN}` } });
    expect(bearer.status).toBe(302);
    const browser = await fetch(`${url}/connect/ecwid`, { redirect: 'manual', headers: { Accept: 'text/html' } });
    expect(browser.headers.get('location')).toBe('/login?next=%2Fconnect%2Fecwid');
    const api = await fetch(`${url}/connect/ecwid`, { redirect: 'manual' });
    expect(api.status).toBe(401);
  });

  test('logout needs the CSRF token, clears the cookie and ends the session: the old cookie gets the login page', async () => {
    const res = await fetch(`${url}/logout`, form({ _csrf: csrf }));
    expect(res.status).toBe(303);
    expect(res.headers.getSetCookie().find((c) => c.startsWith('ess_session='))).toMatch(/Expires=Thu, 01 Jan 1970/);
    const after = await get('/');
    expect(after.status).toBe(302);
    expect(after.headers.get('location')).toBe('/login?next=%2F');
  });

  test('custom status names, when loaded, name the status', async () => {
    const service = new ConnectionService({ client: fakeClient([]), taskQueue: 'unused', ecwidApiUrl: 'http://127.0.0.1:9', defaultPollIntervalSeconds: 300 });
    const app = express();
    app.use(webRoutes({ service, adminToken: FAKE_TOKEN, loadStatusNames: async () => ({ CUSTOM_FULFILLMENT_STATUS_2: 'Backorder' }) }));
    const own = await listen(app);
    try {
      const login = await fetch(`${own.url}/login`, form({ token: FAKE_TOKEN }, false));
      const c = login.headers.getSetCookie()[0].split(';')[0];
      const html = await (await fetch(`${own.url}/stores/${FAKE_STORE}`, { headers: { Cookie: c } })).text();
      expect(html).toContain('custom status &#39;Backorder&#39; has no ShipStation mapping');
      expect(html).toContain('Backorder (custom fulfillment status 2)');
    } finally {
      await close(own.server);
    }
  });
});

// ---------- In a real browser, against the real stack ----------

const chromiumPath = ensureChromium();
if (!chromiumPath) {
  console.warn(
    '\n\n*** web-ui.test.ts: NO CHROMIUM at /usr/bin/chromium and `apt-get install -y chromium` failed — the BROWSER TESTS ARE SKIPPED. ***\n\n',
  );
}
const maybe = chromiumPath ? test : test.skip;

const STORE = 4301;
const TOKEN = 'secret_store_4301_token';


describe('merchant web page in Chromium (real dev server, worker, simulators)', () => {
  let stack: TestStack;
  let browser: Browser;
  let page: Page;
  let backorder: EcwidOrder;

  beforeAll(async () => {
    if (!chromiumPath) return;
    stack = await startTestStack();
    stack.ecwid.addStore({ storeId: STORE, token: TOKEN, plan: 'VENTURE' });
    // --no-sandbox: CI containers run as root, where Chromium's sandbox can't start.
    browser = await chromium.launch({ executablePath: chromiumPath, headless: true, args: ['--no-sandbox'] });
    page = await browser.newPage();
    page.setDefaultTimeout(15_000);
  });
  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
  });

  maybe('logs in with the admin token', async () => {
    await page.goto(`${stack.apiUrl}/`);
    expect(new URL(page.url()).pathname).toBe('/login');
    await page.fill('#token', 'not-the-token');
    await page.click('button[type=submit]');
    await page.getByText('That is not the admin token.').waitFor();
    await page.fill('#token', ADMIN_TOKEN);
    await page.click('button[type=submit]');
    await page.getByRole('heading', { name: 'Your connected stores' }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/');
  });

  maybe('connects the store through Ecwid’s consent page', async () => {
    await page.getByRole('link', { name: 'Connect your Ecwid store' }).click();
    await page.waitForURL((u) => u.toString().startsWith(`${stack.ecwid.oauthUrl}/authorize`));
    await page.getByRole('heading', { name: /Allow this app/ }).waitFor();
    await page.click('#allow');
    await page.waitForURL((u) => u.pathname === '/connect/ecwid/callback');
    await page.getByRole('heading', { name: 'Store connected' }).waitFor();
    await page.getByRole('link', { name: 'Back to your connections' }).click();
    await page.getByRole('link', { name: String(STORE), exact: true }).waitFor();
  });

  maybe('shows why an order with an unmapped custom status was skipped, in words', async () => {
    backorder = stack.ecwid.upsertOrder(STORE, order({ fulfillmentStatus: 'CUSTOM_FULFILLMENT_STATUS_2' }));
    await stack.ecwid.sendWebhook(STORE, 'order.created', { orderId: backorder.id });
    await eventually(async () => {
      await page.goto(`${stack.apiUrl}/stores/${STORE}`);
      return (await page.locator('#skipped').textContent())?.includes(backorder.id!);
    }, 20_000, 500);
    const row = page.locator('#skipped tr', { hasText: backorder.id! });
    // Named as the merchant named it in Ecwid (the store's /profile/order_statuses, read with its own token).
    expect(await row.textContent()).toContain("custom status 'Awaiting stock' has no ShipStation mapping");
    expect(await row.getByRole('link', { name: 'fix the mapping' }).getAttribute('href')).toBe('#mapping');
    expect(stack.shipstation.ordersByKey(SS_ACCOUNT.apiKey).has(`ecwid-${STORE}-${backorder.id}`)).toBe(false);
  });

  maybe('a mapping change in the form imports the skipped order', async () => {
    await page.getByRole('link', { name: 'fix the mapping' }).first().click();
    await page.selectOption('#map-CUSTOM_FULFILLMENT_STATUS_2', 'awaiting_shipment');
    await page.getByRole('button', { name: 'Save mapping' }).click();
    await page.getByText('Status mapping saved.').waitFor();
    const key = `ecwid-${STORE}-${backorder.id}`;
    const imported = await eventually(() => stack.shipstation.ordersByKey(SS_ACCOUNT.apiKey).get(key), 20_000);
    expect(imported.orderStatus).toBe('awaiting_shipment');
    await page.reload();
    expect(await page.locator('#map-CUSTOM_FULFILLMENT_STATUS_2').inputValue()).toBe('awaiting_shipment');
  });

  maybe('pause, resume and sync now work from the page', async () => {
    await page.getByRole('button', { name: 'Pause' }).click();
    await page.getByText('Paused: no orders are imported').waitFor();
    expect(await page.locator('h1 .badge').textContent()).toBe('Paused');
    await page.getByRole('button', { name: 'Resume' }).click();
    await page.getByText('Resumed: the sync runs again.').waitFor();
    const syncsBefore = (await stack.service.status(STORE))!.syncsRun;
    await page.getByRole('button', { name: 'Sync now' }).click();
    await page.getByText('Sync started').waitFor();
    await eventually(async () => (await stack.service.status(STORE))!.syncsRun > syncsBefore, 20_000);
  });

  maybe('logging out ends the session', async () => {
    await page.getByRole('button', { name: 'Log out' }).click();
    await page.waitForURL((u) => u.pathname === '/login');
    await page.goto(`${stack.apiUrl}/`);
    expect(new URL(page.url()).pathname).toBe('/login');
  });
});
