import { createHash } from 'node:crypto';
import type {
  ShipStationCreateOrdersResult,
  ShipStationOrder,
  ShipStationShipmentPage,
} from '../domain/shipstation';
import type { ShipStationFulfillment } from '../domain/fulfillment-notice';
import { recordApiCall, shipstationAccountCalls } from '../observability/metrics';
import { ApiError, endpointName, httpRequest, parseRetryAfter, type RequestOptions } from './http';
import { PRIORITY, acquireSlot, markExhausted, type PaceHooks, type Slot } from './rate-pacer';

export interface ShipStationCredentials {
  apiKey: string;
  apiSecret: string;
}

export interface ShipStationClientOptions extends ShipStationCredentials {
  baseUrl: string;
  timeoutMs?: number;
  hooks?: PaceHooks;
  /** How many 429s to sit out inside one call before giving the error to Temporal's retry. */
  max429Waits?: number;
  /**
   * This process's own budget for the key (SHIPSTATION_REQUESTS_PER_MINUTE): never more call starts than this in
   * any rolling 60 s, whatever the headers say. Unset: paced by the server's X-Rate-Limit-* headers only.
   */
  requestsPerMinute?: number;
  /** Place in the account's queue of the calls without their own (default PRIORITY.other). */
  priority?: number;
  /**
   * The account whose budget the calls spend (its ID). Default: the hash of the API key, the ID of an account
   * registered with this key; a replacement pair keeps spending its account's budget under the account's ID.
   */
  budgetKey?: string;
  /** ShipStation answered 401/403: the pair is refused (expired, revoked, wrong). Kept by `detached()`. */
  onRefused?: (status: number) => void;
  /** ShipStation accepted the pair (any authenticated answer). Kept by `detached()`. */
  onAccepted?: () => void;
}

/** How one call waits for its slot: at this priority, or with a slot already granted (the order batcher). */
export interface CallPacing {
  priority?: number | (() => number);
  slot?: Slot;
}

export interface ShipStationWebhook {
  WebHookID: number;
  StoreID: number | null;
  HookType: string;
  Url: string;
  Name?: string;
}

/** ShipStation V1 for one API key, paced by its X-Rate-Limit-* headers. */
export class ShipStationClient {
  private readonly auth: string;
  /** The pacing key: a hash, so the API key itself never sits in memory maps or metrics labels. */
  readonly budgetKey: string;

  /**
   * Who this client is to ShipStation (URL, key and secret, hashed): calls of clients with the same identity may
   * carry each other's orders. The budget is the key's (`budgetKey`), but a wrong secret must not fail others.
   */
  readonly identity: string;

  constructor(private readonly opts: ShipStationClientOptions) {
    this.auth = `Basic ${Buffer.from(`${opts.apiKey}:${opts.apiSecret}`).toString('base64')}`;
    // Same value as shipstationAccountId(apiKey) in activities/deps.ts: the account's name everywhere.
    this.budgetKey = opts.budgetKey ?? createHash('sha256').update(opts.apiKey).digest('hex').slice(0, 16);
    this.identity = createHash('sha256').update(`${this.baseUrl}\n${opts.apiKey}\n${opts.apiSecret}`).digest('hex').slice(0, 16);
  }

  /** The cancellation of the activity this client was made for, if any. */
  get abortSignal(): AbortSignal | undefined {
    return this.opts.hooks?.signal;
  }

  /**
   * The same account without the activity's hooks: for calls made on behalf of several activities (one order
   * batch), which one activity's cancellation must not abort.
   */
  detached(): ShipStationClient {
    return new ShipStationClient({ ...this.opts, hooks: undefined });
  }

  /** Waits for a slot in the account's budget, under this process's own budget, for a call made later. */
  acquireSlot(priority: number | (() => number)): Promise<Slot> {
    return acquireSlot(this.budgetKey, {
      service: 'shipstation',
      priority,
      budget: this.localBudget(),
      onWait: this.opts.hooks?.onWait,
      signal: this.opts.hooks?.signal,
    });
  }

  private localBudget() {
    return this.opts.requestsPerMinute !== undefined ? { perWindow: this.opts.requestsPerMinute } : undefined;
  }

  get baseUrl(): string {
    return this.opts.baseUrl.replace(/\/$/, '');
  }

  /** Calls an absolute URL (used for SHIP_NOTIFY resource URLs, whose origin the caller has checked). */
  async callUrl<T>(url: string, init: RequestOptions = {}, pacing: CallPacing = {}): Promise<T> {
    let waits = 0;
    let slot = pacing.slot;
    let place: number | undefined;
    for (;;) {
      slot ??= await acquireSlot(this.budgetKey, {
        service: 'shipstation',
        priority: pacing.priority ?? this.opts.priority ?? PRIORITY.other,
        budget: this.localBudget(),
        place,
        ...this.opts.hooks,
      });
      place = slot.place;
      const started = Date.now();
      const endpoint = endpointName(url);
      let res;
      try {
        res = await httpRequest('shipstation', url, {
          ...init,
          headers: { Authorization: this.auth, ...init.headers },
          timeoutMs: init.timeoutMs ?? this.opts.timeoutMs ?? 60_000,
          signal: init.signal ?? this.opts.hooks?.signal,
        });
      } catch (err) {
        slot.answered();
        recordApiCall('shipstation', endpoint, 0, Date.now() - started);
        shipstationAccountCalls.inc({ account: this.budgetKey, endpoint, status: '0' });
        throw err;
      }
      recordApiCall('shipstation', endpoint, res.status, Date.now() - started);
      shipstationAccountCalls.inc({ account: this.budgetKey, endpoint, status: String(res.status) });
      const remaining = numberHeader(res.headers.get('x-rate-limit-remaining'));
      const reset = numberHeader(res.headers.get('x-rate-limit-reset'));
      slot.answered(remaining, reset);
      slot = undefined;
      if (res.status === 401 || res.status === 403) this.opts.onRefused?.(res.status);
      else this.opts.onAccepted?.();
      if (res.status >= 200 && res.status < 300) return res.body as T;
      const retryAfter = parseRetryAfter(res.headers.get('retry-after')) ?? reset;
      if (res.status === 429) {
        markExhausted(this.budgetKey, retryAfter ?? 60);
        // Another app or process using the same key spent the window: wait for its reset inside this call, at
        // the head of the queue (the same place), a few times; never a blind retry.
        if (waits < (this.opts.max429Waits ?? 2)) {
          waits += 1;
          continue;
        }
      }
      const body = (typeof res.body === 'object' && res.body !== null ? res.body : {}) as {
        Message?: string;
        ExceptionMessage?: string;
        ModelState?: Record<string, string[]>;
      };
      const detail = [body.Message, body.ExceptionMessage, body.ModelState ? JSON.stringify(body.ModelState) : undefined]
        .filter(Boolean)
        .join(' ');
      throw new ApiError(
        'shipstation',
        res.status,
        `ShipStation ${init.method ?? 'GET'} ${endpoint} answered ${res.status}${detail ? `: ${detail}` : ''}`,
        undefined,
        retryAfter,
        endpoint,
      );
    }
  }

  private call<T>(path: string, init: RequestOptions = {}, pacing?: CallPacing): Promise<T> {
    return this.callUrl<T>(`${this.baseUrl}${path}`, init, pacing);
  }

  /** Creates or updates up to 100 orders (upserted by orderKey). Orders of imports go through the order batcher. */
  createOrders(orders: ShipStationOrder[], pacing?: CallPacing): Promise<ShipStationCreateOrdersResult> {
    return this.call('/orders/createorders', { method: 'POST', body: orders }, pacing);
  }

  createOrder(order: ShipStationOrder): Promise<ShipStationOrder> {
    return this.call('/orders/createorder', { method: 'POST', body: order });
  }

  listOrders(
    q: Record<string, string | number>,
    pacing?: CallPacing,
  ): Promise<{ orders: ShipStationOrder[]; total: number; page: number; pages: number }> {
    const params = new URLSearchParams(Object.entries(q).map(([k, v]) => [k, String(v)]));
    return this.call(`/orders?${params.toString()}`, {}, pacing);
  }

  /** GET /orders/{orderId}: one order, with its read-only `advancedOptions.mergedIds` / `parentId`. */
  getOrder(orderId: number): Promise<ShipStationOrder> {
    return this.call(`/orders/${encodeURIComponent(String(orderId))}`);
  }

  listShipments(q: Record<string, string | number>): Promise<ShipStationShipmentPage> {
    const params = new URLSearchParams(Object.entries(q).map(([k, v]) => [k, String(v)]));
    return this.call(`/shipments?${params.toString()}`);
  }

  /** GET /fulfillments: orders marked as shipped without a ShipStation label. */
  listFulfillments(q: Record<string, string | number>): Promise<{ fulfillments?: ShipStationFulfillment[]; total?: number; page?: number; pages?: number }> {
    const params = new URLSearchParams(Object.entries(q).map(([k, v]) => [k, String(v)]));
    return this.call(`/fulfillments?${params.toString()}`);
  }

  listWebhooks(): Promise<ShipStationWebhook[]> {
    return this.call<ShipStationWebhook[] | { webhooks: ShipStationWebhook[] }>('/webhooks').then((b) =>
      Array.isArray(b) ? b : (b.webhooks ?? []),
    );
  }

  subscribeWebhook(body: { target_url: string; event: string; store_id?: number; friendly_name?: string }): Promise<{ id: number }> {
    return this.call('/webhooks/subscribe', { method: 'POST', body });
  }

  deleteWebhook(id: number): Promise<unknown> {
    return this.call(`/webhooks/${id}`, { method: 'DELETE' });
  }

  /** GET /stores: the account's stores, active ones unless `showInactive`. */
  listStores(q: { showInactive?: boolean } = {}): Promise<
    { storeId: number; storeName: string; marketplaceId?: number; marketplaceName?: string; active?: boolean; autoRefresh?: boolean }[]
  > {
    return this.call(q.showInactive ? '/stores?showInactive=true' : '/stores');
  }
}

function numberHeader(v: string | null): number | undefined {
  if (v === null) return undefined;
  const n = Number(v);
  return Number.isFinite(n) ? n : undefined;
}
