import { ApplicationFailure } from '@temporalio/common';
import pino from 'pino';
import { createActivities } from '../../src/activities';
import type { ActivityDeps } from '../../src/activities/deps';
import { importOrderPage, type ImportOrdersInput } from '../../src/activities/import-orders';
import type { ShipStationOrder } from '../../src/domain/shipstation';
import { startEcwidSimulator, type EcwidSimulator } from '../../src/simulators/ecwid';
import { startShipStationSimulator, type ShipStationSimulator } from '../../src/simulators/shipstation';
import { importableOrder } from '../helpers/orders';

const STORE = 7401;
const TOKEN = 'secret_store_7401_token';
const SS = { apiKey: 'import-activity-key', apiSecret: 'import-activity-secret' };

/** The import activity called directly (no Temporal) against both simulators; asserts on the HTTP that arrived. */
describe('importOrderPage and cancelInShipStation', () => {
  let ecwid: EcwidSimulator;
  let ss: ShipStationSimulator;
  let deps: ActivityDeps;
  let syncSeq = 0;

  beforeAll(async () => {
    ecwid = await startEcwidSimulator();
    ecwid.addStore({ storeId: STORE, token: TOKEN, plan: 'VENTURE' });
    ss = await startShipStationSimulator({ accounts: [SS], rateLimitPerMinute: 1000 });
    deps = { ecwidApiUrl: ecwid.url, shipstationApiUrl: ss.url, defaultShipStation: SS, logger: pino({ level: 'silent' }) };
  });
  afterEach(() => {
    ecwid.faults.clear();
    ss.faults.clear();
    ecwid.requests.clear();
    ss.requests.clear();
  });
  afterAll(async () => {
    await Promise.all([ecwid.close(), ss.close()]);
  });

  const input = (mode: Partial<ImportOrdersInput>): ImportOrdersInput => ({
    storeId: STORE,
    // A fresh sync each time, so no look-up is served from an earlier test's cache.
    syncId: `activity-test-${++syncSeq}`,
    credentials: { ecwidAccessToken: TOKEN },
    settings: { pollIntervalSeconds: 300, importSince: 0, statusMapping: {}, importPickupOrders: false },
    recentlySent: {},
    ...mode,
  });
  const key = (id: string) => `ecwid-${STORE}-${id}`;
  const ssOrder = (id: string) => ss.ordersByKey(SS.apiKey).get(key(id));
  const newOrders = (n: number, overrides: Parameters<typeof importableOrder>[0] = {}) =>
    Array.from({ length: n }, () => ecwid.upsertOrder(STORE, importableOrder(overrides)).id!);
  const createdKeys = () =>
    ss.requests.filter('POST', '/orders/createorders').flatMap((r) => (r.body as ShipStationOrder[]).map((o) => o.orderKey));
  const failure = (type: string, nonRetryable: boolean) => expect.objectContaining({ type, nonRetryable }) as unknown;

  describe('ID mode: one order Ecwid refuses to read is that order’s failure', () => {
    test('a bulk search refused with 400 falls back to reading each ID; the bad one fails, the others import', async () => {
      const [a, b] = newOrders(2);
      const bad = 'BAD-ORDER-ID';
      ecwid.faults.inject(
        { kind: 'status', status: 400, body: { errorCode: 'WRONG_PARAMETER', errorMessage: 'Order ID is malformed' } },
        { method: 'GET', pathPrefix: `/api/v3/${STORE}/orders/${bad}` },
      );
      ecwid.faults.inject(
        { kind: 'status', status: 400, body: { errorCode: 'WRONG_PARAMETER', errorMessage: 'Parameter ids is malformed' } },
        { times: 1, method: 'GET', pathPrefix: `/api/v3/${STORE}/orders` },
      );

      const page = await importOrderPage(deps, input({ orderIds: [a, bad, b] }));

      expect(page.outcomes).toEqual(
        expect.arrayContaining([
          { id: bad, outcome: 'failed', reason: expect.stringMatching(/400 WRONG_PARAMETER: Order ID is malformed/) as string },
          expect.objectContaining({ id: a, outcome: 'imported' }),
          expect.objectContaining({ id: b, outcome: 'imported' }),
        ]),
      );
      expect(page.outcomes).toHaveLength(3);
      expect(page.count).toBe(3);
      // One refused search, then each ID on its own; both good orders in one bulk create.
      expect(ecwid.requests.filter('GET', `/api/v3/${STORE}/orders`).map((r) => r.status)).toEqual([400]);
      expect(ecwid.requests.filter('GET', /\/orders\/[^/]+$/).map((r) => [r.path.split('/').pop(), r.status])).toEqual([
        [a, 200],
        [bad, 400],
        [b, 200],
      ]);
      expect(createdKeys().sort()).toEqual([key(a), key(b)].sort());
      expect(ssOrder(a)?.orderStatus).toBe('awaiting_shipment');
    });

    test('an ID the search leaves out and Ecwid refuses to read fails alone; the search is not repeated', async () => {
      const [a] = newOrders(1);
      const odd = 'ODD-1';
      ecwid.faults.inject({ kind: 'status', status: 422 }, { method: 'GET', pathPrefix: `/api/v3/${STORE}/orders/${odd}` });
      const page = await importOrderPage(deps, input({ orderIds: [a, odd] }));
      expect(page.outcomes).toEqual(
        expect.arrayContaining([
          { id: odd, outcome: 'failed', reason: expect.stringMatching(/422/) as string },
          expect.objectContaining({ id: a, outcome: 'imported' }),
        ]),
      );
      expect(ecwid.requests.filter('GET', `/api/v3/${STORE}/orders`)).toHaveLength(1);
      expect(createdKeys()).toEqual([key(a)]);
    });

    test.each([
      ['403 (token revoked)', { kind: 'status', status: 403, body: { errorCode: 'INVALID_API_TOKEN' } }, failure('EcwidTokenInvalid', true)],
      ['402 (plan)', { kind: 'status', status: 402, body: { errorCode: 'PLAN_REQUIRED' } }, failure('EcwidPlanRequired', true)],
      ['404 STORE_NOT_FOUND', { kind: 'status', status: 404, body: { errorCode: 'STORE_NOT_FOUND' } }, failure('EcwidStoreNotFound', true)],
      ['503', { kind: 'status', status: 503 }, failure('EcwidUnavailable', false)],
      ['408', { kind: 'status', status: 408 }, failure('EcwidUnavailable', false)],
      ['429', { kind: 'rate-limit', retryAfterSeconds: 3 }, failure('EcwidRateLimited', false)],
      ['a dropped connection', { kind: 'drop' }, failure('EcwidUnavailable', false)],
    ] as const)('on one ID, %s still fails the whole page, classified for Temporal', async (_name, fault, expected) => {
      const [a] = newOrders(1);
      const unread = 'UNREAD-1';
      ecwid.faults.inject(fault, { times: 1, method: 'GET', pathPrefix: `/api/v3/${STORE}/orders/${unread}` });
      const err = await importOrderPage(deps, input({ orderIds: [a, unread] })).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ApplicationFailure);
      expect(err).toEqual(expected);
      expect(createdKeys()).toEqual([]);
    });

    test('a connection-level refusal of the bulk search is thrown, not read ID by ID', async () => {
      const [a, b] = newOrders(2);
      ecwid.faults.inject({ kind: 'status', status: 403, body: { errorCode: 'INVALID_API_TOKEN' } }, { times: 1, method: 'GET' });
      await expect(importOrderPage(deps, input({ orderIds: [a, b] }))).rejects.toEqual(failure('EcwidTokenInvalid', true));
      expect(ecwid.requests.entries.map((r) => r.path)).toEqual([`/api/v3/${STORE}/orders`]);
    });
  });

  test('a shipped order whose ShipStation look-up is refused fails alone; the others import', async () => {
    const [open] = newOrders(1);
    const [shipped] = newOrders(1, { fulfillmentStatus: 'SHIPPED' });
    ss.faults.inject({ kind: 'status', status: 400, body: { Message: 'The request is invalid.' } }, { times: 1, method: 'GET', pathPrefix: '/orders' });
    const page = await importOrderPage(deps, input({ orderIds: [open, shipped] }));
    expect(page.outcomes).toEqual(
      expect.arrayContaining([
        { id: shipped, outcome: 'failed', reason: expect.stringMatching(/ShipStation look-up failed: .*400/) as string },
        expect.objectContaining({ id: open, outcome: 'imported' }),
      ]),
    );
    expect(ss.requests.filter('GET', '/orders').map((r) => [r.query.orderNumber, r.status])).toEqual([[shipped, 400]]);
    expect(createdKeys()).toEqual([key(open)]);
  });

  describe('cancelling orders deleted in Ecwid', () => {
    /** Orders imported into ShipStation, then deleted in Ecwid. */
    async function deletedAfterImport(n: number): Promise<string[]> {
      const ids = newOrders(n);
      await importOrderPage(deps, input({ orderIds: ids }));
      for (const id of ids) ecwid.deleteOrder(STORE, id);
      ecwid.requests.clear();
      ss.requests.clear();
      return ids;
    }

    test('ShipStation refusing one look-up and one cancel fails those two; the third is cancelled', async () => {
      const [lookedUp, cancelRefused, cancelled] = await deletedAfterImport(3);
      ss.faults.inject({ kind: 'status', status: 400, body: { Message: 'The request is invalid.' } }, { times: 1, method: 'GET', pathPrefix: '/orders' });
      ss.faults.inject({ kind: 'status', status: 404, body: { Message: 'Order not found' } }, { times: 1, method: 'POST', pathPrefix: '/orders/createorders' });

      const page = await importOrderPage(deps, input({ orderIds: [lookedUp, cancelRefused, cancelled] }));

      expect(page.outcomes).toEqual([
        { id: lookedUp, outcome: 'failed', reason: expect.stringMatching(/cancel failed: ShipStation GET \/orders answered 400/) as string },
        { id: cancelRefused, outcome: 'failed', reason: expect.stringMatching(/cancel failed: .*404: Order not found/) as string },
        { id: cancelled, outcome: 'cancelled', reason: 'deleted_in_ecwid' },
      ]);
      expect(ss.requests.filter('GET', '/orders').map((r) => [r.query.orderNumber, r.status])).toEqual([
        [lookedUp, 400],
        [cancelRefused, 200],
        [cancelled, 200],
      ]);
      expect(ss.requests.filter('POST', '/orders/createorders').map((r) => r.status)).toEqual([404, 200]);
      expect(ssOrder(lookedUp)?.orderStatus).toBe('awaiting_shipment');
      expect(ssOrder(cancelRefused)?.orderStatus).toBe('awaiting_shipment');
      expect(ssOrder(cancelled)?.orderStatus).toBe('cancelled');
    });

    test.each([
      ['401', 401, failure('ShipStationAuthFailed', true)],
      ['403', 403, failure('ShipStationAuthFailed', true)],
      ['503', 503, failure('ShipStationUnavailable', false)],
    ] as const)('the cancelDeletedOrders activity still throws a %s, classified', async (_name, status, expected) => {
      const ids = await deletedAfterImport(2);
      ss.faults.inject({ kind: 'status', status }, { times: 1, method: 'GET', pathPrefix: '/orders' });
      const activities = createActivities(deps);
      const err = await activities
        .cancelDeletedOrders({ storeId: STORE, credentials: { ecwidAccessToken: TOKEN }, settings: input({}).settings, orderIds: ids })
        .catch((e: unknown) => e);
      expect(err).toEqual(expected);
      expect(ss.requests.filter('GET', '/orders')).toHaveLength(1);
      expect(ss.requests.filter('POST', '/orders/createorders')).toHaveLength(0);
    });
  });

  describe('creation-window mode (importSince moved earlier)', () => {
    test('pages through the orders created in the window, whatever their update date', async () => {
      const STORE2 = 7402;
      const TOKEN2 = 'secret_store_7402_token';
      ecwid.addStore({ storeId: STORE2, token: TOKEN2, plan: 'VENTURE' });
      const day = 86_400;
      const now = Math.floor(Date.now() / 1000);
      const created = (daysAgo: number) => ecwid.upsertOrder(STORE2, importableOrder({ createTimestamp: now - daysAgo * day })).id!;
      const tooOld = created(40);
      const inWindow = [created(30), created(25), created(20)];
      const tooNew = created(5);
      const window = { createdFrom: now - 31 * day, createdTo: now - 10 * day };
      const base = { ...input({}), storeId: STORE2, credentials: { ecwidAccessToken: TOKEN2 } };

      const first = await importOrderPage(deps, { ...base, ...window, offset: 0 });
      const second = await importOrderPage(deps, { ...base, ...window, offset: 2 });

      expect(first.total).toBe(3);
      expect(first.count).toBe(3);
      expect(first.outcomes.map((o) => [o.id, o.outcome])).toEqual(inWindow.map((id) => [id, 'imported']));
      expect(second.count).toBe(1);
      expect(second.outcomes.map((o) => o.id)).toEqual([inWindow[2]]);
      // Ecwid was asked by creation date, never by update date.
      const searches = ecwid.requests.filter('GET', `/api/v3/${STORE2}/orders`);
      expect(searches.map((r) => r.query)).toEqual([
        { offset: '0', limit: '100', createdFrom: String(window.createdFrom), createdTo: String(window.createdTo) },
        { offset: '2', limit: '100', createdFrom: String(window.createdFrom), createdTo: String(window.createdTo) },
      ]);
      const keys = [...ss.ordersByKey(SS.apiKey).keys()];
      for (const id of inWindow) expect(keys).toContain(`ecwid-${STORE2}-${id}`);
      for (const id of [tooOld, tooNew]) expect(keys).not.toContain(`ecwid-${STORE2}-${id}`);
    });

    test('without createdTo the window is open-ended', async () => {
      const STORE3 = 7403;
      const TOKEN3 = 'secret_store_7403_token';
      ecwid.addStore({ storeId: STORE3, token: TOKEN3, plan: 'VENTURE' });
      const now = Math.floor(Date.now() / 1000);
      ecwid.upsertOrder(STORE3, importableOrder({ createTimestamp: now - 90 * 86_400 }));
      const recent = ecwid.upsertOrder(STORE3, importableOrder({ createTimestamp: now - 3_600 })).id!;
      const page = await importOrderPage(deps, {
        ...input({}),
        storeId: STORE3,
        credentials: { ecwidAccessToken: TOKEN3 },
        createdFrom: now - 86_400,
        // The update cursor is ignored in this mode.
        updatedFrom: now + 86_400,
      });
      expect(page.outcomes.map((o) => [o.id, o.outcome])).toEqual([[recent, 'imported']]);
      expect(ecwid.requests.filter('GET', `/api/v3/${STORE3}/orders`)[0].query).toEqual({ offset: '0', limit: '100', createdFrom: String(now - 86_400) });
    });
  });
});
