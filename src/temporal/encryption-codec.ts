import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import type { Payload, PayloadCodec } from '@temporalio/common';
import { METADATA_ENCODING_KEY } from '@temporalio/common';
import { temporal } from '@temporalio/proto';

const ENCODING = 'binary/encrypted';
const KEY_ID = 'encryption-key-id';
const IV_BYTES = 12;
const TAG_BYTES = 16;

export interface EncryptionKeys {
  /** The key new payloads are encrypted with. */
  current: { id: string; key: Buffer };
  /** Older keys still accepted when decrypting, during a rotation. */
  previous?: { id: string; key: Buffer }[];
}

/**
 * AES-256-GCM over the whole serialized payload: tokens, API secrets and customers' addresses in workflow
 * inputs, results, signals and failure messages are unreadable in history without the key.
 * The key ID in the metadata lets a new key take over while old histories stay readable.
 */
export class EncryptionCodec implements PayloadCodec {
  private readonly keys: Map<string, Buffer>;

  constructor(private readonly config: EncryptionKeys) {
    for (const k of [config.current, ...(config.previous ?? [])]) {
      if (k.key.length !== 32) throw new Error(`encryption key ${k.id} must be 32 bytes`);
    }
    this.keys = new Map([config.current, ...(config.previous ?? [])].map((k) => [k.id, k.key]));
  }

  async encode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((payload) => {
      const plain = temporal.api.common.v1.Payload.encode(payload).finish();
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', this.config.current.key, iv);
      const data = Buffer.concat([iv, cipher.update(plain), cipher.final(), cipher.getAuthTag()]);
      return {
        metadata: {
          [METADATA_ENCODING_KEY]: Buffer.from(ENCODING),
          [KEY_ID]: Buffer.from(this.config.current.id),
        },
        data,
      };
    });
  }

  async decode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((payload) => {
      const encoding = payload.metadata?.[METADATA_ENCODING_KEY];
      if (!encoding || Buffer.from(encoding).toString() !== ENCODING) return payload;
      const keyIdBytes = payload.metadata?.[KEY_ID];
      const keyId = keyIdBytes ? Buffer.from(keyIdBytes).toString() : '';
      const key = this.keys.get(keyId);
      if (!key) throw new Error(`payload encrypted with unknown key id "${keyId}"`);
      const data = Buffer.from(payload.data ?? new Uint8Array());
      const iv = data.subarray(0, IV_BYTES);
      const tag = data.subarray(data.length - TAG_BYTES);
      const decipher = createDecipheriv('aes-256-gcm', key, iv);
      decipher.setAuthTag(tag);
      const plain = Buffer.concat([decipher.update(data.subarray(IV_BYTES, data.length - TAG_BYTES)), decipher.final()]);
      return temporal.api.common.v1.Payload.decode(plain);
    });
  }
}

/** Key from ENCRYPTION_KEY (base64, 32 bytes); its ID is derived from the key so rotations never collide. */
export function keysFromEnv(current: string, previous?: string): EncryptionKeys {
  const parse = (b64: string) => Buffer.from(b64.trim(), 'base64');
  const idOf = (key: Buffer) => `k-${createHash('sha256').update(key).digest('hex').slice(0, 8)}`;
  const key = parse(current);
  return {
    current: { id: idOf(key), key },
    previous: (previous ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean)
      .map((b64) => {
        const k = parse(b64.includes(':') ? b64.slice(b64.indexOf(':') + 1) : b64);
        return { id: idOf(k), key: k };
      }),
  };
}

/** The IDs payloads name their keys by (never the keys): for operators comparing what each process holds. */
export function keyIdsOf(keys: EncryptionKeys): { current: string; previous: string[] } {
  return { current: keys.current.id, previous: (keys.previous ?? []).map((k) => k.id) };
}
