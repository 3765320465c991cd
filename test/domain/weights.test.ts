import { WEIGHT_UNITS } from '../../src/domain/ecwid';
import { convertWeight, multiplyWeight, sumWeights, toShipStationWeight } from '../../src/domain/weights';

describe('weights (spec §5)', () => {
  it.each([
    ['GRAM', 250, { value: 250, units: 'grams' }],
    ['KILOGRAM', 0.4, { value: 400, units: 'grams' }],
    ['CARAT', 5, { value: 1, units: 'grams' }],
    ['OUNCE', 12.5, { value: 12.5, units: 'ounces' }],
    ['POUND', 2.25, { value: 2.25, units: 'pounds' }],
  ] as const)('converts %s', (unit, value, expected) => {
    expect(toShipStationWeight(value, unit)).toEqual(expected);
  });

  it.each(WEIGHT_UNITS)('sends 0 for a missing, zero, negative or non-numeric weight in %s', (unit) => {
    const target = toShipStationWeight(1, unit).units;
    for (const v of [undefined, null, 0, -3, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(toShipStationWeight(v, unit)).toEqual({ value: 0, units: target });
    }
  });

  it('rounds to 4 decimals without float noise', () => {
    expect(toShipStationWeight(0.1 + 0.2, 'POUND').value).toBe(0.3);
    expect(toShipStationWeight(1.23456789, 'KILOGRAM').value).toBe(1234.5679);
    expect(toShipStationWeight(0.00001, 'OUNCE').value).toBe(0);
  });

  it('reads an unknown unit as KILOGRAM', () => {
    expect(toShipStationWeight(2, 'STONE' as never)).toEqual({ value: 2000, units: 'grams' });
  });

  it('sums and multiplies', () => {
    expect(sumWeights([])).toEqual({ value: 0, units: 'grams' });
    expect(sumWeights([], 'ounces')).toEqual({ value: 0, units: 'ounces' });
    expect(sumWeights([{ value: 400, units: 'grams' }, multiplyWeight({ value: 250, units: 'grams' }, 2)])).toEqual({
      value: 900,
      units: 'grams',
    });
    // Mixed units are converted, not added blindly: 1 lb + 16 oz = 2 lb.
    expect(sumWeights([{ value: 1, units: 'pounds' }, { value: 16, units: 'ounces' }])).toEqual({ value: 2, units: 'pounds' });
    expect(convertWeight({ value: 1, units: 'pounds' }, 'grams')).toEqual({ value: 453.5924, units: 'grams' });
  });
});
