import { ApplicationFailure, getExternalWorkflowHandle, proxyActivities } from '@temporalio/workflow';
import type { createActivities } from '../activities';
import type { StoreAccess } from '../activities/store-access';
import { storeSyncWorkflowId } from '../domain/ids';
import { needsReconnectSignal, syncNowSignal } from './definitions';

type Activities = ReturnType<typeof createActivities>;

const { checkStoreAccess } = proxyActivities<Activities>({
  startToCloseTimeout: '1 minute',
  // Bounded: if Ecwid stays unreachable for ~30 minutes the event fails visibly; nothing is lost, because the
  // store's own next sync meets the refused token too and asks for a reconnect by itself.
  retry: { initialInterval: '5 seconds', backoffCoefficient: 2, maximumInterval: '5 minutes', maximumAttempts: 10 },
});

export const UNINSTALLED_MESSAGE = 'The app was uninstalled in Ecwid: reconnect the store to resume';

/** What the API learnt from one Ecwid webhook. Nothing in it is trusted: Ecwid signs only its eventId. */
export interface EcwidEventInput {
  storeId: number;
  eventType: string;
  orderId?: string;
  /**
   * Order events: the API signalled the store's workflow itself, right after starting this run, and this run is
   * only the event's dedupe record. Absent in runs started by earlier releases, which deliver the hint here.
   */
  hintSentByApi?: boolean;
}

export interface EcwidEventResult {
  /** Whether this run told the store's sync workflow (false: the store is not connected, the event is not ours, or the API told it). */
  delivered: boolean;
  /** The API delivered the order hint (see EcwidEventInput.hintSentByApi). */
  hintSentByApi?: boolean;
  /** For application.uninstalled: what Ecwid said about the store's token. */
  storeAccess?: StoreAccess;
}

/**
 * One Ecwid webhook (`ecwid-event:<eventId>`), started by the API. Its workflow ID is the durable dedupe: Ecwid
 * retries for 24 hours, and a closed ID stays reserved for the namespace's retention (at least 1 day).
 * The webhook is a hint, never an order: order events make the store's workflow re-read the order from Ecwid
 * (and cancel a deleted one only after Ecwid answers 404 for it); an uninstall marks the store for
 * reconnection only after Ecwid refuses the store's own token.
 *
 * Order hints are signalled by the API (a signal from here waits for this run's task, then for the server's
 * delivery between workflows: seconds under load); this run records the event and handles uninstalls.
 */
export async function ecwidEvent(input: EcwidEventInput): Promise<EcwidEventResult> {
  if (input.hintSentByApi && input.eventType.startsWith('order.')) return { delivered: false, hintSentByApi: true };
  const store = getExternalWorkflowHandle(storeSyncWorkflowId(input.storeId));
  try {
    switch (input.eventType) {
      case 'order.created':
      case 'order.updated':
        if (!input.orderId) return { delivered: false };
        await store.signal(syncNowSignal, { orderIds: [input.orderId], trigger: 'webhook' });
        return { delivered: true };
      case 'order.deleted':
        if (!input.orderId) return { delivered: false };
        await store.signal(syncNowSignal, { deletedOrderIds: [input.orderId], trigger: 'webhook' });
        return { delivered: true };
      case 'application.uninstalled': {
        const storeAccess = await checkStoreAccess({ storeId: input.storeId });
        if (storeAccess !== 'refused') return { delivered: false, storeAccess };
        await store.signal(needsReconnectSignal, UNINSTALLED_MESSAGE);
        return { delivered: true, storeAccess };
      }
      default:
        return { delivered: false }; // products, customers…: nothing to do with shipping
    }
  } catch (err) {
    if (isStoreNotRunning(err)) return { delivered: false };
    throw err;
  }
}

/** Signalling a workflow that is not running fails with this type (set by the SDK's core): the store is not connected. */
function isStoreNotRunning(err: unknown): boolean {
  return err instanceof ApplicationFailure && err.type === 'ExternalWorkflowExecutionNotFound';
}
