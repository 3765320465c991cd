import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** One registry per process: the API serves it at /metrics; the worker exposes its own next to Temporal's. */
export const registry = new Registry();
collectDefaultMetrics({ register: registry });

export const apiCalls = new Counter({
  name: 'connector_external_api_calls_total',
  help: 'Calls to Ecwid and ShipStation by endpoint and HTTP status (0 = network error or timeout)',
  labelNames: ['service', 'endpoint', 'status'] as const,
  registers: [registry],
});

export const apiCallSeconds = new Histogram({
  name: 'connector_external_api_call_seconds',
  help: 'Latency of calls to Ecwid and ShipStation',
  labelNames: ['service', 'endpoint'] as const,
  buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
  registers: [registry],
});

export const rateLimitWaitSeconds = new Counter({
  name: 'connector_rate_limit_wait_seconds_total',
  help: 'Time spent waiting for a rate-limit window (pacing or 429) before calling a service',
  labelNames: ['service'] as const,
  registers: [registry],
});

export const ordersProcessed = new Counter({
  name: 'connector_orders_total',
  help: 'Orders handled by the import, by outcome (imported, skipped, failed, unchanged) and reason',
  labelNames: ['outcome', 'reason'] as const,
  registers: [registry],
});

export const importLatencySeconds = new Histogram({
  name: 'connector_import_latency_seconds',
  help: 'From the Ecwid order update to the order being accepted by ShipStation',
  buckets: [0.25, 0.5, 1, 2, 5, 10, 30, 60, 300, 900],
  registers: [registry],
});

export const fulfillmentLatencySeconds = new Histogram({
  name: 'connector_fulfillment_latency_seconds',
  help: 'From the ShipStation label to the Ecwid order updated',
  buckets: [0.25, 0.5, 1, 2, 5, 10, 30, 60, 300, 900, 3600],
  registers: [registry],
});

export function recordApiCall(service: string, endpoint: string, status: number, ms: number): void {
  apiCalls.inc({ service, endpoint, status: String(status) });
  apiCallSeconds.observe({ service, endpoint }, ms / 1000);
}

// ---- Per ShipStation account (label `account`: the first 16 hex characters of sha256 of the API key) ----
// The budget (40 calls a minute) belongs to the account, shared by all its stores: these say how it is spent.

export const shipstationAccountCalls = new Counter({
  name: 'connector_shipstation_account_calls_total',
  help: 'ShipStation calls per account, by endpoint and HTTP status (0 = network error or timeout): the budget used',
  labelNames: ['account', 'endpoint', 'status'] as const,
  registers: [registry],
});

export const budgetRemaining = new Gauge({
  name: 'connector_shipstation_budget_remaining',
  help: "Calls left in the account's current rate-limit window, as ShipStation last said (less the calls started since)",
  labelNames: ['account'] as const,
  registers: [registry],
});

export const slotWaitSeconds = new Histogram({
  name: 'connector_shipstation_slot_wait_seconds',
  help: 'How long a ShipStation call waited for a slot in its account\'s budget, by priority (live, other, backfill)',
  labelNames: ['account', 'priority'] as const,
  buckets: [0.01, 0.1, 0.5, 1, 2, 5, 10, 30, 60, 120],
  registers: [registry],
});

export const orderQueueDepth = new Gauge({
  name: 'connector_shipstation_orders_waiting',
  help: 'Orders from all stores of the account waiting to be sent in a createorders call',
  labelNames: ['account'] as const,
  registers: [registry],
});

export const orderWaitSeconds = new Histogram({
  name: 'connector_shipstation_order_wait_seconds',
  help: 'How long an order waited in its account\'s queue before the createorders call that carried it, by priority',
  labelNames: ['account', 'priority'] as const,
  buckets: [0.01, 0.1, 0.5, 1, 2, 5, 10, 30, 60, 120],
  registers: [registry],
});

export const batchSize = new Histogram({
  name: 'connector_shipstation_batch_orders',
  help: 'Orders carried by one createorders call (from any number of stores of the account)',
  labelNames: ['account'] as const,
  buckets: [1, 2, 5, 10, 20, 50, 75, 100],
  registers: [registry],
});

export const ecwidWebhooksRefused = new Counter({
  name: 'connector_ecwid_webhooks_refused_total',
  help: 'Correctly signed Ecwid webhook deliveries refused for their date: stale (older than the freshness window) or future (beyond clock skew)',
  labelNames: ['reason'] as const,
  registers: [registry],
});

export const authFailures = new Counter({
  name: 'connector_auth_failures_total',
  help: 'Failed operator logins and bearer tokens, by kind (login, bearer) and outcome (refused: 401, throttled: 429)',
  labelNames: ['kind', 'outcome'] as const,
  registers: [registry],
});

export const shipNotifyRefused = new Counter({
  name: 'connector_ship_notify_refused_total',
  help: 'SHIP_NOTIFY deliveries refused before any ShipStation call or workflow: bad_signature, unknown_account, retired_form (?store= or ?secret=)',
  labelNames: ['reason'] as const,
  registers: [registry],
});

export const shipstationCredentialsRefused = new Gauge({
  name: 'connector_shipstation_credentials_refused',
  help: 'ShipStation accounts whose key pair ShipStation refuses (401/403): 1 while they need new credentials, by account ID',
  labelNames: ['account'] as const,
  registers: [registry],
});

export const shipstationCredentialsExpiringSeconds = new Gauge({
  name: 'connector_shipstation_credentials_expiry_seconds',
  help: 'Seconds until the expiry date an operator gave for an account\'s ShipStation key pair (negative: expired), by account ID',
  labelNames: ['account'] as const,
  registers: [registry],
});
