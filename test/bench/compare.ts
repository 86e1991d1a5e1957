// Chorus vs PyTorch on the same job, run alternately (PyTorch, Chorus, PyTorch, Chorus, ...), medians per side.
// Usage: npm run bench:compare -- [--config tiny|minilm] [--mode train|infer] [--threads N] [--steps N] [--rounds N]
//        [--python /usr/bin/python3] [any further flags go to the Chorus side, e.g. --spinning 0]
// Defaults: tiny train, 3 timed steps, 2 threads, 2 rounds. PyTorch is skipped (with a message) when the
// interpreter lacks torch; the Chorus runs then still print.
import { spawnSync } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { intFlag, parseArgs, stringFlag } from '../../main/cli/args';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '../..');
const benchScript = resolve(root, '../shared/reference/pytorch_mtl_bench.py');

// Own flags are parsed with the CLI's parser; every other flag is passed on to the Chorus side (engine.ts).
const OWN = new Set(['config', 'mode', 'threads', 'steps', 'rounds', 'python']);
const parsed = parseArgs(process.argv.slice(2), ['profile', 'no-ceiling']);
const o = {
  config: stringFlag(parsed, 'config') ?? 'tiny',
  mode: stringFlag(parsed, 'mode') ?? 'train',
  threads: String(intFlag(parsed, 'threads', 2)),
  steps: String(intFlag(parsed, 'steps', 3)),
  rounds: intFlag(parsed, 'rounds', 2),
  python: stringFlag(parsed, 'python') ?? '/usr/bin/python3',
};
const passThrough = Object.entries(parsed.flags)
  .filter(([k]) => !OWN.has(k))
  .flatMap(([k, v]) => (v === true ? [`--${k}`] : [`--${k}`, String(v)]));

type Row = Record<string, unknown> & { tokens_per_s: number; sequences_per_s: number; peak_rss_mib: number; gflops_per_s: number; median_step_s: number; min_step_s: number };

function runJson(cmd: string, args: string[], cwd: string): Row {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', maxBuffer: 1 << 24 });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${r.status}):\n${r.stderr}`);
  const line = r.stdout.trim().split('\n').filter((l) => l.startsWith('{')).pop();
  if (!line) throw new Error(`${cmd}: no JSON in output:\n${r.stdout}`);
  return JSON.parse(line) as Row;
}

function torchAvailable(): string | null {
  const r = spawnSync(o.python, ['-c', 'import torch'], { encoding: 'utf8' });
  if (r.error) return `${o.python} not found`;
  if (r.status !== 0) return `${o.python} cannot import torch`;
  return null;
}

const median = (xs: number[]) => { const s = [...xs].sort((a, b) => a - b); const m = s.length >> 1; return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2; };
const common = ['--config', o.config, '--mode', o.mode, '--threads', o.threads, '--steps', o.steps, '--json'];
const torchMissing = torchAvailable();
if (torchMissing) console.log(`PyTorch skipped: ${torchMissing} (install python3-torch and libopenblas0-openmp; see shared/reference/README.md)`);

const torchRuns: Row[] = [], chorusRuns: Row[] = [];
for (let r = 0; r < o.rounds; r++) {
  if (!torchMissing) {
    torchRuns.push(runJson(o.python, [benchScript, ...common], dirname(benchScript)));
    console.error(`round ${r + 1}: pytorch ${torchRuns.at(-1)!.tokens_per_s.toFixed(0)} tokens/s`);
  }
  // --no-ceiling except on the first Chorus run: the MatMul ceiling is measured once
  chorusRuns.push(runJson(process.execPath, ['--import', 'tsx', join(here, 'engine.ts'), ...common, ...passThrough, ...(r > 0 ? ['--no-ceiling'] : [])], root));
  console.error(`round ${r + 1}: chorus  ${chorusRuns.at(-1)!.tokens_per_s.toFixed(0)} tokens/s`);
}

const keys: [string, keyof Row, number][] = [
  ['tokens/s', 'tokens_per_s', 0], ['sequences/s', 'sequences_per_s', 1], ['GFLOP/s', 'gflops_per_s', 1],
  ['median step s', 'median_step_s', 3], ['fastest step s', 'min_step_s', 3], ['peak RSS MiB', 'peak_rss_mib', 0],
];
console.log(`\n${o.config} ${o.mode}, ${o.threads} threads, ${o.steps} timed steps, ${o.rounds} alternating rounds (medians)`);
console.log(`${'metric'.padEnd(16)} ${'pytorch'.padStart(10)} ${'chorus'.padStart(10)} ${'chorus/pytorch'.padStart(15)}`);
for (const [label, k, d] of keys) {
  const med = (rows: Row[]) => { const xs = rows.map((x) => x[k]).filter((v): v is number => typeof v === 'number'); return xs.length ? median(xs) : NaN; };
  const c = med(chorusRuns), t = med(torchRuns); // pytorch_mtl_bench.py has no min_step_s
  const f = (x: number, digits: number) => (Number.isFinite(x) ? x.toFixed(digits) : '-');
  console.log(`${label.padEnd(16)} ${f(t, d).padStart(10)} ${f(c, d).padStart(10)} ${f(c / t, 2).padStart(15)}`);
}
{ // best run per side: the least disturbed one when something else shares the CPUs
  const best = (rows: Row[]) => (rows.length ? Math.max(...rows.map((x) => x.tokens_per_s)) : NaN);
  const c = best(chorusRuns), t = best(torchRuns);
  console.log(`${'best tokens/s'.padEnd(16)} ${(Number.isFinite(t) ? t.toFixed(0) : '-').padStart(10)} ${c.toFixed(0).padStart(10)} ${(Number.isFinite(t) ? (c / t).toFixed(2) : '-').padStart(15)}`);
}
const ceil = chorusRuns[0]?.ort_matmul_peak as { gflops_best: number } | null | undefined;
if (ceil) console.log(`ORT MatMul 2048^3 best ${ceil.gflops_best.toFixed(1)} GFLOP/s; chorus at ${(100 * median(chorusRuns.map((x) => x.gflops_per_s)) / ceil.gflops_best).toFixed(0)}% of it`);
console.log(`runs: pytorch tokens/s [${torchRuns.map((x) => x.tokens_per_s.toFixed(0)).join(', ')}], chorus [${chorusRuns.map((x) => x.tokens_per_s.toFixed(0)).join(', ')}]`);
