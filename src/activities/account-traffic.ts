/**
 * The lease on a ShipStation account's traffic. ShipStation's budget (40 calls a minute) belongs to the account,
 * and so do its cross-store batches, its priorities and its fairness between stores: they live in the memory of
 * ONE worker process at a time, the account's owner.
 *
 * The account's workflow runs `ownAccountTraffic`, a long-running activity that any worker may pick up. The worker
 * that runs it polls the account's own task queue (`shipstationAccountTaskQueue`) for as long as the activity
 * lives, so every activity that calls ShipStation for the account (imports, SHIP_NOTIFY reads, reconciliation,
 * subscriptions) runs there, through that process's order batcher and pacer. The activity heartbeats every second
 * with what the budget spent in the current window; if the owner dies, its heartbeat stops, Temporal retries the
 * activity on another worker after the 5 s heartbeat timeout, and the retry reads the last heartbeat's spending
 * (`heartbeatDetails`): the handover never exceeds the budget and pauses no longer than the timeout.
 */
import { ApplicationFailure, Context } from '@temporalio/activity';
import { WorkflowNotFoundError } from '@temporalio/client';
import { adoptBudgetLease, budgetLeaseOf, type BudgetLease } from '../clients/rate-pacer';
import { shipstationAccountTaskQueue, shipstationAccountWorkflowId } from '../domain/ids';
import { accountOwnerSignal } from '../workflows/definitions';
import { adoptAccountFacts, knownAccountFacts, type AccountFacts } from './account';
import { heartbeat, type ActivityDeps } from './deps';
import { temporal } from './shipments';

/** How often the owner records its spending (the heartbeat the next owner starts from). */
export const LEASE_HEARTBEAT_MS = 1_000;

/**
 * What the lease's heartbeat carries to the next owner: the budget spent, and what the account's workflow last said
 * (its pair, whether it is refused). With the latter the next owner serves the account's imports at once, instead of
 * asking a workflow whose worker may be the one that just died (encrypted like every payload).
 */
type LeaseHeartbeat = BudgetLease & { facts?: AccountFacts };

export interface AccountTrafficInput {
  accountId: string;
  /** What the previous lease spent (handed over by the account's previous run). */
  lease?: BudgetLease;
}

/** Waits `ms`, or less if `signal` aborts; leaves no listener behind (the lease waits every second for days). */
function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(t);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const t = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}

/**
 * Holds the account's lease until cancelled (the account's run ends or its last store left) or this process dies.
 * Returns what the budget spent, for the account's next run.
 */
export async function ownAccountTraffic(deps: ActivityDeps, input: AccountTrafficInput): Promise<BudgetLease> {
  const host = deps.accountTraffic;
  if (!host) throw new Error('this worker process does not serve ShipStation accounts');
  const ctx = Context.current();
  // A retry after the owner died starts from its last heartbeat; a first attempt from the previous run's lease.
  const handedOver = ctx.info.heartbeatDetails as LeaseHeartbeat | undefined;
  const previous = handedOver ?? input.lease;
  adoptBudgetLease(input.accountId, previous);
  adoptAccountFacts(input.accountId, handedOver?.facts);
  const taskQueue = shipstationAccountTaskQueue(deps.taskQueue ?? 'ecwid-shipstation', input.accountId);
  const handOver = (spent: BudgetLease): LeaseHeartbeat => {
    const facts = knownAccountFacts(input.accountId);
    return facts ? { ...spent, facts } : spent;
  };
  heartbeat(handOver(budgetLeaseOf(input.accountId)));
  const serving = await host.serve(input.accountId);
  try {
    await temporal(deps)
      .workflow.getHandle(shipstationAccountWorkflowId(input.accountId))
      .signal(accountOwnerSignal, { worker: host.workerName, since: new Date().toISOString(), taskQueue })
      .catch((err: unknown) => {
        if (!(err instanceof WorkflowNotFoundError)) deps.logger.warn({ accountId: input.accountId, err: String(err) }, 'could not announce the account owner');
      });
    deps.logger.info({ accountId: input.accountId, attempt: ctx.info.attempt }, 'serving the ShipStation account');
    while (!ctx.cancellationSignal.aborted) {
      heartbeat(handOver(budgetLeaseOf(input.accountId)));
      await sleep(LEASE_HEARTBEAT_MS, ctx.cancellationSignal);
    }
  } finally {
    await serving.stop();
  }
  const spent = budgetLeaseOf(input.accountId);
  // Asked by the account's workflow (a new run, or the last store left): what was spent goes to the next run.
  if (ctx.cancellationDetails?.cancelRequested) return spent;
  // This worker is shutting down (a deploy) or lost the lease: fail, so that Temporal retries the lease on another
  // worker at once, from the last heartbeat's spending.
  heartbeat(handOver(spent));
  throw ApplicationFailure.retryable('the account owner stopped serving (worker shutdown or lost lease)', 'AccountOwnerStopped');
}
