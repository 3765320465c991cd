import {
  AMBIGUOUS_NATIVE,
  AMBIGUOUS_NATIVE_MARK,
  CLOSED_IN_NATIVE_STORE,
  CLOSED_NATIVE,
  MAX_ADOPTED,
  adoptionDecision,
  asAdopted,
  isEcwidMarketplace,
  matchNativeOrders,
  mergeAdopted,
  nativeEcwidStores,
  type ListedOrder,
} from '../../src/domain/native-adoption';
import { routeShipments } from '../../src/domain/shipment-notice';
import type { ShipStationOrder, ShipStationShipment } from '../../src/domain/shipstation';

const listed = (orderNumber: string, orderKey: string, orderStatus: string, customerEmail: string | null = 'a@example.com'): ListedOrder => ({
  orderNumber,
  orderKey,
  orderStatus,
  customerEmail,
});

describe('native Ecwid stores', () => {
  test('are the active stores whose marketplace is named Ecwid, whatever its ID', () => {
    expect(isEcwidMarketplace({ marketplaceName: 'Ecwid' })).toBe(true);
    expect(isEcwidMarketplace({ marketplaceName: ' ecwid ' })).toBe(true);
    expect(isEcwidMarketplace({ marketplaceName: 'ShipStation' })).toBe(false);
    expect(isEcwidMarketplace({ marketplaceName: 'Ecwid by Lightspeed store X' })).toBe(false);
    const stores = nativeEcwidStores([
      { storeId: 1, storeName: 'Manual', marketplaceId: 0, marketplaceName: 'ShipStation', active: true },
      { storeId: 2, storeName: 'Shop', marketplaceId: 71, marketplaceName: 'Ecwid', active: true },
      { storeId: 3, storeName: 'Old shop', marketplaceId: 71, marketplaceName: 'Ecwid', active: false },
    ]);
    expect(stores.map((s) => s.storeId)).toEqual([2]);
  });
});

describe('matching native orders with Ecwid orders', () => {
  test('adopts open orders by number, confirmed by Ecwid and the email; remembers shipped ones; leaves cancelled ones', () => {
    const m = matchNativeOrders(
      [
        listed('A1', 'k1', 'awaiting_shipment'),
        listed('A2', 'k2', 'on_hold', null),
        listed('A3', 'k3', 'shipped'),
        listed('A4', 'k4', 'cancelled'),
        listed('A5', 'k5', 'awaiting_shipment', 'other@example.com'),
        listed('ZZ', 'k6', 'awaiting_shipment'),
      ],
      [{ id: 'A1', email: 'A@Example.com' }, { id: 'A2', email: 'b@example.com' }, { id: 'A3' }, { id: 'A4' }, { id: 'A5', email: 'a@example.com' }],
    );
    expect(m.adopted).toEqual({ A1: 'k1', A2: 'k2', A3: CLOSED_NATIVE });
    expect(m.ambiguous).toEqual([]);
  });

  test('a split order (one key, an open and a shipped part) is one adoption; two keys for one order are ambiguous', () => {
    const m = matchNativeOrders(
      [listed('S1', 'ks', 'shipped'), listed('S1', 'ks', 'awaiting_shipment'), listed('D1', 'kd1', 'awaiting_shipment'), listed('D1', 'kd2', 'awaiting_shipment')],
      [{ id: 'S1' }, { id: 'D1' }],
    );
    expect(m.adopted).toEqual({ S1: 'ks', D1: AMBIGUOUS_NATIVE_MARK });
    expect(m.ambiguous).toEqual(['D1']);
  });

  test('the import sends adopted orders under the native key and skips the others with a reason', () => {
    expect(adoptionDecision(undefined)).toBeUndefined();
    expect(adoptionDecision('k1')).toEqual({ send: true, orderKey: 'k1' });
    expect(adoptionDecision(CLOSED_NATIVE)).toEqual({ send: false, reason: CLOSED_IN_NATIVE_STORE });
    expect(adoptionDecision(AMBIGUOUS_NATIVE_MARK)).toEqual({ send: false, reason: AMBIGUOUS_NATIVE });
    const mapped = { orderKey: 'ecwid-1-A1', orderNumber: 'A1', advancedOptions: { storeId: 9, customField1: 'x' } } as unknown as ShipStationOrder;
    expect(asAdopted(mapped, 'k1')).toMatchObject({ orderKey: 'k1', orderNumber: 'A1', advancedOptions: { customField1: 'x' } });
    expect(asAdopted(mapped, 'k1').advancedOptions).not.toHaveProperty('storeId');
  });

  test('what is remembered stays bounded, newest scans kept', () => {
    const before = Object.fromEntries(Array.from({ length: MAX_ADOPTED }, (_, i) => [`o${i}`, `k${i}`]));
    const { orders, dropped } = mergeAdopted(before, { new1: 'n1', o5: 'k5b' });
    expect(Object.keys(orders)).toHaveLength(MAX_ADOPTED);
    expect(dropped).toBe(1);
    expect(orders.new1).toBe('n1');
    expect(orders.o5).toBe('k5b');
    expect(orders.o0).toBeUndefined();
  });
});

describe('routing labels of adopted orders', () => {
  const label = (orderKey: string, orderNumber: string, storeId: number | null, shipmentId: number): ShipStationShipment =>
    ({ shipmentId, orderId: 1, orderKey, orderNumber, createDate: '', shipDate: '', shipmentCost: 0, insuranceCost: 0, trackingNumber: 'T', isReturnLabel: false, batchNumber: null, carrierCode: 'usps', serviceCode: 's', voided: false, voidDate: null, advancedOptions: { storeId } }) as ShipStationShipment;

  test("a label in ShipStation's Ecwid store goes to the store that adopted it, by order number", () => {
    const r = routeShipments(
      [label('ecwid-7-A1', 'A1', 1, 1), label('nativekey', 'B2', 50, 2), label('nativekey2', 'C3', 51, 3), label('other', 'D4', null, 4)],
      new Set([7]),
      new Map([[50, 7]]),
    );
    expect(r.orders.map((o) => [o.storeId, o.orderId])).toEqual([
      [7, 'A1'],
      [7, 'B2'],
    ]);
    expect(r).toMatchObject({ routed: 2, ignored: 2 });
  });
});
