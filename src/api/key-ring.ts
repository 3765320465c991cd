import { createHmac } from 'node:crypto';
import { secretsEqual } from './auth';

/**
 * The signing keys of one kind of token (operator sessions, merchant sessions, OAuth states), derived from
 * SESSION_SECRET (and SESSION_OLD_SECRETS, still accepted during a rotation) under a label of their own: a token of
 * one kind is never valid as another. Before SESSION_SECRET existed they were derived from ADMIN_TOKEN; a process
 * given only the admin token (tests, tools) still does so.
 */
export class KeyRing {
  private readonly keys: Buffer[];

  constructor(secrets: string | { current: string; old?: string[] }, label: string) {
    const list = typeof secrets === 'string' ? [secrets] : [secrets.current, ...(secrets.old ?? [])];
    // Derived keys, so the secret itself never signs anything a browser holds.
    this.keys = list.map((s) => createHmac('sha256', s).update(label).digest());
  }

  /** Signed with the current key. */
  mac(data: string): string {
    return createHmac('sha256', this.keys[0]).update(data).digest('base64url');
  }

  /** Whether `sig` signs `data` under the current key or an old one (every key is tried, in constant time each). */
  verify(data: string, sig: string | undefined): boolean {
    let ok = false;
    for (const key of this.keys) if (secretsEqual(sig, createHmac('sha256', key).update(data).digest('base64url'))) ok = true;
    return ok;
  }
}

/** SESSION_SECRET and SESSION_OLD_SECRETS, or (absent) the admin token as before. */
export type SessionSecrets = string | { current: string; old?: string[] };
