import { createDecipheriv } from 'node:crypto';
import { z } from 'zod';

/**
 * The `payload` Ecwid adds to a native app's iframe URL (docs/ecwid-app-page.md): base64url without padding,
 * the first 16 bytes the IV, the rest AES-128-CBC (PKCS#7) under the first 16 bytes of the app's client secret,
 * holding JSON such as {"store_id":1003,"access_token":"secret_…","lang":"fr","view_mode":"PAGE"}.
 *
 * There is no MAC: whoever holds a payload can flip bits of the IV and so rewrite the first block of the JSON,
 * which is where `store_id` sits. A decrypted payload therefore proves nothing by itself; the caller must check
 * its token against Ecwid for that very store (Ecwid's tokens are per store) before trusting it.
 */
export const ecwidAppPayloadSchema = z.object({
  store_id: z.number().int().positive(),
  access_token: z.string().min(8).max(200),
  lang: z.string().max(20).optional(),
  view_mode: z.string().max(40).optional(),
  public_token: z.string().max(200).optional(),
});

export type EcwidAppPayload = z.infer<typeof ecwidAppPayloadSchema>;

/** Why a payload was refused; never shown with the payload's content. */
export class PayloadRefused extends Error {}

/** The 16-byte AES key: the first 16 bytes of the client secret, as Ecwid's examples take it. */
export function payloadKey(clientSecret: string): Buffer {
  const key = Buffer.from(clientSecret, 'utf8').subarray(0, 16);
  if (key.length !== 16) throw new PayloadRefused('the client secret is shorter than 16 bytes');
  return key;
}

/** Decrypts and validates a payload; throws PayloadRefused for anything that is not one Ecwid made with our secret. */
export function decryptEcwidPayload(payload: unknown, clientSecret: string): EcwidAppPayload {
  // Real payloads are a few hundred characters; anything far larger is not one.
  if (typeof payload !== 'string' || payload.length < 24 || payload.length > 4096 || !/^[A-Za-z0-9_\-+/]+=*$/.test(payload)) {
    throw new PayloadRefused('not a base64url string of a plausible length');
  }
  // Ecwid sends base64url; some clients keep '+' and '/'. Node's base64 decoder accepts both alphabets without padding.
  const raw = Buffer.from(payload.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
  if (raw.length < 32 || raw.length % 16 !== 0) throw new PayloadRefused('truncated: not whole AES blocks after the IV');
  let json: string;
  try {
    const decipher = createDecipheriv('aes-128-cbc', payloadKey(clientSecret), raw.subarray(0, 16));
    json = Buffer.concat([decipher.update(raw.subarray(16)), decipher.final()]).toString('utf8');
  } catch {
    throw new PayloadRefused('does not decrypt with this app’s client secret');
  }
  let data: unknown;
  try {
    data = JSON.parse(json);
  } catch {
    throw new PayloadRefused('does not decrypt to JSON');
  }
  const parsed = ecwidAppPayloadSchema.safeParse(data);
  if (!parsed.success) throw new PayloadRefused('lacks store_id or access_token');
  return parsed.data;
}
