/**
 * Weights (spec §5): Ecwid weights are in the store's unit (`formatsAndUnits.weightUnit`); ShipStation takes
 * grams, ounces or pounds. A missing, zero, negative or non-numeric weight is sent as 0: it is never guessed.
 */
import type { EcwidWeightUnit } from './ecwid';
import type { ShipStationWeight } from './shipstation';

type Units = ShipStationWeight['units'];

/** Target unit and factor for each Ecwid unit. */
const CONVERSIONS: Record<EcwidWeightUnit, { units: Units; factor: number }> = {
  GRAM: { units: 'grams', factor: 1 },
  KILOGRAM: { units: 'grams', factor: 1000 },
  CARAT: { units: 'grams', factor: 0.2 },
  OUNCE: { units: 'ounces', factor: 1 },
  POUND: { units: 'pounds', factor: 1 },
};

/** Grams per unit, to add weights of different units. */
const GRAMS_PER: Record<Units, number> = { grams: 1, ounces: 28.349523125, pounds: 453.59237 };

/** Four decimals: a tenth of a milligram, well below what any scale or carrier uses. */
const DECIMALS = 1e4;

/** A weight value rounded to 4 decimals; anything not a finite positive number is 0. */
export function roundWeight(value: number): number {
  if (!Number.isFinite(value) || value <= 0) return 0;
  const rounded = Math.round(value * DECIMALS) / DECIMALS;
  return Number.isFinite(rounded) ? rounded : 0;
}

/**
 * ShipStation weight of an Ecwid weight. An unknown unit is read as KILOGRAM, Ecwid's default and the default the
 * import uses when the profile has no unit.
 */
export function toShipStationWeight(value: number | undefined | null, unit: EcwidWeightUnit): ShipStationWeight {
  const conversion = CONVERSIONS[unit] ?? CONVERSIONS.KILOGRAM;
  const v = typeof value === 'number' && Number.isFinite(value) && value > 0 ? value * conversion.factor : 0;
  return { value: roundWeight(v), units: conversion.units };
}

/** The ShipStation unit an Ecwid unit converts to. */
export function shipStationWeightUnits(unit: EcwidWeightUnit): Units {
  return (CONVERSIONS[unit] ?? CONVERSIONS.KILOGRAM).units;
}

/** `weight` × `count` (e.g. a unit weight times the quantity). */
export function multiplyWeight(weight: ShipStationWeight, count: number): ShipStationWeight {
  return { value: roundWeight(weight.value * count), units: weight.units };
}

/** A weight in other units. */
export function convertWeight(weight: ShipStationWeight, units: Units): ShipStationWeight {
  if (weight.units === units) return { value: roundWeight(weight.value), units };
  return { value: roundWeight((weight.value * GRAMS_PER[weight.units]) / GRAMS_PER[units]), units };
}

/**
 * Sum of weights, in `units` (default: the first weight's units, else grams). Inputs are normally all in the
 * store's target unit; mixed units are converted rather than added blindly. Rounded once, at the end.
 */
export function sumWeights(weights: readonly ShipStationWeight[], units?: Units): ShipStationWeight {
  const target: Units = units ?? weights[0]?.units ?? 'grams';
  let total = 0;
  for (const w of weights) {
    const v = Number.isFinite(w.value) && w.value > 0 ? w.value : 0;
    total += w.units === target ? v : (v * GRAMS_PER[w.units]) / GRAMS_PER[target];
  }
  return { value: roundWeight(total), units: target };
}
