import type { EcwidOrder } from '../../src/domain/ecwid';
import { pacificDateTime, type SimStore, type SimulatedOrder } from '../../src/simulators/shipstation';
import type { ConnectionStatus, OrderDecision } from '../../src/workflows/definitions';
import { MerchantSessions } from '../../src/api/merchant/session';
import { WebSessions } from '../../src/api/web/session';
import { importableOrder } from '../helpers/orders';
import { ADMIN_TOKEN, SS_ACCOUNT, eventually, startTestStack, type TestStack } from '../helpers/stack';

const STORE = 4301;
const TOKEN = 'secret_store_4301_token';
/** ShipStation's marketplace ID of Ecwid is not documented; the connector goes by the name. */
const ECWID_MARKETPLACE_ID = 71;

/**
 * Switching from ShipStation's own Ecwid integration: the store's open orders are already in ShipStation, in its
 * Ecwid store, under the integration's own orderKeys. Connecting must adopt them, not create them again.
 */
describe("switching from ShipStation's Ecwid integration (real dev server, real worker, simulators)", () => {
  let stack: TestStack;
  let native: SimStore;
  let other: SimStore;
  const open: EcwidOrder[] = [];
  const closed: EcwidOrder[] = [];
  /** Ecwid order ID → the native integration's order. */
  const nativeOf = new Map<string, SimulatedOrder>();
  const ourKey = (id: string) => `ecwid-${STORE}-${id}`;
  const statusOf = async () => (await (await stack.api(`/connections/${STORE}`)).json()) as ConnectionStatus;
  const ssOrders = () => [...stack.shipstation.ordersByKey(SS_ACCOUNT.apiKey).values()];

  /** What ShipStation's import of the Ecwid store would have made of the order. */
  const nativeCopy = (store: SimStore, o: EcwidOrder, orderStatus: string, email = o.email) =>
    stack.shipstation.importMarketplaceOrder(SS_ACCOUNT.apiKey, store.storeId, {
      orderNumber: o.id,
      orderDate: pacificDateTime(),
      orderStatus,
      customerEmail: email,
      billTo: { name: 'Ann Buyer' },
      shipTo: { name: 'Ann Buyer', street1: '1 Main St', city: 'Springfield', state: 'IL', postalCode: '12345', country: 'US' },
      items: [{ lineItemKey: 'native-1', sku: 'MUG', name: 'Mug', quantity: 1, unitPrice: 20 }],
    });

  beforeAll(async () => {
    stack = await startTestStack({ rateLimitWindowMs: 10_000 });
    stack.ecwid.addStore({ storeId: STORE, token: TOKEN, plan: 'BUSINESS', weightUnit: 'POUND' });
    for (let i = 0; i < 8; i++) open.push(stack.ecwid.upsertOrder(STORE, importableOrder({ email: `buyer${i}@example.com` })));
    for (let i = 0; i < 2; i++) closed.push(stack.ecwid.upsertOrder(STORE, importableOrder({ email: `shipped${i}@example.com`, fulfillmentStatus: 'SHIPPED' })));
    // The merchant's Ecwid store in ShipStation (automatic import turned off, as docs/operations.md says), and a
    // second Ecwid store of the same ShipStation account, whose order numbers overlap.
    native = stack.shipstation.addStore(SS_ACCOUNT.apiKey, { storeName: 'My Ecwid shop', marketplaceId: ECWID_MARKETPLACE_ID, marketplaceName: 'Ecwid', autoRefresh: false });
    other = stack.shipstation.addStore(SS_ACCOUNT.apiKey, { storeName: 'Other Ecwid shop', marketplaceId: ECWID_MARKETPLACE_ID, marketplaceName: 'Ecwid', autoRefresh: false });
    for (const o of open.slice(0, 4)) nativeOf.set(o.id!, nativeCopy(native, o, 'awaiting_shipment'));
    nativeOf.set(open[4].id!, nativeCopy(native, open[4], 'on_hold'));
    // Shipped in ShipStation while Ecwid still shows it open (the native notification failed): no second copy.
    nativeOf.set(open[5].id!, nativeCopy(native, open[5], 'shipped'));
    // Cancelled in ShipStation: a cancelled copy is no duplicate, the connector creates its own.
    nativeCopy(native, open[6], 'cancelled');
    // Another Ecwid store's order with the same number, another customer: not this store's.
    nativeCopy(other, open[7], 'awaiting_shipment', 'someone.else@example.com');
    for (const o of closed) nativeOf.set(o.id!, nativeCopy(native, o, 'shipped'));

    const res = await stack.api('/connections', { method: 'POST', body: JSON.stringify({ ecwidStoreId: STORE, ecwidAccessToken: TOKEN }) });
    expect(res.status).toBe(201);
    await eventually(async () => {
      const s = await statusOf();
      return s.lastSyncResult && s.nativeAdoption?.state === 'done' ? s : undefined;
    }, 60_000);
  });
  afterAll(async () => {
    await stack?.stop();
  });

  test('after connecting, no Ecwid order is twice in ShipStation outside the cancelled status', () => {
    const orders = ssOrders().filter((o) => o.advancedOptions?.storeId !== other.storeId && o.orderStatus !== 'cancelled');
    for (const o of [...open, ...closed]) {
      expect({ id: o.id, copies: orders.filter((x) => x.orderNumber === o.id).length }).toEqual({ id: o.id, copies: 1 });
    }
    // The adopted orders were updated in place under the native key; no order of the connector's was made for them.
    for (const o of open.slice(0, 5)) {
      const nativeKey = nativeOf.get(o.id!)!.orderKey;
      expect(stack.shipstation.creationAttempts.some((a) => a.orderKey === nativeKey && a.outcome === 'updated')).toBe(true);
      expect(stack.shipstation.creationAttempts.some((a) => a.orderKey === ourKey(o.id!))).toBe(false);
    }
    // The adopted order a packer had put on hold was merged with ShipStation's current order, not replaced: the hold stays.
    expect(stack.shipstation.ordersByKey(SS_ACCOUNT.apiKey).get(nativeOf.get(open[4].id!)!.orderKey)?.orderStatus).toBe('on_hold');
    // The cancelled copy and the other store's order with the same number did not stop the connector's own.
    expect(stack.shipstation.ordersByKey(SS_ACCOUNT.apiKey).get(ourKey(open[6].id!))?.orderStatus).toBe('awaiting_shipment');
    expect(stack.shipstation.ordersByKey(SS_ACCOUNT.apiKey).get(ourKey(open[7].id!))?.orderStatus).toBe('awaiting_shipment');
    // The other Ecwid store's order is untouched.
    const others = ssOrders().filter((o) => o.advancedOptions?.storeId === other.storeId);
    expect(others.map((o) => o.customerEmail)).toEqual(['someone.else@example.com']);
  });

  test('the adoption used list calls only, and the operator sees what it found', async () => {
    const ss = stack.shipstation.requests.entries;
    // The whole connect: 1 GET /stores + 1 page per native store; then, to merge the 5 adopted orders with what
    // ShipStation holds now (a packer may have worked on them), the orders of the import window (one page of every
    // status: the window holds few); and 1 createorders for the 7 orders sent (5 adopted updates, 2 created). The
    // rest is the account's (SHIP_NOTIFY subscription, shipment reconciliation).
    const importCalls = ss.filter((r) => ['/stores', '/orders', '/orders/createorders'].includes(r.path));
    expect(importCalls.map((r) => `${r.method} ${r.path}`)).toEqual(['GET /stores', 'GET /orders', 'GET /orders', 'GET /orders', 'POST /orders/createorders']);
    expect(importCalls[3].query).toMatchObject({ pageSize: '500', page: '1' });
    expect(importCalls[3].query.orderStatus).toBeUndefined();
    expect(importCalls[3].query.storeId).toBeUndefined();
    expect((importCalls[4].body as unknown[]).length).toBe(7);
    expect(ss.filter((r) => r.method === 'GET' && r.path === '/stores')).toHaveLength(1);
    const nativeLists = ss.filter((r) => r.method === 'GET' && r.path === '/orders' && r.query.storeId !== undefined);
    expect(nativeLists.map((r) => Number(r.query.storeId)).sort()).toEqual([native.storeId, other.storeId].sort());
    expect(nativeLists.every((r) => r.query.pageSize === '500')).toBe(true);
    // No per-order read of any kind.
    expect(ss.filter((r) => r.method === 'GET' && /^\/orders\/\d+$/.test(r.path))).toHaveLength(0);
    expect(ss.filter((r) => r.method === 'GET' && r.path === '/orders' && r.query.orderNumber !== undefined)).toHaveLength(0);

    const s = await statusOf();
    expect(s.nativeAdoption).toMatchObject({ state: 'done', adopted: 5, closed: 3, ambiguous: 0 });
    expect(s.nativeAdoption?.nativeStores.map((n) => n.storeName).sort()).toEqual(['My Ecwid shop', 'Other Ecwid shop']);
    // The order shipped natively while Ecwid shows it open, and the two shipped on both sides (no look-up for those).
    expect(s.skipReasons.closed_in_native_store).toBe(3);
    const why = (await (await stack.api(`/connections/${STORE}/orders/${open[0].id}`)).json()) as OrderDecision;
    expect(why.outcome).toBe('imported');
    expect(why.explanation).toContain("adopted from ShipStation's own Ecwid integration");
    expect(why.explanation).toContain(nativeOf.get(open[0].id!)!.orderKey);
    const skipped = (await (await stack.api(`/connections/${STORE}/orders/${open[5].id}`)).json()) as OrderDecision;
    expect(skipped).toMatchObject({ outcome: 'skipped', reason: 'closed_in_native_store' });
    // The operator's page and the merchant's say it too.
    const operatorPage = await (await fetch(`${stack.apiUrl}/stores/${STORE}`, { headers: { Cookie: `ess_session=${new WebSessions(ADMIN_TOKEN).issue()}` } })).text();
    expect(operatorPage).toContain('5 open orders adopted');
    expect(operatorPage).not.toContain('still imports');
    const merchantPage = await (await fetch(`${stack.apiUrl}/ecwid/app/store?s=${encodeURIComponent(new MerchantSessions(ADMIN_TOKEN).issue(STORE, 'en'))}`)).text();
    expect(merchantPage).toContain('5 open order(s) that ShipStation&#39;s own Ecwid integration already held');
  });

  test('a change in Ecwid updates the adopted order; a label on it reaches Ecwid; a deletion cancels it', async () => {
    const [changed, labelled, deleted] = [open[0].id!, open[2].id!, open[3].id!];
    // A packer weighs the adopted order in ShipStation: the Ecwid change below keeps the weight.
    stack.shipstation.editOrder(SS_ACCOUNT.apiKey, nativeOf.get(changed)!.orderKey, { weight: { value: 21, units: 'ounces' } });
    stack.ecwid.upsertOrder(STORE, { ...stack.ecwid.getOrder(STORE, changed), shippingPerson: { ...open[0].shippingPerson, street: '99 New Rd' } });
    await stack.ecwid.sendWebhook(STORE, 'order.updated', { orderId: changed });
    const nativeKey = nativeOf.get(changed)!.orderKey;
    await eventually(() => (stack.shipstation.ordersByKey(SS_ACCOUNT.apiKey).get(nativeKey)?.shipTo.street1 === '99 New Rd' ? true : undefined), 15_000);
    expect(stack.shipstation.ordersByKey(SS_ACCOUNT.apiKey).get(ourKey(changed))).toBeUndefined();
    expect(stack.shipstation.ordersByKey(SS_ACCOUNT.apiKey).get(nativeKey)?.weight).toMatchObject({ value: 21, units: 'ounces' });

    // A label bought on the native order: SHIP_NOTIFY names the integration's orderKey, routed by its store.
    const label = await stack.shipstation.createLabel(SS_ACCOUNT.apiKey, nativeOf.get(labelled)!.orderKey, { trackingNumber: '9400111899223100001234' });
    const shipped = await eventually(() => {
      const o = stack.ecwid.getOrder(STORE, labelled);
      return o?.fulfillmentStatus === 'SHIPPED' ? o : undefined;
    }, 20_000, 50);
    expect(shipped.trackingNumber).toBe(label.trackingNumber);

    stack.ecwid.deleteOrder(STORE, deleted);
    await stack.ecwid.sendWebhook(STORE, 'order.deleted', { orderId: deleted });
    await eventually(() => (stack.shipstation.ordersByKey(SS_ACCOUNT.apiKey).get(nativeOf.get(deleted)!.orderKey)?.orderStatus === 'cancelled' ? true : undefined), 15_000);
    // Still no Ecwid order twice outside the cancelled status.
    const live = ssOrders().filter((o) => o.advancedOptions?.storeId !== other.storeId && o.orderStatus !== 'cancelled');
    const numbers = live.map((o) => o.orderNumber);
    expect(new Set(numbers).size).toBe(numbers.length);
  });
});
