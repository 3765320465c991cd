import { randomBytes } from 'node:crypto';
import { KeyRing, type SessionSecrets } from '../key-ring';
import { type Lang, isLang } from './i18n';

/** How long a merchant's page stays usable; Ecwid hands a fresh payload each time the app is opened. */
export const MERCHANT_SESSION_TTL_SECONDS = 4 * 3600;

export interface MerchantSession {
  storeId: number;
  lang: Lang;
  /** The signed value itself (what the page carries). */
  value: string;
}

/**
 * Sessions of merchants on the Ecwid app page, scoped to one store: `m1.<storeId>.<lang>.<expiry>.<nonce>.<sig>`.
 *
 * Carried in the page (a hidden form field and the `s` query parameter of its own links), never in a cookie:
 * Ecwid frames the page from its own site, and browsers now block third-party cookies there. Stateless and signed
 * with a key derived from ADMIN_TOKEN, so every API process behind a load balancer checks what another issued.
 * The key is not the operator pages' key (another label): a merchant session is never an operator session.
 *
 * Changes need the session's CSRF token too, which is only ever in a form's body (never in a URL): a session value
 * leaked from the iframe's URL (browser history) can read the store's page, not act on it.
 */
export class MerchantSessions {
  private readonly keys: KeyRing;

  constructor(secrets: SessionSecrets) {
    this.keys = new KeyRing(secrets, 'ecwid-shipstation merchant session key v1');
  }

  issue(storeId: number, lang: Lang, nowMs = Date.now()): string {
    const exp = String(Math.floor(nowMs / 1000) + MERCHANT_SESSION_TTL_SECONDS);
    const body = `m1.${storeId}.${lang}.${exp}.${randomBytes(12).toString('base64url')}`;
    return `${body}.${this.mac(`session:${body}`)}`;
  }

  /** The session, if `value` is one this deployment signed and it has not expired. */
  read(value: unknown, nowMs = Date.now()): MerchantSession | undefined {
    if (typeof value !== 'string' || value.length > 200) return undefined;
    const parts = value.split('.');
    if (parts.length !== 6) return undefined;
    const [v, store, lang, exp, nonce, sig] = parts;
    if (v !== 'm1' || !/^\d{1,12}$/.test(store) || !isLang(lang) || !/^\d{1,12}$/.test(exp) || !nonce) return undefined;
    if (!this.keys.verify(`session:${parts.slice(0, 5).join('.')}`, sig)) return undefined;
    if (Number(exp) * 1000 <= nowMs) return undefined;
    return { storeId: Number(store), lang, value };
  }

  csrfToken(session: string): string {
    return this.mac(`csrf:${session}`);
  }

  csrfValid(session: string, given: unknown): boolean {
    return typeof given === 'string' && this.keys.verify(`csrf:${session}`, given);
  }

  private mac(data: string): string {
    return this.keys.mac(data);
  }
}
