/**
 * The agency scenario of issue 10: many Ecwid stores on ONE ShipStation account (40 requests/min per key).
 * Every figure comes from the simulators' request logs (what actually arrived), never from the connector itself.
 */
import { generateOrders } from '../src/simulators/ecwid/seed';
import { SS_ACCOUNT, eventually, type TestStack } from '../src/stack/local-stack';
import { cpuMeter } from './proc';

export interface ManyStoresOptions {
  stores: number;
  /** Webhook orders per minute, and for how long. ShipStation's window is the real 60 s here, in quick mode too. */
  ordersPerMin: number;
  loadSeconds: number;
  /** Rates tried, in order, until p99 passes 5 s. */
  saturationRates: number[];
  saturationSeconds: number;
  labels: number;
  labelStores: number;
  idleSeconds: number;
  /** The worker's processes, when it runs apart from this one (its CPU is measured with theirs). */
  workerPids?: () => number[];
  /** The Temporal dev server's processes (its CPU is reported beside the worker's). */
  serverPids?: () => number[];
  log: (msg: string) => void;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
export const pct = (xs: number[], p: number): number => {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))];
};

const ssCalls = (stack: TestStack, from: number, to = Infinity) => stack.shipstation.requests.entries.filter((r) => r.at >= from && r.at < to);

/** Connects `n` stores, all on the default ShipStation account, through the API as an operator would. */
async function onboard(stack: TestStack, storeIds: number[], log: (m: string) => void) {
  const t0 = Date.now();
  const searchesBefore = stack.ecwid.requests.filter('GET', /\/orders$/).length;
  for (const id of storeIds) stack.ecwid.addStore({ storeId: id, token: `secret_agency_${id}`, plan: 'VENTURE' });
  for (let i = 0; i < storeIds.length; i += 25) {
    await Promise.all(
      storeIds.slice(i, i + 25).map(async (id) => {
        const res = await stack.api('/connections', { method: 'POST', body: JSON.stringify({ ecwidStoreId: id, ecwidAccessToken: `secret_agency_${id}` }) });
        if (res.status !== 201) throw new Error(`connecting store ${id}: ${res.status} ${await res.text()}`);
      }),
    );
  }
  // Every store has run its first sync (one order search each), and the account has had time to subscribe.
  await eventually(() => stack.ecwid.requests.filter('GET', /\/orders$/).length - searchesBefore >= storeIds.length, 15 * 60_000, 1000);
  await eventually(() => stack.shipstation.webhooks(SS_ACCOUNT.apiKey).length > 0, 60_000, 500);
  await sleep(5_000);
  const calls = ssCalls(stack, t0);
  log(`onboarded ${storeIds.length} stores in ${Math.round((Date.now() - t0) / 1000)} s: ${calls.length} ShipStation calls, ${stack.shipstation.webhooks(SS_ACCOUNT.apiKey).length} SHIP_NOTIFY subscription(s)`);
  return { calls: calls.length, subscriptions: stack.shipstation.webhooks(SS_ACCOUNT.apiKey).length, seconds: (Date.now() - t0) / 1000 };
}

/**
 * New orders at `perMin` a (real) minute for `seconds`, each on a random store and announced by a signed
 * webhook; latency = webhook sent → the order's `createorders` call arrived at ShipStation.
 */
async function webhookLoad(stack: TestStack, storeIds: number[], perMin: number, seconds: number, seed: number, workerPids?: () => number[], serverPids?: () => number[]) {
  const workerCpu = workerPids ? cpuMeter(workerPids()) : () => 0;
  const serverCpu = serverPids ? cpuMeter(serverPids()) : () => 0;
  const n = Math.round((perMin / 60) * seconds);
  const gapMs = 60_000 / perMin;
  const cpu0 = process.cpuUsage();
  const wall0 = Date.now();
  const sent = new Map<string, number>();
  const t0 = Date.now();
  const orders = generateOrders(n, seed).map((o) => ({
    ...o,
    // Importable: awaiting shipment, with a shipping address and a physical item (the seed mixes in skips).
    paymentStatus: 'PAID' as const,
    fulfillmentStatus: 'AWAITING_PROCESSING' as const,
    createTimestamp: Math.floor(Date.now() / 1000) - 60,
  }));
  const deliveries: Promise<unknown>[] = [];
  let rnd = seed;
  const next = () => (rnd = (rnd * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
  for (let i = 0; i < n; i++) {
    const due = t0 + i * gapMs;
    if (due > Date.now()) await sleep(due - Date.now());
    const storeId = storeIds[Math.floor(next() * storeIds.length)];
    const saved = stack.ecwid.upsertOrder(storeId, orders[i]);
    sent.set(`ecwid-${storeId}-${saved.id}`, Date.now());
    deliveries.push(stack.ecwid.sendWebhook(storeId, 'order.created', { orderId: saved.id }));
  }
  await Promise.all(deliveries);
  const created = new Map<string, number>();
  await eventually(
    () => {
      for (const a of stack.shipstation.creationAttempts) if (sent.has(a.orderKey) && !created.has(a.orderKey) && a.outcome !== 'rejected') created.set(a.orderKey, a.at);
      return created.size >= sent.size;
    },
    120_000,
    250,
  ).catch(() => undefined);
  const lat = [...created.entries()].map(([k, at]) => at - sent.get(k)!);
  const calls = ssCalls(stack, t0).filter((r) => r.method === 'POST' && r.path === '/orders/createorders' && r.status === 200);
  const rateLimited = ssCalls(stack, t0).filter((r) => r.status === 429).length;
  const cpu = process.cpuUsage(cpu0);
  return {
    /** CPU of this process (the API and simulators; the worker too when it runs in-process) as a share of one core. */
    cpuPercent: Math.round(((cpu.user + cpu.system) / 1000 / (Date.now() - wall0)) * 100),
    /** CPU of the worker's own processes, when it runs apart. */
    workerCpuPercent: workerCpu(),
    /** CPU of the Temporal dev server (on the same 2 cores). */
    serverCpuPercent: serverCpu(),
    createCallsPerMin: (calls.length / (Date.now() - t0)) * 60_000,
    orders: n,
    created: created.size,
    lost: n - created.size,
    p50: pct(lat, 50),
    p99: pct(lat, 99),
    createCalls: calls.length,
    ordersPerCall: calls.length > 0 ? created.size / calls.length : 0,
    rateLimited,
  };
}

/** A packer's batch: `labels` labels over `labelStores` stores, bought together, announced by ONE SHIP_NOTIFY. */
async function labelBatch(stack: TestStack, labels: number, labelStores: number) {
  const open = [...stack.shipstation.ordersByKey(SS_ACCOUNT.apiKey).values()].filter((o) => o.orderStatus === 'awaiting_shipment');
  const byStore = new Map<string, typeof open>();
  for (const o of open) {
    const store = o.orderKey.split('-')[1];
    byStore.set(store, [...(byStore.get(store) ?? []), o]);
  }
  // The stores with the most open orders (after the steady load, 2.5 a store on average): a busy packer's day.
  const stores = [...byStore.entries()].sort((a, b) => b[1].length - a[1].length).slice(0, labelStores).map(([store]) => store);
  const picked: typeof open = [];
  for (let round = 0; picked.length < labels && round < 1000; round++) {
    for (const s of stores) {
      const o = byStore.get(s)?.[round];
      if (o && picked.length < labels) picked.push(o);
    }
  }
  const batchId = 900_000 + Math.floor(Math.random() * 1000);
  for (const o of picked.slice(0, -1)) await stack.shipstation.createLabel(SS_ACCOUNT.apiKey, o.orderKey, { batchId, notify: false });
  const t0 = Date.now();
  await stack.shipstation.createLabel(SS_ACCOUNT.apiKey, picked[picked.length - 1].orderKey, { batchId });
  const want = new Set(picked.map((o) => `/orders/${o.orderKey.split('-').slice(2).join('-')}`));
  const done = new Set<string>();
  await eventually(
    () => {
      for (const r of stack.ecwid.requests.entries) if (r.at >= t0 && r.method === 'PUT' && r.status === 200) for (const w of want) if (r.path.endsWith(w)) done.add(w);
      return done.size >= want.size;
    },
    180_000,
    250,
  ).catch(() => undefined);
  const last = Math.max(...stack.ecwid.requests.entries.filter((r) => r.at >= t0 && r.method === 'PUT').map((r) => r.at));
  // Every ShipStation call in that time counts, whoever made it: an upper bound on the batch's own cost.
  const during = ssCalls(stack, t0, last + 1);
  const byEndpoint: Record<string, number> = {};
  for (const r of during) byEndpoint[`${r.method} ${r.path}`] = (byEndpoint[`${r.method} ${r.path}`] ?? 0) + 1;
  return { labels: picked.length, stores: new Set(picked.map((o) => o.orderKey.split('-')[1])).size, updated: done.size, calls: during.length, byEndpoint, seconds: (last - t0) / 1000 };
}

export async function manyStores(stack: TestStack, o: ManyStoresOptions) {
  const storeIds = Array.from({ length: o.stores }, (_, i) => 200_000 + i);
  const onboarding = await onboard(stack, storeIds, o.log);
  const reconcileFrom = Date.now();

  o.log(`webhook load: ${o.ordersPerMin} orders/min over ${o.stores} stores for ${o.loadSeconds} s…`);
  const load = await webhookLoad(stack, storeIds, o.ordersPerMin, o.loadSeconds, 11, o.workerPids, o.serverPids);
  o.log(`  p50 ${load.p50} ms, p99 ${load.p99} ms, ${load.created}/${load.orders} created, ${load.ordersPerCall.toFixed(1)} orders per call, ${load.rateLimited} × 429; CPU: worker ${load.workerCpuPercent} %, Temporal server ${load.serverCpuPercent} %, API and simulators ${load.cpuPercent} %`);

  // The packer's batch comes on the steady load's account (its orders are open), before the ramp overloads it on
  // purpose: measured after the ramp, it would count the retries of the overload's backlog as its own calls.
  o.log(`label batch: ${o.labels} labels over ${o.labelStores} stores, one SHIP_NOTIFY…`);
  const labels = await labelBatch(stack, o.labels, o.labelStores);
  o.log(`  ${labels.updated}/${labels.labels} Ecwid orders updated in ${labels.seconds.toFixed(1)} s with ${labels.calls} ShipStation calls (${JSON.stringify(labels.byEndpoint)})`);

  const saturation: { rate: number; p50: number; p99: number; lost: number; ordersPerCall: number; createCallsPerMin: number; cpuPercent: number; workerCpuPercent: number; serverCpuPercent: number }[] = [];
  for (const rate of o.saturationRates) {
    o.log(`saturation: ${rate} orders/min for ${o.saturationSeconds} s…`);
    const r = await webhookLoad(stack, storeIds, rate, o.saturationSeconds, rate, o.workerPids, o.serverPids);
    saturation.push({ rate, p50: r.p50, p99: r.p99, lost: r.lost, ordersPerCall: r.ordersPerCall, createCallsPerMin: r.createCallsPerMin, cpuPercent: r.cpuPercent, workerCpuPercent: r.workerCpuPercent, serverCpuPercent: r.serverCpuPercent });
    o.log(`  p50 ${r.p50} ms, p99 ${r.p99} ms, ${r.ordersPerCall.toFixed(1)} orders per call, ${r.createCallsPerMin.toFixed(1)} createorders calls/min, CPU: worker ${r.workerCpuPercent} %, Temporal server ${r.serverCpuPercent} %, API and simulators ${r.cpuPercent} % of a core`);
    if (!(r.p99 <= 5_000) || r.lost > 0) break;
  }

  o.log(`idle for ${o.idleSeconds} s…`);
  await sleep(o.idleSeconds * 1000);
  const reconcileCalls = ssCalls(stack, reconcileFrom).filter((r) => r.method === 'GET' && r.path === '/shipments' && 'createDateStart' in r.query).length;
  const elapsedH = (Date.now() - reconcileFrom) / 3_600_000;
  return { onboarding, load, saturation, labels, reconcile: { calls: reconcileCalls, hours: elapsedH, perHour: reconcileCalls / elapsedH } };
}
