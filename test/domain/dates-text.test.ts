import fc from 'fast-check';
import { firstTimestamp, pacificOffsetHours, parseEcwidDate, toShipStationDateTime } from '../../src/domain/dates';
import { decodeHtmlEntities, mentions, truncate } from '../../src/domain/text';

/** The same conversion through ICU's time-zone data, as a cross-check. */
function viaIntl(unixSeconds: number): string {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone: 'America/Los_Angeles',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(new Date(unixSeconds * 1000));
  const p = Object.fromEntries(parts.map((x) => [x.type, x.value]));
  return `${p.year}-${p.month}-${p.day}T${p.hour}:${p.minute}:${p.second}.0000000`;
}

describe('Pacific time for ShipStation V1', () => {
  it('uses PST in winter and PDT in summer', () => {
    expect(toShipStationDateTime(Date.UTC(2024, 0, 10, 20, 0, 0) / 1000)).toBe('2024-01-10T12:00:00.0000000');
    expect(toShipStationDateTime(Date.UTC(2024, 6, 10, 20, 0, 0) / 1000)).toBe('2024-07-10T13:00:00.0000000');
    // K8XTQ: 2024-09-04 07:22:09 UTC is the evening before in California.
    expect(toShipStationDateTime(1725434529)).toBe('2024-09-04T00:22:09.0000000');
    expect(toShipStationDateTime(Date.UTC(2025, 0, 1, 3, 0, 0) / 1000)).toBe('2024-12-31T19:00:00.0000000');
  });

  it('switches at 2:00 local on the second Sunday of March and the first Sunday of November', () => {
    const springForward = Date.UTC(2024, 2, 10, 10, 0, 0) / 1000; // 2024-03-10 02:00 PST
    expect(pacificOffsetHours(springForward - 1)).toBe(-8);
    expect(pacificOffsetHours(springForward)).toBe(-7);
    expect(toShipStationDateTime(springForward - 1)).toBe('2024-03-10T01:59:59.0000000');
    expect(toShipStationDateTime(springForward)).toBe('2024-03-10T03:00:00.0000000');
    const fallBack = Date.UTC(2024, 10, 3, 9, 0, 0) / 1000; // 2024-11-03 02:00 PDT
    expect(pacificOffsetHours(fallBack - 1)).toBe(-7);
    expect(pacificOffsetHours(fallBack)).toBe(-8);
    expect(toShipStationDateTime(fallBack - 1)).toBe('2024-11-03T01:59:59.0000000');
    expect(toShipStationDateTime(fallBack)).toBe('2024-11-03T01:00:00.0000000');
  });

  it('agrees with the time-zone database from 1990 to 2037', () => {
    fc.assert(
      fc.property(fc.integer({ min: Date.UTC(1990, 0, 1) / 1000, max: Date.UTC(2037, 11, 31) / 1000 }), (t) => {
        expect(toShipStationDateTime(t)).toBe(viaIntl(t));
      }),
      { numRuns: 2000 },
    );
  });
});

describe('Ecwid dates', () => {
  it('parses the API format and ISO forms', () => {
    expect(parseEcwidDate('2024-09-04 07:22:09 +0000')).toBe(1725434529);
    expect(parseEcwidDate('2024-09-04 09:22:09 +0200')).toBe(1725434529);
    expect(parseEcwidDate('2024-09-04T07:22:09Z')).toBe(1725434529);
    expect(parseEcwidDate('2024-09-04 07:22:09')).toBe(1725434529);
    expect(parseEcwidDate('2024-13-04 07:22:09 +0000')).toBeUndefined();
    expect(parseEcwidDate('04/09/2024')).toBeUndefined();
    expect(parseEcwidDate(12)).toBeUndefined();
  });

  it('takes the first usable timestamp', () => {
    expect(firstTimestamp(undefined, Number.NaN, '2024-09-04 07:22:09 +0000')).toBe(1725434529);
    expect(firstTimestamp(-5, 1e20, 'bad')).toBeUndefined();
  });
});

describe('text helpers', () => {
  it('decodes entities once, leaving unknown or invalid ones', () => {
    expect(decodeHtmlEntities('&amp;amp; &#0; &#xD800; &#x1F600; &Eacute;t&eacute; &hellip;')).toBe('&amp; &#0; &#xD800; 😀 Été …');
  });

  it('truncates by UTF-16 units without splitting surrogate pairs', () => {
    expect(truncate('abc', 5)).toBe('abc');
    expect(truncate('ab😀', 3)).toBe('ab');
    expect(truncate('ab😀', 4)).toBe('ab😀');
  });

  it('matches names as whole words across spellings', () => {
    expect(mentions('giftMessage', 'gift message')).toBe(true);
    expect(mentions('GIFT_NOTE', 'gift note')).toBe(true);
    expect(mentions('Gifted', 'gift')).toBe(false);
  });
});
