import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Local secrets for `npm start` when the environment gives none: generated once and kept in the
 * git-ignored .data/ folder, so the SQLite history written yesterday is still readable today.
 */
export function devSecret(dataDir: string, name: string, make: () => string): string {
  mkdirSync(dataDir, { recursive: true });
  const file = join(dataDir, `${name}.secret`);
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  const value = make();
  writeFileSync(file, value, { mode: 0o600 });
  return value;
}

export const randomToken = (bytes = 24) => () => randomBytes(bytes).toString('base64url');
export const randomKey = () => randomBytes(32).toString('base64');
