import { proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { createActivities } from '../activities';
import { shipstationAccountTaskQueue } from '../domain/ids';
import type { ListedStore } from '../domain/shipstation-store-choice';

type Activities = ReturnType<typeof createActivities>;

/**
 * A short workflow (seconds): the API asks for an account's ShipStation stores through it, so the one `GET /stores`
 * is made by the account's traffic owner, on its budget and with its pair (see activities/account-traffic.ts).
 */
export async function listShipStationStores(input: { accountId: string }): Promise<ListedStore[]> {
  const { listShipStationStores: list } = proxyActivities<Activities>({
    taskQueue: shipstationAccountTaskQueue(workflowInfo().taskQueue, input.accountId),
    scheduleToStartTimeout: '20 seconds',
    startToCloseTimeout: '30 seconds',
    retry: { maximumAttempts: 2 },
  });
  return list(input);
}
