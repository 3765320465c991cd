import { Runtime, DefaultLogger, makeTelemetryFilterString } from '@temporalio/worker';
import { exitOnConfigError, loadEnv, requireVars } from '../config/env';
import { createLogger } from '../logging/logger';
import { connectClient, connectWorker } from '../temporal/connection';
import { ensureSearchAttributes } from '../temporal/register-search-attributes';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { registry } from '../observability/metrics';
import { createWorker } from './create-worker';

/** `npm run worker`: the production worker, configured by environment variables only. */
async function main(): Promise<void> {
  const env = requireVars(loadEnv(), ['ENCRYPTION_KEY'], 'the worker encrypts workflow payloads with it');
  const logger = createLogger({ level: env.LOG_LEVEL, name: 'worker' });
  if (!env.SHIPSTATION_API_KEY || !env.SHIPSTATION_API_SECRET) {
    logger.warn('SHIPSTATION_API_KEY/SECRET not set: only connections with their own ShipStation credentials can import');
  }
  Runtime.install({
    logger: new DefaultLogger(env.LOG_LEVEL === 'debug' ? 'DEBUG' : 'INFO', (entry) =>
      logger[entry.level === 'TRACE' ? 'trace' : (entry.level.toLowerCase() as 'info')]({ ...entry.meta }, entry.message),
    ),
    telemetryOptions: {
      logging: { forward: {}, filter: makeTelemetryFilterString({ core: 'WARN' }) },
      // The SDK's own metrics (task latencies, slots, polls) for Prometheus.
      metrics: env.WORKER_METRICS_ADDRESS ? { prometheus: { bindAddress: env.WORKER_METRICS_ADDRESS } } : undefined,
    },
  });
  const client = await connectClient(env);
  await ensureSearchAttributes(client, env.TEMPORAL_NAMESPACE, logger);
  const connection = await connectWorker(env);
  const worker = await createWorker({
    workflowBundle: bundleWorkflowsApart(),
    connection,
    client,
    namespace: env.TEMPORAL_NAMESPACE,
    taskQueue: env.TEMPORAL_TASK_QUEUE,
    encryptionKey: env.ENCRYPTION_KEY,
    previousKeys: env.ENCRYPTION_OLD_KEYS,
    maxConcurrentActivities: env.WORKER_MAX_CONCURRENT_ACTIVITIES,
    maxCachedWorkflows: env.WORKER_MAX_CACHED_WORKFLOWS,
    deps: {
      ecwidApiUrl: env.ECWID_API_URL,
      shipstationApiUrl: env.SHIPSTATION_API_URL,
      defaultShipStation:
        env.SHIPSTATION_API_KEY && env.SHIPSTATION_API_SECRET
          ? { apiKey: env.SHIPSTATION_API_KEY, apiSecret: env.SHIPSTATION_API_SECRET }
          : undefined,
      publicUrl: env.PUBLIC_URL,
      shipstationWebhookKey: env.SHIPSTATION_WEBHOOK_KEY,
      httpTimeoutMs: env.HTTP_TIMEOUT_MS,
      shipstationRequestsPerMinute: env.SHIPSTATION_REQUESTS_PER_MINUTE,
      logger,
    },
  });
  // The connector's own metrics (orders by outcome, API calls, rate-limit waits, latencies) are recorded here,
  // where activities run; the SDK's metrics are on WORKER_METRICS_ADDRESS.
  const metricsPort = env.WORKER_CONNECTOR_METRICS_PORT;
  const metricsServer = metricsPort
    ? createServer((req, res) => {
        if (req.url !== '/metrics') {
          res.writeHead(404).end();
          return;
        }
        void registry.metrics().then((body) => res.writeHead(200, { 'Content-Type': registry.contentType }).end(body));
      }).listen(metricsPort)
    : undefined;
  logger.info({ taskQueue: env.TEMPORAL_TASK_QUEUE, address: env.TEMPORAL_ADDRESS }, 'worker started');
  await worker.run();
  metricsServer?.close();
  await connection.close();
  await client.connection.close();
  logger.info('worker stopped');
}

/**
 * Bundles the workflow code in a child process: webpack's few hundred megabytes are given back to the system
 * when it exits, instead of staying in the worker's heap for as long as it runs.
 */
function bundleWorkflowsApart(): { code: string } {
  const root = join(__dirname, '..', '..');
  const dir = mkdtempSync(join(tmpdir(), 'connector-workflows-'));
  try {
    const out = join(dir, 'workflows.js');
    execFileSync(process.execPath, [join(root, 'node_modules', 'tsx', 'dist', 'cli.mjs'), join(root, 'scripts', 'bundle-workflows.ts'), out], {
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    return { code: readFileSync(out, 'utf8') };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  exitOnConfigError(err);
});
