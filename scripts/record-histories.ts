/**
 * Records real histories of every workflow type, for the replay test (test/replay/replay.test.ts), as
 * `test/fixtures/histories/<workflowType>@<label>.pb` (label: the commit, or the first argument).
 * Run on each release that changes workflow code: `npx tsx scripts/record-histories.ts [label]`.
 * A change that breaks determinism makes the replay test fail on the histories recorded before it.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { temporal } from '@temporalio/proto';
import { shipmentWorkflowId, storeSyncWorkflowId } from '../src/domain/ids';
import { generateOrders } from '../src/simulators/ecwid/seed';
import { SS_ACCOUNT, eventually, startTestStack } from '../src/stack/local-stack';
import { pacificDateTime } from '../src/simulators/shipstation';

async function main(): Promise<void> {
  const stack = await startTestStack({ rateLimitWindowMs: 10_000 });
  const out = join(__dirname, '..', 'test', 'fixtures', 'histories');
  const label = process.argv[2] ?? execFileSync('git', ['rev-parse', '--short=7', 'HEAD'], { encoding: 'utf8' }).trim();
  mkdirSync(out, { recursive: true });
  try {
    const storeId = 9101;
    const token = 'secret_replay_store_9101';
    stack.ecwid.addStore({ storeId, token, plan: 'VENTURE' });
    for (const o of generateOrders(150, 91)) stack.ecwid.upsertOrder(storeId, o);
    // A merchant switching from ShipStation's own Ecwid integration: one order is already in its Ecwid store there,
    // so the history records the look at that store and the adoption (patch 'native-adoption').
    const native = stack.shipstation.addStore(SS_ACCOUNT.apiKey, { storeName: 'Ecwid (native)', marketplaceId: 71, marketplaceName: 'Ecwid', autoRefresh: false });
    const first = stack.ecwid.listOrders(storeId)[0];
    stack.shipstation.importMarketplaceOrder(SS_ACCOUNT.apiKey, native.storeId, {
      orderNumber: first.id,
      orderDate: pacificDateTime(),
      orderStatus: 'awaiting_shipment',
      customerEmail: first.email,
      billTo: { name: 'Native Buyer' },
      shipTo: { name: 'Native Buyer', street1: '1 Main St', city: 'Springfield', state: 'IL', postalCode: '12345', country: 'US' },
      items: [{ sku: 'NATIVE', name: 'Native item', quantity: 1, unitPrice: 1 }],
    });
    await stack.api('/connections', { method: 'POST', body: JSON.stringify({ ecwidStoreId: storeId, ecwidAccessToken: token }) });
    await eventually(() => stack.shipstation.ordersByKey(SS_ACCOUNT.apiKey).size >= 150, 60_000);
    const [extra] = generateOrders(1, 92);
    const saved = stack.ecwid.upsertOrder(storeId, extra);
    await stack.ecwid.sendWebhook(storeId, 'order.created', { orderId: saved.id });
    const key = `ecwid-${storeId}-${saved.id}`;
    await eventually(() => stack.shipstation.ordersByKey(SS_ACCOUNT.apiKey).get(key), 30_000);
    await stack.api(`/connections/${storeId}/settings`, { method: 'PATCH', body: JSON.stringify({ statusMapping: { CUSTOM_FULFILLMENT_STATUS_1: 'on_hold' } }) });
    await stack.shipstation.createLabel(SS_ACCOUNT.apiKey, key, { trackingNumber: 'REPLAY-1' });
    await eventually(() => stack.ecwid.getOrder(storeId, saved.id!)?.trackingNumber === 'REPLAY-1', 30_000);
    // "Mark as Shipped" in ShipStation (no label): FULFILLMENT_SHIPPED starts fulfillmentShipped.
    const [marked] = generateOrders(1, 93);
    const markedSaved = stack.ecwid.upsertOrder(storeId, marked);
    await stack.ecwid.sendWebhook(storeId, 'order.created', { orderId: markedSaved.id });
    const markedKey = `ecwid-${storeId}-${markedSaved.id}`;
    await eventually(() => stack.shipstation.ordersByKey(SS_ACCOUNT.apiKey).get(markedKey), 30_000);
    await stack.shipstation.markAsShipped(SS_ACCOUNT.apiKey, markedKey, { carrierCode: 'ups', trackingNumber: 'REPLAY-MARKED-1' });
    await eventually(() => stack.ecwid.getOrder(storeId, markedSaved.id!)?.trackingNumber === 'REPLAY-MARKED-1', 30_000);
    // The account's ShipStation stores, listed for the store choice: listShipStationStores.
    await stack.api(`/connections/${storeId}/shipstation-stores`);
    // Order events start no workflow of their own (a signal to the store's): an application event records ecwidEvent.
    const uninstall = await stack.ecwid.sendWebhook(storeId, 'application.uninstalled', {});
    await stack.client.workflow.getHandle(`ecwid-event:${uninstall.eventId}`).result();
    await stack.api(`/connections/${storeId}`, { method: 'DELETE' });
    await eventually(async () => (await stack.client.workflow.getHandle(storeSyncWorkflowId(storeId)).describe()).status.name === 'COMPLETED', 30_000);

    const save = async (name: string, workflowId: string) => {
      const history = await stack.client.workflow.getHandle(workflowId).fetchHistory();
      // Binary protobuf: exactly what the server returned, payloads still encrypted.
      writeFileSync(join(out, `${name}@${label}.pb`), temporal.api.history.v1.History.encode(history).finish());
      console.log(`recorded ${name} (${history.events?.length} events)`);
    };
    await save('storeSync', storeSyncWorkflowId(storeId));
    await save('shipmentWriteBack', shipmentWorkflowId(storeId, saved.id!));
    for await (const wf of stack.client.workflow.list({ query: `WorkflowType="shipNotify"` })) {
      await save('shipNotify', wf.workflowId);
      break;
    }
    for (const type of ['ecwidEvent', 'shipstationAccount', 'fulfillmentShipped', 'listShipStationStores']) {
      for await (const wf of stack.client.workflow.list({ query: `WorkflowType="${type}"` })) {
        await save(type, wf.workflowId);
        break;
      }
    }
  } finally {
    await stack.stop();
  }
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
