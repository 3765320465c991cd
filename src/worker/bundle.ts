import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Bundles the workflow code in a child process: webpack's few hundred megabytes are given back to the system
 * when it exits, instead of staying in the worker's heap for as long as it runs.
 */
export function bundleWorkflowsApart(): { code: string } {
  const root = join(__dirname, '..', '..');
  const dir = mkdtempSync(join(tmpdir(), 'connector-workflows-'));
  try {
    const out = join(dir, 'workflows.js');
    execFileSync(process.execPath, [join(root, 'node_modules', 'tsx', 'dist', 'cli.mjs'), join(root, 'scripts', 'bundle-workflows.ts'), out], {
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    return { code: readFileSync(out, 'utf8') };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

