/**
 * A local Ecwid REST API v3 (plus OAuth and outgoing webhooks) as a real HTTP server, faithful to
 * Ecwid's REST API v3 documentation (https://api-docs.ecwid.com/): Bearer-only tokens, plan and scope gating, 600 req/min per token,
 * search paging with INCOMPLETE orders hidden, partial PUT updates, signed webhooks.
 *
 * Choices where Ecwid is silent: `limit` above 100 is clamped to 100 (the envelope reports 100); search results
 * are sorted by internalId ascending; OAuth errors use RFC 6749's `{error, error_description}` with status 400.
 */
import express, { type NextFunction, type Request, type Response } from 'express';
import type { EcwidOrder, EcwidProduct } from './model';
import { FaultInjector } from '../common/faults';
import { listen, simulatorApp } from '../common/http';
import { RequestLog } from '../common/request-log';
import { requireJsonBody, storeGate } from './auth';
import { adminPageRoutes, appPayloadFor } from './admin-page';
import { simControlRoutes } from './control';
import { sendError } from './errors';
import { OAuthServer } from './oauth';
import { FixedWindowLimiter } from './rate-limit';
import { orderRoutes } from './routes-orders';
import { productRoutes } from './routes-products';
import { profileRoutes } from './routes-profile';
import { EcwidState, type EcwidSimStoreOptions } from './state';
import { WebhookSender, type WebhookData, type WebhookDelivery } from './webhooks';

export type { EcwidSimStoreOptions, EcwidPlan } from './state';
export type { WebhookBody, WebhookData, WebhookDelivery } from './webhooks';
export { ecwidWebhookSignature } from './webhooks';
export { formatEcwidDate, parseEcwidDate } from './dates';

export interface EcwidSimulatorOptions {
  port?: number;
  clientId?: string;
  clientSecret?: string;
  /** Per token; default 600 as documented. */
  rateLimitPerMinute?: number;
  /** Fire order.updated / order.deleted when the REST API changes an order (default true). */
  autoWebhooks?: boolean;
  /** Clock in ms, for tests of code expiry, rate-limit windows and timestamps. Default Date.now. */
  now?: () => number;
}

export interface EcwidSimulator {
  /** Base URL of the REST API, e.g. http://127.0.0.1:PORT/api/v3 (`${url}/${storeId}/orders`). */
  url: string;
  /** e.g. http://127.0.0.1:PORT/api/oauth (`/authorize`, `/token`, `/token/:storeId`). */
  oauthUrl: string;
  port: number;
  clientId: string;
  clientSecret: string;
  requests: RequestLog;
  faults: FaultInjector;
  /** Every webhook the simulator tried to deliver, in order. */
  webhooks: readonly WebhookDelivery[];
  addStore(opts: EcwidSimStoreOptions): void;
  /** Every token of the store then answers 403 INVALID_API_TOKEN. */
  revokeToken(storeId: number): void;
  /** Stores a copy; sets id, internalId and the creation date when missing; always bumps the update date. No webhook. */
  /**
   * Any order JSON, served as given (plus the fields Ecwid computes): a test may hand it a published sample or a
   * deliberately odd order, typed however the test likes.
   */
  upsertOrder(storeId: number, order: object): EcwidOrder;
  getOrder(storeId: number, orderId: string): EcwidOrder | undefined;
  deleteOrder(storeId: number, orderId: string): void;
  listOrders(storeId: number): EcwidOrder[];
  upsertProduct(storeId: number, product: EcwidProduct): void;
  setWebhookUrl(url: string | undefined): void;
  /** Signs with the client secret unless `signWith` is given. Rejects when no URL is set or the receiver is unreachable. */
  sendWebhook(storeId: number, eventType: string, data: WebhookData, opts?: { signWith?: string }): Promise<{ status: number; eventId: string }>;
  /** OAuth: pretend the merchant on `storeId` approves; returns the `code` the authorize page would redirect with. */
  issueAuthCode(storeId: number, redirectUri: string): string;
  /** The connector's app page (its GET /ecwid/app), which the simulated admin frames at /admin/:storeId. */
  setAppUrl(url: string | undefined): void;
  /** The simulated Ecwid admin's app tab for a store, on the other loopback name than the app's: a third-party frame. */
  adminUrl(storeId: number, lang?: string): string;
  /** A real encrypted app payload for the store (its first live token), as Ecwid puts it in the iframe URL. */
  appPayload(storeId: number, lang?: string): string | undefined;
  close(): Promise<void>;
}

export async function startEcwidSimulator(opts: EcwidSimulatorOptions = {}): Promise<EcwidSimulator> {
  const now = opts.now ?? Date.now;
  const clientId = opts.clientId ?? 'ecwid-sim-client';
  const clientSecret = opts.clientSecret ?? 'ecwid-sim-client-secret';
  const state = new EcwidState(now);
  const limiter = new FixedWindowLimiter(opts.rateLimitPerMinute ?? 600, now);
  const sender = new WebhookSender(clientSecret, now);
  const oauth = new OAuthServer(state, clientId, clientSecret);
  const requests = new RequestLog();
  const faults = new FaultInjector();

  const entityIdFor = (storeId: number, eventType: string, data: WebhookData): number | string | undefined => {
    // Ecwid's own example: `"entityId":"1003", // this is the id of a store that deleted the app`.
    if (eventType.startsWith('application.')) return String(storeId);
    if (!data.orderId || !state.stores.has(storeId)) return undefined;
    const live = state.findOrder(storeId, data.orderId);
    if (live) return live.internalId;
    return state.store(storeId).deleted.find((d) => d.orderId === data.orderId)?.id;
  };

  const sendWebhook: EcwidSimulator['sendWebhook'] = (storeId, eventType, data, o) =>
    sender.send(storeId, eventType, data, entityIdFor(storeId, eventType, data), o?.signWith);

  const onApiChange = (storeId: number, eventType: string, order: EcwidOrder, data: Record<string, unknown>): void => {
    if (opts.autoWebhooks === false || !sender.url) return;
    // Like Ecwid: the API answer does not wait for the webhook, and a failed delivery is not the caller's problem.
    void sender.send(storeId, eventType, data, order.internalId).catch(() => undefined);
  };

  let appUrl: string | undefined;
  const sim: EcwidSimulator = {
    url: '',
    oauthUrl: '',
    port: 0,
    clientId,
    clientSecret,
    requests,
    faults,
    webhooks: sender.deliveries,
    addStore: (o) => void state.addStore(o),
    revokeToken: (storeId) => state.revokeTokens(storeId),
    upsertOrder: (storeId, order) => state.upsertOrder(storeId, order as EcwidOrder),
    getOrder: (storeId, orderId) => {
      const o = state.findOrder(storeId, orderId);
      return o ? structuredClone(o) : undefined;
    },
    deleteOrder: (storeId, orderId) => void state.deleteOrder(storeId, orderId),
    listOrders: (storeId) =>
      [...state.store(storeId).orders.values()].sort((a, b) => (a.internalId ?? 0) - (b.internalId ?? 0)).map((o) => structuredClone(o)),
    upsertProduct: (storeId, product) => state.upsertProduct(storeId, product),
    setWebhookUrl: (url) => {
      sender.url = url;
    },
    sendWebhook,
    issueAuthCode: (storeId, redirectUri) => oauth.issueCode(storeId, redirectUri),
    setAppUrl: (url) => {
      appUrl = url;
    },
    adminUrl: (storeId, lang) => {
      const host = appUrl && new URL(appUrl).hostname === 'localhost' ? '127.0.0.1' : 'localhost';
      return `http://${host}:${sim.port}/admin/${storeId}${lang ? `?lang=${encodeURIComponent(lang)}` : ''}`;
    },
    appPayload: (storeId, lang) => appPayloadFor(state, clientSecret, storeId, lang),
    close: async () => undefined,
  };

  const app = simulatorApp(requests, faults);
  app.use(simControlRoutes({ ...sim, hasStore: (id) => state.stores.has(id) }));
  app.use(adminPageRoutes({ state, clientSecret, appUrl: () => appUrl }));

  const api = express.Router();
  const storeApi = express.Router();
  storeApi.use(requireJsonBody, express.json({ type: ['application/json', 'text/json'], limit: '5mb' }));
  storeApi.use(orderRoutes(state, onApiChange), profileRoutes(), productRoutes());
  storeApi.use((req: Request, res: Response) => sendError(res, 404, 'NOT_FOUND', `No such resource: ${req.method} ${req.originalUrl.split('?')[0]}`));
  api.use('/:storeId', storeGate(state, limiter), storeApi);
  app.use('/api/v3', api);
  app.use('/api/oauth', oauth.router());
  app.use((req: Request, res: Response) => sendError(res, 404, 'NOT_FOUND', `No such resource: ${req.method} ${req.path}`));
  app.use((err: unknown, _req: Request, res: Response, _next: NextFunction) => {
    const e = err as { type?: string; status?: number; message?: string };
    if (res.headersSent) return;
    if (e.type === 'entity.parse.failed') return sendError(res, 400, 'WRONG_PARAMETER', 'The request body is not valid JSON');
    if (e.type === 'entity.too.large') return sendError(res, 413, 'WRONG_PARAMETER', 'The request body is too large');
    sendError(res, 500, 'INTERNAL_ERROR', `Internal error: ${e.message ?? String(err)}`);
  });

  const server = await listen(app, opts.port ?? 0);
  sim.url = `${server.url}/api/v3`;
  sim.oauthUrl = `${server.url}/api/oauth`;
  sim.port = server.port;
  sim.close = server.close;
  return sim;
}
