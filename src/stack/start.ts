import { join, resolve } from 'node:path';
import { Runtime, DefaultLogger, makeTelemetryFilterString } from '@temporalio/worker';
import { exitOnConfigError, loadEnv } from '../config/env';
import { createLogger } from '../logging/logger';
import { createApp } from '../api/app';
import { connectClient, connectWorker } from '../temporal/connection';
import { EncryptionCodec, keyIdsOf, keysFromEnv } from '../temporal/encryption-codec';
import { ensureSearchAttributes } from '../temporal/register-search-attributes';
import { bundleWorkflowsApart } from '../worker/bundle';
import { createWorker } from '../worker/create-worker';
import { buildIdOf, promoteIfAsked } from '../worker/versioning';
import { devSecret, randomKey, randomToken } from './dev-secrets';
import { startDevServer, temporalCli, waitForPort } from './temporal-dev-server';
import { startDemoSimulators, type DemoSimulators } from './demo';

/**
 * `npm start`: the whole stack in one process tree — Temporal dev server (SQLite in .data/), worker, API,
 * and, without real credentials, the Ecwid and ShipStation simulators with a connected demo store.
 */
async function main(): Promise<void> {
  const root = resolve(__dirname, '..', '..');
  const raw = { ...process.env };
  // Any path is valid (the schema only trims it); read before the rest, as the dev secrets live there.
  const dataDir = loadEnv({ START_DATA_DIR: raw.START_DATA_DIR }).START_DATA_DIR ?? join(root, '.data');
  raw.ADMIN_TOKEN ??= devSecret(dataDir, 'admin-token', randomToken());
  raw.ENCRYPTION_KEY ??= devSecret(dataDir, 'encryption-key', randomKey);
  raw.SESSION_SECRET ??= devSecret(dataDir, 'session-secret', randomToken(32));
  raw.SHIPSTATION_WEBHOOK_KEY ??= devSecret(dataDir, 'shipstation-webhook-key', randomToken(32));
  const port = Number(raw.PORT ?? 3000);
  // A development stack holds tenants' credentials: reachable from this machine only, unless told otherwise.
  raw.API_BIND_ADDRESS ??= '127.0.0.1';
  raw.PUBLIC_URL ??= `http://localhost:${port}`;
  const useSimulators = !raw.SHIPSTATION_API_KEY && !raw.ECWID_CLIENT_ID;
  let sims: DemoSimulators | undefined;
  if (useSimulators) {
    raw.ECWID_CLIENT_ID ??= 'demo-client';
    raw.ECWID_CLIENT_SECRET ??= devSecret(dataDir, 'ecwid-client-secret', randomToken());
    raw.SHIPSTATION_API_KEY = 'demo-key';
    raw.SHIPSTATION_API_SECRET = 'demo-secret';
    // The simulated Ecwid admin frames the app page from the simulator's origin (127.0.0.1 vs PUBLIC_URL's localhost).
    raw.ECWID_APP_FRAME_ANCESTORS ??= `http://127.0.0.1:${Number(process.env.ECWID_SIM_PORT ?? 8081)}`;
    raw.MERCHANTS_MAY_USE_OPERATOR_SHIPSTATION ??= 'true';
  }
  const env = loadEnv(raw);
  // Readable lines for a person at a terminal; JSON when the output goes to a file or a log shipper.
  const logger = createLogger({ level: env.LOG_LEVEL, name: 'stack', pretty: process.stdout.isTTY === true });

  const [host, temporalPort] = env.TEMPORAL_ADDRESS.split(':');
  const uiPort = Number(process.env.TEMPORAL_UI_PORT ?? 8233);
  const server = startDevServer({
    cli: temporalCli(root),
    dbFile: join(dataDir, 'temporal.db'),
    port: Number(temporalPort ?? 7233),
    uiPort,
    codecEndpoint: `${env.PUBLIC_URL}/codec`,
  });
  await waitForPort(Number(temporalPort ?? 7233), host === 'localhost' ? '127.0.0.1' : host);

  if (useSimulators) {
    sims = await startDemoSimulators({
      clientId: env.ECWID_CLIENT_ID!,
      clientSecret: env.ECWID_CLIENT_SECRET!,
      shipstation: { apiKey: env.SHIPSTATION_API_KEY!, apiSecret: env.SHIPSTATION_API_SECRET! },
      webhookUrl: `${env.PUBLIC_URL}/webhooks/ecwid`,
      logger,
    });
    env.ECWID_API_URL = sims.ecwid.url;
    env.ECWID_OAUTH_URL = sims.ecwid.oauthUrl;
    env.SHIPSTATION_API_URL = sims.shipstation.url;
  }

  Runtime.install({
    logger: new DefaultLogger('WARN'),
    telemetryOptions: {
      logging: { forward: {}, filter: makeTelemetryFilterString({ core: 'WARN' }) },
      // The Temporal SDK's own metrics; the connector's are on the API's /metrics (same process here).
      metrics: { prometheus: { bindAddress: env.WORKER_METRICS_ADDRESS ?? '127.0.0.1:9464' } },
    },
  });
  const encryptionKey = env.ENCRYPTION_KEY!;
  const client = await connectClient({ ...env, ENCRYPTION_KEY: encryptionKey });
  await ensureSearchAttributes(client, env.TEMPORAL_NAMESPACE, logger);
  const connection = await connectWorker(env);
  const workflowBundle = bundleWorkflowsApart();
  // One worker here: its version becomes current at once, also when Temporal's history holds an earlier version's.
  const deployment = env.WORKER_VERSIONING ? { deploymentName: env.WORKER_DEPLOYMENT_NAME, buildId: env.WORKER_BUILD_ID ?? buildIdOf(workflowBundle.code) } : undefined;
  const worker = await createWorker({
    workflowBundle,
    deployment,
    connection,
    client,
    namespace: env.TEMPORAL_NAMESPACE,
    taskQueue: env.TEMPORAL_TASK_QUEUE,
    encryptionKey,
    maxConcurrentActivities: env.WORKER_MAX_CONCURRENT_ACTIVITIES,
    maxCachedWorkflows: env.WORKER_MAX_CACHED_WORKFLOWS,
    deps: {
      ecwidApiUrl: env.ECWID_API_URL,
      shipstationApiUrl: env.SHIPSTATION_API_URL,
      defaultShipStation: { apiKey: env.SHIPSTATION_API_KEY!, apiSecret: env.SHIPSTATION_API_SECRET! },
      publicUrl: env.PUBLIC_URL,
      shipstationWebhookKey: env.SHIPSTATION_WEBHOOK_KEY,
      shipstationRequestsPerMinute: env.SHIPSTATION_REQUESTS_PER_MINUTE,
      logger,
    },
  });
  const workerRun = worker.run();
  if (deployment) await promoteIfAsked(client, env.TEMPORAL_NAMESPACE, deployment, 'always', logger);

  const { app, service } = createApp({
    client,
    logger,
    adminToken: env.ADMIN_TOKEN!,
    sessionSecret: env.SESSION_SECRET,
    sessionOldSecrets: env.SESSION_OLD_SECRETS,
    taskQueue: env.TEMPORAL_TASK_QUEUE,
    ecwidApiUrl: env.ECWID_API_URL,
    shipstationApiUrl: env.SHIPSTATION_API_URL,
    ecwidClientSecret: env.ECWID_CLIENT_SECRET,
    ecwidClientId: env.ECWID_CLIENT_ID,
    ecwidOAuthUrl: env.ECWID_OAUTH_URL,
    publicUrl: env.PUBLIC_URL ?? `http://localhost:${env.PORT}`,
    shipstationWebhookKey: env.SHIPSTATION_WEBHOOK_KEY,
    shipstationWebhookOldKeys: env.SHIPSTATION_WEBHOOK_OLD_KEYS,
    defaultPollIntervalSeconds: env.DEFAULT_POLL_INTERVAL_SECONDS,
    codec: new EncryptionCodec(keysFromEnv(encryptionKey, env.ENCRYPTION_OLD_KEYS)),
    encryptionKeyIds: keyIdsOf(keysFromEnv(encryptionKey, env.ENCRYPTION_OLD_KEYS)),
    temporalUiOrigin: `http://localhost:${uiPort}`,
    // The dev UI can't send the admin token; with real credentials (no simulators) the codec always needs it.
    codecAllowLoopbackWithoutToken: useSimulators,
    trustProxy: env.TRUST_PROXY,
    merchantApp: {
      frameAncestors: env.ECWID_APP_FRAME_ANCESTORS,
      operatorAccountAllowed: env.MERCHANTS_MAY_USE_OPERATOR_SHIPSTATION,
      minPollSeconds: env.MERCHANT_POLL_INTERVAL_MIN_SECONDS,
      maxPollSeconds: env.MERCHANT_POLL_INTERVAL_MAX_SECONDS,
    },
  });
  const http = app.listen(env.PORT, env.API_BIND_ADDRESS ?? '127.0.0.1');
  await new Promise<void>((r) => http.once('listening', () => r()));

  if (sims) {
    sims.ecwid.setAppUrl(`${env.PUBLIC_URL}/ecwid/app`);
    const res = await service.connect({ ecwidStoreId: sims.storeId, ecwidAccessToken: sims.token, pollIntervalSeconds: 60 });
    sims.startTraffic();
    logger.info({ storeId: sims.storeId, created: res.created }, 'demo store connected');
  }

  console.log(
    [
      '',
      'Ecwid → ShipStation connector is running',
      `  web page       ${env.PUBLIC_URL}/   (the operator's web page: log in with the admin token ${env.ADMIN_TOKEN})`,
      `  API            ${env.PUBLIC_URL}   (Authorization: Bearer ${env.ADMIN_TOKEN})`,
      `  connections    curl -H 'Authorization: Bearer ${env.ADMIN_TOKEN}' ${env.PUBLIC_URL}/connections`,
      `  Temporal UI    http://localhost:${uiPort}   (payloads decoded through ${env.PUBLIC_URL}/codec)`,
      `  Temporal gRPC  ${env.TEMPORAL_ADDRESS}`,
      `  metrics        ${env.PUBLIC_URL}/metrics (admin token), SDK metrics http://${env.WORKER_METRICS_ADDRESS ?? '127.0.0.1:9464'}/metrics`,
      ...(sims
        ? [
            `  Ecwid sim      ${sims.ecwid.url}   (demo store ${sims.storeId})`,
            `  ShipStation sim ${sims.shipstation.url}`,
            `  Ecwid admin    ${sims.ecwid.adminUrl(sims.merchantStoreId, 'fr')}   (the merchant's view: install the app in store ${sims.merchantStoreId}`,
            `                 with ShipStation key ${sims.merchantShipStation.apiKey} / secret ${sims.merchantShipStation.apiSecret}; ?lang=en for English)`,
            `  Ecwid admin    ${sims.ecwid.adminUrl(sims.storeId)}   (store ${sims.storeId}, connected by the operator)`,
          ]
        : ['  Using the real Ecwid and ShipStation APIs']),
      'Ctrl-C stops everything.',
      '',
    ].join('\n'),
  );

  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    logger.info('stopping');
    sims?.stopTraffic();
    http.close();
    worker.shutdown();
    await workerRun.catch(() => undefined);
    await connection.close().catch(() => undefined);
    await client.connection.close().catch(() => undefined);
    await sims?.close();
    server.kill('SIGTERM');
    setTimeout(() => process.exit(0), 500).unref();
  };
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());
  server.on('exit', (code) => {
    if (!stopping) {
      logger.error({ code }, 'the Temporal dev server stopped');
      void stop();
    }
  });
}

main().catch((err) => {
  exitOnConfigError(err);
});
