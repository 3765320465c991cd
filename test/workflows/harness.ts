import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import type { createActivities } from '../../src/activities';
import { shipstationAccountTaskQueue } from '../../src/domain/ids';
import { workflowBundle } from '../helpers/temporal';

export type Activities = ReturnType<typeof createActivities>;

let seq = 0;

/**
 * Runs `fn` with a real worker (the connector's workflow bundle) on the time-skipping test server, the
 * activities replaced by the given mocks: fast tests of workflow logic (state machine, carry-over, backoff).
 * Unless the test mocks the account lease itself, taking an account's lease starts a worker of that account's task
 * queue with the same mocks (kept until the end of the test) and returns at once: a long-lived lease activity
 * would meet its heartbeat timeout each time the server skips time.
 */
export async function withWorkflowWorker<T>(
  env: TestWorkflowEnvironment,
  activities: Partial<Activities>,
  fn: (taskQueue: string) => Promise<T>,
): Promise<T> {
  const taskQueue = `wf-test-${process.pid}-${++seq}`;
  const accountWorkers = new Map<string, { worker: Worker; running: Promise<void> }>();
  const serve = async (accountId: string) => {
    if (accountWorkers.has(accountId)) return;
    const worker = await Worker.create({ connection: env.nativeConnection, taskQueue: shipstationAccountTaskQueue(taskQueue, accountId), activities: all });
    accountWorkers.set(accountId, { worker, running: worker.run() });
  };
  const join = activities.joinShipStationAccount;
  const all: Partial<Activities> = {
    ownAccountTraffic: async ({ accountId }) => {
      await serve(accountId);
      return { starts: [] };
    },
    // A new connection first looks for ShipStation's own Ecwid store(s): none here unless the test says otherwise.
    findNativeOrders: async () => ({ nativeStores: [], adopted: {}, ambiguous: [], listed: 0, shipstationCalls: 1 }),
    ...activities,
    // A store's imports go to its account's queue once it joined: the account's owner serves it (no account workflow here).
    ...(join
      ? {
          joinShipStationAccount: async (input) => {
            const joined = await join(input);
            await serve(joined.accountId);
            return joined;
          },
        }
      : {}),
  };
  const worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue,
    workflowBundle: await workflowBundle(),
    activities: all,
  });
  try {
    return await worker.runUntil(fn(taskQueue));
  } finally {
    for (const { worker: w, running } of accountWorkers.values()) {
      w.shutdown();
      await running.catch(() => undefined);
    }
  }
}
