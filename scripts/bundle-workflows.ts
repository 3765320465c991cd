/**
 * Bundles the connector's workflow code into one file: `npx tsx scripts/bundle-workflows.ts <out.js>`.
 * The worker runs it in a child process at start-up, so webpack's memory never stays in the worker process.
 */
import { writeFileSync } from 'node:fs';
import { bundleWorkflowCode } from '@temporalio/worker';
import { WORKFLOWS_PATH } from '../src/worker/create-worker';

async function main(): Promise<void> {
  const out = process.argv[2];
  if (!out) throw new Error('usage: npx tsx scripts/bundle-workflows.ts <out.js>');
  const { code } = await bundleWorkflowCode({
    workflowsPath: WORKFLOWS_PATH,
    failureConverterPath: require.resolve('../src/temporal/failure-converter'),
  });
  writeFileSync(out, code);
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
