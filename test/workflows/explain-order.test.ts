/** The `orderDecision` query's words for an imported order: what comes back to Ecwid, and what can't. */
import type { ConnectionSettings, SyncResult } from '../../src/workflows/definitions';
import { MAX_SENT_RECORDS, explainOrder, fold, freshState } from '../../src/workflows/store-sync-state';

const settings = { pollIntervalSeconds: 300, importSince: 0, statusMapping: {}, importPickupOrders: false } as unknown as ConnectionSettings;
const result = (): SyncResult => ({ at: new Date().toISOString(), trigger: 'schedule', fetched: 0, imported: 0, skipped: 0, failed: 0, unchanged: 0, cancelled: 0, durationMs: 0 });

test("an imported order's explanation names what comes back from ShipStation and says notes to buyer can't", () => {
  const s = freshState();
  fold(s, [{ id: 'K8XTQ', outcome: 'imported' }], result());
  const d = explainOrder(s, 'K8XTQ', settings);
  expect(d.outcome).toBe('imported');
  expect(d.explanation).toMatch(/tracking number, carrier, service and carrier fee/);
  expect(d.explanation).toMatch(/"Notes to buyer" don't come back: ShipStation's API doesn't share them/);
});

describe('records of sends to ShipStation (order-merge)', () => {
  test('are kept per order, latest last, and bounded; runs without the patch keep none', () => {
    const s = { ...freshState(), sentRecords: {} as Record<string, string>, mergeNotes: {} as Record<string, string> };
    const outcomes = Array.from({ length: MAX_SENT_RECORDS + 10 }, (_, i) => ({ id: `O${i}`, outcome: 'imported' as const, sent: `s1:${i}` }));
    fold(s, outcomes, result());
    expect(Object.keys(s.sentRecords)).toHaveLength(MAX_SENT_RECORDS);
    expect(s.sentRecords.O0).toBeUndefined();
    expect(s.sentRecords[`O${MAX_SENT_RECORDS + 9}`]).toBe(`s1:${MAX_SENT_RECORDS + 9}`);
    // A deletion noticed on a skip is remembered too.
    fold(s, [{ id: 'O5000', outcome: 'skipped', reason: 'deleted_in_shipstation', sent: 'dabc' }], result());
    expect(s.sentRecords.O5000).toBe('dabc');
    const old = freshState();
    fold(old, outcomes.slice(0, 3), result());
    expect(old.sentRecords).toBeUndefined();
  });

  test("an update's kept edits and conflicts are shown in the order's explanation, and cleared by a plain update", () => {
    const s = { ...freshState(), sentRecords: {}, mergeNotes: {} as Record<string, string> };
    fold(s, [{ id: 'A1', outcome: 'imported', merge: 'kept_shipstation:status,weight;conflict:shipTo=ecwid' }], result());
    const d = explainOrder(s, 'A1', settings);
    expect(d.reason).toBe('kept_shipstation:status,weight;conflict:shipTo=ecwid');
    expect(d.explanation).toMatch(/ShipStation's own edits were kept at the last update \(status, weight\)/);
    expect(d.explanation).toMatch(/changed on both sides since the previous update \(shipTo: Ecwid's value sent\)/);
    fold(s, [{ id: 'A1', outcome: 'imported' }], result());
    expect(explainOrder(s, 'A1', settings).reason).toBeUndefined();
  });
});

test('an order deleted in ShipStation says why it is not sent, and when it would be', () => {
  const s = { ...freshState(), sentRecords: {}, mergeNotes: {} };
  fold(s, [{ id: 'D1', outcome: 'skipped', reason: 'deleted_in_shipstation', sent: 'dabc' }], result());
  expect(explainOrder(s, 'D1', settings).explanation).toMatch(/deleted in ShipStation.*unless it changes in Ecwid after this/);
  fold(s, [{ id: 'D1', outcome: 'imported', merge: 'recreated_after_deletion', sent: 's1:x' }], result());
  expect(explainOrder(s, 'D1', settings).explanation).toMatch(/created again in ShipStation after its deletion/);
});
