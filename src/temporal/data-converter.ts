import type { DataConverter } from '@temporalio/common';
import { EncryptionCodec, keysFromEnv } from './encryption-codec';

/**
 * The converter client and worker must share: encrypted payloads, and failure messages encoded too.
 * The failure converter is given as a module path because workers load it inside the workflow sandbox.
 */
export function dataConverter(encryptionKey: string, previousKeys?: string): DataConverter {
  return {
    payloadCodecs: [new EncryptionCodec(keysFromEnv(encryptionKey, previousKeys))],
    failureConverterPath: require.resolve('./failure-converter'),
  };
}
