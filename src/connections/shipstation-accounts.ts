/**
 * ShipStation accounts as the API sees them: which account a key belongs to, whether a pair may be attached to it,
 * and replacing an account's pair. An account's identity is EXPLICIT: the ID it got when it was first registered
 * (the hash of that first API key, as in every earlier release), kept by its workflow for life. ShipStation's V1 API
 * returns no account ID (its "accounts" resource only lists tags), so nothing stable can be derived from it; a key
 * pair is attached to the account, and replacing the pair changes nothing else: same ID, same task queue, same
 * stores, budget, parked write-backs and history.
 */
import { createHash } from 'node:crypto';
import { QueryRejectedError, WorkflowClient, WorkflowNotFoundError, type Client } from '@temporalio/client';
import { shipstationAccountWorkflowId, storeSyncWorkflowId } from '../domain/ids';
import {
  accountCredentialsQuery,
  accountStatusQuery,
  reconcileNowSignal,
  replaceCredentialsSignal,
  syncNowSignal,
  type AccountStatus,
  type ShipStationCredentials,
} from '../workflows/definitions';
import { ConnectionRefused } from './ecwid-access';
import { fingerprint } from './fingerprint';
import { checkShipStationKeys } from './shipstation-access';

/** Same labels as the worker's (activities/deps.ts): fingerprints of an API key, and of a key and secret together. */
const KEY_FINGERPRINT = 'shipstation-api-key';
const PAIR_FINGERPRINT = 'shipstation-key-pair';

export const keyFingerprintOf = (apiKey: string) => fingerprint(KEY_FINGERPRINT, apiKey);
export const pairFingerprintOf = (p: { apiKey: string; apiSecret: string }) => fingerprint(PAIR_FINGERPRINT, `${p.apiKey}\n${p.apiSecret}`);
/** The ID an account gets when it is first registered with this key. */
export const accountIdForNewKey = (apiKey: string) => createHash('sha256').update(apiKey).digest('hex').slice(0, 16);

/** Warn this long before an operator-given expiry date. */
export const EXPIRY_WARNING_MS = 14 * 86_400_000;

/** What the pages and the API say about an account's pair. */
export type CredentialsHealth = 'ok' | 'expiring' | 'needs_new_credentials';

export function credentialsHealth(status: Pick<AccountStatus, 'credentials'> | undefined, now = Date.now()): CredentialsHealth {
  const c = status?.credentials;
  if (!c) return 'ok';
  if (c.state === 'refused') return 'needs_new_credentials';
  if (c.expiresAt) {
    const at = Date.parse(c.expiresAt);
    if (Number.isFinite(at) && at <= now) return 'needs_new_credentials';
    if (Number.isFinite(at) && at - now <= EXPIRY_WARNING_MS) return 'expiring';
  }
  return 'ok';
}

export class AccountService {
  private openOnly?: WorkflowClient;

  constructor(private readonly opts: { client: Client; shipstationApiUrl: string }) {}

  /** Queries of closed workflows are refused: an account whose stores all left is gone. */
  private open(): WorkflowClient {
    const { namespace, identity, interceptors, loadedDataConverter } = this.opts.client.workflow.options;
    this.openOnly ??= new WorkflowClient({
      connection: this.opts.client.connection,
      dataConverter: loadedDataConverter,
      namespace,
      identity,
      interceptors,
      queryRejectCondition: 'NOT_OPEN',
    });
    return this.openOnly;
  }

  async statusOf(accountId: string): Promise<AccountStatus | undefined> {
    try {
      return await this.open().getHandle(shipstationAccountWorkflowId(accountId)).query(accountStatusQuery);
    } catch (err) {
      if (err instanceof WorkflowNotFoundError || err instanceof QueryRejectedError) return undefined;
      throw err;
    }
  }

  async runningAccountIds(): Promise<string[]> {
    const ids: string[] = [];
    for await (const wf of this.opts.client.workflow.list({ query: 'WorkflowType="shipstationAccount" AND ExecutionStatus="Running"' })) {
      const id = wf.workflowId.replace(/^shipstation-account:/, '');
      if (/^[0-9a-f]{16}$/.test(id) && !ids.includes(id)) ids.push(id);
    }
    return ids;
  }

  /**
   * The running account that uses this API key: the one registered with it (its ID is the key's hash), else one
   * whose replacement pair has this key (by fingerprint; a list and a query per account, asked only for keys that
   * no account was registered with).
   */
  async accountForKey(apiKey: string): Promise<{ accountId: string; status: AccountStatus } | undefined> {
    const direct = accountIdForNewKey(apiKey);
    const status = await this.statusOf(direct);
    if (status) return { accountId: direct, status };
    const fp = keyFingerprintOf(apiKey);
    for (const id of await this.runningAccountIds()) {
      const s = await this.statusOf(id).catch(() => undefined);
      if (s?.credentials?.keyFingerprint === fp) return { accountId: id, status: s };
    }
    return undefined;
  }

  /**
   * The fingerprint of the pair the account uses. Accounts of an earlier release did not record it: it is computed
   * here, once, from the account's pair (which is then dropped).
   */
  private async pairFingerprintOfAccount(accountId: string, status: AccountStatus): Promise<string | undefined> {
    if (status.credentials?.pairFingerprint) return status.credentials.pairFingerprint;
    const pair = await this.open()
      .getHandle(shipstationAccountWorkflowId(accountId))
      .query(accountCredentialsQuery)
      .catch(() => undefined);
    return pair ? pairFingerprintOf(pair) : undefined;
  }

  /** One cheap call (GET /stores) with the pair: refused → 400 naming the problem; ShipStation unreachable → 503. */
  async verifyPair(pair: { apiKey: string; apiSecret: string }): Promise<void> {
    const check = await checkShipStationKeys(this.opts.shipstationApiUrl, pair.apiKey, pair.apiSecret);
    if (check === 'refused') {
      throw new ConnectionRefused(
        400,
        'shipstation_credentials_refused',
        'ShipStation refused this API key and secret (401): check both in ShipStation › Settings › API Settings; nothing was changed',
      );
    }
    if (check === 'unavailable') {
      throw new ConnectionRefused(503, 'shipstation_unavailable', 'ShipStation could not be reached to check the key pair; nothing was changed, try again');
    }
  }

  /**
   * The ShipStation pair a connection may use, verified first. A key of an existing account must come with that
   * account's secret; another secret is refused (409) unless the caller replaces the account's pair on purpose
   * (`replace`), which then replaces it for every store of the account. The pair comes back with its account's ID
   * when that is not the key's hash (a replacement pair).
   */
  async pairForConnection(
    pair: ShipStationCredentials,
    opts: { replace?: boolean; by: 'operator' | 'merchant'; expiresAt?: string },
  ): Promise<ShipStationCredentials> {
    await this.verifyPair(pair);
    const found = await this.accountForKey(pair.apiKey);
    const plain: ShipStationCredentials = { apiKey: pair.apiKey, apiSecret: pair.apiSecret, ...(opts.expiresAt ? { expiresAt: opts.expiresAt } : {}) };
    if (!found) return plain;
    const withAccount = found.accountId === accountIdForNewKey(pair.apiKey) ? plain : { ...plain, accountId: found.accountId };
    const current = await this.pairFingerprintOfAccount(found.accountId, found.status);
    if (current === undefined || current === pairFingerprintOf(pair)) return withAccount;
    if (!opts.replace) {
      throw new ConnectionRefused(
        409,
        'shipstation_account_has_other_secret',
        `ShipStation account ${found.accountId} already uses this API key with another secret, which keeps working for its ${found.status.stores.length} store(s). ` +
          'To replace the account\'s pair on purpose, send "replaceShipStationCredentials": true, or use PUT /accounts/' +
          `${found.accountId}/credentials.`,
      );
    }
    await this.replaceCredentials(found.accountId, pair, { by: opts.by, expiresAt: opts.expiresAt, verified: true });
    return withAccount;
  }

  /**
   * Replaces the account's pair: verified with one cheap call first, refused if another account uses the key.
   * Then everything waiting behind the old pair goes on at once: each store syncs (its pending orders and cursor),
   * its parked write-backs are retried, and the account reconciles (labels bought meanwhile).
   */
  async replaceCredentials(
    accountId: string,
    pair: { apiKey: string; apiSecret: string },
    opts: { by: 'operator' | 'merchant'; expiresAt?: string; verified?: boolean; retryParked?: (storeId: number) => Promise<unknown> },
  ): Promise<AccountStatus> {
    const status = await this.statusOf(accountId);
    if (!status) throw new ConnectionRefused(404, 'account_not_found', `No ShipStation account ${accountId} with connected stores`);
    if (!opts.verified) await this.verifyPair(pair);
    const other = await this.accountForKey(pair.apiKey);
    if (other && other.accountId !== accountId) {
      throw new ConnectionRefused(409, 'key_of_another_account', `This API key is used by another ShipStation account (${other.accountId}); nothing was changed`);
    }
    const credentials: ShipStationCredentials = {
      apiKey: pair.apiKey,
      apiSecret: pair.apiSecret,
      ...(accountIdForNewKey(pair.apiKey) !== accountId ? { accountId } : {}),
      ...(opts.expiresAt ? { expiresAt: opts.expiresAt } : {}),
    };
    const handle = this.opts.client.workflow.getHandle(shipstationAccountWorkflowId(accountId));
    await handle.signal(replaceCredentialsSignal, {
      credentials,
      keyFingerprint: keyFingerprintOf(pair.apiKey),
      pairFingerprint: pairFingerprintOf(pair),
      by: opts.by,
      at: new Date().toISOString(),
    });
    for (const storeId of status.stores) {
      await this.opts.client.workflow
        .getHandle(storeSyncWorkflowId(storeId))
        .signal(syncNowSignal, { trigger: 'operator' })
        .catch(() => undefined);
      await opts.retryParked?.(storeId).catch(() => undefined);
    }
    await handle.signal(reconcileNowSignal).catch(() => undefined);
    return (await this.statusOf(accountId)) ?? status;
  }
}
