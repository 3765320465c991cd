/**
 * Property-based tests: for orders of any shape (missing fields, wrong types, weird strings, negative or NaN
 * numbers), decideImport + mapOrder never throw, and every order they produce satisfies ShipStation's rules.
 */
import fc from 'fast-check';
import { CUSTOM_STATUSES, FULFILLMENT_STATUSES, PAYMENT_STATUSES, WEIGHT_UNITS, type EcwidOrder } from '../../src/domain/ecwid';
import { decideImport, describeSkipReason, type ImportSettings } from '../../src/domain/order-filter';
import { LIMITS, mapOrder } from '../../src/domain/order-mapping';
import { buildFulfillmentUpdate } from '../../src/domain/shipment-update';
import { SHIPSTATION_ORDER_STATUSES, type ShipStationShipment } from '../../src/domain/shipstation';

const weirdString = fc.oneof(
  fc.string({ maxLength: 20 }),
  fc.string({ unit: 'grapheme', maxLength: 30 }),
  fc.string({ unit: 'binary', maxLength: 300 }),
  fc.constantFrom('', '   ', '&amp;&lt;&#233;&#xD800;&bogus;', 'a\r\nb\nc\n\nd', '😀'.repeat(40), 'x'.repeat(1200)),
);
const weirdNumber = fc.oneof(
  fc.double(),
  fc.integer({ min: -5, max: 1000 }),
  fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, -1, 0, 1e308, 0.1 + 0.2),
);
/** Sometimes a value of the wrong type, as a broken payload would have. */
const junk = fc.oneof(fc.constant(null), fc.boolean(), weirdNumber, weirdString, fc.constant({}), fc.constant([]));
const str = fc.oneof({ weight: 4, arbitrary: weirdString }, { weight: 1, arbitrary: junk });
const numArb = fc.oneof({ weight: 4, arbitrary: weirdNumber }, { weight: 1, arbitrary: junk });

const person = fc.record(
  {
    name: str,
    firstName: str,
    lastName: str,
    companyName: str,
    street: fc.oneof({ weight: 4, arbitrary: fc.constant('1 Main St\nApt 2') }, { weight: 1, arbitrary: str }),
    city: fc.oneof({ weight: 4, arbitrary: fc.constant('Portland') }, { weight: 1, arbitrary: str }),
    countryCode: fc.oneof({ weight: 4, arbitrary: fc.constant('US') }, { weight: 1, arbitrary: str }),
    postalCode: str,
    stateOrProvinceCode: str,
    stateOrProvinceName: str,
    phone: str,
  },
  { requiredKeys: ['street', 'city', 'countryCode'] },
);

const option = fc.record(
  {
    name: str,
    value: str,
    type: fc.oneof(fc.constantFrom('CHOICE', 'CHOICES', 'TEXT', 'DATE', 'FILES'), str),
    valuesArray: fc.oneof(fc.array(str, { maxLength: 3 }), junk),
    selections: fc.oneof(fc.array(fc.record({ selectionTitle: str }), { maxLength: 3 }), junk),
    files: fc.oneof(fc.array(fc.record({ name: str }), { maxLength: 3 }), junk),
  },
  { requiredKeys: [] },
);

const item = fc.oneof(
  { weight: 10, arbitrary: fc.record(
    {
      id: numArb,
      productId: fc.oneof(fc.integer({ min: 1, max: 5 }), numArb),
      sku: str,
      name: str,
      quantity: fc.oneof({ weight: 3, arbitrary: fc.integer({ min: 1, max: 5 }) }, { weight: 1, arbitrary: numArb }),
      price: numArb,
      tax: numArb,
      weight: numArb,
      isShippingRequired: fc.oneof({ weight: 4, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.boolean() }, { weight: 1, arbitrary: junk }),
      imageUrl: str,
      hdThumbnailUrl: str,
      smallThumbnailUrl: str,
      selectedOptions: fc.oneof(fc.array(fc.oneof(option, junk), { maxLength: 4 }), junk),
    },
    { requiredKeys: ['isShippingRequired', 'quantity'] },
  ) },
  { weight: 1, arbitrary: junk },
);

const order = fc.record(
  {
    id: fc.oneof({ weight: 2, arbitrary: fc.constant('K8XTQ') }, { weight: 1, arbitrary: str }),
    orderNumber: numArb,
    vendorOrderNumber: str,
    email: str,
    paymentMethod: str,
    paymentStatus: fc.oneof({ weight: 5, arbitrary: fc.constantFrom(...PAYMENT_STATUSES, 'QUEUED') }, { weight: 1, arbitrary: str }),
    fulfillmentStatus: fc.oneof({ weight: 5, arbitrary: fc.constantFrom(...FULFILLMENT_STATUSES) }, { weight: 1, arbitrary: str }),
    total: numArb,
    tax: numArb,
    refundedAmount: numArb,
    couponDiscount: numArb,
    discount: numArb,
    discountInfo: fc.oneof(fc.array(fc.record({ value: numArb, type: str, base: str, description: str }, { requiredKeys: [] }), { maxLength: 3 }), junk),
    discountCoupon: fc.oneof(fc.record({ name: str, code: str }, { requiredKeys: [] }), junk),
    createTimestamp: fc.oneof({ weight: 3, arbitrary: fc.integer({ min: 0, max: 4_000_000_000 }) }, { weight: 1, arbitrary: numArb }),
    createDate: fc.oneof(fc.constant('2024-09-04 07:22:09 +0000'), str),
    updateTimestamp: numArb,
    paymentDate: str,
    items: fc.oneof({ weight: 10, arbitrary: fc.array(item, { minLength: 1, maxLength: 5 }) }, { weight: 1, arbitrary: junk }),
    shippingPerson: fc.oneof({ weight: 5, arbitrary: person }, { weight: 1, arbitrary: junk }),
    billingPerson: fc.oneof(person, junk),
    shippingOption: fc.oneof(
      fc.record({ shippingMethodName: str, shippingRate: numArb, isPickup: fc.oneof(fc.boolean(), junk), fulfillmentType: str }, { requiredKeys: [] }),
      junk,
    ),
    handlingFee: fc.oneof(fc.record({ value: numArb }, { requiredKeys: [] }), junk),
    orderComments: str,
    privateAdminNotes: str,
    orderExtraFields: fc.oneof(fc.array(fc.oneof(fc.record({ id: str, title: str, value: str }, { requiredKeys: [] }), junk), { maxLength: 4 }), junk),
  },
  // Everything may be missing except what most real orders have (whose values may still be junk).
  { requiredKeys: ['id', 'createTimestamp', 'items', 'shippingPerson', 'paymentStatus', 'fulfillmentStatus'] },
) as unknown as fc.Arbitrary<EcwidOrder>;

const settings: fc.Arbitrary<ImportSettings> = fc.record({
  importPickupOrders: fc.boolean(),
  importSince: fc.oneof({ weight: 4, arbitrary: fc.constant(0) }, { weight: 1, arbitrary: fc.integer({ min: 0, max: 4_000_000_000 }) }),
  statusMapping: fc.dictionary(fc.constantFrom(...CUSTOM_STATUSES), fc.oneof(fc.constantFrom(...SHIPSTATION_ORDER_STATUSES), fc.string())) as fc.Arbitrary<
    ImportSettings['statusMapping']
  >,
  giftFieldNames: fc.option(fc.array(fc.string(), { maxLength: 2 }), { nil: undefined }),
  giftMessageFieldNames: fc.option(fc.array(fc.string(), { maxLength: 2 }), { nil: undefined }),
});

/** Every number in a value is finite (JSON would turn NaN or Infinity into null). */
function allNumbersFinite(value: unknown): boolean {
  if (typeof value === 'number') return Number.isFinite(value);
  if (value && typeof value === 'object') return Object.values(value).every(allNumbersFinite);
  return true;
}

/** No string in a value holds a lone surrogate (which is not valid UTF-8). */
function wellFormed(value: unknown): boolean {
  if (typeof value === 'string') return !/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(value);
  if (value && typeof value === 'object') return Object.values(value).every(wellFormed);
  return true;
}

describe('import of arbitrary orders (property)', () => {
  it('skips with a described reason, or produces a valid ShipStation order', () => {
    let imported = 0;
    fc.assert(
      fc.property(order, settings, fc.constantFrom(...WEIGHT_UNITS), (o, s, unit) => {
        const decision = decideImport(o, s);
        if (!decision.import) {
          expect(decision.reason).toMatch(/^(no_shipping_address|no_physical_items|pickup|before_import_since|unmapped_status:.+|invalid:.+)$/);
          expect(describeSkipReason(decision.reason).length).toBeGreaterThan(0);
          return;
        }
        imported++;
        const ctx = { storeId: 1003, weightUnit: unit, stockLocations: { '1': 'A1', '2': 'x'.repeat(150) }, shipstationStoreId: 7 };
        const { order: ss, truncated } = mapOrder(o, decision.status, decision.physicalItems, ctx);

        expect(ss.orderKey.startsWith('ecwid-1003-')).toBe(true);
        expect(ss.orderNumber.length).toBeGreaterThan(0);
        expect(ss.orderNumber.length).toBeLessThanOrEqual(LIMITS.orderNumber);
        expect(SHIPSTATION_ORDER_STATUSES).toContain(ss.orderStatus);
        expect(ss.orderDate).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.0000000$/);

        const products = ss.items.filter((i) => !i.adjustment);
        expect(products.length).toBe(decision.physicalItems.length);
        expect(products.length).toBeGreaterThan(0);
        expect(decision.physicalItems.every((i) => i.isShippingRequired === true)).toBe(true);
        for (const i of products) {
          expect(Number.isInteger(i.quantity) && i.quantity >= 1).toBe(true);
          expect(i.unitPrice).toBeGreaterThanOrEqual(0);
          expect(i.name.length).toBeGreaterThan(0);
          expect(i.name.length).toBeLessThanOrEqual(LIMITS.itemName);
          expect(i.weight!.value).toBeGreaterThanOrEqual(0);
          expect(i.weight!.units).toBe(ss.weight!.units);
        }
        for (const i of ss.items.filter((x) => x.adjustment)) expect(i.unitPrice).toBeLessThan(0);

        expect(ss.weight!.value).toBeGreaterThanOrEqual(0);
        expect(ss.amountPaid).toBeGreaterThanOrEqual(0);
        expect(ss.shippingAmount).toBeGreaterThanOrEqual(0);
        expect(allNumbersFinite(ss)).toBe(true);
        expect(wellFormed(ss)).toBe(true);

        for (const a of [ss.shipTo, ss.billTo]) {
          expect((a.street1 ?? '').length).toBeLessThanOrEqual(LIMITS.street);
          expect((a.name ?? '').length).toBeLessThanOrEqual(LIMITS.name);
        }
        expect((ss.customerNotes ?? '').length).toBeLessThanOrEqual(LIMITS.notes);
        expect(new Set(truncated).size).toBe(truncated.length);

        // Deterministic (it also runs in workflow code) and JSON-safe.
        expect(mapOrder(o, decision.status, decision.physicalItems, ctx)).toEqual({ order: ss, truncated });
        expect(JSON.parse(JSON.stringify(ss))).toEqual(JSON.parse(JSON.stringify(ss)));
      }),
      { numRuns: 1500 },
    );
    // The generator must exercise the mapper, not only the filter.
    expect(imported).toBeGreaterThan(200);
  });
});

describe('shipment update of arbitrary shipments (property)', () => {
  const shipmentArb = fc.record({
    shipmentId: fc.integer({ min: 1, max: 1e9 }),
    createDate: fc.oneof(fc.date({ noInvalidDate: true }).map((d) => d.toISOString().replace('Z', '0000')), fc.string()),
    shipmentCost: weirdNumber,
    insuranceCost: weirdNumber,
    trackingNumber: fc.oneof(fc.string({ maxLength: 30 }), fc.constant('')),
    isReturnLabel: fc.boolean(),
    carrierCode: fc.oneof(fc.constantFrom('usps', 'stamps_com', 'ups', 'fedex', 'dhl_express'), fc.string()),
    serviceCode: fc.string(),
    voided: fc.boolean(),
    voidDate: fc.constant(null),
  }) as unknown as fc.Arbitrary<ShipStationShipment>;

  it('never throws; updates only from live outbound labels, and never writes NaN', () => {
    fc.assert(
      fc.property(fc.array(shipmentArb, { maxLength: 6 }), (shipments) => {
        const u = buildFulfillmentUpdate(shipments);
        const live = shipments.filter((s) => !s.voided && !s.isReturnLabel);
        if ('noUpdate' in u) {
          expect(live).toHaveLength(0);
          return;
        }
        expect(u.fulfillmentStatus).toBe('SHIPPED');
        if (u.trackingNumber) expect(live.map((s) => s.trackingNumber.trim())).toContain(u.trackingNumber);
        for (const f of u.orderExtraFields ?? []) expect(f.value!.length).toBeLessThanOrEqual(255);
        const cost = u.orderExtraFields?.find((f) => f.id === 'shipstation_shipping_cost')?.value;
        expect(cost).toMatch(/^\d+\.\d{2}$/);
      }),
      { numRuns: 500 },
    );
  });
});
