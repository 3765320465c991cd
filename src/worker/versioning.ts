/**
 * Worker Versioning for rolling deploys. Each worker belongs to a worker deployment (WORKER_DEPLOYMENT_NAME) as one
 * version (WORKER_BUILD_ID, by default a hash of its workflow code). Temporal sends a workflow's tasks to the
 * version its behaviour says:
 * - PINNED workflows (one SHIP_NOTIFY, one Ecwid application event, one OAuth state, one ended session) finish on
 *   the version that started them: they never meet code they were not written with.
 * - AUTO_UPGRADE workflows (a store's sync, a ShipStation account, an order's write-back) run for months: they move
 *   to the deployment's current version at their next task, so an old version drains in minutes; their code
 *   changes stay behind `patched()` and are checked by the replay tests of the released histories.
 * The ShipStation accounts' own task queues are served by unversioned activity workers: activities carry no
 * workflow code, and an account's owner must stay its owner across versions.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Client } from '@temporalio/client';
import { createHash } from 'node:crypto';
import type { Logger } from '../logging/logger';

export interface DeploymentVersion {
  deploymentName: string;
  buildId: string;
}

export type PromotePolicy = 'if-none' | 'always' | 'never';

/** A build ID that changes exactly when the workflow code does. */
export function buildIdOf(workflowCode: string): string {
  return `wf-${createHash('sha256').update(workflowCode).digest('hex').slice(0, 12)}`;
}

/** The deployment's current version, if any (undefined: no version is current yet, or the deployment is new). */
export async function currentVersionOf(client: Client, namespace: string, deploymentName: string): Promise<string | undefined> {
  try {
    const res = await client.workflowService.describeWorkerDeployment({ namespace, deploymentName });
    const current = res.workerDeploymentInfo?.routingConfig?.currentDeploymentVersion;
    return current?.buildId || undefined;
  } catch (err) {
    if ((err as { code?: number }).code === 5) return undefined; // NOT_FOUND: the first worker of this deployment
    throw err;
  }
}

/** Makes `version` the deployment's current one (the server knows a version once one of its workers polls). */
export async function setCurrentVersion(client: Client, namespace: string, version: DeploymentVersion, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await client.workflowService.setWorkerDeploymentCurrentVersion({
        namespace,
        deploymentName: version.deploymentName,
        buildId: version.buildId,
        identity: `connector-worker:${process.pid}`,
        // A deploy of workers that don't poll every queue of the previous version is still a deploy.
        ignoreMissingTaskQueues: true,
      });
      return;
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await sleep(250);
    }
  }
}

/**
 * Applies the promote policy once the worker polls: `if-none` makes this version current only when the deployment
 * has none (the first deploy, `npm start`), `always` at once, `never` leaves it to the operator
 * (`temporal worker deployment set-current-version`).
 */
export async function promoteIfAsked(client: Client, namespace: string, version: DeploymentVersion, policy: PromotePolicy, logger: Logger): Promise<void> {
  if (policy === 'never') return;
  const current = await currentVersionOf(client, namespace, version.deploymentName);
  if (current === version.buildId) return;
  if (policy === 'if-none' && current !== undefined) {
    logger.warn(
      { deployment: version.deploymentName, buildId: version.buildId, current },
      'this worker version is not the current one: it serves pinned workflows of its version only until promoted ' +
        '(temporal worker deployment set-current-version --deployment-name … --build-id …)',
    );
    return;
  }
  await setCurrentVersion(client, namespace, version);
  logger.info({ deployment: version.deploymentName, buildId: version.buildId, previous: current }, 'worker version is now current');
}
