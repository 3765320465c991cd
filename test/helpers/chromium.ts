import { execFileSync } from 'node:child_process';
import { accessSync, constants } from 'node:fs';

export const CHROMIUM_PATH = '/usr/bin/chromium';

function executable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * The system Chromium for playwright-core (which never downloads a browser here). When it is missing, tries
 * `apt-get install -y chromium` once, synchronously and with a timeout; undefined if that isn't possible (no
 * root, no network), so the browser test can skip instead of failing on the machine.
 */
export function ensureChromium(timeoutMs = 10 * 60_000): string | undefined {
  if (executable(CHROMIUM_PATH)) return CHROMIUM_PATH;
  const deadline = Date.now() + timeoutMs;
  const run = (args: string[]) =>
    execFileSync('apt-get', args, {
      stdio: 'ignore',
      timeout: Math.max(1000, deadline - Date.now()),
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    });
  try {
    run(['update']);
    run(['install', '-y', '--no-install-recommends', 'chromium']);
  } catch {
    return undefined;
  }
  return executable(CHROMIUM_PATH) ? CHROMIUM_PATH : undefined;
}
