/**
 * Tells each ShipStation account's workflow what this worker process holds for it: orders waiting, the age of the
 * oldest, calls made in the current window (the order batcher's and pacer's figures live in process memory, and
 * operators read them through `GET /accounts`). At most one `budgetReport` signal per account every 10 s, and only
 * while the account is busy here, plus a last one when it goes idle; an idle worker sends nothing.
 */
import { hostname } from 'node:os';
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { shipstationAccountWorkflowId } from '../domain/ids';
import type { Logger } from '../logging/logger';
import { budgetReportSignal, type BudgetReport } from '../workflows/definitions';
import { mapWithConcurrency } from './concurrency';
import { accountBudgetSnapshot, knownAccounts, type AccountBudgetSnapshot } from './order-batcher';

export const REPORT_EVERY_MS = 10_000;

export interface BudgetSource {
  /** This process's name in the reports (one process, one set of figures, whatever the number of workers in it). */
  worker: string;
  accounts: () => Iterable<string>;
  snapshot: (accountId: string) => AccountBudgetSnapshot;
}

function busy(s: AccountBudgetSnapshot): boolean {
  return s.queueDepth > 0 || s.callsInCurrentWindow > 0;
}

/**
 * One round of reports: every account busy here now, or busy at the last round (its idle report lets the
 * account's status drop this worker's figures). Returns the accounts busy now. An account without a workflow
 * (its stores have not joined yet) is skipped.
 */
export async function reportBudgets(client: Client, source: BudgetSource, wasBusy: ReadonlySet<string>, logger?: Logger): Promise<Set<string>> {
  const now = new Set<string>();
  const due: [string, AccountBudgetSnapshot][] = [];
  for (const accountId of new Set([...source.accounts(), ...wasBusy])) {
    const s = source.snapshot(accountId);
    if (busy(s)) now.add(accountId);
    if (busy(s) || wasBusy.has(accountId)) due.push([accountId, s]);
  }
  await mapWithConcurrency(due, 8, async ([accountId, s]) => {
    const report: BudgetReport = {
      worker: source.worker,
      at: new Date().toISOString(),
      queueDepth: s.queueDepth,
      oldestWaitingMs: s.oldestWaitingMs,
      callsInCurrentWindow: s.callsInCurrentWindow,
      ...(s.remaining !== undefined ? { remaining: s.remaining } : {}),
      ...(s.resetAt !== undefined ? { resetAt: s.resetAt } : {}),
    };
    await client.workflow
      .getHandle(shipstationAccountWorkflowId(accountId))
      .signal(budgetReportSignal, report)
      .catch((err: unknown) => {
        if (!(err instanceof WorkflowNotFoundError)) logger?.debug({ accountId, err: String(err) }, 'budget report not delivered');
      });
  });
  return now;
}

let running: { client: Client; logger?: Logger; timer: NodeJS.Timeout } | undefined;

/**
 * Starts this process's reporter (once; a later call only swaps the client, e.g. a test stack's new one). The
 * timer does not keep the process alive.
 */
export function startBudgetReporter(client: Client, logger?: Logger, everyMs = REPORT_EVERY_MS): void {
  if (running) {
    running.client = client;
    running.logger = logger;
    return;
  }
  const source: BudgetSource = { worker: `${hostname()}:${process.pid}`, accounts: knownAccounts, snapshot: accountBudgetSnapshot };
  let wasBusy = new Set<string>();
  let inRound = false;
  const timer = setInterval(() => {
    if (inRound || !running) return;
    inRound = true;
    reportBudgets(running.client, source, wasBusy, running.logger)
      .then((now) => (wasBusy = now))
      .catch((err: unknown) => running?.logger?.debug({ err: String(err) }, 'budget reports failed'))
      .finally(() => (inRound = false));
  }, everyMs);
  timer.unref();
  running = { client, logger, timer };
}

/** Stops this process's reporter (a test stack that is about to close its client: no report may use it after). */
export function stopBudgetReporter(): void {
  if (!running) return;
  clearInterval(running.timer);
  running = undefined;
}
