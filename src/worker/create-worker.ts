import { hostname } from 'node:os';
import type { Client } from '@temporalio/client';
import { Worker, type NativeConnection } from '@temporalio/worker';
import { createActivities, type ActivityDeps } from '../activities';
import type { AccountTrafficHost } from '../activities/deps';
import { shipstationAccountTaskQueue } from '../domain/ids';
import { dataConverter } from '../temporal/data-converter';
import type { DeploymentVersion } from './versioning';

export interface WorkerOptions {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  encryptionKey: string;
  previousKeys?: string;
  deps: Omit<ActivityDeps, 'temporal' | 'taskQueue' | 'accountTraffic'>;
  /** Client used by activities to signal shipment workflows. */
  client: Client;
  /** Workflows kept in memory (WORKER_MAX_CACHED_WORKFLOWS). */
  maxCachedWorkflows?: number;
  /** Activities run at once on the shared task queue (WORKER_MAX_CONCURRENT_ACTIVITIES). */
  maxConcurrentActivities?: number;
  /** Activities run at once for each ShipStation account this process owns (WORKER_MAX_ACCOUNT_ACTIVITIES). */
  maxAccountActivities?: number;
  /** A prebuilt bundle (tests bundle once per file); otherwise the worker bundles src/workflows. */
  workflowBundle?: { code: string };
  /** This process's name in accounts' status (default host:pid). */
  workerName?: string;
  /** Worker Versioning (see versioning.ts); absent: an unversioned worker. */
  deployment?: DeploymentVersion;
}

export const DEFAULT_MAX_CONCURRENT_ACTIVITIES = 1000;
/** Imports of one account waiting their turn for its budget in its owner's process (one page of ≤ 100 orders each). */
export const DEFAULT_MAX_ACCOUNT_ACTIVITIES = 500;
/** About 0.5 MB each: 1,000 idle stores fit in the 600 MB target with half of them cached (see BENCHMARKS.md). */
export const DEFAULT_MAX_CACHED_WORKFLOWS = 500;

export const WORKFLOWS_PATH = require.resolve('../workflows');

/**
 * The worker of the connector: every workflow and activity on the shared task queue and, for each ShipStation
 * account whose lease this process holds, a worker of that account's own task queue (activities only, with slots
 * of its own, so an account's imports waiting for its budget never hold the slots that write-backs, Ecwid calls or
 * other accounts need). Shutting it down ends the leases: their workflows elect other owners.
 */
export async function createWorker(opts: WorkerOptions): Promise<Worker> {
  // The account workers run the same activities, made below (they need this host first).
  const bound: { activities?: ReturnType<typeof createActivities> } = {};
  const converter = dataConverter(opts.encryptionKey, opts.previousKeys);
  const accountTraffic: AccountTrafficHost = {
    workerName: opts.workerName ?? `${hostname()}:${process.pid}`,
    async serve(accountId) {
      const accountWorker = await Worker.create({
        connection: opts.connection,
        namespace: opts.namespace,
        taskQueue: shipstationAccountTaskQueue(opts.taskQueue, accountId),
        activities: bound.activities,
        dataConverter: converter,
        // An owner that gives up the lease lets its calls in flight finish (they were granted), then stops.
        shutdownGraceTime: '5 seconds',
        maxConcurrentActivityTaskExecutions: opts.maxAccountActivities ?? DEFAULT_MAX_ACCOUNT_ACTIVITIES,
      });
      const running = accountWorker.run();
      return {
        async stop() {
          if (accountWorker.getState() === 'RUNNING') accountWorker.shutdown();
          await running.catch(() => undefined);
        },
      };
    },
  };
  const activities = createActivities({ ...opts.deps, temporal: opts.client, taskQueue: opts.taskQueue, accountTraffic });
  bound.activities = activities;
  return Worker.create({
    connection: opts.connection,
    namespace: opts.namespace,
    taskQueue: opts.taskQueue,
    ...(opts.workflowBundle ? { workflowBundle: opts.workflowBundle } : { workflowsPath: WORKFLOWS_PATH }),
    activities,
    dataConverter: converter,
    // A crash between two steps is recovered by Temporal; give in-flight activities time to finish on shutdown.
    shutdownGraceTime: '10 seconds',
    maxCachedWorkflows: opts.maxCachedWorkflows ?? DEFAULT_MAX_CACHED_WORKFLOWS,
    maxConcurrentActivityTaskExecutions: opts.maxConcurrentActivities ?? DEFAULT_MAX_CONCURRENT_ACTIVITIES,
    // A worker that died leaves its cached workflows' tasks on its sticky queue: fall back to another worker soon.
    stickyQueueScheduleToStartTimeout: '5 seconds',
    // Long-running workflows move to the current version (their changes are patched); short ones are PINNED in
    // their own files (setWorkflowOptions).
    ...(opts.deployment
      ? { workerDeploymentOptions: { useWorkerVersioning: true, version: opts.deployment, defaultVersioningBehavior: 'AUTO_UPGRADE' as const } }
      : {}),
  });
}
