import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import type { Env } from '../config/env';
import { dataConverter } from './data-converter';

/** TLS turns on with an API key (Temporal Cloud) or TEMPORAL_TLS=true (a self-hosted cluster behind TLS). */
function tlsAndAuth(env: Env) {
  const tls = env.TEMPORAL_API_KEY !== undefined || env.TEMPORAL_TLS === 'true';
  return { tls: tls ? {} : undefined, apiKey: env.TEMPORAL_API_KEY };
}

export async function connectClient(env: Env & { ENCRYPTION_KEY: string }): Promise<Client> {
  const connection = await Connection.connect({ address: env.TEMPORAL_ADDRESS, ...tlsAndAuth(env) });
  return new Client({
    connection,
    namespace: env.TEMPORAL_NAMESPACE,
    dataConverter: dataConverter(env.ENCRYPTION_KEY, env.ENCRYPTION_OLD_KEYS),
  });
}

export async function connectWorker(env: Env): Promise<NativeConnection> {
  return NativeConnection.connect({ address: env.TEMPORAL_ADDRESS, ...tlsAndAuth(env) });
}
