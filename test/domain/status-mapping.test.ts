import { FULFILLMENT_STATUSES, PAYMENT_STATUSES } from '../../src/domain/ecwid';
import {
  isMappableStatus,
  MAPPABLE_SHIPSTATION_STATUSES,
  mapStatus,
  SHIPSTATION_STATUS_LABELS,
  type StatusDecision,
  type StatusMapping,
} from '../../src/domain/status-mapping';
import { SHIPSTATION_ORDER_STATUSES } from '../../src/domain/shipstation';

const STANDARD_PAYMENT = PAYMENT_STATUSES.filter((s) => !s.startsWith('CUSTOM_'));
const STANDARD_FULFILLMENT = FULFILLMENT_STATUSES.filter((s) => !s.startsWith('CUSTOM_'));

/** Spec §4, written out row by row (plus: INCOMPLETE is never imported; WILL_NOT_DELIVER/RETURNED win). */
function expected(payment: string, fulfillment: string): StatusDecision {
  if (payment === 'INCOMPLETE') return { skip: 'unmapped_status:INCOMPLETE' };
  if (fulfillment === 'WILL_NOT_DELIVER' || fulfillment === 'RETURNED') return { status: 'cancelled' };
  if (payment === 'CANCELLED' || payment === 'REFUNDED') return { status: 'cancelled' };
  if (payment === 'AWAITING_PAYMENT') return { status: 'awaiting_payment' };
  // PAID, PARTIALLY_REFUNDED
  if (fulfillment === 'AWAITING_PROCESSING' || fulfillment === 'PROCESSING') return { status: 'awaiting_shipment' };
  return { status: 'shipped' }; // SHIPPED, DELIVERED, READY_FOR_PICKUP, OUT_FOR_DELIVERY
}

describe('status mapping (spec §4), default table', () => {
  const cases = STANDARD_PAYMENT.flatMap((p) => STANDARD_FULFILLMENT.map((f) => [p, f] as const));

  it('covers every standard payment × fulfillment combination', () => {
    expect(cases).toHaveLength(6 * 8);
  });

  it.each(cases)('%s + %s', (payment, fulfillment) => {
    expect(mapStatus(payment, fulfillment, {})).toEqual(expected(payment, fulfillment));
  });

  it('spot-checks the rows as the spec states them', () => {
    expect(mapStatus('AWAITING_PAYMENT', 'SHIPPED')).toEqual({ status: 'awaiting_payment' });
    expect(mapStatus('PARTIALLY_REFUNDED', 'PROCESSING')).toEqual({ status: 'awaiting_shipment' });
    expect(mapStatus('PAID', 'OUT_FOR_DELIVERY')).toEqual({ status: 'shipped' });
    expect(mapStatus('REFUNDED', 'AWAITING_PROCESSING')).toEqual({ status: 'cancelled' });
    expect(mapStatus('PAID', 'RETURNED')).toEqual({ status: 'cancelled' });
    // Overlap of two rows: the merchant said it will not be delivered, so nothing waits for payment.
    expect(mapStatus('AWAITING_PAYMENT', 'WILL_NOT_DELIVER')).toEqual({ status: 'cancelled' });
  });

  it('tolerates case, spaces and the deprecated QUEUED', () => {
    expect(mapStatus(' paid ', 'processing')).toEqual({ status: 'awaiting_shipment' });
    expect(mapStatus('QUEUED', 'AWAITING_PROCESSING')).toEqual({ status: 'awaiting_payment' });
  });

  it('skips unknown or missing statuses with a reason', () => {
    expect(mapStatus('PAID', 'NEW')).toEqual({ skip: 'unmapped_status:NEW' });
    expect(mapStatus('SOMETHING', 'PROCESSING')).toEqual({ skip: 'unmapped_status:SOMETHING' });
    expect(mapStatus('weird status\n<x>', 'PROCESSING')).toEqual({ skip: 'unmapped_status:WEIRD_STATUS_X_' });
    expect(mapStatus(undefined, 'PROCESSING')).toEqual({ skip: 'invalid:paymentStatus' });
    expect(mapStatus('PAID', undefined)).toEqual({ skip: 'invalid:fulfillmentStatus' });
    // ... unless the other side decides alone.
    expect(mapStatus('AWAITING_PAYMENT', undefined)).toEqual({ status: 'awaiting_payment' });
    expect(mapStatus(null, 'RETURNED')).toEqual({ status: 'cancelled' });
  });
});

describe('status mapping, custom statuses', () => {
  const mapping: StatusMapping = {
    CUSTOM_FULFILLMENT_STATUS_1: 'on_hold', // "Backorder"
    CUSTOM_FULFILLMENT_STATUS_2: 'awaiting_shipment', // "Ready to pack"
    CUSTOM_PAYMENT_STATUS_1: 'awaiting_shipment', // "Paid by invoice"
    CUSTOM_PAYMENT_STATUS_2: 'on_hold', // "Payment under review"
  };

  it('uses a mapped custom fulfillment status, on_hold included', () => {
    expect(mapStatus('PAID', 'CUSTOM_FULFILLMENT_STATUS_1', mapping)).toEqual({ status: 'on_hold' });
    expect(mapStatus('PARTIALLY_REFUNDED', 'CUSTOM_FULFILLMENT_STATUS_2', mapping)).toEqual({ status: 'awaiting_shipment' });
  });

  it('skips an unmapped custom status, naming it', () => {
    expect(mapStatus('PAID', 'CUSTOM_FULFILLMENT_STATUS_3', mapping)).toEqual({ skip: 'unmapped_status:CUSTOM_FULFILLMENT_STATUS_3' });
    expect(mapStatus('CUSTOM_PAYMENT_STATUS_3', 'PROCESSING', mapping)).toEqual({ skip: 'unmapped_status:CUSTOM_PAYMENT_STATUS_3' });
    expect(mapStatus('PAID', 'CUSTOM_FULFILLMENT_STATUS_1', {})).toEqual({ skip: 'unmapped_status:CUSTOM_FULFILLMENT_STATUS_1' });
  });

  it('uses a mapped custom payment status with a standard fulfillment status', () => {
    expect(mapStatus('CUSTOM_PAYMENT_STATUS_1', 'PROCESSING', mapping)).toEqual({ status: 'awaiting_shipment' });
    expect(mapStatus('CUSTOM_PAYMENT_STATUS_2', 'AWAITING_PROCESSING', mapping)).toEqual({ status: 'on_hold' });
    // A custom payment status treated as paid ships like PAID does.
    expect(mapStatus('CUSTOM_PAYMENT_STATUS_1', 'DELIVERED', mapping)).toEqual({ status: 'shipped' });
    expect(mapStatus('CUSTOM_PAYMENT_STATUS_2', 'DELIVERED', mapping)).toEqual({ status: 'on_hold' });
  });

  it('lets a mapped custom fulfillment status win over the payment side', () => {
    expect(mapStatus('CUSTOM_PAYMENT_STATUS_1', 'CUSTOM_FULFILLMENT_STATUS_1', mapping)).toEqual({ status: 'on_hold' });
    expect(mapStatus('CUSTOM_PAYMENT_STATUS_3', 'CUSTOM_FULFILLMENT_STATUS_1', mapping)).toEqual({ status: 'on_hold' });
    expect(mapStatus('CUSTOM_PAYMENT_STATUS_1', 'CUSTOM_FULFILLMENT_STATUS_3', mapping)).toEqual({
      skip: 'unmapped_status:CUSTOM_FULFILLMENT_STATUS_3',
    });
  });

  it('keeps the rows that decide alone above custom statuses', () => {
    expect(mapStatus('INCOMPLETE', 'CUSTOM_FULFILLMENT_STATUS_1', mapping)).toEqual({ skip: 'unmapped_status:INCOMPLETE' });
    expect(mapStatus('AWAITING_PAYMENT', 'CUSTOM_FULFILLMENT_STATUS_1', mapping)).toEqual({ status: 'awaiting_payment' });
    expect(mapStatus('REFUNDED', 'CUSTOM_FULFILLMENT_STATUS_2', mapping)).toEqual({ status: 'cancelled' });
    expect(mapStatus('CUSTOM_PAYMENT_STATUS_3', 'WILL_NOT_DELIVER', mapping)).toEqual({ status: 'cancelled' });
  });

  it('ignores a mapping to a status a custom status cannot map to', () => {
    const bad = { CUSTOM_FULFILLMENT_STATUS_1: 'pending_fulfillment', CUSTOM_FULFILLMENT_STATUS_2: 'nonsense' } as unknown as StatusMapping;
    expect(mapStatus('PAID', 'CUSTOM_FULFILLMENT_STATUS_1', bad)).toEqual({ skip: 'unmapped_status:CUSTOM_FULFILLMENT_STATUS_1' });
    expect(mapStatus('PAID', 'CUSTOM_FULFILLMENT_STATUS_2', bad)).toEqual({ skip: 'unmapped_status:CUSTOM_FULFILLMENT_STATUS_2' });
  });

  it('labels every ShipStation status and lists the mappable ones', () => {
    for (const s of SHIPSTATION_ORDER_STATUSES) expect(SHIPSTATION_STATUS_LABELS[s]).toMatch(/^[A-Z]/);
    expect(SHIPSTATION_STATUS_LABELS.on_hold).toBe('On Hold');
    expect(MAPPABLE_SHIPSTATION_STATUSES).toContain('on_hold');
    expect(isMappableStatus('pending_fulfillment')).toBe(false);
  });
});
