/**
 * Customs declarations for international orders (docs/order-mapping.md §6a).
 *
 * An order is international when its ship-to country differs from the country the store ships from. ShipStation
 * then gets `internationalOptions`: contents "merchandise", non-delivery "return to sender", and one customs line
 * per physical order line (description, quantity, value per unit in US dollars, HS tariff code, country of origin).
 *
 * Ecwid has no customs fields on order lines, so the HS code and the country of origin come from the product,
 * found the way the stock location is (stock-location.ts): a product attribute named by the connection's setting,
 * else the first attribute whose name mentions "HS"/"tariff" (for the code) or "origin" (for the country), and,
 * for the code, Ecwid's own `customsHsTariffCode` product field when no attribute gives one.
 */
import type { EcwidOrder, EcwidOrderItem, EcwidProduct, EcwidProductAttribute, EcwidProfile } from './ecwid';
import { itemQuantity } from './order-filter';
import type { ShipStationCustomsItem, ShipStationInternationalOptions } from './shipstation';
import { num, objects, str, words, type Truncations } from './text';

/** What a product says about customs; either part may be unknown. */
export interface CustomsProductInfo {
  harmonizedTariffCode?: string;
  countryOfOrigin?: string;
}

export interface CustomsAttributeSettings {
  /** Name of the product attribute holding the HS tariff code (case-insensitive). */
  customsTariffCodeAttribute?: string;
  /** Name of the product attribute holding the two-letter country of origin (case-insensitive). */
  customsCountryOfOriginAttribute?: string;
}

/** What the mapping needs to declare customs; without it (customs turned off) nothing is declared. */
export interface CustomsContext {
  /** The country parcels leave from (see `storeCountryOf`); unknown → no order counts as international. */
  storeCountry?: string;
  /** The store's currency (`formatsAndUnits.currency`). */
  currency?: string;
  /** US dollars per unit of `currency` today (`formatsAndUnits.currencyRate`), used when the order has no rate. */
  currencyRate?: number;
  /** Customs facts of each product, by product ID. */
  products: Record<string, CustomsProductInfo | undefined>;
}

/** Longest description sent: the item-name limit. ShipStation documents none; carriers cut it on the form. */
export const CUSTOMS_DESCRIPTION_MAX = 200;
/** An attribute value longer than this is prose, not an HS code (the longest national codes have 14 digits). */
const TARIFF_CODE_MAX = 20;

const TARIFF_WORD = /(^| )(hs|hts|tariff|harmoni[sz]ed)( |$)/;
const ORIGIN_WORD = /(^| )origin( |$)/;

/**
 * The country parcels are shipped from: the profile's shipping origin, else the company address. The docs'
 * own profile has the company in Georgia and the shipping origin in the Netherlands; customs depend on the second.
 */
export function storeCountryOf(profile: EcwidProfile | undefined | null): string | undefined {
  const origin = countryCode(profile?.shipping?.shippingOrigin?.countryCode);
  return origin ?? countryCode(profile?.company?.countryCode);
}

/** A two-letter country code, upper-cased; anything else is unknown. */
export function countryCode(value: unknown): string | undefined {
  const v = str(value).trim().toUpperCase();
  return /^[A-Z]{2}$/.test(v) ? v : undefined;
}

/** The HS code and country of origin a product's attributes (or Ecwid's HS field) give. */
export function pickCustomsInfo(product: EcwidProduct | undefined | null, settings: CustomsAttributeSettings = {}): CustomsProductInfo {
  const attributes = objects<EcwidProductAttribute>(product?.attributes).filter((a) => str(a.value).trim() !== '');
  const named = (wanted: string | undefined) => {
    const name = str(wanted).trim().toLowerCase();
    return name ? attributes.find((a) => str(a.name).trim().toLowerCase() === name) : undefined;
  };
  const isOrigin = (a: EcwidProductAttribute) => ORIGIN_WORD.test(words(str(a.name)));
  const tariffAttribute = str(settings.customsTariffCodeAttribute).trim()
    ? named(settings.customsTariffCodeAttribute)
    : attributes.find((a) => !isOrigin(a) && TARIFF_WORD.test(words(str(a.name))));
  const originAttribute = str(settings.customsCountryOfOriginAttribute).trim()
    ? named(settings.customsCountryOfOriginAttribute)
    : attributes.find(isOrigin);

  const info: CustomsProductInfo = {};
  const code = tariffCode(tariffAttribute?.value) ?? tariffCode(product?.customsHsTariffCode);
  if (code) info.harmonizedTariffCode = code;
  const origin = countryCode(originAttribute?.value);
  if (origin) info.countryOfOrigin = origin;
  return info;
}

function tariffCode(value: unknown): string | undefined {
  const v = str(value).trim().replace(/\s+/g, ' ');
  return v !== '' && v.length <= TARIFF_CODE_MAX ? v : undefined;
}

/** Whether the order ships abroad: both countries known and different. */
export function isInternational(order: EcwidOrder, storeCountry: string | undefined): boolean {
  const to = countryCode(order.shippingPerson?.countryCode);
  return storeCountry !== undefined && to !== undefined && to !== storeCountry;
}

/**
 * US dollars per unit of the store's currency for this order: 1 in a USD store; else the order's own rate
 * (`usdTotal / total`, fixed by Ecwid on the day of the sale); else the profile's current `currencyRate`;
 * else unknown.
 */
export function usdRate(order: EcwidOrder, ctx: Pick<CustomsContext, 'currency' | 'currencyRate'>): number | undefined {
  if (str(ctx.currency).trim().toUpperCase() === 'USD') return 1;
  const usdTotal = num(order.usdTotal);
  const total = num(order.total);
  if (usdTotal !== undefined && total !== undefined && usdTotal > 0 && total > 0) return usdTotal / total;
  const rate = num(ctx.currencyRate);
  return rate !== undefined && rate > 0 ? rate : undefined;
}

/** Money rounded to cents (the same rule as the mapping's, kept local to avoid a cycle). */
function cents(value: number): number {
  const c = Math.round(Number((value * 100).toPrecision(15))) / 100;
  return Number.isFinite(c) && c > 0 ? c : 0;
}

/**
 * The customs declaration of an international order, or null: domestic order, unknown store country, or no way
 * to express the values in US dollars (then ShipStation's own customs defaults apply, rather than values in the
 * wrong currency).
 */
export function internationalOptionsFor(
  order: EcwidOrder,
  physicalItems: EcwidOrderItem[],
  ctx: CustomsContext,
  t: Truncations,
): ShipStationInternationalOptions | null {
  if (!isInternational(order, ctx.storeCountry)) return null;
  const rate = usdRate(order, ctx);
  if (rate === undefined) return null;
  const customsItems = objects<EcwidOrderItem>(physicalItems).map((item, i): ShipStationCustomsItem => {
    const productId = num(item.productId);
    const facts = productId === undefined ? undefined : ctx.products?.[String(productId)];
    const path = `internationalOptions.customsItems[${i}].description`;
    const description =
      t.text(item.name, CUSTOMS_DESCRIPTION_MAX, path) ?? t.text(item.sku, CUSTOMS_DESCRIPTION_MAX, path, { decode: false }) ?? 'Merchandise';
    const price = num(item.price);
    return {
      description,
      quantity: itemQuantity(item),
      value: price !== undefined && price > 0 ? cents(price * rate) : 0,
      harmonizedTariffCode: facts?.harmonizedTariffCode ?? null,
      countryOfOrigin: facts?.countryOfOrigin ?? null,
    };
  });
  return { contents: 'merchandise', customsItems, nonDelivery: 'return_to_sender' };
}
