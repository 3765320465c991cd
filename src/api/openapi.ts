/**
 * OpenAPI 3.1 description of the HTTP API, served at GET /openapi.json. Request bodies are generated from the
 * zod schemas that validate them (schemas.ts), so the document can't drift from what the API accepts;
 * responses are described by hand, briefly.
 */
import { z } from 'zod';
import { createConnectionSchema, ecwidWebhookSchema, replaceCredentialsSchema, shipNotifySchema, updateSettingsSchema } from '../connections/schemas';

type Json = Record<string, unknown>;

/** A zod schema as the JSON Schema of a request body (OpenAPI 3.1 uses JSON Schema 2020-12). */
export function requestBodySchema(schema: z.ZodType): Json {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, { target: 'draft-2020-12', io: 'input' }) as Json;
  return rest;
}

const ref = (name: string): Json => ({ $ref: `#/components/schemas/${name}` });
const json = (schema: Json, description: string): Json => ({ description, content: { 'application/json': { schema } } });
const error = (description: string): Json => json(ref('Error'), description);
const storeIdParam = { name: 'storeId', in: 'path', required: true, schema: { type: 'string', pattern: '^\\d{1,12}$' }, description: 'Ecwid store ID' };
const accountIdParam = {
  name: 'accountId',
  in: 'path',
  required: true,
  schema: { type: 'string', pattern: '^[0-9a-f]{16}$' },
  description: 'ShipStation account: the first 16 hex characters of sha256 of its API key',
};
const admin = [{ bearerAuth: [] }];
const notFound = error('No connection for this store');
const unauthorized = error('Missing or wrong admin token');
const throttled = {
  description: 'Too many wrong tokens or logins from this address within a minute; `Retry-After` says when to try again',
  headers: { 'Retry-After': { schema: { type: 'integer' }, description: 'Seconds' } },
  content: { 'application/json': { schema: ref('Error') } },
};

function accepted(summary: string, description: string): Json {
  return {
    post: {
      tags: ['connections'],
      summary,
      description,
      security: admin,
      parameters: [storeIdParam],
      responses: { '202': json({ type: 'object', properties: { accepted: { const: true } } }, 'Signal delivered to the store-sync workflow'), '401': unauthorized, '429': throttled, '404': notFound },
    },
  };
}

function codecOp(op: 'encode' | 'decode'): Json {
  return {
    post: {
      tags: ['operations'],
      summary: `${op === 'encode' ? 'Encrypt' : 'Decrypt'} Temporal payloads (remote codec protocol)`,
      description: 'Called by the Temporal Web UI and `temporal --codec-endpoint`; CORS only for TEMPORAL_UI_ORIGIN.',
      security: admin,
      requestBody: { required: true, content: { 'application/json': { schema: ref('Payloads') } } },
      responses: { '200': json(ref('Payloads'), 'The payloads, transformed'), '400': error('Invalid body, or payloads the key cannot decrypt'), '401': unauthorized, '429': throttled },
    },
  };
}

let cached: Json | undefined;

export function openApiDocument(): Json {
  cached ??= build();
  return cached;
}

function build(): Json {
  return {
    openapi: '3.1.0',
    info: {
      title: 'Ecwid → ShipStation connector',
      version: '0.1.0',
      description:
        'Connections (one Temporal store-sync workflow per Ecwid store), Ecwid and ShipStation webhooks, Ecwid OAuth, and the codec server for the Temporal Web UI.',
    },
    tags: [{ name: 'connections' }, { name: 'accounts' }, { name: 'oauth' }, { name: 'webhooks' }, { name: 'operations' }],
    paths: {
      '/connections': {
        post: {
          tags: ['connections'],
          summary: 'Connect a store (or update its connection)',
          description: 'Verifies the Ecwid token and plan, then starts the store-sync workflow; a second call updates it, it never starts a second one.',
          security: admin,
          requestBody: { required: true, content: { 'application/json': { schema: ref('CreateConnection') } } },
          responses: {
            '201': json(ref('ConnectResult'), 'Connected'),
            '200': json(ref('ConnectResult'), 'Already connected: credentials and settings updated, parked shipments retried'),
            '400': error('Invalid body, with field errors'),
            '401': unauthorized, '429': throttled,
            '402': error("The Ecwid store's plan has no API access"),
            '403': error('Ecwid refused the access token'),
          },
        },
        get: {
          tags: ['connections'],
          summary: 'Every running connection',
          security: admin,
          responses: { '200': json({ type: 'array', items: ref('ConnectionStatus') }, 'Connections by store ID'), '401': unauthorized, '429': throttled },
        },
      },
      '/connections/{storeId}': {
        get: {
          tags: ['connections'],
          summary: 'Status of one connection',
          security: admin,
          parameters: [storeIdParam],
          responses: { '200': json(ref('ConnectionStatus'), 'The `status` query of the store-sync workflow'), '401': unauthorized, '429': throttled, '404': notFound },
        },
        delete: {
          tags: ['connections'],
          summary: "Disconnect: stop the store's sync and unsubscribe SHIP_NOTIFY",
          security: admin,
          parameters: [storeIdParam],
          responses: { '202': json({ type: 'object', properties: { disconnected: { const: true } } }, 'Disconnect signalled'), '401': unauthorized, '429': throttled, '404': notFound },
        },
      },
      '/connections/{storeId}/orders/{orderId}': {
        get: {
          tags: ['connections'],
          summary: "Why an order was or wasn't imported",
          security: admin,
          parameters: [storeIdParam, { name: 'orderId', in: 'path', required: true, schema: { type: 'string', maxLength: 100 } }],
          responses: { '200': json(ref('OrderDecision'), 'The `orderDecision` query'), '401': unauthorized, '429': throttled, '404': notFound },
        },
      },
      '/connections/{storeId}/settings': {
        patch: {
          tags: ['connections'],
          summary: 'Change settings (e.g. statusMapping); skipped orders are re-evaluated',
          security: admin,
          parameters: [storeIdParam],
          requestBody: { required: true, content: { 'application/json': { schema: ref('UpdateSettings') } } },
          responses: {
            '202': json({ type: 'object', properties: { accepted: { const: true } } }, 'Settings signalled'),
            '400': error('Invalid body, with field errors; or `invalid_shipstation_store`: not an active manual store of the account'),
            '401': unauthorized,
            '429': throttled,
            '404': notFound,
            '409': error('`shipstation_store_not_listable`: the store has not joined its ShipStation account yet'),
            '503': error("`shipstation_unavailable`: the account's stores could not be listed now"),
          },
        },
      },
      '/connections/{storeId}/shipstation-stores': {
        get: {
          tags: ['connections'],
          summary: "The ShipStation stores that may receive the store's orders",
          description:
            "The account's stores as ShipStation lists them (one `GET /stores` by the account's traffic owner, kept a minute), each `selectable` or with `why` not (inactive, or a selling channel's store); the current choice (`chosen`) and the default (`defaultStore`: the account's first manual store, where orders go without a choice).",
          security: admin,
          parameters: [storeIdParam],
          responses: {
            '200': json(
              {
                type: 'object',
                properties: {
                  accountId: { type: 'string' },
                  chosen: { type: 'integer' },
                  defaultStore: { type: 'object' },
                  stores: {
                    type: 'array',
                    items: {
                      type: 'object',
                      properties: {
                        storeId: { type: 'integer' },
                        storeName: { type: 'string' },
                        marketplaceName: { type: 'string' },
                        active: { type: 'boolean' },
                        selectable: { type: 'boolean' },
                        why: { type: 'string' },
                      },
                    },
                  },
                },
              },
              'The choices',
            ),
            '401': unauthorized,
            '429': throttled,
            '404': notFound,
            '409': error('`shipstation_store_not_listable`: the store has not joined its ShipStation account yet'),
            '503': error("`shipstation_unavailable`: the account's stores could not be listed now"),
          },
        },
      },
      '/connections/{storeId}/sync': accepted('Sync now', 'Signals `syncNow` with trigger `operator`: a full incremental sync at once.'),
      '/connections/{storeId}/pause': accepted('Pause the sync', 'Signals `pause`: no imports until `resume`.'),
      '/connections/{storeId}/resume': accepted('Resume the sync', 'Signals `resume`.'),
      '/connections/{storeId}/retry-shipments': accepted('Retry parked shipment write-backs', 'Signals `retry` to every shipment workflow of the store with ShipmentState="parked".'),
      '/accounts': {
        get: {
          tags: ['accounts'],
          summary: 'ShipStation accounts in use (one per API key, shared by its stores)',
          description:
            'Every running `shipstationAccount` workflow: connected stores, calls used in the current rate-limit window, orders waiting and the age of the oldest, SHIP_NOTIFY subscription, last reconciliation. Queue and window figures come from the workers (reported every 10 s while busy).',
          security: admin,
          responses: { '200': json({ type: 'array', items: ref('Account') }, 'Accounts by ID'), '401': unauthorized, '429': throttled },
        },
      },
      '/accounts/{accountId}': {
        get: {
          tags: ['accounts'],
          summary: 'One ShipStation account',
          security: admin,
          parameters: [accountIdParam],
          responses: { '200': json(ref('Account'), 'The `accountStatus` query, with the workers\' reports summed'), '401': unauthorized, '429': throttled, '404': error('No account with connected stores by this ID') },
        },
      },
      '/accounts/{accountId}/credentials': {
        put: {
          tags: ['accounts'],
          summary: "Replace the account's ShipStation key pair",
          description:
            'The pair is tried first (one `GET /stores`). The account keeps its ID, stores, budget, parked write-backs and history; its stores sync at once, their parked write-backs are retried, and the account reconciles.',
          security: admin,
          parameters: [accountIdParam],
          requestBody: { required: true, content: { 'application/json': { schema: requestBodySchema(replaceCredentialsSchema) } } },
          responses: {
            '200': json(ref('Account'), 'The account, with its new pair in use (fingerprints only)'),
            '400': error('Invalid body, or `shipstation_credentials_refused`: ShipStation refused the pair; nothing changed'),
            '401': unauthorized,
            '404': error('No account with connected stores by this ID'),
            '409': error('`key_of_another_account`: another account uses this API key; nothing changed'),
            '429': throttled,
            '503': error('`shipstation_unavailable`: ShipStation could not be reached to try the pair; nothing changed'),
          },
        },
      },
      '/credentials': {
        get: {
          tags: ['accounts'],
          summary: 'Which credentials the API holds (fingerprints, never values)',
          security: admin,
          responses: {
            '200': json({ type: 'object', description: 'adminToken, sessionSecret, shipstationWebhookKey, ecwidClientSecret: {set, fingerprint, oldKeys}; encryptionKeys: {current, previous}; shipstationAccounts: [{accountId, health, keyFingerprint, pairFingerprint, expiresAt, refusedAt, replacedAt}]' }, 'What is held'),
            '401': unauthorized,
            '429': throttled,
          },
        },
      },
      '/connect/ecwid': {
        get: {
          tags: ['oauth'],
          summary: "Start Ecwid OAuth: redirects to Ecwid's consent screen",
          security: [{ bearerAuth: [] }, { webSession: [] }],
          responses: { '302': { description: 'Redirect to Ecwid /authorize' }, '401': unauthorized, '429': throttled, '503': error('ECWID_CLIENT_ID / ECWID_CLIENT_SECRET not set') },
        },
      },
      '/connect/ecwid/callback': {
        get: {
          tags: ['oauth'],
          summary: 'OAuth callback: exchanges the code and connects (or reconnects) the store',
          description: 'Authenticated by the signed, single-use `state`. Answers HTML to browsers, JSON otherwise.',
          parameters: ['code', 'state', 'store_id', 'error'].map((name) => ({ name, in: 'query', required: false, schema: { type: 'string' } })),
          responses: {
            '201': { description: 'Store connected' },
            '200': { description: 'Store reconnected' },
            '400': { description: 'Invalid or expired state, missing or rejected code' },
            '403': { description: 'Access declined on the consent screen, or token refused' },
            '502': { description: 'Ecwid unreachable' },
          },
        },
      },
      '/ecwid/app': {
        get: {
          tags: ['merchant app'],
          summary: "The Ecwid app page: a merchant's own store, inside the Ecwid admin (HTML)",
          description:
            "Ecwid opens it in an iframe with an encrypted `payload` (AES-128-CBC, key: the first 16 bytes of ECWID_CLIENT_SECRET). The payload's token is checked against Ecwid's /profile; the page then acts for that store only, through server-rendered forms under /ecwid/app/ (install, settings, sync, pause, resume, retry-shipments, disconnect) that carry a store-scoped session and a CSRF token. Framed only by ECWID_APP_FRAME_ANCESTORS. See docs/ecwid-app-page.md.",
          security: [],
          parameters: ['payload', 'lang', 'app_state'].map((name) => ({ name, in: 'query', required: name === 'payload', schema: { type: 'string' } })),
          responses: {
            '200': { description: 'The store page, or the install form when the store is not connected', content: { 'text/html': {} } },
            '400': { description: 'Payload missing, forged, truncated or encrypted with another key: refusal page, no session' },
            '402': { description: "The store's Ecwid plan has no API access" },
            '403': { description: "Ecwid refused the payload's token for that store" },
            '503': { description: 'ECWID_CLIENT_SECRET not set' },
          },
        },
      },
      '/webhooks/ecwid': {
        post: {
          tags: ['webhooks'],
          summary: 'Ecwid webhook (a hint: the order is re-read through the API, an uninstall is checked against Ecwid)',
          parameters: [{ name: 'X-Ecwid-Webhook-Signature', in: 'header', required: true, schema: { type: 'string' }, description: 'base64(HMAC-SHA256(client secret, "<eventCreated>.<eventId>"))' }],
          requestBody: { required: true, content: { 'application/json': { schema: ref('EcwidWebhook') } } },
          responses: {
            '200': json(
              { type: 'object', properties: { ok: { type: 'boolean' }, duplicate: { type: 'boolean', description: 'This eventId was received before (kept at least 1 day)' } } },
              'Accepted: handed to an `ecwidEvent` workflow (`ecwid-event:<eventId>`), whose result says what it did',
            ),
            '400': error('Invalid webhook body, or an event dated outside the window (`stale_event`: older than 24 h; `future_event`: more than 5 min ahead)'),
            '401': error('Bad signature'),
            '503': error('Not configured, or Temporal unreachable (Ecwid retries)'),
          },
        },
      },
      '/webhooks/shipstation': {
        post: {
          tags: ['webhooks'],
          summary: 'ShipStation SHIP_NOTIFY',
          description:
            'The target of a ShipStation account\'s one subscription: `sig` is the account\'s own signature (HMAC of its ID under SHIPSTATION_WEBHOOK_KEY), so a URL read in one merchant\'s settings is worthless for any other account. The shipments are read once and routed by orderKey to the account\'s stores\' orders. The retired forms (`store`, `secret`) get 410.',
          parameters: [
            { name: 'account', in: 'query', required: true, schema: { type: 'string', pattern: '^[0-9a-f]{16}$' }, description: 'ShipStation account ID' },
            { name: 'sig', in: 'query', required: true, schema: { type: 'string', minLength: 32, maxLength: 32 }, description: 'The account\'s signature (set by the connector when it subscribes)' },
          ],
          requestBody: { required: true, content: { 'application/json': { schema: ref('ShipNotify') } } },
          responses: {
            '200': json({ type: 'object', properties: { ok: { type: 'boolean' }, duplicate: { type: 'boolean' }, ignored: { type: 'string' } } }, 'Accepted'),
            '400': error('Invalid body, or a resource_url outside ShipStation or naming no labels (`/shipments` with `batchId`, `orderId`, `orderNumber` or `trackingNumber`); its paging is ignored'),
            '401': error('Missing or wrong signature for this account'),
            '404': error('No running account by this ID (no connected store): nothing is read'),
            '410': error('A retired target form (`store=` or `secret=`): its subscription is replaced by the account\'s signed one'),
            '503': error('Not configured, or Temporal unreachable'),
          },
        },
      },
      '/codec/encode': codecOp('encode'),
      '/codec/decode': codecOp('decode'),
      '/health': { get: { tags: ['operations'], summary: 'Liveness', responses: { '200': json({ type: 'object', properties: { ok: { const: true } } }, 'Alive') } } },
      '/metrics': {
        get: {
          tags: ['operations'],
          summary: 'Prometheus metrics',
          security: admin,
          responses: { '200': { description: 'Prometheus text format', content: { 'text/plain': { schema: { type: 'string' } } } }, '401': unauthorized, '429': throttled },
        },
      },
      '/openapi.json': { get: { tags: ['operations'], summary: 'This document', responses: { '200': { description: 'OpenAPI 3.1', content: { 'application/json': {} } } } } },
    },
    components: {
      securitySchemes: {
        bearerAuth: { type: 'http', scheme: 'bearer', description: 'ADMIN_TOKEN' },
        webSession: { type: 'apiKey', in: 'cookie', name: 'ess_session', description: "Session of the operator's web page (POST /login with the admin token)" },
      },
      schemas: {
        // Generated from the request validators.
        CreateConnection: requestBodySchema(createConnectionSchema),
        UpdateSettings: requestBodySchema(updateSettingsSchema),
        EcwidWebhook: requestBodySchema(ecwidWebhookSchema),
        ShipNotify: requestBodySchema(shipNotifySchema),
        // Responses, by hand (see ConnectionStatus and OrderDecision in src/workflows/definitions.ts).
        Error: {
          type: 'object',
          required: ['error'],
          properties: {
            error: { type: 'string' },
            message: { type: 'string' },
            fields: { type: 'array', items: { type: 'object', properties: { field: { type: 'string' }, message: { type: 'string' } } } },
          },
        },
        ConnectResult: {
          type: 'object',
          properties: { storeId: { type: 'integer' }, created: { type: 'boolean' }, status: ref('ConnectionStatus') },
        },
        ConnectionStatus: {
          type: 'object',
          description: 'No secrets, no personal data.',
          properties: {
            storeId: { type: 'integer' },
            state: { enum: ['active', 'paused', 'needs_reconnect', 'disconnected'] },
            settings: { type: 'object' },
            shipstationAccount: { enum: ['own', 'default'] },
            shipstationAccountId: { type: 'string', description: 'the ShipStation account (GET /accounts/{accountId}) once the store has joined it' },
            shipstationCredentials: {
              enum: ['ok', 'expiring', 'needs_new_credentials'],
              description: "its account's key pair: `needs_new_credentials` once ShipStation refused it (401/403) or its expiry date passed; `expiring` within 14 days",
            },
            connectedBy: { enum: ['merchant', 'operator'], description: 'who connected the store last: its merchant (Ecwid app page) or an operator' },
            syncing: { type: 'boolean' },
            imported: { type: 'integer' },
            skipped: { type: 'integer' },
            failed: { type: 'integer', description: 'orders whose import is failing now' },
            failedAttempts: { type: 'integer', description: 'every failed attempt since connecting' },
            failedNotListed: { type: 'integer', description: 'failed orders the record let go while still failing (it lists 1,000 failures apart from skips); absent when none' },
            parkedShipments: { type: 'integer', description: 'shipment write-backs parked (waiting for a reconnect, a key replacement or a retry); GET /connections/{storeId} only' },
            cancelled: { type: 'integer' },
            skipReasons: { type: 'object', additionalProperties: { type: 'integer' }, description: 'count by reason, e.g. no_physical_items' },
            recentSkipped: { type: 'array', items: ref('OrderNote') },
            recentFailed: { type: 'array', items: ref('OrderNote') },
            lastSyncAt: { type: 'string', format: 'date-time' },
            lastSyncResult: { type: 'object' },
            nextSyncAt: { type: 'string', format: 'date-time' },
            lastError: { type: 'string' },
            cursor: { type: 'string', format: 'date-time' },
            syncsRun: { type: 'integer' },
            pendingOrderIds: { type: 'integer' },
          },
        },
        Account: {
          type: 'object',
          description: 'A ShipStation account, named by the ID it got when first registered (a hash of that first API key), kept when its pair is replaced. No secrets.',
          properties: {
            accountId: { type: 'string', pattern: '^[0-9a-f]{16}$' },
            account: { enum: ['default', 'own'], description: "the worker's default account, or a connection's own keys" },
            stores: { type: 'array', items: { type: 'integer' }, description: 'Ecwid stores attached' },
            connectedStores: { type: 'integer' },
            callsInCurrentWindow: { type: 'integer', description: "calls the connector made in ShipStation's current rate-limit window" },
            remaining: { type: 'integer', description: 'what ShipStation last said remains in the window (every app on the key)' },
            resetAt: { type: 'string', format: 'date-time' },
            ordersWaiting: { type: 'integer', description: 'orders waiting for a createorders call' },
            oldestWaitingOrderMs: { type: 'integer', description: 'how long the oldest of them has waited' },
            subscription: {
              type: 'object',
              properties: {
                state: { enum: ['pending', 'subscribed', 'failed', 'not_configured'] },
                at: { type: 'string', format: 'date-time' },
                error: { type: 'string' },
                replacedLegacy: { type: 'integer', description: 'older per-store subscriptions replaced by this one' },
              },
            },
            credentialsHealth: { enum: ['ok', 'expiring', 'needs_new_credentials'] },
            credentials: {
              type: 'object',
              description: 'the key pair, without it',
              properties: {
                state: { enum: ['ok', 'refused'] },
                keyFingerprint: { type: 'string' },
                pairFingerprint: { type: 'string' },
                refusedAt: { type: 'string', format: 'date-time' },
                refusedStatus: { type: 'integer' },
                replacedAt: { type: 'string', format: 'date-time' },
                replacedBy: { enum: ['operator', 'merchant'] },
                replacements: { type: 'integer' },
                expiresAt: { type: 'string' },
              },
            },
            lastReconciliation: {
              type: 'object',
              properties: {
                at: { type: 'string', format: 'date-time' },
                since: { type: 'string', format: 'date-time' },
                shipments: { type: 'integer' },
                routed: { type: 'integer' },
                ignored: { type: 'integer', description: 'shipments of orders the connector did not create' },
                error: { type: 'string' },
              },
            },
            notifications: {
              type: 'object',
              properties: { routed: { type: 'integer' }, ignored: { type: 'integer', description: 'shipments of orders the connector did not create' } },
            },
            workers: { type: 'array', items: { type: 'object' }, description: "the workers' latest budget reports, with their age (ageMs)" },
          },
        },
        OrderNote: {
          type: 'object',
          properties: { orderId: { type: 'string' }, reason: { type: 'string' }, at: { type: 'string', format: 'date-time' }, attempts: { type: 'integer' } },
        },
        OrderDecision: {
          type: 'object',
          properties: {
            orderId: { type: 'string' },
            outcome: { enum: ['imported', 'skipped', 'failed', 'unchanged', 'cancelled', 'unknown'] },
            reason: { type: 'string' },
            at: { type: 'string', format: 'date-time' },
            explanation: { type: 'string' },
          },
        },
        Payloads: {
          type: 'object',
          description: 'Temporal remote codec body: payloads with base64 metadata values and data.',
          properties: {
            payloads: {
              type: 'array',
              maxItems: 1000,
              items: { type: 'object', properties: { metadata: { type: 'object', additionalProperties: { type: 'string' } }, data: { type: 'string' } } },
            },
          },
        },
      },
    },
  };
}
