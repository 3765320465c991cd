import type { ShipStationOrder } from '../../src/domain/shipstation';
import { cancellationsOf, isSplitOrMerged, openPartsOf } from '../../src/domain/split-orders';

const part = (orderId: number, orderStatus: ShipStationOrder['orderStatus'], extra: Record<string, unknown> = {}): ShipStationOrder =>
  ({
    orderId,
    orderNumber: orderId === 1 ? '100' : `100-${orderId}`,
    orderKey: 'ecwid-1-100',
    orderDate: '2026-05-01T10:00:00.0000000',
    orderStatus,
    billTo: { name: 'A' },
    shipTo: { name: 'A' },
    items: [{ lineItemKey: String(orderId), sku: `SKU${orderId}`, name: 'x', quantity: 1, unitPrice: 1 }],
    ...extra,
  }) as unknown as ShipStationOrder;

describe('split orders', () => {
  test('every open part of the key, once each; shipped, cancelled and other keys are left', () => {
    const orders = [
      part(1, 'shipped', { advancedOptions: { mergedOrSplit: true } }),
      part(2, 'awaiting_shipment', { advancedOptions: { mergedOrSplit: true, parentId: 1 } }),
      part(3, 'on_hold', { advancedOptions: { mergedOrSplit: true, parentId: 1 } }),
      part(3, 'on_hold'),
      part(4, 'cancelled'),
      part(5, 'awaiting_shipment', { orderKey: 'ecwid-1-1000' }),
    ];
    expect(openPartsOf(orders, 'ecwid-1-100').map((o) => o.orderId)).toEqual([2, 3]);
    expect(isSplitOrMerged(orders[1])).toBe(true);
    expect(isSplitOrMerged(part(9, 'awaiting_shipment'))).toBe(false);
  });

  test('each part is cancelled as it is: its orderId, its own items', () => {
    const [a, b] = cancellationsOf([part(2, 'awaiting_shipment'), part(3, 'on_hold')]);
    expect([a.orderId, a.orderStatus, a.items.map((i) => i.sku)]).toEqual([2, 'cancelled', ['SKU2']]);
    expect([b.orderId, b.orderStatus, b.items.map((i) => i.sku)]).toEqual([3, 'cancelled', ['SKU3']]);
  });
});
