/**
 * Deterministic demo data: a seeded PRNG (never Math.random) drives every choice, so the same seed and clock
 * always give the same orders. `seedDemoStore` builds a varied store for demos and manual testing;
 * `generateOrders` builds N importable orders for tests and benchmarks.
 */
import type { EcwidOrder, EcwidOrderExtraField, EcwidOrderItem, EcwidSelectedOption, EcwidWeightUnit } from './model';
import type { EcwidSimulator } from './index';
import {
  DEMO_CUSTOMERS,
  DEMO_EUR_USD_RATE,
  isMetricStore,
  DIGITAL_SKUS,
  PHYSICAL_SKUS,
  PICKUP_METHOD,
  SHIPPING_METHODS,
  demoCatalog,
  type DemoCustomer,
  type DemoProduct,
} from './seed-catalog';

export { demoCatalog, DEMO_CUSTOMERS, type DemoProduct } from './seed-catalog';

export type Rng = () => number;

/** mulberry32: tiny, fast, good enough for demo data, and fully determined by its seed. */
export function seededRng(seed: number): Rng {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const pick = <T>(rng: Rng, list: readonly T[]): T => list[Math.floor(rng() * list.length)];
const round2 = (n: number): number => Math.round(n * 100) / 100;

/** The scenarios the demo store cycles through; each one is a case the connector must handle. */
export const DEMO_KINDS = [
  'standard', 'coupon', 'mixed', 'digital', 'pickup', 'awaiting_payment', 'shipped', 'gift', 'cancelled', 'handling',
  'unicode', 'refunded', 'backorder', 'no_address', 'processing', 'incomplete', 'delivered', 'partially_refunded', 'options', 'discount',
  // Amounts and fulfilment as the docs' examples carry them: a checkout fee and tax on shipping, a part paid with a
  // gift card, volume, membership and app discounts, an order another service fulfils, an order hidden in Ecwid.
  'surcharge', 'gift_card', 'promotions', 'external_fulfillment', 'hidden',
] as const;
export type DemoOrderKind = (typeof DEMO_KINDS)[number];

/** Kinds whose orders are PAID/AWAITING_PROCESSING with an address and physical items: all importable. */
export const IMPORTABLE_KINDS: readonly DemoOrderKind[] = [
  'standard', 'coupon', 'mixed', 'gift', 'handling', 'unicode', 'options', 'discount', 'surcharge', 'gift_card', 'promotions',
];

type DemoItem = EcwidOrderItem & { dimensions?: { length: number; width: number; height: number } };
type DemoOrder = EcwidOrder;

const TEXTS = ['For Åsa — 10 years ♥', 'Tack för allt!', 'The Scotts, est. 2005', '家族へ', 'Happy housewarming & welcome!'];
const PHOTOS = ['family-2024.jpg', 'Bäckerei Schild.png', 'wedding_day (1).jpeg'];
const COMMENTS = [
  'Please leave the parcel with the neighbour at no. 12 if I am out.',
  'Gate code is 4711#. Thanks!',
  'Could you ship it in plain packaging? It is a surprise.',
  "J'habite au 3e étage, pas d'ascenseur.",
];
const ADMIN_NOTES = ['VIP customer: add a free sample', 'Called the customer: address confirmed', 'Second order this month; check stock of sage glaze'];
const GIFT_MESSAGES = ['Happy birthday, Mum! Love, Zoë', 'おめでとうございます！', 'Congrats on the new kitchen — M. & D.'];

function selectedOptions(rng: Rng, p: DemoProduct): { options: EcwidSelectedOption[]; modifier: number; skuSuffix: string } {
  const options: EcwidSelectedOption[] = [];
  let modifier = 0;
  let skuSuffix = '';
  for (const def of p.options ?? []) {
    const choices = def.choices ?? [];
    if (def.type === 'CHOICE') {
      const c = pick(rng, choices);
      modifier += c.priceModifier;
      skuSuffix += `-${c.text.toUpperCase().slice(0, 5)}`;
      options.push({ name: def.name, type: 'CHOICE', value: c.text, valuesArray: [c.text], selections: [{ selectionTitle: c.text, selectionModifier: c.priceModifier, selectionModifierType: 'ABSOLUTE' }] });
    } else if (def.type === 'CHOICES') {
      const chosen = choices.filter(() => rng() < 0.6);
      const list = chosen.length > 0 ? chosen : [choices[0]];
      modifier += list.reduce((s, c) => s + c.priceModifier, 0);
      options.push({
        name: def.name,
        type: 'CHOICES',
        value: list.map((c) => c.text).join(', '),
        valuesArray: list.map((c) => c.text),
        selections: list.map((c) => ({ selectionTitle: c.text, selectionModifier: c.priceModifier, selectionModifierType: 'ABSOLUTE' })),
      });
    } else if (def.type === 'TEXT') {
      options.push({ name: def.name, type: 'TEXT', value: pick(rng, TEXTS) });
    } else if (def.type === 'FILES') {
      const name = pick(rng, PHOTOS);
      const id = 90000000 + Math.floor(rng() * 9000000);
      options.push({ name: def.name, type: 'FILES', value: name, files: [{ id, name, size: 200000 + Math.floor(rng() * 4000000), url: `https://app.ecwid.com/download/demo/${id}/${encodeURIComponent(name)}` }] });
    }
  }
  return { options, modifier, skuSuffix };
}

function lineItem(rng: Rng, p: DemoProduct, quantity: number): DemoItem {
  const { options, modifier, skuSuffix } = selectedOptions(rng, p);
  const item: DemoItem = {
    productId: p.id,
    categoryId: 0,
    sku: p.sku + skuSuffix,
    name: p.name,
    nameTranslated: { en: p.name },
    quantity,
    price: round2(p.price + modifier),
    productPrice: p.price,
    weight: p.weight,
    isShippingRequired: p.isShippingRequired,
    digital: p.digital ?? false,
    giftCard: p.giftCard ?? false,
    imageUrl: p.imageUrl,
    smallThumbnailUrl: p.imageUrl?.replace('.jpg', '-80px.jpg'),
    hdThumbnailUrl: p.imageUrl?.replace('.jpg', '-800px.jpg'),
    // Gift cards are sold tax-free; everything else in the demo catalog is taxed.
    taxable: !p.giftCard,
    attributes: (p.attributes ?? []).map((a) => ({ id: a.id, name: a.name ?? '', value: a.value ?? '' })),
  };
  if (options.length > 0) item.selectedOptions = options;
  if (p.dimensions) item.dimensions = p.dimensions;
  if (p.digital) item.files = [{ productFileId: p.id + 1, maxDownloads: 0, name: 'recipes.pdf', size: 4812331, customerUrl: `https://app.ecwid.com/download/demo/${p.id}/recipes.pdf` }];
  return item;
}

export interface MakeOrderOptions {
  weightUnit?: EcwidWeightUnit;
  /** Overrides the scenario that `index` would select from DEMO_KINDS. */
  kind?: DemoOrderKind;
  /** The order's creation time, UNIX seconds. Default: now. */
  createTimestamp?: number;
}

/** One realistic order for scenario `kind` (default: DEMO_KINDS[index % length]). No `id`: upsertOrder assigns it. */
export function makeDemoOrder(rng: Rng, index: number, opts: MakeOrderOptions = {}): EcwidOrder {
  const kind = opts.kind ?? DEMO_KINDS[index % DEMO_KINDS.length];
  const catalog = demoCatalog(opts.weightUnit ?? 'KILOGRAM');
  const bySku = (sku: string): DemoProduct => catalog.find((p) => p.sku === sku) as DemoProduct;
  const customer: DemoCustomer = kind === 'unicode' ? DEMO_CUSTOMERS[1] : kind === 'gift' ? DEMO_CUSTOMERS[0] : pick(rng, DEMO_CUSTOMERS);

  // Physical items: 1–3 distinct products, plus whatever the scenario needs.
  const forced: Partial<Record<DemoOrderKind, string[]>> = {
    unicode: ['BOOK-TOKYO'],
    gift: ['TOWEL-LINEN', 'MUG-STONE'],
    options: ['BOARD-OAK-ENG', 'PRINT-A4', 'MUG-STONE'],
    handling: ['MUG-TJ'],
    mixed: ['SKILLET-26'],
  };
  const skus = new Set(forced[kind] ?? []);
  const extra = 1 + Math.floor(rng() * 3);
  while (kind !== 'digital' && skus.size < extra) skus.add(pick(rng, PHYSICAL_SKUS));
  if (kind === 'standard' && rng() < 0.15) skus.add('SAMPLE-TEA');
  if (kind === 'mixed') skus.add(pick(rng, DIGITAL_SKUS));
  if (kind === 'digital') {
    skus.add('EBOOK-RECIPES');
    if (rng() < 0.5) skus.add(pick(rng, DIGITAL_SKUS));
  }
  const items = [...skus].map((sku) => lineItem(rng, bySku(sku), rng() < 0.8 ? 1 : 2 + Math.floor(rng() * 2)));

  const subtotal = round2(items.reduce((s, i) => s + (i.price ?? 0) * (i.quantity ?? 1), 0));
  const physical = items.some((i) => i.isShippingRequired);
  const order: DemoOrder = {
    email: customer.email,
    customerId: 270000000 + DEMO_CUSTOMERS.indexOf(customer),
    ipAddress: `203.0.113.${(index % 250) + 1}`,
    ...pick(rng, [
      { paymentMethod: 'Credit or debit card', paymentModule: 'Stripe' },
      { paymentMethod: 'PayPal', paymentModule: 'PayPalStandard' },
    ]),
    paymentStatus: 'PAID',
    fulfillmentStatus: 'AWAITING_PROCESSING',
    subtotal,
    pricesIncludeTax: customer.pricesIncludeTax,
    items,
    billingPerson: { ...customer.person },
    createTimestamp: opts.createTimestamp,
  };
  if (physical && kind !== 'no_address') order.shippingPerson = { ...customer.person };
  if (physical) order.shippingOption = kind === 'pickup' ? { ...PICKUP_METHOD } : { ...pick(rng, SHIPPING_METHODS) };
  // Pickup orders sometimes carry only a name and phone, sometimes the customer's full address.
  if (kind === 'pickup' && rng() < 0.5) order.shippingPerson = { name: customer.person.name, phone: customer.person.phone };
  if (rng() < 0.3) order.orderComments = pick(rng, COMMENTS);
  if (rng() < 0.25) order.privateAdminNotes = pick(rng, ADMIN_NOTES);
  if (rng() < 0.3) {
    order.orderExtraFields = [{ id: 'askHowYouFoundUsApp', title: 'How did you hear about us?', value: pick(rng, ['From a friend', 'Instagram', 'Google']), customerInputType: 'SELECT', orderDetailsDisplaySection: 'order_comments', orderBy: '2' }];
  }

  let couponDiscount = 0;
  let discount = 0;
  if (kind === 'coupon' || (kind === 'shipped' && rng() < 0.5)) {
    const percent = rng() < 0.5;
    couponDiscount = percent ? round2(subtotal * 0.1) : Math.min(5, subtotal);
    order.discountCoupon = percent
      ? { id: 215189589, name: 'Spring sale 10%', code: 'SPRING10', discountType: 'PERCENT', discount: 10 }
      : { id: 215189590, name: 'Welcome $5', code: 'WELCOME5', discountType: 'ABS', discount: 5 };
  }
  if (kind === 'discount' || (kind === 'handling' && rng() < 0.5)) {
    discount = round2(subtotal * 0.05);
    order.discountInfo = [{ value: 5, type: 'PERCENT', base: 'ON_TOTAL', orderTotal: 50, description: '5% off orders over 50' }];
  }
  order.couponDiscount = couponDiscount;
  order.discount = discount;
  if (kind === 'handling') order.handlingFee = { name: 'Gift wrapping', value: 3.5, description: 'Hand-wrapped in recycled paper' };
  if (kind === 'gift') {
    const gift: EcwidOrderExtraField[] = [
      { id: 'is_gift', title: 'Is this a gift?', value: 'Yes', customerInputType: 'CHECKBOX', orderDetailsDisplaySection: 'order_comments', orderBy: '0' },
      { id: 'gift_message', title: 'Gift message', value: pick(rng, GIFT_MESSAGES), customerInputType: 'TEXTAREA', orderDetailsDisplaySection: 'order_comments', orderBy: '1' },
    ];
    order.orderExtraFields = [...gift, ...(order.orderExtraFields ?? [])];
  } else if (kind === 'standard' && rng() < 0.3) {
    // The same checkbox left unticked: must not be read as a gift.
    order.orderExtraFields = [{ id: 'is_gift', title: 'Is this a gift?', value: 'No', customerInputType: 'CHECKBOX', orderDetailsDisplaySection: 'order_comments', orderBy: '0' }];
  }

  if (kind === 'promotions') {
    // Promotions are parts of `discount` ("included in discount", reference §3.3), beside a coupon-free order.
    order.volumeDiscount = round2(subtotal * 0.05);
    order.membershipBasedDiscount = 2;
    order.totalAndMembershipBasedDiscount = round2(order.volumeDiscount + order.membershipBasedDiscount);
    order.customDiscount = [1.5];
    discount = round2(order.volumeDiscount + order.membershipBasedDiscount + 1.5);
    order.discount = discount;
    order.discountInfo = [
      { value: 5, type: 'PERCENT', base: 'ON_TOTAL', orderTotal: 40, description: '5% off orders over 40' },
      { value: 2, type: 'ABS', base: 'ON_MEMBERSHIP', description: 'Members save 2' },
    ];
  }
  const shipping = order.shippingOption?.shippingRate ?? 0;
  const handling = order.handlingFee?.value ?? 0;
  const taxable = Math.max(0, subtotal - couponDiscount - discount);
  const includeTax = customer.pricesIncludeTax;
  const taxOf = (net: number) => (includeTax ? round2(net - net / (1 + customer.taxRate)) : round2(net * customer.taxRate));
  let tax = taxOf(taxable);
  let surcharges = 0;
  if (kind === 'surcharge') {
    // A checkout fee, and the store taxes shipping: Ecwid lists that tax apart (`taxesOnShipping`) and counts it in `tax`.
    const fee = { id: 'small-order-fee', value: 2.5, type: 'ABSOLUTE' as const, total: 2.5, totalWithoutTax: 2.5, description: 'Small order fee', descriptionTranslated: { en: 'Small order fee' }, taxable: false };
    order.customSurcharges = [fee];
    surcharges = fee.total;
    const shippingTax = taxOf(shipping);
    order.taxesOnShipping = [{ name: includeTax ? 'VAT' : 'Sales tax', value: round2(customer.taxRate * 100), total: shippingTax }];
    tax = round2(tax + shippingTax);
  }
  const total = round2(taxable + shipping + handling + surcharges + (includeTax ? 0 : tax));
  order.tax = tax;
  order.total = total;
  order.totalBeforeGiftCardRedemption = total;
  if (kind === 'gift_card') {
    // Part paid with a gift card: Ecwid's `total` is what is left to pay after it.
    const redeemed = Math.min(25, total);
    order.giftCardRedemption = redeemed;
    order.giftCardCode = 'GIFT-7Q4M-2KXD';
    order.total = round2(total - redeemed);
  }
  // Metric demo stores sell in euros (see routes-profile.ts): usdTotal is the total in dollars, as in Ecwid.
  order.usdTotal = isMetricStore(opts.weightUnit ?? 'KILOGRAM') ? round2(order.total * DEMO_EUR_USD_RATE) : order.total;
  order.predictedPackage = [predictedPackage(items)];
  const itemsTax = round2(tax - (order.taxesOnShipping?.[0]?.total ?? 0));
  const shippedValue = items.filter((i) => i.isShippingRequired).reduce((s, i) => s + (i.price ?? 0) * (i.quantity ?? 1), 0);
  for (const i of items) {
    const line = (i.price ?? 0) * (i.quantity ?? 1);
    i.tax = round2((line * itemsTax) / Math.max(subtotal, 1));
    i.priceWithoutTax = includeTax ? round2((i.price ?? 0) - i.tax / Math.max(1, i.quantity ?? 1)) : (i.price ?? 0);
    // Each shipped line's share of the shipping rate, by value (`items[].shipping`).
    i.shipping = i.isShippingRequired && shippedValue > 0 ? round2((shipping * line) / shippedValue) : 0;
  }
  order.subtotalWithoutTax = includeTax ? round2(subtotal - itemsTax) : subtotal;
  order.totalWithoutTax = round2(order.total - tax);

  applyStatus(order, kind, rng);
  return order;
}

/**
 * One predicted parcel, as Ecwid gives: weight Σ weight × quantity and declared value of the shipped items; the
 * size of the one item when a single unit ships, else a stack of the items (longest length and width, heights
 * added) when every item has a size, else zeros (how Ecwid reports an unknown size; order 1028 in its docs).
 */
function predictedPackage(items: DemoItem[]): NonNullable<EcwidOrder['predictedPackage']>[number] {
  const shipped = items.filter((i) => i.isShippingRequired);
  const weight = round2(shipped.reduce((s, i) => s + (i.weight ?? 0) * (i.quantity ?? 1), 0));
  const declaredValue = round2(shipped.reduce((s, i) => s + (i.price ?? 0) * (i.quantity ?? 1), 0));
  const sized = shipped.every((i) => i.dimensions && i.dimensions.length > 0 && i.dimensions.width > 0 && i.dimensions.height > 0);
  if (shipped.length === 0 || !sized) return { length: 0, width: 0, height: 0, weight, declaredValue };
  const dims = shipped.map((i) => ({ ...(i.dimensions as { length: number; width: number; height: number }), q: i.quantity ?? 1 }));
  return {
    length: Math.max(...dims.map((d) => d.length)),
    width: Math.max(...dims.map((d) => d.width)),
    height: round2(dims.reduce((s, d) => s + d.height * d.q, 0)),
    weight,
    declaredValue,
  };
}

function applyStatus(order: DemoOrder, kind: DemoOrderKind, rng: Rng): void {
  const total = order.total ?? 0;
  switch (kind) {
    case 'awaiting_payment':
      Object.assign(order, { paymentStatus: 'AWAITING_PAYMENT', paymentMethod: 'Bank transfer', paymentModule: 'CUSTOM_OFFLINE' });
      break;
    case 'processing':
      order.fulfillmentStatus = 'PROCESSING';
      break;
    case 'shipped':
    case 'delivered':
      order.fulfillmentStatus = kind === 'shipped' ? 'SHIPPED' : 'DELIVERED';
      order.trackingNumber = `1Z999AA1${String(Math.floor(rng() * 1e10)).padStart(10, '0')}`;
      order.trackingUrl = `https://www.ups.com/track?tracknum=${order.trackingNumber}`;
      break;
    case 'cancelled':
      Object.assign(order, { paymentStatus: 'CANCELLED', fulfillmentStatus: 'WILL_NOT_DELIVER' });
      break;
    case 'refunded':
      Object.assign(order, { paymentStatus: 'REFUNDED', refundedAmount: total });
      order.refunds = [{ date: '2024-05-02 10:00:00 +0000', source: 'CP', reason: 'Arrived broken', amount: total }];
      break;
    case 'partially_refunded': {
      const amount = round2(total / 4);
      Object.assign(order, { paymentStatus: 'PARTIALLY_REFUNDED', fulfillmentStatus: 'SHIPPED', refundedAmount: amount, trackingNumber: '9400111899223456789012' });
      order.refunds = [{ date: '2024-05-02 10:00:00 +0000', source: 'API', reason: 'Goodwill: late delivery', amount }];
      break;
    }
    case 'backorder':
      order.fulfillmentStatus = 'CUSTOM_FULFILLMENT_STATUS_1';
      break;
    case 'incomplete':
      order.paymentStatus = 'INCOMPLETE';
      break;
    case 'external_fulfillment':
      // Made and shipped by a print-on-demand app: Ecwid hides its status and tracking fields from the merchant.
      order.externalFulfillment = true;
      order.shippingOption = { ...order.shippingOption, shippingCarrierName: 'Shipping app the-printful' };
      break;
    case 'hidden':
      // The merchant "deleted" it from the order list; the API still returns it, with `hidden: true`.
      order.hidden = true;
      break;
    default:
      break;
  }
}

export interface GenerateOptions {
  weightUnit?: EcwidWeightUnit;
  /** Clock in ms; orders are created in the minutes before it (the newest last). Default Date.now(). */
  now?: number;
}

/**
 * N importable orders (PAID / AWAITING_PROCESSING, a full shipping address, at least one physical item), the
 * same for the same seed and clock. Created one minute apart, ending just before `now`.
 */
export function generateOrders(n: number, seed = 1, opts: GenerateOptions = {}): EcwidOrder[] {
  const rng = seededRng(seed);
  const nowSec = Math.floor((opts.now ?? Date.now()) / 1000);
  return Array.from({ length: n }, (_, i) =>
    makeDemoOrder(rng, i, { kind: IMPORTABLE_KINDS[i % IMPORTABLE_KINDS.length], weightUnit: opts.weightUnit, createTimestamp: nowSec - (n - i) * 60 }),
  );
}

export interface SeedDemoStoreOptions {
  storeId: number;
  token: string;
  /** How many orders; default 50 (every scenario twice). */
  orders?: number;
  weightUnit?: 'KILOGRAM' | 'POUND';
  storeName?: string;
  seed?: number;
  /** Clock in ms; orders spread over the 20 days before it. Default Date.now(). */
  now?: number;
}

/** Adds a VENTURE-plan demo store with its catalog and 50 orders covering every scenario in DEMO_KINDS twice. */
export function seedDemoStore(sim: EcwidSimulator, opts: SeedDemoStoreOptions): { products: DemoProduct[]; orders: EcwidOrder[] } {
  const weightUnit = opts.weightUnit ?? 'KILOGRAM';
  sim.addStore({ storeId: opts.storeId, token: opts.token, plan: 'VENTURE', weightUnit, storeName: opts.storeName ?? 'Northwind Pottery & Kitchen' });
  const products = demoCatalog(weightUnit);
  for (const p of products) sim.upsertProduct(opts.storeId, p);
  const rng = seededRng(opts.seed ?? 20240501);
  const count = opts.orders ?? DEMO_KINDS.length * 2;
  const nowSec = Math.floor((opts.now ?? Date.now()) / 1000);
  const span = 20 * 86400;
  const orders = Array.from({ length: count }, (_, i) => {
    const createTimestamp = nowSec - Math.floor(((count - i) / count) * span) + Math.floor(rng() * 3600);
    return sim.upsertOrder(opts.storeId, makeDemoOrder(rng, i, { weightUnit, createTimestamp: Math.min(createTimestamp, nowSec - 60) }));
  });
  return { products, orders };
}
