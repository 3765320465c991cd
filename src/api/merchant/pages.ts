/**
 * The Ecwid app page's HTML (what a merchant sees inside the Ecwid admin): pure functions from data to markup,
 * every value escaped, no scripts. Every form and link carries the page's session (`s`), since the page lives in
 * a third-party iframe where cookies are blocked; forms also carry the CSRF token.
 */
import { CUSTOM_STATUSES, FULFILLMENT_STATUSES, type EcwidCustomStatus } from '../../domain/ecwid';
import { MAPPABLE_SHIPSTATION_STATUSES, SHIPSTATION_STATUS_LABELS, isCustomStatus } from '../../domain/status-mapping';
import type { ConnectionStatus, OrderDecision, OrderNote, ShipmentStatus } from '../../workflows/definitions';
import { escapeHtml as e } from '../web/html';
import type { StoreChoiceView } from '../../connections/shipstation-stores';
import { fixFor, messages, type ErrorKey, type FixKind, type Lang, type Messages, type NoticeKey } from './i18n';

export interface MerchantFlash {
  notice?: NoticeKey;
  error?: ErrorKey;
}

/** What the page needs to act for its session: the session value, its CSRF token and its language. */
export interface PageContext {
  session: string;
  csrf: string;
  lang: Lang;
}

export interface Bounds {
  minPollSeconds: number;
  maxPollSeconds: number;
}

const STYLE = `body{font:15px/1.5 system-ui,sans-serif;margin:0;padding:1rem 1.25rem;color:#1d2330;background:#fff}
table{border-collapse:collapse;width:100%}td,th{border-bottom:1px solid #ddd;padding:.35rem .5rem;text-align:left;vertical-align:top}
button{padding:.35rem .8rem;border:1px solid #888;border-radius:4px;background:#f4f4f4;cursor:pointer}
.primary{background:#1f6feb;border-color:#1f6feb;color:#fff}button.danger{background:#c62828;border-color:#c62828;color:#fff}
.muted{color:#666}.card{border:1px solid #ddd;border-radius:6px;padding:.75rem 1rem;margin:1rem 0}form.inline{display:inline}
.flash{padding:.5rem .75rem;border-radius:4px}.flash.notice{background:#e7f5e7;border:1px solid #9c9}.flash.error{background:#fdecea;border:1px solid #e99}
.badge{font-size:.8em;padding:.1rem .45rem;border:1px solid currentColor;border-radius:999px;vertical-align:middle}
.state-active{color:#107c10}.state-paused,.state-needs_reconnect{color:#b35900}.state-disconnected{color:#666}
table.facts th{width:14rem}.actions form{margin-right:.4rem}label.block{display:block;margin:.4rem 0}`;

function shell(lang: Lang, title: string, body: string): string {
  return `<!doctype html><html lang="${lang}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<meta name="referrer" content="no-referrer"><title>${e(title)}</title><style>${STYLE}</style></head><body>${body}</body></html>`;
}

function hidden(ctx: PageContext, withCsrf = true): string {
  return `<input type="hidden" name="s" value="${e(ctx.session)}">${withCsrf ? `<input type="hidden" name="_csrf" value="${e(ctx.csrf)}">` : ''}`;
}

function flashHtml(t: Messages, flash: MerchantFlash, extra?: string): string {
  const parts: string[] = [];
  if (flash.notice) parts.push(`<p class="flash notice" role="status">${e(t.notices[flash.notice])}</p>`);
  if (flash.error) parts.push(`<p class="flash error" role="alert">${e(t.errors[flash.error])}${extra ? ` ${e(extra)}` : ''}</p>`);
  return parts.join('');
}

/** A refusal: no session, no form, just what to do next. */
export function refusalPage(lang: Lang, message: string): string {
  const t = messages(lang);
  return shell(lang, t.refusedTitle, `<h1>${e(t.refusedTitle)}</h1><p id="refusal">${e(message)}</p>`);
}

export function installPage(opts: {
  ctx: PageContext;
  storeId: number;
  /** The encrypted payload Ecwid gave the page: the install form sends it back, so no token sits in the session. */
  payload: string;
  operatorAccountAllowed: boolean;
  reconnect: boolean;
  flash: MerchantFlash;
  errorDetail?: string;
}): string {
  const t = messages(opts.ctx.lang);
  const operator = opts.operatorAccountAllowed
    ? `<label class="block"><input type="radio" name="account" value="operator" id="account-operator"> ${e(t.accountOperator)}</label>
<p class="muted">${e(t.accountOperatorHelp)}</p>`
    : '';
  return shell(
    opts.ctx.lang,
    t.appTitle,
    `<h1>${e(t.installTitle)}</h1>${flashHtml(t, opts.flash, opts.errorDetail)}
<p>${e(opts.reconnect ? t.reconnectIntro : t.installIntro)} <span class="muted">(${e(t.store)} ${opts.storeId})</span></p>
<form method="post" action="/ecwid/app/install" class="card" autocomplete="off">${hidden(opts.ctx)}
<input type="hidden" name="payload" value="${e(opts.payload)}">
<label class="block"><input type="radio" name="account" value="own" id="account-own" checked> ${e(t.accountOwn)}</label>
<p class="muted">${e(t.accountOwnHelp)}</p>
<label class="block">${e(t.apiKey)} <input id="ss-key" name="apiKey" maxlength="200" autocomplete="off"></label>
<label class="block">${e(t.apiSecret)} <input id="ss-secret" name="apiSecret" type="password" maxlength="200" autocomplete="new-password"></label>
${operator}
<p><button type="submit" class="primary">${e(t.connect)}</button></p>
</form>`,
  );
}

/**
 * A unix time as the form's date (YYYY-MM-DD), or '' when it is no date at all: a value stored before dates were
 * bounded (99999999999999) must leave the page usable, with an empty field to correct, not fail it.
 */
export function isoDay(seconds: unknown): string {
  const d = new Date(typeof seconds === 'number' ? seconds * 1000 : NaN);
  if (Number.isNaN(d.getTime())) return '';
  const iso = d.toISOString();
  return /^\d{4}-/.test(iso) ? iso.slice(0, 10) : '';
}

/** "2025-01-31 14:05 UTC", or a dash. */
function time(iso: string | undefined): string {
  if (!iso) return '<span class="muted">—</span>';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return e(iso);
  return `<time datetime="${e(d.toISOString())}">${e(d.toISOString().replace('T', ' ').slice(0, 16))} UTC</time>`;
}

function fixHtml(t: Messages, kind: FixKind | undefined, ctx: PageContext): string {
  const link = (label: string, anchor: string) => `<a href="${e(storeHref(ctx))}#${anchor}">${e(label)}</a>`;
  switch (kind) {
    case 'map':
      return link(t.fixMapStatus, 'settings');
    case 'pickup':
      return link(t.fixPickup, 'settings');
    case 'import_since':
      return link(t.fixImportSince, 'settings');
    case 'address':
      return e(t.fixAddress);
    case 'nothing':
      return `<span class="muted">${e(t.fixNothing)}</span>`;
    default:
      return '';
  }
}

function storeHref(ctx: PageContext, query: Record<string, string> = {}): string {
  return `/ecwid/app/store?${new URLSearchParams({ s: ctx.session, ...query }).toString()}`;
}

function notesTable(t: Messages, ctx: PageContext, notes: OrderNote[], failed: boolean, names: Record<string, string>): string {
  if (notes.length === 0) return `<p class="muted">${e(t.none)}</p>`;
  const rows = notes.map((n) => {
    const order = `<a href="${e(storeHref(ctx, { order: n.orderId }))}#why">${e(n.orderId)}</a>`;
    const reason = failed ? e(n.reason) : e(t.reason(n.reason, names));
    const fix = failed ? e(t.fixFailed) : fixHtml(t, fixFor(n.reason), ctx);
    return `<tr><td>${order}</td><td>${reason}</td><td>${fix}</td>${failed ? `<td>${n.attempts ?? 1}</td>` : ''}<td>${time(n.at)}</td></tr>`;
  });
  return `<table><thead><tr><th>${e(t.colOrder)}</th><th>${e(t.colReason)}</th><th>${e(t.colFix)}</th>${
    failed ? `<th>${e(t.colAttempts)}</th>` : ''
  }<th>${e(t.colWhen)}</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

function customStatusLabel(t: Messages, cs: EcwidCustomStatus, names: Record<string, string>): string {
  const [, side, n] = /^CUSTOM_(PAYMENT|FULFILLMENT)_STATUS_(\d)$/.exec(cs) ?? [];
  const generic = t.customStatus(side === 'PAYMENT' ? 'payment' : 'fulfillment', n ?? '');
  const name = names[cs]?.trim();
  return name ? `${name} (${generic})` : generic;
}

function statusOptions(t: Messages, current: string | undefined): string {
  return [`<option value=""${current ? '' : ' selected'}>${e(t.notImported)}</option>`]
    .concat(MAPPABLE_SHIPSTATION_STATUSES.map((ss) => `<option value="${e(ss)}"${current === ss ? ' selected' : ''}>${e(SHIPSTATION_STATUS_LABELS[ss])}</option>`))
    .join('');
}

function settingsForm(t: Messages, ctx: PageContext, s: ConnectionStatus, names: Record<string, string>, bounds: Bounds): string {
  const mapping = s.settings.statusMapping ?? {};
  const rows = CUSTOM_STATUSES.map(
    (cs) => `<tr><td><label for="map-${e(cs)}">${e(customStatusLabel(t, cs, names))}</label></td>
<td><select id="map-${e(cs)}" name="${e(cs)}">${statusOptions(t, mapping[cs])}</select></td></tr>`,
  );
  const partial = s.settings.partialShipmentStatus;
  const partialOptions = [`<option value=""${partial ? '' : ' selected'}>${e(t.partialShipmentDefault)}</option>`]
    .concat(
      FULFILLMENT_STATUSES.map((fs) => {
        const label = isCustomStatus(fs) ? customStatusLabel(t, fs, names) : fs.charAt(0) + fs.slice(1).toLowerCase().replace(/_/g, ' ');
        return `<option value="${e(fs)}"${partial === fs ? ' selected' : ''}>${e(label)}</option>`;
      }),
    )
    .join('');
  const since = isoDay(s.settings.importSince);
  return `<form method="post" action="/ecwid/app/settings" class="card" id="settings">${hidden(ctx)}
<p>${e(t.mappingIntro)}</p>
<table>${rows.join('')}</table>
<label class="block">${e(t.partialShipmentStatus)} <select id="partial-shipment-status" name="partialShipmentStatus">${partialOptions}</select></label>
<label class="block"><input type="checkbox" id="import-pickup" name="importPickupOrders" value="on"${s.settings.importPickupOrders ? ' checked' : ''}> ${e(t.importPickup)}</label>
<label class="block">${e(t.importSince)} <input type="date" id="import-since" name="importSince" value="${e(since)}" required></label>
<label class="block">${e(t.pollInterval(bounds.minPollSeconds, bounds.maxPollSeconds))} <input type="number" id="poll-interval" name="pollIntervalSeconds" min="${bounds.minPollSeconds}" max="${bounds.maxPollSeconds}" value="${s.settings.pollIntervalSeconds}" required></label>
<button type="submit" class="primary">${e(t.save)}</button>
</form>`;
}

/**
 * "Needs new ShipStation credentials" (or "expires soon") when the store's account says so, and, for a store with
 * its own ShipStation account, the form that replaces the key pair (checked with ShipStation before it is kept).
 */
function credentialsHtml(t: Messages, ctx: PageContext, s: ConnectionStatus & { shipstationCredentials?: string }): string {
  const banner =
    s.shipstationCredentials === 'needs_new_credentials'
      ? `<p class="flash error" id="credentials-needed">${e(t.credentialsNeeded)}</p>`
      : s.shipstationCredentials === 'expiring'
        ? `<p class="flash" id="credentials-expiring">${e(t.credentialsExpiring)}</p>`
        : '';
  if (s.shipstationAccount !== 'own' || s.state === 'disconnected') return banner;
  return `${banner}<details class="card" id="replace-keys"${banner ? ' open' : ''}><summary>${e(t.replaceKeysTitle)}</summary>
<form method="post" action="/ecwid/app/shipstation-keys" autocomplete="off">${hidden(ctx)}
<p class="muted">${e(t.replaceKeysHelp)}</p>
<label class="block">${e(t.apiKey)} <input id="new-ss-key" name="apiKey" maxlength="200" autocomplete="off" required></label>
<label class="block">${e(t.apiSecret)} <input id="new-ss-secret" name="apiSecret" type="password" maxlength="200" autocomplete="new-password" required></label>
<button type="submit">${e(t.replaceKeys)}</button>
</form></details>`;
}

function actionsHtml(t: Messages, ctx: PageContext, s: ConnectionStatus): string {
  const post = (path: string, label: string, cls = '') =>
    `<form class="inline" method="post" action="/ecwid/app/${path}">${hidden(ctx)}<button type="submit"${cls ? ` class="${cls}"` : ''}>${e(label)}</button></form>`;
  const pauseResume = s.state === 'paused' ? post('resume', t.resume) : s.state === 'active' ? post('pause', t.pause) : '';
  return `<div class="actions">${post('sync', t.syncNow)}${pauseResume}${post('retry-shipments', t.retryShipments)}</div>
<details class="card"><summary>${e(t.disconnectSummary)}</summary>
<form method="post" action="/ecwid/app/disconnect">${hidden(ctx)}
<p>${e(t.disconnectHelp)}</p>
<label><input type="checkbox" name="confirm" value="yes" required> ${e(t.disconnectConfirm)}</label>
<button type="submit" class="danger">${e(t.disconnect)}</button>
</form></details>`;
}

/** Per order written back recently: which items shipped under which tracking number (the write-backs' query). */
function shippedItemsTable(t: Messages, shipments: ShipmentStatus[] | undefined): string {
  if (shipments === undefined) return `<p class="muted">${e(t.shippedUnreadable)}</p>`;
  if (shipments.length === 0) return `<p class="muted">${e(t.shippedNone)}</p>`;
  const rows = shipments.map((sh) => {
    const items = sh.shippedItems;
    const lines = items
      ? `<ul>${items.lines
          .map(
            (l) =>
              `<li>${e(l.name)}: ${e(t.shippedOf(Math.min(l.shipped, l.ordered), l.ordered))}${
                l.trackingNumbers.length ? ` — ${l.trackingNumbers.map((n) => `<code>${e(n)}</code>`).join(', ')}` : ''
              }</li>`,
          )
          .join('')}</ul>`
      : sh.lastTrackingNumber
        ? `<code>${e(sh.lastTrackingNumber)}</code>`
        : '—';
    const state = items && !items.complete ? t.shippedPartial : t.shippedComplete;
    return `<tr data-order="${e(sh.orderId)}"><td>${e(sh.orderId)}</td><td>${e(state)}${
      items?.keptShipped ? `<br><span class="muted">${e(t.shippedKept)}</span>` : ''
    }</td><td>${lines}</td></tr>`;
  });
  return `<table><thead><tr><th>${e(t.colOrder)}</th><th></th><th>${e(t.colShipped)}</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

export function storePage(opts: {
  ctx: PageContext;
  status: ConnectionStatus;
  connectedBy: 'merchant' | 'operator';
  flash: MerchantFlash;
  names: Record<string, string>;
  bounds: Bounds;
  askedOrderId?: string;
  decision?: OrderDecision;
  /** Undefined: they could not be read now. */
  shipments?: ShipmentStatus[];
  /** The account's ShipStation stores (undefined: could not be listed now). */
  shipstationStores?: StoreChoiceView;
}): string {
  const { ctx, status: s } = opts;
  const t = messages(ctx.lang);
  const why = opts.askedOrderId
    ? opts.decision
      ? `<p id="why-answer"><strong>${e(t.colOrder)} ${e(opts.decision.orderId)}</strong> : ${e(t.outcomes[opts.decision.outcome] ?? opts.decision.outcome)}${
          opts.decision.reason ? ` — ${e(t.reason(opts.decision.reason, opts.names))}` : ''
        }${ctx.lang === 'en' ? ` <span class="muted">(${e(opts.decision.explanation)})</span>` : ''}</p>`
      : `<p id="why-answer" class="muted">${e(t.whyUnknown(opts.askedOrderId))}</p>`
    : '';
  return shell(
    ctx.lang,
    t.appTitle,
    `<h1>${e(t.appTitle)} <span id="state" class="badge state-${e(s.state)}">${e(t.stateLabels[s.state] ?? s.state)}</span></h1>
${flashHtml(t, opts.flash)}
<table class="facts">
<tr><th>${e(t.store)}</th><td id="store-id">${s.storeId}</td></tr>
<tr><th>${e(t.lastSync)}</th><td>${time(s.lastSyncAt)}${s.syncing ? ` <span class="muted">${e(t.syncingNow)}</span>` : ''}</td></tr>
<tr><th>${e(t.nextSync)}</th><td>${time(s.nextSyncAt)}</td></tr>
<tr><th>${e(t.orders)}</th><td id="counts">${e(t.counts(s.imported, s.skipped, s.failed))}</td></tr>
<tr><th>${e(t.shipstationAccount)}</th><td id="account">${e(s.shipstationAccount === 'own' ? t.accountIsOwn : t.accountIsOperator)}</td></tr>
<tr><th>${e(t.connectedBy)}</th><td>${e(opts.connectedBy === 'merchant' ? t.connectedByMerchant : t.connectedByOperator)}</td></tr>
<tr><th>${e(t.lastError)}</th><td>${s.lastError ? e(s.lastError) : '<span class="muted">—</span>'}</td></tr>
</table>
${credentialsHtml(t, ctx, s)}
${nativeAdoptionHtml(t, s)}
<p><a href="${e(storeHref(ctx))}" id="refresh">↻ ${e(t.refresh)}</a></p>
${s.state === 'disconnected' ? `<p class="flash error">${e(t.reopenToReconnect)}</p>` : `<h2>${e(t.actionsTitle)}</h2>
${actionsHtml(t, ctx, s)}`}
<h2>${e(t.skippedTitle)}</h2>
<div id="skipped">${notesTable(t, ctx, s.recentSkipped ?? [], false, opts.names)}</div>
<h2>${e(t.failedTitle)}</h2>
<div id="failed">${notesTable(t, ctx, s.recentFailed ?? [], true, opts.names)}</div>
<h2>${e(t.shippedTitle)}</h2>
<div id="shipped-items">${shippedItemsTable(t, opts.shipments)}</div>
<h2 id="why">${e(t.whyTitle)}</h2>
<form method="get" action="/ecwid/app/store" class="inline">${hidden(ctx, false)}<label>${e(t.orderNumber)} <input id="why-order" name="order" maxlength="100" value="${e(opts.askedOrderId ?? '')}"></label> <button type="submit">${e(t.explain)}</button></form>
${why}
${s.state === 'disconnected' ? '' : `<h2>${e(t.settingsTitle)}</h2>
${settingsForm(t, ctx, s, opts.names, opts.bounds)}
<h2 id="shipstation-store-title">${e(t.shipstationStoreTitle)}</h2>
${storeChoiceForm(t, ctx, s, opts.shipstationStores)}`}`,
  );
}

/** The merchant's choice of the ShipStation store that receives their orders (stores that can't are disabled). */
function storeChoiceForm(t: Messages, ctx: PageContext, s: ConnectionStatus, view: StoreChoiceView | undefined): string {
  const chosen = typeof s.settings.shipstationStoreId === 'number' ? s.settings.shipstationStoreId : undefined;
  if (!view) return `<p class="muted" id="shipstation-store">${e(t.shipstationStoreHelp)} ${e(t.shipstationStoreUnlisted)}</p>`;
  const defaultName = view.defaultStore ? ` ("${view.defaultStore.storeName}")` : '';
  const options = [`<option value=""${chosen === undefined ? ' selected' : ''}>${e(t.shipstationStoreDefault + defaultName)}</option>`]
    .concat(view.stores.filter((o) => o.selectable || o.storeId === chosen).map((o) => `<option value="${o.storeId}"${o.storeId === chosen ? ' selected' : ''}>${e(o.storeName)}</option>`))
    .join('');
  return `<form method="post" action="/ecwid/app/shipstation-store" id="shipstation-store">${hidden(ctx)}
<p class="muted">${e(t.shipstationStoreHelp)}</p>
<label>${e(t.shipstationStoreTitle)} <select name="shipstationStoreId">${options}</select></label>
<button type="submit">${e(t.saveStore)}</button>
</form>`;
}

/** What connecting found in ShipStation's own Ecwid store(s), and a warning while one still imports on its own. */
function nativeAdoptionHtml(t: Messages, s: ConnectionStatus): string {
  const a = s.nativeAdoption;
  if (!a || a.state !== 'done' || a.nativeStores.length === 0) return '';
  const names = (list: typeof a.nativeStores) => list.map((n) => `"${n.storeName}"`).join(', ');
  const importing = a.nativeStores.filter((n) => n.autoRefresh);
  return `<p id="native-adoption">${e(t.adoptedFromNative(a.adopted, a.closed, names(a.nativeStores)))}</p>${
    importing.length ? `<p class="flash error" role="alert">${e(t.nativeStillImporting(names(importing)))}</p>` : ''
  }`;
}
