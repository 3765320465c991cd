import type { ConnectionStatus } from '../../src/workflows/definitions';
import { eventually, startTestStack, type TestStack } from '../../src/stack/local-stack';

export * from '../../src/stack/local-stack';

/**
 * A test stack with one store connected through the API (a BUSINESS store in pounds) and its first sync done.
 * A 10 s ShipStation window: tests that buy many labels a minute are not held by ShipStation's pacing.
 */
export async function stackWithConnectedStore(storeId: number, token: string): Promise<TestStack> {
  const stack = await startTestStack({ rateLimitWindowMs: 10_000 });
  stack.ecwid.addStore({ storeId, token, plan: 'BUSINESS', weightUnit: 'POUND' });
  const res = await stack.api('/connections', { method: 'POST', body: JSON.stringify({ ecwidStoreId: storeId, ecwidAccessToken: token }) });
  if (res.status !== 201) throw new Error(`connecting store ${storeId}: ${res.status} ${await res.text()}`);
  await eventually(async () => ((await (await stack.api(`/connections/${storeId}`)).json()) as ConnectionStatus).lastSyncAt);
  return stack;
}
