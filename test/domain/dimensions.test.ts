import fc from 'fast-check';
import { packageDimensions, toShipStationDimensions } from '../../src/domain/dimensions';
import type { EcwidOrder, EcwidOrderItem } from '../../src/domain/ecwid';

describe('toShipStationDimensions: Ecwid units → inches or centimeters', () => {
  test.each([
    ['MM', { length: 305, width: 210, height: 45 }, { length: 30.5, width: 21, height: 4.5, units: 'centimeters' }],
    ['CM', { length: 30, width: 20, height: 4.5 }, { length: 30, width: 20, height: 4.5, units: 'centimeters' }],
    ['IN', { length: 12, width: 8.25, height: 2 }, { length: 12, width: 8.25, height: 2, units: 'inches' }],
    ['YD', { length: 1, width: 0.5, height: 0.25 }, { length: 36, width: 18, height: 9, units: 'inches' }],
    ['cm', { length: 10, width: 10, height: 10 }, { length: 10, width: 10, height: 10, units: 'centimeters' }],
  ])('%s', (unit, size, expected) => {
    expect(toShipStationDimensions(size, unit)).toEqual(expected);
  });

  test('rounds to two decimals', () => {
    expect(toShipStationDimensions({ length: 1.234, width: 1.235, height: 3 }, 'MM')).toEqual({ length: 0.12, width: 0.12, height: 0.3, units: 'centimeters' });
  });

  test.each([
    ['zeros (how Ecwid says "not set")', { length: 0, width: 0, height: 0 }, 'CM'],
    ['one side zero', { length: 10, width: 0, height: 5 }, 'CM'],
    ['a side missing', { length: 10, width: 5 }, 'CM'],
    ['a negative side', { length: 10, width: -5, height: 5 }, 'IN'],
    ['a side that rounds to 0', { length: 10, width: 0.04, height: 5 }, 'MM'],
    ['not numbers', { length: 'ten', width: 5, height: 5 } as unknown as { length: number }, 'CM'],
    ['an unknown unit', { length: 10, width: 5, height: 5 }, 'FT'],
    ['no unit', { length: 10, width: 5, height: 5 }, undefined],
  ])('sends nothing for %s', (_what, size, unit) => {
    expect(toShipStationDimensions(size, unit)).toBeNull();
  });

  test('property: the result is null or three positive sides, never a zero', () => {
    fc.assert(
      fc.property(
        fc.record({ length: fc.double(), width: fc.double(), height: fc.double() }),
        fc.constantFrom('MM', 'CM', 'IN', 'YD', 'FT', ''),
        (size, unit) => {
          const d = toShipStationDimensions(size, unit);
          return d === null || [d.length, d.width, d.height].every((v) => Number.isFinite(v) && v > 0);
        },
      ),
    );
  });
});

describe('packageDimensions: which size the order sends', () => {
  const item = (over: Partial<EcwidOrderItem> = {}): EcwidOrderItem => ({ id: 1, name: 'Box', quantity: 1, isShippingRequired: true, ...over });
  const sized = { length: 20, width: 10, height: 5 };

  test("Ecwid's single predicted package first", () => {
    const order: EcwidOrder = { predictedPackage: [{ length: 40, width: 30, height: 20, weight: 2, declaredValue: 50 }] };
    expect(packageDimensions(order, [item({ dimensions: sized })], 'CM')).toEqual({ length: 40, width: 30, height: 20, units: 'centimeters' });
  });

  test('a predicted package of zeros falls back to the one item shipped', () => {
    const order: EcwidOrder = { predictedPackage: [{ length: 0, width: 0, height: 0, weight: 0.4 }] };
    expect(packageDimensions(order, [item({ dimensions: sized })], 'IN')).toEqual({ ...sized, units: 'inches' });
  });

  test('several predicted packages send nothing: one order has one size', () => {
    const box = { length: 40, width: 30, height: 20 };
    expect(packageDimensions({ predictedPackage: [box, box] }, [item({ dimensions: sized })], 'CM')).toBeNull();
  });

  test('several units or several lines without a predicted size send nothing (a box would be a guess)', () => {
    expect(packageDimensions({ predictedPackage: [] }, [item({ dimensions: sized, quantity: 2 })], 'CM')).toBeNull();
    expect(packageDimensions({}, [item({ dimensions: sized }), item({ id: 2, dimensions: sized })], 'CM')).toBeNull();
  });

  test('no size anywhere sends nothing', () => {
    expect(packageDimensions({}, [item()], 'CM')).toBeNull();
    expect(packageDimensions({ predictedPackage: 'junk' as unknown as [] }, [item({ dimensions: { length: 0, width: 0, height: 0 } })], 'CM')).toBeNull();
  });
});
