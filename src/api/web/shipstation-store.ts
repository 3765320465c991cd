/**
 * The operator page's "ShipStation store" card (where the store's new orders go, chosen from the account's stores)
 * and its "Switching from ShipStation's Ecwid integration" summary. Server-rendered, no scripts.
 */
import type { StoreChoiceView } from '../../connections/shipstation-stores';
import type { ConnectionStatus } from '../../workflows/definitions';
import { escapeHtml as e } from './html';

/** The form choosing the store (a select of the account's stores; those that can't receive orders are disabled). */
export function shipstationStoreCard(status: ConnectionStatus, view: StoreChoiceView | undefined, csrfField: string): string {
  const chosen = typeof status.settings.shipstationStoreId === 'number' ? status.settings.shipstationStoreId : undefined;
  const current =
    chosen === undefined
      ? `the account's first manual store${view?.defaultStore ? ` ("${e(view.defaultStore.storeName)}", ${view.defaultStore.storeId})` : ''} — the default`
      : `"${e(status.settings.shipstationStoreName ?? String(chosen))}" (${chosen})`;
  if (status.state === 'disconnected') return `<p id="shipstation-store">New orders go to ${current}.</p>`;
  if (!view) {
    return `<div class="card" id="shipstation-store"><p>New orders go to ${current}.</p><p class="muted">The account's ShipStation stores can't be listed right now (the store has not joined its account yet, or ShipStation is busy); reload later to change it.</p></div>`;
  }
  const options = [`<option value=""${chosen === undefined ? ' selected' : ''}>Default: the account's first manual store</option>`]
    .concat(
      view.stores.map(
        (o) =>
          `<option value="${o.storeId}"${o.storeId === chosen ? ' selected' : ''}${o.selectable ? '' : ' disabled'}>${e(o.storeName)} (${o.storeId}${
            o.selectable ? '' : `, ${e(o.why ?? 'not selectable')}`
          })</option>`,
      ),
    )
    .join('');
  return `<form method="post" action="/stores/${status.storeId}/shipstation-store" class="card" id="shipstation-store">${csrfField}
<p>New orders go to ${current}. The store's ShipStation settings (branding, packing slips, return address, customer emails) apply to them. A change applies to orders created from now on: ShipStation sets an order's store only when it is created.</p>
<label>ShipStation store <select name="shipstationStoreId">${options}</select></label>
<button type="submit">Save store</button>
</form>`;
}

/** What the switch from ShipStation's Ecwid integration found on connect (absent for older connections). */
export function nativeAdoptionSummary(status: ConnectionStatus): string {
  const a = status.nativeAdoption;
  if (!a || a.state === 'not_applicable') return '';
  if (a.state === 'pending') {
    return `<p class="flash" id="native-adoption">Looking for the orders ShipStation's own Ecwid integration holds before the first import${a.lastError ? `: ${e(a.lastError)}` : ''}.</p>`;
  }
  if (a.nativeStores.length === 0) return `<p class="muted" id="native-adoption">ShipStation's own Ecwid integration: no Ecwid store in this ShipStation account, nothing to adopt.</p>`;
  const stillImporting = a.nativeStores.filter((s) => s.autoRefresh);
  const warning = stillImporting.length
    ? `<p class="flash error">ShipStation still imports ${stillImporting.map((s) => `"${e(s.storeName)}"`).join(', ')} automatically: each new order would arrive twice. Turn that store's automatic import off in ShipStation (see the operations guide).</p>`
    : '';
  return `<div class="card" id="native-adoption"><p>Switching from ShipStation's own Ecwid integration (${a.nativeStores.map((s) => `"${e(s.storeName)}"`).join(', ')}): ${a.adopted} open orders adopted (updated in place, never created twice), ${a.closed} already shipped there, ${a.ambiguous} held twice under different keys (not imported)${a.dropped ? `, ${a.dropped} beyond the limit` : ''}.</p>${warning}</div>`;
}
