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
  /** Workflows kept in memory (WORKER_MAX_CACHED_WORKFLOWS). */
  maxCachedWorkflows?: number;
  /** Activities run at once (WORKER_MAX_CONCURRENT_ACTIVITIES). */
  maxConcurrentActivities?: number;
  /** A prebuilt bundle (tests bundle once per file); otherwise the worker bundles src/workflows. */
  workflowBundle?: { code: string };
}

export const DEFAULT_MAX_CONCURRENT_ACTIVITIES = 1000;
/** About 0.5 MB each: 1,000 idle stores fit in the 600 MB target with half of them cached (see BENCHMARKS.md). */
export const DEFAULT_MAX_CACHED_WORKFLOWS = 500;

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
    maxCachedWorkflows: opts.maxCachedWorkflows ?? DEFAULT_MAX_CACHED_WORKFLOWS,
    // Imports wait their turn in their ShipStation account's queue: many can be in flight at little cost.
    maxConcurrentActivityTaskExecutions: opts.maxConcurrentActivities ?? DEFAULT_MAX_CONCURRENT_ACTIVITIES,
  });
}
