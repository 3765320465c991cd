import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { storeSyncWorkflowId, shipmentWorkflowId } from '../../src/domain/ids';
import type { ConnectionStatus } from '../../src/workflows/definitions';
import { STORE_SYNC_V2 } from '../../src/workflows/store-sync';
import { UPGRADE_PATCH } from '../../src/workflows/store-sync-v1';
import { basicAuth } from '../../src/simulators/shipstation';
import { importableOrder } from '../helpers/orders';
import { SS_ACCOUNT, eventually, startTestStack, type TestStack } from '../helpers/stack';

const RELEASE = '0ce7ce6';
const STORE = 9401;
const TOKEN = 'secret_store_9401_upgrade_token';

/** The workflow code of an earlier release, as its worker ran it (scripts/bundle-release.ts). */
function releasedWorkflows(commit: string): { code: string } {
  return { code: gunzipSync(readFileSync(join(__dirname, '..', 'fixtures', 'releases', `workflows@${commit}.js.gz`))).toString('utf8') };
}

/**
 * A store connected under the previous release goes on after the worker is upgraded in place: no reset, no
 * operator action. Its store-sync run hands over to the current body (continue-as-new) at its next turn, and
 * shipment workflows started by the old code keep writing labels back.
 */
describe(`upgrade in place from release ${RELEASE}`, () => {
  let stack: TestStack;
  const key = (id: string) => `ecwid-${STORE}-${id}`;
  const patchesOf = async (runId: string) => {
    const history = await stack.client.workflow.getHandle(storeSyncWorkflowId(STORE), runId).fetchHistory();
    return (history.events ?? [])
      .flatMap((e) => e.markerRecordedEventAttributes?.details?.['patch-data']?.payloads ?? [])
      .map((p) => (JSON.parse(Buffer.from(p.data ?? []).toString()) as { id: string }).id);
  };
  const status = async () => (await (await stack.api(`/connections/${STORE}`)).json()) as ConnectionStatus;

  beforeAll(async () => {
    stack = await startTestStack({ rateLimitWindowMs: 10_000 });
    await stack.stopWorker();
    await stack.startWorker(releasedWorkflows(RELEASE));
    stack.ecwid.addStore({ storeId: STORE, token: TOKEN, plan: 'VENTURE' });
  });
  afterAll(async () => {
    await stack?.stop();
  });

  test('stores and shipments started by the old workflow code go on importing and writing back; the per-store subscription gives way to the account one', async () => {
    const first = stack.ecwid.upsertOrder(STORE, importableOrder({ createTimestamp: Math.floor(Date.now() / 1000) - 600 }));
    expect((await stack.api('/connections', { method: 'POST', body: JSON.stringify({ ecwidStoreId: STORE, ecwidAccessToken: TOKEN }) })).status).toBe(201);
    await eventually(() => stack.shipstation.ordersByKey(SS_ACCOUNT.apiKey).get(key(first.id!)), 30_000);
    await stack.shipstation.createLabel(SS_ACCOUNT.apiKey, key(first.id!), { trackingNumber: 'OLD-CODE-1' });
    await eventually(() => stack.ecwid.getOrder(STORE, first.id!)?.trackingNumber === 'OLD-CODE-1', 30_000);
    const oldRun = await stack.client.workflow.getHandle(storeSyncWorkflowId(STORE)).describe();
    // The old release's workflow asks for a per-store SHIP_NOTIFY subscription; today's activities make none (the
    // form is retired: its URL carried the shared secret). What the old release's own activities made is there in a
    // real upgrade: made here as they made it, for the account to replace.
    expect(stack.shipstation.webhooks(SS_ACCOUNT.apiKey)).toEqual([]);
    const legacyTarget = `${stack.apiUrl}/webhooks/shipstation?secret=retired-shared-secret-0123456789&store=${STORE}`;
    const subscribed = await fetch(`${stack.shipstation.url}/webhooks/subscribe`, {
      method: 'POST',
      headers: { Authorization: basicAuth(SS_ACCOUNT.apiKey, SS_ACCOUNT.apiSecret), 'Content-Type': 'application/json' },
      body: JSON.stringify({ target_url: legacyTarget, event: 'SHIP_NOTIFY', friendly_name: `Ecwid store ${STORE} (connector)` }),
    });
    expect(subscribed.status).toBe(200);

    // Upgrade in place: the old worker stops, today's starts on the same task queue.
    await stack.stopWorker();
    await stack.startWorker();

    const second = stack.ecwid.upsertOrder(STORE, importableOrder({ createTimestamp: Math.floor(Date.now() / 1000) - 60 }));
    await stack.ecwid.sendWebhook(STORE, 'order.created', { orderId: second.id });
    await eventually(() => stack.shipstation.ordersByKey(SS_ACCOUNT.apiKey).get(key(second.id!)), 30_000);

    // The old run handed over to a new run, which runs today's body.
    const newRun = await stack.client.workflow.getHandle(storeSyncWorkflowId(STORE)).describe();
    expect(newRun.runId).not.toBe(oldRun.runId);
    expect(newRun.status.name).toBe('RUNNING');
    expect(await patchesOf(newRun.runId)).toContain(STORE_SYNC_V2);
    // The old run recorded where it handed over, and did so live, after the upgrade.
    expect(await patchesOf(oldRun.runId)).toEqual([UPGRADE_PATCH]);
    const s = await status();
    expect(s.state).toBe('active');
    expect(s.imported).toBeGreaterThanOrEqual(2);
    // The store joined its ShipStation account, whose subscriptions (SHIP_NOTIFY, FULFILLMENT_SHIPPED) replaced the
    // per-store one.
    await eventually(() => {
      const hooks = stack.shipstation.webhooks(SS_ACCOUNT.apiKey);
      return (
        hooks.map((h) => h.event).join() === 'SHIP_NOTIFY,FULFILLMENT_SHIPPED' &&
        hooks.every((h) => new URL(h.targetUrl).searchParams.get('account') === s.shipstationAccountId)
      );
    }, 30_000);

    // A shipment workflow started by the old code takes a replacement label under the new worker.
    await stack.shipstation.createLabel(SS_ACCOUNT.apiKey, key(first.id!), { trackingNumber: 'NEW-CODE-2' });
    await eventually(() => stack.ecwid.getOrder(STORE, first.id!)?.trackingNumber === 'NEW-CODE-2', 30_000);
    expect((await stack.client.workflow.getHandle(shipmentWorkflowId(STORE, first.id!)).describe()).status.name).toBe('RUNNING');
    // And a label on an order imported after the upgrade is written back too.
    await stack.shipstation.createLabel(SS_ACCOUNT.apiKey, key(second.id!), { trackingNumber: 'NEW-CODE-3' });
    await eventually(() => stack.ecwid.getOrder(STORE, second.id!)?.trackingNumber === 'NEW-CODE-3', 30_000);
  });
});
