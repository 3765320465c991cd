import { randomUUID } from 'node:crypto';
import { ecwidEventWorkflowId, ecwidSignature } from '../../src/api/routes/ecwid-webhooks';
import type { ConnectionStatus } from '../../src/workflows/definitions';
import { UNINSTALLED_MESSAGE, type EcwidEventResult } from '../../src/workflows/ecwid-event';
import { ECWID_CLIENT_SECRET, SS_ACCOUNT, eventually, startTestStack, type TestStack } from '../helpers/stack';
import { importableOrder } from '../helpers/orders';

const STORE = 4301;
const TOKEN = 'secret_store_4301_token';
const OTHER = 4302;
const OTHER_TOKEN = 'secret_store_4302_token';
const NOT_CONNECTED = 4399;

interface WebhookBody {
  eventId: string;
  eventCreated: number;
  storeId: number;
  eventType: string;
  data?: { orderId?: string };
}

/**
 * Ecwid signs only eventCreated and eventId: these tests send genuinely signed webhooks whose unsigned parts
 * (storeId, eventType, data) say things that are not true, and check that nothing destructive follows.
 */
describe('Ecwid webhooks are hints, deduplicated durably (real dev server, real worker, simulators)', () => {
  let stack: TestStack;
  const statusOf = async (storeId: number): Promise<ConnectionStatus> =>
    (await stack.api(`/connections/${storeId}`)).json() as Promise<ConnectionStatus>;
  const ssOrder = (storeId: number, orderId: string) => stack.shipstation.ordersByKey(SS_ACCOUNT.apiKey).get(`ecwid-${storeId}-${orderId}`);
  /** The `syncNow` signals the store's current workflow run has recorded. */
  const syncNowSignals = async (storeId: number): Promise<number> => {
    const history = await stack.client.workflow.getHandle(`store-sync:${storeId}`).fetchHistory();
    return (history.events ?? []).filter((e) => e.workflowExecutionSignaledEventAttributes?.signalName === 'syncNow').length;
  };
  const eventResult = (eventId: string) => stack.client.workflow.getHandle(ecwidEventWorkflowId(eventId)).result() as Promise<EcwidEventResult>;
  /** Order events start no workflow of their own (the lean webhook path): no `ecwid-event:<eventId>` exists. */
  const noEventWorkflow = async (eventId: string) =>
    expect(stack.client.workflow.getHandle(ecwidEventWorkflowId(eventId)).describe()).rejects.toThrow(/not found/i);

  /** Posts a body with Ecwid's signature of its eventCreated and eventId, to this API or another one. */
  const post = async (body: WebhookBody, apiUrl = stack.apiUrl, signature = ecwidSignature(ECWID_CLIENT_SECRET, body.eventCreated, body.eventId)) => {
    const res = await fetch(`${apiUrl}/webhooks/ecwid?eventtype=${body.eventType}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-Ecwid-Webhook-Signature': signature },
      body: JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as { ok?: boolean; duplicate?: boolean; delivered?: boolean } };
  };
  const genuine = (storeId: number, eventType: string, data: WebhookBody['data'] = {}): WebhookBody => ({
    eventId: randomUUID(),
    eventCreated: Math.floor(Date.now() / 1000),
    storeId,
    eventType,
    data,
  });

  /** A new order of `storeId` in Ecwid, imported into ShipStation (through a genuine webhook), the store idle again. */
  const importedOrder = async (storeId: number): Promise<string> => {
    const id = stack.ecwid.upsertOrder(storeId, importableOrder()).id!;
    expect((await stack.ecwid.sendWebhook(storeId, 'order.created', { orderId: id })).status).toBe(200);
    await eventually(() => ssOrder(storeId, id), 15_000);
    // The sync that imported it has finished, so a later `syncsRun` count belongs to a later sync.
    await eventually(async () => {
      const s = await statusOf(storeId);
      return !s.syncing && s.pendingOrderIds === 0;
    }, 15_000);
    return id;
  };

  /** Waits until the store has run a sync after `syncsBefore` and is idle again. */
  const syncedSince = (storeId: number, syncsBefore: number) =>
    eventually(async () => {
      const s = await statusOf(storeId);
      return s.syncsRun > syncsBefore && !s.syncing ? s : undefined;
    }, 20_000);

  beforeAll(async () => {
    stack = await startTestStack();
    stack.ecwid.addStore({ storeId: STORE, token: TOKEN, plan: 'VENTURE' });
    stack.ecwid.addStore({ storeId: OTHER, token: OTHER_TOKEN, plan: 'VENTURE' });
    for (const [storeId, token] of [[STORE, TOKEN], [OTHER, OTHER_TOKEN]] as const) {
      const res = await stack.api('/connections', { method: 'POST', body: JSON.stringify({ ecwidStoreId: storeId, ecwidAccessToken: token }) });
      expect(res.status).toBe(201);
      await eventually(async () => (await statusOf(storeId)).lastSyncResult !== undefined, 30_000);
    }
  });
  afterAll(async () => {
    await stack?.stop();
  });

  test('order.deleted cancels in ShipStation only once Ecwid answers 404 for the order', async () => {
    const kept = await importedOrder(STORE);
    const before = (await statusOf(STORE)).syncsRun;
    // A genuine, signed order.deleted for an order Ecwid still has (what a replayed or altered body amounts to).
    const hook = await stack.ecwid.sendWebhook(STORE, 'order.deleted', { orderId: kept });
    expect(hook.status).toBe(200);
    // The API signalled the store's workflow, and started nothing else.
    await noEventWorkflow(hook.eventId);
    await syncedSince(STORE, before);
    expect(ssOrder(STORE, kept)?.orderStatus).toBe('awaiting_shipment');

    // Really deleted in Ecwid, then announced: cancelled.
    stack.ecwid.deleteOrder(STORE, kept);
    const real = await stack.ecwid.sendWebhook(STORE, 'order.deleted', { orderId: kept });
    await noEventWorkflow(real.eventId);
    await eventually(() => ssOrder(STORE, kept)?.orderStatus === 'cancelled', 15_000);
  });

  test('a genuine body rewritten for another store or event is harmless: the other store is re-read, never changed', async () => {
    const otherOrder = await importedOrder(OTHER);
    const mine = await importedOrder(STORE);
    const hook = await stack.ecwid.sendWebhook(STORE, 'order.updated', { orderId: mine });
    expect(hook.status).toBe(200);
    const delivery = stack.ecwid.webhooks.find((d) => d.body.eventId === hook.eventId)!;
    const otherBefore = await statusOf(OTHER);

    // The same signature and eventId, with the unsigned parts rewritten to hurt the other store.
    const forgedDelete = { ...delivery.body, storeId: OTHER, eventType: 'order.deleted', data: { orderId: otherOrder } };
    expect(await post(forgedDelete, stack.apiUrl, delivery.signature)).toEqual({ status: 200, body: { ok: true } });
    const forgedUninstall = { ...delivery.body, storeId: OTHER, eventType: 'application.uninstalled', data: {} };
    expect((await post(forgedUninstall, stack.apiUrl, delivery.signature)).status).toBe(200);
    // The deletion is a hint: OTHER re-reads the order through its own token, Ecwid still has it, nothing is cancelled.
    await syncedSince(OTHER, otherBefore.syncsRun);
    // The uninstall is checked with Ecwid: OTHER's token works, so it is not marked.
    expect(await eventResult(hook.eventId)).toEqual({ delivered: false, storeAccess: 'ok' });
    const otherAfter = await statusOf(OTHER);
    expect(otherAfter.state).toBe('active');
    expect(ssOrder(OTHER, otherOrder)?.orderStatus).toBe('awaiting_shipment');
    // Rewritten again for the uninstall's own ID: Temporal refuses it as a duplicate of the first rewrite.
    expect(await post({ ...forgedUninstall, storeId: STORE }, stack.apiUrl, delivery.signature)).toEqual({ status: 200, body: { ok: true, duplicate: true } });
  });

  test('the dedupe is shared by every API process: a delivery, or a body rewritten for the same store, wakes the store once', async () => {
    // A second API process on the same Temporal (or the first one after a restart): nothing shared in memory.
    const secondUrl = await stack.anotherApi();
    const orderId = await importedOrder(STORE);
    const body = genuine(STORE, 'order.updated', { orderId });
    expect(await post(body)).toEqual({ status: 200, body: { ok: true } });
    const hints = await syncNowSignals(STORE);
    await noEventWorkflow(body.eventId);
    // Ecwid delivers it again, to another API process, then to the first: the signal carries a request ID made of
    // the signed event ID, and the store's workflow records it once.
    expect(await post(body, secondUrl)).toEqual({ status: 200, body: { ok: true } });
    expect(await post(body)).toEqual({ status: 200, body: { ok: true } });
    expect(await syncNowSignals(STORE)).toBe(hints);
    // A body rewritten around the same signature for the same store is the same request: dropped as well.
    expect((await post({ ...body, eventType: 'order.deleted' }, secondUrl)).status).toBe(200);
    expect((await post({ ...body, data: { orderId: 'OTHER1' } })).status).toBe(200);
    expect(await syncNowSignals(STORE)).toBe(hints);
    // And the other way round, while the second app saw it first.
    const fresh = genuine(STORE, 'order.updated', { orderId });
    expect(await post(fresh, secondUrl)).toEqual({ status: 200, body: { ok: true } });
    expect(await post(fresh)).toEqual({ status: 200, body: { ok: true } });
    expect(await syncNowSignals(STORE)).toBe(hints + 1);
  });

  test('a webhook for a store that is not connected completes without delivering anything', async () => {
    const order = genuine(NOT_CONNECTED, 'order.created', { orderId: 'NOPE1' });
    expect(await post(order)).toEqual({ status: 200, body: { ok: true, delivered: false } });
    await noEventWorkflow(order.eventId);
    const uninstall = genuine(NOT_CONNECTED, 'application.uninstalled');
    expect(await post(uninstall)).toEqual({ status: 200, body: { ok: true } });
    expect(await eventResult(uninstall.eventId)).toEqual({ delivered: false, storeAccess: 'not_connected' });
    // Events that have nothing to do with shipping are acknowledged without any work.
    const other = genuine(STORE, 'product.updated');
    expect(await post(other)).toEqual({ status: 200, body: { ok: true, delivered: false } });
    await noEventWorkflow(other.eventId);
  });

  // Last: it revokes STORE's token.
  test('application.uninstalled marks the store only once Ecwid refuses its token', async () => {
    const early = await stack.ecwid.sendWebhook(STORE, 'application.uninstalled', {});
    expect(early.status).toBe(200);
    expect(await eventResult(early.eventId)).toEqual({ delivered: false, storeAccess: 'ok' });
    expect((await statusOf(STORE)).state).toBe('active');

    stack.ecwid.revokeToken(STORE);
    const real = await stack.ecwid.sendWebhook(STORE, 'application.uninstalled', {});
    expect(await eventResult(real.eventId)).toEqual({ delivered: true, storeAccess: 'refused' });
    const status = await eventually(async () => {
      const s = await statusOf(STORE);
      return s.state === 'needs_reconnect' ? s : undefined;
    });
    // Set by the uninstall event, not by a sync meeting the refused token.
    expect(status.lastError).toBe(UNINSTALLED_MESSAGE);
    expect((await statusOf(OTHER)).state).toBe('active');
  });
});
