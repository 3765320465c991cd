/**
 * A stand-in for the Ecwid admin's app tab: GET /admin/:storeId frames the connector's app page the way Ecwid
 * does, with a real encrypted `payload` (the store's token, under the app's client secret), `app_state` and
 * `lang`. The page is served from the simulator's origin, which differs from the app's (localhost vs 127.0.0.1
 * are different sites), so the app runs as a third-party iframe, as it does inside Ecwid.
 *
 * Simulator only: anyone who can reach it is treated as the store's owner.
 */
import express, { type Router } from 'express';
import { encryptEcwidAppPayload } from './app-payload';
import type { EcwidState } from './state';

const escapeHtml = (s: string): string =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);

export interface AdminPageOptions {
  state: EcwidState;
  clientSecret: string;
  /** The app's iframe URL (its GET /ecwid/app); unset until the connector tells the simulator. */
  appUrl: () => string | undefined;
}

/** The payload Ecwid would give the app for this store now (its first live token), or undefined. */
export function appPayloadFor(state: EcwidState, clientSecret: string, storeId: number, lang = 'en'): string | undefined {
  const token = [...state.tokens.values()].find((t) => t.storeId === storeId && !t.revoked);
  if (!token) return undefined;
  return encryptEcwidAppPayload({ store_id: storeId, access_token: token.token, lang, view_mode: 'PAGE' }, clientSecret);
}

export function adminPageRoutes(opts: AdminPageOptions): Router {
  const r = express.Router();
  r.get('/admin/:storeId', (req, res) => {
    const storeId = /^\d{1,12}$/.test(req.params.storeId) ? Number(req.params.storeId) : undefined;
    const store = storeId === undefined ? undefined : opts.state.stores.get(storeId);
    const appUrl = opts.appUrl();
    const lang = typeof req.query.lang === 'string' && /^[a-z]{2}(_[A-Z]{2})?$/.test(req.query.lang) ? req.query.lang : 'en';
    if (!store || !appUrl) {
      res.status(404).type('html').send(`<!doctype html><title>Ecwid admin</title><p>${!store ? 'No such store' : 'No app URL set on the simulator'}</p>`);
      return;
    }
    const payload = appPayloadFor(opts.state, opts.clientSecret, store.storeId, lang);
    if (!payload) {
      res.status(403).type('html').send('<!doctype html><title>Ecwid admin</title><p>The store has no live token for the app</p>');
      return;
    }
    const src = new URL(appUrl);
    src.searchParams.set('payload', payload);
    src.searchParams.set('app_state', '');
    src.searchParams.set('lang', lang);
    const langs = ['en', 'fr'].map((l) => `<a href="?lang=${l}"${l === lang ? ' aria-current="page"' : ''}>${l.toUpperCase()}</a>`).join(' · ');
    res.type('html').send(`<!doctype html><html lang="${escapeHtml(lang)}"><head><meta charset="utf-8"><title>Ecwid admin · ${escapeHtml(store.storeName)}</title>
<style>body{margin:0;font:14px system-ui,sans-serif;background:#f2f4f7}header{background:#0c1e3c;color:#fff;padding:.6rem 1rem;display:flex;justify-content:space-between}
header a{color:#cfe0ff}main{display:flex}nav{width:180px;padding:1rem;color:#445}iframe{flex:1;height:calc(100vh - 3rem);border:0;background:#fff}</style></head>
<body><header><strong>Ecwid admin (simulator) — ${escapeHtml(store.storeName)} · store ${store.storeId}</strong><span>${langs}</span></header>
<main><nav><p>Dashboard</p><p>Orders</p><p>Catalog</p><p><strong>Apps → ShipStation</strong></p></nav>
<iframe id="app-frame" title="ShipStation app" src="${escapeHtml(src.toString())}"></iframe></main></body></html>`);
  });
  return r;
}
