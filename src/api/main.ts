import { exitOnConfigError, loadEnv, requireVars } from '../config/env';
import { createLogger } from '../logging/logger';
import { connectClient } from '../temporal/connection';
import { EncryptionCodec, keyIdsOf, keysFromEnv } from '../temporal/encryption-codec';
import { createApp } from './app';

/** `npm run api`: the production HTTP API, configured by environment variables only. */
async function main(): Promise<void> {
  const env = requireVars(
    loadEnv(),
    ['ENCRYPTION_KEY', 'ADMIN_TOKEN', 'SESSION_SECRET'],
    'the API encrypts payloads, authenticates operators (ADMIN_TOKEN) and signs sessions (SESSION_SECRET), each with its own key',
  );
  const logger = createLogger({ level: env.LOG_LEVEL, name: 'api' });
  const client = await connectClient(env);
  const { app } = createApp({
    client,
    logger,
    adminToken: env.ADMIN_TOKEN,
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
    codec: new EncryptionCodec(keysFromEnv(env.ENCRYPTION_KEY, env.ENCRYPTION_OLD_KEYS)),
    encryptionKeyIds: keyIdsOf(keysFromEnv(env.ENCRYPTION_KEY, env.ENCRYPTION_OLD_KEYS)),
    temporalUiOrigin: env.TEMPORAL_UI_ORIGIN,
    trustProxy: env.TRUST_PROXY,
    merchantApp: {
      frameAncestors: env.ECWID_APP_FRAME_ANCESTORS,
      operatorAccountAllowed: env.MERCHANTS_MAY_USE_OPERATOR_SHIPSTATION,
      minPollSeconds: env.MERCHANT_POLL_INTERVAL_MIN_SECONDS,
      maxPollSeconds: env.MERCHANT_POLL_INTERVAL_MAX_SECONDS,
    },
  });
  const onListening = () => logger.info({ port: env.PORT, address: env.API_BIND_ADDRESS ?? 'all interfaces' }, 'api listening');
  const server = env.API_BIND_ADDRESS ? app.listen(env.PORT, env.API_BIND_ADDRESS, onListening) : app.listen(env.PORT, onListening);
  const stop = () => {
    server.close(() => void client.connection.close().then(() => process.exit(0)));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((err) => exitOnConfigError(err));
