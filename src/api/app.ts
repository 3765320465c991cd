import { randomUUID } from 'node:crypto';
import express, { type NextFunction, type Request, type Response } from 'express';
import helmet from 'helmet';
import type { Client } from '@temporalio/client';
import type { PayloadCodec } from '@temporalio/common';
import type { Logger } from '../logging/logger';
import { ConnectionService } from '../connections/connection-service';
import { AccountService } from '../connections/shipstation-accounts';
import { registry } from '../observability/metrics';
import { requireAdmin } from './auth';
import { accountRoutes } from './routes/accounts';
import { codecRoutes } from './routes/codec';
import { credentialsRoutes } from './routes/credentials';
import { connectionRoutes } from './routes/connections';
import { oauthRoutes } from './routes/oauth';
import { ecwidWebhookRoutes } from './routes/ecwid-webhooks';
import { shipstationWebhookRoutes } from './routes/shipstation-webhooks';
import { merchantAppRoutes } from './merchant/routes';
import { spendThroughTemporal } from './oauth-state';
import { openApiDocument } from './openapi';
import { AuthThrottle } from './throttle';
import type { SessionSecrets } from './key-ring';
import { WebSessions, endedSessionsThroughTemporal } from './web/session';
import { sessionOrBearer, webRoutes } from './web/routes';

export interface AppOptions {
  client: Client;
  logger: Logger;
  adminToken: string;
  /**
   * SESSION_SECRET and SESSION_OLD_SECRETS: the signing keys of operator and merchant sessions and OAuth states,
   * apart from the admin token (which is only the operator's login). Absent: derived from the admin token, as before.
   */
  sessionSecret?: string;
  sessionOldSecrets?: string[];
  taskQueue: string;
  ecwidApiUrl: string;
  shipstationApiUrl: string;
  ecwidClientSecret?: string;
  ecwidClientId?: string;
  ecwidOAuthUrl: string;
  /** Base URL Ecwid and ShipStation reach (OAuth redirect, webhooks). */
  publicUrl: string;
  /** SHIPSTATION_WEBHOOK_KEY and SHIPSTATION_WEBHOOK_OLD_KEYS: verify each account's SHIP_NOTIFY signature. */
  shipstationWebhookKey?: string;
  shipstationWebhookOldKeys?: string[];
  defaultPollIntervalSeconds: number;
  codec: PayloadCodec;
  /** IDs of the codec's keys (ENCRYPTION_KEY, ENCRYPTION_OLD_KEYS) for GET /credentials. */
  encryptionKeyIds?: { current: string; previous: string[] };
  temporalUiOrigin: string;
  /**
   * `npm start` with the simulators only: the dev server's Web UI can't send our bearer token (its codec settings
   * pass an OIDC access token or cookies, neither of which a dev stack has), so its codec calls pass without one,
   * but only from a loopback socket, addressed to a loopback name (`Host`: no DNS rebinding) and sent by the UI's
   * page (`Origin`: no other web page). Never set in production, where the codec always needs the admin token.
   */
  codecAllowLoopbackWithoutToken?: boolean;
  /** Express `trust proxy` (TRUST_PROXY): whose X-Forwarded-* headers name the client. Default: loopback only. */
  trustProxy?: number | string[];
  /** The Ecwid app page (GET /ecwid/app). Defaults: framed by https://my.ecwid.com, merchants bring their own ShipStation account. */
  merchantApp?: {
    /** Origins allowed to frame the page (ECWID_APP_FRAME_ANCESTORS). */
    frameAncestors?: string[];
    /** Whether merchants may use the operator's ShipStation account (MERCHANTS_MAY_USE_OPERATOR_SHIPSTATION). */
    operatorAccountAllowed?: boolean;
    minPollSeconds?: number;
    maxPollSeconds?: number;
  };
}

export const DEFAULT_ECWID_ADMIN_ORIGINS = ['https://my.ecwid.com'];

/** The HTTP surface: connections (admin), webhooks (signed or secret-bearing), codec, health and metrics. */
export function createApp(opts: AppOptions): { app: express.Express; service: ConnectionService } {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', opts.trustProxy ?? 'loopback');
  // No page of the API may be framed (clickjacking), except the Ecwid app page, which sets its own CSP.
  app.use(
    helmet({
      contentSecurityPolicy: { directives: { 'frame-ancestors': ["'none'"] } },
      frameguard: { action: 'deny' },
    }),
  );

  // Request IDs in every log line; the query string is never logged (an account's SHIP_NOTIFY signature is in it).
  app.use((req: Request, res: Response, next: NextFunction) => {
    const id = (req.header('x-request-id') ?? '').slice(0, 64) || randomUUID();
    res.setHeader('X-Request-Id', id);
    const started = Date.now();
    res.on('finish', () =>
      opts.logger.info({ reqId: id, method: req.method, path: req.path, status: res.statusCode, ms: Date.now() - started }, 'request'),
    );
    next();
  });

  // JSON only, and small: no route here needs more than a connection form or a webhook.
  app.use(express.json({ limit: '256kb', type: ['application/json', 'text/json'] }));
  app.use((req: Request, res: Response, next: NextFunction) => {
    const hasBody = Number(req.headers['content-length'] ?? 0) > 0 || req.headers['transfer-encoding'] !== undefined;
    // The merchant page's forms post form-urlencoded bodies, to its own paths only.
    const webForm =
      (req.path === '/login' || req.path === '/logout' || req.path.startsWith('/stores/') || req.path.startsWith('/ecwid/app/')) &&
      req.is('application/x-www-form-urlencoded');
    if (hasBody && ['POST', 'PUT', 'PATCH'].includes(req.method) && !req.is(['application/json', 'text/json']) && !webForm) {
      res.status(415).json({ error: 'unsupported_media_type', message: 'send application/json' });
      return;
    }
    next();
  });

  const accounts = new AccountService({ client: opts.client, shipstationApiUrl: opts.shipstationApiUrl });
  const service = new ConnectionService({
    client: opts.client,
    taskQueue: opts.taskQueue,
    ecwidApiUrl: opts.ecwidApiUrl,
    defaultPollIntervalSeconds: opts.defaultPollIntervalSeconds,
    accounts,
    shipstationApiUrl: opts.shipstationApiUrl,
  });
  // One count of failed logins and bearer tokens per process, whichever route they are tried on.
  const throttle = new AuthThrottle();
  const admin = requireAdmin(opts.adminToken, throttle);
  const ended = endedSessionsThroughTemporal(opts.client, opts.taskQueue);
  const sessionSecrets: SessionSecrets = opts.sessionSecret ? { current: opts.sessionSecret, old: opts.sessionOldSecrets ?? [] } : opts.adminToken;
  const webSessions = new WebSessions(sessionSecrets);
  const loadStatusNames = (storeId: number) => service.customStatusNames(storeId);

  app.get('/health', (_req, res) => {
    res.json({ ok: true });
  });
  app.get('/openapi.json', (_req, res) => {
    res.json(openApiDocument());
  });
  app.get('/metrics', admin, async (_req, res) => {
    res.setHeader('Content-Type', registry.contentType);
    res.send(await registry.metrics());
  });
  app.use(ecwidWebhookRoutes({ clientSecret: opts.ecwidClientSecret, client: opts.client, taskQueue: opts.taskQueue, logger: opts.logger }));
  app.use(
    shipstationWebhookRoutes({
      keys: opts.shipstationWebhookKey ? { current: opts.shipstationWebhookKey, old: opts.shipstationWebhookOldKeys ?? [] } : undefined,
      shipstationApiUrl: opts.shipstationApiUrl,
      client: opts.client,
      taskQueue: opts.taskQueue,
      logger: opts.logger,
    }),
  );
  const codecAuth = (req: Request, res: Response, next: NextFunction) =>
    opts.codecAllowLoopbackWithoutToken && isDevUiCodecCall(req, opts.temporalUiOrigin) ? next() : admin(req, res, next);
  app.use(codecRoutes({ codec: opts.codec, uiOrigin: opts.temporalUiOrigin, requireAdmin: codecAuth }));
  app.use(
    oauthRoutes({
      oauthUrl: opts.ecwidOAuthUrl,
      clientId: opts.ecwidClientId,
      clientSecret: opts.ecwidClientSecret,
      publicUrl: opts.publicUrl,
      stateKey: `oauth-state:${opts.sessionSecret ?? opts.adminToken}`,
      spendNonce: spendThroughTemporal(opts.client, opts.taskQueue),
      service,
      requireAdmin: sessionOrBearer(opts.adminToken, { sessions: webSessions, ended, throttle }),
      logger: opts.logger,
    }),
  );
  app.use('/connections', admin);
  app.use(connectionRoutes(service));
  app.use('/credentials', admin);
  app.use(
    credentialsRoutes({
      accounts,
      held: {
        adminToken: opts.adminToken,
        sessionSecret: opts.sessionSecret,
        sessionOldSecrets: opts.sessionOldSecrets,
        shipstationWebhookKey: opts.shipstationWebhookKey,
        shipstationWebhookOldKeys: opts.shipstationWebhookOldKeys,
        ecwidClientSecret: opts.ecwidClientSecret,
        encryptionKeyIds: opts.encryptionKeyIds,
      },
    }),
  );
  app.use('/accounts', admin);
  app.use(accountRoutes({ accounts, service }));
  app.use(
    merchantAppRoutes({
      service,
      loadStatusNames,
      sessionSecrets,
      clientSecret: opts.ecwidClientSecret,
      ecwidApiUrl: opts.ecwidApiUrl,
      shipstationApiUrl: opts.shipstationApiUrl,
      frameAncestors: opts.merchantApp?.frameAncestors ?? DEFAULT_ECWID_ADMIN_ORIGINS,
      operatorAccountAllowed: opts.merchantApp?.operatorAccountAllowed ?? false,
      bounds: {
        minPollSeconds: opts.merchantApp?.minPollSeconds ?? 60,
        maxPollSeconds: opts.merchantApp?.maxPollSeconds ?? 3600,
      },
      logger: opts.logger,
    }),
  );
  app.use(webRoutes({ service, adminToken: opts.adminToken, sessions: webSessions, loadStatusNames, ended, throttle }));

  app.use((_req: Request, res: Response) => {
    res.status(404).json({ error: 'not_found' });
  });
  // Errors: a message for the client, the details in the log, never a stack trace in a response.
  app.use((err: unknown, req: Request, res: Response, _next: NextFunction) => {
    const status = typeof err === 'object' && err !== null && 'status' in err && typeof err.status === 'number' ? err.status : 500;
    if (status >= 500) opts.logger.error({ err: err instanceof Error ? err.message : String(err), path: req.path }, 'request failed');
    if (res.headersSent) return;
    if (status === 413) res.status(413).json({ error: 'payload_too_large' });
    else if (status === 400) res.status(400).json({ error: 'malformed_json' });
    else if (status < 500) res.status(status).json({ error: 'bad_request' });
    else res.status(503).json({ error: 'temporarily_unavailable', message: 'try again shortly' });
  });
  return { app, service };
}

function isLoopback(addr: string | undefined): boolean {
  return addr === '127.0.0.1' || addr === '::1' || addr === '::ffff:127.0.0.1';
}

const LOOPBACK_NAMES = new Set(['localhost', '127.0.0.1', '[::1]']);

/**
 * A codec call of the local Web UI: from a loopback socket, to a loopback name, from the UI's page. A page the
 * operator visits can reach loopback through DNS rebinding, but its requests then carry its own host name in
 * `Host` and its own origin in `Origin`, which a browser does not let a page forge.
 */
export function isDevUiCodecCall(req: Request, uiOrigin: string): boolean {
  if (!isLoopback(req.socket.remoteAddress)) return false;
  let host: string;
  try {
    host = new URL(`http://${req.headers.host ?? ''}`).hostname.toLowerCase();
  } catch {
    return false;
  }
  return LOOPBACK_NAMES.has(host) && req.headers.origin === uiOrigin;
}
