import { describeSkipReason } from '../../src/domain/order-filter';
import { FIELD_GROUPS, decodeRecord, describeMerge, encodeRecord, groupHash, isMergeNote, mergeOrder, unchangedSinceSent, type SentRecord } from '../../src/domain/order-merge';
import type { ShipStationOrder } from '../../src/domain/shipstation';

const address = (street1: string) => ({ name: 'Ann Lee', company: null, street1, street2: null, street3: null, city: 'Austin', state: 'TX', postalCode: '73301', country: 'US', phone: '555' });

function mapped(over: Partial<ShipStationOrder> = {}): ShipStationOrder {
  return {
    orderKey: 'ecwid-1-A1',
    orderNumber: 'A1',
    orderDate: '2026-12-01T10:00:00.0000000',
    orderStatus: 'awaiting_shipment',
    customerEmail: 'ann@example.com',
    customerUsername: 'ann@example.com',
    shipTo: address('1 Main St'),
    billTo: address('1 Main St'),
    items: [{ lineItemKey: '11', sku: 'MUG', name: 'Mug', quantity: 2, unitPrice: 10, weight: { value: 400, units: 'grams' } }],
    amountPaid: 20,
    taxAmount: 0,
    shippingAmount: 5,
    internalNotes: null,
    requestedShippingService: 'Standard',
    weight: { value: 800, units: 'grams' },
    advancedOptions: { customField1: null, source: 'Ecwid' },
    ...over,
  };
}

/** What ShipStation returns for an order it stored: read-only fields, nulls for what was not sent. */
function asReturned(o: ShipStationOrder, over: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    ...o,
    orderId: 470000001,
    createDate: '2026-12-01T10:00:01.0000000',
    modifyDate: '2026-12-01T10:00:01.0000000',
    orderTotal: 25,
    customerId: 5,
    carrierCode: null,
    holdUntilDate: null,
    dimensions: null,
    internationalOptions: { contents: null, customsItems: null, nonDelivery: null },
    weight: { ...o.weight, WeightUnits: 2 },
    shipTo: { ...o.shipTo, residential: null, addressVerified: 'Address not yet validated' },
    billTo: { ...o.billTo, residential: null, addressVerified: 'Address not yet validated' },
    items: o.items.map((it, i) => ({ ...it, orderItemId: 900 + i, imageUrl: null, options: [], createDate: 'x', modifyDate: 'x', weight: { ...it.weight, WeightUnits: 2 } })),
    advancedOptions: { warehouseId: 1, storeId: 77, customField1: null, customField2: null, customField3: null, source: 'Ecwid', mergedIds: [], parentId: null, mergedOrSplit: false },
    ...over,
  };
}

describe('order merge: Ecwid changes go in, ShipStation edits stay', () => {
  test('a returned order hashes like what was sent (no group looks changed)', () => {
    const m = mapped();
    const back = asReturned(m);
    for (const g of FIELD_GROUPS) expect([g, groupHash(back, g)]).toEqual([g, groupHash(m, g)]);
  });

  test("a packer's hold, weight, dimensions and customField1 survive an Ecwid address change; the new address arrives", () => {
    const first = mergeOrder(mapped(), undefined, undefined, 1000);
    const packed = asReturned(first.order, {
      orderStatus: 'on_hold',
      holdUntilDate: '2026-12-20',
      weight: { value: 950, units: 'grams', WeightUnits: 2 },
      dimensions: { length: 30, width: 20, height: 10, units: 'centimeters' },
      advancedOptions: { warehouseId: 1, storeId: 77, customField1: 'fragile', customField2: 'bin 4', customField3: null, source: 'Ecwid' },
    });
    const changed = mapped({ shipTo: address('9 New Rd') });
    const r = mergeOrder(changed, packed, decodeRecord(encodeRecord(first.record)), 2000);
    expect(r.order.orderStatus).toBe('on_hold');
    expect(r.order.weight).toMatchObject({ value: 950, units: 'grams' });
    expect(r.order.dimensions).toEqual({ length: 30, width: 20, height: 10, units: 'centimeters' });
    expect(r.order.advancedOptions).toMatchObject({ customField1: 'fragile', customField2: 'bin 4', source: 'Ecwid' });
    expect((r.order as unknown as Record<string, unknown>).holdUntilDate).toBe('2026-12-20');
    expect(r.order.shipTo.street1).toBe('9 New Rd');
    expect([...r.kept].sort()).toEqual(['customField1', 'dimensions', 'status', 'weight']);
    expect(r.conflicts).toEqual([]);
    // Read-only fields are not sent back.
    for (const f of ['orderId', 'createDate', 'modifyDate', 'orderTotal', 'customerId']) expect(r.order).not.toHaveProperty(f);
    expect(r.order.advancedOptions).not.toHaveProperty('storeId');
    expect(r.order.items[0]).not.toHaveProperty('orderItemId');
    expect(describeMerge(r)).toBe('kept_shipstation:status,weight,dimensions,customField1');
  });

  test('a kept value stays kept on the next Ecwid change of another group', () => {
    const first = mergeOrder(mapped(), undefined, undefined, 1000);
    const packed = asReturned(first.order, { weight: { value: 950, units: 'grams' } });
    const second = mergeOrder(mapped({ internalNotes: 'call first' }), packed, first.record, 2000);
    expect(second.order.weight).toMatchObject({ value: 950 });
    const again = asReturned(second.order, { weight: { value: 950, units: 'grams' } });
    const third = mergeOrder(mapped({ internalNotes: 'call twice' }), again, decodeRecord(encodeRecord(second.record)), 3000);
    expect(third.order.weight).toMatchObject({ value: 950 });
    expect(third.order.internalNotes).toBe('call twice');
  });

  test('both sides changed a group: Ecwid wins and the conflict is reported', () => {
    const first = mergeOrder(mapped(), undefined, undefined, 1000);
    const fixed = asReturned(first.order, { shipTo: address('1 Main Street, Apt 2') });
    const r = mergeOrder(mapped({ shipTo: address('9 New Rd') }), fixed, first.record, 2000);
    expect(r.order.shipTo.street1).toBe('9 New Rd');
    expect(r.conflicts).toEqual([{ group: 'shipTo', winner: 'ecwid' }]);
    expect(describeMerge(r)).toBe('conflict:shipTo=ecwid');
  });

  test("a packer's hold stays against an Ecwid status change, but not against a cancellation", () => {
    const first = mergeOrder(mapped({ orderStatus: 'awaiting_payment' }), undefined, undefined, 1000);
    const held = asReturned(first.order, { orderStatus: 'on_hold' });
    const paid = mergeOrder(mapped({ orderStatus: 'awaiting_shipment' }), held, first.record, 2000);
    expect(paid.order.orderStatus).toBe('on_hold');
    expect(paid.conflicts).toEqual([{ group: 'status', winner: 'shipstation' }]);
    const cancelled = mergeOrder(mapped({ orderStatus: 'cancelled' }), held, first.record, 2000);
    expect(cancelled.order.orderStatus).toBe('cancelled');
  });

  test('without a record, equal groups are not conflicts; differing ones follow the conflict rule', () => {
    const current = asReturned(mapped(), { weight: { value: 999, units: 'grams' } });
    const r = mergeOrder(mapped(), current, undefined, 2000);
    expect(r.conflicts).toEqual([{ group: 'weight', winner: 'ecwid' }]);
    expect(r.order.weight).toEqual({ value: 800, units: 'grams' });
  });

  test('a new order is sent as mapped', () => {
    const m = mapped();
    const r = mergeOrder(m, undefined, undefined, 5);
    expect(r.order).toBe(m);
    expect(r.kept).toEqual([]);
  });

  test('records round-trip compactly', () => {
    const r = mergeOrder(mapped(), undefined, undefined, 1_765_000_000).record;
    const text = encodeRecord(r);
    expect(text.length).toBeLessThan(90);
    expect(decodeRecord(text)).toEqual(r);
    const d: SentRecord = { kind: 'deleted', ecwidUpdate: 1_765_000_123 };
    expect(decodeRecord(encodeRecord(d))).toEqual(d);
    expect(decodeRecord('garbage')).toBeUndefined();
  });
});

test("Ecwid changing a group that holds a packer's kept value is a conflict, decided by the rule", () => {
  const first = mergeOrder(mapped(), undefined, undefined, 1000);
  const packed = asReturned(first.order, { weight: { value: 950, units: 'grams' } });
  const second = mergeOrder(mapped({ internalNotes: 'x' }), packed, first.record, 2000);
  expect(second.kept).toEqual(['weight']);
  const third = mergeOrder(mapped({ weight: { value: 1200, units: 'grams' } }), asReturned(second.order, { weight: { value: 950, units: 'grams' } }), second.record, 3000);
  expect(third.conflicts).toEqual([{ group: 'weight', winner: 'ecwid' }]);
  expect(third.order.weight).toEqual({ value: 1200, units: 'grams' });
});

test('merge notes and the deletion reason read as sentences for operators', () => {
  expect(describeSkipReason('kept_shipstation:status,weight;conflict:shipTo=ecwid')).toBe(
    "ShipStation's own edits were kept at the last update (status, weight); changed on both sides since the previous update (shipTo: Ecwid's value sent)",
  );
  expect(describeSkipReason('conflict:status=shipstation')).toMatch(/status: ShipStation's value kept/);
  expect(describeSkipReason('deleted_in_shipstation')).toMatch(/not created again unless it changes in Ecwid/);
  expect(isMergeNote('closed_in_shipstation')).toBe(false);
});

test('an order Ecwid did not change since it was sent is not sent again; any changed group, or no record, sends it', () => {
  const first = mergeOrder(mapped(), undefined, undefined, 1_800_000_000);
  expect(unchangedSinceSent(mapped(), first.record)).toBe(true);
  expect(unchangedSinceSent(mapped({ shipTo: address('2 Oak Ave') }), first.record)).toBe(false);
  expect(unchangedSinceSent(mapped({ orderStatus: 'cancelled' }), first.record)).toBe(false);
  expect(unchangedSinceSent(mapped(), undefined)).toBe(false);
  expect(unchangedSinceSent(mapped(), { kind: 'deleted', ecwidUpdate: 1 })).toBe(false);
  // A record from before a group existed (its hash missing) sends the order.
  const partial: SentRecord = { kind: 'sent', sentAt: 1, groups: { ...(first.record as Extract<SentRecord, { kind: 'sent' }>).groups, weight: undefined } };
  expect(unchangedSinceSent(mapped(), partial)).toBe(false);
});
