import type { EcwidOrder, EcwidOrderPage, EcwidOrderUpdate, EcwidProduct, EcwidProfile } from '../domain/ecwid';
import { ApiError, endpointName, httpRequest, parseRetryAfter, type RequestOptions } from './http';
import { recordApiCall } from '../observability/metrics';

export interface EcwidClientOptions {
  baseUrl: string;
  storeId: number;
  token: string;
  timeoutMs?: number;
  signal?: AbortSignal;
}

export interface OrderSearch {
  offset?: number;
  limit?: number;
  updatedFrom?: number;
  /** Creation date bounds, unix seconds, inclusive. */
  createdFrom?: number;
  createdTo?: number;
  ids?: string[];
}

/** Ecwid REST API v3 for one store. The token travels only in the Authorization header (Ecwid refuses ?token= since 2025). */
export class EcwidClient {
  constructor(private readonly opts: EcwidClientOptions) {}

  private async call<T>(path: string, init: RequestOptions = {}): Promise<T> {
    const url = `${this.opts.baseUrl.replace(/\/$/, '')}/${this.opts.storeId}${path}`;
    const started = Date.now();
    const res = await httpRequest('ecwid', url, {
      ...init,
      headers: { Authorization: `Bearer ${this.opts.token}`, ...init.headers },
      timeoutMs: init.timeoutMs ?? this.opts.timeoutMs,
      signal: init.signal ?? this.opts.signal,
    }).catch((err: unknown) => {
      if (err instanceof ApiError) recordApiCall('ecwid', err.endpoint ?? 'unknown', 0, Date.now() - started);
      throw err;
    });
    const endpoint = endpointName(url);
    recordApiCall('ecwid', endpoint, res.status, Date.now() - started);
    if (res.status >= 200 && res.status < 300) return res.body as T;
    const body = (typeof res.body === 'object' && res.body !== null ? res.body : {}) as { errorMessage?: string; errorCode?: string };
    throw new ApiError(
      'ecwid',
      res.status,
      `Ecwid ${init.method ?? 'GET'} ${endpoint} answered ${res.status}${body.errorCode ? ` ${body.errorCode}` : ''}${
        body.errorMessage ? `: ${body.errorMessage}` : ''
      }`,
      body.errorCode,
      parseRetryAfter(res.headers.get('retry-after')),
      endpoint,
    );
  }

  getProfile(): Promise<EcwidProfile> {
    return this.call<EcwidProfile>('/profile');
  }

  getOrderStatuses(): Promise<{ items: { statusId: string; name?: string; orderStatusType?: string; defaultStatus?: boolean }[] }> {
    return this.call('/profile/order_statuses');
  }

  searchOrders(q: OrderSearch): Promise<EcwidOrderPage> {
    const params = new URLSearchParams();
    params.set('offset', String(q.offset ?? 0));
    params.set('limit', String(q.limit ?? 100));
    if (q.updatedFrom !== undefined) params.set('updatedFrom', String(Math.floor(q.updatedFrom)));
    if (q.createdFrom !== undefined) params.set('createdFrom', String(Math.floor(q.createdFrom)));
    if (q.createdTo !== undefined) params.set('createdTo', String(Math.floor(q.createdTo)));
    if (q.ids && q.ids.length > 0) params.set('ids', q.ids.join(','));
    return this.call<EcwidOrderPage>(`/orders?${params.toString()}`);
  }

  getOrder(orderId: string): Promise<EcwidOrder> {
    return this.call<EcwidOrder>(`/orders/${encodeURIComponent(orderId)}`);
  }

  updateOrder(orderId: string, update: EcwidOrderUpdate): Promise<{ updateCount: number }> {
    return this.call(`/orders/${encodeURIComponent(orderId)}`, { method: 'PUT', body: update });
  }

  getProduct(productId: number): Promise<EcwidProduct> {
    return this.call<EcwidProduct>(`/products/${productId}`);
  }
}
