import { shippedItemsSection } from '../../src/api/web/pages';
import { ConnectionService } from '../../src/connections/connection-service';
import type { EcwidOrder } from '../../src/domain/ecwid';
import { shipmentWorkflowId } from '../../src/domain/ids';
import { retryShipmentSignal, shipmentStatusQuery, type ConnectionStatus, type ShipmentStatus } from '../../src/workflows/definitions';
import { importableOrder } from '../helpers/orders';
import { SS_ACCOUNT, eventually, stackWithConnectedStore, type TestStack } from '../helpers/stack';

const STORE = 5301;
const TOKEN = 'secret_store_5301_token';
let lineId = 5300_000;

/** Two lines: 2 mugs and a T-shirt, with item IDs unique in the store (the ShipStation lineItemKeys). */
const order = (): EcwidOrder =>
  importableOrder({
    total: 70,
    createTimestamp: Math.floor(Date.now() / 1000) - 600,
    items: [
      { id: ++lineId, productId: 21, sku: 'MUG', name: 'Mug', quantity: 2, price: 20, weight: 0.4, isShippingRequired: true },
      { id: ++lineId, productId: 22, sku: 'TEE', name: 'T-shirt', quantity: 1, price: 30, weight: 0.2, isShippingRequired: true },
    ],
  });

describe('split and partial shipments, merged orders (simulators end to end)', () => {
  let stack: TestStack;
  const key = (id: string) => `ecwid-${STORE}-${id}`;
  const fields = (o: EcwidOrder | undefined) => Object.fromEntries((o?.orderExtraFields ?? []).map((f) => [f.id, f.value]));
  const status = (id: string) => stack.client.workflow.getHandle(shipmentWorkflowId(STORE, id)).query(shipmentStatusQuery);
  const statusWhen = (id: string, check: (s: ShipmentStatus) => boolean) =>
    eventually(async () => {
      const s = await status(id).catch(() => undefined);
      return s && check(s) ? s : undefined;
    }, 20_000);

  async function importedOrder(): Promise<EcwidOrder> {
    const o = stack.ecwid.upsertOrder(STORE, order());
    await stack.ecwid.sendWebhook(STORE, 'order.created', { orderId: o.id });
    await eventually(() => stack.shipstation.ordersByKey(SS_ACCOUNT.apiKey).get(key(o.id!)), 15_000);
    return o;
  }

  beforeAll(async () => {
    stack = await stackWithConnectedStore(STORE, TOKEN);
  });
  afterAll(async () => {
    await stack?.stop();
  });

  test('a split order: PROCESSING with tracking after its first label, SHIPPED after its last; the open part is not overwritten', async () => {
    const o = await importedOrder();
    const [mug, tee] = o.items!;
    const first = await stack.shipstation.createLabel(SS_ACCOUNT.apiKey, key(o.id!), {
      trackingNumber: 'SPLIT-A',
      items: [{ lineItemKey: String(mug.id), quantity: 2 }],
    });
    const partial = await eventually(() => {
      const x = stack.ecwid.getOrder(STORE, o.id!);
      return x?.trackingNumber === 'SPLIT-A' ? x : undefined;
    }, 15_000);
    expect(partial.fulfillmentStatus).toBe('PROCESSING');
    expect(fields(partial).shipstation_tracking_numbers).toBe('SPLIT-A');
    expect(fields(partial).shipstation_shipped_items).toBe('2 of 3 items: Mug × 2');
    const s1 = await statusWhen(o.id!, (s) => s.state === 'partial');
    expect(s1.shippedItems).toMatchObject({ complete: false, ordered: 3, shipped: 2 });
    expect(s1.shippedItems?.lines.map((l) => [l.name, l.shipped, l.trackingNumbers])).toEqual([
      ['Mug', 2, ['SPLIT-A']],
      ['T-shirt', 0, []],
    ]);

    // The write-back's order.updated brings the order back to the import: the split's open part keeps its items.
    const decision = await eventually(async () => {
      const d = (await (await stack.api(`/connections/${STORE}/orders/${o.id}`)).json()) as { reason?: string };
      return d.reason === 'partly_shipped_in_shipstation' ? d : undefined;
    }, 15_000);
    expect(decision.reason).toBe('partly_shipped_in_shipstation');
    const open = stack.shipstation.ordersByKey(SS_ACCOUNT.apiKey).get(key(o.id!))!;
    expect(open.orderStatus).toBe('awaiting_shipment');
    expect(open.items.map((i) => [i.lineItemKey, i.quantity])).toEqual([[String(tee.id), 1]]);

    const second = await stack.shipstation.createLabel(SS_ACCOUNT.apiKey, key(o.id!), { trackingNumber: 'SPLIT-B' });
    expect(second.orderId).not.toBe(first.orderId);
    const shipped = await eventually(() => {
      const x = stack.ecwid.getOrder(STORE, o.id!);
      return x?.fulfillmentStatus === 'SHIPPED' ? x : undefined;
    }, 15_000);
    expect(shipped.trackingNumber).toBe('SPLIT-B');
    expect(fields(shipped).shipstation_tracking_numbers).toBe('SPLIT-A, SPLIT-B');
    expect(fields(shipped).shipstation_shipped_items).toBeUndefined();
    const s2 = await statusWhen(o.id!, (s) => s.state === 'delivered');
    expect(s2.shippedItems?.lines.map((l) => l.trackingNumbers)).toEqual([['SPLIT-A'], ['SPLIT-B']]);
    // The store page's section, from the same query through ConnectionService.
    const service = new ConnectionService({ client: stack.client, taskQueue: 'unused', ecwidApiUrl: stack.ecwid.url, defaultPollIntervalSeconds: 300 });
    const recent = await eventually(async () => {
      const list = await service.recentShipments(STORE);
      return list.some((x) => x.orderId === o.id) ? list : undefined;
    }, 15_000);
    const html = shippedItemsSection(recent);
    expect(html).toContain(`data-order="${o.id}"`);
    expect(html).toMatch(/Mug.*2 of 2 — <code>SPLIT-A<\/code>/);
    expect(html).toMatch(/T-shirt.*1 of 1 — <code>SPLIT-B<\/code>/);

    // A void that makes it partial again does not un-ship it in Ecwid; the write-back shows it to operators.
    stack.shipstation.voidLabel(SS_ACCOUNT.apiKey, second.shipmentId);
    await stack.client.workflow.getHandle(shipmentWorkflowId(STORE, o.id!)).signal(retryShipmentSignal);
    const s3 = await statusWhen(o.id!, (s) => s.state === 'partial');
    expect(s3.shippedItems).toMatchObject({ complete: false, keptShipped: true, shipped: 2 });
    const after = stack.ecwid.getOrder(STORE, o.id!);
    expect(after?.fulfillmentStatus).toBe('SHIPPED');
    expect(after?.trackingNumber).toBe('SPLIT-A');
  });

  test("the connection's partialShipmentStatus is used for a partly shipped order", async () => {
    const patch = await stack.api(`/connections/${STORE}/settings`, {
      method: 'PATCH',
      body: JSON.stringify({ partialShipmentStatus: 'CUSTOM_FULFILLMENT_STATUS_2' }),
    });
    expect(patch.status).toBe(202);
    await eventually(async () => {
      const c = (await (await stack.api(`/connections/${STORE}`)).json()) as ConnectionStatus;
      return c.settings.partialShipmentStatus === 'CUSTOM_FULFILLMENT_STATUS_2';
    });
    const bad = await stack.api(`/connections/${STORE}/settings`, { method: 'PATCH', body: JSON.stringify({ partialShipmentStatus: 'SHIPPED' }) });
    expect(bad.status).toBe(400);

    const o = await importedOrder();
    await stack.shipstation.createLabel(SS_ACCOUNT.apiKey, key(o.id!), {
      trackingNumber: 'CUSTOM-A',
      items: [{ lineItemKey: String(o.items![1].id), quantity: 1 }],
    });
    const partial = await eventually(() => {
      const x = stack.ecwid.getOrder(STORE, o.id!);
      return x?.trackingNumber === 'CUSTOM-A' ? x : undefined;
    }, 15_000);
    expect(partial.fulfillmentStatus).toBe('CUSTOM_FULFILLMENT_STATUS_2');
  });

  /** Edits the Ecwid order as the merchant would, and sends its order.updated webhook. */
  async function edit(id: string, change: (o: EcwidOrder) => EcwidOrder): Promise<void> {
    stack.ecwid.upsertOrder(STORE, change(stack.ecwid.getOrder(STORE, id)!));
    await stack.ecwid.sendWebhook(STORE, 'order.updated', { orderId: id });
  }
  const ssOrder = (id: string) => stack.shipstation.ordersByKey(SS_ACCOUNT.apiKey).get(key(id));

  test('an order edited after import (address, items, quantities, notes) updates the ShipStation order', async () => {
    const o = await importedOrder();
    await new Promise((r) => setTimeout(r, 1100)); // a new updateTimestamp (Ecwid's are whole seconds)
    await edit(o.id!, (x) => ({
      ...x,
      shippingPerson: { ...x.shippingPerson, street: '99 New Road' },
      orderComments: 'Leave at the back door',
      items: [
        { ...x.items![0], quantity: 3 },
        { id: ++lineId, productId: 23, sku: 'CAP', name: 'Cap', quantity: 1, price: 10, weight: 0.1, isShippingRequired: true },
      ],
    }));
    const updated = await eventually(() => {
      const ss = ssOrder(o.id!);
      return ss?.shipTo.street1 === '99 New Road' ? ss : undefined;
    }, 15_000);
    expect(updated.orderStatus).toBe('awaiting_shipment');
    expect(updated.customerNotes).toContain('Leave at the back door');
    expect(updated.items.filter((i) => !i.adjustment).map((i) => [i.sku, i.quantity])).toEqual([
      ['MUG', 3],
      ['CAP', 1],
    ]);
  });

  test('once shipped in ShipStation, an edit is recorded as not overwritten', async () => {
    const o = await importedOrder();
    stack.shipstation.setOrderStatus(SS_ACCOUNT.apiKey, key(o.id!), 'shipped');
    await new Promise((r) => setTimeout(r, 1100));
    await edit(o.id!, (x) => ({ ...x, shippingPerson: { ...x.shippingPerson, street: '1 Too Late St' } }));
    const d = await eventually(async () => {
      const r = (await (await stack.api(`/connections/${STORE}/orders/${o.id}`)).json()) as { reason?: string };
      return r.reason === 'closed_in_shipstation' ? r : undefined;
    }, 15_000);
    expect(d.reason).toBe('closed_in_shipstation');
    expect(ssOrder(o.id!)?.shipTo.street1).not.toBe('1 Too Late St');
    expect(ssOrder(o.id!)?.orderStatus).toBe('shipped');
  });

  test.each(['CANCELLED', 'REFUNDED'])('payment %s in Ecwid cancels the ShipStation order', async (paymentStatus) => {
    const o = await importedOrder();
    await new Promise((r) => setTimeout(r, 1100));
    await edit(o.id!, (x) => ({ ...x, paymentStatus }));
    await eventually(() => ssOrder(o.id!)?.orderStatus === 'cancelled', 15_000);
  });

  test('partially refunded, an item removed and a quantity reduced: the ShipStation items follow, still to ship', async () => {
    const o = await importedOrder();
    await new Promise((r) => setTimeout(r, 1100));
    await edit(o.id!, (x) => ({ ...x, paymentStatus: 'PARTIALLY_REFUNDED', refundedAmount: 50, items: [{ ...x.items![0], quantity: 1 }] }));
    const updated = await eventually(() => {
      const ss = ssOrder(o.id!);
      return ss && ss.items.filter((i) => !i.adjustment).length === 1 ? ss : undefined;
    }, 15_000);
    expect(updated.orderStatus).toBe('awaiting_shipment');
    expect(updated.items.filter((i) => !i.adjustment).map((i) => [i.sku, i.quantity])).toEqual([['MUG', 1]]);
  });

  test('a label on a merged ShipStation order ships every Ecwid order in it', async () => {
    const a = await importedOrder();
    const b = await importedOrder();
    await stack.shipstation.createLabel(SS_ACCOUNT.apiKey, key(a.id!), { trackingNumber: 'MERGED-1', mergeOrderKeys: [key(b.id!)] });
    for (const id of [a.id!, b.id!]) {
      const x = await eventually(() => {
        const y = stack.ecwid.getOrder(STORE, id);
        return y?.fulfillmentStatus === 'SHIPPED' ? y : undefined;
      }, 20_000);
      expect(x.trackingNumber).toBe('MERGED-1');
    }
    const sa = await statusWhen(a.id!, (s) => s.state === 'delivered');
    expect(sa.shippedItems?.mergedOrders).toEqual([b.id]);
    const sb = await statusWhen(b.id!, (s) => s.state === 'delivered');
    expect(sb.shippedItems).toMatchObject({ complete: true, shipped: 3 });
  });
});
