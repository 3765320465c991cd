/**
 * The merchant's journey through the simulated Ecwid admin, in Chromium with third-party cookies blocked:
 * open the app, install with their own ShipStation key, see an order skipped for an unmapped custom status, map
 * it, see it imported; and a second store's merchant sees only their own store. Screenshots of each step go to
 * test/artifacts/merchant-app/ (git-ignored).
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type FrameLocator, type Page } from 'playwright-core';
import type { EcwidOrder } from '../../src/domain/ecwid';
import { ensureChromium } from '../helpers/chromium';
import { importableOrder as order } from '../helpers/orders';
import { SS_ACCOUNT, eventually, startTestStack, type TestStack } from '../helpers/stack';

const chromiumPath = ensureChromium();
if (!chromiumPath) {
  console.warn('\n\n*** merchant-app-browser.test.ts: NO CHROMIUM at /usr/bin/chromium — the BROWSER TESTS ARE SKIPPED. ***\n\n');
}
const maybe = chromiumPath ? test : test.skip;

const ARTIFACTS = join(__dirname, '..', 'artifacts', 'merchant-app');
const STORE = 8201;
const TOKEN = 'secret_store_8201_atelier';
const OTHER_STORE = 8202;
const OTHER_TOKEN = 'secret_store_8202_boutique';
const MERCHANT_SS = { apiKey: 'atelier-ss-key', apiSecret: 'atelier-ss-secret' };

describe('the merchant’s journey in the Ecwid admin (Chromium, third-party cookies blocked)', () => {
  let stack: TestStack;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let app: FrameLocator;
  let backorder: EcwidOrder;
  const shot = (name: string, p: Page = page) => p.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });

  beforeAll(async () => {
    if (!chromiumPath) return;
    mkdirSync(ARTIFACTS, { recursive: true });
    stack = await startTestStack();
    stack.ecwid.addStore({ storeId: STORE, token: TOKEN, plan: 'VENTURE', storeName: 'Atelier Lumière' });
    stack.ecwid.addStore({ storeId: OTHER_STORE, token: OTHER_TOKEN, plan: 'BUSINESS', storeName: 'Boutique Soleil' });
    stack.shipstation.addAccount(MERCHANT_SS);
    // --no-sandbox: CI containers run as root. The phase-out flag makes Chromium block third-party cookies, as
    // current Chrome does for more and more users; the first test checks that it really does here.
    browser = await chromium.launch({ executablePath: chromiumPath, headless: true, args: ['--no-sandbox', '--test-third-party-cookie-phaseout'] });
    context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    page = await context.newPage();
    page.setDefaultTimeout(15_000);
    app = page.frameLocator('#app-frame');
  });
  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
  });

  maybe('the admin page frames the app from another site, where this Chromium blocks unpartitioned cookies', async () => {
    const adminUrl = stack.ecwid.adminUrl(STORE, 'en');
    expect(new URL(adminUrl).hostname).toBe('localhost');
    expect(new URL(stack.apiUrl).hostname).toBe('127.0.0.1');
    await page.goto(adminUrl);
    await app.getByRole('heading', { name: 'Send your Ecwid orders to ShipStation' }).waitFor();
    const frame = page.frames().find((f) => f.url().startsWith(`${stack.apiUrl}/ecwid/app`))!;
    expect(new URL(frame.url()).searchParams.get('payload')).toMatch(/^[A-Za-z0-9_-]{40,}$/);
    const setCookie = `document.cookie = 'probe=1; SameSite=None; Secure; Path=/'; document.cookie`;
    expect(await frame.evaluate(setCookie)).not.toContain('probe=1');
    // The same cookie, first-party on the app's own origin, is kept: only the third-party context blocks it.
    const top = await context.newPage();
    await top.goto(`${stack.apiUrl}/health`);
    expect(await top.evaluate(setCookie)).toContain('probe=1');
    await context.clearCookies();
    await top.close();
    await shot('01-open-app');
  });

  maybe('2. installs with the merchant’s own ShipStation key', async () => {
    await app.getByLabel('My own ShipStation account').check();
    await app.locator('#ss-key').fill(MERCHANT_SS.apiKey);
    await app.locator('#ss-secret').fill(MERCHANT_SS.apiSecret);
    await app.getByRole('button', { name: 'Connect my store' }).click();
    await app.getByText('Connected: your orders are being sent to ShipStation now.').waitFor();
    expect(await app.locator('#store-id').textContent()).toBe(String(STORE));
    expect(await app.locator('#account').textContent()).toBe('your own');
    // Checked with ShipStation, with the merchant's key, before it was saved.
    const check = stack.shipstation.requests.filter('GET', /^\/stores$/).at(-1)!;
    expect(check.headers.authorization).toBe(`Basic ${Buffer.from(`${MERCHANT_SS.apiKey}:${MERCHANT_SS.apiSecret}`).toString('base64')}`);
    // The key is never shown again.
    expect(await app.locator('body').innerHTML()).not.toContain(MERCHANT_SS.apiSecret);
    await shot('02-installed');
  });

  maybe('3. sees an order skipped for an unmapped custom status, with the fix', async () => {
    backorder = stack.ecwid.upsertOrder(STORE, order({ fulfillmentStatus: 'CUSTOM_FULFILLMENT_STATUS_2' }));
    await stack.ecwid.sendWebhook(STORE, 'order.created', { orderId: backorder.id });
    await eventually(async () => {
      await app.locator('#refresh').click();
      return (await app.locator('#skipped').textContent())?.includes(backorder.id!);
    }, 20_000, 500);
    const row = app.locator('#skipped tr', { hasText: backorder.id! });
    // Named as the merchant named the status in Ecwid (read from the store's /profile/order_statuses).
    expect(await row.textContent()).toContain("custom status 'Awaiting stock' has no ShipStation mapping");
    await row.getByRole('link', { name: 'Map this custom status' }).waitFor();
    expect(stack.shipstation.ordersByKey(MERCHANT_SS.apiKey).has(`ecwid-${STORE}-${backorder.id}`)).toBe(false);
    // Why not imported, per order.
    await app.locator('#why-order').fill(backorder.id!);
    await app.getByRole('button', { name: 'Explain' }).click();
    expect(await app.locator('#why-answer').textContent()).toContain("not imported — custom status 'Awaiting stock' has no ShipStation mapping");
    await shot('03-skipped-unmapped-status');
  });

  maybe('4. maps the status (to On Hold)', async () => {
    await app.locator('#skipped').getByRole('link', { name: 'Map this custom status' }).first().click();
    await app.locator('#map-CUSTOM_FULFILLMENT_STATUS_2').selectOption('on_hold');
    await app.getByRole('button', { name: 'Save settings' }).click();
    await app.getByText('Settings saved.').waitFor();
    expect(await app.locator('#map-CUSTOM_FULFILLMENT_STATUS_2').inputValue()).toBe('on_hold');
    await shot('04-status-mapped');
  });

  maybe('5. sees the order imported, into the merchant’s own ShipStation account', async () => {
    const key = `ecwid-${STORE}-${backorder.id}`;
    const imported = await eventually(() => stack.shipstation.ordersByKey(MERCHANT_SS.apiKey).get(key), 20_000);
    expect(imported.orderStatus).toBe('on_hold');
    expect(stack.shipstation.ordersByKey(SS_ACCOUNT.apiKey).has(key)).toBe(false);
    await eventually(async () => {
      await app.locator('#refresh').click();
      return (await app.locator('#counts').textContent())?.startsWith('1 imported');
    }, 20_000, 500);
    await app.locator('#why-order').fill(backorder.id!);
    await app.getByRole('button', { name: 'Explain' }).click();
    expect(await app.locator('#why-answer').textContent()).toContain(`Order ${backorder.id} : imported`);
    await shot('05-order-imported');
  });

  maybe('a second store’s merchant, in French, sees only their own store', async () => {
    const other = await context.newPage();
    other.setDefaultTimeout(15_000);
    await other.goto(stack.ecwid.adminUrl(OTHER_STORE, 'fr'));
    const frame = other.frameLocator('#app-frame');
    await frame.getByRole('heading', { name: 'Envoyer vos commandes Ecwid vers ShipStation' }).waitFor();
    await frame.getByLabel('Le compte ShipStation de mon prestataire').check();
    await frame.getByRole('button', { name: 'Connecter ma boutique' }).click();
    await frame.getByText('Connectée : vos commandes partent vers ShipStation.').waitFor();
    expect(await frame.locator('#store-id').textContent()).toBe(String(OTHER_STORE));
    expect(await frame.locator('#account').textContent()).toBe('celui de votre prestataire');
    const html = await frame.locator('body').innerHTML();
    expect(html).not.toContain(String(STORE));
    expect(html).not.toContain(backorder.id!);
    await shot('06-second-store-french', other);
    // The first merchant's page still shows their own store only.
    await app.locator('#refresh').click();
    expect(await app.locator('#store-id').textContent()).toBe(String(STORE));
    await other.close();
  });

  maybe('the session lived in the page: the browser holds no cookie of the app', async () => {
    const cookies = await context.cookies([stack.apiUrl]);
    expect(cookies).toEqual([]);
  });
});
