import { createHmac, randomBytes } from 'node:crypto';
import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import { secretsEqual } from './auth';

/** Records a nonce as spent: true the first time, false if any process spent it before. */
export type SpendNonce = (nonce: string) => Promise<boolean>;

/**
 * OAuth `state`: unguessable (random nonce), expiring (signed expiry) and single-use. Signed, so any API process
 * can check a state another one issued; spent through `spend`, which must be shared by every process (see
 * `spendThroughTemporal`), or a state used at one process behind a load balancer would still work at another.
 */
export class OAuthStates {
  constructor(
    private readonly key: string,
    private readonly spend: SpendNonce,
    private readonly ttlMs = 10 * 60_000,
  ) {}

  issue(now = Date.now()): string {
    const nonce = randomBytes(18).toString('base64url');
    const exp = String(now + this.ttlMs);
    return `${nonce}.${exp}.${this.sign(nonce, exp)}`;
  }

  /** true once for a valid state; false if forged, expired or already used. Throws if the record can't be reached. */
  async consume(state: string | undefined, now = Date.now()): Promise<boolean> {
    if (typeof state !== 'string' || state.length > 200) return false;
    const [nonce, exp, sig, extra] = state.split('.');
    if (!nonce || !exp || !sig || extra !== undefined || !/^[A-Za-z0-9_-]{1,64}$/.test(nonce)) return false;
    if (!secretsEqual(sig, this.sign(nonce, exp))) return false;
    if (!(Number(exp) >= now)) return false;
    return this.spend(nonce);
  }

  private sign(nonce: string, exp: string): string {
    return createHmac('sha256', this.key).update(`oauth-state:${nonce}.${exp}`).digest('base64url');
  }
}

/**
 * The shared record of spent nonces: Temporal, like webhook dedupe. Starting `oauth-state:<nonce>` with
 * REJECT_DUPLICATE succeeds once in the namespace, whichever process asks; the ID stays taken for the namespace's
 * retention (at least a day), longer than a state lives. The nonce is random and worthless once spent.
 */
export function spendThroughTemporal(client: Client, taskQueue: string): SpendNonce {
  return async (nonce) => {
    try {
      await client.workflow.start('oneTimeTokenSpent', {
        workflowId: `oauth-state:${nonce}`,
        taskQueue,
        args: [],
        workflowIdConflictPolicy: 'FAIL',
        workflowIdReusePolicy: 'REJECT_DUPLICATE',
        staticSummary: 'OAuth state spent (single-use record)',
      });
      return true;
    } catch (err) {
      if (err instanceof WorkflowExecutionAlreadyStartedError) return false;
      throw err;
    }
  };
}
