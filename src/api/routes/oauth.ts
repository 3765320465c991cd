import { Router, type Request, type Response } from 'express';
import { ApiError } from '../../clients/http';
import { exchangeEcwidCode } from '../../clients/ecwid-oauth';
import type { ConnectionService } from '../../connections/connection-service';
import { ConnectionRefused } from '../../connections/ecwid-access';
import type { Logger } from '../../logging/logger';
import { OAuthStates, type SpendNonce } from '../oauth-state';
import { page, escapeHtml } from '../web/html';

export const ECWID_SCOPES = 'read_store_profile read_orders update_orders read_catalog';

/** Answers as HTML for a browser, JSON for an API client. */
function reply(req: Request, res: Response, status: number, title: string, message: string, extra: Record<string, unknown> = {}): void {
  if (req.accepts(['html', 'json']) === 'html') {
    res.status(status).type('html').send(page(title, `<h1>${escapeHtml(title)}</h1><p>${escapeHtml(message)}</p><p><a href="/">Back to your connections</a></p>`));
  } else {
    res.status(status).json({ title, message, ...extra });
  }
}

/** Ecwid OAuth: GET /connect/ecwid → Ecwid's consent screen → GET /connect/ecwid/callback → connected. */
export function oauthRoutes(opts: {
  oauthUrl: string;
  clientId?: string;
  clientSecret?: string;
  publicUrl: string;
  stateKey: string;
  /** The record of spent states, shared by every API process. */
  spendNonce: SpendNonce;
  service: ConnectionService;
  requireAdmin: (req: Request, res: Response, next: () => void) => void;
  logger: Logger;
}): Router {
  const r = Router();
  const states = new OAuthStates(opts.stateKey, opts.spendNonce);
  const redirectUri = new URL('/connect/ecwid/callback', opts.publicUrl).toString();

  r.get('/connect/ecwid', opts.requireAdmin, (req, res) => {
    if (!opts.clientId || !opts.clientSecret) {
      reply(req, res, 503, 'Ecwid app not configured', 'Set ECWID_CLIENT_ID and ECWID_CLIENT_SECRET to connect stores through Ecwid.');
      return;
    }
    const url = new URL(`${opts.oauthUrl.replace(/\/$/, '')}/authorize`);
    url.searchParams.set('client_id', opts.clientId);
    url.searchParams.set('redirect_uri', redirectUri);
    url.searchParams.set('response_type', 'code');
    url.searchParams.set('scope', ECWID_SCOPES);
    url.searchParams.set('state', states.issue());
    res.redirect(302, url.toString());
  });

  // The callback is reached by Ecwid's redirect: the signed single-use state is what authenticates it.
  r.get('/connect/ecwid/callback', async (req, res) => {
    const q = req.query as Record<string, unknown>;
    const state = typeof q.state === 'string' ? q.state : undefined;
    let fresh: boolean;
    try {
      fresh = await states.consume(state);
    } catch (err) {
      opts.logger.error({ err: err instanceof Error ? err.message : String(err) }, 'could not record the OAuth state as spent');
      reply(req, res, 503, 'Temporarily unavailable', 'The connection could not be completed just now. Start again from "Connect your Ecwid store" in a moment.', { error: 'temporarily_unavailable' });
      return;
    }
    if (!fresh) {
      reply(req, res, 400, 'Connection link expired or invalid', 'This connection attempt is unknown, expired or already used. Start again from "Connect your Ecwid store".', { error: 'invalid_state' });
      return;
    }
    if (q.error === 'access_denied') {
      reply(req, res, 403, 'Connection cancelled', 'Access was declined on Ecwid\'s consent screen, so nothing was connected.', { error: 'access_denied' });
      return;
    }
    const code = typeof q.code === 'string' && q.code.length <= 500 ? q.code : undefined;
    const storeIdRaw = typeof q.store_id === 'string' && /^\d{1,12}$/.test(q.store_id) ? Number(q.store_id) : undefined;
    if (!code || !opts.clientId || !opts.clientSecret) {
      reply(req, res, 400, 'Missing authorization code', 'Ecwid did not send an authorization code.', { error: 'missing_code' });
      return;
    }
    let token;
    try {
      token = await exchangeEcwidCode({ oauthUrl: opts.oauthUrl, clientId: opts.clientId, clientSecret: opts.clientSecret, code, redirectUri, storeId: storeIdRaw });
    } catch (err) {
      const status = err instanceof ApiError && err.status >= 400 && err.status < 500 ? 400 : 502;
      opts.logger.warn({ err: err instanceof Error ? err.message : String(err) }, 'Ecwid code exchange failed');
      reply(req, res, status, 'Ecwid refused the authorization', status === 400 ? 'The authorization code was rejected (expired or already used). Start again.' : 'Ecwid could not be reached. Try again.', { error: 'code_rejected' });
      return;
    }
    try {
      const { created, storeId } = await opts.service.connect({ ecwidStoreId: token.store_id, ecwidAccessToken: token.access_token });
      // A reconnect catches up the write-backs parked meanwhile, also after a disconnect (then `created`).
      await opts.service.retryParkedShipments(storeId);
      reply(req, res, created ? 201 : 200, created ? 'Store connected' : 'Store reconnected', created
        ? `Ecwid store ${storeId} is connected: its orders are being imported into ShipStation.`
        : `Ecwid store ${storeId} is reconnected with its new access: its sync goes on where it stopped.`, { storeId, created });
    } catch (err) {
      if (err instanceof ConnectionRefused) {
        reply(req, res, err.status, 'Store not connected', err.message, { error: err.code });
        return;
      }
      throw err;
    }
  });
  return r;
}
