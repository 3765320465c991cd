import { createHmac, randomBytes } from 'node:crypto';
import { secretsEqual } from './auth';

/**
 * OAuth `state`: unguessable (random nonce), expiring (signed expiry) and single-use (nonces spent are
 * remembered until they expire). Signed, so any API process can check a state another one issued.
 */
export class OAuthStates {
  private readonly spent = new Map<string, number>();

  constructor(
    private readonly key: string,
    private readonly ttlMs = 10 * 60_000,
  ) {}

  issue(now = Date.now()): string {
    const nonce = randomBytes(18).toString('base64url');
    const exp = String(now + this.ttlMs);
    return `${nonce}.${exp}.${this.sign(nonce, exp)}`;
  }

  /** true once for a valid state; false if forged, expired or already used. */
  consume(state: string | undefined, now = Date.now()): boolean {
    if (typeof state !== 'string' || state.length > 200) return false;
    const [nonce, exp, sig] = state.split('.');
    if (!nonce || !exp || !sig || !secretsEqual(sig, this.sign(nonce, exp))) return false;
    if (Number(exp) < now) return false;
    for (const [n, e] of this.spent) if (e < now) this.spent.delete(n);
    if (this.spent.has(nonce)) return false;
    this.spent.set(nonce, Number(exp));
    return true;
  }

  private sign(nonce: string, exp: string): string {
    return createHmac('sha256', this.key).update(`oauth-state:${nonce}.${exp}`).digest('base64url');
  }
}
