// Top ops by time from an ONNX Runtime profile file (enableProfiling): sums every node's kernel time per op type.
// Usage: tsx test/bench/profile-top.ts PROFILE.json [N]
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export interface OpTime { op: string; ms: number; share: number; calls: number }

interface Event { cat?: string; name?: string; dur?: number; args?: { op_name?: string } }

/** Per op type: total kernel ms, share of all kernel time, kernel calls; sorted by time, descending. */
export function topOps(profilePath: string, n = 10): { ops: OpTime[]; totalMs: number; runs: number } {
  const events = JSON.parse(readFileSync(profilePath, 'utf8')) as Event[];
  const byOp = new Map<string, { us: number; calls: number }>();
  let total = 0, runs = 0;
  for (const e of events) {
    if (e.cat === 'Session' && e.name === 'model_run') runs++;
    if (e.cat !== 'Node' || !e.name?.endsWith('_kernel_time')) continue;
    const op = e.args?.op_name ?? '?';
    const r = byOp.get(op) ?? { us: 0, calls: 0 };
    r.us += e.dur ?? 0;
    r.calls++;
    byOp.set(op, r);
    total += e.dur ?? 0;
  }
  const ops = [...byOp.entries()]
    .map(([op, r]) => ({ op, ms: r.us / 1000, share: total ? r.us / total : 0, calls: r.calls }))
    .sort((a, b) => b.ms - a.ms)
    .slice(0, n);
  return { ops, totalMs: total / 1000, runs };
}

export function formatTopOps(t: ReturnType<typeof topOps>): string {
  const per = Math.max(t.runs, 1);
  const lines = [`top ${t.ops.length} ops by kernel time (${t.runs} runs, ${(t.totalMs / per).toFixed(0)} ms kernel time per run):`,
    `  ${'op'.padEnd(28)} ${'ms/run'.padStart(9)} ${'share'.padStart(7)} ${'calls/run'.padStart(10)}`];
  for (const o of t.ops)
    lines.push(`  ${o.op.padEnd(28)} ${(o.ms / per).toFixed(1).padStart(9)} ${(100 * o.share).toFixed(1).padStart(6)}% ${(o.calls / per).toFixed(0).padStart(10)}`);
  return lines.join('\n');
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [file, n] = process.argv.slice(2);
  if (!file) {
    console.error('usage: tsx test/bench/profile-top.ts PROFILE.json [N]');
    process.exit(2);
  }
  console.log(formatTopOps(topOps(file, Number(n ?? 10))));
}
