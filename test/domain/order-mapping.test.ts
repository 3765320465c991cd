import type { EcwidOrder, EcwidOrderItem } from '../../src/domain/ecwid';
import { detectGift } from '../../src/domain/gift';
import { decideImport, type ImportSettings } from '../../src/domain/order-filter';
import { mapOrder, shipstationOrderIsClosed, type MappingContext } from '../../src/domain/order-mapping';
import { ebjft, order1028 } from '../fixtures/ecwid';

const settings: ImportSettings = { importPickupOrders: false, importSince: 0, statusMapping: {} };
const ctx: MappingContext = {
  storeId: 1003,
  weightUnit: 'KILOGRAM',
  shipstationStoreId: 518236,
  stockLocations: { '37208339': 'Aisle 3 / Bin 12' },
};

/** decideImport then mapOrder, as the import activity does. */
function map(order: EcwidOrder, c: Partial<MappingContext> = {}) {
  const d = decideImport(order, settings);
  if (!d.import) throw new Error(`not imported: ${d.reason}`);
  return mapOrder(order, d.status, d.physicalItems, { ...ctx, ...c });
}

/** A minimal importable order, for tests that vary one thing. */
function simple(overrides: Partial<EcwidOrder> = {}, item: Partial<EcwidOrderItem> = {}): EcwidOrder {
  return {
    id: 'ABC12',
    paymentStatus: 'PAID',
    fulfillmentStatus: 'AWAITING_PROCESSING',
    createTimestamp: 1_736_942_400, // 2025-01-15 12:00:00 UTC
    shippingPerson: { name: 'Ann', street: '1 Road', city: 'Town', countryCode: 'US' },
    items: [{ id: 1, productId: 5, name: 'Thing', quantity: 1, price: 5, weight: 1, isShippingRequired: true, ...item }],
    ...overrides,
  };
}

describe('mapOrder (spec §3): order 1028 example', () => {
  const { order, truncated } = map(order1028());

  it('identifies the old order by orderNumber and shows vendorOrderNumber', () => {
    expect(order.orderKey).toBe('ecwid-1003-1028');
    expect(order.orderNumber).toBe('lala1028001');
    expect(truncated).toEqual([]);
  });

  it('sends dates in Pacific time (winter: PST, UTC-8), from createDate when there is no timestamp', () => {
    expect(order.orderDate).toBe('2019-01-15T10:30:00.0000000');
    // Paid, no payment time known: the update time of the paid order.
    expect(order.paymentDate).toBe('2019-01-15T10:45:00.0000000');
  });

  it('maps status, customer, notes, payment and shipping service', () => {
    expect(order).toMatchObject({
      orderStatus: 'awaiting_shipment',
      customerEmail: 'michael@dundermifflin.example',
      customerUsername: 'michael@dundermifflin.example',
      customerNotes: 'Test order comments',
      internalNotes: 'Must be delivered till Sunday.',
      paymentMethod: 'Mollie',
      requestedShippingService: 'USPS Priority Mail',
      gift: false,
      giftMessage: null,
    });
  });

  it('falls back to the shipping address for billTo; empty phone is null', () => {
    const expected = {
      name: 'Michael Scott',
      company: null,
      street1: '555 Lackawanna Ave',
      street2: null,
      street3: null,
      city: 'Scranton',
      state: 'PA',
      postalCode: '18508',
      country: 'US',
      phone: null,
    };
    expect(order.shipTo).toEqual(expected);
    expect(order.billTo).toEqual(expected);
  });

  it('maps the Mug with weight, options, image and stock location', () => {
    expect(order.items[0]).toEqual({
      lineItemKey: '40001028',
      sku: '001001',
      name: 'Mug',
      imageUrl: 'https://images.example/mug.jpg',
      weight: { value: 400, units: 'grams' },
      quantity: 1,
      unitPrice: 16.64,
      taxAmount: 0,
      warehouseLocation: 'Aisle 3 / Bin 12',
      options: [{ name: 'Color', value: 'White' }],
      productId: 37208339,
      adjustment: false,
    });
    expect(order.weight).toEqual({ value: 400, units: 'grams' });
  });

  it('adds one adjustment line per discount, and the coupon code in customField1', () => {
    expect(order.items.slice(1)).toEqual([
      { lineItemKey: 'ecwid-coupon', sku: null, name: 'Coupon: Welcome (WELCOME22)', quantity: 1, unitPrice: -22, taxAmount: 0, adjustment: true },
      { lineItemKey: 'ecwid-discount', sku: null, name: 'Discount: 4 off on the order total', quantity: 1, unitPrice: -4, taxAmount: 0, adjustment: true },
    ]);
    expect(order.advancedOptions).toEqual({ storeId: 518236, customField1: 'WELCOME22', source: 'Ecwid' });
  });

  it('adds the handling fee to shipping, and the paid total', () => {
    expect(order.shippingAmount).toBe(475.85);
    expect(order.amountPaid).toBe(466.49);
    expect(order.taxAmount).toBe(0);
  });
});

describe('mapOrder: EBJFT-like mixed order', () => {
  const { order } = map(ebjft());

  it('sends summer dates in PDT (UTC-7)', () => {
    expect(order.orderDate).toBe('2024-07-04T10:05:00.0000000');
  });

  it('sends only the physical item, and weighs only it', () => {
    expect(order.items.filter((i) => !i.adjustment).map((i) => i.sku)).toEqual(['TSHIRT-BLK-M']);
    // 0.25 kg × 2; the 0 kg e-book is not sent at all.
    expect(order.weight).toEqual({ value: 500, units: 'grams' });
    expect(order.items[0].weight).toEqual({ value: 250, units: 'grams' });
    expect(order.items[0].imageUrl).toBe('https://images.example/tshirt-small.jpg');
    expect(order.items[0].warehouseLocation).toBeNull();
  });

  it('joins CHOICES values and FILES names, keeps Unicode', () => {
    expect(order.items[0].options).toEqual([
      { name: 'Size', value: 'M' },
      { name: 'Extras', value: 'Gift box, Sticker' },
      { name: 'Artwork', value: 'logo.png, back.svg' },
      { name: 'Engraving', value: 'Für Oma ❤️' },
    ]);
  });

  it('splits the street into lines and uses billingPerson for billTo', () => {
    expect(order.shipTo).toMatchObject({ company: 'Doe & Co', street1: '1 Main St', street2: 'Apt 4B', street3: null, phone: '+1 503 555 0100' });
    expect(order.billTo).toMatchObject({ name: 'John Doe', street1: '9 Billing Rd', city: 'Seattle', state: 'WA' });
  });

  it('names the coupon line after the coupon and its code', () => {
    const adjustments = order.items.filter((i) => i.adjustment);
    expect(adjustments).toHaveLength(1);
    expect(adjustments[0]).toMatchObject({ name: 'Coupon: Test Coupon (DISC)', unitPrice: -10, quantity: 1 });
    expect(order.advancedOptions?.customField1).toBe('DISC');
  });

  it('detects the gift and decodes its message', () => {
    expect(order.gift).toBe(true);
    expect(order.giftMessage).toBe('Happy birthday, Oma! ♥');
  });
});

describe('mapOrder: text', () => {
  it('decodes named and numeric HTML entities', () => {
    const { order } = map(simple({}, { name: 'Caf&eacute; &amp; Cr&egrave;me &#233;&#x00E9; &lt;b&gt; &quot;x&quot; &#39;y&apos; a&nbsp;b &bogus; &amp;lt;' }));
    expect(order.items[0].name).toBe('Café & Crème éé <b> "x" \'y\' a b &bogus; &lt;');
  });

  it('keeps Unicode as is', () => {
    const { order } = map(
      simple({ shippingPerson: { name: '山田 太郎', street: 'Straße 5', city: 'Zürich', countryCode: 'ch', companyName: 'Ωmega 🚀' } }),
    );
    expect(order.shipTo).toMatchObject({ name: '山田 太郎', street1: 'Straße 5', city: 'Zürich', country: 'CH', company: 'Ωmega 🚀' });
  });

  it('truncates over-long text, records each field, never splits a surrogate pair', () => {
    const { order, truncated } = map(
      simple(
        {
          id: 'X'.repeat(60),
          orderComments: 'n'.repeat(1500),
          shippingPerson: { name: 'N'.repeat(99) + '😀', street: 'S'.repeat(250), city: 'C', countryCode: 'US' },
        },
        { name: 'I'.repeat(300) },
      ),
    );
    expect(order.orderNumber).toBe('X'.repeat(50));
    expect(order.orderKey).toBe(`ecwid-1003-${'X'.repeat(60)}`); // the key is never cut
    expect(order.customerNotes).toHaveLength(1000);
    expect(order.shipTo.street1).toHaveLength(200);
    expect(order.shipTo.name).toBe('N'.repeat(99)); // the emoji would need 101 code units
    expect(order.items[0].name).toHaveLength(200);
    // billTo falls back to the same shipping address, so it is cut too.
    expect(truncated.sort()).toEqual(
      ['billTo.name', 'billTo.street1', 'customerNotes', 'items[0].name', 'orderNumber', 'shipTo.name', 'shipTo.street1'].sort(),
    );
  });

  it('splits a street into three lines, joining extra lines into street3', () => {
    const { order } = map(simple({ shippingPerson: { street: 'Line 1\r\nLine 2\n\nLine 3\nLine 4', city: 'C', countryCode: 'GB' } }));
    expect(order.shipTo).toMatchObject({ street1: 'Line 1', street2: 'Line 2', street3: 'Line 3, Line 4' });
  });

  it('builds the name from firstName/lastName and the state from its name when needed', () => {
    const { order } = map(
      simple({ shippingPerson: { firstName: 'Ann', lastName: 'Lee', street: '1', city: 'Dublin', countryCode: 'IE', stateOrProvinceName: 'Leinster' } }),
    );
    expect(order.shipTo).toMatchObject({ name: 'Ann Lee', state: 'Leinster' });
  });
});

describe('mapOrder: missing and zero fields', () => {
  it('sends weight 0, price 0, tax 0, no email when Ecwid has none', () => {
    const o = simple({ email: undefined, tax: undefined, total: undefined }, { weight: undefined, price: undefined, tax: undefined, name: undefined, sku: 'SKU-1' });
    const { order } = map(o);
    expect(order.items[0]).toMatchObject({ weight: { value: 0, units: 'grams' }, unitPrice: 0, taxAmount: 0, name: 'SKU-1' });
    expect(order).toMatchObject({ customerEmail: null, customerUsername: null, taxAmount: 0, amountPaid: 0, shippingAmount: 0 });
    expect(order.weight).toEqual({ value: 0, units: 'grams' });
    expect(order.items.some((i) => i.adjustment)).toBe(false);
    expect(order.advancedOptions?.customField1).toBeNull();
  });

  it('weighs in the store unit (POUND → pounds)', () => {
    const { order } = map(simple({}, { weight: 1.5, quantity: 3 }), { weightUnit: 'POUND' });
    expect(order.items[0].weight).toEqual({ value: 1.5, units: 'pounds' });
    expect(order.weight).toEqual({ value: 4.5, units: 'pounds' });
  });

  it('sets the ShipStation store only for orders that may be new', () => {
    expect(map(simple(), { isNew: false }).order.advancedOptions).toEqual({ customField1: null, source: 'Ecwid' });
    expect(map(simple(), { shipstationStoreId: undefined }).order.advancedOptions?.storeId).toBeUndefined();
    expect(map(simple(), { isNew: true }).order.advancedOptions?.storeId).toBe(518236);
  });
});

describe('mapOrder: amounts', () => {
  it('pays total minus refunds when partially refunded', () => {
    const { order } = map(simple({ paymentStatus: 'PARTIALLY_REFUNDED', total: 100, refundedAmount: 30.55 }));
    expect(order.amountPaid).toBe(69.45);
  });

  it('pays nothing while awaiting payment, with no payment date', () => {
    const { order } = map(simple({ paymentStatus: 'AWAITING_PAYMENT', total: 100, updateTimestamp: 1_736_950_000 }));
    expect(order.orderStatus).toBe('awaiting_payment');
    expect(order.amountPaid).toBe(0);
    expect(order.paymentDate).toBeNull();
  });

  it('prefers the known payment time', () => {
    const { order } = map(simple({ total: 10, paymentDate: '2025-07-01 20:00:00 +0000', updateTimestamp: 1_800_000_000 }));
    expect(order.paymentDate).toBe('2025-07-01T13:00:00.0000000');
  });

  it('rounds money to cents', () => {
    const { order } = map(
      simple({ tax: 1.005, shippingOption: { shippingRate: 0.1 + 0.2 }, handlingFee: { value: 1.111 } }, { price: 19.999 }),
    );
    expect(order.taxAmount).toBe(1.01);
    expect(order.shippingAmount).toBe(1.41);
    expect(order.items[0].unitPrice).toBe(20);
  });

  it('describes percentage and described discounts', () => {
    const { order } = map(
      simple({
        discount: 7.5,
        discountInfo: [
          { value: 10, type: 'PERCENT', base: 'ON_MEMBERSHIP' },
          { value: 2, type: 'ABS', base: 'SUBTOTAL', description: 'Summer &amp; sun' },
        ],
        discountCoupon: { code: 'ONLYCODE' },
        couponDiscount: 3,
      }),
    );
    expect(order.items.filter((i) => i.adjustment).map((i) => [i.name, i.unitPrice])).toEqual([
      ['Coupon: ONLYCODE', -3],
      ['Discount: 10% off for members; Summer & sun', -7.5],
    ]);
  });
});

describe('gift detection', () => {
  const field = (id: string, title: string, value: string) => ({ id, title, value });
  it.each([
    [[field('isGift', 'Is this a gift?', 'Yes')], true, null],
    [[field('isGift', 'Is this a gift?', 'no')], false, null],
    [[field('f1', 'Gift wrapping', 'FALSE')], false, null],
    [[field('f1', 'Gift wrapping', '0')], false, null],
    [[field('f1', 'Gift wrapping', '')], false, null],
    [[field('f1', 'Gift wrapping', 'No thanks')], false, null],
    [[field('gift_wrap', '', 'true')], true, null],
    [[field('f2', 'Gift note', 'Love you')], true, 'Love you'],
    [[field('gift_message', 'Message', ' Bon anniversaire ! ')], true, 'Bon anniversaire !'],
    [[field('f3', 'Giftedness level', 'high')], false, null],
    [[field('f4', 'How did you hear about us?', 'From a friend')], false, null],
  ])('%j → gift %s, message %s', (fields, gift, giftMessage) => {
    expect(detectGift(fields)).toEqual({ gift, giftMessage });
  });

  it('uses the connection field names when set', () => {
    const fields = [field('present', 'Present?', 'yes'), field('card', 'Card text', 'Hi'), field('gift', 'Gift', 'yes')];
    expect(detectGift(fields, { giftFieldNames: ['present'], giftMessageFieldNames: ['card text'] })).toEqual({
      gift: true,
      giftMessage: 'Hi',
    });
    expect(detectGift([field('gift', 'Gift', 'yes')], { giftFieldNames: ['present'] })).toEqual({ gift: false, giftMessage: null });
  });
});

describe('shipstationOrderIsClosed', () => {
  it('is true for shipped and cancelled only', () => {
    expect(shipstationOrderIsClosed('shipped')).toBe(true);
    expect(shipstationOrderIsClosed('cancelled')).toBe(true);
    expect(shipstationOrderIsClosed('on_hold')).toBe(false);
    expect(shipstationOrderIsClosed('awaiting_shipment')).toBe(false);
  });
});

describe('mapOrder: amounts the docs\' examples carry (docs/order-mapping.md §3a)', () => {
  it('amountPaid adds back what a gift card paid (Ecwid\'s total is what was left), less refunds', () => {
    const o = simple({ total: 30, giftCardRedemption: 25, totalBeforeGiftCardRedemption: 55, refundedAmount: 5, paymentMethod: 'PayPal' });
    const { order } = map(o);
    expect(order.amountPaid).toBe(50);
    expect(order.paymentMethod).toBe('PayPal + gift card');
    expect(map(simple({ total: 0, giftCardRedemption: 20 })).order).toMatchObject({ amountPaid: 20, paymentMethod: 'Gift card' });
    expect(map(simple({ total: 20, giftCardRedemption: 0, paymentMethod: 'PayPal' })).order.paymentMethod).toBe('PayPal');
  });

  it('refunds: refundedAmount, else the sum of refunds[]; an unpaid order paid nothing', () => {
    expect(map(simple({ total: 40, refunds: [{ amount: 5 }, { amount: 2.5 }] })).order.amountPaid).toBe(32.5);
    expect(map(simple({ total: 40, refundedAmount: 0, refunds: [] })).order.amountPaid).toBe(40);
    expect(map(simple({ total: 40, paymentStatus: 'AWAITING_PAYMENT' })).order.amountPaid).toBe(0);
  });

  it('a checkout fee (customSurcharges) is a positive adjustment line, so the lines add up to what was paid', () => {
    const o = simple({
      total: 12.5,
      customSurcharges: [
        { id: 'small-order-fee', value: 2.5, type: 'ABSOLUTE', total: 2.5, totalWithoutTax: 2.5, description: 'Small order fee', taxable: false },
        { id: 'zero', value: 0, type: 'ABSOLUTE', total: 0, description: 'Nothing' },
      ],
    });
    const lines = map(o).order.items.filter((i) => i.adjustment);
    expect(lines).toEqual([{ lineItemKey: 'ecwid-surcharge-small-order-fee', sku: null, name: 'Small order fee', quantity: 1, unitPrice: 2.5, taxAmount: 0, adjustment: true }]);
  });

  it('fees are not goods: an international order declares only its physical lines to customs', () => {
    const o = simple({ usdTotal: 10, total: 10, customSurcharges: [{ id: 'fee', total: 2.5, description: 'Fee' }] });
    const { order } = map(o, { customs: { storeCountry: 'DE', currency: 'USD', products: {} } });
    expect(order.internationalOptions?.customsItems?.map((c) => c.description)).toEqual(['Thing']);
  });

  it('volume, membership and app discounts are parts of `discount`: one line, never counted twice', () => {
    const o = simple({ discount: 6.5, volumeDiscount: 3, membershipBasedDiscount: 2, customDiscount: [1.5], discountInfo: [{ value: 5, type: 'PERCENT', base: 'ON_TOTAL', description: '5% off 3+ items' }] });
    const lines = map(o).order.items.filter((i) => i.adjustment);
    expect(lines.map((l) => [l.lineItemKey, l.unitPrice, l.name])).toEqual([['ecwid-discount', -6.5, 'Discount: 5% off 3+ items']]);
    // Only when `discount` says nothing do its parts stand for it.
    expect(map(simple({ discount: 0, volumeDiscount: 3, customDiscount: [1] })).order.items.filter((i) => i.adjustment).map((l) => l.unitPrice)).toEqual([-4]);
  });

  it('taxes on shipping are already in `tax`: taxAmount is `tax`, not tax plus taxesOnShipping', () => {
    const o = simple({ tax: 10, taxesOnShipping: [{ name: 'Custom tax', value: 10, total: 10 }], shippingOption: { shippingRate: 110 } });
    expect(map(o).order).toMatchObject({ taxAmount: 10, shippingAmount: 110 });
  });

  it("an item's share of shipping goes to its shippingAmount; priceWithoutTax, nameTranslated, attributes and taxable change nothing", () => {
    const plain = map(simple({}, { price: 12 })).order.items[0];
    const rich = map(simple({}, { price: 12, shipping: 3.4, priceWithoutTax: 10.08, nameTranslated: { fr: 'Chose' }, attributes: [{ name: 'Bin', value: 'B-1' }], taxable: true })).order.items[0];
    expect(rich).toEqual({ ...plain, shippingAmount: 3.4 });
    expect(plain).not.toHaveProperty('shippingAmount');
    expect(rich.unitPrice).toBe(12);
  });
});

describe('mapOrder: the amounts left out on purpose (docs/order-mapping.md §3a)', () => {
  it('subtotalWithoutTax, totalWithoutTax, totalBeforeGiftCardRedemption and Ecwid-bought labels change nothing sent', () => {
    const base = simple({ total: 30, tax: 2, subtotal: 28, giftCardRedemption: 5 });
    const withThem = {
      ...base,
      subtotalWithoutTax: 26,
      totalWithoutTax: 28,
      // A stale or rounded copy must not win over total + giftCardRedemption.
      totalBeforeGiftCardRedemption: 99,
      shipments: [{ id: 'label-1', created: '2024-05-01 10:00:00 +0000' }],
    } as EcwidOrder;
    expect(map(withThem).order).toEqual(map(base).order);
    expect(map(base).order.amountPaid).toBe(35);
  });
});
