import { Context } from '@temporalio/activity';
import type { WorkflowHandle } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { AccountReconciliation } from '../../src/activities/account';
import { reportBudgets } from '../../src/activities/budget-reporter';
import type { AccountBudgetSnapshot } from '../../src/activities/order-batcher';
import type { AccountSubscription } from '../../src/activities/webhook-subscription';
import { shipstationAccountWorkflowId } from '../../src/domain/ids';
import {
  accountCredentialsQuery,
  accountStatusQuery,
  attachStoreSignal,
  budgetReportSignal,
  detachStoreSignal,
  reconcileNowSignal,
  shipNoticeRoutedSignal,
  type AccountStatus,
  type AttachStore,
  type BudgetReport,
  type ShipStationAccountInput,
} from '../../src/workflows/definitions';
import { ASKED_RECONCILE_GAP_MS, FIRST_LOOKBACK_SECONDS, RECONCILE_OVERLAP_SECONDS, type shipstationAccount } from '../../src/workflows/shipstation-account';
import { eventually } from '../helpers/stack';
import { startTimeSkipping } from '../helpers/temporal';
import { withWorkflowWorker, type Activities } from './harness';

/** Mocked account activities that record their calls; `ensure` answers through `onEnsure`. */
function fakeActivities(opts: { onEnsure?: (call: number) => AccountSubscription } = {}) {
  const calls = { ensures: 0, removes: 0, reconciles: [] as { since: number; at: number }[] };
  const activities: Partial<Activities> = {
    ensureAccountShipNotify: async () => {
      calls.ensures += 1;
      return opts.onEnsure?.(calls.ensures) ?? { state: 'subscribed', replacedLegacy: 0, legacyLeft: 0 };
    },
    removeAccountShipNotify: async () => {
      calls.removes += 1;
      return 1;
    },
    reconcileAccountShipments: async ({ since }): Promise<AccountReconciliation> => {
      // The server's (skipped) time, as the real activity's clock would read in production.
      const until = Math.floor(Context.current().info.currentAttemptScheduledTimestampMs / 1000);
      calls.reconciles.push({ since, at: until });
      return { until, shipments: 3, orders: 2, routed: 2, ignored: 1 };
    },
  };
  return { calls, activities };
}

let env: TestWorkflowEnvironment;
let seq = 0;
const started: WorkflowHandle[] = [];

beforeAll(async () => {
  env = await startTimeSkipping();
});
afterAll(async () => {
  await env?.teardown();
});
// A workflow left running after a failed test would keep timers pending for the next test's time skips.
afterEach(async () => {
  for (const h of started.splice(0)) await env.client.workflow.getHandle(h.workflowId).terminate().catch(() => undefined);
});

function newAccountId(): string {
  seq += 1;
  return `${process.pid.toString(16)}${seq.toString(16)}`.padStart(16, '0').slice(-16);
}

/** What `joinShipStationAccount` does: signal-with-start the account's workflow with the store's attachStore. */
async function attach(taskQueue: string, accountId: string, store: AttachStore, credentials?: ShipStationAccountInput['credentials']): Promise<WorkflowHandle> {
  // Remembered before the call: a workflow this test starts is terminated after it, even if the call fails.
  started.push(env.client.workflow.getHandle(shipstationAccountWorkflowId(accountId)));
  const h = await env.client.workflow.signalWithStart<typeof shipstationAccount, [AttachStore]>('shipstationAccount', {
    workflowId: shipstationAccountWorkflowId(accountId),
    taskQueue,
    args: [{ accountId, ...(credentials ? { credentials } : {}) }],
    signal: attachStoreSignal,
    signalArgs: [store],
  });
  return h;
}

const statusOf = (h: WorkflowHandle) => h.query(accountStatusQuery);
async function statusWhen(h: WorkflowHandle, check: (s: AccountStatus) => boolean): Promise<AccountStatus> {
  return eventually(async () => {
    const s = await statusOf(h);
    return check(s) ? s : undefined;
  }, 20_000, 50);
}

describe('shipstationAccount workflow (time-skipping server, mocked activities)', () => {
  test('50 stores joining one account: one workflow, one subscription, one reconciliation', async () => {
    const fake = fakeActivities();
    await withWorkflowWorker(env, fake.activities, async (taskQueue) => {
      const accountId = newAccountId();
      // One after the other: the time-skipping test server (unlike Temporal's server, where the integration test
      // joins 50 stores at once) can answer concurrent signal-with-starts of one new ID with "already started".
      const handles: WorkflowHandle[] = [];
      for (let i = 0; i < 50; i++) handles.push(await attach(taskQueue, accountId, { storeId: 9000 + i }));
      expect(new Set(handles.map((h) => h.workflowId)).size).toBe(1);
      const s = await statusWhen(handles[0], (st) => st.stores.length === 50 && st.lastReconciliation !== undefined);
      expect(s.account).toBe('default');
      expect(s.subscription.state).toBe('subscribed');
      expect(s.lastReconciliation).toMatchObject({ shipments: 3, routed: 2, ignored: 1 });
      // Joining again (every run of a store joins) changes nothing and costs nothing.
      await attach(taskQueue, accountId, { storeId: 9000 });
      await new Promise((r) => setTimeout(r, 300));
      expect((await statusOf(handles[0])).stores).toHaveLength(50);
      expect(fake.calls.ensures).toBe(1);
      expect(fake.calls.reconciles).toHaveLength(1);
      // The first reconciliation of a new account looks back a day: labels bought while per-store subscriptions
      // were being replaced are found.
      const first = fake.calls.reconciles[0];
      expect(first.at - first.since).toBeGreaterThanOrEqual(FIRST_LOOKBACK_SECONDS);
      expect(first.at - first.since).toBeLessThan(FIRST_LOOKBACK_SECONDS + 60);
    });
  });

  test('reconciles every 15 minutes from where the last pass ended (with overlap), and at once on reconcileNow', async () => {
    const fake = fakeActivities();
    await withWorkflowWorker(env, fake.activities, async (taskQueue) => {
      const h = await attach(taskQueue, newAccountId(), { storeId: 9101 });
      await statusWhen(h, (s) => s.lastReconciliation !== undefined);
      await env.sleep('61 minutes');
      await eventually(() => fake.calls.reconciles.length >= 5, 10_000, 50);
      // An idle hour: the first pass and 4 more, whatever the number of stores (≤ 12 an hour).
      expect(fake.calls.reconciles).toHaveLength(5);
      for (let i = 1; i < fake.calls.reconciles.length; i++) {
        const [prev, cur] = [fake.calls.reconciles[i - 1], fake.calls.reconciles[i]];
        expect(cur.since).toBe(prev.at - RECONCILE_OVERLAP_SECONDS);
        expect(cur.at - prev.at).toBeGreaterThanOrEqual(15 * 60);
        expect(cur.at - prev.at).toBeLessThan(16 * 60);
      }
      await h.signal(reconcileNowSignal);
      await env.sleep('1 minute'); // at most a minute after the last pass (see the next test)
      await eventually(() => fake.calls.reconciles.length === 6, 10_000, 50);
      // The daily re-check of the subscription has not come yet.
      expect(fake.calls.ensures).toBe(1);
    });
  });

  test("asked-for reconciliations (every store's sync now) keep a minute after the last pass: many asks, one pass", async () => {
    const fake = fakeActivities();
    await withWorkflowWorker(env, fake.activities, async (taskQueue) => {
      const h = await attach(taskQueue, newAccountId(), { storeId: 9151 });
      await statusWhen(h, (s) => s.lastReconciliation !== undefined);
      expect(fake.calls.reconciles).toHaveLength(1);
      // Merchants of many stores click "sync now" right after that pass.
      for (let i = 0; i < 20; i++) await h.signal(reconcileNowSignal);
      await new Promise((r) => setTimeout(r, 500));
      expect(fake.calls.reconciles).toHaveLength(1);
      await env.sleep('30 seconds');
      expect(fake.calls.reconciles).toHaveLength(1);
      await env.sleep('31 seconds');
      await eventually(() => fake.calls.reconciles.length === 2, 10_000, 50);
      // All twenty asks were served by that one pass; the next comes on schedule, or on the next ask.
      await new Promise((r) => setTimeout(r, 500));
      expect(fake.calls.reconciles).toHaveLength(2);
      expect(ASKED_RECONCILE_GAP_MS).toBe(60_000);
    });
  });

  test('a failing subscription is retried with backoff, and reconciliation goes on meanwhile', async () => {
    const fake = fakeActivities({
      onEnsure: (n) => {
        if (n <= 3 * 2) throw ApplicationFailure.create({ message: 'ShipStation answered 503', type: 'ShipStationUnavailable' });
        return { state: 'subscribed', replacedLegacy: 0, legacyLeft: 0 };
      },
    });
    await withWorkflowWorker(env, fake.activities, async (taskQueue) => {
      const h = await attach(taskQueue, newAccountId(), { storeId: 9201 });
      await env.sleep('30 seconds'); // the activity's retries (5 s, then 10 s)
      // The activity's own 3 attempts fail: the workflow records it, and reconciles all the same.
      const failed = await statusWhen(h, (s) => s.subscription.state === 'failed' && s.lastReconciliation !== undefined);
      expect(failed.subscription.error).toMatch(/503/);
      expect(fake.calls.ensures).toBe(3);
      await env.sleep('70 seconds'); // first retry after a minute: fails 3 more times
      await statusWhen(h, () => fake.calls.ensures === 6);
      await env.sleep('130 seconds'); // then after two minutes: succeeds
      const ok = await statusWhen(h, (s) => s.subscription.state === 'subscribed');
      expect(ok.subscription.error).toBeUndefined();
      expect(fake.calls.ensures).toBe(7);
    });
  });

  test('older per-store subscriptions are replaced in chunks, each after the account subscription is in place', async () => {
    const left = [65, 35, 5, 0];
    const fake = fakeActivities({ onEnsure: (n) => ({ state: n === 1 ? 'subscribed' : 'already', replacedLegacy: 30, legacyLeft: left[n - 1] }) });
    await withWorkflowWorker(env, fake.activities, async (taskQueue) => {
      const h = await attach(taskQueue, newAccountId(), { storeId: 9301 });
      const s = await statusWhen(h, (st) => st.subscription.state === 'subscribed' && st.lastReconciliation !== undefined);
      expect(fake.calls.ensures).toBe(4);
      expect(s.subscription.replacedLegacy).toBe(120);
    });
  });

  test('the last store leaving removes the subscription and completes the workflow', async () => {
    const fake = fakeActivities();
    await withWorkflowWorker(env, fake.activities, async (taskQueue) => {
      const accountId = newAccountId();
      const h = await attach(taskQueue, accountId, { storeId: 9401 });
      await attach(taskQueue, accountId, { storeId: 9402 });
      await statusWhen(h, (s) => s.stores.length === 2 && s.lastReconciliation !== undefined);
      await h.signal(detachStoreSignal, { storeId: 9401 });
      expect((await statusWhen(h, (s) => s.stores.length === 1)).stores).toEqual([9402]);
      expect(fake.calls.removes).toBe(0);
      await h.signal(detachStoreSignal, { storeId: 9402 });
      expect(await h.result()).toEqual({ storesLeft: 0 });
      expect(fake.calls.removes).toBe(1);
      // A store joining later starts the account again.
      const again = await attach(taskQueue, accountId, { storeId: 9403 });
      expect((await statusWhen(again, (s) => s.stores.length === 1)).stores).toEqual([9403]);
    });
  });

  test("an account with its own keys answers them to activities; status sums the workers' budget reports", async () => {
    const fake = fakeActivities();
    const own = { apiKey: 'own-key', apiSecret: 'own-secret' };
    await withWorkflowWorker(env, fake.activities, async (taskQueue) => {
      const h = await attach(taskQueue, newAccountId(), { storeId: 9501, credentials: own }, own);
      await statusWhen(h, (s) => s.lastReconciliation !== undefined);
      expect(await h.query(accountCredentialsQuery)).toEqual(own);
      const at = new Date().toISOString();
      const report = (worker: string, queueDepth: number, calls: number, oldest = 0): BudgetReport => ({
        worker,
        at,
        queueDepth,
        oldestWaitingMs: oldest,
        callsInCurrentWindow: calls,
      });
      await h.signal(budgetReportSignal, report('w1', 120, 30, 4000));
      await h.signal(budgetReportSignal, report('w2', 80, 8, 9000));
      await h.signal(shipNoticeRoutedSignal, { routed: 60, ignored: 2 });
      const busy = await statusWhen(h, (s) => s.budget.reports.length === 2 && s.notifications.routed === 60);
      expect(busy.account).toBe('own');
      expect(busy.budget).toMatchObject({ queueDepth: 200, oldestWaitingMs: 9000, callsInCurrentWindow: 38 });
      expect(busy.notifications).toEqual({ routed: 60, ignored: 2 });
      // A worker gone idle says so once, and its figures leave the sum.
      await h.signal(budgetReportSignal, report('w2', 0, 0));
      const after = await statusWhen(h, (s) => s.budget.reports.length === 1);
      expect(after.budget).toMatchObject({ queueDepth: 120, callsInCurrentWindow: 30 });
    });
  });

  test('the worker-side reporter signals busy accounts, then once more when they go idle, and skips unknown ones', async () => {
    const fake = fakeActivities();
    await withWorkflowWorker(env, fake.activities, async (taskQueue) => {
      const accountId = newAccountId();
      const h = await attach(taskQueue, accountId, { storeId: 9601 });
      await statusWhen(h, (s) => s.lastReconciliation !== undefined);
      let snap: AccountBudgetSnapshot = { queueDepth: 42, oldestWaitingMs: 1500, callsInCurrentWindow: 12, callsWaiting: 1, remaining: 28, resetAt: new Date(Date.now() + 30_000).toISOString() };
      // An account whose stores have not joined yet has no workflow: its report is dropped, nothing fails.
      const source = { worker: 'test-worker', accounts: () => [accountId, 'ffffffffffffffff'], snapshot: (id: string) => (id === accountId ? snap : { ...snap }) };
      const busy = await reportBudgets(env.client, source, new Set());
      expect([...busy].sort()).toEqual([accountId, 'ffffffffffffffff'].sort());
      const s = await statusWhen(h, (st) => st.budget.reports.length === 1);
      expect(s.budget).toMatchObject({ queueDepth: 42, oldestWaitingMs: 1500, callsInCurrentWindow: 12 });
      expect(s.budget.reports[0]).toMatchObject({ worker: 'test-worker', remaining: 28 });
      snap = { queueDepth: 0, oldestWaitingMs: 0, callsInCurrentWindow: 0, callsWaiting: 0 };
      const idle = await reportBudgets(env.client, { ...source, accounts: () => [] }, busy);
      expect(idle.size).toBe(0);
      await statusWhen(h, (st) => st.budget.reports.length === 0);
    });
  });
});
