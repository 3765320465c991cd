import { asShipment, canonicalShipNoticeUrl, compactShipment, routeShipments, shipNoticePageUrl } from '../../src/domain/shipment-notice';
import { buildFulfillmentUpdate } from '../../src/domain/shipment-update';
import type { ShipStationShipment } from '../../src/domain/shipstation';

function shipment(shipmentId: number, orderKey: string, extra: Partial<ShipStationShipment> = {}): ShipStationShipment & { shipmentItems?: unknown[] } {
  return {
    shipmentId,
    orderId: 1000 + shipmentId,
    orderKey,
    orderNumber: orderKey.split('-').pop() ?? '',
    createDate: `2026-04-01T09:0${shipmentId % 10}:00.0000000`,
    shipDate: '2026-04-01',
    shipmentCost: 6.1,
    insuranceCost: 0.4,
    trackingNumber: `1Z${shipmentId}`,
    isReturnLabel: false,
    batchNumber: '77',
    carrierCode: 'fedex',
    serviceCode: 'fedex_ground',
    voided: false,
    voidDate: null,
    shipTo: { name: 'Bo Buyer', street1: '2 Side St', city: 'Portland', state: 'OR', postalCode: '97201', country: 'US', phone: '555-0100' },
    ...extra,
  };
}

describe('shipments routed from an account to its stores', () => {
  test('routes by orderKey to attached stores only; the rest is ignored and counted', () => {
    const r = routeShipments(
      [
        shipment(1, 'ecwid-100-A1'),
        shipment(2, 'ecwid-100-A1'),
        shipment(3, 'ecwid-200-A1'), // same order ID, another store
        shipment(4, 'ecwid-300-X9'), // a store of this account that is not attached (another connection)
        shipment(5, 'manual-555'), // an order the connector did not create
        shipment(6, 'ecwid-200-MY-STORE-7'),
      ],
      new Set([100, 200]),
    );
    expect(r.routed).toBe(4);
    expect(r.ignored).toBe(2);
    const byOrder = Object.fromEntries(r.orders.map((o) => [`${o.storeId}:${o.orderId}`, o.shipments.map((s) => s.shipmentId)]));
    expect(byOrder).toEqual({ '100:A1': [1, 2], '200:A1': [3], '200:MY-STORE-7': [6] });
  });

  test('a compact shipment keeps what the update needs, and no personal data', () => {
    const full = { ...shipment(7, 'ecwid-100-A1'), shipmentItems: [{ lineItemKey: '11', sku: 'TEE', name: 'T-shirt for Bo', quantity: 2, unitPrice: 9 }] };
    const c = compactShipment(full);
    expect(c.items).toEqual([{ lineItemKey: '11', sku: 'TEE', quantity: 2 }]);
    const text = JSON.stringify(c);
    for (const personal of ['Bo Buyer', 'Side St', '555-0100', 'T-shirt for Bo']) expect(text).not.toContain(personal);
    // The same Ecwid update as from the full shipment.
    expect(buildFulfillmentUpdate([asShipment(c)])).toEqual(buildFulfillmentUpdate([full]));
  });
});

describe('the cost of a SHIP_NOTIFY is the connector\'s choice', () => {
  const SS = 'https://ssapi.shipstation.com';
  test('only the identifying filter of the resource URL is kept, whatever paging or sorting it asks for', () => {
    expect(canonicalShipNoticeUrl(`${SS}/shipments?batchId=12345&includeShipmentItems=False`)).toBe(`${SS}/shipments?batchId=12345`);
    expect(canonicalShipNoticeUrl(`${SS}/shipments?pageSize=1&page=7&sortBy=ShipDate&BATCHID=12345&createDateStart=2001-01-01`)).toBe(
      `${SS}/shipments?batchId=12345`,
    );
    expect(canonicalShipNoticeUrl(`${SS}/shipments?orderNumber=K8XTQ&includeShipmentItems=False`)).toBe(`${SS}/shipments?orderNumber=K8XTQ`);
  });

  test('a URL that names no labels (another path, no filter, an odd value) is refused', () => {
    for (const raw of [
      `${SS}/shipments`,
      `${SS}/shipments?pageSize=1`,
      `${SS}/orders?batchId=1`,
      `${SS}/shipments?batchId=1%20OR%201`,
      `${SS}/shipments?batchId=`,
      'not a url',
    ]) {
      expect(canonicalShipNoticeUrl(raw)).toBeUndefined();
    }
  });

  test('each page asks for 500 labels with their items, in creation order', () => {
    const page = new URL(shipNoticePageUrl(`${SS}/shipments?batchId=9`, 3));
    expect(Object.fromEntries(page.searchParams)).toEqual({
      batchId: '9',
      includeShipmentItems: 'true',
      sortBy: 'CreateDate',
      sortDir: 'ASC',
      pageSize: '500',
      page: '3',
    });
  });
});
