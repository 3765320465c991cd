import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const ROOT = resolve(__dirname, '..', '..');

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  const port = (s.address() as AddressInfo).port;
  await new Promise((r) => s.close(r));
  return port;
}

/** Local addresses (hex, as /proc/net/tcp{,6} writes them) of the sockets listening on `port`. */
function listeningAddresses(port: number): string[] {
  const hexPort = port.toString(16).toUpperCase().padStart(4, '0');
  const out: string[] = [];
  for (const file of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text = '';
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      const cols = line.trim().split(/\s+/);
      if (cols.length < 4) continue;
      const [addr, p] = cols[1].split(':');
      if (p === hexPort && cols[3] === '0A') out.push(addr);
    }
  }
  return out;
}

function post(url: string, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', headers: { 'Content-Type': 'application/json', ...headers } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end('{"payloads":[]}');
  });
}

/**
 * `npm start` itself (issue #23): the API listens on 127.0.0.1 only, and its codec, which holds every tenant's
 * secrets, answers without the admin token only the dev Web UI (loopback name, the UI's origin).
 */
describe('npm start (the whole dev stack, on spare ports)', () => {
  let child: ChildProcess | undefined;
  const dataDir = mkdtempSync(join(tmpdir(), 'npm-start-'));
  const ports: Record<string, number> = {};

  beforeAll(async () => {
    for (const name of ['api', 'temporal', 'ui', 'ecwid', 'shipstation', 'metrics']) ports[name] = await freePort();
    child = spawn(join(ROOT, 'node_modules', '.bin', 'tsx'), ['src/stack/start.ts'], {
      cwd: ROOT,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        ...process.env,
        PORT: String(ports.api),
        TEMPORAL_ADDRESS: `localhost:${ports.temporal}`,
        TEMPORAL_UI_PORT: String(ports.ui),
        ECWID_SIM_PORT: String(ports.ecwid),
        SHIPSTATION_SIM_PORT: String(ports.shipstation),
        WORKER_METRICS_ADDRESS: `127.0.0.1:${ports.metrics}`,
        START_DATA_DIR: dataDir,
        LOG_LEVEL: 'error',
      },
    });
    let out = '';
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`npm start did not come up in 120 s:\n${out}`)), 120_000);
      const onData = (b: Buffer) => {
        out += b.toString();
        if (out.includes('connector is running')) {
          clearTimeout(timer);
          resolve();
        }
      };
      child!.stdout!.on('data', onData);
      child!.stderr!.on('data', onData);
      child!.once('exit', (code) => reject(new Error(`npm start exited (${code}):\n${out}`)));
    });
  }, 150_000);

  afterAll(async () => {
    if (child?.pid && child.exitCode === null) {
      const exited = new Promise((r) => child!.once('exit', r));
      process.kill(-child.pid, 'SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
      if (child.exitCode === null) process.kill(-child.pid, 'SIGKILL');
    }
    rmSync(dataDir, { recursive: true, force: true });
  }, 20_000);

  test('the API listens on 127.0.0.1 only', () => {
    const addrs = listeningAddresses(ports.api);
    expect(addrs.length).toBeGreaterThan(0);
    // 0100007F is 127.0.0.1; 00000000 (0.0.0.0) or the IPv6 any-address would be every interface.
    expect(addrs.every((a) => a === '0100007F')).toBe(true);
  });

  test('the codec refuses a request without a token unless it is the dev UI’s, on a loopback name', async () => {
    const codec = `http://127.0.0.1:${ports.api}/codec/decode`;
    const ui = `http://localhost:${ports.ui}`;
    expect(await post(codec, { Host: `rebind.attacker.example:${ports.api}`, Origin: ui })).toBe(401);
    expect(await post(codec, { Host: `localhost:${ports.api}` })).toBe(401);
    expect(await post(codec, { Host: `localhost:${ports.api}`, Origin: 'http://localhost:1' })).toBe(401);
    // What the dev server's Web UI sends (it can't send a token): decoded.
    expect(await post(codec, { Host: `localhost:${ports.api}`, Origin: ui })).toBe(200);
    const token = readFileSync(join(dataDir, 'admin-token.secret'), 'utf8').trim();
    expect(await post(codec, { Host: `rebind.attacker.example:${ports.api}`, Authorization: `Bearer ${token}` })).toBe(200);
  });
});
