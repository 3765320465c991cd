import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import type { EcwidOrder } from '../../src/domain/ecwid';
import { shipmentWorkflowId } from '../../src/domain/ids';
import { ECWID_ORDER_ID, ECWID_STORE_ID, SHIPMENT_STATE } from '../../src/temporal/search-attributes';
import { shipNoticeSignal, shipmentStatusQuery, type ShipNotice, type ShipmentWorkflowInput } from '../../src/workflows/definitions';
import { importableOrder } from '../helpers/orders';
import { SS_ACCOUNT, eventually, startTestStack, type TestStack } from '../helpers/stack';

const RELEASE = '00b9c58';
const STORE = 9501;
const TOKEN = 'secret_store_9501_parked_token';

function releasedWorkflows(commit: string): { code: string } {
  return { code: gunzipSync(readFileSync(join(__dirname, '..', 'fixtures', 'releases', `workflows@${commit}.js.gz`))).toString('utf8') };
}

/**
 * A write-back parked by release 00b9c58 (which expired parked write-backs after a bound) because its store was not
 * connected: under today's worker the bound passing no longer expires it, and connecting the store catches it up.
 */
describe(`a write-back parked under release ${RELEASE}`, () => {
  let stack: TestStack;

  beforeAll(async () => {
    stack = await startTestStack({ rateLimitWindowMs: 10_000 });
    await stack.stopWorker();
    await stack.startWorker(releasedWorkflows(RELEASE));
    stack.ecwid.addStore({ storeId: STORE, token: TOKEN, plan: 'BUSINESS', weightUnit: 'POUND' });
  });
  afterAll(async () => {
    await stack?.stop();
  });

  test('does not expire when its bound passes after the upgrade, and a connection catches it up', async () => {
    // An order already in ShipStation (created by hand here), with a label, for a store not connected yet.
    const o: EcwidOrder = stack.ecwid.upsertOrder(STORE, importableOrder({ createTimestamp: Math.floor(Date.now() / 1000) - 600 }));
    const key = `ecwid-${STORE}-${o.id}`;
    const created = await fetch(`${stack.shipstation.url}/orders/createorder`, {
      method: 'POST',
      headers: { Authorization: `Basic ${Buffer.from(`${SS_ACCOUNT.apiKey}:${SS_ACCOUNT.apiSecret}`).toString('base64')}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({
        orderNumber: o.id,
        orderKey: key,
        orderDate: '2026-05-01T10:00:00.0000000',
        orderStatus: 'awaiting_shipment',
        billTo: { name: 'Ann Buyer' },
        shipTo: { name: 'Ann Buyer', street1: '1 Main St', city: 'Springfield', state: 'IL', postalCode: '62701', country: 'US' },
      }),
    });
    expect(created.status).toBe(200);
    const label = await stack.shipstation.createLabel(SS_ACCOUNT.apiKey, key, { trackingNumber: 'PARKED-OLD-1', notify: false });
    const handle = await stack.client.workflow.signalWithStart('shipmentWriteBack', {
      workflowId: shipmentWorkflowId(STORE, o.id!),
      taskQueue: stack.taskQueue,
      args: [{ storeId: STORE, orderId: o.id!, maxParkedSeconds: 12 } satisfies ShipmentWorkflowInput],
      signal: shipNoticeSignal,
      signalArgs: [{ source: 'reconcile', shipmentIds: [label.shipmentId] } satisfies ShipNotice],
      typedSearchAttributes: [
        { key: ECWID_STORE_ID, value: String(STORE) },
        { key: ECWID_ORDER_ID, value: o.id! },
      ],
    });
    // Parked by the released code, with its bound.
    const parked = await eventually(async () => {
      const st = await handle.query(shipmentStatusQuery);
      return st.state === 'parked' && st.parkedUntil ? st : undefined;
    }, 20_000, 100);
    expect(parked.parkedReason).toBe(`Ecwid store ${STORE} is not connected`);

    // Upgrade in place, then let the bound pass under today's code.
    await stack.stopWorker();
    await stack.startWorker();
    await new Promise((r) => setTimeout(r, Math.max(0, Date.parse(parked.parkedUntil!) - Date.now()) + 4_000));
    expect((await handle.describe()).status.name).toBe('RUNNING');
    expect((await handle.describe()).typedSearchAttributes.get(SHIPMENT_STATE)).toBe('parked');
    const waiting = await handle.query(shipmentStatusQuery);
    expect(waiting.parkedUntilReconnect).toBe(true);

    // The store connects: its parked write-backs are retried, this one writes the label to Ecwid.
    const res = await stack.api('/connections', { method: 'POST', body: JSON.stringify({ ecwidStoreId: STORE, ecwidAccessToken: TOKEN }) });
    expect(res.status).toBe(201);
    await eventually(() => (stack.ecwid.getOrder(STORE, o.id!)?.trackingNumber === 'PARKED-OLD-1' ? true : undefined), 30_000, 200);
  });
});
