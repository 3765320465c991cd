import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Client } from '@temporalio/client';
import type { Payload, PayloadCodec } from '@temporalio/common';
import pino from 'pino';
import { z } from 'zod';
import { createApp } from '../../src/api/app';
import { createConnectionSchema, ecwidWebhookSchema, shipNotifySchema, updateSettingsSchema } from '../../src/connections/schemas';
import { CUSTOM_STATUSES } from '../../src/domain/ecwid';

type Json = Record<string, unknown>;

/** What zod itself makes of a schema: the document must carry exactly this (minus the dialect marker). */
function zodJsonSchema(schema: z.ZodType): Json {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, { target: 'draft-2020-12', io: 'input' }) as Json;
  return rest;
}

describe('GET /openapi.json', () => {
  let server: Server;
  let url = '';
  let doc: Json;

  beforeAll(async () => {
    // /openapi.json never reaches Temporal: a client that is never called is enough.
    const identity: PayloadCodec = { encode: async (p: Payload[]) => p, decode: async (p: Payload[]) => p };
    const { app } = createApp({
      client: {} as Client,
      logger: pino({ level: 'silent' }),
      adminToken: 'openapi-test-admin-token-0123',
      taskQueue: 'unused',
      ecwidApiUrl: 'http://127.0.0.1:9/api/v3',
      shipstationApiUrl: 'http://127.0.0.1:9',
      ecwidOAuthUrl: 'http://127.0.0.1:9/api/oauth',
      publicUrl: 'http://127.0.0.1:9',
      defaultPollIntervalSeconds: 300,
      codec: identity,
      temporalUiOrigin: 'http://localhost:8233',
    });
    server = createServer(app);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const res = await fetch(`${url}/openapi.json`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    doc = (await res.json()) as Json;
  });
  afterAll(async () => {
    server?.closeAllConnections();
    await new Promise((r) => server?.close(r));
  });

  const resolve = (node: unknown): Json => {
    const r = (node as Json | undefined)?.$ref;
    if (typeof r !== 'string') return node as Json;
    const target = r
      .replace(/^#\//, '')
      .split('/')
      .reduce<unknown>((at, key) => (at as Json | undefined)?.[key], doc);
    if (!target) throw new Error(`unresolved $ref ${r}`);
    return target as Json;
  };
  const bodySchema = (path: string, method: string): Json => {
    const op = (doc.paths as Json)[path] as Json;
    const body = (op[method] as Json).requestBody as Json;
    return resolve(((body.content as Json)['application/json'] as Json).schema);
  };

  test('is public, OpenAPI 3.x, and describes every route of the API', () => {
    expect(String(doc.openapi)).toMatch(/^3\.1\.\d+$/);
    expect((doc.info as Json).title).toEqual(expect.any(String));
    const paths = doc.paths as Record<string, Json>;
    expect(Object.keys(paths)).toEqual(
      expect.arrayContaining([
        '/connections',
        '/connections/{storeId}',
        '/connections/{storeId}/orders/{orderId}',
        '/connections/{storeId}/settings',
        '/connections/{storeId}/sync',
        '/connections/{storeId}/pause',
        '/connections/{storeId}/resume',
        '/connections/{storeId}/retry-shipments',
        '/connect/ecwid',
        '/connect/ecwid/callback',
        '/webhooks/ecwid',
        '/webhooks/shipstation',
        '/codec/encode',
        '/codec/decode',
        '/health',
        '/metrics',
      ]),
    );
    expect(Object.keys(paths['/connections'])).toEqual(expect.arrayContaining(['get', 'post']));
    expect(Object.keys(paths['/connections/{storeId}'])).toEqual(expect.arrayContaining(['get', 'delete']));
    expect(Object.keys(paths['/connections/{storeId}/settings'])).toEqual(['patch']);
    // Every operation answers something, and every path parameter is declared.
    for (const [path, item] of Object.entries(paths)) {
      for (const op of Object.values(item) as Json[]) {
        expect(Object.keys(op.responses as Json).length).toBeGreaterThan(0);
        const declared = ((op.parameters as Json[] | undefined) ?? []).filter((p) => p.in === 'path').map((p) => p.name);
        const inPath = [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
        expect(declared.sort()).toEqual(inPath.sort());
      }
    }
    expect((doc.components as Json).securitySchemes).toMatchObject({ bearerAuth: { type: 'http', scheme: 'bearer' } });
  });

  test('POST /connections: the request body schema is generated from the zod validator', () => {
    const schema = bodySchema('/connections', 'post');
    expect(schema.type).toBe('object');
    expect(schema.required).toEqual(expect.arrayContaining(['ecwidStoreId', 'ecwidAccessToken']));
    expect(schema).toEqual(zodJsonSchema(createConnectionSchema));
    const mapping = (schema.properties as Json).statusMapping as Json;
    expect((mapping.propertyNames as Json).enum).toEqual([...CUSTOM_STATUSES]);
    expect(schema.additionalProperties).toBe(false);
  });

  test('the other request bodies are the zod schemas too', () => {
    expect(bodySchema('/connections/{storeId}/settings', 'patch')).toEqual(zodJsonSchema(updateSettingsSchema));
    expect(bodySchema('/webhooks/ecwid', 'post')).toEqual(zodJsonSchema(ecwidWebhookSchema));
    expect(bodySchema('/webhooks/shipstation', 'post')).toEqual(zodJsonSchema(shipNotifySchema));
  });

  test('every $ref resolves', () => {
    const refs: string[] = [];
    const walk = (node: unknown): void => {
      if (Array.isArray(node)) node.forEach(walk);
      else if (node && typeof node === 'object') {
        for (const [k, v] of Object.entries(node)) {
          if (k === '$ref' && typeof v === 'string') refs.push(v);
          else walk(v);
        }
      }
    };
    walk(doc);
    expect(refs.length).toBeGreaterThan(5);
    for (const r of refs) expect(() => resolve({ $ref: r })).not.toThrow();
  });
});
