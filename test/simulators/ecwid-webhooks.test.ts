import { createHmac } from 'node:crypto';
import express from 'express';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startEcwidSimulator, type EcwidSimulator, type WebhookBody } from '../../src/simulators/ecwid';
import { generateOrders } from '../../src/simulators/ecwid/seed';

const STORE = 5001;
const TOKEN = 'secret_hooks';
const CLIENT_SECRET = 'hook-client-secret';

interface Received {
  query: Record<string, unknown>;
  signature: string | undefined;
  contentType: string | undefined;
  body: WebhookBody;
}

const expectedSignature = (secret: string, b: WebhookBody): string =>
  createHmac('sha256', secret).update(`${b.eventCreated}.${b.eventId}`).digest('base64');

async function eventually<T>(fn: () => T | undefined, ms = 3000): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const v = fn();
    if (v !== undefined) return v;
    if (Date.now() > until) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('Ecwid simulator: webhooks', () => {
  let sim: EcwidSimulator;
  let receiver: Server;
  let receiverUrl: string;
  const received: Received[] = [];
  let answerWith = 200;

  beforeAll(async () => {
    const app = express();
    app.post('/hooks/ecwid', express.json(), (req, res) => {
      received.push({ query: { ...req.query }, signature: req.header('x-ecwid-webhook-signature'), contentType: req.header('content-type'), body: req.body as WebhookBody });
      res.status(answerWith).json({ ok: true });
    });
    receiver = await new Promise<Server>((resolve) => {
      const s = app.listen(0, '127.0.0.1', () => resolve(s));
    });
    receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks/ecwid`;
    sim = await startEcwidSimulator({ clientSecret: CLIENT_SECRET });
    sim.addStore({ storeId: STORE, token: TOKEN });
    sim.setWebhookUrl(receiverUrl);
  });
  afterAll(async () => {
    await sim.close();
    receiver.closeAllConnections();
    await new Promise((r) => receiver.close(r));
  });
  beforeEach(() => {
    received.length = 0;
    answerWith = 200;
  });

  test('sendWebhook posts the documented body with a correct HMAC signature and ?eventtype=', async () => {
    const order = sim.upsertOrder(STORE, generateOrders(1, 3)[0]);
    expect(received).toHaveLength(0); // upsertOrder itself sends nothing
    const { status, eventId } = await sim.sendWebhook(STORE, 'order.created', { orderId: order.id, newPaymentStatus: 'PAID' });
    expect(status).toBe(200);
    expect(received).toHaveLength(1);
    const [hook] = received;
    expect(hook.query).toEqual({ eventtype: 'order.created' });
    expect(hook.contentType).toMatch(/^application\/json/);
    expect(hook.body).toEqual({
      eventId,
      eventCreated: expect.any(Number),
      storeId: STORE,
      entityId: order.internalId,
      eventType: 'order.created',
      data: { orderId: order.id, newPaymentStatus: 'PAID' },
    });
    expect(eventId).toMatch(/^[0-9a-f-]{36}$/);
    expect(Math.abs(hook.body.eventCreated - Date.now() / 1000)).toBeLessThan(5);
    expect(hook.signature).toBe(expectedSignature(CLIENT_SECRET, hook.body));
  });

  test('signWith produces a signature the real secret does not verify', async () => {
    await sim.sendWebhook(STORE, 'order.updated', { orderId: 'ABCDE' }, { signWith: 'attacker-secret' });
    const [hook] = received;
    expect(hook.signature).toBe(expectedSignature('attacker-secret', hook.body));
    expect(hook.signature).not.toBe(expectedSignature(CLIENT_SECRET, hook.body));
  });

  test('the receiver\'s status is reported, and recorded in sim.webhooks', async () => {
    answerWith = 503;
    const res = await sim.sendWebhook(STORE, 'application.uninstalled', {});
    expect(res.status).toBe(503);
    const last = sim.webhooks[sim.webhooks.length - 1];
    // application.* events carry the store ID quoted, as in Ecwid's example ("entityId":"1003").
    expect(last).toMatchObject({ status: 503, body: { eventType: 'application.uninstalled', entityId: String(STORE) } });
  });

  test('an API PUT fires order.updated with old/new statuses, without delaying the answer', async () => {
    const order = sim.upsertOrder(STORE, generateOrders(1, 4)[0]);
    const res = await fetch(`${sim.url}/${STORE}/orders/${order.id}`, {
      method: 'PUT',
      headers: { Authorization: `Bearer ${TOKEN}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ fulfillmentStatus: 'SHIPPED', trackingNumber: '1Z1' }),
    });
    expect(res.status).toBe(200);
    const hook = await eventually(() => received.find((r) => r.body.eventType === 'order.updated'));
    expect(hook.query.eventtype).toBe('order.updated');
    expect(hook.body).toMatchObject({
      storeId: STORE,
      entityId: order.internalId,
      data: { orderId: order.id, oldPaymentStatus: 'PAID', newPaymentStatus: 'PAID', oldFulfillmentStatus: 'AWAITING_PROCESSING', newFulfillmentStatus: 'SHIPPED' },
    });
    expect(hook.signature).toBe(expectedSignature(CLIENT_SECRET, hook.body));
  });

  test('an API DELETE fires order.deleted', async () => {
    const order = sim.upsertOrder(STORE, generateOrders(1, 5)[0]);
    const res = await fetch(`${sim.url}/${STORE}/orders/${order.id}`, { method: 'DELETE', headers: { Authorization: `Bearer ${TOKEN}` } });
    expect(res.status).toBe(200);
    const hook = await eventually(() => received.find((r) => r.body.eventType === 'order.deleted'));
    expect(hook.body).toMatchObject({ entityId: order.internalId, data: { orderId: order.id } });
  });

  test('autoWebhooks: false keeps API changes silent; no URL makes sendWebhook reject', async () => {
    const quiet = await startEcwidSimulator({ clientSecret: CLIENT_SECRET, autoWebhooks: false });
    try {
      quiet.addStore({ storeId: STORE, token: TOKEN });
      quiet.setWebhookUrl(receiverUrl);
      const order = quiet.upsertOrder(STORE, generateOrders(1, 6)[0]);
      const res = await fetch(`${quiet.url}/${STORE}/orders/${order.id}`, {
        method: 'PUT',
        headers: { Authorization: `Bearer ${TOKEN}`, 'Content-Type': 'application/json' },
        body: '{"trackingNumber":"Q"}',
      });
      expect(res.status).toBe(200);
      await new Promise((r) => setTimeout(r, 200));
      expect(received).toHaveLength(0);
      quiet.setWebhookUrl(undefined);
      await expect(quiet.sendWebhook(STORE, 'order.updated', { orderId: order.id })).rejects.toThrow(/webhook URL/);
    } finally {
      await quiet.close();
    }
  });

  test('/__sim/orders and /__sim/webhook let another process add orders and trigger webhooks', async () => {
    const base = sim.url.replace(/\/api\/v3$/, '');
    const add = await fetch(`${base}/__sim/orders`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ storeId: STORE, orders: generateOrders(2, 8) }),
    });
    expect(add.status).toBe(201);
    const { items } = (await add.json()) as { items: { id: string }[] };
    expect(items).toHaveLength(2);
    expect(sim.getOrder(STORE, items[0].id)).toBeDefined();
    const hook = await fetch(`${base}/__sim/webhook`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ storeId: STORE, eventType: 'order.created', data: { orderId: items[1].id } }),
    });
    expect(hook.status).toBe(200);
    expect(await hook.json()).toMatchObject({ status: 200, eventId: expect.any(String) });
    expect(received.map((r) => r.body.data.orderId)).toEqual([items[1].id]);
    const bad = await fetch(`${base}/__sim/orders`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{"storeId":42}' });
    expect(bad.status).toBe(400);
    // /__sim traffic is not part of the API request log.
    expect(sim.requests.entries.some((e) => e.path.startsWith('/__sim'))).toBe(false);
  });
});
