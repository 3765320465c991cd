import { randomUUID } from 'node:crypto';
import { ECWID_EVENT_MAX_AGE_SECONDS, ECWID_EVENT_MAX_SKEW_SECONDS, ecwidEventFreshness, ecwidSignature } from '../../src/api/routes/ecwid-webhooks';
import { ECWID_CLIENT_SECRET, startTestStack, type TestStack } from '../helpers/stack';

const STORE = 6401;

/** A counter's value in the Prometheus text of /metrics (0 when absent). */
function metricValue(text: string, name: string, labels: string): number {
  const line = text.split('\n').find((l) => l.startsWith(`${name}{${labels}}`));
  return line ? Number(line.split(' ').pop()) : 0;
}

describe('freshness of Ecwid events (unit)', () => {
  const now = Date.parse('2026-06-01T12:00:00Z');
  const s = now / 1000;
  test('24 hours back and 5 minutes ahead are accepted; beyond either is not', () => {
    expect(ecwidEventFreshness(s, now)).toBe('fresh');
    expect(ecwidEventFreshness(s - ECWID_EVENT_MAX_AGE_SECONDS, now)).toBe('fresh');
    expect(ecwidEventFreshness(s - ECWID_EVENT_MAX_AGE_SECONDS - 1, now)).toBe('stale');
    expect(ecwidEventFreshness(Date.parse('2001-09-09T01:46:40Z') / 1000, now)).toBe('stale');
    expect(ecwidEventFreshness(s + ECWID_EVENT_MAX_SKEW_SECONDS, now)).toBe('fresh');
    expect(ecwidEventFreshness(s + ECWID_EVENT_MAX_SKEW_SECONDS + 1, now)).toBe('future');
    // A timestamp in milliseconds is far in the future, never taken for a fresh one.
    expect(ecwidEventFreshness(now, now)).toBe('future');
  });
});

/** Issue #23's hardening, over HTTP against the real stack (dev server, worker, simulators, API). */
describe('hardening (real stack)', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startTestStack();
  });
  afterAll(async () => {
    await stack?.stop();
  });

  const metrics = async () => (await stack.api('/metrics')).text();

  describe('Ecwid events outside the freshness window', () => {
    const post = (eventCreated: number) => {
      const body = { eventId: randomUUID(), eventCreated, storeId: STORE, eventType: 'order.created', data: { orderId: 'FRESH1' } };
      return fetch(`${stack.apiUrl}/webhooks/ecwid`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'X-Ecwid-Webhook-Signature': ecwidSignature(ECWID_CLIENT_SECRET, body.eventCreated, body.eventId) },
        body: JSON.stringify(body),
      });
    };

    test('an event dated 2001 with a valid signature gets a 4xx, and so does one dated an hour ahead; both are counted', async () => {
      const before = await metrics();
      const old = await post(Math.floor(Date.parse('2001-03-01T00:00:00Z') / 1000));
      expect(old.status).toBe(400);
      expect(await old.json()).toMatchObject({ error: 'stale_event' });
      const ahead = await post(Math.floor(Date.now() / 1000) + 3600);
      expect(ahead.status).toBe(400);
      expect(await ahead.json()).toMatchObject({ error: 'future_event' });
      const after = await metrics();
      const name = 'connector_ecwid_webhooks_refused_total';
      expect(metricValue(after, name, 'reason="stale"') - metricValue(before, name, 'reason="stale"')).toBe(1);
      expect(metricValue(after, name, 'reason="future"') - metricValue(before, name, 'reason="future"')).toBe(1);
      // Nothing was handed to Temporal: no event workflow for either.
      const started = await stack.client.workflow.count(`WorkflowType = 'ecwidEvent' AND EcwidStoreId = '${STORE}'`);
      expect(started.count).toBe(0);
    });

    test('an event of a minute ago (an Ecwid retry) is still accepted', async () => {
      const res = await post(Math.floor(Date.now() / 1000) - 60);
      expect(res.status).toBe(200);
    });
  });
});
