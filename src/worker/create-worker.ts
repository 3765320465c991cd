import type { Client } from '@temporalio/client';
import { Worker, type NativeConnection } from '@temporalio/worker';
import { createActivities, type ActivityDeps } from '../activities';
import { dataConverter } from '../temporal/data-converter';

export interface WorkerOptions {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  encryptionKey: string;
  previousKeys?: string;
  deps: Omit<ActivityDeps, 'temporal' | 'taskQueue'>;
  /** Client used by activities to signal shipment workflows. */
  client: Client;
  /** A prebuilt bundle (tests bundle once per file); otherwise the worker bundles src/workflows. */
  workflowBundle?: { code: string };
}

export const WORKFLOWS_PATH = require.resolve('../workflows');

/** The worker of the connector: every workflow and activity on one task queue. */
export async function createWorker(opts: WorkerOptions): Promise<Worker> {
  return Worker.create({
    connection: opts.connection,
    namespace: opts.namespace,
    taskQueue: opts.taskQueue,
    ...(opts.workflowBundle ? { workflowBundle: opts.workflowBundle } : { workflowsPath: WORKFLOWS_PATH }),
    activities: createActivities({ ...opts.deps, temporal: opts.client, taskQueue: opts.taskQueue }),
    dataConverter: dataConverter(opts.encryptionKey, opts.previousKeys),
    // A crash between two steps is recovered by Temporal; give in-flight activities time to finish on shutdown.
    shutdownGraceTime: '10 seconds',
    maxCachedWorkflows: 2000,
  });
}
