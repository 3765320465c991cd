import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import type { createActivities } from '../../src/activities';
import { workflowBundle } from '../helpers/temporal';

export type Activities = ReturnType<typeof createActivities>;

let seq = 0;

/**
 * Runs `fn` with a real worker (the connector's workflow bundle) on the time-skipping test server, the
 * activities replaced by the given mocks: fast tests of workflow logic (state machine, carry-over, backoff).
 */
export async function withWorkflowWorker<T>(
  env: TestWorkflowEnvironment,
  activities: Partial<Activities>,
  fn: (taskQueue: string) => Promise<T>,
): Promise<T> {
  const taskQueue = `wf-test-${process.pid}-${++seq}`;
  const worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue,
    workflowBundle: await workflowBundle(),
    activities,
  });
  return worker.runUntil(fn(taskQueue));
}
