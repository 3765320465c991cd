/**
 * ShipStation V1 dates: "The time zone represented in all API responses is PST/PDT" (API requirements), written
 * zone-less with seven fractional digits (`2015-06-29T08:46:27.0000000`); `shipDate` is a date only. Filters
 * arrive as Pacific `yyyy-MM-dd[ HH:mm[:ss]]` (or with a `T`). The wall-clock time comes from the platform's
 * time-zone data (America/Los_Angeles), not from the connector's own conversion, so a test can catch a mistake
 * in either.
 */

const PACIFIC = new Intl.DateTimeFormat('en-US', {
  timeZone: 'America/Los_Angeles',
  hourCycle: 'h23',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
});

/** `2015-06-29T08:46:27.1230000`: Pacific wall-clock time, seven fractional digits like .NET's round-trip format. */
export function pacificDateTime(date = new Date()): string {
  const p = Object.fromEntries(PACIFIC.formatToParts(date).map((x) => [x.type, x.value]));
  const ms = String(date.getMilliseconds()).padStart(3, '0');
  return `${p.year}-${p.month}-${p.day}T${p.hour}:${p.minute}:${p.second}.${ms}0000`;
}

/** `2015-06-29` (Pacific). */
export function pacificDate(date = new Date()): string {
  return pacificDateTime(date).slice(0, 10);
}

/** A filter value as `yyyy-MM-ddTHH:mm:ss`, comparable with the first 19 characters of stored dates. */
export function normalizeFilterDate(v: string): string | undefined {
  const m = /^(\d{4}-\d{2}-\d{2})(?:[ T](\d{2}:\d{2}(?::\d{2})?))?/.exec(v.trim());
  if (!m) return undefined;
  const time = m[2] ? (m[2].length === 5 ? `${m[2]}:00` : m[2]) : '00:00:00';
  return `${m[1]}T${time}`;
}

/** Whether a stored date lies in [start, end] (both inclusive, to the second); absent bounds are open. */
export function inRange(stored: string | null | undefined, start?: string, end?: string): boolean {
  if (start === undefined && end === undefined) return true;
  if (!stored) return false;
  const s = normalizeFilterDate(stored) ?? stored.slice(0, 19);
  return (start === undefined || s >= start) && (end === undefined || s <= end);
}
