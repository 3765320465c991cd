import { proxyActivities } from '@temporalio/workflow';

/** Schedules `n` activities at once on the rate-limited queue (bench/task-queue-rate-limit.ts). */
export async function fanOut(n: number): Promise<void> {
  const { createOrders } = proxyActivities<{ createOrders(i: number): Promise<void> }>({ startToCloseTimeout: '5 minutes', taskQueue: 'rate-limited-account' });
  await Promise.all(Array.from({ length: n }, (_, i) => createOrders(i)));
}
