import { proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { createActivities } from '../activities';
import { shipstationAccountTaskQueue } from '../domain/ids';

type Activities = ReturnType<typeof createActivities>;

export interface FulfillmentShippedInput {
  accountId: string;
  /** The canonical `/fulfillments?…` resource URL (domain/fulfillment-notice.ts). */
  resourceUrl: string;
}

/**
 * One workflow per FULFILLMENT_SHIPPED delivery ("Mark as Shipped", fulfillment providers), keyed by the account and
 * its resource URL, so a repeated delivery is a no-op. Like an account's SHIP_NOTIFY: the notice is read by the
 * account's traffic owner, in its budget, and each fulfillment is handed to its Ecwid order's write-back, which
 * writes it like a label. Only counts come back here, so the history stays small.
 */
export async function fulfillmentShipped(input: FulfillmentShippedInput): Promise<{ orders: number; routed: number; ignored: number }> {
  const { routeFulfillmentNotice } = proxyActivities<Activities>({
    startToCloseTimeout: '10 minutes',
    heartbeatTimeout: '5 seconds',
    taskQueue: shipstationAccountTaskQueue(workflowInfo().taskQueue, input.accountId),
    retry: {
      initialInterval: '1 second',
      maximumInterval: '5 minutes',
      nonRetryableErrorTypes: ['ShipStationAuthFailed', 'ShipStationAccountNotConnected', 'ShipStationAccountMismatch', 'ShipStationNotConfigured'],
    },
  });
  const r = await routeFulfillmentNotice({ accountId: input.accountId, resourceUrl: input.resourceUrl });
  return { orders: r.orders, routed: r.routed, ignored: r.ignored };
}
