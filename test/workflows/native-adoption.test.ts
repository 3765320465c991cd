import { ApplicationFailure } from '@temporalio/common';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { WorkflowHandle } from '@temporalio/client';
import type { ImportOrdersInput } from '../../src/activities/import-orders';
import type { FindNativeOrdersInput, NativeScan } from '../../src/activities/native-orders';
import { adoptedOrdersQuery, orderDecisionQuery, statusQuery, updateConnectionSignal, type ConnectionSettings } from '../../src/workflows/definitions';
import type { StoreSyncInput } from '../../src/workflows/store-sync';
import { eventually } from '../helpers/stack';
import { startTimeSkipping } from '../helpers/temporal';
import { withWorkflowWorker, type Activities } from './harness';

const SETTINGS: ConnectionSettings = { pollIntervalSeconds: 300, importSince: 1_700_000_000, statusMapping: {}, importPickupOrders: false };
const SCAN: NativeScan = {
  nativeStores: [{ storeId: 900, storeName: 'My Ecwid shop', autoRefresh: false }],
  adopted: { A1: 'native-key-1', A2: '' },
  ambiguous: [],
  listed: 3,
  shipstationCalls: 2,
};

describe('storeSync: adopting the orders of ShipStation’s own Ecwid integration (time-skipping server, mocked activities)', () => {
  let env: TestWorkflowEnvironment;
  let seq = 0;
  beforeAll(async () => {
    env = await startTimeSkipping();
  });
  afterAll(async () => {
    await env?.teardown();
  });
  const started: WorkflowHandle[] = [];
  afterEach(async () => {
    for (const h of started.splice(0)) await env.client.workflow.getHandle(h.workflowId).terminate().catch(() => undefined);
  });

  function fakes(scan: (input: FindNativeOrdersInput) => Promise<NativeScan>) {
    const calls = { imports: [] as ImportOrdersInput[], scans: [] as FindNativeOrdersInput[], joins: [] as { nativeStoreIds?: number[] }[] };
    const activities: Partial<Activities> = {
      findNativeOrders: async (input) => {
        calls.scans.push(input);
        return scan(input);
      },
      importOrders: async (input) => {
        calls.imports.push(input);
        return { startedAt: Math.floor(Date.now() / 1000), count: 0, total: 0, outcomes: [] };
      },
      joinShipStationAccount: async (input) => {
        calls.joins.push({ nativeStoreIds: input.nativeStoreIds });
        return { accountId: 'acct' };
      },
      reconcileAccountNow: async () => true,
    };
    return { calls, activities };
  }

  async function startStore(taskQueue: string): Promise<WorkflowHandle> {
    const storeId = 7500 + ++seq;
    const input: StoreSyncInput = { storeId, credentials: { ecwidAccessToken: 'token-1' }, settings: SETTINGS };
    const h = await env.client.workflow.start('storeSync', { workflowId: `store-sync:${storeId}`, taskQueue, args: [input] });
    started.push(h);
    return h;
  }

  test('nothing is imported until the look succeeds; then pages know the store has adoptions, and the account routes its labels', async () => {
    let failures = 2;
    const { calls, activities } = fakes(async () => {
      if (failures-- > 0) throw ApplicationFailure.nonRetryable('ShipStation is down', 'ShipStationUnavailable');
      return SCAN;
    });
    await withWorkflowWorker(env, activities, async (taskQueue) => {
      const h = await startStore(taskQueue);
      await eventually(async () => (calls.scans.length === 1 ? true : undefined));
      await env.sleep('1 second');
      let st = await h.query(statusQuery);
      expect(st.nativeAdoption).toMatchObject({ state: 'pending', lastError: expect.stringContaining('ShipStation is down') });
      expect(st.lastError).toContain("looking for the orders ShipStation's Ecwid integration holds failed");
      expect(calls.imports).toHaveLength(0);
      // The backoff (30 s, then 60 s) passes; the look is tried again, and only then does the sync import.
      await env.sleep('31 seconds');
      await eventually(async () => (calls.scans.length === 2 ? true : undefined));
      expect(calls.imports).toHaveLength(0);
      await env.sleep('61 seconds');
      await eventually(async () => ((await h.query(statusQuery)).nativeAdoption?.state === 'done' ? true : undefined));
      expect(calls.scans.length).toBe(3);
      expect(calls.scans[0]).toMatchObject({ since: SETTINGS.importSince });
      expect(calls.scans[0].until).toBeUndefined();
      await eventually(async () => (calls.imports.length > 0 ? true : undefined));
      // Every page of the sync was told: it asks which of its orders are adopted.
      expect(calls.imports.every((i) => i.adoptedOrders === 2)).toBe(true);
      expect(calls.joins.at(-1)).toEqual({ nativeStoreIds: [900] });
      st = await h.query(statusQuery);
      expect(st.nativeAdoption).toMatchObject({ state: 'done', adopted: 1, closed: 1, ambiguous: 0, listed: 3, nativeStores: SCAN.nativeStores });
      expect(await h.query(adoptedOrdersQuery, ['A1', 'A2', 'B9'])).toEqual({ A1: 'native-key-1', A2: '' });
      expect((await h.query(orderDecisionQuery, 'A1')).explanation).toContain('adopted from ShipStation');
    });
  });

  test('moving the import start date earlier looks at the newly included window, before it is read again', async () => {
    const { calls, activities } = fakes(async (input) => (input.until === undefined ? SCAN : { ...SCAN, adopted: { OLD1: 'native-old' }, listed: 1 }));
    await withWorkflowWorker(env, activities, async (taskQueue) => {
      const h = await startStore(taskQueue);
      await eventually(async () => ((await h.query(statusQuery)).nativeAdoption?.state === 'done' ? true : undefined), 60_000);
      await h.signal(updateConnectionSignal, { settings: { importSince: SETTINGS.importSince - 86_400 } });
      await eventually(async () => (calls.scans.length === 2 ? true : undefined), 60_000);
      expect(calls.scans[1]).toMatchObject({ since: SETTINGS.importSince - 86_400, until: SETTINGS.importSince });
      await eventually(async () => ((await h.query(adoptedOrdersQuery, ['OLD1'])).OLD1 === 'native-old' ? true : undefined));
      expect((await h.query(statusQuery)).nativeAdoption).toMatchObject({ adopted: 2, listed: 4 });
      const reread = calls.imports.filter((i) => i.createdFrom !== undefined);
      await eventually(async () => (calls.imports.some((i) => i.createdFrom !== undefined) ? true : undefined));
      expect(reread.every((i) => i.adoptedOrders === 3)).toBe(true);
    });
  });
});
