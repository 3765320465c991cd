/**
 * The merchant's app page (pure rendering): per order, which items shipped under which tracking number, in the
 * admin's language, escaped.
 */
import { storePage } from '../../src/api/merchant/pages';
import type { ConnectionStatus, ShipmentStatus } from '../../src/workflows/definitions';

const status = {
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
} as unknown as ConnectionStatus;

const partlyShipped: ShipmentStatus = {
  storeId: 42,
  orderId: 'SPLIT1',
  state: 'partial',
  appliedShipmentIds: [1],
  attempts: 1,
  lastTrackingNumber: '1Z999',
  shippedItems: {
    complete: false,
    fulfillmentStatus: 'PROCESSING',
    ordered: 3,
    shipped: 2,
    lines: [
      { key: '11', name: 'Mug <b>', ordered: 2, shipped: 2, trackingNumbers: ['1Z999'] },
      { key: '12', name: 'Teapot', ordered: 1, shipped: 0, trackingNumbers: [] },
    ],
  },
};

const render = (lang: 'en' | 'fr', shipments: ShipmentStatus[] | undefined) =>
  storePage({
    ctx: { session: 's', csrf: 'c', lang },
    status,
    connectedBy: 'merchant',
    flash: {},
    names: {},
    bounds: { minPollSeconds: 60, maxPollSeconds: 3600 },
    shipments,
  } as Parameters<typeof storePage>[0]);

describe("the merchant's page shows shipped items per order", () => {
  test('in English: each line with how many shipped and under which tracking number, escaped', () => {
    const html = render('en', [partlyShipped]);
    const section = html.slice(html.indexOf('id="shipped-items"'));
    expect(section).toContain('Partly shipped');
    expect(section).toContain('Mug &lt;b&gt;: 2 of 2 — <code>1Z999</code>');
    expect(section).toContain('Teapot: 0 of 1');
    expect(section).not.toContain('<b>');
  });

  test('in French', () => {
    const html = render('fr', [partlyShipped]);
    expect(html).toContain('Articles expédiés par commande');
    expect(html).toContain('Partiellement expédiée');
    expect(html).toContain('Teapot: 0 sur 1');
  });

  test('none yet, or unreadable now, says so', () => {
    expect(render('en', [])).toContain('No shipment written back to Ecwid recently.');
    expect(render('fr', undefined)).toContain('Les expéditions ne peuvent pas être lues pour le moment.');
  });
});
