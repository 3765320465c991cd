import type { EcwidOrder } from '../../src/domain/ecwid';

/** A paid Ecwid order, awaiting processing, with a US address and one physical item: importable as is. */
export function importableOrder(overrides: Partial<EcwidOrder> = {}): EcwidOrder {
  return {
    email: 'buyer@example.com',
    paymentStatus: 'PAID',
    fulfillmentStatus: 'AWAITING_PROCESSING',
    total: 20,
    createTimestamp: Math.floor(Date.now() / 1000) - 3600,
    items: [{ id: 1, productId: 11, sku: 'MUG', name: 'Mug', quantity: 1, price: 20, weight: 0.4, isShippingRequired: true }],
    shippingPerson: { name: 'Ann Buyer', street: '1 Main St', city: 'Springfield', countryCode: 'US', postalCode: '12345', stateOrProvinceCode: 'IL' },
    ...overrides,
  };
}
