#!/usr/bin/env node
// Runs jest and ends with the one line CI reads: `tests: N passed, N failed`.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';

const out = join('.data', 'jest-results.json');
mkdirSync('.data', { recursive: true });
if (existsSync(out)) rmSync(out);
// --silent: tests inject faults on purpose, and the loggers that report them (the SDK's, routed through console
// by src/stack/test-temporal.ts) would bury the result. Jest still prints every failure in full, then a summary;
// run one file with `npx jest <file>` to see its logs.
const args = ['jest', '--ci', '--silent', '--json', `--outputFile=${out}`, ...process.argv.slice(2)];
const r = spawnSync('npx', args, { stdio: 'inherit' });
let passed = 0;
let failed = 0;
let skipped = 0;
try {
  const res = JSON.parse(readFileSync(out, 'utf8'));
  passed = res.numPassedTests;
  failed = res.numFailedTests + (res.numRuntimeErrorTestSuites ?? 0);
  skipped = res.numPendingTests ?? 0;
} catch {
  failed = Math.max(failed, 1);
}
// --silent hides the browser tests' own warning, so say it here: they skip only when Chromium can't be installed.
if (skipped > 0) console.log(`${skipped} skipped: no Chromium at /usr/bin/chromium and \`apt-get install chromium\` failed (test/helpers/chromium.ts)`);
console.log(`tests: ${passed} passed, ${failed} failed`);
process.exit(r.status === 0 && failed === 0 ? 0 : 1);
