/**
 * Where a webhook's latency goes, in the agency scenario: 1,000 stores on one key, a steady webhook load.
 * For each order, from the simulators' logs: webhook sent → acknowledged by the API → the order read from
 * Ecwid (the import activity started) → the `createorders` call carrying it arrived at ShipStation.
 *
 *   npx tsx bench/latency-probe.ts [--worker-process] [--stores N] [--per-min N] [--seconds N]
 *
 * `--worker-process` runs the worker as `npm run worker` does, in its own process, as in production.
 */
import { generateOrders } from '../src/simulators/ecwid/seed';
import { eventually, startTestStack } from '../src/stack/local-stack';
import { killWorkerProcess } from '../src/stack/worker-process';
import { pct } from './many-stores';
import { cpuMeter, processTree, workerProcessFor } from './proc';

const arg = (name: string, dflt: number) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
};
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function main() {
  const stores = arg('--stores', 1000);
  const perMin = arg('--per-min', 1000);
  const seconds = arg('--seconds', 60);
  const separate = process.argv.includes('--worker-process');
  const stack = await startTestStack({ rateLimitWindowMs: 60_000 });
  let worker: Awaited<ReturnType<typeof workerProcessFor>> | undefined;
  try {
    if (separate) {
      worker = await workerProcessFor(stack, {
        ...(process.env.PROBE_SS_RPM ? { SHIPSTATION_REQUESTS_PER_MINUTE: process.env.PROBE_SS_RPM } : {}),
        ...(process.env.PROBE_CACHE ? { WORKER_MAX_CACHED_WORKFLOWS: process.env.PROBE_CACHE } : {}),
      });
    }
    const ids = Array.from({ length: stores }, (_, i) => 300_000 + i);
    for (const id of ids) stack.ecwid.addStore({ storeId: id, token: `secret_probe_${id}`, plan: 'VENTURE' });
    const before = stack.ecwid.requests.filter('GET', /\/orders$/).length;
    for (let i = 0; i < ids.length; i += 25)
      await Promise.all(ids.slice(i, i + 25).map((id) => stack.api('/connections', { method: 'POST', body: JSON.stringify({ ecwidStoreId: id, ecwidAccessToken: `secret_probe_${id}` }) })));
    await eventually(() => stack.ecwid.requests.filter('GET', /\/orders$/).length - before >= ids.length, 15 * 60_000, 1000);
    await sleep(5000);
    console.log(`onboarded ${stores} stores${separate ? ' (worker in its own process)' : ''}`);

    const n = Math.round((perMin / 60) * seconds);
    const orders = generateOrders(n, 5).map((o) => ({ ...o, paymentStatus: 'PAID' as const, fulfillmentStatus: 'AWAITING_PROCESSING' as const, createTimestamp: Math.floor(Date.now() / 1000) - 60 }));
    const sent = new Map<string, { store: number; id: string; at: number; ack?: number }>();
    const workerCpu = worker ? cpuMeter(processTree(worker.pid!)) : () => NaN;
    const cpu0 = process.cpuUsage();
    const t0 = Date.now();
    const acks: Promise<unknown>[] = [];
    for (let i = 0; i < n; i++) {
      const due = t0 + (i * 60_000) / perMin;
      if (due > Date.now()) await sleep(due - Date.now());
      const store = ids[Math.floor(Math.random() * ids.length)];
      const saved = stack.ecwid.upsertOrder(store, orders[i]);
      const rec = { store, id: String(saved.id), at: Date.now() } as { store: number; id: string; at: number; ack?: number };
      sent.set(`ecwid-${store}-${saved.id}`, rec);
      acks.push(stack.ecwid.sendWebhook(store, 'order.created', { orderId: saved.id }).then(() => (rec.ack = Date.now())));
    }
    await Promise.all(acks);
    const created = new Map<string, number>();
    await eventually(() => {
      for (const a of stack.shipstation.creationAttempts) if (sent.has(a.orderKey) && !created.has(a.orderKey)) created.set(a.orderKey, a.at);
      return created.size >= sent.size;
    }, 120_000).catch(() => undefined);
    // First Ecwid read of each order (by ID) after its webhook.
    const fetched = new Map<string, number>();
    for (const r of stack.ecwid.requests.entries) {
      if (r.at < t0 || r.method !== 'GET') continue;
      const m = /\/(\d+)\/orders$/.exec(r.path);
      if (!m || typeof r.query.ids !== 'string') continue;
      for (const id of r.query.ids.split(',')) {
        const key = `ecwid-${m[1]}-${id}`;
        if (sent.has(key) && !fetched.has(key)) fetched.set(key, r.at);
      }
    }
    const col = (f: (k: string, s: { at: number; ack?: number }) => number | undefined) =>
      [...sent.entries()].map(([k, s]) => f(k, s)).filter((x): x is number => typeof x === 'number' && Number.isFinite(x));
    const row = (name: string, xs: number[]) => console.log(`${name.padEnd(34)} p50 ${String(pct(xs, 50)).padStart(6)}  p90 ${String(pct(xs, 90)).padStart(6)}  p99 ${String(pct(xs, 99)).padStart(6)}  (n=${xs.length})`);
    row('webhook → API acknowledged', col((_, s) => (s.ack ?? NaN) - s.at));
    row('webhook → order read from Ecwid', col((k, s) => (fetched.get(k) ?? NaN) - s.at));
    row('read from Ecwid → createorders', col((k) => (created.get(k) ?? NaN) - (fetched.get(k) ?? NaN)));
    row('webhook → createorders (the figure)', col((k, s) => (created.get(k) ?? NaN) - s.at));
    if (process.env.PROBE_BREAKDOWN) {
      // For a sample of orders, from their store's history: when the hint reached the store's workflow, when that
      // workflow scheduled the import, and when the import activity started.
      const sample = [...sent.entries()].filter((_, i) => i % Math.ceil(sent.size / Number(process.env.PROBE_BREAKDOWN)) === 0);
      const sig: number[] = [];
      const sched: number[] = [];
      const started: number[] = [];
      const ms = (e: { eventTime?: { seconds?: unknown; nanos?: number | null } | null }) =>
        Number(e.eventTime?.seconds ?? 0) * 1000 + Math.round((e.eventTime?.nanos ?? 0) / 1e6);
      for (const [, o] of sample) {
        const events = (await stack.client.workflow.getHandle(`store-sync:${o.store}`).fetchHistory()).events ?? [];
        const i = events.findIndex((e) => ms(e) >= o.at && e.workflowExecutionSignaledEventAttributes?.signalName === 'syncNow');
        if (i < 0) continue;
        sig.push(ms(events[i]) - o.at);
        const j = events.findIndex((e, k) => k > i && e.activityTaskScheduledEventAttributes?.activityType?.name === 'importOrders');
        if (j < 0) continue;
        sched.push(ms(events[j]) - o.at);
        const k = events.findIndex((e, n) => n > j && e.activityTaskStartedEventAttributes);
        if (k >= 0) started.push(ms(events[k]) - o.at);
      }
      row('webhook → signal in store workflow', sig);
      row('webhook → import scheduled', sched);
      row('webhook → import activity started', started);
    }
    if (process.env.PROBE_HISTORY) {
      // The slowest order's store: what its workflow did meanwhile (event types and times after the webhook).
      const [slowKey, slow] = [...sent.entries()].sort((a, b) => (created.get(b[0]) ?? 0) - b[1].at - ((created.get(a[0]) ?? 0) - a[1].at))[0];
      console.log(`slowest: ${slowKey}, sent at +${slow.at - t0} ms, created after ${(created.get(slowKey) ?? NaN) - slow.at} ms`);
      const history = await stack.client.workflow.getHandle(`store-sync:${slow.store}`).fetchHistory();
      for (const e of history.events ?? []) {
        const at = Number(e.eventTime?.seconds ?? 0) * 1000 + Math.round((e.eventTime?.nanos ?? 0) / 1e6);
        if (at < slow.at - 1000) continue;
        const attrs = e.activityTaskScheduledEventAttributes;
        console.log(`  +${at - slow.at} ms  ${String(e.eventType)}${attrs ? ` ${attrs.activityType?.name}` : ''}${e.workflowExecutionSignaledEventAttributes ? ` ${e.workflowExecutionSignaledEventAttributes.signalName}` : ''}`);
      }
    }
    const calls = stack.shipstation.requests.entries.filter((r) => r.at >= t0 && r.path === '/orders/createorders');
    if (process.env.PROBE_CALLS) {
      // Every ShipStation call from the load's start: when, what, how many orders.
      for (const r of stack.shipstation.requests.entries.filter((e) => e.at >= t0))
        console.log(`  +${r.at - t0} ms ${r.method} ${r.path} ${r.status}${Array.isArray(r.body) ? ` ${r.body.length} orders` : ''}`);
    }
    const own = process.cpuUsage(cpu0);
    console.log(`${created.size}/${n} created in ${calls.length} createorders calls (${calls.filter((c) => c.status === 429).length} × 429); CPU: worker ${workerCpu()} %, this process ${Math.round(((own.user + own.system) / 1000 / (Date.now() - t0)) * 100)} % of a core`);
  } finally {
    if (worker) await killWorkerProcess(worker, 'SIGTERM');
    await stack.stop();
  }
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
