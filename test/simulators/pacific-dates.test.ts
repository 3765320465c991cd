/**
 * The ShipStation simulator writes Pacific dates from the platform's time-zone data; the connector converts with
 * its own daylight-saving rule (src/domain/dates.ts). Written apart, they must agree: each checks the other.
 */
import { toShipStationDateTime } from '../../src/domain/dates';
import { pacificDate, pacificDateTime } from '../../src/simulators/shipstation/dates';

describe("the simulator's Pacific dates and the connector's agree", () => {
  test.each([
    ['before spring forward 2024', Date.UTC(2024, 2, 10, 9, 59, 59)],
    ['after spring forward 2024', Date.UTC(2024, 2, 10, 10, 0, 0)],
    ['before fall back 2024', Date.UTC(2024, 10, 3, 8, 59, 59)],
    ['after fall back 2024', Date.UTC(2024, 10, 3, 9, 0, 0)],
    ['new year in UTC, still the old year in Pacific', Date.UTC(2025, 0, 1, 5, 0, 0)],
  ])('%s', (_what, ms) => {
    expect(pacificDateTime(new Date(ms))).toBe(toShipStationDateTime(ms / 1000));
  });

  test('every 7 hours over three years', () => {
    const start = Date.UTC(2023, 0, 1);
    const disagreements: string[] = [];
    for (let ms = start; ms < start + 3 * 365 * 86400_000; ms += 7 * 3600_000 + 13_000) {
      const sim = pacificDateTime(new Date(ms));
      const connector = toShipStationDateTime(ms / 1000);
      if (sim !== connector) disagreements.push(`${new Date(ms).toISOString()}: ${sim} vs ${connector}`);
    }
    expect(disagreements).toEqual([]);
  });

  test('a label bought at 23:30 Pacific ships that day, not the next UTC day', () => {
    expect(pacificDate(new Date(Date.UTC(2024, 6, 5, 6, 30)))).toBe('2024-07-04');
  });
});
