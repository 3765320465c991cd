/**
 * End to end, the package size and the customs declaration of an international order reach ShipStation: the
 * test reads the HTTP request that actually arrived at the ShipStation simulator, not the connector's intent.
 */
import type { ShipStationOrder } from '../../src/domain/shipstation';
import { importableOrder } from '../helpers/orders';
import { SS_ACCOUNT, eventually, startTestStack, type TestStack } from '../helpers/stack';

const STORE = 4701;
const TOKEN = 'secret_store_4701_token';
const PRODUCT = 900_001;

describe('an international order with a known package size', () => {
  let stack: TestStack;

  beforeAll(async () => {
    stack = await startTestStack();
    // A metric demo store: ships from Germany, sells in euros, sizes in centimetres (simulator profile).
    stack.ecwid.addStore({ storeId: STORE, token: TOKEN, plan: 'VENTURE', weightUnit: 'KILOGRAM' });
    stack.ecwid.upsertProduct(STORE, {
      id: PRODUCT,
      sku: 'BOWL-1',
      name: 'Serving bowl',
      attributes: [
        { name: 'HS code', value: '6912.00' },
        { name: 'Country of origin', value: 'PT' },
      ],
    });
  });
  afterAll(async () => {
    await stack?.stop();
  });

  test('createorders carries dimensions in centimeters and one customs line in dollars', async () => {
    const saved = stack.ecwid.upsertOrder(
      STORE,
      importableOrder({
        total: 40,
        usdTotal: 43.2,
        items: [
          { id: 1, productId: PRODUCT, sku: 'BOWL-1', name: 'Serving bowl', quantity: 1, price: 40, weight: 1.2, isShippingRequired: true, dimensions: { length: 30, width: 30, height: 12.5 } },
        ],
      }),
    );
    const res = await stack.api('/connections', { method: 'POST', body: JSON.stringify({ ecwidStoreId: STORE, ecwidAccessToken: TOKEN }) });
    expect(res.status).toBe(201);
    const key = `ecwid-${STORE}-${saved.id}`;
    await eventually(() => stack.shipstation.ordersByKey(SS_ACCOUNT.apiKey).get(key), 30_000, 100);

    const sent = stack.shipstation.requests.entries
      .filter((r) => r.method === 'POST' && /\/orders\/createorders?$/.test(r.path))
      .flatMap((r) => (Array.isArray(r.body) ? r.body : [r.body]) as ShipStationOrder[])
      .find((o) => o.orderKey === key);
    expect(sent?.dimensions).toEqual({ length: 30, width: 30, height: 12.5, units: 'centimeters' });
    expect(sent?.internationalOptions).toEqual({
      contents: 'merchandise',
      nonDelivery: 'return_to_sender',
      customsItems: [{ description: 'Serving bowl', quantity: 1, value: 43.2, harmonizedTariffCode: '6912.00', countryOfOrigin: 'PT' }],
    });
    // And ShipStation stored it as sent, customs line ID added.
    const stored = stack.shipstation.ordersByKey(SS_ACCOUNT.apiKey).get(key);
    expect(stored?.internationalOptions?.customsItems?.[0]).toMatchObject({ harmonizedTariffCode: '6912.00', customsItemId: expect.any(Number) });
  });
});
