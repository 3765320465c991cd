/**
 * The demo store's catalog, customers and shipping methods: realistic data for seed.ts, with the awkward
 * cases a connector must survive (unicode, HTML entities in names, weightless and digital items, bin locations).
 */
import type { EcwidPerson, EcwidProduct, EcwidSelectedOption, EcwidShippingOption, EcwidWeightUnit } from './model';

/** A catalog product with the extra fields Ecwid returns (EcwidProduct only types what the connector reads). */
export interface DemoProduct extends EcwidProduct {
  id: number;
  sku: string;
  name: string;
  price: number;
  weight: number;
  isShippingRequired: boolean;
  digital?: boolean;
  giftCard?: boolean;
  quantity?: number;
  unlimited?: boolean;
  inStock?: boolean;
  imageUrl?: string;
  dimensions?: { length: number; width: number; height: number };
  /** Option definitions (simplified), used to build `selectedOptions` on order items. */
  options?: { type: EcwidSelectedOption['type']; name: string; choices?: { text: string; priceModifier: number }[] }[];
}

export interface DemoCustomer {
  email: string;
  person: EcwidPerson;
  /** US orders get sales tax on top; elsewhere prices include VAT. */
  taxRate: number;
  pricesIncludeTax: boolean;
}

const IMG = 'https://d2j6dbq0eux0bg.cloudfront.net/images/demo';

const attr = (name: string, value: string, type = 'CUSTOM'): { id: number; name: string; value: string; type: string; show: string } => ({
  id: name === 'Brand' ? 111 : name === 'Stock location' ? 112 : name === 'Bin' ? 113 : 114,
  name,
  value,
  type,
  show: name === 'Brand' ? 'DESCR' : 'NOTSHOW',
});

/** Weights are defined in kilograms and converted for stores that use pounds or ounces. */
function convertKg(kg: number, unit: EcwidWeightUnit): number {
  const factor = { KILOGRAM: 1, GRAM: 1000, POUND: 2.20462, OUNCE: 35.274, CARAT: 5000 }[unit];
  return Math.round(kg * factor * 100) / 100;
}

const METRIC_UNITS: readonly EcwidWeightUnit[] = ['GRAM', 'KILOGRAM', 'CARAT'];

/** Whether a store with this weight unit is a metric (EUR, CM) store in the simulator, else an imperial (USD, IN) one. */
export function isMetricStore(weightUnit: EcwidWeightUnit): boolean {
  return METRIC_UNITS.includes(weightUnit);
}

/**
 * US dollars per euro in the simulator: the profile's `currencyRate` and each order's `usdTotal / total`.
 * Fixed, so demo data is the same every run (the docs' example profile has 1.060951674).
 */
export const DEMO_EUR_USD_RATE = 1.08;

/** Dimensions are defined in centimetres and given in inches to imperial stores (whose profile says `IN`). */
function convertCm(d: { length: number; width: number; height: number }, unit: EcwidWeightUnit) {
  if (isMetricStore(unit)) return d;
  const inches = (cm: number) => Math.round((cm / 2.54) * 100) / 100;
  return { length: inches(d.length), width: inches(d.width), height: inches(d.height) };
}

export function demoCatalog(weightUnit: EcwidWeightUnit = 'KILOGRAM'): DemoProduct[] {
  const products: DemoProduct[] = [
    {
      id: 700000001, sku: 'MUG-STONE', name: 'Stoneware Mug', price: 18, weight: 0.4, isShippingRequired: true, quantity: 120,
      dimensions: { length: 12, width: 9, height: 10 },
      options: [{ type: 'CHOICE', name: 'Color', choices: [{ text: 'White', priceModifier: 0 }, { text: 'Charcoal', priceModifier: 0 }, { text: 'Sage', priceModifier: 2 }] }],
      attributes: [attr('Brand', 'Northwind Pottery', 'BRAND'), attr('Stock location', 'A-12-3')],
    },
    {
      id: 700000002, sku: 'MUG-TJ', name: 'Tom &amp; Jerry mug', price: 14.5, weight: 0.45, isShippingRequired: true, quantity: 40,
      dimensions: { length: 12, width: 9, height: 10 },
      attributes: [attr('Bin', 'B-02-1')],
    },
    {
      id: 700000003, sku: 'TOWEL-LINEN', name: 'Linen Tea Towel', price: 12, weight: 0.12, isShippingRequired: true, quantity: 300,
      options: [{ type: 'CHOICES', name: 'Add-ons', choices: [{ text: 'Gift wrap', priceModifier: 3 }, { text: 'Greeting card', priceModifier: 1.5 }] }],
      attributes: [attr('Stock location', 'A-04-1')],
    },
    {
      id: 700000004, sku: 'BOARD-OAK-ENG', name: 'Engraved Oak Cutting Board', price: 45, weight: 1.3, isShippingRequired: true, quantity: 25,
      dimensions: { length: 40, width: 25, height: 3 },
      options: [{ type: 'TEXT', name: 'Engraving text' }],
      attributes: [attr('Bin', 'C-10-2')],
    },
    {
      id: 700000005, sku: 'PRINT-A4', name: 'Custom Photo Print (A4)', price: 22, weight: 0.2, isShippingRequired: true, unlimited: true,
      options: [{ type: 'FILES', name: 'Your photo' }],
      attributes: [attr('Stock location', 'D-01-7')],
    },
    {
      id: 700000006, sku: 'SKILLET-26', name: 'Cast Iron Skillet 26 cm', price: 39, weight: 2.6, isShippingRequired: true, quantity: 60,
      dimensions: { length: 45, width: 27, height: 6 },
      attributes: [attr('Brand', 'Hearth & Co', 'BRAND'), attr('Stock location', 'C-01-4')],
    },
    {
      id: 700000007, sku: 'BOOK-TOKYO', name: 'Cookbook: 東京 Street Food', price: 29, weight: 0.8, isShippingRequired: true, quantity: 80,
      attributes: [attr('ISBN', '978-4-00-000000-0')],
    },
    {
      id: 700000008, sku: 'SPOON-SET-3', name: 'Wooden Spoon Set (3 pcs)', price: 16, weight: 0.25, isShippingRequired: true, quantity: 200,
      attributes: [attr('Bin', 'A-03-2')],
    },
    {
      id: 700000009, sku: 'DUTCH-OVEN-55', name: 'Enamel Dutch Oven 5.5 L', price: 119, weight: 5.8, isShippingRequired: true, quantity: 12,
      dimensions: { length: 34, width: 28, height: 18 },
      options: [{ type: 'CHOICE', name: 'Color', choices: [{ text: 'Cerise', priceModifier: 0 }, { text: 'Marine', priceModifier: 0 }] }],
      attributes: [attr('Stock location', 'E-02-1')],
    },
    {
      // A physical freebie with no weight: the connector must send weight 0, not guess.
      id: 700000010, sku: 'SAMPLE-TEA', name: 'Tea Sample Sachet', price: 0, weight: 0, isShippingRequired: true, unlimited: true,
    },
    { id: 700000011, sku: 'EBOOK-RECIPES', name: 'Recipe e-book (PDF)', price: 9, weight: 0, isShippingRequired: false, digital: true, unlimited: true },
    { id: 700000012, sku: 'GIFTCARD-25', name: 'Gift Card $25', price: 25, weight: 0, isShippingRequired: false, giftCard: true, unlimited: true },
    { id: 700000013, sku: 'WORKSHOP-ONLINE', name: 'Online Ceramics Workshop (ticket)', price: 35, weight: 0, isShippingRequired: false, quantity: 20 },
  ];
  return products.map((p) => ({
    ...p,
    weight: convertKg(p.weight, weightUnit),
    ...(p.dimensions ? { dimensions: convertCm(p.dimensions, weightUnit) } : {}),
    inStock: true,
    imageUrl: `${IMG}/${p.id}.jpg`,
  }));
}

export const PHYSICAL_SKUS = ['MUG-STONE', 'MUG-TJ', 'TOWEL-LINEN', 'BOARD-OAK-ENG', 'PRINT-A4', 'SKILLET-26', 'BOOK-TOKYO', 'SPOON-SET-3', 'DUTCH-OVEN-55'];
export const DIGITAL_SKUS = ['EBOOK-RECIPES', 'GIFTCARD-25', 'WORKSHOP-ONLINE'];

const EU = { taxRate: 0.19, pricesIncludeTax: true };
const US = { taxRate: 0.0825, pricesIncludeTax: false };

export const DEMO_CUSTOMERS: DemoCustomer[] = [
  { email: 'zoe.angstrom@example.se', ...EU, person: { name: 'Zoë Ångström', firstName: 'Zoë', lastName: 'Ångström', street: 'Drottninggatan 53\nLgh 1102', city: 'Stockholm', countryCode: 'SE', countryName: 'Sweden', postalCode: '111 21', stateOrProvinceName: 'Stockholms län', phone: '+46 8 123 456 78' } },
  { email: 'taro.yamada@example.jp', ...EU, person: { name: '山田 太郎', firstName: '太郎', lastName: '山田', street: '千代田区丸の内1-9-1', city: '東京', countryCode: 'JP', countryName: 'Japan', postalCode: '100-0005', stateOrProvinceCode: '13', stateOrProvinceName: '東京都', phone: '+81 3-1234-5678' } },
  { email: 'michael.scott@example.com', ...US, person: { name: 'Michael Scott', firstName: 'Michael', lastName: 'Scott', companyName: 'Dunder Mifflin', street: '1725 Slough Avenue\nSuite 200', city: 'Scranton', countryCode: 'US', countryName: 'United States', postalCode: '18505', stateOrProvinceCode: 'PA', stateOrProvinceName: 'Pennsylvania', phone: '+1 570 555 0143' } },
  { email: 'francois.lefevre@example.fr', ...EU, person: { name: 'François Lefèvre', firstName: 'François', lastName: 'Lefèvre', street: '12 Rue de Rivoli', city: 'Paris', countryCode: 'FR', countryName: 'France', postalCode: '75004', phone: '+33 1 23 45 67 89' } },
  { email: 'priya.natarajan@example.ca', ...US, person: { name: 'Priya Natarajan', firstName: 'Priya', lastName: 'Natarajan', street: '88 Queen St W\nUnit 1204', city: 'Toronto', countryCode: 'CA', countryName: 'Canada', postalCode: 'M5H 2M5', stateOrProvinceCode: 'ON', stateOrProvinceName: 'Ontario', phone: '+1 416 555 0199' } },
  { email: 'liam.oconnor@example.ie', ...EU, person: { name: "Liam O'Connor", firstName: 'Liam', lastName: "O'Connor", street: '14 Grafton Street', city: 'Dublin', countryCode: 'IE', countryName: 'Ireland', postalCode: 'D02 VF65', phone: '' } },
  { email: 'juergen.mueller@example.de', ...EU, person: { name: 'Jürgen Müller', firstName: 'Jürgen', lastName: 'Müller', companyName: 'Müller & Söhne GmbH', street: 'Königstraße 26', city: 'Stuttgart', countryCode: 'DE', countryName: 'Germany', postalCode: '70173', stateOrProvinceCode: 'BW', stateOrProvinceName: 'Baden-Württemberg', phone: '+49 711 123456' } },
  { email: 'olivia.brown@example.com', ...US, person: { name: 'Olivia Brown', firstName: 'Olivia', lastName: 'Brown', street: '742 Evergreen Terrace', city: 'Springfield', countryCode: 'US', countryName: 'United States', postalCode: '97477', stateOrProvinceCode: 'OR', stateOrProvinceName: 'Oregon', phone: '+1 541 555 0123' } },
  { email: 'chloe.dubois@example.ca', ...US, person: { name: 'Chloé Dubois', firstName: 'Chloé', lastName: 'Dubois', street: '400 Rue Saint-Paul O', city: 'Montréal', countryCode: 'CA', countryName: 'Canada', postalCode: 'H2Y 1C6', stateOrProvinceCode: 'QC', stateOrProvinceName: 'Québec', phone: '+1 514 555 0177' } },
  { email: 'mateo.garcia@example.es', ...EU, person: { name: 'Mateo García', firstName: 'Mateo', lastName: 'García', street: 'Calle de Alcalá 42, 3º B', city: 'Madrid', countryCode: 'ES', countryName: 'Spain', postalCode: '28014', stateOrProvinceCode: 'M', stateOrProvinceName: 'Madrid', phone: '+34 912 345 678' } },
  { email: 'aroha.ngata@example.nz', ...EU, person: { name: 'Aroha Ngata', firstName: 'Aroha', lastName: 'Ngata', street: '23 Ponsonby Road', city: 'Auckland', countryCode: 'NZ', countryName: 'New Zealand', postalCode: '1011', phone: '+64 9 555 0102' } },
  { email: 'emily.chen@example.com', ...US, person: { name: 'Emily Chen', firstName: 'Emily', lastName: 'Chen', street: '1600 Amphitheatre Pkwy', city: 'Mountain View', countryCode: 'US', countryName: 'United States', postalCode: '94043', stateOrProvinceCode: 'CA', stateOrProvinceName: 'California', phone: '+1 650 555 0111' } },
];

export const SHIPPING_METHODS: (EcwidShippingOption & { estimatedTransitTime?: string; pickupInstruction?: string })[] = [
  { shippingMethodId: '5481-1709547151586', shippingMethodName: 'Standard Shipping', shippingRate: 6.5, isPickup: false, fulfillmentType: 'SHIPPING', estimatedTransitTime: '3-5' },
  { shippingMethodId: 'usps-priority', shippingCarrierName: 'USPS', shippingMethodName: 'USPS Priority Mail', shippingRate: 9.85, isPickup: false, fulfillmentType: 'SHIPPING', estimatedTransitTime: '1-3' },
  { shippingMethodId: 'ups-ground', shippingCarrierName: 'UPS', shippingMethodName: 'UPS® Ground', shippingRate: 12.4, isPickup: false, fulfillmentType: 'SHIPPING', estimatedTransitTime: '2-5' },
  { shippingMethodId: 'dhl-express', shippingCarrierName: 'DHL', shippingMethodName: 'DHL Express Worldwide', shippingRate: 29.9, isPickup: false, fulfillmentType: 'SHIPPING', estimatedTransitTime: '2-4' },
  { shippingMethodId: 'local-courier', shippingMethodName: 'Local courier (same day)', shippingRate: 8, isPickup: false, fulfillmentType: 'DELIVERY' },
];

export const PICKUP_METHOD: EcwidShippingOption & { pickupInstruction: string } = {
  shippingMethodId: 'pickup-studio',
  shippingMethodName: 'Pickup at our studio',
  shippingRate: 0,
  isPickup: true,
  fulfillmentType: 'PICKUP',
  pickupInstruction: 'Ring the bell at the back door, Mon–Fri 10:00–17:00',
};
