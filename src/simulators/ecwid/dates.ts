/**
 * Ecwid date handling. Output dates look like "2024-09-04 07:22:09 +0000" next to a `*Timestamp` in UNIX
 * seconds; input filters accept a UNIX timestamp, `yyyy-MM-dd HH:mm:ss Z`, `yyyy-MM-dd HH:mm:ss` or `yyyy-MM-dd`.
 */

const pad = (n: number): string => String(n).padStart(2, '0');

/** UNIX seconds → "yyyy-MM-dd HH:mm:ss +0000" (Ecwid returns every date in UTC). */
export function formatEcwidDate(seconds: number): string {
  const d = new Date(seconds * 1000);
  return (
    `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ` +
    `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} +0000`
  );
}

const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2}))?)?(?:\s*(Z|UTC|GMT|[+-]\d{2}:?\d{2}|\d{4}))?$/;

/**
 * A filter value → UNIX seconds, or undefined when it is not a format Ecwid accepts.
 * A zone written as "+0000" often arrives as " 0000" because an unencoded "+" in a query string decodes to a
 * space; that is read as a positive offset, as Ecwid's servers do in practice.
 */
export function parseEcwidDate(input: string): number | undefined {
  const s = input.trim();
  if (/^\d+$/.test(s)) return Number(s);
  const m = DATE_TIME.exec(s);
  if (!m) return undefined;
  const [, y, mo, d, h = '0', mi = '0', sec = '0', zone] = m;
  const month = Number(mo);
  const day = Number(d);
  if (month < 1 || month > 12 || day < 1 || day > 31 || Number(h) > 23 || Number(mi) > 59 || Number(sec) > 59) return undefined;
  let ms = Date.UTC(Number(y), month - 1, day, Number(h), Number(mi), Number(sec));
  if (zone && !/^(Z|UTC|GMT)$/.test(zone)) {
    const z = /^([+-]?)(\d{2}):?(\d{2})$/.exec(zone);
    if (!z) return undefined;
    const offsetMin = (z[1] === '-' ? -1 : 1) * (Number(z[2]) * 60 + Number(z[3]));
    ms -= offsetMin * 60_000;
  }
  return Math.floor(ms / 1000);
}
