import { MerchantSessions } from '../../src/api/merchant/session';
import { WebSessions } from '../../src/api/web/session';
import type { StoreChoiceView } from '../../src/connections/shipstation-stores';
import type { SimStore } from '../../src/simulators/shipstation';
import type { ConnectionStatus, OrderDecision } from '../../src/workflows/definitions';
import { importableOrder } from '../helpers/orders';
import { ADMIN_TOKEN, SS_ACCOUNT, eventually, stackWithConnectedStore, type TestStack } from '../helpers/stack';

const STORE = 4401;
const TOKEN = 'secret_store_4401_token';

/** A ShipStation store per connection: chosen from the account's stores (listed through the API), validated. */
describe('choosing the ShipStation store that receives a store’s orders (real dev server, real worker, simulators)', () => {
  let stack: TestStack;
  let wholesale: SimStore;
  let retail: SimStore;
  let closedShop: SimStore;
  let amazon: SimStore;
  let manualId: number | undefined;
  const key = (id: string) => `ecwid-${STORE}-${id}`;
  const statusOf = async () => (await (await stack.api(`/connections/${STORE}`)).json()) as ConnectionStatus;
  const patch = (body: object) => stack.api(`/connections/${STORE}/settings`, { method: 'PATCH', body: JSON.stringify(body) });
  const importNew = async (): Promise<string> => {
    const o = stack.ecwid.upsertOrder(STORE, importableOrder());
    await stack.ecwid.sendWebhook(STORE, 'order.created', { orderId: o.id });
    await eventually(() => stack.shipstation.ordersByKey(SS_ACCOUNT.apiKey).get(key(o.id!)), 20_000);
    return o.id!;
  };
  const storeOf = (id: string) => stack.shipstation.ordersByKey(SS_ACCOUNT.apiKey).get(key(id))?.advancedOptions?.storeId;

  beforeAll(async () => {
    stack = await stackWithConnectedStore(STORE, TOKEN);
    wholesale = stack.shipstation.addStore(SS_ACCOUNT.apiKey, { storeName: 'Wholesale' });
    retail = stack.shipstation.addStore(SS_ACCOUNT.apiKey, { storeName: 'Retail' });
    closedShop = stack.shipstation.addStore(SS_ACCOUNT.apiKey, { storeName: 'Closed shop', active: false });
    amazon = stack.shipstation.addStore(SS_ACCOUNT.apiKey, { storeName: 'US Amazon Store', marketplaceId: 2, marketplaceName: 'Amazon' });
    await eventually(async () => (await statusOf()).shipstationAccountId);
  });
  afterAll(async () => {
    await stack?.stop();
  });

  test("the account's stores are listed through the API, each selectable or not with the reason", async () => {
    const res = await stack.api(`/connections/${STORE}/shipstation-stores`);
    expect(res.status).toBe(200);
    const view = (await res.json()) as StoreChoiceView;
    expect(view.chosen).toBeUndefined();
    expect(view.defaultStore?.storeName).toBe('Manual Orders');
    manualId = view.defaultStore?.storeId;
    const byName = Object.fromEntries(view.stores.map((s) => [s.storeName, s]));
    expect(byName.Wholesale).toMatchObject({ storeId: wholesale.storeId, selectable: true });
    expect(byName['Closed shop']).toMatchObject({ selectable: false, why: 'inactive' });
    expect(byName['US Amazon Store']).toMatchObject({ selectable: false, why: 'not a manual store (selling channel Amazon)' });
    // One GET /stores, made by the account's traffic owner (through the account's budget), inactive stores included.
    const lists = stack.shipstation.requests.filter('GET', '/stores').filter((r) => r.query.showInactive === 'true');
    expect(lists).toHaveLength(1);
  });

  test('a choice that is not an active manual store of the account is refused, and nothing changes', async () => {
    for (const bad of [amazon.storeId, closedShop.storeId, 999_999]) {
      const res = await patch({ shipstationStoreId: bad });
      expect(res.status).toBe(400);
      expect(((await res.json()) as { error: string }).error).toBe('invalid_shipstation_store');
    }
    expect((await statusOf()).settings.shipstationStoreId).toBeUndefined();
  });

  test('a valid choice applies to new orders (advancedOptions.storeId) and shows in their explanation; earlier orders keep their store', async () => {
    const before = await importNew();
    expect(storeOf(before)).toBe(manualId);
    const res = await patch({ shipstationStoreId: wholesale.storeId });
    expect(res.status).toBe(202);
    await eventually(async () => ((await statusOf()).settings.shipstationStoreId === wholesale.storeId ? true : undefined));
    expect((await statusOf()).settings.shipstationStoreName).toBe('Wholesale');

    const after = await importNew();
    expect(storeOf(after)).toBe(wholesale.storeId);
    const sent = stack.shipstation.requests.filter('POST', '/orders/createorders').flatMap((r) => r.body as { orderKey: string; advancedOptions?: { storeId?: number } }[]);
    expect(sent.find((o) => o.orderKey === key(after))?.advancedOptions?.storeId).toBe(wholesale.storeId);
    expect(storeOf(before)).not.toBe(wholesale.storeId);
    // An update of the earlier order (merged with ShipStation's current one) names no store: it stays where it was.
    stack.ecwid.upsertOrder(STORE, { ...stack.ecwid.getOrder(STORE, before)!, privateAdminNotes: 'gift wrap' });
    await stack.ecwid.sendWebhook(STORE, 'order.updated', { orderId: before });
    const update = await eventually(() =>
      stack.shipstation.requests
        .filter('POST', '/orders/createorders')
        .flatMap((r) => r.body as { orderKey: string; internalNotes?: string; advancedOptions?: { storeId?: number } }[])
        .find((o) => o.orderKey === key(before) && o.internalNotes?.includes('gift wrap')),
    20_000);
    expect(update.advancedOptions?.storeId).toBeUndefined();
    expect(storeOf(before)).toBe(manualId);
    const why = (await (await stack.api(`/connections/${STORE}/orders/${after}`)).json()) as OrderDecision;
    expect(why.explanation).toContain(`new orders go to the ShipStation store "Wholesale" (${wholesale.storeId})`);

    // Back to the default.
    expect((await patch({ shipstationStoreId: null })).status).toBe(202);
    await eventually(async () => ((await statusOf()).settings.shipstationStoreId === null ? true : undefined));
    const third = await importNew();
    expect(storeOf(third)).toBe(manualId);
    const why3 = (await (await stack.api(`/connections/${STORE}/orders/${third}`)).json()) as OrderDecision;
    expect(why3.explanation).toContain("new orders go to the ShipStation account's first manual store (the default");
  });

  test('the operator page and the merchant page offer the stores and save a choice', async () => {
    const web = new WebSessions(ADMIN_TOKEN);
    const cookie = web.issue();
    const page = await (await fetch(`${stack.apiUrl}/stores/${STORE}`, { headers: { Cookie: `ess_session=${cookie}` } })).text();
    expect(page).toContain('id="shipstation-store"');
    expect(page).toContain(`<option value="${retail.storeId}">Retail (${retail.storeId})</option>`);
    expect(page).toContain(`<option value="${amazon.storeId}" disabled>`);
    const post = await fetch(`${stack.apiUrl}/stores/${STORE}/shipstation-store`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', Cookie: `ess_session=${cookie}` },
      body: new URLSearchParams({ _csrf: web.csrfToken(cookie), shipstationStoreId: String(retail.storeId) }).toString(),
    });
    expect(post.headers.get('location')).toMatch(/done=store_saved/);
    await eventually(async () => ((await statusOf()).settings.shipstationStoreId === retail.storeId ? true : undefined));
    const refused = await fetch(`${stack.apiUrl}/stores/${STORE}/shipstation-store`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', Cookie: `ess_session=${cookie}` },
      body: new URLSearchParams({ _csrf: web.csrfToken(cookie), shipstationStoreId: String(amazon.storeId) }).toString(),
    });
    expect(refused.headers.get('location')).toMatch(/error=invalid_shipstation_store/);

    // The merchant, on their own page.
    const merchant = new MerchantSessions(ADMIN_TOKEN);
    const session = merchant.issue(STORE, 'en');
    const mine = await (await fetch(`${stack.apiUrl}/ecwid/app/store?s=${encodeURIComponent(session)}`)).text();
    expect(mine).toContain('action="/ecwid/app/shipstation-store"');
    expect(mine).toContain(`<option value="${wholesale.storeId}">Wholesale</option>`);
    expect(mine).not.toContain('US Amazon Store');
    const saved = await fetch(`${stack.apiUrl}/ecwid/app/shipstation-store`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ s: session, _csrf: merchant.csrfToken(session), shipstationStoreId: String(wholesale.storeId) }).toString(),
    });
    expect(saved.headers.get('location')).toMatch(/done=store_saved/);
    await eventually(async () => ((await statusOf()).settings.shipstationStoreId === wholesale.storeId ? true : undefined));
    const bad = await fetch(`${stack.apiUrl}/ecwid/app/shipstation-store`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ s: session, _csrf: merchant.csrfToken(session), shipstationStoreId: String(closedShop.storeId) }).toString(),
    });
    expect(bad.headers.get('location')).toMatch(/error=invalid_shipstation_store/);
  });

  test('a new connection with its own ShipStation keys can name its store on connect: checked with that pair first', async () => {
    const OWN = { apiKey: 'own-4402-key', apiSecret: 'own-4402-secret' };
    stack.shipstation.addAccount(OWN);
    const packing = stack.shipstation.addStore(OWN.apiKey, { storeName: 'Packing' });
    const ebay = stack.shipstation.addStore(OWN.apiKey, { storeName: 'eBay shop', marketplaceId: 3, marketplaceName: 'eBay' });
    const NEW_STORE = 4402;
    stack.ecwid.addStore({ storeId: NEW_STORE, token: 'secret_store_4402_token', plan: 'BUSINESS', weightUnit: 'POUND' });
    const body = { ecwidStoreId: NEW_STORE, ecwidAccessToken: 'secret_store_4402_token', shipstationApiKey: OWN.apiKey, shipstationApiSecret: OWN.apiSecret };
    const refused = await stack.api('/connections', { method: 'POST', body: JSON.stringify({ ...body, shipstationStoreId: ebay.storeId }) });
    expect(refused.status).toBe(400);
    expect(((await refused.json()) as { error: string; message: string }).message).toContain('not a manual store (selling channel eBay)');
    expect(await stack.service.isRunning(NEW_STORE)).toBe(false);
    // Another account's store is not one of this account's.
    const foreign = await stack.api('/connections', { method: 'POST', body: JSON.stringify({ ...body, shipstationStoreId: wholesale.storeId }) });
    expect(foreign.status).toBe(400);
    const ok = await stack.api('/connections', { method: 'POST', body: JSON.stringify({ ...body, shipstationStoreId: packing.storeId }) });
    expect(ok.status).toBe(201);
    const o = stack.ecwid.upsertOrder(NEW_STORE, importableOrder());
    await stack.ecwid.sendWebhook(NEW_STORE, 'order.created', { orderId: o.id });
    const created = await eventually(() => stack.shipstation.ordersByKey(OWN.apiKey).get(`ecwid-${NEW_STORE}-${o.id}`), 30_000);
    expect(created.advancedOptions?.storeId).toBe(packing.storeId);
  });
});
