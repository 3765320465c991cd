import type { ActivityDeps } from './deps';
import { importOrderPage, importOrdersOfStore, type ImportOrdersInput } from './import-orders';
import { withHeartbeats } from './deps';
import { findNativeOrders, type FindNativeOrdersInput } from './native-orders';
import { listShipStationStores } from './shipstation-stores';
import type { ConnectionCredentials, ConnectionSettings, OrderOutcome } from '../workflows/definitions';
import {
  deliverShipNotices,
  prepareFulfillment,
  writeFulfillmentToEcwid,
  fetchShipNotice,
  reconcileShipmentsSince,
  type ShipNoticeGroup,
} from './shipments';
import { ensureShipNotifyWebhook, removeShipNotifyWebhook } from './webhook-subscription';
import { checkStoreAccess } from './store-access';
import {
  ensureAccountShipNotify,
  joinShipStationAccount,
  leaveShipStationAccount,
  reconcileAccountNow,
  reconcileAccountShipments,
  removeAccountShipNotify,
  routeShipNotice,
} from './account';
import { startBudgetReporter } from './budget-reporter';
import { routeFulfillmentNotice } from './fulfillments';
import { ownAccountTraffic, type AccountTrafficInput } from './account-traffic';

export type { ActivityDeps } from './deps';

/**
 * Builds the activities with their clients and secrets injected (the worker and tests call this).
 * Each one heartbeats on a ticker while it runs (`withHeartbeats`), so no slow call outlasts its heartbeat timeout.
 */
export function createActivities(deps: ActivityDeps) {
  // Accounts' queue and budget figures live in this process: report them to the accounts' workflows.
  if (deps.temporal) startBudgetReporter(deps.temporal, deps.logger);
  return withHeartbeats({
    importOrders: (input: ImportOrdersInput) => importOrdersOfStore(deps, input),
    // Switching from ShipStation's Ecwid integration: its orders, found once on connect (activities/native-orders.ts).
    findNativeOrders: (input: FindNativeOrdersInput) => findNativeOrders(deps, input),
    // The account's ShipStation stores, for choosing where a connection's orders go (workflows/shipstation-stores.ts).
    listShipStationStores: (input: { accountId: string }) => listShipStationStores(deps, input),
    // Called only by store-sync runs begun before v2. A webhook's deletion is a hint: each order is read again, and
    // only Ecwid's 404 cancels it in ShipStation (an order Ecwid still has is imported as it is).
    cancelDeletedOrders: (input: { storeId: number; credentials: ConnectionCredentials; settings: ConnectionSettings; orderIds: string[] }) =>
      reReadDeletedOrders(deps, input),
    // Per-store SHIP_NOTIFY and reconciliation: called only by store-sync runs begun before v2, until they hand over
    // to the current body (which leaves both to the store's ShipStation account).
    reconcileShipments: (input: { storeId: number; credentials: ConnectionCredentials; settings: ConnectionSettings; since?: number }) =>
      reconcileShipmentsSince(deps, input),
    ensureShipNotifyWebhook: (input: { storeId: number; credentials: ConnectionCredentials; settings: ConnectionSettings }) =>
      ensureShipNotifyWebhook(deps, input),
    removeShipNotifyWebhook: (input: { storeId: number; credentials: ConnectionCredentials }) => removeShipNotifyWebhook(deps, input),
    fetchShipNotice: (input: { storeId: number; resourceUrl: string }) => fetchShipNotice(deps, input),
    deliverShipNotices: (input: { groups: ShipNoticeGroup[]; source: string }) => deliverShipNotices(deps, input),
    prepareFulfillment: (input: { storeId: number; orderId: string }) => prepareFulfillment(deps, input),
    writeFulfillmentToEcwid: (input: Parameters<typeof writeFulfillmentToEcwid>[1]) => writeFulfillmentToEcwid(deps, input),
    checkStoreAccess: (input: { storeId: number }) => checkStoreAccess(deps, input),
    // The ShipStation account (workflows/shipstation-account.ts): membership, SHIP_NOTIFY, reconciliation.
    joinShipStationAccount: (input: { storeId: number; credentials: ConnectionCredentials; settings: ConnectionSettings; nativeStoreIds?: number[] }) =>
      joinShipStationAccount(deps, input),
    leaveShipStationAccount: (input: { storeId: number; accountId: string }) => leaveShipStationAccount(deps, input),
    reconcileAccountNow: (input: { accountId: string }) => reconcileAccountNow(deps, input),
    ensureAccountShipNotify: (input: { accountId: string }) => ensureAccountShipNotify(deps, input),
    removeAccountShipNotify: (input: { accountId: string }) => removeAccountShipNotify(deps, input),
    reconcileAccountShipments: (input: { accountId: string; since: number }) => reconcileAccountShipments(deps, input),
    routeShipNotice: (input: { accountId: string; resourceUrl: string }) => routeShipNotice(deps, input),
    routeFulfillmentNotice: (input: { accountId: string; resourceUrl: string }) => routeFulfillmentNotice(deps, input),
    // The lease on the account's ShipStation traffic (activities/account-traffic.ts): runs until cancelled.
    ownAccountTraffic: (input: AccountTrafficInput) => ownAccountTraffic(deps, input),
  }, deps.heartbeatIntervalMs);
}

async function reReadDeletedOrders(
  deps: ActivityDeps,
  input: { storeId: number; credentials: ConnectionCredentials; settings: ConnectionSettings; orderIds: string[] },
): Promise<OrderOutcome[]> {
  const page = await importOrderPage(deps, { ...input, syncId: `deleted:${input.orderIds.join(',')}`, recentlySent: {} });
  return page.outcomes;
}
