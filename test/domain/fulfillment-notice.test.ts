import {
  canonicalFulfillmentNoticeUrl,
  compactFulfillment,
  fulfillmentNoticePageUrl,
  routeFulfillments,
  type FulfilledOrder,
  type ShipStationFulfillment,
} from '../../src/domain/fulfillment-notice';
import { asShipment } from '../../src/domain/shipment-notice';
import { buildFulfillmentUpdate } from '../../src/domain/shipment-update';

const fulfillment = (fulfillmentId: number, orderId: number, extra: Partial<ShipStationFulfillment> = {}): ShipStationFulfillment => ({
  fulfillmentId,
  orderId,
  orderNumber: String(orderId),
  trackingNumber: `1ZF${fulfillmentId}`,
  createDate: '2026-04-01T09:00:00.0000000',
  shipDate: '2026-04-01T00:00:00.0000000',
  voidDate: null,
  carrierCode: 'ups',
  fulfillmentServiceCode: null,
  voided: false,
  ...extra,
});

const order = (orderKey: string): FulfilledOrder => ({
  orderKey,
  items: [
    { lineItemKey: '11', sku: 'MUG', quantity: 2 },
    { lineItemKey: 'ecwid-discount', sku: null, quantity: 1, adjustment: true },
  ],
});

describe('fulfillments ("Mark as Shipped") routed to their Ecwid orders', () => {
  test('a fulfillment becomes a parcel with a negative ID, its order\'s items, and no cost', () => {
    const c = compactFulfillment(fulfillment(7, 501), order('ecwid-1-42'));
    expect(c).toMatchObject({ shipmentId: -7, fulfillmentId: 7, trackingNumber: '1ZF7', carrierCode: 'ups', shipmentCost: 0, insuranceCost: 0, orderId: 501 });
    expect(c.items).toEqual([
      { lineItemKey: '11', sku: 'MUG', quantity: 2 },
      { lineItemKey: 'ecwid-discount', sku: null, quantity: 1, adjustment: true },
    ]);
    // Written exactly like a label: SHIPPED, tracking number and URL, carrier.
    const u = buildFulfillmentUpdate([asShipment(c)]);
    expect(u).toMatchObject({ fulfillmentStatus: 'SHIPPED', trackingNumber: '1ZF7' });
    expect('trackingUrl' in u && u.trackingUrl).toContain('1ZF7');
  });

  test('routes by the fulfilled order\'s orderKey to attached stores; unknown orders and other stores are ignored, counted', () => {
    const orders = new Map<number, FulfilledOrder>([
      [501, order('ecwid-1-42')],
      [502, order('ecwid-2-43')],
      [503, order('manual-9')],
    ]);
    const r = routeFulfillments([fulfillment(1, 501), fulfillment(2, 501), fulfillment(3, 502), fulfillment(4, 503), fulfillment(5, 504)], orders, new Set([1]));
    expect(r.routed).toBe(2);
    expect(r.ignored).toBe(3);
    expect(r.orders).toHaveLength(1);
    expect(r.orders[0]).toMatchObject({ storeId: 1, orderId: '42' });
    expect(r.orders[0].shipments.map((s) => s.shipmentId)).toEqual([-1, -2]);
  });

  test("an order adopted from ShipStation's Ecwid integration is routed by its store and order number", () => {
    // The integration's own orderKey names no connector store; its ShipStation store was adopted by Ecwid store 7.
    const orders = new Map<number, FulfilledOrder>([
      [601, { orderKey: 'native-key-1', orderNumber: '1077', advancedOptions: { storeId: 90 }, items: [] }],
      [602, { orderKey: 'native-key-2', orderNumber: '1078', advancedOptions: { storeId: 91 }, items: [] }],
    ]);
    const r = routeFulfillments([fulfillment(11, 601), fulfillment(12, 602)], orders, new Set([7]), new Map([[90, 7]]));
    expect(r.routed).toBe(1);
    expect(r.ignored).toBe(1);
    expect(r.orders).toEqual([expect.objectContaining({ storeId: 7, orderId: '1077' })]);
  });

  test('the resource URL keeps only identifying filters; anything else is refused', () => {
    expect(canonicalFulfillmentNoticeUrl('https://ssapi.shipstation.com/fulfillments?fulfillmentId=12&pageSize=1&sortBy=x')).toBe(
      'https://ssapi.shipstation.com/fulfillments?fulfillmentId=12',
    );
    expect(canonicalFulfillmentNoticeUrl('https://ssapi.shipstation.com/Fulfillments/?ORDERID=5&trackingNumber=1Z9')).toBe(
      'https://ssapi.shipstation.com/fulfillments?orderId=5&trackingNumber=1Z9',
    );
    expect(canonicalFulfillmentNoticeUrl('https://ssapi.shipstation.com/fulfillments')).toBeUndefined();
    expect(canonicalFulfillmentNoticeUrl('https://ssapi.shipstation.com/fulfillments?createDateStart=2020-01-01')).toBeUndefined();
    expect(canonicalFulfillmentNoticeUrl('https://ssapi.shipstation.com/shipments?batchId=1')).toBeUndefined();
    expect(canonicalFulfillmentNoticeUrl('https://ssapi.shipstation.com/fulfillments?fulfillmentId=1;DROP')).toBeUndefined();
    expect(canonicalFulfillmentNoticeUrl('not a url')).toBeUndefined();
    const page = new URL(fulfillmentNoticePageUrl('https://ssapi.shipstation.com/fulfillments?fulfillmentId=12', 3));
    expect(Object.fromEntries(page.searchParams)).toEqual({ fulfillmentId: '12', sortBy: 'CreateDate', sortDir: 'ASC', pageSize: '500', page: '3' });
  });
});
