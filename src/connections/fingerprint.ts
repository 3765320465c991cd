import { createHash } from 'node:crypto';

/**
 * A short name of a secret that operators can compare ("is the key in production the one I set?") without the
 * secret: the first 12 hex characters of sha256 over a label and the value. The label keeps fingerprints of one
 * kind from being compared with another kind's.
 */
export function fingerprint(label: string, value: string): string {
  return createHash('sha256').update(`${label}\n${value}`).digest('hex').slice(0, 12);
}
