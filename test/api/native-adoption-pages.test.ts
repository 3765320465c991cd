/**
 * What the operator's and the merchant's pages say about the switch from ShipStation's own Ecwid integration (pure
 * rendering): counts, and a warning while ShipStation still imports its Ecwid store on its own.
 */
import { storePage } from '../../src/api/merchant/pages';
import { nativeAdoptionSummary } from '../../src/api/web/shipstation-store';
import type { ConnectionStatus, NativeAdoptionStatus } from '../../src/workflows/definitions';

const adoption = (autoRefresh: boolean): NativeAdoptionStatus => ({
  state: 'done',
  nativeStores: [{ storeId: 900, storeName: 'My <Ecwid> shop', autoRefresh }],
  adopted: 12,
  closed: 3,
  ambiguous: 1,
  listed: 20,
  dropped: 0,
});

const status = (a: NativeAdoptionStatus | undefined) =>
  ({
    storeId: 42,
    state: 'active',
    settings: { pollIntervalSeconds: 300, importSince: 0, statusMapping: {}, importPickupOrders: false },
    shipstationAccount: 'own',
    syncing: false,
    imported: 3,
    skipped: 0,
    failed: 0,
    failedAttempts: 0,
    cancelled: 0,
    skipReasons: {},
    recentSkipped: [],
    recentFailed: [],
    syncsRun: 1,
    pendingOrderIds: 0,
    ...(a ? { nativeAdoption: a } : {}),
  }) as unknown as ConnectionStatus;

const merchant = (s: ConnectionStatus) =>
  storePage({ ctx: { session: 's', csrf: 'c', lang: 'en' }, status: s, connectedBy: 'merchant', flash: {}, names: {}, bounds: { minPollSeconds: 60, maxPollSeconds: 3600 } });

describe('pages: switching from ShipStation’s Ecwid integration', () => {
  test('the counts, escaped, and no warning once automatic import is off', () => {
    const op = nativeAdoptionSummary(status(adoption(false)));
    expect(op).toContain('12 open orders adopted');
    expect(op).toContain('3 already shipped there, 1 held twice under different keys');
    expect(op).toContain('"My &lt;Ecwid&gt; shop"');
    expect(op).not.toContain('still imports');
    expect(merchant(status(adoption(false)))).toContain('12 open order(s) that ShipStation&#39;s own Ecwid integration already held');
  });

  test('a warning on both pages while ShipStation still imports its Ecwid store', () => {
    expect(nativeAdoptionSummary(status(adoption(true)))).toContain('ShipStation still imports "My &lt;Ecwid&gt; shop" automatically');
    expect(merchant(status(adoption(true)))).toContain('ShipStation still imports');
  });

  test('nothing for connections made before the switch existed, or an account without an Ecwid store', () => {
    expect(nativeAdoptionSummary(status(undefined))).toBe('');
    expect(nativeAdoptionSummary(status({ ...adoption(false), nativeStores: [] }))).toContain('nothing to adopt');
    expect(merchant(status(undefined))).not.toContain('native-adoption');
  });
});
