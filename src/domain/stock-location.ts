/**
 * Stock location (spec §6): Ecwid has no warehouse or bin field, so merchants keep it in a product attribute.
 * With the connection's `stockLocationAttribute` setting, that attribute (name compared case-insensitively) and
 * only it is used; without the setting, the first attribute whose name has the word "location" or "bin".
 * Whole words, so "Cabinet color" or "Allocation" are not mistaken for a bin or a location.
 */
import type { EcwidProduct, EcwidProductAttribute } from './ecwid';
import { objects, str, words } from './text';

const LOCATION_WORD = /(^| )(locations?|bins?)( |$)/;

export function pickStockLocation(product: EcwidProduct | undefined | null, attributeName?: string): string | undefined {
  const attributes = objects<EcwidProductAttribute>(product?.attributes).filter((a) => str(a.value).trim() !== '');
  const wanted = str(attributeName).trim().toLowerCase();
  const found = wanted
    ? attributes.find((a) => str(a.name).trim().toLowerCase() === wanted)
    : attributes.find((a) => LOCATION_WORD.test(words(str(a.name))));
  return found ? str(found.value).trim() : undefined;
}
