import {
  countryCode,
  internationalOptionsFor,
  isInternational,
  pickCustomsInfo,
  storeCountryOf,
  usdRate,
  type CustomsContext,
} from '../../src/domain/customs';
import type { EcwidOrder, EcwidProduct } from '../../src/domain/ecwid';
import { mapOrder, type MappingContext } from '../../src/domain/order-mapping';
import { Truncations } from '../../src/domain/text';

const product = (attributes: { name: string; value: string }[], extra: Partial<EcwidProduct> = {}): EcwidProduct => ({ id: 1, attributes, ...extra });

describe('pickCustomsInfo: HS code and country of origin from product attributes', () => {
  test('by default, attributes whose names mention HS/tariff and origin', () => {
    expect(pickCustomsInfo(product([{ name: 'Brand', value: 'X' }, { name: 'HS code', value: '6912.00' }, { name: 'Country of origin', value: 'pt' }]))).toEqual({
      harmonizedTariffCode: '6912.00',
      countryOfOrigin: 'PT',
    });
    expect(pickCustomsInfo(product([{ name: 'Tariff number', value: '691200' }, { name: 'origin', value: 'CN' }]))).toEqual({
      harmonizedTariffCode: '691200',
      countryOfOrigin: 'CN',
    });
    expect(pickCustomsInfo(product([{ name: 'hs_code', value: '4419.90' }])).harmonizedTariffCode).toBe('4419.90');
  });

  test('whole words only: "Shipping class", "Original design" or "Tariffs apply?" prose are not taken', () => {
    expect(pickCustomsInfo(product([{ name: 'Shipping class', value: 'A' }, { name: 'Original design', value: 'yes' }]))).toEqual({});
    // A long value is prose, not a code.
    expect(pickCustomsInfo(product([{ name: 'Tariff', value: 'Please contact us about import duties for your country' }]))).toEqual({});
  });

  test('an origin that is not a two-letter code is left out rather than sent wrong', () => {
    expect(pickCustomsInfo(product([{ name: 'Country of origin', value: 'Portugal' }]))).toEqual({});
  });

  test('the connection settings name the attributes, and then only those are used', () => {
    const p = product([{ name: 'HS code', value: '1111' }, { name: 'Zolltarif', value: '6912.00' }, { name: 'Origin', value: 'CN' }, { name: 'Herkunft', value: 'DE' }]);
    expect(pickCustomsInfo(p, { customsTariffCodeAttribute: 'zolltarif', customsCountryOfOriginAttribute: 'Herkunft' })).toEqual({
      harmonizedTariffCode: '6912.00',
      countryOfOrigin: 'DE',
    });
    expect(pickCustomsInfo(p, { customsTariffCodeAttribute: 'Missing', customsCountryOfOriginAttribute: 'Missing' })).toEqual({});
  });

  test("Ecwid's own customsHsTariffCode field when no attribute gives a code", () => {
    expect(pickCustomsInfo(product([], { customsHsTariffCode: ' 6912.00.48 ' }))).toEqual({ harmonizedTariffCode: '6912.00.48' });
    expect(pickCustomsInfo(product([{ name: 'HS code', value: '1234' }], { customsHsTariffCode: '9999' }))).toEqual({ harmonizedTariffCode: '1234' });
  });

  test('no product (deleted) gives nothing', () => {
    expect(pickCustomsInfo(undefined)).toEqual({});
  });
});

describe('store country, international orders and the dollar rate', () => {
  test('the shipping origin wins over the company address; codes are normalised', () => {
    expect(storeCountryOf({ company: { countryCode: 'GE' }, shipping: { shippingOrigin: { countryCode: 'nl' } } })).toBe('NL');
    expect(storeCountryOf({ company: { countryCode: 'US' } })).toBe('US');
    expect(storeCountryOf({})).toBeUndefined();
    expect(countryCode('USA')).toBeUndefined();
  });

  test('international when both countries are known and differ', () => {
    const to = (countryCode: string): EcwidOrder => ({ shippingPerson: { countryCode } });
    expect(isInternational(to('ca'), 'US')).toBe(true);
    expect(isInternational(to('US'), 'US')).toBe(false);
    expect(isInternational(to('CA'), undefined)).toBe(false);
    expect(isInternational({}, 'US')).toBe(false);
  });

  test("1 in a dollar store; else the order's own rate; else the profile's; else unknown", () => {
    expect(usdRate({ total: 10, usdTotal: 11 }, { currency: 'USD' })).toBe(1);
    expect(usdRate({ total: 10, usdTotal: 11.067309160854485 }, { currency: 'EUR', currencyRate: 1.06 })).toBeCloseTo(1.1067309, 6);
    expect(usdRate({ total: 0, usdTotal: 0 }, { currency: 'EUR', currencyRate: 1.06 })).toBe(1.06);
    expect(usdRate({}, { currency: 'EUR' })).toBeUndefined();
  });
});

describe('internationalOptionsFor', () => {
  const order: EcwidOrder = {
    id: 'INT01',
    total: 100,
    usdTotal: 108,
    shippingPerson: { name: 'A', street: '1 Road', city: 'Toronto', countryCode: 'CA' },
    items: [
      { id: 1, productId: 11, name: 'Stoneware &amp; Mug', sku: 'MUG', quantity: 2, price: 18, isShippingRequired: true },
      { id: 2, productId: 12, sku: 'BOARD', quantity: 1, price: 45.5, isShippingRequired: true },
    ],
  };
  const ctx: CustomsContext = {
    storeCountry: 'DE',
    currency: 'EUR',
    products: { '11': { harmonizedTariffCode: '6912.00', countryOfOrigin: 'PT' } },
  };

  test('one line per physical line: description, quantity, dollar value per unit, product facts', () => {
    expect(internationalOptionsFor(order, order.items ?? [], ctx, new Truncations())).toEqual({
      contents: 'merchandise',
      nonDelivery: 'return_to_sender',
      customsItems: [
        { description: 'Stoneware & Mug', quantity: 2, value: 19.44, harmonizedTariffCode: '6912.00', countryOfOrigin: 'PT' },
        { description: 'BOARD', quantity: 1, value: 49.14, harmonizedTariffCode: null, countryOfOrigin: null },
      ],
    });
  });

  test('domestic, unknown store country, or no dollar rate: nothing', () => {
    const t = new Truncations();
    expect(internationalOptionsFor({ ...order, shippingPerson: { countryCode: 'DE' } }, order.items ?? [], ctx, t)).toBeNull();
    expect(internationalOptionsFor(order, order.items ?? [], { ...ctx, storeCountry: undefined }, t)).toBeNull();
    expect(internationalOptionsFor({ ...order, usdTotal: undefined }, order.items ?? [], ctx, t)).toBeNull();
  });

  test('a long description is cut and recorded', () => {
    const t = new Truncations();
    const long = { ...order, items: [{ ...order.items![0], name: 'x'.repeat(300) }] };
    const intl = internationalOptionsFor(long, long.items, ctx, t);
    expect(intl?.customsItems?.[0].description).toHaveLength(200);
    expect(t.paths).toEqual(['internationalOptions.customsItems[0].description']);
  });

  describe('in mapOrder', () => {
    const base: MappingContext = { storeId: 7, weightUnit: 'KILOGRAM', stockLocations: {} };
    const full: EcwidOrder = { ...order, paymentStatus: 'PAID', createTimestamp: 1_736_942_400, couponDiscount: 5, discountCoupon: { code: 'C5' } };

    test('customs cover the physical lines only, never the discount lines', () => {
      const ss = mapOrder(full, 'awaiting_shipment', full.items ?? [], { ...base, customs: ctx }).order;
      expect(ss.items.filter((i) => i.adjustment)).toHaveLength(1);
      expect(ss.internationalOptions?.customsItems).toHaveLength(2);
    });

    test('customs turned off (no customs context): nothing is sent, ShipStation defaults apply', () => {
      const ss = mapOrder(full, 'awaiting_shipment', full.items ?? [], base).order;
      expect(ss).not.toHaveProperty('internationalOptions');
    });

    test('dimensions come with the profile unit', () => {
      const one = { ...full, items: [{ ...full.items![1], dimensions: { length: 400, width: 250, height: 30 } }] };
      const ss = mapOrder(one, 'awaiting_shipment', one.items, { ...base, dimensionsUnit: 'MM' }).order;
      expect(ss.dimensions).toEqual({ length: 40, width: 25, height: 3, units: 'centimeters' });
    });
  });
});
