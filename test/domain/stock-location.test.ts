import type { EcwidProduct } from '../../src/domain/ecwid';
import { pickStockLocation } from '../../src/domain/stock-location';

const product = (attributes: EcwidProduct['attributes']): EcwidProduct => ({ id: 1, attributes });

describe('pickStockLocation (spec §6)', () => {
  it('uses the attribute named by the setting, case-insensitively', () => {
    const p = product([
      { name: 'Bin', value: 'B-7' },
      { name: 'Shelf', value: ' S-12 ' },
    ]);
    expect(pickStockLocation(p, 'shelf')).toBe('S-12');
  });

  it('with a setting, uses only that attribute', () => {
    expect(pickStockLocation(product([{ name: 'Bin', value: 'B-7' }]), 'Shelf')).toBeUndefined();
  });

  it('by default takes the first attribute named like a location or a bin', () => {
    expect(pickStockLocation(product([{ name: 'Brand', value: 'Acme' }, { name: 'Stock location', value: 'A1' }, { name: 'Bin', value: 'B2' }]))).toBe('A1');
    expect(pickStockLocation(product([{ name: 'BIN #', value: 'B2' }]))).toBe('B2');
    expect(pickStockLocation(product([{ name: 'warehouse_location', value: 'W3' }]))).toBe('W3');
  });

  it('ignores empty values and look-alike names', () => {
    expect(pickStockLocation(product([{ name: 'Location', value: '  ' }, { name: 'Bin', value: 'B2' }]))).toBe('B2');
    expect(pickStockLocation(product([{ name: 'Cabinet color', value: 'oak' }, { name: 'Allocation', value: 'x' }]))).toBeUndefined();
    expect(pickStockLocation(product(undefined))).toBeUndefined();
    expect(pickStockLocation(undefined)).toBeUndefined();
  });
});
