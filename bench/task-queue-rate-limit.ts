/**
 * `npx tsx bench/task-queue-rate-limit.ts`: the alternative to an account owner that Temporal offers built in — a
 * server-side rate limit on the account's task queue (`maxTaskQueueActivitiesPerSecond`, shared by every worker).
 * Measures how the server spaces activity starts under it (a burst, then the rate?) and what it means for orders:
 * each activity would make its own `createorders`, so no batching across stores.
 */
import { Worker } from '@temporalio/worker';
import { startTemporal } from '../src/stack/test-temporal';

async function main(): Promise<void> {
  const env = await startTemporal();
  const client = env.client;
  const starts: number[] = [];
  const PER_SECOND = 2; // 40 a minute scaled ×3 to keep the run short: the shape is what is measured
  const N = 30;
  // One worker here (one process may not run two on a queue); the limit is the server's, for every worker alike.
  const workers = await Promise.all(
    [1].map(() =>
      Worker.create({
        connection: env.nativeConnection,
        taskQueue: 'rate-limited-account',
        activities: { createOrders: async () => void starts.push(Date.now()) },
        maxTaskQueueActivitiesPerSecond: PER_SECOND,
      }),
    ),
  );
  const wfWorker = await Worker.create({ connection: env.nativeConnection, taskQueue: 'wf', workflowsPath: require.resolve('./task-queue-rate-limit.workflow') });
  const runs = [...workers, wfWorker].map((w) => w.run());
  const t0 = Date.now();
  await client.workflow.execute('fanOut', { taskQueue: 'wf', workflowId: 'fan-out', args: [N] });
  const rel = starts.map((t) => t - t0).sort((a, b) => a - b);
  const inFirstSecond = rel.filter((t) => t - rel[0] < 1000).length;
  const gaps = rel.slice(1).map((t, i) => t - rel[i]);
  const steady = gaps.slice(inFirstSecond);
  console.log(
    JSON.stringify({
      limit_per_second: PER_SECOND,
      activities: N,
      workers: 1,
      started_in_first_second: inFirstSecond,
      steady_gap_ms_median: steady.sort((a, b) => a - b)[Math.floor(steady.length / 2)],
      total_seconds: Number(((rel[rel.length - 1] - rel[0]) / 1000).toFixed(1)),
    }),
  );
  for (const w of [...workers, wfWorker]) w.shutdown();
  await Promise.all(runs);
  await env.teardown();
}

if (require.main === module) {
  main().then(
    () => process.exit(0),
    (err) => {
      console.error(err);
      process.exit(1);
    },
  );
}
