/**
 * Dates: Ecwid sends UNIX seconds and `yyyy-MM-dd HH:mm:ss +0000` strings; ShipStation V1 wants zone-less
 * `yyyy-MM-ddTHH:mm:ss.0000000` in Pacific time.
 *
 * The Pacific conversion applies the US daylight-saving rule itself instead of asking Intl for time-zone
 * data, so the result never depends on the ICU build of the worker (this code also runs inside Temporal
 * workflows, where it must be deterministic). A test checks it against Intl over many years.
 */

const SECONDS_PER_HOUR = 3600;

/** Day of month (1–31) of the n-th Sunday (n ≥ 1) of a month (0-based), in UTC. */
function nthSunday(year: number, month: number, n: number): number {
  const firstWeekday = new Date(Date.UTC(year, month, 1)).getUTCDay();
  return 1 + ((7 - firstWeekday) % 7) + 7 * (n - 1);
}

/** Day of month of the last Sunday of a month (0-based), in UTC. */
function lastSunday(year: number, month: number): number {
  const last = new Date(Date.UTC(year, month + 1, 0));
  return last.getUTCDate() - last.getUTCDay();
}

/**
 * UTC offset of US Pacific time, in hours (-8 standard, -7 daylight), at a moment in UNIX seconds.
 * Since 2007, daylight time runs from the second Sunday of March, 2:00 PST (10:00 UTC), to the first Sunday of
 * November, 2:00 PDT (09:00 UTC). From 1987 to 2006 it ran from the first Sunday of April to the last Sunday of
 * October; that rule is also used for earlier years (no Ecwid order is that old).
 */
export function pacificOffsetHours(unixSeconds: number): -8 | -7 {
  const year = new Date(unixSeconds * 1000).getUTCFullYear();
  const start =
    year >= 2007 ? Date.UTC(year, 2, nthSunday(year, 2, 2), 10) : Date.UTC(year, 3, nthSunday(year, 3, 1), 10);
  const end = year >= 2007 ? Date.UTC(year, 10, nthSunday(year, 10, 1), 9) : Date.UTC(year, 9, lastSunday(year, 9), 9);
  const ms = unixSeconds * 1000;
  return ms >= start && ms < end ? -7 : -8;
}

function pad(n: number, width = 2): string {
  return String(n).padStart(width, '0');
}

/** ShipStation V1 date-time: `yyyy-MM-ddTHH:mm:ss.0000000`, Pacific wall-clock time, no zone. */
export function toShipStationDateTime(unixSeconds: number): string {
  const whole = Math.floor(unixSeconds);
  const local = new Date((whole + pacificOffsetHours(whole) * SECONDS_PER_HOUR) * 1000);
  return (
    `${pad(local.getUTCFullYear(), 4)}-${pad(local.getUTCMonth() + 1)}-${pad(local.getUTCDate())}` +
    `T${pad(local.getUTCHours())}:${pad(local.getUTCMinutes())}:${pad(local.getUTCSeconds())}.0000000`
  );
}

const ECWID_DATE = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2})(?::(\d{2}))?(?:\.\d+)?\s*(?:(Z)|([+-])(\d{2}):?(\d{2}))?$/;

/**
 * UNIX seconds of an Ecwid date string (`2024-09-04 07:22:09 +0000`; ISO forms are accepted too).
 * A string without a zone is read as UTC, as Ecwid's API dates are. Undefined when it does not parse.
 */
export function parseEcwidDate(value: unknown): number | undefined {
  if (typeof value !== 'string') return undefined;
  const m = ECWID_DATE.exec(value.trim());
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s, , sign, oh, om] = m;
  const month = Number(mo);
  const day = Number(d);
  if (month < 1 || month > 12 || day < 1 || day > 31 || Number(h) > 23 || Number(mi) > 59 || Number(s ?? 0) > 59) {
    return undefined;
  }
  const utcMs = Date.UTC(Number(y), month - 1, day, Number(h), Number(mi), Number(s ?? 0));
  const offsetMinutes = sign ? (sign === '-' ? -1 : 1) * (Number(oh) * 60 + Number(om)) : 0;
  const seconds = utcMs / 1000 - offsetMinutes * 60;
  return Number.isFinite(seconds) ? seconds : undefined;
}

/** 9999-12-31 23:59:59 UTC: ShipStation dates have four-digit years; anything later is garbage. */
const MAX_UNIX_SECONDS = 253_402_300_799;

/** The first usable moment among UNIX-seconds numbers and Ecwid date strings, in order of preference. */
export function firstTimestamp(...candidates: unknown[]): number | undefined {
  for (const c of candidates) {
    const t = typeof c === 'number' ? c : parseEcwidDate(c);
    if (typeof t === 'number' && Number.isFinite(t) && t >= 0 && t <= MAX_UNIX_SECONDS) return t;
  }
  return undefined;
}
