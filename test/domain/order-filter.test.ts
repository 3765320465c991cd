import type { EcwidOrder } from '../../src/domain/ecwid';
import { decideImport, describeSkipReason, itemQuantity, type ImportSettings } from '../../src/domain/order-filter';
import { ebjft, k8xtq, order1028 } from '../fixtures/ecwid';

const settings: ImportSettings = { importPickupOrders: false, importSince: 0, statusMapping: {} };

function reasonOf(order: EcwidOrder, s: Partial<ImportSettings> = {}): string | undefined {
  const d = decideImport(order, { ...settings, ...s });
  return d.import ? undefined : d.reason;
}

describe('decideImport (spec §2)', () => {
  it('skips the digital-only K8XTQ example: no_physical_items', () => {
    expect(decideImport(k8xtq(), settings)).toEqual({ import: false, reason: 'no_physical_items' });
  });

  it('imports order 1028 as awaiting_shipment', () => {
    const d = decideImport(order1028(), settings);
    expect(d).toMatchObject({ import: true, status: 'awaiting_shipment' });
    expect(d.import && d.physicalItems.map((i) => i.name)).toEqual(['Mug']);
  });

  it('keeps only the physical items of a mixed order', () => {
    const d = decideImport(ebjft(), settings);
    expect(d.import && d.physicalItems.map((i) => i.sku)).toEqual(['TSHIRT-BLK-M']);
  });

  it('requires isShippingRequired: true exactly, and at least one unit', () => {
    const o = ebjft();
    o.items![0].isShippingRequired = undefined;
    expect(reasonOf(o)).toBe('no_physical_items');
    const zero = ebjft();
    zero.items![0].quantity = 0;
    expect(reasonOf(zero)).toBe('no_physical_items');
    const none = ebjft();
    delete none.items;
    expect(reasonOf(none)).toBe('no_physical_items');
  });

  it.each([
    ['no shippingPerson', (o: EcwidOrder) => delete o.shippingPerson],
    ['empty street', (o: EcwidOrder) => (o.shippingPerson!.street = '  ')],
    ['no city', (o: EcwidOrder) => delete o.shippingPerson!.city],
    ['no country', (o: EcwidOrder) => (o.shippingPerson!.countryCode = '')],
  ])('needs a shipping address: %s', (_name, change) => {
    const o = ebjft();
    change(o);
    expect(reasonOf(o)).toBe('no_shipping_address');
  });

  it('skips pickup orders unless importPickupOrders is on', () => {
    const byFlag = ebjft();
    byFlag.shippingOption = { shippingMethodName: 'Pickup at the shop', isPickup: true };
    const byType = ebjft();
    byType.shippingOption = { fulfillmentType: 'PICKUP' };
    const bySingleL = ebjft();
    bySingleL.shippingOption = { fulfilmentType: 'pickup' };
    for (const o of [byFlag, byType, bySingleL]) {
      expect(reasonOf(o)).toBe('pickup');
      expect(decideImport(o, { ...settings, importPickupOrders: true })).toMatchObject({ import: true });
    }
  });

  it('reports pickup before a missing address (pickup orders often have none)', () => {
    const o = ebjft();
    o.shippingOption = { isPickup: true };
    delete o.shippingPerson;
    expect(reasonOf(o)).toBe('pickup');
    expect(reasonOf(o, { importPickupOrders: true })).toBe('no_shipping_address');
  });

  it('imports orders created on or after importSince, from createTimestamp or createDate', () => {
    const o = ebjft(); // createTimestamp 1720112700
    expect(reasonOf(o, { importSince: 1720112700 })).toBeUndefined();
    expect(reasonOf(o, { importSince: 1720112701 })).toBe('before_import_since');
    const old = order1028(); // createDate only: 2019-01-15 18:30:00 +0000 = 1547577000
    expect(reasonOf(old, { importSince: 1547577000 })).toBeUndefined();
    expect(reasonOf(old, { importSince: 1547577001 })).toBe('before_import_since');
  });

  it('rejects orders without an id or a creation date', () => {
    const noId = ebjft();
    delete noId.id;
    delete noId.orderNumber;
    expect(reasonOf(noId)).toBe('invalid:id');
    const noDate = ebjft();
    delete noDate.createTimestamp;
    noDate.createDate = 'yesterday';
    expect(reasonOf(noDate)).toBe('invalid:createDate');
  });

  it('maps statuses, custom ones through the connection mapping', () => {
    const incomplete = ebjft();
    incomplete.paymentStatus = 'INCOMPLETE';
    expect(reasonOf(incomplete)).toBe('unmapped_status:INCOMPLETE');
    const custom = ebjft();
    custom.fulfillmentStatus = 'CUSTOM_FULFILLMENT_STATUS_1';
    expect(reasonOf(custom)).toBe('unmapped_status:CUSTOM_FULFILLMENT_STATUS_1');
    expect(decideImport(custom, { ...settings, statusMapping: { CUSTOM_FULFILLMENT_STATUS_1: 'on_hold' } })).toMatchObject({
      import: true,
      status: 'on_hold',
    });
  });

  it('reads quantities robustly', () => {
    expect(itemQuantity({ quantity: 3 })).toBe(3);
    expect(itemQuantity({})).toBe(1);
    expect(itemQuantity({ quantity: 'two' as never })).toBe(1);
    expect(itemQuantity({ quantity: '2' as never })).toBe(2);
    expect(itemQuantity({ quantity: 0.4 })).toBe(1);
    expect(itemQuantity({ quantity: -1 })).toBe(0);
    expect(itemQuantity({ quantity: Number.NaN })).toBe(1);
  });

  it('never throws on garbage', () => {
    expect(decideImport(null as never, settings)).toEqual({ import: false, reason: 'invalid:id' });
    expect(decideImport({ id: 'X', createTimestamp: 1, items: [null, 5, 'x'] } as never, settings)).toEqual({
      import: false,
      reason: 'no_physical_items',
    });
  });
});

describe('describeSkipReason', () => {
  it.each([
    ['no_physical_items', "all items are digital or don't need shipping"],
    ['no_shipping_address', 'no shipping address'],
    ['pickup', 'local pickup order (pickup import is off)'],
    ['before_import_since', 'placed before the import start date'],
    ['unmapped_status:INCOMPLETE', 'unfinished checkout (incomplete orders are not imported)'],
    ['unmapped_status:CUSTOM_FULFILLMENT_STATUS_1', "custom status 'Backorder' has no ShipStation mapping"],
    ['unmapped_status:CUSTOM_PAYMENT_STATUS_2', 'custom payment status 2 has no ShipStation mapping'],
    ['unmapped_status:NEW', "status 'NEW' has no ShipStation mapping"],
    ['invalid:id', 'the order has no order number'],
    ['invalid:paymentStatus', 'unusable order data (paymentStatus)'],
    ['closed_before_import:shipped', 'already shipped before it was imported: nothing to ship'],
    ['closed_in_shipstation', 'already shipped or cancelled in ShipStation, so it is not overwritten'],
    ['something_new', 'something_new'],
  ])('%s', (reason, sentence) => {
    expect(describeSkipReason(reason, { CUSTOM_FULFILLMENT_STATUS_1: 'Backorder' })).toBe(sentence);
  });
});

describe('decideImport: orders fulfilled elsewhere or hidden (docs/order-mapping.md §2)', () => {
  it('skips an order another service fulfils (externalFulfillment: true): ShipStation would ship it twice', () => {
    const o = order1028();
    expect(reasonOf({ ...o, externalFulfillment: true })).toBe('external_fulfillment');
    expect(reasonOf({ ...o, externalFulfillment: false })).toBeUndefined();
    expect(describeSkipReason('external_fulfillment')).toMatch(/another service/);
  });

  it('skips an order the merchant hid in Ecwid, but lets an unfinished checkout say what it is', () => {
    expect(reasonOf({ ...order1028(), hidden: true })).toBe('hidden');
    expect(reasonOf({ ...order1028(), hidden: false })).toBeUndefined();
    expect(reasonOf({ ...order1028(), hidden: true, paymentStatus: 'INCOMPLETE' })).toBe('unmapped_status:INCOMPLETE');
    expect(describeSkipReason('hidden')).toMatch(/hidden in Ecwid/);
  });

  it('reports a hidden order before its fulfilment, and both before the items (the merchant\'s own choices first)', () => {
    expect(reasonOf({ ...k8xtq(), hidden: true, externalFulfillment: true })).toBe('hidden');
    expect(reasonOf({ ...k8xtq(), externalFulfillment: true })).toBe('external_fulfillment');
    // Still after the import start date: an old order is old whatever else it is.
    expect(reasonOf({ ...order1028(), hidden: true }, { importSince: 4_000_000_000 })).toBe('before_import_since');
  });
});
