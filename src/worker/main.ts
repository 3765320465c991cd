import { Runtime, DefaultLogger, makeTelemetryFilterString } from '@temporalio/worker';
import { exitOnConfigError, loadEnv, requireVars } from '../config/env';
import { createLogger } from '../logging/logger';
import { connectClient, connectWorker } from '../temporal/connection';
import { ensureSearchAttributes } from '../temporal/register-search-attributes';
import { createServer } from 'node:http';
import { registry } from '../observability/metrics';
import { bundleWorkflowsApart } from './bundle';
import { createWorker } from './create-worker';
import { buildIdOf, promoteIfAsked } from './versioning';

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
  const workflowBundle = bundleWorkflowsApart();
  const deployment = env.WORKER_VERSIONING
    ? { deploymentName: env.WORKER_DEPLOYMENT_NAME, buildId: env.WORKER_BUILD_ID ?? buildIdOf(workflowBundle.code) }
    : undefined;
  const worker = await createWorker({
    workflowBundle,
    deployment,
    maxAccountActivities: env.WORKER_MAX_ACCOUNT_ACTIVITIES,
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
  logger.info({ taskQueue: env.TEMPORAL_TASK_QUEUE, address: env.TEMPORAL_ADDRESS, ...deployment }, 'worker started');
  const running = worker.run();
  if (deployment) {
    await promoteIfAsked(client, env.TEMPORAL_NAMESPACE, deployment, env.WORKER_PROMOTE, logger).catch((err: unknown) =>
      logger.error({ err: String(err), ...deployment }, 'could not make this worker version current'),
    );
  }
  await running;
  metricsServer?.close();
  await connection.close();
  await client.connection.close();
  logger.info('worker stopped');
}

main().catch((err) => {
  exitOnConfigError(err);
});
