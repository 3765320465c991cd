/**
 * Contract tests: every real Ecwid sample order (test/fixtures/samples, as published) goes through the filter and
 * the mapping, with its expected outcome written out. Values of the samples are read from the samples themselves,
 * so none of their personal-looking data is copied into the tests.
 */
import { storeCountryOf } from '../../src/domain/customs';
import type { EcwidOrder, EcwidOrderPage, EcwidProfile } from '../../src/domain/ecwid';
import { detectGift } from '../../src/domain/gift';
import { decideImport, type ImportSettings } from '../../src/domain/order-filter';
import { mapOrder, type MappingContext } from '../../src/domain/order-mapping';
import { SAMPLES, sampleJson } from '../fixtures/samples';

const settings: ImportSettings = { importPickupOrders: false, importSince: 0, statusMapping: {} };

/** The mapping context the import activity builds from a profile (customs on, no product facts). */
function contextFrom(profile: EcwidProfile, storeId: number): MappingContext {
  return {
    storeId,
    weightUnit: profile.formatsAndUnits?.weightUnit ?? 'KILOGRAM',
    dimensionsUnit: profile.formatsAndUnits?.dimensionsUnit,
    stockLocations: {},
    customs: {
      storeCountry: storeCountryOf(profile),
      currency: profile.formatsAndUnits?.currency,
      currencyRate: profile.formatsAndUnits?.currencyRate,
      products: {},
    },
  };
}

const profile = sampleJson<EcwidProfile>(SAMPLES.ecwid.profile);
const legacyProfile = sampleJson<EcwidProfile>(SAMPLES.ecwid.profileLegacy);

describe('store profile samples', () => {
  test('the current docs profile ships from its shipping origin (NL), not its company address (GE)', () => {
    expect(profile.company?.countryCode).toBe('GE');
    expect(storeCountryOf(profile)).toBe('NL');
    expect(profile.formatsAndUnits).toMatchObject({ weightUnit: 'KILOGRAM', dimensionsUnit: 'CM', currency: 'EUR', currencyRate: 1.060951674 });
  });

  test('the 2019 profile: a US store in dollars, kilograms and centimetres', () => {
    expect(storeCountryOf(legacyProfile)).toBe('US');
    expect(legacyProfile.formatsAndUnits).toMatchObject({ weightUnit: 'KILOGRAM', dimensionsUnit: 'CM', currency: 'USD' });
  });
});

describe('K8XTQ (GET /orders/{id} docs example)', () => {
  const order = sampleJson<EcwidOrder>(SAMPLES.ecwid.orderK8xtq);

  test('has the current ID fields: string id, numeric internalId, orderNumber = internalId, vendorOrderNumber = id', () => {
    expect(order).toMatchObject({ id: 'K8XTQ', internalId: 516483487, orderNumber: 516483487, vendorOrderNumber: 'K8XTQ', publicUid: 'K8XTQ' });
    expect(order.extraFields).toEqual({});
    expect(order.orderExtraFields).toBeUndefined();
    expect(order.predictedPackage).toEqual([]);
  });

  test('is skipped: its only item is digital', () => {
    expect(decideImport(order, settings)).toEqual({ import: false, reason: 'no_physical_items' });
  });
});

describe('EBJFT (GET /orders docs example)', () => {
  const page = sampleJson<EcwidOrderPage>(SAMPLES.ecwid.searchEbjft);
  const [order] = page.items;

  test('is a SearchResult with one order', () => {
    expect(page).toMatchObject({ total: 23, count: 1, offset: 0, limit: 1 });
    expect(order.id).toBe('EBJFT');
  });

  test('is skipped: a physical item but no shipping address', () => {
    expect(decideImport(order, settings)).toEqual({ import: false, reason: 'no_shipping_address' });
  });

  test('with an address it would be imported as shipped, with the coupon line and a weightless item', () => {
    const withAddress: EcwidOrder = { ...order, shippingPerson: { name: 'A', street: '1 Road', city: 'Town', countryCode: 'NL' } };
    const d = decideImport(withAddress, settings);
    expect(d).toMatchObject({ import: true, status: 'shipped' });
    if (!d.import) return;
    const { order: ss } = mapOrder(withAddress, d.status, d.physicalItems, contextFrom(profile, 15695068));
    expect(ss.items.map((i) => [i.name, i.quantity, i.unitPrice, i.weight ?? null, i.adjustment])).toEqual([
      ['Pizza', 1, 500, { value: 0, units: 'grams' }, false],
      ['Coupon: Test Coupon (DISC)', 1, -10, null, true],
    ]);
    expect(ss.advancedOptions?.customField1).toBe('DISC');
    expect(ss.customerEmail).toBeNull(); // "" in the sample
    expect(ss.shippingAmount).toBe(110);
    // predictedPackage is [] and the item has no dimensions: no package size is sent.
    expect(ss.dimensions).toBeUndefined();
    // Shipped from NL to NL: domestic, no customs.
    expect(ss.internationalOptions).toBeUndefined();
  });
});

describe('order 1028 (2019 docs: GET order details, and the same order in Search orders)', () => {
  const published = sampleJson<EcwidOrder>(SAMPLES.ecwid.order1028);
  const fromSearch = sampleJson<EcwidOrderPage>(SAMPLES.ecwid.search1028).items[0];
  const ctx = contextFrom(legacyProfile, 1003);

  test('as GET order details publishes it (externalFulfillment: true) another service fulfils it: not imported', () => {
    expect(published.externalFulfillment).toBe(true);
    expect(decideImport(published, settings)).toEqual({ import: false, reason: 'external_fulfillment' });
  });

  // The rest maps the order as Search orders publishes it, fulfilled by the merchant (the only difference).
  const order: EcwidOrder = { ...published, externalFulfillment: false };
  test('Search orders publishes the same order fulfilled by the merchant', () => {
    expect(fromSearch.externalFulfillment).toBe(false);
  });

  test('has no public id: it is keyed by orderNumber and shown by vendorOrderNumber', () => {
    expect(order.id).toBeUndefined();
    expect(order.orderNumber).toBe(1028);
  });

  test('passes the filter as shipped (PARTIALLY_REFUNDED + DELIVERED), with both items', () => {
    const d = decideImport(order, settings);
    expect(d).toMatchObject({ import: true, status: 'shipped' });
    if (d.import) expect(d.physicalItems.map((i) => i.name)).toEqual(['iMac', 'Mug']);
    // The import activity then creates nothing unless ShipStation already has the order open
    // (`closed_before_import:shipped`): a new order that is already delivered has nothing to ship.
  });

  const d = decideImport(order, settings);
  const mapped = d.import ? mapOrder(order, d.status, d.physicalItems, ctx) : undefined;
  const ss = mapped!.order;

  test('maps identity, dates (Pacific, PDT in May), status and money', () => {
    expect(mapped!.truncated).toEqual([]);
    expect(ss).toMatchObject({
      orderKey: 'ecwid-1003-1028',
      orderNumber: 'lala1028001',
      orderStatus: 'shipped',
      orderDate: '2018-05-31T08:08:36.0000000',
      paymentDate: '2018-05-31T08:09:35.0000000',
      amountPaid: 2011.47, // total 2014.97 − refundedAmount 3.5
      taxAmount: 488.48,
      shippingAmount: 475.85, // shippingRate 471.85 + handling fee 4
      customerNotes: order.orderComments,
      internalNotes: order.privateAdminNotes,
      paymentMethod: order.paymentMethod,
      requestedShippingService: 'USPS Priority Mail',
      gift: false,
      giftMessage: null,
      advancedOptions: { customField1: 'APITESTING', source: 'Ecwid' },
    });
    expect(ss.customerEmail).toBe(order.email);
  });

  test('maps both addresses from the sample, an empty phone as null', () => {
    expect(ss.shipTo).toMatchObject({
      name: order.shippingPerson?.name,
      street1: order.shippingPerson?.street,
      city: order.shippingPerson?.city,
      state: 'PA',
      country: 'US',
      phone: null,
      company: null,
    });
    expect(ss.billTo.name).toBe(order.billingPerson?.name);
  });

  test('items: weights in grams (a 0 weight stays 0), CHOICE options, and one line per discount', () => {
    expect(ss.items.map((i) => ({ key: i.lineItemKey, sku: i.sku, name: i.name, q: i.quantity, price: i.unitPrice, tax: i.taxAmount, w: i.weight ?? null, adj: i.adjustment }))).toEqual([
      { key: '140273658', sku: 'ABCA-IAC', name: 'iMac', q: 1, price: 1060, tax: 331.01, w: { value: 0, units: 'grams' }, adj: false },
      { key: '140273659', sku: '001001', name: 'Mug', q: 1, price: 16.64, tax: 157.47, w: { value: 400, units: 'grams' }, adj: false },
      { key: 'ecwid-coupon', sku: null, name: 'Coupon: API Testing (APITESTING)', q: 1, price: -22, tax: 0, w: null, adj: true },
      { key: 'ecwid-discount', sku: null, name: 'Discount: 4 off on the order total', q: 1, price: -4, tax: 0, w: null, adj: true },
    ]);
    expect(ss.items[0].options).toEqual([{ name: 'Price-Optimizer', value: '6' }]);
    expect(ss.items[1].options).toEqual([
      { name: 'Color', value: 'White' },
      { name: 'Size', value: '11oz' },
      { name: 'Price-Optimizer', value: '4' },
    ]);
    expect(ss.items[0].imageUrl).toBe(order.items?.[0].imageUrl);
  });

  test('order weight is the sum of the items; zero dimensions send no dimensions; US → US sends no customs', () => {
    expect(ss.weight).toEqual({ value: 400, units: 'grams' });
    expect(order.predictedPackage).toEqual([{ length: 0, width: 0, height: 0, weight: 0.4, declaredValue: 1076.64 }]);
    expect(ss).not.toHaveProperty('dimensions');
    expect(ss).not.toHaveProperty('internationalOptions');
  });

  test('the same order in the Search orders example maps the same', () => {
    const ds = decideImport(fromSearch, settings);
    expect(ds.import && mapOrder(fromSearch, ds.status, ds.physicalItems, ctx).order).toEqual(ss);
  });

  test('shipped by the current docs store (NL, EUR) it is international: customs per physical line, in dollars', () => {
    const intl = mapOrder(order, 'shipped', d.import ? d.physicalItems : [], contextFrom(profile, 1003)).order;
    // The order's own rate is usdTotal / total = 1 (it was a dollar store), so the values are its prices.
    expect(intl.internationalOptions).toEqual({
      contents: 'merchandise',
      nonDelivery: 'return_to_sender',
      customsItems: [
        { description: 'iMac', quantity: 1, value: 1060, harmonizedTariffCode: null, countryOfOrigin: null },
        { description: 'Mug', quantity: 1, value: 16.64, harmonizedTariffCode: null, countryOfOrigin: null },
      ],
    });
  });
});

describe('checkout extra fields: the extraFields map and the orderExtraFields array', () => {
  test('the /extraFields sample has the array shape; a tip is not a gift', () => {
    const fields = sampleJson<EcwidOrder['orderExtraFields']>(SAMPLES.ecwid.extraFields);
    expect(fields?.[0]).toMatchObject({ id: 'tips', customerInputType: 'TOGGLE_BUTTON_GROUP' });
    expect(detectGift(fields)).toEqual({ gift: false, giftMessage: null });
  });

  test('a gift answer only in the extraFields map (current responses) makes a gift order', () => {
    const order = sampleJson<EcwidOrder>(SAMPLES.ecwid.order1028);
    delete order.orderExtraFields;
    order.extraFields = { is_gift: 'Yes', gift_message: 'Happy birthday' };
    const ss = mapOrder(order, 'awaiting_shipment', order.items ?? [], contextFrom(legacyProfile, 1003)).order;
    expect(ss).toMatchObject({ gift: true, giftMessage: 'Happy birthday' });
  });

  test('the array wins over the map for the same field id', () => {
    const order = sampleJson<EcwidOrder>(SAMPLES.ecwid.order1028);
    order.orderExtraFields = [{ id: 'is_gift', title: 'Is this a gift?', value: 'No' }];
    order.extraFields = { is_gift: 'Yes' };
    expect(mapOrder(order, 'awaiting_shipment', order.items ?? [], contextFrom(legacyProfile, 1003)).order.gift).toBe(false);
  });
});
