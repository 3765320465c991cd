import { checkStoreChoice, defaultStoreOf, isManualStore, storeOptions } from '../../src/domain/shipstation-store-choice';

const stores = [
  { storeId: 22766, storeName: 'ShipStation Manual Store', marketplaceId: 0, marketplaceName: 'ShipStation', active: true },
  { storeId: 25748, storeName: "Ashley's Test WooCommerce", marketplaceId: 36, marketplaceName: 'WooCommerce', active: true },
  { storeId: 30001, storeName: 'Old manual', marketplaceId: 0, marketplaceName: 'ShipStation', active: false },
  { storeId: 30002, storeName: 'Wholesale', marketplaceId: 0, marketplaceName: 'ShipStation', active: true },
];

describe('the ShipStation store a connection sends its orders to', () => {
  test('only active manual stores of the account can be chosen', () => {
    expect(isManualStore(stores[0])).toBe(true);
    expect(isManualStore(stores[1])).toBe(false);
    expect(storeOptions(stores).map((o) => [o.storeId, o.selectable, o.why])).toEqual([
      [22766, true, undefined],
      [25748, false, 'not a manual store (selling channel WooCommerce)'],
      [30001, false, 'inactive'],
      [30002, true, undefined],
    ]);
    expect(checkStoreChoice(stores, 30002)).toMatchObject({ ok: true, store: { storeName: 'Wholesale' } });
    expect(checkStoreChoice(stores, 25748)).toEqual({ ok: false, message: `ShipStation store 25748 ("Ashley's Test WooCommerce") can't receive orders: not a manual store (selling channel WooCommerce)` });
    expect(checkStoreChoice(stores, 30001)).toMatchObject({ ok: false });
    expect(checkStoreChoice(stores, 1)).toEqual({ ok: false, message: "ShipStation store 1 is not one of this ShipStation account's stores" });
  });

  test('without a choice, orders go to the first manual store', () => {
    expect(defaultStoreOf(stores)?.storeId).toBe(22766);
    expect(defaultStoreOf([stores[1], stores[2], stores[3]])?.storeId).toBe(30002);
  });
});
