import { Router } from 'express';
import { fingerprint } from '../../connections/fingerprint';
import { credentialsHealth, type AccountService } from '../../connections/shipstation-accounts';

/** What the API holds, for GET /credentials: never a secret, only that it is set, its fingerprint and its old keys. */
export interface HeldSecrets {
  adminToken: string;
  sessionSecret?: string;
  sessionOldSecrets?: string[];
  shipstationWebhookKey?: string;
  shipstationWebhookOldKeys?: string[];
  ecwidClientSecret?: string;
  /** IDs the payload codec names its keys by (k-<hash>), current and still-accepted previous ones. */
  encryptionKeyIds?: { current: string; previous: string[] };
}

const described = (label: string, value: string | undefined, old?: string[]) =>
  value === undefined
    ? { set: false }
    : { set: true, fingerprint: fingerprint(label, value), ...(old ? { oldKeys: old.map((o) => fingerprint(label, o)) } : {}) };

/**
 * GET /credentials (admin): which credentials the connector holds, each with a fingerprint (first 12 hex of a
 * labelled sha256) to compare with what you set, the old keys of a rotation still accepted, and each ShipStation
 * account's pair (fingerprints, refused or not, expiry). No secret, nor anything derived from one that signs.
 */
export function credentialsRoutes(opts: { held: HeldSecrets; accounts: AccountService }): Router {
  const r = Router();
  r.get('/credentials', async (_req, res) => {
    const h = opts.held;
    const accounts = [];
    for (const id of await opts.accounts.runningAccountIds().catch(() => [] as string[])) {
      const s = await opts.accounts.statusOf(id).catch(() => undefined);
      if (!s) continue;
      accounts.push({
        accountId: id,
        account: s.account,
        health: credentialsHealth(s),
        keyFingerprint: s.credentials?.keyFingerprint,
        pairFingerprint: s.credentials?.pairFingerprint,
        ...(s.credentials?.expiresAt ? { expiresAt: s.credentials.expiresAt } : {}),
        ...(s.credentials?.refusedAt ? { refusedAt: s.credentials.refusedAt } : {}),
        ...(s.credentials?.replacedAt ? { replacedAt: s.credentials.replacedAt, replacements: s.credentials.replacements } : {}),
      });
    }
    res.json({
      adminToken: described('admin-token', h.adminToken),
      sessionSecret: h.sessionSecret
        ? described('session-secret', h.sessionSecret, h.sessionOldSecrets ?? [])
        : { set: false, note: 'sessions are signed with a key derived from ADMIN_TOKEN: set SESSION_SECRET to keep the two apart' },
      shipstationWebhookKey: described('shipstation-webhook-key', h.shipstationWebhookKey, h.shipstationWebhookOldKeys ?? []),
      ecwidClientSecret: described('ecwid-client-secret', h.ecwidClientSecret),
      encryptionKeys: h.encryptionKeyIds ?? { current: 'unknown', previous: [] },
      shipstationAccounts: accounts,
    });
  });
  return r;
}
