import { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, Runtime, DefaultLogger } from '@temporalio/worker';
import { existsSync, realpathSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from '@temporalio/client';
import { ALL_SEARCH_ATTRIBUTES } from '../temporal/search-attributes';
import { dataConverter } from '../temporal/data-converter';
import { WORKFLOWS_PATH } from '../worker/create-worker';

/** The CLI installed by `npm install` (scripts/install-temporal.mjs). */
export function temporalCliPath(): string {
  const local = join(__dirname, '..', '..', '.tools', 'bin', 'temporal');
  if (process.env.TEMPORAL_CLI_PATH) return process.env.TEMPORAL_CLI_PATH;
  if (!existsSync(local)) throw new Error('Temporal CLI missing: run `npm install` (it installs .tools/bin/temporal)');
  return realpathSync(local);
}

export const TEST_ENCRYPTION_KEY = Buffer.alloc(32, 7).toString('base64');

let runtimeInstalled = false;
function quietRuntime(): void {
  if (runtimeInstalled) return;
  runtimeInstalled = true;
  try {
    Runtime.install({ logger: new DefaultLogger('WARN') });
  } catch {
    // already installed by another test in this process
  }
}

/** A real Temporal dev server (the CLI's start-dev) with the connector's search attributes. */
export async function startTemporal(extraArgs: string[] = []): Promise<TestWorkflowEnvironment> {
  quietRuntime();
  return TestWorkflowEnvironment.createLocal({
    server: {
      executable: { type: 'existing-path', path: temporalCliPath() },
      searchAttributes: ALL_SEARCH_ATTRIBUTES,
      extraArgs,
    },
  });
}

/** A client with the encrypting data converter, like the API's. */
export function encryptedClient(env: TestWorkflowEnvironment): Client {
  return new Client({ connection: env.connection, namespace: 'default', dataConverter: dataConverter(TEST_ENCRYPTION_KEY) });
}

let bundle: Promise<{ code: string }> | undefined;
/** Workflows bundled once per test file. */
export function workflowBundle(): Promise<{ code: string }> {
  bundle ??= bundleWorkflowCode({
    workflowsPath: WORKFLOWS_PATH,
    failureConverterPath: require.resolve('../temporal/failure-converter'),
    logger: new DefaultLogger('WARN'),
  });
  return bundle;
}
