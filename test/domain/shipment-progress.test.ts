import type { EcwidOrderItem } from '../../src/domain/ecwid';
import type { CompactShipment } from '../../src/domain/shipment-notice';
import { partialShipmentUpdate, shipmentProgress, SHIPPED_ITEMS_FIELD_ID } from '../../src/domain/shipment-progress';
import { buildFulfillmentUpdate, partlyShippedThroughShipStation, shippedThroughShipStation } from '../../src/domain/shipment-update';
import { asShipment } from '../../src/domain/shipment-notice';
import { SURCHARGE_LINE_KEY_PREFIX } from '../../src/domain/order-mapping';
import type { EcwidOrderUpdate } from '../../src/domain/ecwid';

const items: EcwidOrderItem[] = [
  { id: 11, sku: 'MUG', name: 'Mug', quantity: 2, isShippingRequired: true },
  { id: 12, sku: 'TEE', name: 'T-shirt', quantity: 1, isShippingRequired: true },
];

function label(
  shipmentId: number,
  lines: { key?: string | null; sku?: string | null; qty: number; adjustment?: true }[],
  extra: Partial<CompactShipment> = {},
): CompactShipment {
  return {
    shipmentId,
    createDate: `2026-05-01T10:00:0${shipmentId % 10}.0000000`,
    shipDate: '2026-05-01',
    trackingNumber: `TRK${shipmentId}`,
    carrierCode: 'ups',
    serviceCode: 'ups_ground',
    shipmentCost: 5,
    insuranceCost: 0,
    voided: false,
    voidDate: null,
    isReturnLabel: false,
    items: lines.map((l) => ({ lineItemKey: l.key ?? null, sku: l.sku ?? null, quantity: l.qty, ...(l.adjustment ? { adjustment: l.adjustment } : {}) })),
    ...extra,
  };
}

const full = (labels: CompactShipment[]) => buildFulfillmentUpdate(labels.map(asShipment)) as EcwidOrderUpdate;

describe('fee lines on a label', () => {
  test('a surcharge line (known by its key: shipment items carry no adjustment flag) is neither goods nor another order\'s', () => {
    const p = shipmentProgress(items, [label(1, [{ key: '11', qty: 2 }, { key: '12', qty: 1 }, { key: `${SURCHARGE_LINE_KEY_PREFIX}small-order-fee`, qty: 1 }])]);
    expect(p).toMatchObject({ complete: true, foreignItems: 0 });
  });
});

describe('shipped items of a split order', () => {
  test('a label covering every unit completes the order; discount lines count for nothing', () => {
    const p = shipmentProgress(items, [label(1, [{ key: '11', qty: 2 }, { key: '12', qty: 1 }, { key: 'ecwid-coupon', qty: 1, adjustment: true }])]);
    expect(p).toMatchObject({ complete: true, ordered: 3, shipped: 3, foreignItems: 0 });
    expect(p.lines.map((l) => [l.key, l.shipped, l.trackingNumbers])).toEqual([
      ['11', 2, ['TRK1']],
      ['12', 1, ['TRK1']],
    ]);
  });

  test('part shipped, then the last label completes it; each line says under which tracking number', () => {
    const first = label(1, [{ key: '11', qty: 1 }]);
    const partial = shipmentProgress(items, [first]);
    expect(partial).toMatchObject({ complete: false, ordered: 3, shipped: 1 });
    const second = label(2, [{ key: '11', qty: 1 }, { key: '12', qty: 1 }]);
    const done = shipmentProgress(items, [second, first]);
    expect(done.complete).toBe(true);
    expect(done.lines[0].trackingNumbers).toEqual(['TRK1', 'TRK2']);
    expect(done.lines[1].trackingNumbers).toEqual(['TRK2']);
  });

  test('voided and return labels ship nothing', () => {
    const p = shipmentProgress(items, [
      label(1, [{ key: '11', qty: 2 }, { key: '12', qty: 1 }], { voided: true, voidDate: '2026-05-02T08:00:00' }),
      label(2, [{ key: '12', qty: 1 }]),
      label(3, [{ key: '11', qty: 2 }], { isReturnLabel: true }),
    ]);
    expect(p).toMatchObject({ complete: false, shipped: 1 });
  });

  test('SKU matches only where keys cannot: items keyed to another order are foreign (a merged order)', () => {
    const p = shipmentProgress(items, [label(1, [{ key: '99', sku: 'MUG', qty: 2 }, { key: null, sku: 'TEE', qty: 1 }])]);
    expect(p).toMatchObject({ complete: false, shipped: 1, foreignItems: 2 });
    const noIds = shipmentProgress([{ sku: 'MUG', name: 'Mug', quantity: 2, isShippingRequired: true }], [label(2, [{ key: '5', sku: 'MUG', qty: 2 }])]);
    expect(noIds.complete).toBe(true);
  });

  test('a label without an item list ships the whole order (as before split shipments were read)', () => {
    expect(shipmentProgress(items, [label(1, [])]).complete).toBe(true);
  });

  test('digital items are not waited for: only physical ones count', () => {
    const p = shipmentProgress(items.slice(0, 1), [label(1, [{ key: '11', qty: 2 }])]);
    expect(p.complete).toBe(true);
  });
});

describe('the Ecwid update of a partly shipped order', () => {
  const labels = [label(1, [{ key: '11', qty: 1 }])];
  const progress = shipmentProgress(items, labels);

  test('not SHIPPED: PROCESSING, or the connection\'s partial status; tracking number and what shipped so far', () => {
    const plain = partialShipmentUpdate(full(labels), progress, { currentStatus: 'AWAITING_PROCESSING' });
    expect(plain.keptShipped).toBe(false);
    expect(plain.update.fulfillmentStatus).toBe('PROCESSING');
    expect(plain.update.trackingNumber).toBe('TRK1');
    const fields = Object.fromEntries((plain.update.orderExtraFields ?? []).map((f) => [f.id, f.value]));
    expect(fields.shipstation_tracking_numbers).toBe('TRK1');
    expect(fields[SHIPPED_ITEMS_FIELD_ID]).toBe('1 of 3 items: Mug × 1 of 2');

    const custom = partialShipmentUpdate(full(labels), progress, { currentStatus: 'PROCESSING', partialShipmentStatus: 'CUSTOM_FULFILLMENT_STATUS_2' });
    expect(custom.update.fulfillmentStatus).toBe('CUSTOM_FULFILLMENT_STATUS_2');
  });

  test('an order Ecwid has shipped stays shipped (a void does not un-ship): no status is sent', () => {
    const d = partialShipmentUpdate(full(labels), progress, { currentStatus: 'SHIPPED', partialShipmentStatus: 'CUSTOM_FULFILLMENT_STATUS_1' });
    expect(d.keptShipped).toBe(true);
    expect(d.update.fulfillmentStatus).toBeUndefined();
    expect(d.update.trackingNumber).toBe('TRK1');
  });

  test('a partly shipped order is recognised by the re-import, a shipped one as before', () => {
    const fields = partialShipmentUpdate(full(labels), progress, {}).update.orderExtraFields;
    expect(partlyShippedThroughShipStation({ fulfillmentStatus: 'PROCESSING', orderExtraFields: fields })).toBe(true);
    expect(partlyShippedThroughShipStation({ fulfillmentStatus: 'SHIPPED', orderExtraFields: fields })).toBe(false);
    expect(partlyShippedThroughShipStation({ fulfillmentStatus: 'PROCESSING', orderExtraFields: full(labels).orderExtraFields })).toBe(false);
    expect(shippedThroughShipStation({ fulfillmentStatus: 'SHIPPED', orderExtraFields: full(labels).orderExtraFields })).toBe(true);
  });
});
