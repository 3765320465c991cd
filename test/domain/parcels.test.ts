import { isFulfillment, onePerParcel, parcelTracking, sameParcelRepeats } from '../../src/domain/parcels';
import type { CompactShipment } from '../../src/domain/shipment-notice';

const base = (shipmentId: number, trackingNumber: string, items: CompactShipment['items'], extra: Partial<CompactShipment> = {}): CompactShipment => ({
  shipmentId,
  createDate: '2026-04-01T09:00:00.0000000',
  shipDate: '2026-04-01',
  trackingNumber,
  carrierCode: 'ups',
  serviceCode: 'ups_ground',
  shipmentCost: 5,
  insuranceCost: 0,
  voided: false,
  voidDate: null,
  isReturnLabel: false,
  items,
  ...extra,
});
const mugs = [{ lineItemKey: '11', sku: 'MUG', quantity: 2 }];
const tee = [{ lineItemKey: '12', sku: 'TEE', quantity: 1 }];
const label = (id: number, tracking: string, items = mugs, extra: Partial<CompactShipment> = {}) => base(id, tracking, items, extra);
const marked = (fid: number, tracking: string, items = mugs, extra: Partial<CompactShipment> = {}) =>
  base(-fid, tracking, items, { fulfillmentId: fid, shipmentCost: 0, serviceCode: '', ...extra });

describe('one parcel, two reports (label and "Mark as Shipped")', () => {
  test('tracking numbers compare without spaces or case; fulfillments are told by ID', () => {
    expect(parcelTracking(' 1z 999aa1 ')).toBe('1Z999AA1');
    expect(parcelTracking(null)).toBe('');
    expect(isFulfillment(marked(3, 'X'))).toBe(true);
    expect(isFulfillment(label(3, 'X'))).toBe(false);
  });

  test('a fulfillment with a written label\'s tracking number and the same items is a repeat, and the reverse', () => {
    expect(sameParcelRepeats([label(100, '1ZX')], [marked(7, '1zx ')]).map((r) => r.shipmentId)).toEqual([-7]);
    expect(sameParcelRepeats([marked(7, '1ZX')], [label(100, '1ZX')]).map((r) => r.shipmentId)).toEqual([100]);
  });

  test('no tracking number, another tracking number, a voided known label or the same kind: not a repeat', () => {
    expect(sameParcelRepeats([label(100, '')], [marked(7, '')])).toEqual([]);
    expect(sameParcelRepeats([label(100, '1ZX')], [marked(7, '1ZY')])).toEqual([]);
    expect(sameParcelRepeats([label(100, '1ZX', mugs, { voided: true, voidDate: '2026-04-02' })], [marked(7, '1ZX')])).toEqual([]);
    expect(sameParcelRepeats([label(100, '1ZX')], [label(101, '1ZX')])).toEqual([]);
    // A report known by its own ID is the caller's business (its write-back's applied IDs).
    expect(sameParcelRepeats([label(100, '1ZX'), marked(7, '1ZX')], [marked(7, '1ZX')])).toEqual([]);
  });

  test('a report that carries items the known parcel does not (a split order\'s other part in the same box) is news', () => {
    expect(sameParcelRepeats([label(100, '1ZX', mugs)], [marked(7, '1ZX', tee)])).toEqual([]);
    expect(sameParcelRepeats([label(100, '1ZX', [{ lineItemKey: '11', sku: 'MUG', quantity: 1 }])], [marked(7, '1ZX', mugs)])).toEqual([]);
    // A label read without items covers the whole order.
    expect(sameParcelRepeats([label(100, '1ZX', [])], [marked(7, '1ZX', tee)]).map((r) => r.shipmentId)).toEqual([-7]);
  });

  test('for the update, a repeating fulfillment gives way to the label; other reports stay', () => {
    const kept = onePerParcel([label(100, '1ZX'), marked(7, '1ZX'), marked(8, '1ZY', tee), label(101, '1ZZ', tee)]);
    expect(kept.map((r) => r.shipmentId)).toEqual([100, -8, 101]);
    expect(onePerParcel([label(100, '1ZX'), label(101, '1ZX')])).toHaveLength(2);
  });
});
