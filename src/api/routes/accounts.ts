import { Router } from 'express';
import type { ConnectionService } from '../../connections/connection-service';
import { ConnectionRefused } from '../../connections/ecwid-access';
import { fieldErrors, replaceCredentialsSchema } from '../../connections/schemas';
import { credentialsHealth, type AccountService, type CredentialsHealth } from '../../connections/shipstation-accounts';
import { shipstationCredentialsExpiringSeconds } from '../../observability/metrics';
import type { AccountCredentialsState, AccountStatus, BudgetReport } from '../../workflows/definitions';

/** A worker reports every 10 s while busy: a report older than this is from a worker that stopped or went quiet. */
export const REPORT_FRESH_MS = 60_000;

/** What GET /accounts and /accounts/:id show of a ShipStation account. No secrets: the account is named by a hash. */
export interface AccountView {
  accountId: string;
  account: AccountStatus['account'];
  /** Ecwid stores attached to the account. */
  stores: number[];
  connectedStores: number;
  /** Calls the connector made in ShipStation's current rate-limit window (summed over the workers' reports). */
  callsInCurrentWindow: number;
  /** What ShipStation last said remains in the window (for every app using the key), and when it resets. */
  remaining?: number;
  resetAt?: string;
  /** Orders waiting for a createorders call, and how long the oldest of them has waited. */
  ordersWaiting: number;
  oldestWaitingOrderMs: number;
  subscription: AccountStatus['subscription'];
  lastReconciliation?: AccountStatus['lastReconciliation'];
  /** SHIP_NOTIFY shipments routed to a store's order, and ignored (orders the connector did not create). */
  notifications: AccountStatus['notifications'];
  /** The workers' latest reports behind the figures above, with their age. */
  workers: (BudgetReport & { ageMs: number })[];
  /** The worker process that holds the account's lease and alone calls ShipStation for it (absent: being elected). */
  owner?: AccountStatus['owner'];
  /** Leases granted so far (each deploy or worker failure moves it once). */
  ownerChanges?: number;
  /**
   * The key pair, without it: `needs_new_credentials` once ShipStation refused it (401/403) or its expiry date
   * passed, `expiring` within 14 days of the date an operator gave; fingerprints, refusal and replacement times.
   */
  credentialsHealth: CredentialsHealth;
  credentials?: AccountCredentialsState;
}

/** The account's status with the workers' reports summed as of now (stale reports and ended windows left out). */
export function accountView(status: AccountStatus, now = Date.now()): AccountView {
  const workers = status.budget.reports
    .map((r) => ({ ...r, ageMs: Math.max(0, now - Date.parse(r.at)) }))
    .filter((r) => Number.isFinite(r.ageMs) && r.ageMs <= REPORT_FRESH_MS);
  const windowOpen = (r: BudgetReport) => r.resetAt === undefined || Date.parse(r.resetAt) > now;
  const latest = workers.filter((r) => r.remaining !== undefined && windowOpen(r)).sort((a, b) => a.ageMs - b.ageMs)[0];
  const waiting = workers.filter((r) => r.queueDepth > 0);
  const health = credentialsHealth(status, now);
  const expiresAt = status.credentials?.expiresAt ? Date.parse(status.credentials.expiresAt) : NaN;
  if (Number.isFinite(expiresAt)) shipstationCredentialsExpiringSeconds.set({ account: status.accountId }, Math.round((expiresAt - now) / 1000));
  return {
    accountId: status.accountId,
    account: status.account,
    stores: status.stores,
    connectedStores: status.stores.length,
    callsInCurrentWindow: workers.filter(windowOpen).reduce((n, r) => n + r.callsInCurrentWindow, 0),
    ...(latest ? { remaining: latest.remaining, ...(latest.resetAt ? { resetAt: latest.resetAt } : {}) } : {}),
    ordersWaiting: waiting.reduce((n, r) => n + r.queueDepth, 0),
    // The oldest order was that old when its worker reported; it has waited since, if still waiting.
    oldestWaitingOrderMs: waiting.reduce((n, r) => Math.max(n, r.oldestWaitingMs + r.ageMs), 0),
    subscription: status.subscription,
    ...(status.lastReconciliation ? { lastReconciliation: status.lastReconciliation } : {}),
    notifications: status.notifications,
    workers,
    ...(status.owner ? { owner: status.owner } : {}),
    ...(status.ownerChanges !== undefined ? { ownerChanges: status.ownerChanges } : {}),
    credentialsHealth: health,
    ...(status.credentials ? { credentials: status.credentials } : {}),
  };
}

/** The ShipStation accounts the connector's stores use (admin): GET /accounts, GET /accounts/:accountId, PUT …/credentials. */
export function accountRoutes(opts: { accounts: AccountService; service: ConnectionService }): Router {
  const r = Router();
  const statusOf = (accountId: string) => opts.accounts.statusOf(accountId);

  r.get('/accounts', async (_req, res) => {
    const ids = await opts.accounts.runningAccountIds();
    const out: AccountView[] = [];
    const now = Date.now();
    // A few queries at a time: each one is a workflow task on a worker.
    for (let i = 0; i < ids.length; i += 20) {
      const batch = await Promise.all(ids.slice(i, i + 20).map((id) => statusOf(id).catch(() => undefined)));
      for (const s of batch) if (s) out.push(accountView(s, now));
    }
    res.json(out.sort((a, b) => a.accountId.localeCompare(b.accountId)));
  });

  r.get('/accounts/:accountId', async (req, res) => {
    const accountId = /^[0-9a-f]{16}$/.test(req.params.accountId) ? req.params.accountId : undefined;
    const status = accountId === undefined ? undefined : await statusOf(accountId);
    if (!status) {
      res.status(404).json({ error: 'not_found', message: 'no ShipStation account with connected stores by this ID' });
      return;
    }
    res.json(accountView(status));
  });

  // A new key pair for the account (an expired or revoked one, or a rotation): verified first, then the account
  // keeps its ID, stores, budget and history, and everything that waited for it goes on.
  r.put('/accounts/:accountId/credentials', async (req, res) => {
    const accountId = /^[0-9a-f]{16}$/.test(req.params.accountId) ? req.params.accountId : undefined;
    const parsed = replaceCredentialsSchema.safeParse(req.body);
    if (!parsed.success) {
      res.status(400).json({ error: 'invalid_body', fields: fieldErrors(parsed.error) });
      return;
    }
    if (!accountId) {
      res.status(404).json({ error: 'not_found', message: 'no ShipStation account with connected stores by this ID' });
      return;
    }
    try {
      const status = await opts.accounts.replaceCredentials(accountId, parsed.data, {
        by: 'operator',
        expiresAt: parsed.data.expiresAt,
        retryParked: (storeId) => opts.service.retryParkedShipments(storeId),
      });
      res.json(accountView(status));
    } catch (err) {
      if (err instanceof ConnectionRefused) {
        res.status(err.status).json({ error: err.code, message: err.message });
        return;
      }
      throw err;
    }
  });

  return r;
}
