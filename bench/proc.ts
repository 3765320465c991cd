import type { ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { SS_ACCOUNT, WEBHOOK_KEY, type TestStack } from '../src/stack/local-stack';
import { TEST_ENCRYPTION_KEY } from '../src/stack/test-temporal';
import { spawnWorkerProcess } from '../src/stack/worker-process';

/** `pid` and all its descendants, from /proc (tsx runs the worker in a child of the launcher). */
export function processTree(pid: number): number[] {
  const parentOf = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      parentOf.set(Number(entry), Number(readFileSync(`/proc/${entry}/stat`, 'utf8').split(') ')[1].split(' ')[1]));
    } catch {
      // gone meanwhile
    }
  }
  const out = [pid];
  for (let i = 0; i < out.length; i++) for (const [child, parent] of parentOf) if (parent === out[i]) out.push(child);
  return out;
}

export const rssMb = (pid: number): number => {
  try {
    return Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) / 1024;
  } catch {
    return 0;
  }
};

/** User + system CPU of a process, in clock ticks (1/100 s). */
export const cpuTicks = (pid: number): number => {
  try {
    const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return Number(f[11]) + Number(f[12]);
  } catch {
    return 0;
  }
};

/** CPU of a process tree since the call, as a share of one core: call the returned function to read it. */
export function cpuMeter(pids: number[]): () => number {
  const ticks = () => pids.reduce((sum, p) => sum + cpuTicks(p), 0);
  const t0 = ticks();
  const start = Date.now();
  return () => Math.round(((ticks() - t0) / 100 / ((Date.now() - start) / 1000)) * 100);
}

/** The command name of a process ('' once it is gone). */
export const commOf = (pid: number): string => {
  try {
    return readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
  } catch {
    return '';
  }
};

/**
 * Replaces the stack's in-process worker by `npm run worker` in its own process, on the stack's task queue, Temporal
 * and simulators, as production runs it (the bench process keeps the API and the simulators).
 */
export async function workerProcessFor(stack: TestStack, env: Record<string, string> = {}): Promise<ChildProcess> {
  await stack.stopWorker();
  return spawnWorkerProcess({
    TEMPORAL_ADDRESS: stack.env.address,
    TEMPORAL_TASK_QUEUE: stack.taskQueue,
    ENCRYPTION_KEY: TEST_ENCRYPTION_KEY,
    ECWID_API_URL: stack.ecwid.url,
    SHIPSTATION_API_URL: stack.shipstation.url,
    SHIPSTATION_API_KEY: SS_ACCOUNT.apiKey,
    SHIPSTATION_API_SECRET: SS_ACCOUNT.apiSecret,
    SHIPSTATION_WEBHOOK_KEY: WEBHOOK_KEY,
    PUBLIC_URL: stack.apiUrl,
    ...env,
  });
}

/** CPU ticks of each thread of `pids`, by thread name (`/proc/<pid>/task/<tid>/comm`: node's main thread, V8 and libuv workers, the Temporal core's tokio threads…). */
export function threadTicks(pids: number[]): Map<string, number> {
  const by = new Map<string, number>();
  for (const pid of pids) {
    let tids: string[] = [];
    try {
      tids = readdirSync(`/proc/${pid}/task`);
    } catch {
      continue;
    }
    for (const tid of tids) {
      try {
        const comm = readFileSync(`/proc/${pid}/task/${tid}/comm`, 'utf8').trim().replace(/\d+$/, '#');
        const f = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8').split(') ')[1].split(' ');
        by.set(comm, (by.get(comm) ?? 0) + Number(f[11]) + Number(f[12]));
      } catch {
        // gone meanwhile
      }
    }
  }
  return by;
}
