import type { Client } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import type { Logger } from '../logging/logger';
import { ALL_SEARCH_ATTRIBUTES } from './search-attributes';

/** Registers the connector's search attributes when the namespace lacks them (idempotent, at worker start). */
export async function ensureSearchAttributes(client: Client, namespace: string, logger?: Logger): Promise<void> {
  const ops = client.connection.operatorService;
  const existing = await ops.listSearchAttributes({ namespace });
  const missing = ALL_SEARCH_ATTRIBUTES.filter((k) => !(k.name in (existing.customAttributes ?? {})));
  if (missing.length === 0) return;
  try {
    await ops.addSearchAttributes({
      namespace,
      searchAttributes: Object.fromEntries(missing.map((k) => [k.name, temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD])),
    });
    logger?.info({ added: missing.map((k) => k.name) }, 'registered search attributes');
  } catch (err) {
    // Temporal Cloud registers attributes through its own console/tcld, not the operator API.
    logger?.warn({ err: String(err), missing: missing.map((k) => k.name) }, 'could not register search attributes; register them by hand');
  }
}
