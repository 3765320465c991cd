import type { EcwidOrder } from '../../src/domain/ecwid';
import type { ShipStationOrder } from '../../src/domain/shipstation';
import type { ConnectionStatus } from '../../src/workflows/definitions';
import { importableOrder } from '../helpers/orders';
import { SS_ACCOUNT, eventually, stackWithConnectedStore, type TestStack } from '../helpers/stack';

const STORE = 5501;
const TOKEN = 'secret_store_5501_token';
let lineId = 5500_000;

/** Three lines, with item IDs unique in the store (the ShipStation lineItemKeys). */
const order = (): EcwidOrder =>
  importableOrder({
    total: 90,
    createTimestamp: Math.floor(Date.now() / 1000) - 600,
    items: [
      { id: ++lineId, productId: 21, sku: 'MUG', name: 'Mug', quantity: 2, price: 20, weight: 0.4, isShippingRequired: true },
      { id: ++lineId, productId: 22, sku: 'TEE', name: 'T-shirt', quantity: 1, price: 30, weight: 0.2, isShippingRequired: true },
      { id: ++lineId, productId: 23, sku: 'CAP', name: 'Cap', quantity: 1, price: 20, weight: 0.1, isShippingRequired: true },
    ],
  });

/** Cancelling a split order in Ecwid cancels every open part of it in ShipStation (simulators end to end). */
describe('cancelling a split order', () => {
  let stack: TestStack;
  const key = (id: string) => `ecwid-${STORE}-${id}`;
  /** Every ShipStation order of the key (a split order is several), from the simulator's own state. */
  const parts = async (id: string): Promise<ShipStationOrder[]> =>
    ((await (await fetch(`${stack.shipstation.url}/__sim/orders?apiKey=${SS_ACCOUNT.apiKey}`)).json()) as ShipStationOrder[]).filter((o) => o.orderKey === key(id));
  const status = async () => (await (await stack.api(`/connections/${STORE}`)).json()) as ConnectionStatus;
  const statuses = async (id: string) => (await parts(id)).map((o) => o.orderStatus).sort();

  async function importedOrder(): Promise<EcwidOrder> {
    const o = stack.ecwid.upsertOrder(STORE, order());
    await stack.ecwid.sendWebhook(STORE, 'order.created', { orderId: o.id });
    await eventually(() => stack.shipstation.ordersByKey(SS_ACCOUNT.apiKey).get(key(o.id!)), 15_000);
    return o;
  }
  async function edit(id: string, change: (o: EcwidOrder) => EcwidOrder): Promise<void> {
    await new Promise((r) => setTimeout(r, 1100)); // a new updateTimestamp (Ecwid's are whole seconds)
    stack.ecwid.upsertOrder(STORE, change(stack.ecwid.getOrder(STORE, id)!));
    await stack.ecwid.sendWebhook(STORE, 'order.updated', { orderId: id });
  }

  beforeAll(async () => {
    stack = await stackWithConnectedStore(STORE, TOKEN);
  });
  afterAll(async () => {
    await stack?.stop();
  });

  test('part shipped, part open: payment CANCELLED in Ecwid cancels the open part; the shipped part stays shipped', async () => {
    const o = await importedOrder();
    const [mug] = o.items!;
    await stack.shipstation.createLabel(SS_ACCOUNT.apiKey, key(o.id!), { trackingNumber: 'SPLIT-C1', items: [{ lineItemKey: String(mug.id), quantity: 2 }] });
    await eventually(() => (stack.ecwid.getOrder(STORE, o.id!)?.trackingNumber === 'SPLIT-C1' ? true : undefined), 15_000);
    expect(await statuses(o.id!)).toEqual(['awaiting_shipment', 'shipped']);
    await edit(o.id!, (x) => ({ ...x, paymentStatus: 'CANCELLED' }));
    await eventually(async () => ((await statuses(o.id!)).join() === 'cancelled,shipped' ? true : undefined), 20_000, 200);
  });

  test('split in two open parts in ShipStation: payment CANCELLED in Ecwid cancels both', async () => {
    const o = await importedOrder();
    const [mug, tee] = o.items!;
    stack.shipstation.splitOrder(SS_ACCOUNT.apiKey, key(o.id!), [
      { lineItemKey: String(mug.id), quantity: 2 },
      { lineItemKey: String(tee.id), quantity: 1 },
    ]);
    expect(await statuses(o.id!)).toEqual(['awaiting_shipment', 'awaiting_shipment']);
    const cancelledBefore = (await status()).cancelled;
    await edit(o.id!, (x) => ({ ...x, paymentStatus: 'CANCELLED' }));
    await eventually(async () => ((await statuses(o.id!)).join() === 'cancelled,cancelled' ? true : undefined), 20_000, 200);
    // Each part kept its own items: the cancel did not put the whole order on either.
    const items = (await parts(o.id!)).map((p) => p.items.filter((i) => !i.adjustment).map((i) => i.sku).join('+')).sort();
    expect(items).toEqual(['CAP', 'MUG+TEE']);
    // Recorded once, as a cancelled order.
    await eventually(async () => ((await status()).cancelled === cancelledBefore + 1 ? true : undefined), 10_000, 200);
  });

  test('split in three parts, one shipped: deleting the order in Ecwid cancels both open parts', async () => {
    const o = await importedOrder();
    const [mug, tee] = o.items!;
    stack.shipstation.splitOrder(SS_ACCOUNT.apiKey, key(o.id!), [{ lineItemKey: String(mug.id), quantity: 2 }]);
    // The T-shirt and the cap are split apart too, and the T-shirt ships.
    await stack.shipstation.createLabel(SS_ACCOUNT.apiKey, key(o.id!), { trackingNumber: 'SPLIT-C3', items: [{ lineItemKey: String(mug.id), quantity: 2 }] });
    const open = (await parts(o.id!)).filter((p) => p.orderStatus === 'awaiting_shipment');
    expect(open).toHaveLength(1);
    stack.shipstation.splitOrder(SS_ACCOUNT.apiKey, key(o.id!), [{ lineItemKey: String(tee.id), quantity: 1 }]);
    expect(await statuses(o.id!)).toEqual(['awaiting_shipment', 'awaiting_shipment', 'shipped']);
    stack.ecwid.deleteOrder(STORE, o.id!);
    await stack.ecwid.sendWebhook(STORE, 'order.deleted', { orderId: o.id });
    await eventually(async () => ((await statuses(o.id!)).join() === 'cancelled,cancelled,shipped' ? true : undefined), 20_000, 200);
  });
});
