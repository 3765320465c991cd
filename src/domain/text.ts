/**
 * Text helpers for the mapping: read loosely typed values, decode HTML entities, and cut text to
 * ShipStation's lengths without ever rejecting an order.
 * Pure: safe inside Temporal workflow code.
 */

/** A string from a value Ecwid should have sent as a string (numbers are accepted; anything else is empty). */
export function str(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return '';
}

/** A number from a value Ecwid should have sent as a number (numeric strings are accepted); else undefined. */
export function num(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value === 'string' && value.trim() !== '') {
    const n = Number(value);
    return Number.isFinite(n) ? n : undefined;
  }
  return undefined;
}

/** Only the object entries of a value that should be an array of objects (Ecwid data may have holes). */
export function objects<T extends object>(value: unknown): T[] {
  return Array.isArray(value) ? (value.filter((x) => x !== null && typeof x === 'object') as T[]) : [];
}

/** The entity names of code points 160–255 (Latin-1), in order, as HTML defines them. */
const LATIN1_NAMES = (
  'nbsp iexcl cent pound curren yen brvbar sect uml copy ordf laquo not shy reg macr deg plusmn sup2 sup3 acute ' +
  'micro para middot cedil sup1 ordm raquo frac14 frac12 frac34 iquest Agrave Aacute Acirc Atilde Auml Aring AElig ' +
  'Ccedil Egrave Eacute Ecirc Euml Igrave Iacute Icirc Iuml ETH Ntilde Ograve Oacute Ocirc Otilde Ouml times Oslash ' +
  'Ugrave Uacute Ucirc Uuml Yacute THORN szlig agrave aacute acirc atilde auml aring aelig ccedil egrave eacute ecirc ' +
  'euml igrave iacute icirc iuml eth ntilde ograve oacute ocirc otilde ouml divide oslash ugrave uacute ucirc uuml ' +
  'yacute thorn yuml'
).split(' ');

const NAMED_ENTITIES: Record<string, string> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
  OElig: 'Œ',
  oelig: 'œ',
  Scaron: 'Š',
  scaron: 'š',
  Yuml: 'Ÿ',
  fnof: 'ƒ',
  circ: 'ˆ',
  tilde: '˜',
  ensp: '\u2002',
  emsp: '\u2003',
  thinsp: '\u2009',
  zwnj: '\u200C',
  zwj: '\u200D',
  lrm: '\u200E',
  rlm: '\u200F',
  ndash: '–',
  mdash: '—',
  lsquo: '‘',
  rsquo: '’',
  sbquo: '‚',
  ldquo: '“',
  rdquo: '”',
  bdquo: '„',
  dagger: '†',
  Dagger: '‡',
  bull: '•',
  hellip: '…',
  permil: '‰',
  prime: '′',
  Prime: '″',
  lsaquo: '‹',
  rsaquo: '›',
  euro: '€',
  trade: '™',
  larr: '←',
  rarr: '→',
  hearts: '♥',
  star: '☆',
};
LATIN1_NAMES.forEach((name, i) => {
  NAMED_ENTITIES[name] = String.fromCodePoint(160 + i);
});
// A non-breaking space is decoded to a plain space: it ends up on shipping labels and packing slips,
// where U+00A0 only causes trouble (address validation, fixed-width printers).
NAMED_ENTITIES.nbsp = ' ';

/**
 * Decodes HTML entities once (`&amp;lt;` becomes `&lt;`, as a browser would show it): named ones from a common
 * set, and numeric ones (`&#233;`, `&#x00E9;`). Unknown names and invalid code points are left as written.
 */
export function decodeHtmlEntities(text: string): string {
  if (!text.includes('&')) return text;
  return text.replace(/&(#[xX][0-9a-fA-F]{1,6}|#[0-9]{1,7}|[A-Za-z][A-Za-z0-9]{1,31});/g, (whole, body: string) => {
    if (body.startsWith('#')) {
      const code = body[1] === 'x' || body[1] === 'X' ? parseInt(body.slice(2), 16) : parseInt(body.slice(1), 10);
      const valid = code > 0 && code <= 0x10ffff && !(code >= 0xd800 && code <= 0xdfff);
      return valid ? String.fromCodePoint(code) : whole;
    }
    return Object.prototype.hasOwnProperty.call(NAMED_ENTITIES, body) ? NAMED_ENTITIES[body] : whole;
  });
}

/**
 * Cuts text to at most `max` UTF-16 code units (the way ShipStation, a .NET service, counts length), never
 * splitting a surrogate pair, so an emoji or a rare CJK character is kept whole or dropped whole.
 */
export function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  let end = max;
  const last = text.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end -= 1; // would keep a lone high surrogate
  return text.slice(0, end);
}

/**
 * Lower-case words of an identifier or a title, so that `giftMessage`, `gift_message` and "Gift message"
 * all read "gift message".
 */
export function words(text: string): string {
  return text
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

/** Whether `haystack` mentions `needle` as whole words ("Gift wrap?" mentions "gift"; "Giftedness" does not). */
export function mentions(haystack: string, needle: string): boolean {
  const h = ` ${words(haystack)} `;
  const n = words(needle);
  return n !== '' && h.includes(` ${n} `);
}

/** Records the fields that were cut, while building one ShipStation order. */
export class Truncations {
  readonly paths: string[] = [];

  /** Trimmed, decoded text cut to `max`; empty text becomes null. */
  text(value: unknown, max: number, path: string, opts: { decode?: boolean } = {}): string | null {
    let s = str(value);
    if (opts.decode !== false) s = decodeHtmlEntities(s);
    s = s.trim();
    if (s === '') return null;
    return this.cut(s, max, path);
  }

  /** `value` cut to `max`, recording `path` when it was cut. */
  cut(value: string, max: number, path: string): string {
    const cut = truncate(value, max);
    if (cut !== value) this.paths.push(path);
    return cut;
  }
}
