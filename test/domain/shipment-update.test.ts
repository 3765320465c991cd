import type { EcwidOrderUpdate } from '../../src/domain/ecwid';
import {
  buildFulfillmentUpdate,
  carrierName,
  serviceName,
  shippedThroughShipStation,
  SHIPSTATION_EXTRA_FIELD_IDS,
  trackingUrl,
} from '../../src/domain/shipment-update';
import type { ShipStationShipment } from '../../src/domain/shipstation';

let nextId = 271726263;
/** A shipment shaped like the real SHIP_NOTIFY payload in the ShipStation reference (§3.2). */
function shipment(overrides: Partial<ShipStationShipment> = {}): ShipStationShipment {
  return {
    shipmentId: nextId++,
    orderId: 470873934,
    orderKey: 'ecwid-1003-EBJFT',
    orderNumber: 'EBJFT',
    createDate: '2024-09-17T10:51:14.5030000',
    shipDate: '2024-09-17',
    shipmentCost: 39.57,
    insuranceCost: 0,
    trackingNumber: '1Z1V152Y6827822533',
    isReturnLabel: false,
    batchNumber: null,
    carrierCode: 'ups_walleted',
    serviceCode: 'ups_standard_international',
    packageCode: 'package',
    voided: false,
    voidDate: null,
    ...overrides,
  };
}

function update(shipments: ShipStationShipment[]): EcwidOrderUpdate {
  const u = buildFulfillmentUpdate(shipments);
  if ('noUpdate' in u) throw new Error(u.noUpdate);
  return u;
}

const fieldValue = (u: EcwidOrderUpdate, id: string) => u.orderExtraFields?.find((f) => f.id === id)?.value;

describe('buildFulfillmentUpdate (spec §7)', () => {
  it('marks the order shipped with tracking, carrier, service and carrier fee', () => {
    const u = update([shipment()]);
    expect(u).toEqual({
      fulfillmentStatus: 'SHIPPED',
      trackingNumber: '1Z1V152Y6827822533',
      trackingUrl: 'https://www.ups.com/track?tracknum=1Z1V152Y6827822533',
      orderExtraFields: [
        { id: 'shipstation_carrier', title: 'Carrier', value: 'UPS', orderDetailsDisplaySection: 'shipping_info' },
        { id: 'shipstation_service', title: 'Shipping service', value: 'UPS Standard®', orderDetailsDisplaySection: 'shipping_info' },
        { id: 'shipstation_shipping_cost', title: 'Carrier fee', value: '39.57', orderDetailsDisplaySection: '' },
      ],
    });
  });

  it('does nothing when every label is voided (or there is none)', () => {
    expect(buildFulfillmentUpdate([shipment({ voided: true, voidDate: '2024-09-18T08:00:00.0000000' })])).toEqual({ noUpdate: 'all_voided' });
    expect(buildFulfillmentUpdate([])).toEqual({ noUpdate: 'no_shipments' });
  });

  it('takes the replacement label after a void', () => {
    const voided = shipment({ trackingNumber: 'OLD1', voided: true, voidDate: '2024-09-17T12:00:00.0000000' });
    const replacement = shipment({ trackingNumber: 'NEW2', createDate: '2024-09-17T12:30:00.0000000', carrierCode: 'fedex', serviceCode: 'fedex_2day' });
    const u = update([replacement, voided]);
    expect(u.trackingNumber).toBe('NEW2');
    expect(u.trackingUrl).toBe('https://www.fedex.com/fedextrack/?trknbr=NEW2');
    expect(fieldValue(u, 'shipstation_carrier')).toBe('FedEx');
    expect(fieldValue(u, 'shipstation_service')).toBe('FedEx 2Day');
    expect(fieldValue(u, 'shipstation_shipping_cost')).toBe('39.57'); // the voided label is not a cost
    expect(fieldValue(u, 'shipstation_tracking_numbers')).toBeUndefined();
  });

  it('takes the newest live label, whatever order they arrive in; ties go to the higher shipmentId', () => {
    const a = shipment({ trackingNumber: 'A', createDate: '2024-09-17T10:00:00.0000000' });
    const b = shipment({ trackingNumber: 'B', createDate: '2024-09-17T11:00:00.0000000' });
    const c = shipment({ trackingNumber: 'C', createDate: '2024-09-17T09:00:00.0000000' });
    expect(update([b, c, a]).trackingNumber).toBe('B');
    expect(update([a, c, b]).trackingNumber).toBe('B');
    const sameTime1 = shipment({ shipmentId: 10, trackingNumber: 'T10', createDate: '2024-09-17T10:00:00.0000000' });
    const sameTime2 = shipment({ shipmentId: 11, trackingNumber: 'T11', createDate: '2024-09-17T10:00:00.0000000' });
    expect(update([sameTime2, sameTime1]).trackingNumber).toBe('T11');
  });

  it('lists every tracking number of a multi-parcel order and adds up the carrier fees', () => {
    const u = update([
      shipment({ trackingNumber: '9400100000000000000001', carrierCode: 'stamps_com', serviceCode: 'usps_priority_mail', shipmentCost: 8.5, insuranceCost: 1.25, createDate: '2024-09-17T10:00:00.0000000' }),
      shipment({ trackingNumber: '9400100000000000000002', carrierCode: 'stamps_com', serviceCode: 'usps_priority_mail', shipmentCost: 8.5, insuranceCost: 0, createDate: '2024-09-17T10:05:00.0000000' }),
      shipment({ trackingNumber: 'VOIDED', voided: true, shipmentCost: 100 }),
    ]);
    expect(u.trackingNumber).toBe('9400100000000000000002');
    expect(u.trackingUrl).toBe('https://tools.usps.com/go/TrackConfirmAction?tLabels=9400100000000000000002');
    expect(fieldValue(u, 'shipstation_carrier')).toBe('USPS (Stamps.com)');
    expect(fieldValue(u, 'shipstation_service')).toBe('USPS Priority Mail');
    expect(fieldValue(u, 'shipstation_shipping_cost')).toBe('18.25');
    expect(fieldValue(u, 'shipstation_tracking_numbers')).toBe('9400100000000000000001, 9400100000000000000002');
  });

  it('keeps the tracking-number list within 255 characters, saying how many are left out', () => {
    const many = Array.from({ length: 20 }, (_, i) => shipment({ trackingNumber: `1Z${String(i).padStart(16, '0')}` }));
    const list = fieldValue(update(many), 'shipstation_tracking_numbers')!;
    expect(list.length).toBeLessThanOrEqual(255);
    expect(list).toMatch(/, \+\d+ more$/);
  });

  it('writes no notes to buyer: V1 has no field to read them from, so the field is never filled', () => {
    const u = update([shipment()]);
    expect(fieldValue(u, 'shipstation_notes_to_buyer')).toBeUndefined();
    expect(u.orderExtraFields?.map((f) => f.id).sort()).toEqual(['shipstation_carrier', 'shipstation_service', 'shipstation_shipping_cost']);
  });

  it('ignores return labels', () => {
    const out = shipment({ trackingNumber: 'OUT', createDate: '2024-09-17T10:00:00.0000000' });
    const back = shipment({ trackingNumber: 'BACK', isReturnLabel: true, createDate: '2024-09-20T10:00:00.0000000' });
    expect(update([out, back]).trackingNumber).toBe('OUT');
    expect(buildFulfillmentUpdate([back])).toEqual({ noUpdate: 'only_return_labels' });
  });

  it('omits tracking for an untracked label, and a URL for unknown carriers', () => {
    const u = update([shipment({ trackingNumber: '', carrierCode: 'my_local_courier', serviceCode: 'same_day' })]);
    expect(u.trackingNumber).toBeUndefined();
    expect(u.trackingUrl).toBeUndefined();
    expect(fieldValue(u, 'shipstation_carrier')).toBe('My Local Courier');
  });

  it('uses only the documented extra field ids', () => {
    const ids = Object.values(SHIPSTATION_EXTRA_FIELD_IDS) as string[];
    const u = update([shipment({ trackingNumber: 'A' }), shipment({ trackingNumber: 'B' })]);
    for (const f of u.orderExtraFields ?? []) expect(ids).toContain(f.id);
  });
});

describe('carrier and service names', () => {
  it.each([
    ['stamps_com', 'USPS (Stamps.com)'],
    ['usps', 'USPS'],
    ['ups', 'UPS'],
    ['ups_walleted', 'UPS'],
    ['fedex', 'FedEx'],
    ['dhl_express', 'DHL Express'],
    ['canada_post', 'Canada Post'],
    ['some_new_carrier', 'Some New Carrier'],
    ['', ''],
  ])('carrier %s → %s', (code, name) => expect(carrierName(code)).toBe(name));

  it.each([
    ['usps_priority_mail', 'USPS Priority Mail'],
    ['ups_ground', 'UPS® Ground'],
    ['fedex_2day', 'FedEx 2Day'],
    ['usps_first_class_mail', 'USPS First Class Mail'],
    ['dhl_express_worldwide', 'DHL Express Worldwide'],
    ['usps_cubic_rate', 'USPS Cubic Rate'],
    ['fedex_one_rate_freight', 'FedEx One Rate Freight'],
  ])('service %s → %s', (code, name) => expect(serviceName(code)).toBe(name));

  it('builds tracking URLs for USPS, UPS, FedEx and DHL only', () => {
    expect(trackingUrl('usps', '9400 1')).toBe('https://tools.usps.com/go/TrackConfirmAction?tLabels=9400%201');
    expect(trackingUrl('ups', '1Z')).toBe('https://www.ups.com/track?tracknum=1Z');
    expect(trackingUrl('dhl_express', '123')).toBe('https://www.dhl.com/global-en/home/tracking/tracking-express.html?tracking-id=123');
    expect(trackingUrl('royal_mail', '123')).toBeUndefined();
    expect(trackingUrl('ups', '')).toBeUndefined();
  });
});

describe('carrier and service names of unusual codes', () => {
  test('codes named like Object.prototype members are plain codes (found by the property test)', () => {
    expect(serviceName('__proto__')).toBe('Proto');
    expect(carrierName('constructor')).toBe('Constructor');
    expect(serviceName('to_string')).toBe('To String');
    expect(serviceName('ups_constructor')).toBe('UPS Constructor');
  });
});

describe('orders shipped through ShipStation', () => {
  test('SHIPPED with the write-back extra fields, and only then', () => {
    const written = { fulfillmentStatus: 'SHIPPED', orderExtraFields: [{ id: 'gift_note' }, { id: SHIPSTATION_EXTRA_FIELD_IDS.carrier }] };
    expect(shippedThroughShipStation(written)).toBe(true);
    expect(shippedThroughShipStation({ ...written, fulfillmentStatus: 'PROCESSING' })).toBe(false);
    // Marked shipped by hand in Ecwid: ShipStation may not know, so the import still looks it up.
    expect(shippedThroughShipStation({ fulfillmentStatus: 'SHIPPED', orderExtraFields: [{ id: 'gift_note' }] })).toBe(false);
    expect(shippedThroughShipStation({ fulfillmentStatus: 'SHIPPED' })).toBe(false);
  });
});
