import { startEcwidSimulator, type EcwidSimulator } from '../../src/simulators/ecwid';
import { generateOrders, seedDemoStore } from '../../src/simulators/ecwid/seed';
import type { EcwidOrder, EcwidOrderPage } from '../../src/domain/ecwid';

const NOW = Date.UTC(2025, 5, 1, 12, 0, 0);

describe('Ecwid simulator: demo data', () => {
  let sim: EcwidSimulator;
  let orders: EcwidOrder[];

  beforeAll(async () => {
    sim = await startEcwidSimulator();
    orders = seedDemoStore(sim, { storeId: 1003, token: 'secret_demo', now: NOW }).orders;
  });
  afterAll(async () => {
    await sim.close();
  });

  test('generateOrders is deterministic and every order is importable', () => {
    const a = generateOrders(50, 42, { now: NOW });
    expect(generateOrders(50, 42, { now: NOW })).toEqual(a);
    expect(generateOrders(50, 43, { now: NOW })).not.toEqual(a);
    for (const o of a) {
      expect(o).toMatchObject({ paymentStatus: 'PAID', fulfillmentStatus: 'AWAITING_PROCESSING' });
      expect(o.shippingPerson?.street && o.shippingPerson.city && o.shippingPerson.countryCode).toBeTruthy();
      expect(o.items?.some((i) => i.isShippingRequired)).toBe(true);
      expect(o.shippingOption?.isPickup).toBe(false);
      expect(o.createTimestamp).toBeLessThan(NOW / 1000);
    }
  });

  test('the demo store has 50 orders covering the scenarios a connector must handle', () => {
    // Every scenario twice (25 of them since surcharges, gift cards, promotions, external fulfilment and hidden orders).
    expect(orders).toHaveLength(50);
    const statuses = new Set(orders.map((o) => `${o.paymentStatus}/${o.fulfillmentStatus}`));
    for (const s of ['PAID/AWAITING_PROCESSING', 'PAID/SHIPPED', 'PAID/CUSTOM_FULFILLMENT_STATUS_1']) expect(statuses).toContain(s);
    const payments = new Set(orders.map((o) => o.paymentStatus));
    for (const p of ['AWAITING_PAYMENT', 'CANCELLED', 'REFUNDED']) expect(payments).toContain(p);
    const items = orders.flatMap((o) => o.items ?? []);
    const optionTypes = new Set(items.flatMap((i) => i.selectedOptions ?? []).map((s) => s.type));
    for (const t of ['CHOICE', 'CHOICES', 'TEXT', 'FILES']) expect(optionTypes).toContain(t);
    expect(items.some((i) => i.name === 'Tom &amp; Jerry mug')).toBe(true);
    expect(orders.some((o) => o.items?.every((i) => !i.isShippingRequired) && !o.shippingPerson)).toBe(true);
    expect(orders.some((o) => o.items?.some((i) => i.isShippingRequired) && o.items.some((i) => !i.isShippingRequired))).toBe(true);
    expect(orders.some((o) => o.shippingOption?.isPickup)).toBe(true);
    expect(orders.some((o) => o.discountCoupon?.code && (o.couponDiscount ?? 0) > 0)).toBe(true);
    expect(orders.some((o) => o.discountInfo?.length && (o.discount ?? 0) > 0)).toBe(true);
    expect(orders.some((o) => (o.handlingFee?.value ?? 0) > 0)).toBe(true);
    expect(orders.some((o) => o.orderComments) && orders.some((o) => o.privateAdminNotes)).toBe(true);
    const gift = orders.find((o) => o.orderExtraFields?.some((f) => f.title === 'Is this a gift?' && f.value === 'Yes'));
    expect(gift?.orderExtraFields?.find((f) => f.title === 'Gift message')?.value).toBeTruthy();
    const names = orders.map((o) => o.billingPerson?.name);
    expect(names).toContain('Zoë Ångström');
    expect(orders.some((o) => o.shippingPerson?.city === '東京')).toBe(true);
    expect(items.every((i) => i.imageUrl && i.sku)).toBe(true);
  });

  test('amounts and fulfilment as rich as the docs\' examples: surcharges, gift cards, promotions, refunds, taxes on shipping', () => {
    const round2 = (n: number) => Math.round(n * 100) / 100;
    const surcharge = orders.find((o) => (o.customSurcharges?.length ?? 0) > 0)!;
    expect(surcharge.customSurcharges![0]).toMatchObject({ type: 'ABSOLUTE', total: 2.5, taxable: false });
    expect(surcharge.taxesOnShipping?.[0]?.total).toBeGreaterThan(0);
    const gift = orders.find((o) => (o.giftCardRedemption ?? 0) > 0)!;
    expect(gift.total).toBe(round2(gift.totalBeforeGiftCardRedemption! - gift.giftCardRedemption!));
    const promo = orders.find((o) => (o.volumeDiscount ?? 0) > 0)!;
    expect(promo.discount).toBe(round2(promo.volumeDiscount! + promo.membershipBasedDiscount! + promo.customDiscount!.reduce((s, d) => s + d, 0)));
    expect(orders.filter((o) => o.externalFulfillment === true)).toHaveLength(2);
    expect(orders.filter((o) => o.hidden === true)).toHaveLength(2);
    const refunded = orders.filter((o) => (o.refundedAmount ?? 0) > 0);
    expect(refunded.length).toBeGreaterThan(0);
    for (const o of refunded) expect(o.refunds?.reduce((s, r) => s + (r.amount ?? 0), 0)).toBeCloseTo(o.refundedAmount!, 2);
    // Present on every order, as in every example: a field's absence never stands for "none".
    const always = ['refundedAmount', 'refunds', 'subtotalWithoutTax', 'totalWithoutTax', 'customSurcharges', 'customDiscount', 'volumeDiscount',
      'membershipBasedDiscount', 'giftCardRedemption', 'totalBeforeGiftCardRedemption', 'taxesOnShipping', 'externalFulfillment', 'hidden', 'shipments'];
    for (const o of orders) expect(always.filter((f) => !(f in o))).toEqual([]);
    for (const i of orders.flatMap((o) => o.items ?? [])) {
      expect(['shipping', 'priceWithoutTax', 'taxable', 'attributes', 'nameTranslated'].filter((f) => !(f in i))).toEqual([]);
    }
  });

  test('the demo store serves its profile and products with stock-location attributes over the API', async () => {
    const h = { Authorization: 'Bearer secret_demo' };
    const profile = (await (await fetch(`${sim.url}/1003/profile`, { headers: h })).json()) as { formatsAndUnits: { weightUnit: string } };
    expect(profile.formatsAndUnits.weightUnit).toBe('KILOGRAM');
    const mugId = orders.flatMap((o) => o.items ?? []).find((i) => i.sku?.startsWith('MUG-STONE'))?.productId;
    const product = (await (await fetch(`${sim.url}/1003/products/${mugId}`, { headers: h })).json()) as { attributes: { name: string; value: string }[] };
    expect(product.attributes).toContainEqual(expect.objectContaining({ name: 'Stock location', value: 'A-12-3' }));
    const page = (await (await fetch(`${sim.url}/1003/orders`, { headers: h })).json()) as EcwidOrderPage;
    expect(page.total).toBe(orders.filter((o) => o.paymentStatus !== 'INCOMPLETE').length);
  });
});
