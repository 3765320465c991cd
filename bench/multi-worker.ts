/**
 * `npx tsx bench/multi-worker.ts [--quick] [--no-saturation]` (also run by `npm run bench`): the operator's
 * production shape on this machine. 3 worker processes (`npm run worker`) and 2 API processes (`npm run api`) on one
 * Temporal dev server; 3 ShipStation accounts (3 keys, 40 requests/min each, each key its own rolling 60 s window)
 * with 60 Ecwid stores each; 6 new orders a second for 90 s over random stores, each announced by a signed Ecwid
 * webhook to either API. Run twice: as is, and with the worker that owns the most accounts SIGKILLed 30 s in.
 * Then a label batch of 180 shipments over the 3 accounts, and one account's saturation.
 *
 * CPU is read from /proc for the processes that do the work (Temporal server, workers, APIs), not this launcher,
 * which only hosts the simulators.
 */
import { randomUUID } from 'node:crypto';
import { temporal } from '@temporalio/proto';
import { ecwidSignature } from '../src/api/routes/ecwid-webhooks';
import { shipstationAccountId } from '../src/activities/deps';
import { generateOrders } from '../src/simulators/ecwid/seed';
import { MP_ECWID_SECRET, startMultiProcessStack, type MultiProcessStack } from '../src/stack/multi-process';
import { eventually } from '../src/stack/local-stack';
import type { AccountView } from '../src/api/routes/accounts';
import { commOf, cpuTicks, processTree, threadTicks } from './proc';
import { summarize } from './cpu-profile-summary';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';

const quick = process.argv.includes('--quick');
const withSaturation = !process.argv.includes('--no-saturation');
/** `--kill-only`: the scenario with the SIGKILL only (the handover's tail, measured again without the rest). */
const killOnly = process.argv.includes('--kill-only');
/** `--trace`: with the kill, print the store workflow's history around the three slowest orders (times from the kill). */
const trace = process.argv.includes('--trace');
/** `--profile`: the scenario without the kill only, with the workers under `node --cpu-prof` (see cpu-profile-summary.ts). */
const profile = process.argv.includes('--profile');
const PROFILE_DIR = join(__dirname, '..', '.data', 'profiles');
const ACCOUNTS = 3;
const STORES_PER_ACCOUNT = quick ? 20 : 60;
const WORKERS = 3;
const APIS = 2;
const PER_SECOND = 6;
const SECONDS = quick ? 40 : 90;
const KILL_AT_S = quick ? 15 : 30;
const LABELS = 180;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const pct = (xs: number[], p: number) => {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)];
};
const log = (m: string) => console.log(`[multi-worker] ${m}`);

interface Setup {
  stack: MultiProcessStack;
  storesOf: Map<string, number[]>; // apiKey → stores
  keyOfStore: Map<number, string>;
}

async function setUp(): Promise<Setup> {
  if (profile) {
    rmSync(PROFILE_DIR, { recursive: true, force: true });
    mkdirSync(PROFILE_DIR, { recursive: true });
  }
  const stack = await startMultiProcessStack({
    workers: WORKERS,
    apis: APIS,
    accounts: ACCOUNTS,
    ...(profile ? { workerNodeFlags: ['--cpu-prof', `--cpu-prof-dir=${PROFILE_DIR}`] } : {}),
  });
  try {
    return await connectStores(stack);
  } catch (err) {
    await stack.stop(); // leave no process behind
    throw err;
  }
}

async function connectStores(stack: MultiProcessStack): Promise<Setup> {
  const storesOf = new Map<string, number[]>();
  const keyOfStore = new Map<number, string>();
  let storeId = 20_000;
  for (const a of stack.accounts) {
    const ids: number[] = [];
    for (let i = 0; i < STORES_PER_ACCOUNT; i++) {
      const id = ++storeId;
      stack.ecwid.addStore({ storeId: id, token: `secret_mw_${id}`, plan: 'VENTURE' });
      await stack.service.connect({ ecwidStoreId: id, ecwidAccessToken: `secret_mw_${id}`, shipstationApiKey: a.apiKey, shipstationApiSecret: a.apiSecret });
      ids.push(id);
      keyOfStore.set(id, a.apiKey);
    }
    storesOf.set(a.apiKey, ids);
  }
  // Every account has an owner before the load starts (onboarding is not what is measured here).
  for (const a of stack.accounts) {
    await eventually(async () => (await stack.api<AccountView>(0, `/accounts/${shipstationAccountId(a.apiKey)}`)).owner, 120_000, 500);
  }
  return { stack, storesOf, keyOfStore };
}

/** The processes that do the connector's work, by kind: the Temporal server, the workers and the APIs (whole trees). */
function stackPidsByKind(s: MultiProcessStack): Record<'temporal' | 'workers' | 'apis', number[]> {
  return {
    temporal: processTree(process.pid).filter((p) => commOf(p) === 'temporal'),
    workers: s.workers.flatMap((c) => (c?.pid ? processTree(c.pid) : [])),
    apis: s.apis.flatMap((a) => (a.proc.pid ? processTree(a.proc.pid) : [])),
  };
}
const ticksByKind = (s: MultiProcessStack) => {
  const by = stackPidsByKind(s);
  return { temporal: sumTicks(by.temporal), workers: sumTicks(by.workers), apis: sumTicks(by.apis) };
};
const sumTicks = (pids: number[]) => pids.reduce((t, p) => t + cpuTicks(p), 0);

/** The worker process (index) whose tree holds the pid an account's owner reports (`host:pid`). */
function workerIndexOf(s: MultiProcessStack, owner: string | undefined): number | undefined {
  const pid = Number(owner?.split(':').pop());
  const i = s.workers.findIndex((w) => w?.pid && processTree(w.pid).includes(pid));
  return i >= 0 ? i : undefined;
}

/** CPU the stack spends per second while no order comes (ms of CPU per second of wall time). */
async function idleCpu(s: MultiProcessStack, seconds: number): Promise<Record<string, number>> {
  const t0 = ticksByKind(s);
  const start = Date.now();
  await sleep(seconds * 1000);
  const t1 = ticksByKind(s);
  const wall = (Date.now() - start) / 1000;
  const per = (k: 'temporal' | 'workers' | 'apis') => Number((((t1[k] - t0[k]) * 10) / wall).toFixed(1));
  return { temporal: per('temporal'), workers: per('workers'), apis: per('apis'), total: Number((per('temporal') + per('workers') + per('apis')).toFixed(1)) };
}

interface LoadResult {
  orders: number;
  delivered: number;
  p50: number;
  p90: number;
  p99: number;
  rateLimited: number;
  createCalls: number;
  ordersPerCall: number;
  writtenTwice: number;
  wrongAccount: number;
  cpuMsPerOrder: number;
  cpuMsPerOrderByKind: Record<string, number>;
  workerCpuMsPerOrderByThread: Record<string, number>;
  killed?: { worker: number; accountsOwned: number; atS: number };
  /** Orders that took more than 5 s, by when they were sent relative to the kill (s) and whose owner died. */
  slow?: { count: number; sentAfterKillS: number[]; latencyS: number[]; ofKilledOwner: number };
  /** For each account whose owner was killed: when (s after the kill) its new owner took the lease, and made its first `createorders`. */
  handover?: { newOwnerAfterS?: number; firstCreateAfterS?: number }[];
}

async function webhookLoad(setup: Setup, opts: { perSecond: number; seconds: number; killAtS?: number; onlyKey?: string; seed: number }): Promise<LoadResult> {
  const { stack, storesOf, keyOfStore } = setup;
  const stores = opts.onlyKey ? storesOf.get(opts.onlyKey)! : [...keyOfStore.keys()];
  const n = Math.round(opts.perSecond * opts.seconds);
  const gapMs = 1000 / opts.perSecond;
  const orders = generateOrders(n, opts.seed).map((o) => ({
    ...o,
    paymentStatus: 'PAID' as const,
    fulfillmentStatus: 'AWAITING_PROCESSING' as const,
    createTimestamp: Math.floor(Date.now() / 1000) - 60,
  }));
  const ticks0 = ticksByKind(stack);
  const workerPids = () => stack.workers.flatMap((c) => (c?.pid ? processTree(c.pid) : []));
  const threads0 = threadTicks(workerPids());
  const sent = new Map<string, { at: number; apiKey: string }>();
  const reqs0 = stack.shipstation.requests.entries.length;
  const attempts0 = stack.shipstation.creationAttempts.length;
  let rnd = opts.seed;
  const next = () => (rnd = (rnd * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
  const deliveries: Promise<unknown>[] = [];
  let killed: LoadResult['killed'];
  let victimKeys = new Set<string>();
  let killedAt = 0;
  let deadTicks = 0;
  const t0 = Date.now();
  for (let i = 0; i < n; i++) {
    const due = t0 + i * gapMs;
    if (due > Date.now()) await sleep(due - Date.now());
    if (opts.killAtS !== undefined && !killed && Date.now() - t0 >= opts.killAtS * 1000) {
      // SIGKILL the worker that owns the most accounts: the worst case for the handover.
      const owners = await Promise.all(stack.accounts.map((a) => stack.api<AccountView>(0, `/accounts/${shipstationAccountId(a.apiKey)}`)));
      const counts = new Map<number, number>();
      for (const o of owners) {
        const w = workerIndexOf(stack, o.owner?.worker);
        if (w !== undefined) counts.set(w, (counts.get(w) ?? 0) + 1);
      }
      const [victim, owned] = [...counts.entries()].sort((a, b) => b[1] - a[1])[0] ?? [0, 0];
      victimKeys = new Set(stack.accounts.filter((_, j) => workerIndexOf(stack, owners[j].owner?.worker) === victim).map((a) => a.apiKey));
      const tree = processTree(stack.workers[victim]!.pid!);
      deadTicks = tree.reduce((t, p) => t + cpuTicks(p), 0); // its CPU until the kill still counts
      await stack.killWorker(victim);
      killedAt = Date.now();
      killed = { worker: victim, accountsOwned: owned, atS: (Date.now() - t0) / 1000 };
      log(`  SIGKILLed worker ${victim} (owner of ${owned} account(s)) at ${killed.atS.toFixed(1)} s`);
    }
    const storeId = stores[Math.floor(next() * stores.length)];
    const saved = stack.ecwid.upsertOrder(storeId, orders[i]);
    sent.set(`ecwid-${storeId}-${saved.id}`, { at: Date.now(), apiKey: keyOfStore.get(storeId)! });
    const body = { eventId: randomUUID(), eventCreated: Math.floor(Date.now() / 1000), storeId, eventType: 'order.created', data: { orderId: saved.id } };
    deliveries.push(
      fetch(`${stack.apis[i % stack.apis.length].url}/webhooks/ecwid`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'X-Ecwid-Webhook-Signature': ecwidSignature(MP_ECWID_SECRET, body.eventCreated, body.eventId) },
        body: JSON.stringify(body),
      }).then((r) => r.arrayBuffer()),
    );
  }
  await Promise.all(deliveries);
  const created = new Map<string, number>();
  await eventually(
    () => {
      for (const a of stack.shipstation.creationAttempts.slice(attempts0)) if (sent.has(a.orderKey) && !created.has(a.orderKey) && a.outcome === 'created') created.set(a.orderKey, a.at);
      return created.size >= sent.size;
    },
    120_000,
    250,
  ).catch(() => undefined);
  const ticks1 = ticksByKind(stack);
  // Where the workers' CPU went, by thread (the SDK's Rust core runs on its own threads, invisible to a JS profile).
  const threads1 = threadTicks(workerPids());
  const workerThreads = Object.fromEntries(
    [...threads1.entries()]
      .map(([name, t]) => [name, Number((((t - (threads0.get(name) ?? 0)) * 10) / Math.max(1, sent.size)).toFixed(1))] as const)
      .filter(([, ms]) => ms > 0.1)
      .sort((a, b) => b[1] - a[1]),
  );
  // Ticks are 10 ms. A killed worker's CPU until the kill still counts.
  const cpuMs = {
    temporal: (ticks1.temporal - ticks0.temporal) * 10,
    workers: (ticks1.workers + deadTicks - ticks0.workers) * 10,
    apis: (ticks1.apis - ticks0.apis) * 10,
  };
  const cpuTicksUsed = (cpuMs.temporal + cpuMs.workers + cpuMs.apis) / 10;
  const attempts = stack.shipstation.creationAttempts.slice(attempts0).filter((a) => sent.has(a.orderKey));
  const perKey = new Map<string, number>();
  for (const a of attempts) perKey.set(a.orderKey, (perKey.get(a.orderKey) ?? 0) + 1);
  const lat = [...created.entries()].map(([k, at]) => at - sent.get(k)!.at);
  const slowOnes = [...created.entries()].filter(([k, at]) => at - sent.get(k)!.at > 5_000).sort((a, b) => sent.get(a[0])!.at - sent.get(b[0])!.at);
  const slow = killed
    ? {
        count: slowOnes.length,
        sentAfterKillS: slowOnes.map(([k]) => Number(((sent.get(k)!.at - killedAt) / 1000).toFixed(1))),
        latencyS: slowOnes.map(([k, at]) => Number(((at - sent.get(k)!.at) / 1000).toFixed(1))),
        ofKilledOwner: slowOnes.filter(([k]) => victimKeys.has(sent.get(k)!.apiKey)).length,
        // Orders written more than once: when each write arrived (s after the kill), and how it was answered.
        twice: [...perKey.entries()]
          .filter(([, c]) => c > 1)
          .map(([k]) => ({ k, writes: attempts.filter((a) => a.orderKey === k).map((a) => `${((a.at - killedAt) / 1000).toFixed(1)}:${a.outcome}`), sentS: Number(((sent.get(k)!.at - killedAt) / 1000).toFixed(1)) })),
      }
    : undefined;
  if (killed && trace) {
    const slowest = [...created.entries()].sort((a, b) => b[1] - sent.get(b[0])!.at - (a[1] - sent.get(a[0])!.at)).slice(0, 3);
    const twice = [...perKey.entries()].filter(([, c]) => c > 1).slice(0, 2).map(([k]) => [k, attempts.filter((a) => a.orderKey === k).pop()!.at] as const);
    for (const [k, at] of [...slowest, ...twice]) {
      const storeId = Number(k.split('-')[1]);
      const from = sent.get(k)!.at;
      const history = await stack.client.workflow.getHandle(`store-sync:${storeId}`).fetchHistory();
      const rel = (ms: number) => ((ms - killedAt) / 1000).toFixed(2);
      const lines = (history.events ?? [])
        .filter((e) => {
          const t = Number(e.eventTime?.seconds ?? 0) * 1000 + Math.floor((e.eventTime?.nanos ?? 0) / 1e6);
          return t >= from - 3_000 && t <= at + 1_000;
        })
        .map((e) => {
          const t = Number(e.eventTime?.seconds ?? 0) * 1000 + Math.floor((e.eventTime?.nanos ?? 0) / 1e6);
          const a = e.activityTaskScheduledEventAttributes;
          const st = e.activityTaskStartedEventAttributes;
          const wt = e.workflowTaskStartedEventAttributes;
          const extra = a ? ` ${a.activityType?.name} on ${a.taskQueue?.name}` : st ? ` attempt ${st.attempt} by ${st.identity}` : wt ? ` by ${wt.identity}` : '';
          return `    ${rel(t)} s ${temporal.api.enums.v1.EventType[e.eventType ?? 0]}${extra}`;
        });
      log(`  trace of ${k}: sent at ${rel(from)} s, created at ${rel(at)} s\n${lines.join('\n')}`);
    }
  }
  const handover = killed
    ? await Promise.all(
        stack.accounts
          .filter((a) => victimKeys.has(a.apiKey))
          .map(async (a) => {
            const view = await stack.api<AccountView>(0, `/accounts/${shipstationAccountId(a.apiKey)}`);
            const since = view.owner?.since ? Date.parse(view.owner.since) : NaN;
            const first = stack.shipstation.creationAttempts.slice(attempts0).find((c) => c.at >= killedAt && c.apiKey === a.apiKey);
            return {
              newOwnerAfterS: Number(((since - killedAt) / 1000).toFixed(1)),
              ...(first ? { firstCreateAfterS: Number(((first.at - killedAt) / 1000).toFixed(1)) } : {}),
            };
          }),
      )
    : undefined;
  const reqs = stack.shipstation.requests.entries.slice(reqs0);
  const creates = reqs.filter((r) => r.method === 'POST' && r.path === '/orders/createorders' && r.status === 200);
  return {
    orders: n,
    delivered: created.size,
    p50: pct(lat, 50),
    p90: pct(lat, 90),
    p99: pct(lat, 99),
    rateLimited: reqs.filter((r) => r.status === 429).length,
    createCalls: creates.length,
    ordersPerCall: creates.length > 0 ? created.size / creates.length : 0,
    writtenTwice: [...perKey.values()].filter((c) => c > 1).length,
    wrongAccount: attempts.filter((a) => a.apiKey !== sent.get(a.orderKey)!.apiKey).length,
    cpuMsPerOrder: created.size > 0 ? (cpuTicksUsed * 10) / created.size : NaN,
    workerCpuMsPerOrderByThread: workerThreads,
    cpuMsPerOrderByKind: Object.fromEntries(Object.entries(cpuMs).map(([k, v]) => [k, Number((v / Math.max(1, created.size)).toFixed(1))])),
    ...(killed ? { killed } : {}),
    ...(slow ? { slow, handover } : {}),
  };
}

/** 180 labels over the 3 accounts (60 each, one batch and one SHIP_NOTIFY per account), written back to Ecwid. */
async function labelBatch(setup: Setup) {
  const { stack, storesOf } = setup;
  const reqs0 = stack.shipstation.requests.entries.length;
  const picked: { apiKey: string; orderKey: string; storeId: number; orderId: string }[] = [];
  for (const a of stack.accounts) {
    const keys = [...stack.shipstation.ordersByKey(a.apiKey).values()].filter((o) => o.orderStatus === 'awaiting_shipment').map((o) => o.orderKey);
    for (const k of keys.slice(0, LABELS / ACCOUNTS)) {
      const [, store, ...rest] = k.split('-');
      if (storesOf.get(a.apiKey)!.includes(Number(store))) picked.push({ apiKey: a.apiKey, orderKey: k, storeId: Number(store), orderId: rest.join('-') });
    }
  }
  const t0 = Date.now();
  for (const a of stack.accounts) {
    const mine = picked.filter((p) => p.apiKey === a.apiKey);
    const batchId = 700_000 + Math.floor(Math.random() * 1000);
    for (const [i, p] of mine.entries()) await stack.shipstation.createLabel(a.apiKey, p.orderKey, { batchId, notify: i === mine.length - 1, trackingNumber: `MW-${p.orderKey}` });
  }
  const done = new Set<string>();
  await eventually(
    () => {
      for (const p of picked) if (!done.has(p.orderKey) && stack.ecwid.getOrder(p.storeId, p.orderId)?.trackingNumber === `MW-${p.orderKey}`) done.add(p.orderKey);
      return done.size >= picked.length;
    },
    180_000,
    250,
  ).catch(() => undefined);
  const seconds = (Date.now() - t0) / 1000;
  const calls = stack.shipstation.requests.entries.slice(reqs0).filter((r) => r.at >= t0);
  const byEndpoint: Record<string, number> = {};
  for (const r of calls) byEndpoint[`${r.method} ${r.path}`] = (byEndpoint[`${r.method} ${r.path}`] ?? 0) + 1;
  return { labels: picked.length, written: done.size, seconds, calls: calls.length, byEndpoint };
}

export async function multiWorker(): Promise<Record<string, unknown>> {
  const results: Record<string, unknown> = {};
  for (const kill of profile ? [false] : killOnly ? [true] : [false, true]) {
    log(`${kill ? 'with' : 'without'} a SIGKILL: ${WORKERS} workers, ${APIS} APIs, ${ACCOUNTS} accounts × ${STORES_PER_ACCOUNT} stores, ${PER_SECOND} orders/s for ${SECONDS} s…`);
    const setup = await setUp();
    try {
      // What the stack spends doing nothing (pollers, lease heartbeats, timers), to tell it from what an order costs.
      const idle = kill ? undefined : await idleCpu(setup.stack, quick ? 10 : 30);
      const r = await webhookLoad(setup, { perSecond: PER_SECOND, seconds: SECONDS, killAtS: kill ? KILL_AT_S : undefined, seed: kill ? 77 : 76 });
      log(`  ${JSON.stringify(r)}`);
      if (!kill) {
        Object.assign(results, {
          multi_worker_webhook_p50_ms: r.p50,
          multi_worker_webhook_p90_ms: r.p90,
          multi_worker_webhook_p99_ms: r.p99,
          multi_worker_delivered: `${r.delivered}/${r.orders}`,
          multi_worker_429s: r.rateLimited,
          multi_worker_orders_per_createorders: Number(r.ordersPerCall.toFixed(2)),
          multi_worker_written_twice: r.writtenTwice,
          multi_worker_wrong_account: r.wrongAccount,
          stack_cpu_ms_per_order: Number(r.cpuMsPerOrder.toFixed(1)),
          stack_cpu_ms_per_order_by_process: r.cpuMsPerOrderByKind,
          worker_cpu_ms_per_order_by_thread: r.workerCpuMsPerOrderByThread,
          stack_idle_cpu_ms_per_s: idle,
          // The load ran SECONDS at PER_SECOND orders a second: take away what idling would have cost meanwhile.
          stack_cpu_ms_per_order_above_idle: idle !== undefined ? Number((r.cpuMsPerOrder - idle.total / PER_SECOND).toFixed(1)) : undefined,
        });
        if (profile) {
          // A profile is written when the process exits normally: stop the workers gently.
          await Promise.all(setup.stack.workers.map((_, i) => setup.stack.killWorker(i, 'SIGTERM')));
          await sleep(5_000); // the worker (a child of tsx) writes its profile as it exits
          const summary = summarize(PROFILE_DIR);
          log(`worker CPU profile (${PROFILE_DIR}): ${JSON.stringify(summary, null, 2)}`);
          return { ...results, worker_cpu_profile: summary };
        }
        log(`label batch: ${LABELS} labels over ${ACCOUNTS} accounts…`);
        const labels = await labelBatch(setup);
        log(`  ${JSON.stringify(labels)}`);
        Object.assign(results, {
          multi_worker_label_batch_written: `${labels.written}/${labels.labels}`,
          multi_worker_label_batch_seconds: Number(labels.seconds.toFixed(1)),
          multi_worker_label_batch_shipstation_calls: labels.calls,
        });
        if (withSaturation) {
          // One account, its 60 stores, well past what ShipStation allows it (4,000 orders a minute).
          const perSecond = quick ? 40 : 75;
          const seconds = quick ? 30 : 60;
          log(`saturation: one account, ${perSecond} orders/s for ${seconds} s…`);
          const s = await webhookLoad(setup, { perSecond, seconds, onlyKey: setup.stack.accounts[0].apiKey, seed: 78 });
          log(`  ${JSON.stringify(s)}`);
          // Orders created per minute while they were arriving and being created (first to last creation).
          const created = setup.stack.shipstation.creationAttempts.filter((a) => a.outcome === 'created' && a.apiKey === setup.stack.accounts[0].apiKey);
          const recent = created.slice(-s.delivered);
          const spanMin = recent.length > 1 ? (recent[recent.length - 1].at - recent[0].at) / 60_000 : NaN;
          Object.assign(results, {
            one_account_saturation_offered_per_min: perSecond * 60,
            one_account_saturation_orders_per_min: Math.round(recent.length / spanMin),
            one_account_saturation_p99_ms: s.p99,
            one_account_saturation_cpu_ms_per_order: Number(s.cpuMsPerOrder.toFixed(1)),
            one_account_saturation_cpu_ms_per_order_by_process: s.cpuMsPerOrderByKind,
            one_account_saturation_429s: s.rateLimited,
          });
        }
      } else {
        Object.assign(results, {
          multi_worker_killed_p50_ms: r.p50,
          multi_worker_killed_p90_ms: r.p90,
          multi_worker_killed_p99_ms: r.p99,
          multi_worker_killed_delivered: `${r.delivered}/${r.orders}`,
          multi_worker_killed_429s: r.rateLimited,
          multi_worker_killed_written_twice: r.writtenTwice,
          multi_worker_killed_orders_per_createorders: Number(r.ordersPerCall.toFixed(2)),
        });
      }
    } finally {
      await setup.stack.stop();
    }
  }
  return results;
}

if (require.main === module) {
  multiWorker().then(
    (r) => {
      console.log(JSON.stringify(r, null, 2));
      process.exit(0);
    },
    (err) => {
      console.error(err);
      process.exit(1);
    },
  );
}
