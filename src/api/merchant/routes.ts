import type { SessionSecrets } from '../key-ring';
import express, { Router, type NextFunction, type Request, type Response } from 'express';
import { z } from 'zod';
import type { ConnectionService } from '../../connections/connection-service';
import { ConnectionRefused, verifyEcwidAccess } from '../../connections/ecwid-access';
import { createConnectionSchema, importSinceInRange, replaceCredentialsSchema, statusMappingSchema } from '../../connections/schemas';
import { checkShipStationKeys } from '../../connections/shipstation-access';
import { CUSTOM_STATUSES, FULFILLMENT_STATUSES } from '../../domain/ecwid';
import type { Logger } from '../../logging/logger';
import type { ConnectionSettings, OrderDecision } from '../../workflows/definitions';
import { PayloadRefused, decryptEcwidPayload, type EcwidAppPayload } from './ecwid-payload';
import { langOf, messages, type ErrorKey, type Lang, type NoticeKey } from './i18n';
import { installPage, isoDay, refusalPage, storePage, type Bounds, type MerchantFlash, type PageContext } from './pages';
import { MerchantSessions, type MerchantSession } from './session';
import { statusNamesWithin, type LoadStatusNames } from '../status-names';

export interface MerchantAppOptions {
  service: ConnectionService;
  /** Signs merchant sessions (through a derived key), so every API process accepts them. */
  /** SESSION_SECRET (and old ones), or the admin token (earlier behaviour): what merchant sessions are signed with. */
  sessionSecrets: SessionSecrets;
  /** The Ecwid app's client secret: its first 16 bytes decrypt the payload. Unset: the page refuses to open. */
  clientSecret?: string;
  ecwidApiUrl: string;
  shipstationApiUrl: string;
  /** Origins allowed to frame the page (Ecwid's admin): CSP frame-ancestors. */
  frameAncestors: string[];
  /** Whether a merchant may send orders to the operator's own ShipStation account. */
  operatorAccountAllowed: boolean;
  bounds: Bounds;
  /** The store's custom status names, so the merchant reads "Backorder", not "custom fulfillment status 1". */
  loadStatusNames?: LoadStatusNames;
  logger: Logger;
}

const NOTICE_KEYS = Object.keys(messages('en').notices) as NoticeKey[];
const ERROR_KEYS = Object.keys(messages('en').errors) as ErrorKey[];

function flashFrom(req: Request): MerchantFlash {
  const q = req.query as Record<string, unknown>;
  return {
    notice: NOTICE_KEYS.find((k) => k === q.done),
    error: ERROR_KEYS.find((k) => k === q.error),
  };
}

/** The CSP of the app page: nothing but inline styles and its own forms, framed by Ecwid's admin only. */
export function appPageCsp(frameAncestors: string[]): string {
  const ancestors = frameAncestors.length ? frameAncestors.join(' ') : "'none'";
  return `default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; form-action 'self'; base-uri 'none'; frame-ancestors ${ancestors}`;
}

const dateField = z.iso.date();

/**
 * The connector as an Ecwid native app: GET /ecwid/app (Ecwid's iframe, with `?payload=`), GET /ecwid/app/store
 * (the store's page) and its POST forms. Every route acts on the one store of the session; no route takes a
 * store ID from the request.
 */
export function merchantAppRoutes(opts: MerchantAppOptions): Router {
  const r = Router();
  const sessions = new MerchantSessions(opts.sessionSecrets);
  const form = express.urlencoded({ extended: false, limit: '32kb' });
  const csp = appPageCsp(opts.frameAncestors);

  r.use('/ecwid/app', (_req, res, next) => {
    // Only this page may be framed, and only by Ecwid's admin; X-Frame-Options can't name an origin, so it goes.
    res.setHeader('Content-Security-Policy', csp);
    res.removeHeader('X-Frame-Options');
    res.setHeader('Cache-Control', 'no-store');
    next();
  });

  const send = (res: Response, status: number, html: string) => res.status(status).type('html').send(html);
  const refuse = (res: Response, status: number, lang: Lang, message: string) => send(res, status, refusalPage(lang, message));
  const ctxOf = (session: MerchantSession): PageContext => ({ session: session.value, csrf: sessions.csrfToken(session.value), lang: session.lang });
  const storeUrl = (session: MerchantSession, q: Record<string, string>) =>
    `/ecwid/app/store?${new URLSearchParams({ s: session.value, ...q }).toString()}`;

  const safe =
    (fn: (req: Request, res: Response) => Promise<void>) =>
    (req: Request, res: Response, next: NextFunction): void => {
      fn(req, res).catch((err: unknown) => {
        if (res.headersSent) return next(err);
        opts.logger.error({ err: err instanceof Error ? err.message : String(err), path: req.path }, 'merchant page failed');
        refuse(res, 503, langOf(req.query.lang), messages(langOf(req.query.lang)).refusedUnavailable);
      });
    };

  /** Checks the payload's token with Ecwid, for the payload's own store: a payload with a rewritten store_id fails here. */
  const verified = async (payload: EcwidAppPayload, lang: Lang, res: Response): Promise<boolean> => {
    const t = messages(lang);
    try {
      const profile = await verifyEcwidAccess(opts.ecwidApiUrl, payload.store_id, payload.access_token);
      const profileStore = profile.generalInfo?.storeId;
      if (profileStore !== undefined && Number(profileStore) !== payload.store_id) {
        refuse(res, 403, lang, t.refusedToken);
        return false;
      }
      return true;
    } catch (err) {
      if (!(err instanceof ConnectionRefused)) throw err;
      opts.logger.warn({ storeId: payload.store_id, code: err.code }, 'Ecwid app page: Ecwid refused the payload token');
      if (err.code === 'plan_required') refuse(res, 402, lang, t.planRequired);
      else if (err.code === 'ecwid_unavailable') refuse(res, 502, lang, t.refusedUnavailable);
      else refuse(res, 403, lang, t.refusedToken);
      return false;
    }
  };

  const renderStore = async (res: Response, session: MerchantSession, flash: MerchantFlash, asked?: string, httpStatus = 200): Promise<boolean> => {
    const status = await opts.service.status(session.storeId);
    if (!status) return false;
    let decision: OrderDecision | undefined;
    if (asked) decision = await opts.service.explainOrder(session.storeId, asked).catch(() => undefined);
    const [names, shipments, shipstationStores] = await Promise.all([
      statusNamesWithin(opts.loadStatusNames, session.storeId),
      // Best effort: the page shows without them when Temporal cannot list them now.
      opts.service.recentShipments(session.storeId).catch(() => undefined),
      status.state === 'disconnected' ? undefined : opts.service.shipstationStores.view(session.storeId).catch(() => undefined),
    ]);
    send(
      res,
      httpStatus,
      storePage({ ctx: ctxOf(session), status, connectedBy: status.connectedBy, flash, names, bounds: opts.bounds, askedOrderId: asked, decision, shipments, shipstationStores }),
    );
    return true;
  };

  // Ecwid opens the app here, in its admin's iframe.
  r.get(
    '/ecwid/app',
    safe(async (req, res) => {
      const q = req.query as Record<string, unknown>;
      let lang = langOf(q.lang);
      if (!opts.clientSecret) return void refuse(res, 503, lang, messages(lang).refusedNotConfigured);
      let payload: EcwidAppPayload;
      try {
        payload = decryptEcwidPayload(q.payload, opts.clientSecret);
      } catch (err) {
        if (!(err instanceof PayloadRefused)) throw err;
        opts.logger.warn({ reason: err.message }, 'Ecwid app page: payload refused');
        return void refuse(res, 400, lang, messages(lang).refusedBadPayload);
      }
      lang = langOf(q.lang, payload.lang);
      if (!(await verified(payload, lang, res))) return;
      const session = sessions.read(sessions.issue(payload.store_id, lang))!;
      const status = await opts.service.status(payload.store_id);
      if (status && status.state !== 'disconnected' && status.state !== 'needs_reconnect') {
        await renderStore(res, session, {});
        return;
      }
      send(
        res,
        200,
        installPage({ ctx: ctxOf(session), storeId: payload.store_id, payload: q.payload as string, operatorAccountAllowed: opts.operatorAccountAllowed, reconnect: !!status, flash: {} }),
      );
    }),
  );

  r.get(
    '/ecwid/app/store',
    safe(async (req, res) => {
      const session = sessions.read(req.query.s);
      if (!session) return void refuse(res, 401, langOf(req.query.lang), messages(langOf(req.query.lang)).refusedSession);
      const asked = typeof req.query.order === 'string' ? req.query.order.trim().slice(0, 100) : '';
      if (!(await renderStore(res, session, flashFrom(req), asked || undefined))) {
        refuse(res, 404, session.lang, messages(session.lang).errors.not_connected);
      }
    }),
  );

  /** Forms: the session (scoped to one store) and its CSRF token, both from the body. */
  const action = (path: string, run: (session: MerchantSession, body: Record<string, unknown>, req: Request, res: Response) => Promise<void>) =>
    r.post(
      `/ecwid/app/${path}`,
      form,
      safe(async (req, res) => {
        const body = (req.body ?? {}) as Record<string, unknown>;
        const session = sessions.read(body.s);
        if (!session) return void refuse(res, 401, 'en', messages('en').refusedSession);
        if (!sessions.csrfValid(session.value, body._csrf)) return void refuse(res, 403, session.lang, messages(session.lang).errors.csrf);
        await run(session, body, req, res);
      }),
    );
  const back = (res: Response, session: MerchantSession, out: { notice?: NoticeKey; error?: ErrorKey }, hash = '') =>
    res.redirect(303, `${storeUrl(session, out.error ? { error: out.error } : { done: out.notice ?? '' })}${hash}`);
  const done = (ok: boolean, notice: NoticeKey) => (ok ? { notice } : { error: 'not_connected' as const });

  action('install', async (session, body, _req, res) => {
    const lang = session.lang;
    // The token comes from Ecwid's payload, sent back by the form: the session itself never holds it.
    let payload: EcwidAppPayload;
    try {
      payload = decryptEcwidPayload(body.payload, opts.clientSecret ?? '');
    } catch {
      return void refuse(res, 400, lang, messages(lang).refusedBadPayload);
    }
    if (payload.store_id !== session.storeId) return void refuse(res, 403, lang, messages(lang).refusedBadPayload);
    const again = async (error: ErrorKey, status = 400, detail?: string) => {
      const existing = await opts.service.status(session.storeId).catch(() => undefined);
      send(
        res,
        status,
        installPage({
          ctx: ctxOf(session),
          storeId: session.storeId,
          payload: String(body.payload),
          operatorAccountAllowed: opts.operatorAccountAllowed,
          reconnect: !!existing,
          flash: { error },
          errorDetail: detail,
        }),
      );
    };
    const base = { ecwidStoreId: payload.store_id, ecwidAccessToken: payload.access_token };
    let candidate: Record<string, unknown>;
    if (body.account === 'operator') {
      if (!opts.operatorAccountAllowed) return void (await again('operator_not_allowed', 403));
      candidate = { ...base, useDefaultShipStationAccount: true };
    } else if (body.account === 'own') {
      const apiKey = typeof body.apiKey === 'string' ? body.apiKey.trim() : '';
      const apiSecret = typeof body.apiSecret === 'string' ? body.apiSecret.trim() : '';
      if (!apiKey || !apiSecret) return void (await again('keys_missing'));
      candidate = { ...base, shipstationApiKey: apiKey, shipstationApiSecret: apiSecret };
    } else {
      return void (await again('choose_account'));
    }
    const parsed = createConnectionSchema.safeParse(candidate);
    if (!parsed.success) return void (await again('keys_missing'));
    if (parsed.data.shipstationApiKey && parsed.data.shipstationApiSecret) {
      const check = await checkShipStationKeys(opts.shipstationApiUrl, parsed.data.shipstationApiKey, parsed.data.shipstationApiSecret);
      if (check === 'refused') return void (await again('shipstation_refused', 422));
      if (check === 'unavailable') return void (await again('shipstation_unavailable', 502));
    }
    try {
      const { created } = await opts.service.connect(parsed.data, 'merchant');
      // A reconnect catches up the write-backs parked meanwhile, also after a disconnect (then `created`).
      await opts.service.retryParkedShipments(session.storeId);
      back(res, session, { notice: created ? 'installed' : 'reconnected' });
    } catch (err) {
      if (!(err instanceof ConnectionRefused)) throw err;
      if (err.code === 'shipstation_account_has_other_secret') return void (await again('shipstation_other_secret', 409));
      if (err.code === 'shipstation_credentials_refused') return void (await again('shipstation_refused', 422));
      if (err.code === 'shipstation_unavailable') return void (await again('shipstation_unavailable', 502));
      await again('ecwid_refused', err.status, err.code === 'plan_required' ? messages(lang).planRequired : undefined);
    }
  });

  // The ShipStation store that receives the store's orders: one of its account's active manual stores, or the default.
  action('shipstation-store', async (session, body, _req, res) => {
    const raw = typeof body.shipstationStoreId === 'string' ? body.shipstationStoreId.trim() : '';
    if (raw !== '' && !/^\d{1,12}$/.test(raw)) return back(res, session, { error: 'invalid_shipstation_store' }, '#shipstation-store');
    try {
      const ok = await opts.service.shipstationStores.choose(session.storeId, raw === '' ? null : Number(raw));
      back(res, session, done(ok, 'store_saved'), '#shipstation-store');
    } catch (err) {
      if (!(err instanceof ConnectionRefused)) throw err;
      back(res, session, { error: err.code === 'invalid_shipstation_store' ? 'invalid_shipstation_store' : 'shipstation_stores_unavailable' }, '#shipstation-store');
    }
  });

  action('settings', async (session, body, _req, res) => {
    const status = await opts.service.status(session.storeId);
    if (!status || status.state === 'disconnected') return back(res, session, { error: 'not_connected' });
    const settings = settingsFromForm(body, status.settings, opts.bounds);
    if (settings === 'import_since_out_of_range') {
      // A 400 with the page and the field named, rather than a redirect: nothing was saved.
      if (!(await renderStore(res, session, { error: settings }, undefined, 400))) back(res, session, { error: 'not_connected' });
      return;
    }
    if (typeof settings === 'string') return back(res, session, { error: settings }, '#settings');
    const ok = await opts.service.updateSettings(session.storeId, settings);
    back(res, session, done(ok, 'settings_saved'), '#settings');
  });
  action('sync', async (session, _b, _req, res) => back(res, session, done(await opts.service.syncNow(session.storeId, { trigger: 'operator' }), 'sync_started')));
  action('pause', async (session, _b, _req, res) => back(res, session, done(await opts.service.pause(session.storeId), 'paused')));
  action('resume', async (session, _b, _req, res) => back(res, session, done(await opts.service.resume(session.storeId), 'resumed')));
  action('retry-shipments', async (session, _b, _req, res) => {
    const running = await opts.service.isRunning(session.storeId);
    if (running) await opts.service.retryParkedShipments(session.storeId);
    back(res, session, done(running, 'shipments_retried'));
  });
  // The merchant replaces the key pair of their own ShipStation account (only when it serves this store alone).
  action('shipstation-keys', async (session, body, _req, res) => {
    const pair = replaceCredentialsSchema.safeParse({ apiKey: body.apiKey, apiSecret: body.apiSecret });
    if (!pair.success) return back(res, session, { error: 'keys_missing' }, '#replace-keys');
    try {
      const outcome = await opts.service.replaceStoreAccountCredentials(session.storeId, pair.data, 'merchant');
      if (outcome === 'replaced') return back(res, session, { notice: 'keys_replaced' });
      back(res, session, { error: outcome }, '#replace-keys');
    } catch (err) {
      if (!(err instanceof ConnectionRefused)) throw err;
      const error: ErrorKey =
        err.code === 'shipstation_unavailable' ? 'shipstation_unavailable' : err.code === 'key_of_another_account' ? 'shipstation_other_secret' : 'shipstation_refused';
      back(res, session, { error }, '#replace-keys');
    }
  });
  action('disconnect', async (session, body, _req, res) => {
    if (body.confirm !== 'yes') return back(res, session, { error: 'confirm_disconnect' });
    back(res, session, done(await opts.service.disconnect(session.storeId), 'disconnected'));
  });

  return r;
}

/** The settings form → a settings update, or the error to show. Only fields that changed are sent. */
export function settingsFromForm(body: Record<string, unknown>, current: ConnectionSettings, bounds: Bounds): Partial<ConnectionSettings> | ErrorKey {
  const raw: Record<string, unknown> = {};
  // A repeated field arrives as an array, which the schema refuses rather than us guessing.
  for (const cs of CUSTOM_STATUSES) if (body[cs] !== undefined && body[cs] !== '') raw[cs] = body[cs];
  const mapping = statusMappingSchema.safeParse(raw);
  if (!mapping.success) return 'invalid_settings';
  const out: Partial<ConnectionSettings> = { statusMapping: mapping.data, importPickupOrders: body.importPickupOrders === 'on' };

  const poll = typeof body.pollIntervalSeconds === 'string' && /^\d{1,6}$/.test(body.pollIntervalSeconds.trim()) ? Number(body.pollIntervalSeconds) : NaN;
  if (!Number.isInteger(poll)) return 'invalid_settings';
  if (poll < bounds.minPollSeconds || poll > bounds.maxPollSeconds) return 'poll_out_of_range';
  if (poll !== current.pollIntervalSeconds) out.pollIntervalSeconds = poll;

  const since = dateField.safeParse(typeof body.importSince === 'string' ? body.importSince.trim() : undefined);
  if (!since.success) return 'invalid_settings';
  if (!importSinceInRange(Date.parse(since.data) / 1000)) return 'import_since_out_of_range';
  // The form shows a date; unchanged, it must not move the start to midnight (which would re-read a few hours).
  if (since.data !== isoDay(current.importSince)) out.importSince = Math.floor(Date.parse(since.data) / 1000);

  const partial = body.partialShipmentStatus;
  if (partial !== undefined && partial !== '') {
    if (typeof partial !== 'string' || !(FULFILLMENT_STATUSES as readonly string[]).includes(partial)) return 'invalid_settings';
    out.partialShipmentStatus = partial as ConnectionSettings['partialShipmentStatus'];
  }
  return out;
}
