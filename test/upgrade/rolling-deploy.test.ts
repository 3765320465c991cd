import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { temporal } from '@temporalio/proto';
import { shipmentWorkflowId, storeSyncWorkflowId } from '../../src/domain/ids';
import type { AccountStatus } from '../../src/workflows/definitions';
import { currentVersionOf, setCurrentVersion, type DeploymentVersion } from '../../src/worker/versioning';
import { importableOrder } from '../helpers/orders';
import { SS_ACCOUNT, eventually, startTestStack, type TestStack } from '../helpers/stack';
import { workflowBundle } from '../helpers/temporal';

const RELEASE = '00b9c58';
const STORE = 9501;
const TOKEN = 'secret_store_9501_rolling_token';

/**
 * A rolling deploy with Worker Versioning: version N (the previous release's workflow code) runs the stores; version
 * N+1 (today's) starts beside it and becomes current; N drains and stops. Months-long workflows (AUTO_UPGRADE) move
 * to N+1 at their next task and replay there without nondeterminism; orders and labels flow before, during and
 * after, each created once.
 */
describe(`rolling deploy: release ${RELEASE} → today, versioned workers`, () => {
  let stack: TestStack;
  const key = (id: string) => `ecwid-${STORE}-${id}`;
  const deploymentName = `connector-test-${process.pid}`;
  const N: DeploymentVersion = { deploymentName, buildId: `release-${RELEASE}` };
  const N1: DeploymentVersion = { deploymentName, buildId: 'today' };
  /** Imports one new order through its webhook and writes a label for it back to Ecwid. */
  const orderAndLabel = async (tracking: string) => {
    const o = stack.ecwid.upsertOrder(STORE, importableOrder({ createTimestamp: Math.floor(Date.now() / 1000) - 60 }));
    await stack.ecwid.sendWebhook(STORE, 'order.created', { orderId: o.id });
    await eventually(() => stack.shipstation.ordersByKey(SS_ACCOUNT.apiKey).get(key(o.id!)), 60_000);
    await stack.shipstation.createLabel(SS_ACCOUNT.apiKey, key(o.id!), { trackingNumber: tracking });
    await eventually(() => stack.ecwid.getOrder(STORE, o.id!)?.trackingNumber === tracking, 60_000);
    return o.id!;
  };
  /** The version that completed the workflow's last task. */
  const versionOf = async (workflowId: string) => (await versioningOf(workflowId)).buildId;
  const versioningOf = async (workflowId: string) => {
    const d = await stack.client.workflow.getHandle(workflowId).describe();
    const info = d.raw.workflowExecutionInfo?.versioningInfo;
    return { buildId: info?.deploymentVersion?.buildId ?? undefined, pinned: info?.behavior === temporal.api.enums.v1.VersioningBehavior.VERSIONING_BEHAVIOR_PINNED };
  };

  beforeAll(async () => {
    stack = await startTestStack({ rateLimitWindowMs: 10_000 });
    await stack.stopWorker();
    stack.ecwid.addStore({ storeId: STORE, token: TOKEN, plan: 'VENTURE' });
  });
  afterAll(async () => {
    await stack?.stop();
  });

  test('N+1 starts beside N, becomes current, N drains and stops: no nondeterminism, no order lost or doubled', async () => {
    const released = { code: gunzipSync(readFileSync(join(__dirname, '..', 'fixtures', 'releases', `workflows@${RELEASE}.js.gz`))).toString('utf8') };
    const workerN = await stack.extraWorker({ bundle: released, deployment: N, name: 'worker-N' });
    await setCurrentVersion(stack.client, 'default', N);
    expect((await stack.api('/connections', { method: 'POST', body: JSON.stringify({ ecwidStoreId: STORE, ecwidAccessToken: TOKEN }) })).status).toBe(201);
    const first = await orderAndLabel('ON-N-1');
    expect(await versionOf(storeSyncWorkflowId(STORE))).toBe(N.buildId);

    // Deploy N+1 beside N, then make it current: N keeps serving what is pinned to it.
    const workerN1 = await stack.extraWorker({ bundle: await workflowBundle(), deployment: N1, name: 'worker-N+1' });
    await setCurrentVersion(stack.client, 'default', N1);
    expect(await currentVersionOf(stack.client, 'default', deploymentName)).toBe(N1.buildId);
    const during = await orderAndLabel('DURING-2');
    // The store's and the order's workflows moved to N+1 at their next task (AUTO_UPGRADE).
    await eventually(async () => (await versionOf(storeSyncWorkflowId(STORE))) === N1.buildId, 30_000);
    await eventually(async () => (await versionOf(shipmentWorkflowId(STORE, during))) === N1.buildId, 30_000);

    // Drain N: once no open workflow is pinned to it, it stops. Idle AUTO_UPGRADE workflows (the account, the first
    // order's write-back) still show N as the version of their last task: their next task goes to N+1.
    await eventually(async () => {
      for await (const wf of stack.client.workflow.list({ query: 'ExecutionStatus="Running"' })) {
        const v = await versioningOf(wf.workflowId);
        if (v.pinned && v.buildId === N.buildId) return false;
      }
      return true;
    }, 60_000, 500);
    await workerN.stop();
    const after = await orderAndLabel('ON-N1-3');
    // A label for an order imported under N reaches Ecwid through N+1.
    await stack.shipstation.createLabel(SS_ACCOUNT.apiKey, key(first), { trackingNumber: 'ON-N1-4' });
    await eventually(() => stack.ecwid.getOrder(STORE, first)?.trackingNumber === 'ON-N1-4', 30_000);
    // The account's traffic has an owner under today's code (the old run took its lease after the upgrade).
    const account = (await (await stack.api(`/connections/${STORE}`)).json()) as { shipstationAccountId: string };
    await eventually(async () => ((await (await stack.api(`/accounts/${account.shipstationAccountId}`)).json()) as AccountStatus).owner, 30_000);

    // No workflow task failed anywhere (a nondeterministic replay fails its task), and each order was created once.
    for await (const wf of stack.client.workflow.list()) {
      const history = await stack.client.workflow.getHandle(wf.workflowId, wf.runId).fetchHistory();
      const failed = (history.events ?? []).filter((e) => e.eventType === temporal.api.enums.v1.EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED);
      expect({ workflowId: wf.workflowId, failedTasks: failed.length }).toEqual({ workflowId: wf.workflowId, failedTasks: 0 });
    }
    const created = stack.shipstation.creationAttempts.filter((a) => a.outcome === 'created').map((a) => a.orderKey);
    expect(new Set(created).size).toBe(created.length);
    for (const id of [first, during, after]) expect(created).toContain(key(id));
    await workerN1.stop();
  });
});
