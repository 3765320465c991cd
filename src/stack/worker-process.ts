import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');

/**
 * `npm run worker` as a child process (chaos tests, the shared-budget test, the idle benchmark), in its own
 * process group: tsx runs the worker in a grandchild, and `killWorkerProcess` must take both down.
 */
export function spawnWorkerProcess(env: Record<string, string>, opts: { stderr?: 'inherit' | 'on-failure'; nodeFlags?: string[] } = {}): ChildProcess {
  // Node flags (e.g. --cpu-prof, which NODE_OPTIONS refuses) go before the script: tsx hands them to the worker's node.
  const child = spawn(process.execPath, [join(ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs'), ...(opts.nodeFlags ?? []), join(ROOT, 'src', 'worker', 'main.ts')], {
    env: { ...process.env, LOG_LEVEL: 'error', ...env },
    stdio: ['ignore', 'ignore', opts.stderr === 'on-failure' ? 'pipe' : 'inherit'],
    detached: true,
  });
  if (opts.stderr === 'on-failure') {
    // Tests start and kill workers many times: what a worker says (its workflow bundle's build report…) matters
    // only when it dies by itself, so it is shown then, and dropped when the test killed it.
    const said: string[] = [];
    child.stderr?.on('data', (chunk: Buffer) => {
      said.push(chunk.toString());
      if (said.length > 500) said.shift();
    });
    child.once('exit', (code, signal) => {
      if (signal === null && code !== 0) process.stderr.write(`worker process exited with code ${code}:\n${said.join('')}`);
    });
  }
  return child;
}

export async function killWorkerProcess(child: ChildProcess, signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || !child.pid) return;
  const exited = new Promise((r) => child.once('exit', r));
  try {
    process.kill(-child.pid, signal);
  } catch {
    return; // already gone
  }
  await exited;
}
