/** Escapes text for HTML element content and attribute values. */
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);
}

/** A small, dependency-free page shell (server-rendered, no scripts). */
export function page(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${escapeHtml(title)} · Ecwid → ShipStation</title>
<style>body{font:15px/1.5 system-ui,sans-serif;max-width:960px;margin:2rem auto;padding:0 1rem;color:#1d2330}
table{border-collapse:collapse;width:100%}td,th{border-bottom:1px solid #ddd;padding:.35rem .5rem;text-align:left;vertical-align:top}
.state-active{color:#107c10}.state-needs_reconnect,.state-paused{color:#b35900}button,.button{padding:.35rem .8rem;border:1px solid #888;border-radius:4px;background:#f4f4f4;cursor:pointer;text-decoration:none;color:inherit}
.muted{color:#666}form.inline{display:inline}
nav.top{display:flex;justify-content:space-between;align-items:center;border-bottom:1px solid #ddd;padding-bottom:.5rem}
.flash{padding:.5rem .75rem;border-radius:4px}.flash.notice{background:#e7f5e7;border:1px solid #9c9}.flash.error{background:#fdecea;border:1px solid #e99}
.badge{font-size:.8em;padding:.1rem .45rem;border:1px solid currentColor;border-radius:999px;vertical-align:middle}
.state-disconnected{color:#666}.num{text-align:right}.card{border:1px solid #ddd;border-radius:6px;padding:.75rem 1rem;margin:1rem 0}
.primary{background:#1f6feb;border-color:#1f6feb;color:#fff}button.danger{background:#c62828;border-color:#c62828;color:#fff}
table.facts th{width:12rem}.actions{margin:1rem 0}.card table{width:auto}</style></head><body>${body}</body></html>`;
}
