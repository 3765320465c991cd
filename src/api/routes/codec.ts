import { Router, type Request, type Response, type NextFunction } from 'express';
import type { PayloadCodec } from '@temporalio/common';
import { z } from 'zod';

export const payloadsSchema = z.object({
  payloads: z
    .array(z.object({ metadata: z.record(z.string(), z.string()).optional(), data: z.string().optional() }))
    .max(1000)
    // The CLI posts `{}` when a command has nothing to encode.
    .default([]),
});

/** Fields that hold a tenant's credentials in workflow inputs, signals and query results. */
export const SECRET_FIELDS = new Set(['ecwidAccessToken', 'apiKey', 'apiSecret', 'access_token', 'shipstationApiKey', 'shipstationApiSecret']);
export const REDACTED = '[redacted]';

function redactValue(v: unknown): { value: unknown; changed: boolean } {
  if (Array.isArray(v)) {
    let changed = false;
    const value = v.map((x) => {
      const r = redactValue(x);
      changed ||= r.changed;
      return r.value;
    });
    return { value, changed };
  }
  if (v && typeof v === 'object') {
    let changed = false;
    const value: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) {
      if (SECRET_FIELDS.has(k) && typeof x === 'string') {
        value[k] = REDACTED;
        changed = true;
      } else {
        const r = redactValue(x);
        value[k] = r.value;
        changed ||= r.changed;
      }
    }
    return { value, changed };
  }
  return { value: v, changed: false };
}

/** A decoded JSON payload with its credential fields replaced by `[redacted]`; other payloads as they are. */
export function redactSecrets<P extends { metadata?: Record<string, Uint8Array> | null; data?: Uint8Array | null }>(p: P): P {
  const encoding = p.metadata?.encoding ? Buffer.from(p.metadata.encoding).toString() : '';
  if (encoding !== 'json/plain' || !p.data) return p;
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(p.data).toString('utf8'));
  } catch {
    return p;
  }
  const r = redactValue(parsed);
  return r.changed ? { ...p, data: Buffer.from(JSON.stringify(r.value)) } : p;
}

/**
 * The codec server the Temporal Web UI (and `temporal --codec-endpoint`) calls to show decrypted payloads.
 * Same admin token as the API; CORS only for the UI's origin.
 */
export function codecRoutes(opts: { codec: PayloadCodec; uiOrigin: string; requireAdmin: (req: Request, res: Response, next: NextFunction) => void }): Router {
  const r = Router();
  const cors = (req: Request, res: Response, next: NextFunction) => {
    const origin = req.header('origin');
    if (origin && origin === opts.uiOrigin) {
      res.setHeader('Access-Control-Allow-Origin', origin);
      res.setHeader('Access-Control-Allow-Methods', 'POST, GET, OPTIONS');
      res.setHeader('Access-Control-Allow-Headers', 'Content-Type, X-Namespace, Authorization');
      res.setHeader('Access-Control-Allow-Credentials', 'true');
      res.setHeader('Vary', 'Origin');
    }
    if (req.method === 'OPTIONS') {
      res.status(204).end();
      return;
    }
    next();
  };
  r.use('/codec', cors);
  for (const op of ['encode', 'decode'] as const) {
    r.post(`/codec/${op}`, opts.requireAdmin, async (req, res) => {
      const parsed = payloadsSchema.safeParse(req.body);
      if (!parsed.success) {
        res.status(400).json({ error: 'invalid_body' });
        return;
      }
      const payloads = parsed.data.payloads.map((p) => ({
        metadata: Object.fromEntries(Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v, 'base64')])),
        data: Buffer.from(p.data ?? '', 'base64'),
      }));
      try {
        // Decoded for people (the Web UI, the CLI): tenants' credentials never leave in clear, whoever holds the
        // admin token. Workers decode with their own codec, in process, and see them.
        const out = op === 'encode' ? await opts.codec.encode(payloads) : (await opts.codec.decode(payloads)).map(redactSecrets);
        res.json({
          payloads: out.map((p) => ({
            metadata: Object.fromEntries(Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v).toString('base64')])),
            data: Buffer.from(p.data ?? new Uint8Array()).toString('base64'),
          })),
        });
      } catch {
        res.status(400).json({ error: 'codec_failed', message: `could not ${op} the payloads (wrong key?)` });
      }
    });
  }
  return r;
}
