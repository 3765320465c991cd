import { createHash } from 'node:crypto';
import { WorkflowNotFoundError, type Client, type WorkflowStartOptions } from '@temporalio/client';
import { InternalWorkflowStartOptionsSymbol } from '@temporalio/client/lib/internal';
import { encodeToPayloads } from '@temporalio/common/lib/internal-non-workflow';
import type { SignalDefinition } from '@temporalio/common';

/**
 * Temporal's own idempotency for requests we may send twice (a webhook Ecwid delivers again, a retry after a
 * crash): a request carries an ID derived from what it means, and the server
 * - answers a start with the same request ID with the run it already started (even closed), while a start of the
 *   same workflow ID with another request ID is refused as a duplicate;
 * - records a signal with the same request ID once per workflow run.
 * Verified on the Temporal server the tests run (1.32).
 */

/** A UUID-shaped request ID that is the same for the same `parts`. */
export function requestIdOf(...parts: string[]): string {
  const h = createHash('sha256').update(parts.join('\n')).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

/** Starts a workflow with a request ID: the same request again gets the same run; another one, WorkflowExecutionAlreadyStartedError. */
export async function startOnce(client: Client, workflowType: string, options: WorkflowStartOptions, requestId: string): Promise<void> {
  // The SDK's start takes a request ID through this option only (the Nexus helpers use it too).
  await client.workflow.start(workflowType, { ...options, [InternalWorkflowStartOptionsSymbol]: { requestId } } as WorkflowStartOptions);
}

/**
 * Signals a running workflow with a request ID, so that a second send of the same request is dropped by the
 * server. Payloads go through the client's data converter (encryption included), as the SDK's own signal does.
 * Throws WorkflowNotFoundError when no run of the workflow is open.
 */
export async function signalOnce<Args extends unknown[]>(
  client: Client,
  workflowId: string,
  signal: SignalDefinition<Args>,
  requestId: string,
  ...args: Args
): Promise<void> {
  const { namespace, identity, loadedDataConverter } = client.workflow.options;
  try {
    await client.workflowService.signalWorkflowExecution({
      namespace,
      identity,
      requestId,
      workflowExecution: { workflowId },
      signalName: signal.name,
      input: { payloads: await encodeToPayloads(loadedDataConverter, ...args) },
    });
  } catch (err) {
    // gRPC NOT_FOUND: no open run (the store is not connected).
    if (typeof err === 'object' && err !== null && (err as { code?: unknown }).code === 5) {
      throw new WorkflowNotFoundError(`no open run of ${workflowId}`, workflowId, undefined);
    }
    throw err;
  }
}
