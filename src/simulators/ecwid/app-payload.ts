import { createCipheriv, randomBytes } from 'node:crypto';

/**
 * What Ecwid does before opening a native app's page: JSON → AES-128-CBC under the first 16 bytes of the app's
 * client secret, a random IV in front, base64url without padding (docs/ecwid-app-page.md).
 */
export function encryptEcwidAppPayload(data: Record<string, unknown>, clientSecret: string, iv: Buffer = randomBytes(16)): string {
  const key = Buffer.from(clientSecret, 'utf8').subarray(0, 16);
  const cipher = createCipheriv('aes-128-cbc', key, iv);
  const body = Buffer.concat([cipher.update(JSON.stringify(data), 'utf8'), cipher.final()]);
  return Buffer.concat([iv, body]).toString('base64url');
}
