import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { temporal } from '@temporalio/proto';
import { Worker } from '@temporalio/worker';
import { dataConverter } from '../../src/temporal/data-converter';
import { TEST_ENCRYPTION_KEY, quietRuntime, workflowBundle } from '../helpers/temporal';

// The replay workers log their state changes through the SDK's runtime: route them through console too.
quietRuntime();

const dir = join(__dirname, '..', 'fixtures', 'histories');
const files = readdirSync(dir).filter((f) => f.endsWith('.pb'));

/**
 * Histories recorded from real runs (scripts/record-histories.ts), named `<workflowType>@<commit>.pb`, must replay
 * on today's workflow code. Each release that changes workflow code adds its own; none is ever removed while a
 * run of that release may still be open.
 */
describe('replay of recorded histories', () => {
  test('every workflow type has recorded histories; those of the first release are kept', () => {
    const types = new Set(files.map((f) => f.split('@')[0]));
    expect([...types].sort()).toEqual(['ecwidEvent', 'fulfillmentShipped', 'listShipStationStores', 'shipNotify', 'shipmentWriteBack', 'shipstationAccount', 'storeSync']);
    for (const type of ['shipNotify', 'shipmentWriteBack', 'storeSync']) expect(files).toContain(`${type}@84aeb5a.pb`);
  });

  test.each(files)('%s replays deterministically', async (file) => {
    const history = temporal.api.history.v1.History.decode(readFileSync(join(dir, file)));
    // A whole run: started, one task, completed at least.
    expect(history.events?.length).toBeGreaterThanOrEqual(5);
    async function* one() {
      yield { workflowId: file, history };
    }
    const results = [];
    for await (const r of Worker.runReplayHistories(
      { workflowBundle: await workflowBundle(), dataConverter: dataConverter(TEST_ENCRYPTION_KEY) },
      one(),
    )) {
      results.push(r);
    }
    expect(results).toHaveLength(1);
    expect(results[0].error).toBeUndefined();
  });
});
