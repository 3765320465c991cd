/**
 * Bundles the workflow code of a released commit, as its worker ran it, into
 * `test/fixtures/releases/workflows@<commit>.js.gz` for the upgrade test (test/upgrade): runs started by that
 * release must go on under today's worker. Run once per release that changes workflow code:
 * `npx tsx scripts/bundle-release.ts <commit>`.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { bundleWorkflowCode } from '@temporalio/worker';

async function main(): Promise<void> {
  const commit = process.argv[2];
  if (!commit || !/^[0-9a-f]{7,40}$/.test(commit)) throw new Error('usage: npx tsx scripts/bundle-release.ts <commit>');
  const root = join(__dirname, '..');
  // Inside the repository (git-ignored .data/), so the release's imports resolve to today's node_modules.
  const dir = join(root, '.data', 'releases', commit);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  execFileSync('sh', ['-c', `git archive ${commit} src | tar -x -C "${dir}"`], { cwd: root, stdio: 'inherit' });
  const { code } = await bundleWorkflowCode({
    workflowsPath: require.resolve(join(dir, 'src', 'workflows')),
    failureConverterPath: require.resolve(join(dir, 'src', 'temporal', 'failure-converter')),
  });
  const out = join(root, 'test', 'fixtures', 'releases', `workflows@${commit}.js.gz`);
  writeFileSync(out, gzipSync(code, { level: 9 }));
  console.log(`bundled ${commit}: ${code.length} bytes → ${out}`);
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
