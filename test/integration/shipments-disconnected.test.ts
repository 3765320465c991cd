import { ApplicationFailure } from '@temporalio/common';
import { credentialsOf } from '../../src/activities/shipments';
import { parkedSection } from '../../src/api/web/pages';
import { ConnectionService } from '../../src/connections/connection-service';
import type { ActivityDeps } from '../../src/activities/deps';
import type { EcwidOrder } from '../../src/domain/ecwid';
import { shipmentWorkflowId, storeSyncWorkflowId } from '../../src/domain/ids';
import { createLogger } from '../../src/logging/logger';
import { ECWID_ORDER_ID, ECWID_STORE_ID, SHIPMENT_STATE } from '../../src/temporal/search-attributes';
import {
  credentialsQuery,
  shipNoticeSignal,
  shipmentStatusQuery,
  type ShipNotice,
  type ShipmentStatus,
  type ShipmentWorkflowInput,
} from '../../src/workflows/definitions';
import { importableOrder } from '../helpers/orders';
import { SS_ACCOUNT, eventually, stackWithConnectedStore, type TestStack } from '../helpers/stack';

const STORE = 5301;
const TOKEN = 'secret_store_5301_token';

const order = (): EcwidOrder =>
  importableOrder({
    total: 12,
    createTimestamp: Math.floor(Date.now() / 1000) - 600,
    items: [{ id: 1, productId: 31, sku: 'MUG', name: 'Mug', quantity: 1, price: 12, weight: 0.5, isShippingRequired: true }],
    shippingPerson: { name: 'Di Buyer', street: '3 Elm St', city: 'Salem', countryCode: 'US', postalCode: '97301', stateOrProvinceCode: 'OR' },
  });

/**
 * A disconnected store's credentials are no longer served: its closed storeSync still answers queries, but the
 * write-back's activities ask only open workflows. Its write-backs park (StoreNotConnected) until the store is reconnected.
 */
describe('shipment write-back of a disconnected store', () => {
  let stack: TestStack;

  beforeAll(async () => {
    stack = await stackWithConnectedStore(STORE, TOKEN);
  });
  afterAll(async () => {
    await stack?.stop();
  });

  test('parks with StoreNotConnected instead of writing with the old token, stays parked (visible) past its bound, and a reconnect catches it up', async () => {
    const o = stack.ecwid.upsertOrder(STORE, order());
    const orderId = o.id!;
    const key = `ecwid-${STORE}-${orderId}`;
    await stack.ecwid.sendWebhook(STORE, 'order.created', { orderId });
    await eventually(() => stack.shipstation.ordersByKey(SS_ACCOUNT.apiKey).get(key), 15_000);

    expect((await stack.api(`/connections/${STORE}`, { method: 'DELETE' })).status).toBeLessThan(300);
    const storeSync = stack.client.workflow.getHandle(storeSyncWorkflowId(STORE));
    await eventually(async () => (await storeSync.describe()).status.name === 'COMPLETED', 30_000);

    // The closed workflow would still hand out the old token to a plain query...
    expect((await storeSync.query(credentialsQuery)).ecwidAccessToken).toBe(TOKEN);
    // ...but the write-back's activities refuse it.
    const deps: ActivityDeps = { ecwidApiUrl: 'http://unused', shipstationApiUrl: 'http://unused', logger: createLogger({ level: 'silent' }), temporal: stack.client };
    const refused = await credentialsOf(deps, STORE).then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(refused).toBeInstanceOf(ApplicationFailure);
    expect((refused as ApplicationFailure).type).toBe('StoreNotConnected');
    expect((refused as ApplicationFailure).nonRetryable).toBe(true);

    // A label bought after the disconnect, handed over as SHIP_NOTIFY or reconciliation would.
    const label = await stack.shipstation.createLabel(SS_ACCOUNT.apiKey, key, { trackingNumber: 'GONE-1' });
    const handle = await stack.client.workflow.signalWithStart('shipmentWriteBack', {
      workflowId: shipmentWorkflowId(STORE, orderId),
      taskQueue: stack.taskQueue,
      args: [{ storeId: STORE, orderId, maxParkedSeconds: 4 } satisfies ShipmentWorkflowInput],
      signal: shipNoticeSignal,
      signalArgs: [{ source: 'reconcile', shipmentIds: [label.shipmentId] } satisfies ShipNotice],
      // As the account starts them (activities/shipments.ts): the store's write-backs are found by these.
      typedSearchAttributes: [
        { key: ECWID_STORE_ID, value: String(STORE) },
        { key: ECWID_ORDER_ID, value: orderId },
      ],
    });
    const parked = await eventually(async () => {
      const st: ShipmentStatus = await handle.query(shipmentStatusQuery);
      return st.state === 'parked' ? st : undefined;
    }, 20_000, 100);
    expect(parked.parkedReason).toBe(`Ecwid store ${STORE} is not connected`);
    expect(parked.parkedUntilReconnect).toBe(true);

    // Its 4-second bound passes: a write-back parked by the connection does not expire, it waits for a reconnect.
    await new Promise((r) => setTimeout(r, 6_000));
    expect((await handle.describe()).status.name).toBe('RUNNING');
    expect((await handle.describe()).typedSearchAttributes.get(SHIPMENT_STATE)).toBe('parked');
    expect(stack.ecwid.requests.filter('PUT', new RegExp(`/orders/${orderId}$`))).toHaveLength(0);
    // Visible while parked: the connection's status counts it (Temporal's visibility may take a moment).
    await eventually(async () => {
      const st = (await (await stack.api(`/connections/${STORE}`)).json()) as { parkedShipments?: number };
      return st.parkedShipments === 1 ? st : undefined;
    }, 15_000, 200);

    // The operator's store page lists it, with its reason and what resumes it.
    const service = new ConnectionService({ client: stack.client, taskQueue: 'unused', ecwidApiUrl: stack.ecwid.url, defaultPollIntervalSeconds: 300 });
    const listed = await service.parkedShipments(STORE);
    expect(listed.count).toBe(1);
    const html = parkedSection(STORE, listed, 'csrf-token');
    expect(html).toContain(`data-order="${orderId}"`);
    expect(html).toContain('is not connected');
    expect(html).toContain('waits for a reconnect or new ShipStation keys');

    // The merchant reconnects the store (a new sync workflow): the parked write-back is caught up at once.
    const reconnected = await stack.api('/connections', { method: 'POST', body: JSON.stringify({ ecwidStoreId: STORE, ecwidAccessToken: TOKEN }) });
    expect(reconnected.status).toBe(201);
    const written = await eventually(() => {
      const o = stack.ecwid.getOrder(STORE, orderId);
      return o?.trackingNumber === label.trackingNumber ? o : undefined;
    }, 20_000, 100);
    expect(written.fulfillmentStatus).toBe('SHIPPED');
    const after = await handle.query(shipmentStatusQuery);
    expect(after.state).toBe('delivered');
    expect(stack.ecwid.requests.filter('PUT', new RegExp(`/orders/${orderId}$`))).toHaveLength(1);
  });
});
