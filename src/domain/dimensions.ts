/**
 * Package dimensions (docs/order-mapping.md §5a): Ecwid gives sizes in the store's `formatsAndUnits.dimensionsUnit`
 * (`MM`, `CM`, `IN`, `YD`); ShipStation takes `inches` or `centimeters`. A size is sent only when it is known:
 * a unit we understand and three positive numbers. Ecwid writes zeros for "not set", and a zero sent to
 * ShipStation would look like a real (impossible) box, so zeros, missing or unreadable sizes send nothing.
 */
import type { EcwidDimensions, EcwidOrder, EcwidOrderItem } from './ecwid';
import { itemQuantity } from './order-filter';
import type { ShipStationDimensions } from './shipstation';
import { num, objects } from './text';

/** Target unit and factor for each Ecwid unit: metric stays metric, imperial stays imperial. */
const CONVERSIONS: Record<string, { units: ShipStationDimensions['units']; factor: number }> = {
  MM: { units: 'centimeters', factor: 0.1 },
  CM: { units: 'centimeters', factor: 1 },
  IN: { units: 'inches', factor: 1 },
  YD: { units: 'inches', factor: 36 },
};

/** Two decimals: a tenth of a millimetre is below what any carrier measures. */
function round2(value: number): number {
  return Math.round(value * 100) / 100;
}

/**
 * ShipStation dimensions of an Ecwid size in `unit`, or null when the size or the unit is not known. A side that
 * rounds to 0 (under 0.005 of the target unit) counts as unknown too.
 */
export function toShipStationDimensions(size: EcwidDimensions | undefined | null, unit: string | undefined | null): ShipStationDimensions | null {
  if (!size || typeof size !== 'object') return null;
  const conversion = CONVERSIONS[String(unit ?? '').trim().toUpperCase()];
  if (!conversion) return null;
  const sides = [num(size.length), num(size.width), num(size.height)].map((v) =>
    v !== undefined && v > 0 ? round2(v * conversion.factor) : 0,
  );
  if (sides.some((v) => !Number.isFinite(v) || v <= 0)) return null;
  const [length, width, height] = sides;
  return { length, width, height, units: conversion.units };
}

/**
 * The order's package size:
 * 1. Ecwid's `predictedPackage` when it predicts exactly one parcel with a known size (several parcels do not fit
 *    the one `dimensions` of a ShipStation order, so none is sent rather than one box of several);
 * 2. else, when the order ships a single unit of a single product, that item's `dimensions` (the parcel is the
 *    item; for several items any box would be a guess);
 * 3. else nothing.
 */
export function packageDimensions(order: EcwidOrder, physicalItems: EcwidOrderItem[], unit: string | undefined | null): ShipStationDimensions | null {
  const packages = objects<EcwidDimensions>(order.predictedPackage);
  if (packages.length === 1) {
    const predicted = toShipStationDimensions(packages[0], unit);
    if (predicted) return predicted;
  }
  if (packages.length > 1) return null;
  const lines = objects<EcwidOrderItem>(physicalItems);
  if (lines.length === 1 && itemQuantity(lines[0]) === 1) return toShipStationDimensions(lines[0].dimensions, unit);
  return null;
}
