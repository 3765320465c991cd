/** The record of orders not imported: failures kept apart from skips, and counted when the list lets one go. */
import type { ConnectionCredentials, ConnectionSettings, OrderOutcome, SyncResult } from '../../src/workflows/definitions';
import { MAX_FAILED_KEPT, connectionStatusOf, fold, freshState } from '../../src/workflows/store-sync-state';

const settings = { pollIntervalSeconds: 300, importSince: 0, statusMapping: {}, importPickupOrders: false } as unknown as ConnectionSettings;
const credentials = { ecwidAccessToken: 'x' } as ConnectionCredentials;
const result = (): SyncResult => ({ at: new Date().toISOString(), trigger: 'schedule', fetched: 0, imported: 0, skipped: 0, failed: 0, unchanged: 0, cancelled: 0, durationMs: 0 });
const failed = (id: string): OrderOutcome => ({ id, outcome: 'failed', reason: 'ShipStation said no' });
const skipped = (id: string): OrderOutcome => ({ id, outcome: 'skipped', reason: 'no_physical_items' });

test('skipped orders never push a failure out of the record', () => {
  const s = freshState();
  fold(s, [failed('F1')], result(), { keepFailures: true });
  fold(s, Array.from({ length: 800 }, (_, i) => skipped(`S${i}`)), result(), { keepFailures: true });
  const st = connectionStatusOf(1, s, settings, credentials, false);
  expect(st.failed).toBe(1);
  expect(st.recentFailed.map((n) => n.orderId)).toEqual(['F1']);
  expect(st.failedNotListed).toBeUndefined();
  expect(Object.values(s.notImported).filter((n) => n.outcome === 'skipped')).toHaveLength(500);

  // What earlier runs did (and still do when replayed): the newest 500 of either, so the failure was dropped unseen.
  const old = freshState();
  fold(old, [failed('F1')], result());
  fold(old, Array.from({ length: 800 }, (_, i) => skipped(`S${i}`)), result());
  expect(connectionStatusOf(1, old, settings, credentials, false).failed).toBe(0);
});

test('beyond its limit the record lets the oldest failures go and counts each one', () => {
  const s = freshState();
  fold(s, Array.from({ length: MAX_FAILED_KEPT + 7 }, (_, i) => failed(`F${i}`)), result(), { keepFailures: true });
  let st = connectionStatusOf(1, s, settings, credentials, false);
  expect(st.failed).toBe(MAX_FAILED_KEPT);
  expect(st.failedNotListed).toBe(7);
  expect('F0' in s.notImported).toBe(false);
  expect('F7' in s.notImported).toBe(true);
  // A listed failure that is imported later leaves the list; the count of those let go stays.
  fold(s, [{ id: 'F7', outcome: 'imported' }], result(), { keepFailures: true });
  fold(s, [failed('NEW')], result(), { keepFailures: true });
  st = connectionStatusOf(1, s, settings, credentials, false);
  expect(st.failed).toBe(MAX_FAILED_KEPT);
  expect(st.failedNotListed).toBe(7);
});
