import { DefaultFailureConverter } from '@temporalio/common';

/**
 * Failure messages and stack traces can quote an order, an address or an API answer: with
 * encodeCommonAttributes they go through the payload codec (encrypted) like every other payload.
 * Loaded by path in the workflow sandbox, hence its own module.
 */
export const failureConverter = new DefaultFailureConverter({ encodeCommonAttributes: true });
