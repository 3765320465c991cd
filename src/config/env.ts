import { isIP } from 'node:net';
import { z } from 'zod';

/**
 * Every environment variable the connector reads, validated once at start-up.
 * A bad value stops the process with a message naming the variable, instead of failing later mid-sync.
 */
const optionalString = z
  .string()
  .trim()
  .transform((v) => (v === '' ? undefined : v))
  .optional();

const base64Key = z
  .string()
  .trim()
  .refine((v) => Buffer.from(v, 'base64').length === 32, 'must be 32 bytes encoded in base64 (openssl rand -base64 32)');

/** Express's names for address ranges (https://expressjs.com/en/guide/behind-proxies.html). */
const PROXY_RANGE_NAMES = new Set(['loopback', 'linklocal', 'uniquelocal']);

/** An IP address, or a subnet in CIDR notation (10.0.0.0/8, fd00::/8). */
function isAddressOrSubnet(v: string): boolean {
  const [addr, bits, extra] = v.split('/');
  if (extra !== undefined || isIP(addr) === 0) return false;
  if (bits === undefined) return true;
  const max = isIP(addr) === 4 ? 32 : 128;
  return /^\d{1,3}$/.test(bits) && Number(bits) <= max;
}

export const envSchema = z.object({
  TEMPORAL_ADDRESS: z.string().default('localhost:7233'),
  TEMPORAL_NAMESPACE: z.string().default('default'),
  TEMPORAL_TASK_QUEUE: z.string().default('ecwid-shipstation'),
  /** Temporal Cloud / TLS cluster: an API key turns TLS on. */
  TEMPORAL_API_KEY: optionalString,
  TEMPORAL_TLS: z.enum(['true', 'false']).default('false'),
  ECWID_API_URL: z.url().default('https://app.ecwid.com/api/v3'),
  ECWID_OAUTH_URL: z.url().default('https://my.ecwid.com/api/oauth'),
  ECWID_CLIENT_ID: optionalString,
  ECWID_CLIENT_SECRET: optionalString,
  SHIPSTATION_API_URL: z.url().default('https://ssapi.shipstation.com'),
  SHIPSTATION_API_KEY: optionalString,
  SHIPSTATION_API_SECRET: optionalString,
  /**
   * Retired: the one secret every account's SHIP_NOTIFY URL carried, readable by every merchant in their ShipStation
   * settings. Set SHIPSTATION_WEBHOOK_KEY (a new value) instead; the account workflows re-subscribe with it.
   */
  SHIPSTATION_WEBHOOK_SECRET: optionalString,
  /**
   * Server key of SHIP_NOTIFY targets: each account's URL carries an HMAC of its account ID under it, so that a URL
   * is worth nothing for any other account. Never sent anywhere.
   */
  SHIPSTATION_WEBHOOK_KEY: optionalString.refine((v) => v === undefined || v.length >= 32, {
    message: 'must be at least 32 characters (openssl rand -base64 32): it signs every account\'s SHIP_NOTIFY URL',
  }),
  /** Previous SHIPSTATION_WEBHOOK_KEY values, comma-separated, still accepted while subscriptions move to the new key. */
  SHIPSTATION_WEBHOOK_OLD_KEYS: optionalString
    .transform((v) => (v === undefined ? [] : v.split(',').map((k) => k.trim()).filter(Boolean)))
    .refine((list) => list.every((k) => k.length >= 32), { message: 'each key must be at least 32 characters' }),
  ADMIN_TOKEN: optionalString.refine((v) => v === undefined || v.length >= 16, {
    message: 'must be at least 16 characters',
  }),
  /**
   * Signs operator and merchant sessions and OAuth states (never the admin token, which is only the operator's
   * login): rotating one no longer rotates the other. Required by `npm run api`.
   */
  SESSION_SECRET: optionalString.refine((v) => v === undefined || v.length >= 32, {
    message: 'must be at least 32 characters (openssl rand -base64 32)',
  }),
  /** Previous SESSION_SECRET values, comma-separated: sessions they signed stay valid until they expire (12 h). */
  SESSION_OLD_SECRETS: optionalString
    .transform((v) => (v === undefined ? [] : v.split(',').map((k) => k.trim()).filter(Boolean)))
    .refine((list) => list.every((k) => k.length >= 32), { message: 'each secret must be at least 32 characters' }),
  ENCRYPTION_KEY: base64Key.optional(),
  /** Previous keys, comma-separated `id:base64`, still accepted for decryption during a rotation. */
  ENCRYPTION_OLD_KEYS: optionalString,
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  /** `npm start` only: where it keeps Temporal's SQLite history and the generated dev secrets (default `.data/`). */
  START_DATA_DIR: optionalString,
  /**
   * Address the API listens on. Unset: every interface (`npm run api`, behind a load balancer); `npm start` sets
   * 127.0.0.1, so a development stack holding tenants' credentials is not reachable from the network.
   */
  API_BIND_ADDRESS: optionalString.refine((v) => v === undefined || v === 'localhost' || isIP(v) !== 0, {
    message: 'must be an IP address to listen on, e.g. 127.0.0.1 (loopback only) or 0.0.0.0 (every IPv4 interface)',
  }),
  /**
   * Proxies whose X-Forwarded-For / X-Forwarded-Proto the API believes (Express `trust proxy`): the client address
   * that logins are throttled by, and whether a request came over HTTPS (the cookie's Secure flag). A number of
   * hops, or a comma-separated list of addresses, CIDR subnets and `loopback`, `linklocal`, `uniquelocal`.
   * Never "true": any client could then name its own address and escape throttling.
   */
  TRUST_PROXY: z
    .string()
    .trim()
    .default('loopback')
    .transform((v): number | string[] => (/^\d{1,2}$/.test(v) ? Number(v) : v.split(/[\s,]+/).filter(Boolean)))
    .refine((v) => typeof v === 'number' || (v.length > 0 && v.every((p) => PROXY_RANGE_NAMES.has(p) || isAddressOrSubnet(p))), {
      message: 'must be a number of proxy hops (e.g. 1), or addresses, CIDR subnets and loopback/linklocal/uniquelocal separated by commas',
    }),
  PUBLIC_URL: z.url().optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Default poll interval of a new connection, in seconds. */
  DEFAULT_POLL_INTERVAL_SECONDS: z.coerce.number().int().min(10).max(86_400).default(300),
  /**
   * ShipStation's per-key budget: the worker never starts more calls per API key in a rolling minute (besides
   * pacing by ShipStation's X-Rate-Limit-* headers). Lower it if other apps share the key.
   */
  SHIPSTATION_REQUESTS_PER_MINUTE: z.coerce.number().int().min(1).max(1000).default(40),
  /** Timeout of one call to Ecwid or ShipStation; a timed-out call is retried like a 5xx. */
  HTTP_TIMEOUT_MS: z.coerce.number().int().min(1000).max(300_000).optional(),
  /**
   * Activities one worker runs at once. Most of an import's time is spent waiting its turn in the account's
   * ShipStation queue, so the SDK's default of 100 would starve the queue under load (many stores on one key).
   */
  WORKER_MAX_CONCURRENT_ACTIVITIES: z.coerce.number().int().min(1).max(10_000).default(1000),
  /**
   * Workflows one worker keeps in memory (about 0.5 MB each). A store's workflow sleeps between syncs: when it is
   * not cached it is replayed from its (lean) history as it wakes, so this bounds memory at a little CPU.
   */
  WORKER_MAX_CACHED_WORKFLOWS: z.coerce.number().int().min(2).max(100_000).default(500),
  /** Activities one worker runs at once for each ShipStation account whose lease it holds (imports waiting for the budget). */
  WORKER_MAX_ACCOUNT_ACTIVITIES: z.coerce.number().int().min(1).max(10_000).default(500),
  /** Worker Versioning: the worker deployment this worker belongs to (`false` in WORKER_VERSIONING: unversioned). */
  WORKER_DEPLOYMENT_NAME: z.string().regex(/^[A-Za-z0-9._-]{1,100}$/, 'letters, digits, dot, dash and underscore').default('ecwid-shipstation'),
  /** This worker's build ID; default: a hash of its workflow code, so the same code is the same version. */
  WORKER_BUILD_ID: optionalString.refine((v) => v === undefined || /^[A-Za-z0-9._-]{1,100}$/.test(v), { message: 'letters, digits, dot, dash and underscore' }),
  /** `true`: the worker joins its deployment as a versioned worker (rolling deploys); `false`: unversioned. */
  WORKER_VERSIONING: z.enum(['true', 'false']).default('true').transform((v) => v === 'true'),
  /**
   * When a versioned worker makes its version the deployment's current one: `if-none` (only when the deployment has
   * no current version: the first deploy), `always` (a deploy that switches at once), `never` (the operator promotes).
   */
  WORKER_PROMOTE: z.enum(['if-none', 'always', 'never']).default('if-none'),
  /** host:port where the worker serves the Temporal SDK's Prometheus metrics. */
  WORKER_METRICS_ADDRESS: optionalString.refine((v) => v === undefined || /^[^:\s]+:\d{1,5}$/.test(v), { message: 'must be host:port, e.g. 0.0.0.0:9464' }),
  /** Port where the worker serves the connector's own metrics at /metrics. */
  WORKER_CONNECTOR_METRICS_PORT: z.coerce.number().int().min(1).max(65535).optional(),
  /** Origin of the Temporal Web UI, allowed by CORS on the codec endpoints. */
  TEMPORAL_UI_ORIGIN: z.string().default('http://localhost:8233'),
  /**
   * Origins allowed to frame the Ecwid app page (GET /ecwid/app): Ecwid's admin. Space- or comma-separated;
   * `https://*.example.com` wildcards are allowed, as in CSP. No other page of the API may be framed.
   */
  ECWID_APP_FRAME_ANCESTORS: z
    .string()
    .default('https://my.ecwid.com')
    .transform((v) => v.split(/[\s,]+/).filter(Boolean))
    .refine((list) => list.length > 0 && list.every((o) => /^https?:\/\/(\*\.)?[A-Za-z0-9.-]+(:\d{1,5})?$/.test(o)), {
      message: 'must be origins such as https://my.ecwid.com (scheme://host[:port], no path), separated by spaces or commas',
    }),
  /** Whether merchants installing from the Ecwid app page may send orders to the operator's ShipStation account. */
  MERCHANTS_MAY_USE_OPERATOR_SHIPSTATION: z.enum(['true', 'false']).default('false').transform((v) => v === 'true'),
  /** Bounds of the poll interval merchants may choose on the Ecwid app page, in seconds. */
  MERCHANT_POLL_INTERVAL_MIN_SECONDS: z.coerce.number().int().min(30).max(86_400).default(60),
  MERCHANT_POLL_INTERVAL_MAX_SECONDS: z.coerce.number().int().min(30).max(86_400).default(3600),
});

export type Env = z.infer<typeof envSchema>;

export class ConfigError extends Error {}

/** Parses the environment; throws a ConfigError listing every bad variable. */
export function loadEnv(source: NodeJS.ProcessEnv = process.env): Env {
  const parsed = envSchema.safeParse(source);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.') || '(env)'}: ${i.message}`);
    throw new ConfigError(`Invalid environment configuration:\n${lines.join('\n')}`);
  }
  if (parsed.data.SHIPSTATION_WEBHOOK_SECRET !== undefined && parsed.data.SHIPSTATION_WEBHOOK_KEY === undefined) {
    throw new ConfigError(
      'Invalid environment configuration:\n  SHIPSTATION_WEBHOOK_SECRET: retired (every merchant could read it in their SHIP_NOTIFY URL); ' +
        'set SHIPSTATION_WEBHOOK_KEY to a NEW random value of 32+ characters (openssl rand -base64 32) and remove SHIPSTATION_WEBHOOK_SECRET',
    );
  }
  const clash = sameSecrets(parsed.data);
  if (clash) throw new ConfigError(`Invalid environment configuration:\n  ${clash}: must differ from each other (one key per job, each rotated on its own)`);
  if (parsed.data.MERCHANT_POLL_INTERVAL_MIN_SECONDS > parsed.data.MERCHANT_POLL_INTERVAL_MAX_SECONDS) {
    throw new ConfigError(
      'Invalid environment configuration:\n  MERCHANT_POLL_INTERVAL_MIN_SECONDS: must not be above MERCHANT_POLL_INTERVAL_MAX_SECONDS',
    );
  }
  return parsed.data;
}

/** The first two secrets of different jobs that hold the same value, named; undefined when all differ. */
function sameSecrets(env: Env): string | undefined {
  const named: [string, string | undefined][] = [
    ['ADMIN_TOKEN', env.ADMIN_TOKEN],
    ['SESSION_SECRET', env.SESSION_SECRET],
    ['SHIPSTATION_WEBHOOK_KEY', env.SHIPSTATION_WEBHOOK_KEY],
    ['ENCRYPTION_KEY', env.ENCRYPTION_KEY],
    ['ECWID_CLIENT_SECRET', env.ECWID_CLIENT_SECRET],
    ['SHIPSTATION_API_SECRET', env.SHIPSTATION_API_SECRET],
  ];
  const set = named.filter((n): n is [string, string] => n[1] !== undefined);
  for (let i = 0; i < set.length; i++) for (let j = i + 1; j < set.length; j++) if (set[i][1] === set[j][1]) return `${set[i][0]}, ${set[j][0]}`;
  return undefined;
}

/** Requires variables that a given process cannot run without; names them all in one message. */
export function requireVars<K extends keyof Env>(env: Env, keys: K[], why: string): { [P in K]-?: NonNullable<Env[P]> } & Env {
  const missing = keys.filter((k) => env[k] === undefined || env[k] === '');
  if (missing.length > 0) {
    throw new ConfigError(`Missing environment variable(s) ${missing.join(', ')}: ${why}`);
  }
  return env as { [P in K]-?: NonNullable<Env[P]> } & Env;
}

/** Runs `main`, printing configuration errors readably instead of as a stack trace. */
export function exitOnConfigError(err: unknown): never {
  if (err instanceof ConfigError) {
    console.error(err.message);
    process.exit(2);
  }
  throw err;
}
