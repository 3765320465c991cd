/** The `orderDecision` query's words for an imported order: what comes back to Ecwid, and what can't. */
import type { ConnectionSettings, SyncResult } from '../../src/workflows/definitions';
import { explainOrder, fold, freshState } from '../../src/workflows/store-sync-state';

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
