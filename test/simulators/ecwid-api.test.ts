import { startEcwidSimulator, type EcwidSimulator } from '../../src/simulators/ecwid';
import { generateOrders } from '../../src/simulators/ecwid/seed';
import type { EcwidOrder, EcwidOrderPage } from '../../src/domain/ecwid';

const STORE = 1003;
const TOKEN = 'secret_store_1003';
const T0 = Date.UTC(2025, 0, 15, 12, 0, 0);

describe('Ecwid simulator: REST API', () => {
  let sim: EcwidSimulator;
  let clock = T0;
  const api = (path: string, init: RequestInit & { token?: string | null } = {}): Promise<Response> => {
    const { token = TOKEN, ...rest } = init;
    const headers = new Headers(rest.headers);
    if (token) headers.set('Authorization', `Bearer ${token}`);
    return fetch(`${sim.url}/${STORE}${path}`, { ...rest, headers });
  };
  const put = (path: string, body: unknown): Promise<Response> =>
    api(path, { method: 'PUT', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });

  beforeAll(async () => {
    sim = await startEcwidSimulator({ now: () => clock });
    sim.addStore({ storeId: STORE, token: TOKEN, plan: 'VENTURE', weightUnit: 'KILOGRAM', storeName: 'Demo' });
    sim.addStore({ storeId: 2001, token: 'secret_free', plan: 'FREE' });
    sim.addStore({ storeId: 2002, token: 'secret_suspended', plan: 'BUSINESS', suspended: true });
    sim.addStore({ storeId: 2003, token: 'secret_readonly', scopes: ['read_orders'] });
    for (const o of generateOrders(250, 7, { now: T0 })) sim.upsertOrder(STORE, o);
  });
  afterAll(async () => {
    await sim.close();
  });

  test('pages through 250 orders with offset/limit, stable order, correct envelope', async () => {
    const seen: string[] = [];
    for (let offset = 0; offset < 300; offset += 100) {
      const res = await api(`/orders?offset=${offset}&limit=100`);
      expect(res.status).toBe(200);
      const page = (await res.json()) as EcwidOrderPage;
      expect(page.total).toBe(250);
      expect(page.offset).toBe(offset);
      expect(page.limit).toBe(100);
      expect(page.count).toBe(page.items.length);
      seen.push(...page.items.map((o) => o.id!));
    }
    expect(seen).toHaveLength(250);
    expect(new Set(seen).size).toBe(250);
    const internal = sim.listOrders(STORE).map((o) => o.id);
    expect(seen).toEqual(internal); // sorted by internalId ascending
    const small = (await (await api('/orders?offset=245&limit=10')).json()) as EcwidOrderPage;
    expect(small).toMatchObject({ total: 250, count: 5, offset: 245, limit: 10 });
  });

  test('limit defaults to 100 and is clamped to 100; a malformed offset is 400 WRONG_PARAMETER', async () => {
    const def = (await (await api('/orders')).json()) as EcwidOrderPage;
    expect(def.limit).toBe(100);
    expect(def.count).toBe(100);
    const big = (await (await api('/orders?limit=500')).json()) as EcwidOrderPage;
    expect(big.limit).toBe(100);
    expect(big.items).toHaveLength(100);
    const bad = await api('/orders?offset=abc');
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ errorCode: 'WRONG_PARAMETER' });
  });

  test('updatedFrom accepts UNIX seconds and date strings, and sees only later changes', async () => {
    clock = T0 + 3_600_000;
    const target = sim.listOrders(STORE)[10];
    const res = await put(`/orders/${target.id}`, { privateAdminNotes: 'touched' });
    expect(res.status).toBe(200);
    const from = Math.floor((T0 + 1_800_000) / 1000);
    const bySeconds = (await (await api(`/orders?updatedFrom=${from}`)).json()) as EcwidOrderPage;
    expect(bySeconds.items.map((o) => o.id)).toEqual([target.id]);
    const byDate = (await (await api(`/orders?updatedFrom=${encodeURIComponent('2025-01-15 12:30:00 +0000')}`)).json()) as EcwidOrderPage;
    expect(byDate.total).toBe(1);
    const byDay = (await (await api('/orders?updatedFrom=2025-01-16')).json()) as EcwidOrderPage;
    expect(byDay.total).toBe(0);
    const beforeAll = (await (await api(`/orders?updatedTo=${from}`)).json()) as EcwidOrderPage;
    expect(beforeAll.total).toBe(249);
    const garbage = await api('/orders?updatedFrom=yesterday');
    expect(garbage.status).toBe(400);
  });

  test('ids filter returns exactly the listed orders, by public or internal id', async () => {
    const [a, b, c] = sim.listOrders(STORE).slice(3, 6);
    const page = (await (await api(`/orders?ids=${a.id},${b.id},${c.internalId},NOPE1`)).json()) as EcwidOrderPage;
    expect(page.items.map((o) => o.id).sort()).toEqual([a.id, b.id, c.id].sort());
    expect(page.total).toBe(3);
  });

  test('INCOMPLETE orders are hidden unless paymentStatus asks for them; still readable by id', async () => {
    const cart = sim.upsertOrder(STORE, { ...generateOrders(1, 99, { now: T0 })[0], paymentStatus: 'INCOMPLETE' });
    const all = (await (await api(`/orders?ids=${cart.id}`)).json()) as EcwidOrderPage;
    expect(all.total).toBe(0);
    const asked = (await (await api('/orders?paymentStatus=INCOMPLETE')).json()) as EcwidOrderPage;
    expect(asked.items.map((o) => o.id)).toEqual([cart.id]);
    const direct = await api(`/orders/${cart.id}`);
    expect(direct.status).toBe(200);
    const paidOrIncomplete = (await (await api('/orders?paymentStatus=PAID,INCOMPLETE&limit=1')).json()) as EcwidOrderPage;
    expect(paidOrIncomplete.total).toBe(251);
    sim.deleteOrder(STORE, cart.id!);
  });

  test('status, email and keyword filters', async () => {
    const o = sim.listOrders(STORE)[20];
    sim.upsertOrder(STORE, { ...o, fulfillmentStatus: 'PROCESSING', email: 'Special.Buyer@example.com', trackingNumber: 'TRK-XYZ-42' });
    const processing = (await (await api('/orders?fulfillmentStatus=PROCESSING,SHIPPED')).json()) as EcwidOrderPage;
    expect(processing.items.map((x) => x.id)).toEqual([o.id]);
    const byEmail = (await (await api('/orders?email=special.buyer@example.com')).json()) as EcwidOrderPage;
    expect(byEmail.items.map((x) => x.id)).toEqual([o.id]);
    const byKeyword = (await (await api('/orders?keywords=trk-xyz')).json()) as EcwidOrderPage;
    expect(byKeyword.items.map((x) => x.id)).toEqual([o.id]);
    sim.upsertOrder(STORE, { ...sim.getOrder(STORE, o.id!)!, fulfillmentStatus: 'AWAITING_PROCESSING' });
  });

  test('the token is accepted only as a Bearer header; ?token= is refused like a missing token', async () => {
    const header = await api('/profile');
    expect(header.status).toBe(200);
    const query = await api(`/profile?token=${TOKEN}`, { token: null });
    expect(query.status).toBe(403);
    expect(await query.json()).toMatchObject({ errorCode: 'INVALID_API_TOKEN' });
    const none = await api('/profile', { token: null });
    expect(none.status).toBe(403);
  });

  test('an unknown token, another store\'s token, or a revoked token answers 403 INVALID_API_TOKEN', async () => {
    const unknown = await api('/orders', { token: 'secret_nope' });
    expect(unknown.status).toBe(403);
    expect(await unknown.json()).toEqual({ errorCode: 'INVALID_API_TOKEN', errorMessage: expect.any(String) });
    const other = await api('/orders', { token: 'secret_readonly' });
    expect(other.status).toBe(403);
    sim.addStore({ storeId: 2004, token: 'secret_to_revoke' });
    const ok = await fetch(`${sim.url}/2004/profile`, { headers: { Authorization: 'Bearer secret_to_revoke' } });
    expect(ok.status).toBe(200);
    sim.revokeToken(2004);
    const revoked = await fetch(`${sim.url}/2004/profile`, { headers: { Authorization: 'Bearer secret_to_revoke' } });
    expect(revoked.status).toBe(403);
    expect(await revoked.json()).toMatchObject({ errorCode: 'INVALID_API_TOKEN' });
  });

  test('FREE plan answers 402 NOT_AVAILABLE_ON_CURRENT_PLAN, suspended 402 STORE_IS_SUSPENDED, unknown store 404', async () => {
    const free = await fetch(`${sim.url}/2001/profile`, { headers: { Authorization: 'Bearer secret_free' } });
    expect(free.status).toBe(402);
    expect(free.statusText).toBe('Please upgrade your account to access API');
    expect(await free.json()).toEqual({ errorCode: 'NOT_AVAILABLE_ON_CURRENT_PLAN', errorMessage: 'Please upgrade your account to access API' });
    const suspended = await fetch(`${sim.url}/2002/orders`, { headers: { Authorization: 'Bearer secret_suspended' } });
    expect(suspended.status).toBe(402);
    expect(await suspended.json()).toMatchObject({ errorCode: 'STORE_IS_SUSPENDED' });
    const missing = await fetch(`${sim.url}/9999/orders`, { headers: { Authorization: `Bearer ${TOKEN}` } });
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ errorCode: 'STORE_NOT_FOUND' });
  });

  test('a missing scope answers 403 INSUFFICIENT_APP_SCOPE', async () => {
    const h = { Authorization: 'Bearer secret_readonly' };
    const o = sim.upsertOrder(2003, generateOrders(1, 5, { now: T0 })[0]);
    expect((await fetch(`${sim.url}/2003/orders/${o.id}`, { headers: h })).status).toBe(200);
    const res = await fetch(`${sim.url}/2003/orders/${o.id}`, { method: 'PUT', headers: { ...h, 'Content-Type': 'application/json' }, body: '{"trackingNumber":"X"}' });
    expect(res.status).toBe(403);
    expect(await res.json()).toMatchObject({ errorCode: 'INSUFFICIENT_APP_SCOPE' });
    const product = await fetch(`${sim.url}/2003/products/1`, { headers: h });
    expect(product.status).toBe(403);
    expect(sim.getOrder(2003, o.id!)?.trackingNumber).toBeUndefined();
  });

  test('an unknown order answers 404 ORDER_NOT_FOUND on GET, PUT and DELETE', async () => {
    const get = await api('/orders/ZZZZZ');
    expect(get.status).toBe(404);
    expect(await get.json()).toMatchObject({ errorCode: 'ORDER_NOT_FOUND' });
    expect((await put('/orders/ZZZZZ', { trackingNumber: 'x' })).status).toBe(404);
    expect((await api('/orders/ZZZZZ', { method: 'DELETE' })).status).toBe(404);
  });

  test('PUT changes only the sent fields, replaces items when sent, and bumps updateTimestamp', async () => {
    const before = sim.listOrders(STORE)[30];
    clock += 120_000;
    const res = await put(`/orders/${before.id}`, { fulfillmentStatus: 'SHIPPED', trackingNumber: '1Z999', trackingUrl: 'https://ups.example/1Z999', id: 'HACKED' });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ updateCount: 1 });
    const after = (await (await api(`/orders/${before.id}`)).json()) as EcwidOrder;
    expect(after).toMatchObject({ id: before.id, fulfillmentStatus: 'SHIPPED', trackingNumber: '1Z999', trackingUrl: 'https://ups.example/1Z999' });
    expect(after.items).toEqual(before.items);
    expect(after.shippingPerson).toEqual(before.shippingPerson);
    expect(after.createTimestamp).toBe(before.createTimestamp);
    expect(after.updateTimestamp).toBe(Math.floor(clock / 1000));
    expect(after.updateTimestamp).toBeGreaterThan(before.updateTimestamp!);
    expect(after.updateDate).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} \+0000$/);

    const items = await put(`/orders/${before.id}`, { items: [{ name: 'Only item', quantity: 1, price: 1, isShippingRequired: true }] });
    expect(items.status).toBe(200);
    const replaced = sim.getOrder(STORE, before.id!)!;
    expect(replaced.items).toHaveLength(1);
    expect(replaced.items![0]).toMatchObject({ name: 'Only item' });
    expect(typeof replaced.items![0].id).toBe('number');
  });

  test('PUT rejects unknown or deprecated statuses with 400 and leaves the order unchanged', async () => {
    const o = sim.listOrders(STORE)[31];
    const bad = await put(`/orders/${o.id}`, { fulfillmentStatus: 'TELEPORTED' });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ errorCode: 'WRONG_PARAMETER' });
    const queued = await put(`/orders/${o.id}`, { paymentStatus: 'QUEUED' });
    expect(queued.status).toBe(400);
    expect(((await queued.json()) as { errorMessage: string }).errorMessage).toBe('Status QUEUED is deprecated, use AWAITING_PAYMENT instead');
    expect(sim.getOrder(STORE, o.id!)).toEqual(o);
  });

  test('PUT with a non-JSON content type answers 415; text/json is accepted; bad JSON is 400', async () => {
    const o = sim.listOrders(STORE)[32];
    const form = await api(`/orders/${o.id}`, { method: 'PUT', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: 'trackingNumber=1' });
    expect(form.status).toBe(415);
    const none = await api(`/orders/${o.id}`, { method: 'PUT', body: '{"trackingNumber":"1"}', headers: { 'Content-Type': 'text/plain' } });
    expect(none.status).toBe(415);
    expect(sim.getOrder(STORE, o.id!)?.trackingNumber).toBeUndefined();
    const textJson = await api(`/orders/${o.id}`, { method: 'PUT', headers: { 'Content-Type': 'text/json' }, body: '{"trackingNumber":"TJ1"}' });
    expect(textJson.status).toBe(200);
    expect(sim.getOrder(STORE, o.id!)?.trackingNumber).toBe('TJ1');
    const broken = await api(`/orders/${o.id}`, { method: 'PUT', headers: { 'Content-Type': 'application/json' }, body: '{oops' });
    expect(broken.status).toBe(400);
  });

  test('DELETE removes the order and logs it in /orders/deleted', async () => {
    const o = sim.listOrders(STORE)[40];
    const res = await api(`/orders/${o.id}`, { method: 'DELETE' });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ deleteCount: 1 });
    expect((await api(`/orders/${o.id}`)).status).toBe(404);
    const deleted = (await (await api('/orders/deleted')).json()) as { items: { id: number; orderId: string; date: string }[] };
    expect(deleted.items).toContainEqual({ id: o.internalId, orderId: o.id, date: expect.stringMatching(/\+0000$/) });
  });

  test('GET /profile reports store ID, API feature, units; /profile/order_statuses names custom statuses', async () => {
    const profile = (await (await api('/profile')).json()) as {
      generalInfo: { storeId: number };
      account: { availableFeatures: string[]; suspended: boolean };
      settings: { storeName: string };
      formatsAndUnits: { weightUnit: string; dimensionsUnit: string; currency: string };
    };
    expect(profile.generalInfo.storeId).toBe(STORE);
    expect(profile.account.availableFeatures).toContain('API');
    expect(profile.account.suspended).toBe(false);
    expect(profile.settings.storeName).toBe('Demo');
    expect(profile.formatsAndUnits).toMatchObject({ weightUnit: 'KILOGRAM', dimensionsUnit: 'CM' });
    const statuses = (await (await api('/profile/order_statuses')).json()) as { items: { statusId: string; name?: string; defaultStatus: boolean; orderStatusType: string }[] };
    expect(statuses.items.find((s) => s.statusId === 'CUSTOM_FULFILLMENT_STATUS_1')).toMatchObject({ name: 'Backorder', defaultStatus: false, orderStatusType: 'FULFILLMENT_STATUS' });
    expect(statuses.items.find((s) => s.statusId === 'PAID')).toMatchObject({ defaultStatus: true, orderStatusType: 'PAYMENT_STATUS' });
  });

  test('products: GET by id with attributes, search by productId list, 404 for an unknown one', async () => {
    sim.upsertProduct(STORE, { id: 11, sku: 'MUG', name: 'Mug', weight: 0.4, attributes: [{ id: 1, name: 'Stock location', value: 'A-12-3', type: 'CUSTOM' }] });
    sim.upsertProduct(STORE, { id: 12, sku: 'BOWL', name: 'Bowl' });
    const one = await api('/products/11');
    expect(one.status).toBe(200);
    expect(await one.json()).toMatchObject({ id: 11, attributes: [{ name: 'Stock location', value: 'A-12-3' }] });
    const search = (await (await api('/products?productId=11,12,13')).json()) as { total: number; items: { id: number }[] };
    expect(search.items.map((p) => p.id)).toEqual([11, 12]);
    const missing = await api('/products/404404');
    expect(missing.status).toBe(404);
  });

  test('an unsupported method answers 405, an unknown path 404', async () => {
    const post = await api('/orders', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{}' });
    expect(post.status).toBe(405);
    expect(await post.json()).toMatchObject({ errorCode: 'METHOD_NOT_ALLOWED' });
    expect((await api('/no-such-thing')).status).toBe(404);
  });

  test('the request log records method, path, query, headers, body and status of what arrived', async () => {
    sim.requests.clear();
    const o = sim.listOrders(STORE)[50];
    await api(`/orders?limit=5&updatedFrom=1`);
    await put(`/orders/${o.id}`, { trackingNumber: 'LOGGED' });
    const searches = sim.requests.filter('GET', new RegExp(`/api/v3/${STORE}/orders$`));
    expect(searches).toHaveLength(1);
    expect(searches[0]).toMatchObject({ query: { limit: '5', updatedFrom: '1' }, status: 200 });
    expect(searches[0].headers.authorization).toBe(`Bearer ${TOKEN}`);
    const puts = sim.requests.filter('PUT', `/api/v3/${STORE}/orders/${o.id}`);
    expect(puts).toHaveLength(1);
    expect(puts[0]).toMatchObject({ body: { trackingNumber: 'LOGGED' }, status: 200 });
  });
});
