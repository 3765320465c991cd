import type { ActivityDeps } from './deps';
import type { EcwidOrderUpdate } from '../domain/ecwid';
import { importOrderPage, cancelInShipStation, type ImportOrdersInput } from './import-orders';
import { shipstationFor } from './deps';
import type { ConnectionCredentials, ConnectionSettings } from '../workflows/definitions';
import {
  deliverShipNotices,
  prepareFulfillment,
  writeFulfillmentToEcwid,
  fetchShipNotice,
  reconcileShipmentsSince,
  type ShipNoticeGroup,
} from './shipments';
import { ensureShipNotifyWebhook, removeShipNotifyWebhook } from './webhook-subscription';

export type { ActivityDeps } from './deps';

/** Builds the activities with their clients and secrets injected (the worker and tests call this). */
export function createActivities(deps: ActivityDeps) {
  return {
    importOrders: (input: ImportOrdersInput) => importOrderPage(deps, input),
    cancelDeletedOrders: (input: { storeId: number; credentials: ConnectionCredentials; settings: ConnectionSettings; orderIds: string[] }) =>
      cancelInShipStation(shipstationFor(deps, input.credentials), input.storeId, input.orderIds),
    reconcileShipments: (input: { storeId: number; credentials: ConnectionCredentials; settings: ConnectionSettings; since?: number }) =>
      reconcileShipmentsSince(deps, input),
    ensureShipNotifyWebhook: (input: { storeId: number; credentials: ConnectionCredentials; settings: ConnectionSettings }) =>
      ensureShipNotifyWebhook(deps, input),
    removeShipNotifyWebhook: (input: { storeId: number; credentials: ConnectionCredentials }) => removeShipNotifyWebhook(deps, input),
    fetchShipNotice: (input: { storeId: number; resourceUrl: string }) => fetchShipNotice(deps, input),
    deliverShipNotices: (input: { groups: ShipNoticeGroup[]; source: string }) => deliverShipNotices(deps, input),
    prepareFulfillment: (input: { storeId: number; orderId: string }) => prepareFulfillment(deps, input),
    writeFulfillmentToEcwid: (input: { storeId: number; orderId: string; update: EcwidOrderUpdate; newestLabelAt?: number }) =>
      writeFulfillmentToEcwid(deps, input),
  };
}
