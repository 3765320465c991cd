/**
 * Both simulators against the real samples (test/fixtures/samples): field names, JSON types and formats. A
 * simulator that drifts from what Ecwid and ShipStation really send would let the connector pass tests against
 * data it never sees in production.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { isShipStationResourceUrl } from '../../src/api/routes/shipstation-webhooks';
import { ecwidWebhookSchema, shipNotifySchema } from '../../src/connections/schemas';
import type { EcwidOrder, EcwidOrderPage } from '../../src/domain/ecwid';
import { decideImport } from '../../src/domain/order-filter';
import { mapOrder } from '../../src/domain/order-mapping';
import { startEcwidSimulator, type EcwidSimulator } from '../../src/simulators/ecwid';
import { makeDemoOrder, seededRng } from '../../src/simulators/ecwid/seed';
import { basicAuth, startShipStationSimulator, type ShipStationSimulator } from '../../src/simulators/shipstation';
import { orderSchema } from '../../src/simulators/shipstation/validation';
import { SAMPLES, sampleJson, sampleJsonBlocks, yamlListItemKeys } from '../fixtures/samples';

type Json = Record<string, unknown>;

function jsonType(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  return Array.isArray(v) ? 'array' : typeof v;
}

/**
 * Where `actual` lacks a key of `sample` or has another JSON type for it (null on either side matches any type:
 * real payloads hold null wherever a value is unset). Objects recurse; arrays compare their first elements.
 */
function shapeDiff(sample: unknown, actual: unknown, path = '$'): string[] {
  const s = jsonType(sample);
  const a = jsonType(actual);
  if (s === 'null' || a === 'null') return [];
  if (s !== a) return [`${path}: ${a}, sample has ${s}`];
  if (s === 'array') {
    const [first] = sample as unknown[];
    const [other] = actual as unknown[];
    return first === undefined || other === undefined ? [] : shapeDiff(first, other, `${path}[0]`);
  }
  if (s !== 'object') return [];
  const out: string[] = [];
  for (const [k, v] of Object.entries(sample as Json)) {
    if (!(k in (actual as Json))) out.push(`${path}.${k}: missing`);
    else out.push(...shapeDiff(v, (actual as Json)[k], `${path}.${k}`));
  }
  return out;
}

/**
 * The SDK captures carry an undocumented read-only `"WeightUnits": 1` next to ounces. Its values for grams and
 * pounds are not known, so the simulator does not invent it, and the connector never reads it.
 */
const notWeightUnits = (diff: string): boolean => !diff.endsWith('.WeightUnits: missing');

/** A date-time as ShipStation V1 writes it: no zone, seven fractional digits. */
const SS_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{7}$/;
const SS_DATE = /^\d{4}-\d{2}-\d{2}$/;
/** Ecwid's date format: UTC with an explicit +0000. */
const ECWID_DATE = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} \+0000$/;

describe('ShipStation simulator against the samples', () => {
  const ACCOUNT = { apiKey: 'samples-key', apiSecret: 'samples-secret' };
  let sim: ShipStationSimulator;
  const call = async <T = Json>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }> => {
    const r = await fetch(`${sim.url}${path}`, {
      method,
      headers: { Authorization: basicAuth(ACCOUNT.apiKey, ACCOUNT.apiSecret), ...(body ? { 'Content-Type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    const text = await r.text();
    return { status: r.status, body: (text ? JSON.parse(text) : null) as T };
  };

  beforeAll(async () => {
    sim = await startShipStationSimulator({ accounts: [ACCOUNT], rateLimitPerMinute: 100_000 });
    // The docs' request example sends storeId 12345.
    sim.addStore(ACCOUNT.apiKey, { storeId: 12345, storeName: 'Docs example store' });
  });
  afterAll(() => sim.close());

  const docsRequest = sampleJson<Json>(SAMPLES.shipstation.createOrderRequest);
  let orderId = 0;

  test("accepts the docs' own createorder request, dimensions and internationalOptions included", async () => {
    expect(docsRequest.dimensions).toEqual({ units: 'inches', length: 7, width: 5, height: 6 });
    const res = await call<Json>('POST', '/orders/createorder', docsRequest);
    expect(res.status).toBe(200);
    orderId = res.body.orderId as number;
    expect(orderId).toBeGreaterThan(0);
  });

  test('GET /orders/{id} has the fields and types of the docs and SDK examples, and V1 date formats', async () => {
    const { body } = await call<Json>('GET', `/orders/${orderId}`);
    expect(shapeDiff(sampleJson(SAMPLES.shipstation.orderGetDocs), body)).toEqual([]);
    expect(shapeDiff(sampleJson(SAMPLES.shipstation.orderGetSdk), body).filter(notWeightUnits)).toEqual([]);
    expect(body.createDate).toMatch(SS_DATE_TIME);
    expect(body.modifyDate).toMatch(SS_DATE_TIME);
    expect(body.orderDate).toBe(docsRequest.orderDate);
    expect(body.dimensions).toEqual(docsRequest.dimensions);
    expect(body.internationalOptions).toEqual({ contents: null, customsItems: null, nonDelivery: null });
  });

  test('GET /orders has the envelope of the SDK example', async () => {
    const { body } = await call<Json>('GET', '/orders?pageSize=10');
    expect(shapeDiff({ ...sampleJson<Json>(SAMPLES.shipstation.ordersListSdk), orders: [] }, body)).toEqual([]);
  });

  test('an international order keeps its customs lines, each with a read-only customsItemId like the SDK example', async () => {
    const sdkIntl = sampleJson<{ orders: Json[] }>(SAMPLES.shipstation.ordersListSdk).orders.find(
      (o) => (o.internationalOptions as Json).customsItems !== null,
    ) as Json;
    const intl = { contents: 'merchandise', nonDelivery: 'return_to_sender', customsItems: [{ description: 'Mug', quantity: 2, value: 19.44, harmonizedTariffCode: '6912.00', countryOfOrigin: 'PT' }] };
    const res = await call<Json>('POST', '/orders/createorder', { ...docsRequest, orderKey: 'intl-1', orderNumber: 'INTL-1', internationalOptions: intl });
    expect(res.status).toBe(200);
    const stored = (await call<Json>('GET', `/orders/${res.body.orderId as number}`)).body;
    expect(shapeDiff(sdkIntl.internationalOptions, stored.internationalOptions)).toEqual([]);
    expect(stored.internationalOptions).toMatchObject({ ...intl, customsItems: [{ ...intl.customsItems[0], customsItemId: expect.any(Number) }] });
  });

  test.each([
    ['dimensions in feet', { dimensions: { units: 'feet', length: 1, width: 1, height: 1 } }, 'units'],
    ['a dimension that is not a number', { dimensions: { units: 'inches', length: '7', width: 5, height: 6 } }, 'length'],
    ['customs contents outside the model', { internationalOptions: { contents: 'stuff', customsItems: null } }, 'contents'],
    ['a country of origin that is not ISO-2', { internationalOptions: { contents: 'merchandise', customsItems: [{ description: 'Mug', quantity: 1, value: 5, countryOfOrigin: 'Portugal' }] } }, 'countryOfOrigin'],
    ['a customs line without a value', { internationalOptions: { contents: 'merchandise', customsItems: [{ description: 'Mug', quantity: 1 }] } }, 'value'],
    ['an unknown non-delivery option', { internationalOptions: { contents: 'merchandise', nonDelivery: 'burn', customsItems: null } }, 'nonDelivery'],
  ])('refuses %s, naming the field', async (_what, extra, field) => {
    const res = await call<{ Message: string; ModelState: Record<string, string[]> }>('POST', '/orders/createorder', { ...docsRequest, orderKey: `bad-${field}`, ...extra });
    expect(res.status).toBe(400);
    expect(Object.keys(res.body.ModelState).join(' ')).toContain(field);
  });

  test("the connector's mapping of a real sample, made international, passes the simulator's createorder validation", () => {
    // Fulfilled by the merchant, as the same order in the Search orders example is (GET's example says external).
    const order: EcwidOrder = { ...sampleJson<EcwidOrder>(SAMPLES.ecwid.order1028), externalFulfillment: false };
    order.predictedPackage = [{ length: 30, width: 20, height: 10, weight: 0.4 }];
    const d = decideImport(order, { importPickupOrders: false, importSince: 0, statusMapping: {} });
    if (!d.import) throw new Error('order 1028 should pass the filter');
    const mapped = mapOrder(order, d.status, d.physicalItems, {
      storeId: 1003,
      weightUnit: 'KILOGRAM',
      dimensionsUnit: 'CM',
      stockLocations: {},
      customs: { storeCountry: 'NL', currency: 'EUR', products: { '66722487': { harmonizedTariffCode: '8471.30', countryOfOrigin: 'CN' } } },
    }).order;
    expect(mapped.dimensions).toEqual({ length: 30, width: 20, height: 10, units: 'centimeters' });
    expect(mapped.internationalOptions?.customsItems).toHaveLength(2);
    const parsed = orderSchema.safeParse(JSON.parse(JSON.stringify(mapped)));
    expect(parsed.success ? [] : parsed.error.issues).toEqual([]);
  });

  describe('shipments and SHIP_NOTIFY', () => {
    let hookId = 0;
    beforeAll(async () => {
      // Nobody listens on the discard port: the delivery fails fast, and its body is still recorded.
      const res = await call<{ id: number }>('POST', '/webhooks/subscribe', { target_url: 'http://127.0.0.1:9/ship-notify', event: 'SHIP_NOTIFY', friendly_name: 'Samples' });
      hookId = res.body.id;
      await sim.createLabel(ACCOUNT.apiKey, docsRequest.orderKey as string, { carrierCode: 'stamps_com', serviceCode: 'usps_first_class_mail' });
    });

    test('GET /webhooks lists PascalCase items with every key of the docs example', async () => {
      const { body } = await call<{ webhooks: Json[] }>('GET', '/webhooks');
      const hook = body.webhooks.find((h) => h.WebHookID === hookId) as Json;
      for (const keys of yamlListItemKeys(SAMPLES.shipstation.webhooksList)) expect(Object.keys(hook)).toEqual(expect.arrayContaining(keys));
      expect(hook).toMatchObject({ HookType: 'SHIP_NOTIFY', Active: true, MessageFormat: 'Json', Name: 'Samples' });
    });

    test('the SHIP_NOTIFY body has the shape of a received one; both resource URLs pass the SSRF guard', () => {
      const sample = sampleJson<{ resource_url: string; resource_type: string }>(SAMPLES.shipstation.shipNotify);
      const delivery = sim.webhookDeliveries.find((d) => d.webhookId === hookId);
      expect(Object.keys(delivery!.body).sort()).toEqual(Object.keys(sample).sort());
      expect(delivery!.body.resource_type).toBe(sample.resource_type);
      const query = (u: string) => [...new URL(u).searchParams.keys()];
      expect(query(delivery!.body.resource_url)).toEqual(query(sample.resource_url));
      expect(new URL(delivery!.body.resource_url).searchParams.get('includeShipmentItems')).toBe('False');
      // What the connector accepts: the configured API origin, and ShipStation's numbered hosts such as ssapi6.
      expect(shipNotifySchema.safeParse(sample).success).toBe(true);
      expect(isShipStationResourceUrl(sample.resource_url, 'https://ssapi.shipstation.com')).toBe(true);
      expect(isShipStationResourceUrl(delivery!.body.resource_url, sim.url)).toBe(true);
    });

    test('GET /shipments: shipmentItems null unless includeShipmentItems=true, fields and formats of the examples', async () => {
      const without = (await call<{ shipments: Json[] }>('GET', `/shipments?orderId=${orderId}`)).body;
      const withItems = (await call<{ shipments: Json[] }>('GET', `/shipments?orderId=${orderId}&includeShipmentItems=True`)).body;
      expect(shapeDiff(sampleJson(SAMPLES.shipstation.shipmentsSdk), without).filter(notWeightUnits)).toEqual([]);
      expect(without.shipments[0].shipmentItems).toBeNull();
      expect(shapeDiff(sampleJson(SAMPLES.shipstation.shipmentDocs), withItems.shipments[0])).toEqual([]);
      expect(Array.isArray(withItems.shipments[0].shipmentItems)).toBe(true);
      const s = without.shipments[0];
      expect(s.createDate).toMatch(SS_DATE_TIME);
      expect(s.shipDate).toMatch(SS_DATE);
      expect(s).toMatchObject({ voided: false, voidDate: null, dimensions: docsRequest.dimensions });
    });

    test('a voided label keeps its line, with voided true and a voidDate in V1 format', async () => {
      const [s] = (await call<{ shipments: Json[] }>('GET', `/shipments?orderId=${orderId}`)).body.shipments;
      sim.voidLabel(ACCOUNT.apiKey, s.shipmentId as number);
      const [after] = (await call<{ shipments: Json[] }>('GET', `/shipments?orderId=${orderId}`)).body.shipments;
      expect(after.voided).toBe(true);
      expect(after.voidDate).toMatch(SS_DATE_TIME);
    });
  });
});

describe('Ecwid simulator against the samples', () => {
  const STORE = 1003;
  const TOKEN = 'secret_samples_1003';
  let sim: EcwidSimulator;
  let receiver: Server;
  const received: Json[] = [];
  const api = async <T = Json>(path: string): Promise<T> =>
    (await (await fetch(`${sim.url}/${STORE}${path}`, { headers: { Authorization: `Bearer ${TOKEN}` } })).json()) as T;

  beforeAll(async () => {
    sim = await startEcwidSimulator();
    sim.addStore({ storeId: STORE, token: TOKEN, plan: 'VENTURE', weightUnit: 'KILOGRAM' });
    receiver = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        received.push(JSON.parse(body) as Json);
        res.end('ok');
      });
    });
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
    sim.setWebhookUrl(`http://127.0.0.1:${(receiver.address() as AddressInfo).port}/ecwid`);
  });
  afterAll(async () => {
    await sim.close();
    await new Promise((r) => receiver.close(r));
  });

  const k8xtq = sampleJson<EcwidOrder>(SAMPLES.ecwid.orderK8xtq);

  test('serves a real order as published (only the update date moves, as it does on every write)', async () => {
    sim.upsertOrder(STORE, k8xtq);
    const served = await api<EcwidOrder>('/orders/K8XTQ');
    const { updateDate, updateTimestamp, ...rest } = served;
    expect(rest).toEqual((({ updateDate: _d, updateTimestamp: _t, ...r }) => r)(k8xtq));
    expect(updateDate).toMatch(ECWID_DATE);
    expect(typeof updateTimestamp).toBe('number');
  });

  test('a generated order has the ID fields, date formats, maps and arrays of the current examples', async () => {
    const saved = sim.upsertOrder(STORE, makeDemoOrder(seededRng(5), 0, { kind: 'options' }));
    const served = await api<EcwidOrder & Json>(`/orders/${saved.id}`);
    const fields = ['id', 'internalId', 'orderNumber', 'vendorOrderNumber', 'publicUid', 'createDate', 'updateDate', 'createTimestamp', 'updateTimestamp', 'email', 'paymentStatus', 'fulfillmentStatus', 'total', 'usdTotal', 'tax', 'subtotal', 'extraFields', 'predictedPackage', 'items'];
    // Item fields the connector reads (Ecwid sends many more, which the simulator leaves out).
    const itemFields = ['id', 'productId', 'sku', 'name', 'quantity', 'price', 'tax', 'weight', 'isShippingRequired', 'digital', 'giftCard', 'imageUrl', 'smallThumbnailUrl', 'hdThumbnailUrl', 'dimensions'];
    const pickItem = (i: Json) => Object.fromEntries(itemFields.map((f) => [f, i[f]]));
    const pick = (o: Json) => ({ ...Object.fromEntries(fields.map((f) => [f, o[f]])), items: (o.items as Json[]).map(pickItem) });
    expect(shapeDiff(pick(k8xtq as Json), pick(served))).toEqual([]);
    expect(itemFields.filter((f) => !(f in ((served.items?.[0] ?? {}) as Json)))).toEqual([]);
    expect(fields.filter((f) => !(f in served))).toEqual([]);
    expect(served.orderNumber).toBe(served.internalId);
    expect(served.vendorOrderNumber).toBe(served.id);
    expect(served.publicUid).toBe(served.id);
    expect(served.createDate).toMatch(ECWID_DATE);
    // Metric demo stores sell in euros: usdTotal is the total in dollars, not a copy of it.
    expect(served.usdTotal).toBeCloseTo((served.total ?? 0) * 1.08, 2);
    const legacy = sampleJson<EcwidOrder>(SAMPLES.ecwid.order1028);
    expect(shapeDiff(legacy.predictedPackage, served.predictedPackage)).toEqual([]);
    expect(shapeDiff(legacy.items?.[1].selectedOptions, served.items?.find((i) => i.selectedOptions?.some((o) => o.type === 'CHOICE'))?.selectedOptions)).toEqual([]);
    expect(served.items?.every((i) => i.dimensions && typeof i.dimensions.length === 'number')).toBe(true);
  });

  test('checkout extra fields are served both as the orderExtraFields array and as the extraFields map', async () => {
    const saved = sim.upsertOrder(STORE, { ...makeDemoOrder(seededRng(9), 0, { kind: 'gift' }) });
    const served = await api<EcwidOrder>(`/orders/${saved.id}`);
    expect(served.orderExtraFields?.length).toBeGreaterThan(0);
    for (const f of served.orderExtraFields ?? []) expect(served.extraFields?.[f.id ?? '']).toBe(f.value);
    expect(shapeDiff(sampleJson(SAMPLES.ecwid.extraFields), served.orderExtraFields)).toEqual([]);
  });

  test('search results have the envelope of the docs example', async () => {
    const page = await api<EcwidOrderPage>('/orders?limit=1');
    expect(shapeDiff({ ...sampleJson<Json>(SAMPLES.ecwid.searchEbjft), items: [] }, page)).toEqual([]);
  });

  test('the profile has the fields the import reads, typed like the docs example', async () => {
    const profile = await api<Json>('/profile');
    const sample = sampleJson<Json>(SAMPLES.ecwid.profile);
    const pick = (p: Json) => ({
      formatsAndUnits: (({ weightUnit, dimensionsUnit, currency, currencyRate, timezone }) => ({ weightUnit, dimensionsUnit, currency, currencyRate, timezone }))(p.formatsAndUnits as Json),
      company: { countryCode: (p.company as Json).countryCode },
      shipping: { shippingOrigin: { countryCode: ((p.shipping as Json).shippingOrigin as Json).countryCode } },
    });
    expect(shapeDiff(pick(sample), pick(profile))).toEqual([]);
  });

  test('order webhooks have the fields and types of the current examples; the connector accepts every sample', async () => {
    const saved = sim.upsertOrder(STORE, makeDemoOrder(seededRng(3), 0, { kind: 'standard' }));
    await sim.sendWebhook(STORE, 'order.created', { orderId: saved.id, newPaymentStatus: 'PAID', newFulfillmentStatus: 'AWAITING_PROCESSING' });
    const body = received.at(-1) as Json;
    const samples = [
      sampleJson<Json>(SAMPLES.ecwid.webhookCreatedGo),
      sampleJson<Json>(SAMPLES.ecwid.webhookCreated),
      sampleJson<Json>(SAMPLES.ecwid.webhookUpdated),
    ];
    expect(shapeDiff(samples[0], body)).toEqual([]);
    expect(body.entityId).toBe(saved.internalId); // the internal ID; the order's id is data.orderId
    expect((body.data as Json).orderId).toBe(saved.id);
    for (const s of [...samples, ...sampleJsonBlocks<Json>(SAMPLES.ecwid.webhooksLegacy)]) {
      expect(ecwidWebhookSchema.safeParse(s).success).toBe(true);
    }
    // The 2019 examples have no data.orderId: entityId was the order number then.
    expect(sampleJsonBlocks<Json>(SAMPLES.ecwid.webhooksLegacy).map((b) => (b.data as Json | undefined)?.orderId)).toEqual([undefined, undefined, undefined]);
  });

  test('application.* webhooks carry the store ID quoted, as in the docs, and the connector accepts them', async () => {
    const sample = sampleJson<Json>(SAMPLES.ecwid.webhookAppUninstalledLegacy);
    expect(sample.entityId).toBe('1003');
    await sim.sendWebhook(STORE, 'application.uninstalled', {});
    const body = received.at(-1) as Json;
    expect(body).toMatchObject({ eventType: 'application.uninstalled', entityId: String(STORE) });
    expect(ecwidWebhookSchema.safeParse(sample).success).toBe(true);
    expect(ecwidWebhookSchema.safeParse(body).success).toBe(true);
  });
});
