/**
 * The merchant page's HTML: pure functions from data to markup, every value escaped. No scripts: forms post
 * to the server, which redirects back (POST → redirect → GET) with a flash key in the query string.
 */
import { CUSTOM_STATUSES, type EcwidCustomStatus } from '../../domain/ecwid';
import { describeSkipReason } from '../../domain/order-filter';
import { MAPPABLE_SHIPSTATION_STATUSES, SHIPSTATION_STATUS_LABELS, isCustomStatus } from '../../domain/status-mapping';
import type { ConnectionState, ConnectionStatus, OrderDecision, OrderNote, ShipmentStatus } from '../../workflows/definitions';
import { escapeHtml as e, page } from './html';
import { nativeAdoptionSummary, shipstationStoreCard } from './shipstation-store';
import type { StoreChoiceView } from '../../connections/shipstation-stores';

/** Flash messages by key: the query string names one, it never carries text of its own. */
export const NOTICES = {
  sync_started: 'Sync started: new and changed orders are being read from Ecwid now.',
  paused: 'Paused: no orders are imported until you resume.',
  resumed: 'Resumed: the sync runs again.',
  disconnected: 'Disconnected: the store no longer syncs. Connect it again at any time.',
  mapping_saved: 'Status mapping saved. Orders it had skipped are re-checked within a few seconds.',
  store_saved: 'ShipStation store saved: orders created from now on go there.',
  logged_out: 'You are logged out.',
  shipments_retried: 'Parked shipments are being written to Ecwid again.',
  keys_replaced: 'New ShipStation key pair in use for the account: its stores sync now, parked write-backs are retried.',
} as const;

export const ERRORS = {
  not_found: 'This store is not connected (or its sync has ended).',
  invalid_mapping: 'That status mapping is not valid: choose one of the listed ShipStation statuses.',
  invalid_shipstation_store: "That ShipStation store can't receive the store's orders (not an active manual store of its account): nothing was changed.",
  shipstation_store_not_listable: "The account's ShipStation stores can't be listed yet: try after the store's first sync.",
  shipstation_stores_unavailable: "The account's ShipStation stores could not be listed now (ShipStation or the account's traffic is busy): nothing was changed, try again.",
  confirm_disconnect: 'Tick the confirmation box to disconnect the store.',
  bad_token: 'That is not the admin token.',
  too_many_attempts: 'Too many failed attempts from your address: wait a minute and try again.',
  csrf: 'This form has expired. Reload the page and try again.',
  keys_missing: 'Enter both the API key and the API secret.',
  shipstation_credentials_refused: 'ShipStation refused that key pair: nothing was changed.',
  shipstation_unavailable: 'ShipStation could not be reached to check the key pair: nothing was changed, try again.',
  key_of_another_account: 'That API key is used by another ShipStation account: nothing was changed.',
} as const;

export type NoticeKey = keyof typeof NOTICES;
export type ErrorKey = keyof typeof ERRORS;

export interface Flash {
  notice?: NoticeKey;
  error?: ErrorKey;
}

const STATE_LABELS: Record<ConnectionState, string> = {
  active: 'Active',
  paused: 'Paused',
  needs_reconnect: 'Needs reconnect',
  disconnected: 'Disconnected',
};

const SIDE_LABEL = { PAYMENT: 'payment', FULFILLMENT: 'fulfillment' } as const;

/** "2025-01-31 14:05:09 UTC", or a dash. */
export function formatTime(iso: string | undefined): string {
  if (!iso) return '<span class="muted">—</span>';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return e(iso);
  return `<time datetime="${e(d.toISOString())}">${e(d.toISOString().replace('T', ' ').slice(0, 19))} UTC</time>`;
}

function flashHtml(flash: Flash): string {
  const parts: string[] = [];
  if (flash.notice) parts.push(`<p class="flash notice" role="status">${e(NOTICES[flash.notice])}</p>`);
  if (flash.error) parts.push(`<p class="flash error" role="alert">${e(ERRORS[flash.error])}</p>`);
  return parts.join('');
}

function stateBadge(state: ConnectionState): string {
  return `<span class="badge state-${e(state)}">${e(STATE_LABELS[state] ?? state)}</span>`;
}

function csrfField(csrf: string): string {
  return `<input type="hidden" name="_csrf" value="${e(csrf)}">`;
}

function header(csrf: string): string {
  return `<nav class="top"><a href="/">Connections</a><form class="inline" method="post" action="/logout">${csrfField(csrf)}<button type="submit">Log out</button></form></nav>`;
}

/** Who connected the store: its merchant from the Ecwid app page, or an operator (every connection made before the app page). */
function connectedByLabel(s: ConnectionStatus): string {
  return s.settings.connectedBy === 'merchant' ? 'the merchant (Ecwid app page)' : 'an operator';
}

/** Which ShipStation account the store's orders go to, with its ID (GET /accounts/:id) once joined. */
function accountLabel(s: ConnectionStatus): string {
  const which = s.shipstationAccount === 'own' ? "the store's own" : 'the default account';
  return s.shipstationAccountId ? `${which} (${s.shipstationAccountId})` : which;
}

/** The merchant's name for a custom status when Ecwid told us, else "Custom fulfillment status 2". */
export function customStatusLabel(status: EcwidCustomStatus, names: Record<string, string>): string {
  const [, side, n] = /^CUSTOM_(PAYMENT|FULFILLMENT)_STATUS_(\d)$/.exec(status) ?? [];
  const generic = `Custom ${SIDE_LABEL[side as keyof typeof SIDE_LABEL] ?? ''} status ${n ?? ''}`;
  const name = names[status]?.trim();
  return name ? `${name} (${generic.toLowerCase()})` : generic;
}

export function loginPage(opts: { next: string; error?: ErrorKey }): string {
  return page(
    'Log in',
    `<h1>Ecwid → ShipStation</h1>${flashHtml({ error: opts.error })}
<form method="post" action="/login" class="card">
<input type="hidden" name="next" value="${e(opts.next)}">
<label for="token">Admin token</label><br>
<input id="token" name="token" type="password" autocomplete="current-password" required size="40">
<button type="submit">Log in</button>
</form>`,
  );
}

export function dashboardPage(opts: { connections: ConnectionStatus[]; csrf: string; flash: Flash }): string {
  const rows = opts.connections.map(
    (c) => `<tr>
<td><a href="/stores/${c.storeId}">${c.storeId}</a></td>
<td>${stateBadge(c.state)}${c.syncing ? ' <span class="muted">syncing…</span>' : ''}</td>
<td>${formatTime(c.lastSyncAt)}</td>
<td>${formatTime(c.nextSyncAt)}</td>
<td class="num">${c.imported}</td><td class="num">${c.skipped}</td><td class="num">${c.failed}</td>
<td>${c.lastError ? e(c.lastError) : '<span class="muted">—</span>'}</td>
<td>${e(connectedByLabel(c))}<br><span class="muted">${e(accountLabel(c))}</span></td>
<td><a href="/stores/${c.storeId}">Details</a></td>
</tr>`,
  );
  const table = rows.length
    ? `<table><thead><tr><th>Store ID</th><th>State</th><th>Last sync</th><th>Next sync</th><th>Imported</th><th>Skipped</th><th>Failed</th><th>Last error</th><th>Connected by</th><th></th></tr></thead><tbody>${rows.join('')}</tbody></table>`
    : '<p class="muted">No store is connected yet.</p>';
  return page(
    'Connections',
    `${header(opts.csrf)}<h1>Your connected stores</h1>${flashHtml(opts.flash)}
<p><a class="button primary" href="/connect/ecwid">Connect your Ecwid store</a></p>
${table}`,
  );
}

/** A skip reason for people, with a way to fix it when the fix is on this page. */
function reasonHtml(reason: string, names: Record<string, string>): string {
  const text = e(describeSkipReason(reason, names));
  const [kind, status = ''] = reason.split(':');
  if ((kind === 'unmapped_status' && isCustomStatus(status)) || kind === 'pickup') {
    return `${text} — <a href="#mapping">fix the mapping</a>`;
  }
  return text;
}

function notesTable(notes: OrderNote[], render: (n: OrderNote) => string, withAttempts: boolean): string {
  if (notes.length === 0) return '<p class="muted">None.</p>';
  const rows = notes.map(
    (n) =>
      `<tr><td><a href="?order=${encodeURIComponent(n.orderId)}#why">${e(n.orderId)}</a></td><td>${render(n)}</td>${withAttempts ? `<td class="num">${n.attempts ?? 1}</td>` : ''}<td>${formatTime(n.at)}</td></tr>`,
  );
  return `<table><thead><tr><th>Order</th><th>Reason</th>${withAttempts ? '<th>Attempts</th>' : ''}<th>When</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

function mappingForm(status: ConnectionStatus, csrf: string, names: Record<string, string>): string {
  const mapping = status.settings.statusMapping ?? {};
  const selects = CUSTOM_STATUSES.map((cs) => {
    const current = mapping[cs];
    const options = [`<option value=""${current ? '' : ' selected'}>(not imported)</option>`]
      .concat(
        MAPPABLE_SHIPSTATION_STATUSES.map(
          (ss) => `<option value="${e(ss)}"${current === ss ? ' selected' : ''}>${e(SHIPSTATION_STATUS_LABELS[ss])}</option>`,
        ),
      )
      .join('');
    return `<tr><td><label for="map-${e(cs)}">${e(customStatusLabel(cs, names))}</label><br><code class="muted">${e(cs)}</code></td>
<td><select id="map-${e(cs)}" name="${e(cs)}">${options}</select></td></tr>`;
  });
  return `<form method="post" action="/stores/${status.storeId}/mapping" class="card">${csrfField(csrf)}
<p>Orders in a custom Ecwid status are imported only when you choose its ShipStation status here.</p>
<table>${selects.join('')}</table>
<p><label><input type="checkbox" name="importPickupOrders" value="on"${status.settings.importPickupOrders ? ' checked' : ''}> Import local pickup orders</label></p>
<button type="submit">Save mapping</button>
</form>`;
}

/** "Needs new ShipStation credentials" / "expires soon" from the store's account, and the form replacing its pair. */
function credentialsCard(status: ConnectionStatus & { shipstationCredentials?: string }, csrf: string): string {
  const id = status.shipstationAccountId;
  const banner =
    status.shipstationCredentials === 'needs_new_credentials'
      ? `<p class="flash error" id="credentials-needed">ShipStation account ${e(id ?? '')} needs new ShipStation credentials: ShipStation refuses its key pair (expired or revoked). Its stores' orders and shipments wait; nothing is lost. Give it a new pair below (or <code>PUT /accounts/${e(id ?? '')}/credentials</code>).</p>`
      : status.shipstationCredentials === 'expiring'
        ? `<p class="flash" id="credentials-expiring">The key pair of ShipStation account ${e(id ?? '')} expires within 14 days: give it a new pair below.</p>`
        : '';
  if (!id || status.state === 'disconnected') return banner;
  return `${banner}<details class="card" id="replace-keys"${banner ? ' open' : ''}><summary>Replace the key pair of ShipStation account ${e(id)}…</summary>
<form method="post" action="/stores/${status.storeId}/shipstation-credentials" autocomplete="off">${csrfField(csrf)}
<p class="muted">For every store of the account. The pair is checked with ShipStation first; the current one stays if it fails.</p>
<label>API key <input name="apiKey" maxlength="200" autocomplete="off" required></label>
<label>API secret <input name="apiSecret" type="password" maxlength="200" autocomplete="new-password" required></label>
<button type="submit">Use this key pair</button>
</form></details>`;
}

function actions(status: ConnectionStatus, csrf: string): string {
  if (status.state === 'disconnected') return '<p class="muted">This store is disconnected.</p>';
  const post = (path: string, label: string, cls = '') =>
    `<form class="inline" method="post" action="/stores/${status.storeId}/${path}">${csrfField(csrf)}<button type="submit"${cls ? ` class="${cls}"` : ''}>${e(label)}</button></form>`;
  const pauseResume = status.state === 'paused' ? post('resume', 'Resume') : status.state === 'active' ? post('pause', 'Pause') : '';
  return `<div class="actions">${post('sync', 'Sync now')} ${pauseResume}</div>
<details class="card danger-zone"><summary>Disconnect this store…</summary>
<form method="post" action="/stores/${status.storeId}/disconnect">${csrfField(csrf)}
<p>Disconnecting stops importing orders and writing shipments back to Ecwid. Orders already in ShipStation stay there.</p>
<label><input type="checkbox" name="confirm" value="yes" required> Yes, disconnect store ${status.storeId}</label>
<button type="submit" class="danger">Disconnect</button>
</form></details>`;
}

const SHIPMENT_STATE_LABELS: Record<ShipmentStatus['state'], string> = {
  updating: 'Updating Ecwid',
  delivered: 'Shipped',
  partial: 'Partly shipped',
  parked: 'Parked (needs attention)',
  waiting: 'Waiting (no live label)',
  expired: 'Expired',
};

/** Per order: which items shipped under which tracking number (the shipment write-backs' `shipmentStatus`). */
export function shippedItemsSection(shipments: ShipmentStatus[] | undefined): string {
  if (shipments === undefined) return '<p class="muted">Shipments could not be read right now.</p>';
  if (shipments.length === 0) return '<p class="muted">No shipment written back recently.</p>';
  const rows = shipments.map((sh) => {
    const items = sh.shippedItems;
    const lines = items
      ? `<ul>${items.lines
          .map(
            (l) =>
              `<li>${e(l.name)}${l.sku ? ` <code class="muted">${e(l.sku)}</code>` : ''}: ${Math.min(l.shipped, l.ordered)} of ${l.ordered}${
                l.trackingNumbers.length ? ` — ${l.trackingNumbers.map((t) => `<code>${e(t)}</code>`).join(', ')}` : ''
              }</li>`,
          )
          .join('')}</ul>`
      : sh.lastTrackingNumber
        ? `<code>${e(sh.lastTrackingNumber)}</code> <span class="muted">(items not recorded)</span>`
        : '<span class="muted">—</span>';
    const notes = [
      items?.keptShipped ? 'a label was voided: Ecwid keeps the order shipped' : '',
      items?.mergedOrders?.length ? `merged in ShipStation with ${items.mergedOrders.join(', ')}` : '',
      sh.parkedReason && sh.state === 'parked' ? sh.parkedReason : '',
    ].filter(Boolean);
    return `<tr data-order="${e(sh.orderId)}"><td>${e(sh.orderId)}</td><td>${e(SHIPMENT_STATE_LABELS[sh.state] ?? sh.state)}${
      notes.length ? `<br><span class="muted">${notes.map((n) => e(n)).join('; ')}</span>` : ''
    }</td><td>${lines}</td><td>${formatTime(sh.lastUpdatedAt)}</td></tr>`;
  });
  return `<table><thead><tr><th>Order</th><th>Shipment</th><th>Items shipped, with tracking number</th><th>Updated</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

/**
 * Shipment write-backs waiting (parked): a reconnect or a ShipStation key replacement resumes those parked by the
 * connection, whatever their age; "Retry" resumes them all now. Shown only when there are some.
 */
export function parkedSection(storeId: number, parked: { count: number; shipments: ShipmentStatus[] } | undefined, csrf: string): string {
  if (!parked || parked.count === 0) return '';
  const rows = parked.shipments.map(
    (sh) =>
      `<tr data-order="${e(sh.orderId)}"><td>${e(sh.orderId)}</td><td>${e(sh.parkedReason ?? '')}${
        sh.parkedUntilReconnect ? '<br><span class="muted">waits for a reconnect or new ShipStation keys</span>' : sh.parkedUntil ? `<br><span class="muted">expires ${formatTime(sh.parkedUntil)}</span>` : ''
      }</td><td>${formatTime(sh.parkedSince)}</td></tr>`,
  );
  return `<h2 id="parked">Shipments waiting to reach Ecwid</h2>
<p><span id="count-parked">${parked.count}</span> shipment write-back(s) parked: written to Ecwid once the store is reconnected, its ShipStation keys are replaced, or you retry.</p>
<table><thead><tr><th>Order</th><th>Why</th><th>Since</th></tr></thead><tbody>${rows.join('')}</tbody></table>
<form method="post" action="/stores/${storeId}/retry-shipments">${csrfField(csrf)}<button type="submit">Retry parked shipments</button></form>`;
}

/** A sync step being retried right now, when the status carries one (ShipStation down, Ecwid 5xx…). */
interface Retrying {
  activity: string;
  attempt: number;
  lastFailure?: string;
  nextAttemptAt?: string;
}

export function storePage(opts: {
  status: ConnectionStatus & { retrying?: Retrying };
  csrf: string;
  flash: Flash;
  statusNames: Record<string, string>;
  decision?: OrderDecision;
  askedOrderId?: string;
  /** The store's recent shipment write-backs (undefined: could not be read). */
  shipments?: ShipmentStatus[];
  /** The account's ShipStation stores to choose from (undefined: could not be listed now). */
  shipstationStores?: StoreChoiceView;
  /** Its parked write-backs: how many, and the first ones (undefined: could not be read). */
  parked?: { count: number; shipments: ShipmentStatus[] };
}): string {
  const { status: s, statusNames: names } = opts;
  const last = s.lastSyncResult;
  const reconnect =
    s.state === 'needs_reconnect'
      ? `<p class="flash error">This store needs to be reconnected${s.lastError ? `: ${e(s.lastError)}` : ''}. <a href="/connect/ecwid">Reconnect your Ecwid store</a></p>`
      : '';
  const reasons = Object.entries(s.skipReasons ?? {})
    .sort((a, b) => b[1] - a[1])
    .map(([reason, n]) => `<li>${n} × ${reasonHtml(reason, names)}</li>`);
  const why = opts.askedOrderId
    ? opts.decision
      ? `<p id="why-answer"><strong>Order ${e(opts.decision.orderId)}:</strong> ${e(opts.decision.outcome)} — ${e(opts.decision.explanation)}${
          opts.decision.reason ? ` <span class="muted">(${e(describeSkipReason(opts.decision.reason, names))})</span>` : ''
        }</p>`
      : `<p class="muted">Could not look up order ${e(opts.askedOrderId)}.</p>`
    : '';
  return page(
    `Store ${s.storeId}`,
    `${header(opts.csrf)}<h1>Store ${s.storeId} ${stateBadge(s.state)}</h1>${flashHtml(opts.flash)}${reconnect}
<table class="facts">
<tr><th>Last sync</th><td>${formatTime(s.lastSyncAt)}${
      last ? ` <span class="muted">(${e(last.trigger)}: ${last.fetched} read, ${last.imported} imported, ${last.skipped} skipped, ${last.failed} failed)</span>` : ''
    }${s.syncing ? ' <span class="muted">— syncing now…</span>' : ''}</td></tr>
<tr><th>Next sync</th><td>${formatTime(s.nextSyncAt)}</td></tr>
<tr><th>Orders</th><td><span id="count-imported">${s.imported}</span> imported, <span id="count-skipped">${s.skipped}</span> skipped, <span id="count-failed">${s.failed}</span> failed${
      s.failedNotListed ? ` <span class="muted">(and ${s.failedNotListed} earlier failure(s) no longer listed)</span>` : ''
    }, ${s.cancelled} cancelled</td></tr>
<tr><th>ShipStation account</th><td>${e(accountLabel(s))}</td></tr>
<tr><th>Connected by</th><td id="connected-by">${e(connectedByLabel(s))}</td></tr>
${
      s.retrying
        ? `<tr><th>Retrying</th><td>${e(s.retrying.activity)}, attempt ${s.retrying.attempt}${s.retrying.lastFailure ? `: ${e(s.retrying.lastFailure)}` : ''}${
            s.retrying.nextAttemptAt ? ` <span class="muted">(next try ${formatTime(s.retrying.nextAttemptAt)})</span>` : ''
          }</td></tr>`
        : ''
    }
<tr><th>Last error</th><td>${s.lastError ? e(s.lastError) : '<span class="muted">—</span>'}</td></tr>
</table>
${credentialsCard(s, opts.csrf)}
${actions(s, opts.csrf)}
${nativeAdoptionSummary(s)}
<h2>ShipStation store</h2>
${shipstationStoreCard(s, opts.shipstationStores, csrfField(opts.csrf))}
${reasons.length ? `<h2>Why orders were skipped</h2><ul class="reasons">${reasons.join('')}</ul>` : ''}
<h2>Recently skipped orders</h2>
<div id="skipped">${notesTable(s.recentSkipped ?? [], (n) => reasonHtml(n.reason, names), false)}</div>
<h2>Recently failed orders</h2>
<div id="failed">${notesTable(s.recentFailed ?? [], (n) => e(n.reason), true)}</div>
${parkedSection(s.storeId, opts.parked, opts.csrf)}
<h2 id="shipments">Shipped items per order</h2>
<div id="shipped-items">${shippedItemsSection(opts.shipments)}</div>
<h2 id="why">Why was an order (not) imported?</h2>
<form method="get" action="/stores/${s.storeId}" class="inline"><label>Order ID <input name="order" maxlength="100" value="${e(opts.askedOrderId ?? '')}"></label> <button type="submit">Explain</button></form>
${why}
<h2 id="mapping">Status mapping</h2>
${s.state === 'disconnected' ? '<p class="muted">Reconnect the store to change its settings.</p>' : mappingForm(s, opts.csrf, names)}`,
  );
}

export function messagePage(title: string, message: string, link = '<a href="/">Back to your connections</a>'): string {
  return page(title, `<h1>${e(title)}</h1><p>${e(message)}</p><p>${link}</p>`);
}
