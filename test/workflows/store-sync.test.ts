import { ApplicationFailure } from '@temporalio/common';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { WorkflowHandle } from '@temporalio/client';
import type { ImportOrdersInput, ImportOrdersResult } from '../../src/activities/import-orders';
import {
  credentialsQuery,
  disconnectSignal,
  needsReconnectSignal,
  pauseSignal,
  resumeSignal,
  statusQuery,
  syncNowSignal,
  updateConnectionSignal,
  type ConnectionSettings,
} from '../../src/workflows/definitions';
import type { CarriedState, StoreSyncInput } from '../../src/workflows/store-sync';
import { eventually } from '../helpers/stack';
import { startTimeSkipping } from '../helpers/temporal';
import { withWorkflowWorker, type Activities } from './harness';

const SETTINGS: ConnectionSettings = { pollIntervalSeconds: 300, importSince: 1_700_000_000, statusMapping: {}, importPickupOrders: false };
const OWN_ACCOUNT = { apiKey: 'own-key', apiSecret: 'own-secret' };

/** Mocked activities that record every call; `importOrders` answers through `onImport`. */
function fakeActivities(onImport: (input: ImportOrdersInput) => Promise<ImportOrdersResult> | ImportOrdersResult = emptyPage) {
  const calls = { imports: [] as ImportOrdersInput[], joins: [] as string[], leaves: [] as string[], cancels: 0 };
  const activities: Partial<Activities> = {
    importOrders: async (input) => {
      calls.imports.push(input);
      return onImport(input);
    },
    // The account is named after its key here; the real activity hashes it.
    joinShipStationAccount: async ({ credentials }) => {
      const accountId = credentials.shipstation?.apiKey ?? 'default';
      calls.joins.push(accountId);
      return { accountId };
    },
    leaveShipStationAccount: async ({ accountId }) => {
      calls.leaves.push(accountId);
    },
    reconcileAccountNow: async () => true,
    cancelDeletedOrders: async () => {
      calls.cancels += 1;
      return [];
    },
  };
  return { calls, activities };
}

function emptyPage(): ImportOrdersResult {
  return { startedAt: Math.floor(Date.now() / 1000), count: 0, total: 0, outcomes: [] };
}

const byId = (calls: ImportOrdersInput[]) => calls.filter((c) => c.orderIds);
const paging = (calls: ImportOrdersInput[]) => calls.filter((c) => c.updatedFrom !== undefined);

describe('storeSync workflow (time-skipping server, mocked activities)', () => {
  let env: TestWorkflowEnvironment;
  let seq = 0;
  beforeAll(async () => {
    env = await startTimeSkipping();
  });
  afterAll(async () => {
    await env?.teardown();
  });
  // A workflow left running after a failed test would keep an activity pending, and time would stop skipping.
  const started: WorkflowHandle[] = [];
  afterEach(async () => {
    for (const h of started.splice(0)) await env.client.workflow.getHandle(h.workflowId).terminate().catch(() => undefined);
  });

  async function startStore(taskQueue: string, extra: Partial<StoreSyncInput> = {}): Promise<WorkflowHandle> {
    const storeId = 7000 + ++seq;
    const input: StoreSyncInput = { storeId, credentials: { ecwidAccessToken: 'token-1', shipstation: OWN_ACCOUNT }, settings: SETTINGS, ...extra };
    const h = await env.client.workflow.start('storeSync', { workflowId: `store-sync:${storeId}`, taskQueue, args: [input] });
    started.push(h);
    return h;
  }
  const stateOf = async (h: WorkflowHandle) => (await h.query(statusQuery)).state;

  test('connection states: each transition of the table, pause and reconnect never erase each other', async () => {
    const { activities } = fakeActivities();
    await withWorkflowWorker(env, activities, async (tq) => {
      const h = await startStore(tq);
      await env.sleep('1 second');
      expect(await stateOf(h)).toBe('active');
      await h.signal(pauseSignal);
      expect(await stateOf(h)).toBe('paused');
      await h.signal(resumeSignal);
      expect(await stateOf(h)).toBe('active');
      // needs_reconnect, then pause/resume: resuming must not clear needs_reconnect without new credentials.
      await h.signal(needsReconnectSignal, 'token refused');
      expect(await stateOf(h)).toBe('needs_reconnect');
      await h.signal(pauseSignal);
      expect(await stateOf(h)).toBe('needs_reconnect');
      await h.signal(resumeSignal);
      expect(await stateOf(h)).toBe('needs_reconnect');
      // A reconnect of a store paused meanwhile leaves it paused.
      await h.signal(pauseSignal);
      await h.signal(updateConnectionSignal, { credentials: { ecwidAccessToken: 'token-2' } });
      expect(await stateOf(h)).toBe('paused');
      await h.signal(resumeSignal);
      expect(await stateOf(h)).toBe('active');
      // needsReconnect never overrides disconnected.
      await h.signal(disconnectSignal);
      await h.signal(needsReconnectSignal, 'late uninstall').catch(() => undefined);
      await h.result();
      const described = await h.describe();
      expect(described.status.name).toBe('COMPLETED');
      expect(described.searchAttributes.ConnectionState).toEqual(['disconnected']);
    });
  });

  test('a reconnect with a new Ecwid token keeps the store on its own ShipStation account; switching is explicit', async () => {
    const { calls, activities } = fakeActivities();
    await withWorkflowWorker(env, activities, async (tq) => {
      const h = await startStore(tq);
      await env.sleep('1 second');
      expect(calls.joins).toEqual([OWN_ACCOUNT.apiKey]);
      await h.signal(updateConnectionSignal, { credentials: { ecwidAccessToken: 'token-2' } });
      await env.sleep('1 second');
      expect(await h.query(credentialsQuery)).toEqual({ ecwidAccessToken: 'token-2', shipstation: OWN_ACCOUNT });
      expect((await h.query(statusQuery)).shipstationAccount).toBe('own');
      // Same account: it stays where it is.
      expect(calls.joins).toEqual([OWN_ACCOUNT.apiKey]);
      expect(calls.leaves).toEqual([]);
      await h.signal(updateConnectionSignal, { credentials: { ecwidAccessToken: 'token-3' }, useDefaultShipStation: true });
      await env.sleep('1 second');
      expect(await h.query(credentialsQuery)).toEqual({ ecwidAccessToken: 'token-3' });
      const status = await h.query(statusQuery);
      expect(status.shipstationAccount).toBe('default');
      expect(status.shipstationAccountId).toBe('default');
      // It left its own account's workflow and joined the default account's.
      expect(calls.leaves).toEqual([OWN_ACCOUNT.apiKey]);
      expect(calls.joins).toEqual([OWN_ACCOUNT.apiKey, 'default']);
      // Disconnecting leaves the account it is in.
      await h.signal(disconnectSignal);
      await h.result();
      expect(calls.leaves).toEqual([OWN_ACCOUNT.apiKey, 'default']);
    });
  });

  test('a failing pass backs off instead of looping, and keeps the orders asked for by ID', async () => {
    const { calls, activities } = fakeActivities((input) => {
      if (input.orderIds) throw ApplicationFailure.nonRetryable('Ecwid answered 400 for the search', 'EcwidRequestRejected');
      return emptyPage();
    });
    await withWorkflowWorker(env, activities, async (tq) => {
      const h = await startStore(tq);
      await env.sleep('1 second');
      await h.signal(syncNowSignal, { orderIds: ['BAD-1'], trigger: 'webhook' });
      await env.sleep('1 hour');
      const status = await h.query(statusQuery);
      // Backoff 30 s, 1, 2, 4, 8, 16, 30, 30 min… : a handful of tries in an hour, not a hot loop.
      expect(byId(calls.imports).length).toBeGreaterThanOrEqual(4);
      expect(byId(calls.imports).length).toBeLessThanOrEqual(9);
      expect(status.consecutiveFailures).toBeGreaterThanOrEqual(4);
      expect(status.lastError).toMatch(/400/);
      expect(status.pendingOrderIds).toBe(1);
      // The full pass ran and committed its cursor although the ID pass failed.
      expect(paging(calls.imports).length).toBeGreaterThan(0);
      expect(status.cursor).toBeDefined();
    });
  });

  test('an order that fails on its own is recorded with its reason and retried a bounded number of times, not looped', async () => {
    const { calls, activities } = fakeActivities((input) =>
      input.orderIds
        ? { startedAt: 1, count: 1, total: 1, outcomes: input.orderIds.map((id) => ({ id, outcome: 'failed' as const, reason: 'Ecwid answered 400 for this order' })) }
        : emptyPage(),
    );
    await withWorkflowWorker(env, activities, async (tq) => {
      const h = await startStore(tq);
      await env.sleep('1 second');
      await h.signal(syncNowSignal, { orderIds: ['BAD-2'], trigger: 'webhook' });
      await env.sleep('2 hours');
      const status = await h.query(statusQuery);
      expect(status.recentFailed.map((n) => n.orderId)).toEqual(['BAD-2']);
      expect(status.recentFailed[0].reason).toMatch(/400/);
      // Tried once for the webhook, then on the next scheduled syncs up to the attempt limit (5).
      expect(byId(calls.imports)).toHaveLength(5);
      expect(status.consecutiveFailures ?? 0).toBe(0);
    });
  });

  test('a syncNow that arrives during a failing full sync is not lost', async () => {
    // The first full sync is held until the test has signalled the operator's sync now, then fails.
    let release: () => void = () => undefined;
    const held = new Promise<void>((r) => (release = r));
    let fail = true;
    const { calls, activities } = fakeActivities(async (input) => {
      if (input.updatedFrom !== undefined && fail) {
        fail = false;
        await held;
        throw ApplicationFailure.nonRetryable('ShipStation answered 500', 'Temporary');
      }
      return emptyPage();
    });
    await withWorkflowWorker(env, activities, async (tq) => {
      const h = await startStore(tq);
      await eventually(() => paging(calls.imports).length === 1, 20_000, 20);
      await h.signal(syncNowSignal, { trigger: 'operator' });
      release();
      await env.sleep('2 minutes');
      // The first full sync failed; the operator's sync now ran a second one, well before the 5-minute poll.
      expect(paging(calls.imports).length).toBeGreaterThanOrEqual(2);
      expect((await h.query(statusQuery)).lastSyncResult?.trigger).toBe('operator');
    });
  });

  test('a token Ecwid refuses during a sync moves the store to needs_reconnect; nothing syncs until a reconnect', async () => {
    let refused = true;
    const { calls, activities } = fakeActivities(() => {
      if (refused) throw ApplicationFailure.nonRetryable('Ecwid refused the token (403)', 'EcwidTokenInvalid');
      return emptyPage();
    });
    await withWorkflowWorker(env, activities, async (tq) => {
      const h = await startStore(tq);
      await env.sleep('1 minute');
      expect(await stateOf(h)).toBe('needs_reconnect');
      const before = calls.imports.length;
      await env.sleep('2 hours');
      expect(calls.imports.length).toBe(before);
      refused = false;
      await h.signal(updateConnectionSignal, { credentials: { ecwidAccessToken: 'token-new' } });
      await env.sleep('1 minute');
      expect(await stateOf(h)).toBe('active');
      expect(calls.imports.length).toBeGreaterThan(before);
      expect(calls.imports.at(-1)?.credentials.ecwidAccessToken).toBe('token-new');
    });
  });

  test('a deletion announced by a webhook is re-read from Ecwid (only a 404 there cancels), never cancelled blindly', async () => {
    const { calls, activities } = fakeActivities();
    await withWorkflowWorker(env, activities, async (tq) => {
      const h = await startStore(tq);
      await env.sleep('1 second');
      await h.signal(syncNowSignal, { deletedOrderIds: ['GONE-1'], trigger: 'webhook' });
      await env.sleep('10 seconds');
      expect(calls.cancels).toBe(0);
      expect(byId(calls.imports).map((c) => c.orderIds)).toEqual([['GONE-1']]);
    });
  });

  test('moving the import start date earlier reads that window of creation dates again', async () => {
    const { calls, activities } = fakeActivities((input) =>
      input.createdFrom !== undefined
        ? { startedAt: 1, count: input.offset === 0 ? 100 : 20, total: 120, outcomes: [] }
        : emptyPage(),
    );
    await withWorkflowWorker(env, activities, async (tq) => {
      const h = await startStore(tq);
      await env.sleep('1 second');
      await h.signal(updateConnectionSignal, { settings: { importSince: SETTINGS.importSince - 86_400 } });
      await env.sleep('10 seconds');
      const windowReads = calls.imports.filter((c) => c.createdFrom !== undefined);
      expect(windowReads.map((c) => [c.createdFrom, c.createdTo, c.offset])).toEqual([
        [SETTINGS.importSince - 86_400, SETTINGS.importSince, 0],
        [SETTINGS.importSince - 86_400, SETTINGS.importSince, 100],
      ]);
      expect((await h.query(statusQuery)).rereading).toBeUndefined();
      // Moving it later reads nothing again.
      await h.signal(updateConnectionSignal, { settings: { importSince: SETTINGS.importSince + 3600 } });
      await env.sleep('10 seconds');
      expect(calls.imports.filter((c) => c.createdFrom !== undefined)).toHaveLength(2);
    });
  });

  test('continue-as-new carries the flags: joining an account that failed is tried again by the next run', async () => {
    let joinFails = true;
    const { calls, activities } = fakeActivities();
    activities.joinShipStationAccount = async () => {
      calls.joins.push('try');
      if (joinFails) throw ApplicationFailure.nonRetryable('Temporal unavailable', 'Temporary');
      return { accountId: 'acct' };
    };
    await withWorkflowWorker(env, activities, async (tq) => {
      // 200 syncs at a 30-second poll make the run hand over to a new one.
      const h = await startStore(tq, { settings: { ...SETTINGS, pollIntervalSeconds: 30 } });
      const firstRunId = (await h.describe()).runId;
      await env.sleep('101 minutes');
      const current = env.client.workflow.getHandle(h.workflowId);
      expect((await current.describe()).runId).not.toBe(firstRunId);
      const history = await current.fetchHistory();
      const started = history.events?.[0].workflowExecutionStartedEventAttributes;
      const payload = started?.input?.payloads?.[0];
      const carried = (JSON.parse(Buffer.from(payload!.data!).toString()) as StoreSyncInput).carried as CarriedState;
      expect(carried.accountJoined).toBe(false);
      // The new run joins (what failed is not assumed done).
      joinFails = false;
      await env.sleep('1 minute');
      expect((await current.query(statusQuery)).shipstationAccountId).toBe('acct');
    });
  }, 120_000);

  test('a run carried over by the previous release (state only) keeps its state', async () => {
    const { activities } = fakeActivities();
    await withWorkflowWorker(env, activities, async (tq) => {
      const carried = {
        state: 'needs_reconnect',
        counts: { imported: 3, skipped: 0, failed: 0, cancelled: 0 },
        skipReasons: {},
        notImported: {},
        recentlyImported: {},
        recentlySent: {},
        pendingOrderIds: [],
        pendingDeletedIds: ['OLD-DELETED'],
        fullSyncRequested: false,
        syncsRun: 9,
      } satisfies CarriedState;
      const h = await startStore(tq, { carried });
      await env.sleep('1 hour');
      expect(await stateOf(h)).toBe('needs_reconnect');
      await h.signal(resumeSignal);
      expect(await stateOf(h)).toBe('needs_reconnect');
    });
  });
});
