import { ecwidOrderIdOf, orderKey, parseOrderKey, shipmentWorkflowId, storeSyncWorkflowId } from '../../src/domain/ids';

describe('ids', () => {
  it('keys an order by its public id', () => {
    expect(orderKey(1003, { id: 'K8XTQ', orderNumber: 516483487 })).toBe('ecwid-1003-K8XTQ');
    expect(ecwidOrderIdOf({ id: 'K8XTQ', orderNumber: 516483487 })).toBe('K8XTQ');
  });

  it('falls back to orderNumber for old orders without an id', () => {
    expect(orderKey('1003', { orderNumber: 1028 })).toBe('ecwid-1003-1028');
    expect(ecwidOrderIdOf({ id: '  ', orderNumber: 1028 })).toBe('1028');
  });

  it('refuses an order with neither id nor orderNumber', () => {
    expect(() => ecwidOrderIdOf({})).toThrow(/neither id nor orderNumber/);
  });

  it('reads keys back, including order ids with dashes', () => {
    expect(parseOrderKey('ecwid-1003-MYSTORE-X8UYE')).toEqual({ storeId: 1003, orderId: 'MYSTORE-X8UYE' });
    expect(parseOrderKey(orderKey(42, { id: 'K8XTQ' }))).toEqual({ storeId: 42, orderId: 'K8XTQ' });
    expect(parseOrderKey('SHIP-123')).toBeNull();
    expect(parseOrderKey('ecwid-abc-K8XTQ')).toBeNull();
    expect(parseOrderKey('ecwid-1003-')).toBeNull();
  });

  it('names the workflows', () => {
    expect(storeSyncWorkflowId(1003)).toBe('store-sync:1003');
    expect(shipmentWorkflowId(1003, 'K8XTQ')).toBe('shipment:1003:K8XTQ');
  });
});
