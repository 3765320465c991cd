/**
 * Identifiers shared by the import, the shipment write-back and the workflows.
 * The ShipStation `orderKey` is the idempotency key: once an order is created with it, it must never change.
 */

/**
 * The Ecwid order ID used in API paths and shown to merchants: the public `id` (e.g. "K8XTQ"), or, for old
 * orders that have none, the deprecated numeric `orderNumber`. Throws when the order has neither.
 */
export function ecwidOrderIdOf(order: { id?: unknown; orderNumber?: unknown }): string {
  const id = typeof order.id === 'string' ? order.id.trim() : typeof order.id === 'number' ? String(order.id) : '';
  if (id !== '') return id;
  if (typeof order.orderNumber === 'number' && Number.isFinite(order.orderNumber)) return String(order.orderNumber);
  if (typeof order.orderNumber === 'string' && order.orderNumber.trim() !== '') return order.orderNumber.trim();
  throw new Error('Ecwid order has neither id nor orderNumber');
}

/** Whether the order carries an ID the connector can key it by. */
export function hasOrderId(order: { id?: unknown; orderNumber?: unknown }): boolean {
  try {
    ecwidOrderIdOf(order);
    return true;
  } catch {
    return false;
  }
}

/** `ecwid-<storeId>-<order id>`: the ShipStation orderKey, stable forever. */
export function orderKey(storeId: number | string, order: { id?: string; orderNumber?: number }): string {
  return `ecwid-${storeId}-${ecwidOrderIdOf(order)}`;
}

/**
 * Reads an orderKey back. Store IDs are numeric, so the first dash after them ends the store ID; the order ID
 * may itself contain dashes ("MYSTORE-X8UYE"). Null for keys this connector did not make.
 */
export function parseOrderKey(key: string): { storeId: number; orderId: string } | null {
  const m = /^ecwid-(\d+)-(.+)$/.exec(typeof key === 'string' ? key : '');
  if (!m) return null;
  const storeId = Number(m[1]);
  return Number.isSafeInteger(storeId) ? { storeId, orderId: m[2] } : null;
}

/** The one store-sync workflow of a connected Ecwid store. */
export function storeSyncWorkflowId(storeId: number | string): string {
  return `store-sync:${storeId}`;
}

/** The one shipment write-back workflow of an Ecwid order. */
export function shipmentWorkflowId(storeId: number | string, orderId: string): string {
  return `shipment:${storeId}:${orderId}`;
}

/**
 * The one workflow of a ShipStation account (`<accountId>`: the first 16 hex characters of sha256 of the API key it
 * was registered with; kept when its pair is replaced).
 */
export function shipstationAccountWorkflowId(accountId: string): string {
  return `shipstation-account:${accountId}`;
}

/**
 * The task queue of a ShipStation account's traffic (`<base>/shipstation-account:<accountId>`): only the worker
 * that holds the account's lease polls it, so every ShipStation call of the account is made by one process.
 */
export function shipstationAccountTaskQueue(baseTaskQueue: string, accountId: string): string {
  return `${baseTaskQueue}/shipstation-account:${accountId}`;
}

/** The account whose task queue this is (`shipstationAccountTaskQueue`), or undefined for any other queue. */
export function accountOfTaskQueue(taskQueue: string): string | undefined {
  return /\/shipstation-account:([0-9a-f]{16})$/.exec(taskQueue)?.[1];
}
