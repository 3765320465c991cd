/**
 * `npx tsx bench/cpu-profile-summary.ts <dir>`: sums V8 CPU profiles (`node --cpu-prof`) by where their self time
 * went: the connector's own files, the Temporal SDK (JS side), gRPC/protobuf, pino, Node internals, and the top
 * functions. Used by `bench/multi-worker.ts --profile`.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

interface Node {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}
interface Profile {
  nodes: Node[];
  samples: number[];
  timeDeltas: number[];
}

export function summarize(dir: string): { totalMs: number; byArea: Record<string, number>; top: { fn: string; ms: number }[] } {
  const byArea = new Map<string, number>();
  const byFn = new Map<string, number>();
  let total = 0;
  for (const f of readdirSync(dir).filter((x) => x.endsWith('.cpuprofile'))) {
    const p = JSON.parse(readFileSync(join(dir, f), 'utf8')) as Profile;
    const nodes = new Map(p.nodes.map((n) => [n.id, n]));
    for (let i = 0; i < p.samples.length; i++) {
      const n = nodes.get(p.samples[i]);
      const ms = (p.timeDeltas[i] ?? 0) / 1000;
      if (!n || n.callFrame.functionName === '(idle)') continue;
      total += ms;
      const url = n.callFrame.url;
      const area = /\/src\//.test(url) && !url.includes('node_modules')
        ? 'connector'
        : /@temporalio/.test(url)
          ? 'temporal-sdk'
          : /grpc|protobuf/.test(url)
            ? 'grpc/protobuf'
            : /pino|thread-stream/.test(url)
              ? 'logging'
              : /node_modules/.test(url)
                ? 'other packages'
                : url === ''
                  ? `native: ${n.callFrame.functionName}`
                  : 'node internals';
      byArea.set(area, (byArea.get(area) ?? 0) + ms);
      const fn = `${n.callFrame.functionName || '(anonymous)'} ${url.replace(/^.*node_modules\//, '').replace(/^.*\/src\//, 'src/')}:${n.callFrame.lineNumber + 1}`;
      byFn.set(fn, (byFn.get(fn) ?? 0) + ms);
    }
  }
  const round = (x: number) => Math.round(x);
  return {
    totalMs: round(total),
    byArea: Object.fromEntries([...byArea.entries()].sort((a, b) => b[1] - a[1]).map(([k, v]) => [k, round(v)])),
    top: [...byFn.entries()].sort((a, b) => b[1] - a[1]).slice(0, 15).map(([fn, ms]) => ({ fn, ms: round(ms) })),
  };
}

if (require.main === module) console.log(JSON.stringify(summarize(process.argv[2] ?? '.data/profiles'), null, 2));
