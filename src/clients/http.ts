/**
 * What went wrong talking to Ecwid or ShipStation, classified once so activities can decide:
 * retry (network, 408, 429, 5xx) or stop and tell an operator (the rest of 4xx).
 */
export type Service = 'ecwid' | 'shipstation' | 'ecwid-oauth';

export class ApiError extends Error {
  constructor(
    readonly service: Service,
    readonly status: number,
    message: string,
    readonly code?: string,
    /** Seconds to wait, from Retry-After or X-Rate-Limit-Reset. */
    readonly retryAfterSeconds?: number,
    readonly endpoint?: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }

  get temporary(): boolean {
    return this.status === 0 || this.status === 408 || this.status === 429 || this.status >= 500;
  }
}

/** Parses Retry-After: delta-seconds, or an HTTP date. */
export function parseRetryAfter(value: string | null, now = Date.now()): number | undefined {
  if (!value) return undefined;
  const secs = Number(value);
  if (Number.isFinite(secs)) return Math.max(0, Math.ceil(secs));
  const date = Date.parse(value);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, Math.ceil((date - now) / 1000));
}

export interface RequestOptions {
  method?: string;
  headers?: Record<string, string>;
  body?: unknown;
  /** Form body (application/x-www-form-urlencoded) instead of JSON. */
  form?: Record<string, string>;
  timeoutMs?: number;
  signal?: AbortSignal;
}

export interface RawResponse {
  status: number;
  headers: Headers;
  body: unknown;
}

/** One HTTP exchange with a timeout; network failures become ApiError status 0 (temporary). */
export async function httpRequest(service: Service, url: string, opts: RequestOptions = {}): Promise<RawResponse> {
  const timeout = AbortSignal.timeout(opts.timeoutMs ?? 30_000);
  const signal = opts.signal ? AbortSignal.any([opts.signal, timeout]) : timeout;
  const headers: Record<string, string> = { Accept: 'application/json', ...opts.headers };
  let body: string | undefined;
  if (opts.form) {
    headers['Content-Type'] = 'application/x-www-form-urlencoded';
    body = new URLSearchParams(opts.form).toString();
  } else if (opts.body !== undefined) {
    headers['Content-Type'] = 'application/json';
    body = JSON.stringify(opts.body);
  }
  const endpoint = endpointName(url);
  let res: Response;
  try {
    // Never followed: an allowed origin answering 3xx would send the call (and its credentials) elsewhere. The 3xx
    // is returned as it is, and every client treats an answer outside 2xx as an error (not temporary: asking again
    // would be redirected again).
    res = await fetch(url, { method: opts.method ?? 'GET', headers, body, signal, redirect: 'manual' });
  } catch (err) {
    const cause = err instanceof Error ? (err.cause instanceof Error ? err.cause.message : err.message) : String(err);
    const what = timeout.aborted ? `timed out after ${opts.timeoutMs ?? 30_000} ms` : `network error: ${cause}`;
    throw new ApiError(service, 0, `${service} ${opts.method ?? 'GET'} ${endpoint}: ${what}`, 'NETWORK', undefined, endpoint);
  }
  const text = await res.text().catch(() => '');
  let parsed: unknown = text;
  if (text && (res.headers.get('content-type') ?? '').includes('json')) {
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = text;
    }
  }
  return { status: res.status, headers: res.headers, body: parsed };
}

/** A URL path with IDs folded, for metrics and messages: /api/v3/123/orders/K8XTQ → /orders/:id */
export function endpointName(url: string): string {
  let path: string;
  try {
    path = new URL(url).pathname;
  } catch {
    return 'invalid-url';
  }
  return path
    .replace(/^\/api\/v3\/\d+/, '')
    .replace(/\/\d+(?=\/|$)/g, '/:id')
    .replace(/\/orders\/(?!createorders?$|deleted$|last$)[A-Za-z0-9-]+/, '/orders/:id');
}
