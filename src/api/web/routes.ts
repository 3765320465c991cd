import { ConnectionRefused } from '../../connections/ecwid-access';
import express, { Router, type NextFunction, type Request, type RequestHandler, type Response } from 'express';
import type { ConnectionService } from '../../connections/connection-service';
import { replaceCredentialsSchema, statusMappingSchema } from '../../connections/schemas';
import { CUSTOM_STATUSES } from '../../domain/ecwid';
import type { OrderDecision } from '../../workflows/definitions';
import { secretsEqual } from '../auth';
import { ERRORS, NOTICES, dashboardPage, loginPage, messagePage, storePage, type ErrorKey, type Flash, type NoticeKey } from './pages';
import { statusNamesWithin, type LoadStatusNames } from '../status-names';
import { AuthThrottle, recordAuthFailure, refuseIfThrottled } from '../throttle';
import { WebSessions, clearSessionCookie, safeNext, sessionOf, setSessionCookie, type EndedSessions } from './session';

export { sessionOrBearer } from './session';

export interface WebRoutesOptions {
  service: ConnectionService;
  adminToken: string;
  /** The session signer (SESSION_SECRET); default: one derived from the admin token. */
  sessions?: WebSessions;
  /** Names merchants gave their custom statuses, for every store (IDs → names); loaded names win. */
  statusNames?: Record<string, string>;
  /** A store's custom status names (Ecwid `/profile/order_statuses`); without it, or if it fails, IDs are shown. */
  loadStatusNames?: LoadStatusNames;
  /** Where logouts are recorded for every API process (without it, a logout only clears the browser's cookie). */
  ended?: EndedSessions;
  /** Failed logins per client address (shared with the bearer-token routes). */
  throttle?: AuthThrottle;
}

interface WebRequest extends Request {
  session?: string;
}

function storeIdParam(raw: unknown): number | undefined {
  return typeof raw === 'string' && /^\d{1,12}$/.test(raw) ? Number(raw) : undefined;
}

function flashFrom(req: Request): Flash {
  const q = req.query as Record<string, unknown>;
  return {
    notice: typeof q.done === 'string' && q.done in NOTICES ? (q.done as NoticeKey) : undefined,
    error: typeof q.error === 'string' && q.error in ERRORS ? (q.error as ErrorKey) : undefined,
  };
}

function html(res: Response, status: number, body: string): void {
  // Pages carry CSRF tokens and store data: never cached, never framed (helmet also sends frame-ancestors).
  res.status(status).set('Cache-Control', 'no-store').type('html').send(body);
}

/**
 * The operator's web page: GET/POST /login, POST /logout, GET / (connections), GET /stores/:storeId (status,
 * skipped and failed orders, mapping) and its POST actions. Server-rendered, no scripts.
 */
export function webRoutes(opts: WebRoutesOptions): Router {
  const r = Router();
  const sessions = opts.sessions ?? new WebSessions(opts.adminToken);
  // Form bodies for these routes only: the rest of the API speaks JSON.
  const form = express.urlencoded({ extended: false, limit: '32kb' });

  const throttle = opts.throttle ?? new AuthThrottle();
  const current = (req: Request) => sessionOf(sessions, req, opts.ended);
  const unavailable = (res: Response) =>
    html(res, 503, messagePage('Temporarily unavailable', 'The connector could not reach its workflow service. Try again in a moment.'));

  /**
   * Pages: a browser without a session (or with one ended by a logout) goes to the login page and comes back after.
   * `Authorization: Bearer <ADMIN_TOKEN>` (a script, or a proxy that adds it) opens the page too, and starts a
   * session for its forms: they still need the CSRF token, so a header a proxy adds to every request can't post a
   * form from another site.
   */
  const page: RequestHandler = (req, res, next) => {
    current(req).then((found) => {
      let session = found;
      const header = req.headers.authorization ?? '';
      if (!session && header.startsWith('Bearer ') && secretsEqual(header.slice(7).trim(), opts.adminToken)) {
        session = sessions.issue();
        setSessionCookie(req, res, session);
      }
      if (!session) {
        res.redirect(302, `/login?next=${encodeURIComponent(safeNext(req.path))}`);
        return;
      }
      (req as WebRequest).session = session;
      next();
    }, () => unavailable(res));
  };

  /** State-changing forms: a session, and the CSRF token derived from it. */
  const action: RequestHandler = (req, res, next) => {
    current(req).then((session) => {
      if (!session) {
        res.redirect(303, '/login');
        return;
      }
      const body = (req.body ?? {}) as Record<string, unknown>;
      if (!sessions.csrfValid(session, body._csrf)) {
        html(res, 403, messagePage('Form expired', ERRORS.csrf));
        return;
      }
      (req as WebRequest).session = session;
      next();
    }, () => unavailable(res));
  };

  /** Express 5 forwards rejections to the JSON error handler; a browser should get a page instead. */
  const safe =
    (fn: (req: WebRequest, res: Response) => Promise<void>) =>
    (req: Request, res: Response, next: NextFunction): void => {
      fn(req as WebRequest, res).catch((err: unknown) => {
        if (res.headersSent) return next(err);
        html(res, 503, messagePage('Temporarily unavailable', 'The connector could not reach its workflow service. Try again in a moment.'));
      });
    };

  const csrfOf = (req: WebRequest) => sessions.csrfToken(req.session ?? '');

  const statusNamesFor = (storeId: number) => statusNamesWithin(opts.loadStatusNames, storeId, opts.statusNames);

  r.get(
    '/login',
    safe(async (req, res) => {
      if (await current(req)) {
        res.redirect(302, safeNext(req.query.next));
        return;
      }
      html(res, 200, loginPage({ next: safeNext(req.query.next), error: flashFrom(req).error }));
    }),
  );

  r.post('/login', form, (req, res) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const next = safeNext(body.next);
    if (refuseIfThrottled(throttle, 'login', req, res, loginPage({ next, error: 'too_many_attempts' }))) return;
    if (!secretsEqual(typeof body.token === 'string' ? body.token.trim() : undefined, opts.adminToken)) {
      recordAuthFailure(throttle, 'login', req);
      html(res, 401, loginPage({ next, error: 'bad_token' }));
      return;
    }
    setSessionCookie(req, res, sessions.issue());
    res.redirect(303, next);
  });

  r.post(
    '/logout',
    form,
    action,
    safe(async (req, res) => {
      // Recorded for every API process before the cookie goes: a copy of it (another browser, a stolen one) ends too.
      await opts.ended?.end(sessions.nonceOf(req.session ?? ''));
      clearSessionCookie(req, res);
      res.redirect(303, '/login');
    }),
  );

  r.get(
    '/',
    page,
    safe(async (req, res) => {
      html(res, 200, dashboardPage({ connections: await opts.service.list(), csrf: csrfOf(req), flash: flashFrom(req) }));
    }),
  );

  r.get(
    '/stores/:storeId',
    page,
    safe(async (req, res) => {
      const storeId = storeIdParam(req.params.storeId);
      const status = storeId === undefined ? undefined : await opts.service.status(storeId);
      if (storeId === undefined || !status) {
        html(res, 404, messagePage('Store not found', ERRORS.not_found));
        return;
      }
      const asked = typeof req.query.order === 'string' ? req.query.order.trim().slice(0, 100) : '';
      let decision: OrderDecision | undefined;
      if (asked) decision = await opts.service.explainOrder(storeId, asked).catch(() => undefined);
      const statusNames = await statusNamesFor(storeId);
      // Shipped items per order: best effort, the page shows without them when Temporal cannot list them now.
      const shipments = await opts.service.recentShipments(storeId).catch(() => undefined);
      // The account's ShipStation stores: best effort too (one GET /stores per account a minute at most).
      const shipstationStores = status.state === 'disconnected' ? undefined : await opts.service.shipstationStores.view(storeId).catch(() => undefined);
      const parked = await opts.service.parkedShipments(storeId).catch(() => undefined);
      html(res, 200, storePage({ status, csrf: csrfOf(req), flash: flashFrom(req), statusNames, decision, askedOrderId: asked || undefined, shipments, shipstationStores, parked }));
    }),
  );

  /** POST /stores/:storeId/<path>: the action, then back to the store page with a flash message. */
  const storeAction = (path: string, run: (storeId: number, body: Record<string, unknown>) => Promise<{ notice?: NoticeKey; error?: ErrorKey; to?: string; hash?: string }>) =>
    r.post(
      `/stores/:storeId/${path}`,
      form,
      action,
      safe(async (req, res) => {
        const storeId = storeIdParam(req.params.storeId);
        if (storeId === undefined) {
          html(res, 404, messagePage('Store not found', ERRORS.not_found));
          return;
        }
        const out = await run(storeId, (req.body ?? {}) as Record<string, unknown>);
        const q = out.error ? `error=${out.error}` : `done=${out.notice}`;
        res.redirect(303, `${out.to ?? `/stores/${storeId}`}?${q}${out.hash ?? ''}`);
      }),
    );
  const done = (ok: boolean, notice: NoticeKey) => (ok ? { notice } : { error: 'not_found' as const });

  storeAction('sync', async (id) => done(await opts.service.syncNow(id, { trigger: 'operator' }), 'sync_started'));
  storeAction('pause', async (id) => done(await opts.service.pause(id), 'paused'));
  storeAction('retry-shipments', async (id) => done((await opts.service.isRunning(id)) && (await opts.service.retryParkedShipments(id)) >= 0, 'shipments_retried'));
  storeAction('resume', async (id) => done(await opts.service.resume(id), 'resumed'));
  storeAction('disconnect', async (id, body) => {
    if (body.confirm !== 'yes') return { error: 'confirm_disconnect' };
    const ok = await opts.service.disconnect(id);
    return ok ? { notice: 'disconnected', to: '/' } : { error: 'not_found' };
  });
  storeAction('shipstation-credentials', async (id, body) => {
    const pair = replaceCredentialsSchema.safeParse({ apiKey: body.apiKey, apiSecret: body.apiSecret });
    if (!pair.success) return { error: 'keys_missing', hash: '#replace-keys' };
    try {
      const outcome = await opts.service.replaceStoreAccountCredentials(id, pair.data, 'operator');
      return outcome === 'replaced' ? { notice: 'keys_replaced' } : { error: 'not_found' };
    } catch (err) {
      if (!(err instanceof ConnectionRefused)) throw err;
      const known = ['shipstation_credentials_refused', 'shipstation_unavailable', 'key_of_another_account'] as const;
      return { error: (known as readonly string[]).includes(err.code) ? (err.code as (typeof known)[number]) : 'not_found', hash: '#replace-keys' };
    }
  });
  storeAction('shipstation-store', async (id, body) => {
    const raw = typeof body.shipstationStoreId === 'string' ? body.shipstationStoreId.trim() : '';
    if (raw !== '' && !/^\d{1,12}$/.test(raw)) return { error: 'invalid_shipstation_store', hash: '#shipstation-store' };
    try {
      const ok = await opts.service.shipstationStores.choose(id, raw === '' ? null : Number(raw));
      return { ...done(ok, 'store_saved'), hash: '#shipstation-store' };
    } catch (err) {
      if (!(err instanceof ConnectionRefused)) throw err;
      const known = ['invalid_shipstation_store', 'shipstation_store_not_listable'] as const;
      const error = (known as readonly string[]).includes(err.code) ? (err.code as (typeof known)[number]) : 'shipstation_stores_unavailable';
      return { error, hash: '#shipstation-store' };
    }
  });
  storeAction('mapping', async (id, body) => {
    // Only the six custom statuses are read; "(not imported)" is an empty value, i.e. no mapping.
    const raw: Record<string, unknown> = {};
    // A repeated field arrives as an array, which the schema refuses rather than us guessing.
    for (const cs of CUSTOM_STATUSES) if (body[cs] !== undefined && body[cs] !== '') raw[cs] = body[cs];
    const parsed = statusMappingSchema.safeParse(raw);
    if (!parsed.success) return { error: 'invalid_mapping', hash: '#mapping' };
    const ok = await opts.service.updateSettings(id, { statusMapping: parsed.data, importPickupOrders: body.importPickupOrders === 'on' });
    return { ...done(ok, 'mapping_saved'), hash: '#mapping' };
  });

  return r;
}
