// Engine throughput on the PyTorch benchmark's shapes (shared/reference/pytorch_mtl_bench.py, README "Benchmark definition").
// Usage: npm run bench -- [--config tiny|minilm] [--mode train|infer] [--threads N] [--steps N] [--warmup N] [--json]
//        [--profile] (ORT profiler on the timed session; prints the top-10 ops) [--spinning 0|1] [--opt-level all|extended|basic|disabled] [--concat-heads 0|1]
//        [--mem-pattern 0|1] (ORT enableMemPattern; default: the engine's own default)
//        [--fed-dropout 0|1] (train: dropout masks drawn in JS and fed, default 1; 0: ORT's Dropout op)
//        [--no-ceiling] (skip the 2048^3 MatMul ceiling)
//        [--trainer-process 0|1] (default 1: run in a process started like the app's trainer — glibc malloc tunables,
//        gc after big steps, see main/engine/runtime/trainer-process.ts — re-executing itself when needed; 0: as started)
// Prints the same fields as pytorch_mtl_bench.py --json, plus graph build / session creation times, ORT's own MatMul
// GFLOP/s (2048^3 fp32, same process, same threads) and the engine's share of it.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as ort from 'onnxruntime-node';
import { Graph } from '../../main/engine/graph';
import { toModelProto } from '../../main/engine/onnx';
import { GraphSession, isTrainerProcess, TRAINER_NODE_FLAGS, trainerEnv, type SessionOptions } from '../../main/engine/runtime';
import { bertEncoder, headOutputs, type BertConfig, type Ctx, type HeadSpec } from '../../main/engine/nn';
import { layoutFor, TrainSession, type HeadBatch, type ModelSpec } from '../../main/engine/train';
import type { FlatLayout } from '../../main/engine/optim';
import { formatTopOps, topOps } from './profile-top';
import { boolFlag, intFlag, parseArgs, stringFlag } from '../../main/cli/args';

const SHAPES = {
  tiny: { vocab: 8192, H: 256, L: 4, A: 4, I: 1024, P: 512, seq: 128, batchPerTask: 32 },
  minilm: { vocab: 30522, H: 384, L: 6, A: 12, I: 1536, P: 512, seq: 128, batchPerTask: 16 },
} as const;
const INFER_BATCH = 64;
const ALPHA = 0.5;
const OPT = { lr: 1e-4, betas: [0.9, 0.999] as [number, number], eps: 1e-8, weightDecay: 0.01, clipGradNorm: 1.0 };
const HEADS: HeadSpec[] = [
  { name: 'sentiment', kind: 'sequence_classification', numLabels: 2 },
  { name: 'ner', kind: 'token_classification', numLabels: 9 },
];
const IGNORE_INDEX = -100;

/** Bench flags, parsed with the CLI's own argument parser. */
function parseBenchArgs(argv: string[]) {
  const args = parseArgs(argv, ['profile', 'no-ceiling']);
  const known = new Set(['config', 'mode', 'threads', 'steps', 'warmup', 'json', 'profile', 'spinning', 'mem-pattern', 'concat-heads', 'opt-level', 'no-ceiling', 'fed-dropout', 'trainer-process']);
  for (const k of Object.keys(args.flags)) if (!known.has(k)) throw new Error(`unknown argument --${k}`);
  if (args.positionals.length) throw new Error(`unexpected argument ${args.positionals[0]}`);
  const config = stringFlag(args, 'config') ?? 'tiny';
  if (!(config in SHAPES)) throw new Error(`--config must be ${Object.keys(SHAPES).join('|')}`);
  const mode = stringFlag(args, 'mode') ?? 'train';
  if (mode !== 'train' && mode !== 'infer') throw new Error('--mode must be train|infer');
  const toggle = (key: string) => { const v = stringFlag(args, key); return v === undefined ? undefined : v !== '0'; };
  return {
    config: config as keyof typeof SHAPES,
    mode: mode as 'train' | 'infer',
    threads: intFlag(args, 'threads', 2),
    steps: intFlag(args, 'steps', 10),
    warmup: intFlag(args, 'warmup', 3),
    json: boolFlag(args, 'json'),
    profile: boolFlag(args, 'profile'),
    spinning: toggle('spinning'),
    memPattern: toggle('mem-pattern'),
    concatHeads: toggle('concat-heads'),
    fedDropout: toggle('fed-dropout'),
    optLevel: (stringFlag(args, 'opt-level') ?? 'all') as NonNullable<SessionOptions['optimizationLevel']>,
    ceiling: !boolFlag(args, 'no-ceiling'),
    trainerProcess: toggle('trainer-process') ?? true,
  };
}

function bertConfig(s: (typeof SHAPES)[keyof typeof SHAPES], dropout: number): BertConfig {
  return { vocabSize: s.vocab, hiddenSize: s.H, numHiddenLayers: s.L, numAttentionHeads: s.A, intermediateSize: s.I,
    maxPositionEmbeddings: s.P, typeVocabSize: 2, layerNormEps: 1e-12, padTokenId: 0,
    hiddenDropoutProb: dropout, attentionProbsDropoutProb: dropout, hiddenAct: 'gelu' };
}

/** BERT-like init: LayerNorm weights 1, biases 0, other weights uniform with std 0.02. */
function initParams(layout: FlatLayout): Float32Array {
  const buf = new Float32Array(layout.size);
  const r = 0.02 * Math.sqrt(3);
  for (const e of layout.entries) {
    if (e.name.endsWith('.bias')) continue;
    if (e.name.includes('LayerNorm.weight')) { buf.fill(1, e.offset, e.offset + e.size); continue; }
    for (let i = e.offset; i < e.offset + e.size; i++) buf[i] = (Math.random() * 2 - 1) * r;
  }
  return buf;
}

function paramCounts(layout: FlatLayout) {
  const emb = ['word', 'position', 'token_type'].reduce((n, t) => n + layout.entry(`embeddings.${t}_embeddings.weight`).size, 0);
  return { total: layout.size, embedding: emb, non_embedding: layout.size - emb };
}

/** Random full-length batch as in pytorch_mtl_bench.random_batch: ids in [5, vocab), [CLS]=2 first, no padding. */
function randomBatch(kind: 'A' | 'B', batch: number, seq: number, vocab: number): HeadBatch {
  const n = batch * seq;
  const ids = new BigInt64Array(n);
  for (let i = 0; i < n; i++) ids[i] = BigInt(i % seq === 0 ? 2 : 5 + Math.floor(Math.random() * (vocab - 5)));
  const labels = kind === 'A'
    ? BigInt64Array.from({ length: batch }, () => BigInt(Math.floor(Math.random() * 2)))
    : BigInt64Array.from({ length: n }, (_, i) => BigInt(i % seq === 0 ? IGNORE_INDEX : Math.floor(Math.random() * 9)));
  return {
    input_ids: new ort.Tensor('int64', ids, [batch, seq]),
    attention_mask: new ort.Tensor('int64', new BigInt64Array(n).fill(1n), [batch, seq]),
    token_type_ids: new ort.Tensor('int64', new BigInt64Array(n), [batch, seq]),
    labels: new ort.Tensor('int64', labels, kind === 'A' ? [batch] : [batch, seq]),
  };
}

/** Inference graph: flat params, one encoder pass, both heads' logits (the benchmark's infer job). */
function buildInferGraph(spec: ModelSpec, layout: FlatLayout): Graph {
  const g = new Graph('chorus_bench_infer');
  const params = g.input('params', 'float32', [layout.size]);
  const views = layout.graphViews(g, params);
  const k: Ctx = { g, cfg: spec.config, training: false, p: (n) => views.get(n)! };
  const seq = spec.seq ?? 'seq';
  const ids = g.input('input_ids', 'int64', ['batch', seq]);
  const mask = g.input('attention_mask', 'int64', ['batch', seq]);
  const tt = g.input('token_type_ids', 'int64', ['batch', seq]);
  const enc = bertEncoder(k, ids, mask, tt, 'batch', seq);
  for (const h of spec.heads) g.output(headOutputs(k, h, enc).logits!, `${h.name}.logits`);
  return g;
}

/** ORT's own fp32 MatMul rate on n^3 (2 n^3 FLOPs), 2 untimed + `reps` timed runs, like gemm_peak.py. */
async function matmulCeiling(threads: number, n = 2048, reps = 10): Promise<{ size: number; gflops_best: number; gflops_median: number }> {
  const g = new Graph('matmul_peak');
  g.output(g.matMul(g.input('a', 'float32', [n, n]), g.input('b', 'float32', [n, n])), 'c');
  const s = await GraphSession.create(g, { threads });
  const rnd = () => new ort.Tensor('float32', Float32Array.from({ length: n * n }, () => Math.random() * 2 - 1), [n, n]);
  const feeds = { a: rnd(), b: rnd() };
  const out = { c: new ort.Tensor('float32', new Float32Array(n * n), [n, n]) };
  const rates: number[] = [];
  for (let i = 0; i < reps + 2; i++) {
    const t0 = performance.now();
    await s.run(feeds, out);
    if (i >= 2) rates.push((2 * n ** 3) / ((performance.now() - t0) / 1000) / 1e9);
  }
  await s.release();
  return { size: n, gflops_best: Math.max(...rates), gflops_median: median(rates) };
}

const median = (xs: number[]) => { const s = [...xs].sort((a, b) => a - b); const m = s.length >> 1; return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2; };

function newestProfile(dir: string): string {
  const f = readdirSync(dir).filter((x) => x.endsWith('.json')).sort().pop();
  if (!f) throw new Error(`no profile file in ${dir}`);
  return join(dir, f);
}

/** Runs this bench again in a process started like the app's trainer; returns its exit status. */
function inTrainerProcess(): number {
  const args = [...TRAINER_NODE_FLAGS, '--import', 'tsx', fileURLToPath(import.meta.url), ...process.argv.slice(2)];
  return spawnSync(process.execPath, args, { stdio: 'inherit', env: trainerEnv() }).status ?? 1;
}

async function main() {
  const a = parseBenchArgs(process.argv.slice(2));
  if (a.trainerProcess && !isTrainerProcess()) process.exit(inTrainerProcess());
  const shape = SHAPES[a.config];
  const train = a.mode === 'train';
  const { seq, vocab, H, L } = shape;
  const spec: ModelSpec = { config: bertConfig(shape, train ? 0.1 : 0), heads: HEADS, seq };
  const layout = layoutFor(spec);
  const counts = paramCounts(layout);
  const initial = initParams(layout);
  const nIters = a.warmup + a.steps;
  const profDir = a.profile ? mkdtempSync(join(tmpdir(), 'chorus-prof-')) : null;
  const profPrefix = profDir ? join(profDir, 'ort') : undefined;
  const times: number[] = [];
  let batch: number, tokens: number, sequences: number, flops: number;
  let buildS: number, sessionS: number;
  const extra: Record<string, unknown> = {};
  const losses: number[] = [];

  if (train) {
    batch = shape.batchPerTask;
    tokens = 2 * batch * seq;
    sequences = 2 * batch;
    flops = 6 * counts.non_embedding * tokens + 12 * L * seq * H * tokens;
    const data = Array.from({ length: nIters }, () => [randomBatch('A', batch, seq, vocab), randomBatch('B', batch, seq, vocab)]);
    const ts = await TrainSession.create(spec, initial, { betas: OPT.betas, eps: OPT.eps, weightDecay: OPT.weightDecay, clipGradNorm: OPT.clipGradNorm,
      threads: a.threads, optimizationLevel: a.optLevel, intraOpSpinning: a.spinning, memoryPattern: a.memPattern, enableProfiling: a.profile, profileFilePrefix: profPrefix, concatHeads: a.concatHeads, fedDropoutMasks: a.fedDropout });
    const t = ts.timings;
    buildS = t.trainBuildMs / 1000;
    sessionS = t.trainSessionMs / 1000;
    // the eval session is created lazily on the first evaluate(), which this benchmark never calls
    const weights = [ALPHA, 1 - ALPHA];
    for (let i = 0; i < nIters; i++) {
      const t0 = performance.now();
      const r = await ts.trainStep(data[i]!, weights, OPT.lr);
      losses.push(r.loss);
      if (i >= a.warmup) times.push((performance.now() - t0) / 1000);
    }
    if (!losses.every(Number.isFinite)) throw new Error('non-finite loss');
    if (a.profile) ts.endProfiling();
    await ts.release();
  } else {
    batch = INFER_BATCH;
    tokens = batch * seq;
    sequences = batch;
    flops = 2 * counts.non_embedding * tokens + 4 * L * seq * H * tokens;
    const data = Array.from({ length: nIters }, () => randomBatch('A', batch, seq, vocab));
    let t0 = performance.now();
    const bytes = toModelProto(buildInferGraph(spec, layout));
    buildS = (performance.now() - t0) / 1000;
    t0 = performance.now();
    const s = await GraphSession.create(bytes, { threads: a.threads, optimizationLevel: a.optLevel, intraOpSpinning: a.spinning, memoryPattern: a.memPattern, enableProfiling: a.profile, profileFilePrefix: profPrefix });
    sessionS = (performance.now() - t0) / 1000;
    const params = new ort.Tensor('float32', initial, [layout.size]);
    for (let i = 0; i < nIters; i++) {
      const x = data[i]!;
      const t1 = performance.now();
      const out = await s.run({ params, input_ids: x.input_ids!, attention_mask: x.attention_mask!, token_type_ids: x.token_type_ids! });
      let sum = 0; // like float(logits_a.sum() + logits_b.sum())
      for (const h of HEADS) for (const v of out[`${h.name}.logits`]!.data as Float32Array) sum += v;
      if (!Number.isFinite(sum)) throw new Error('non-finite logits');
      if (i >= a.warmup) times.push((performance.now() - t1) / 1000);
    }
    if (a.profile) s.endProfiling();
    await s.release();
  }

  const total = times.reduce((x, y) => x + y, 0);
  const perS = times.length / total;
  const peakRss = process.resourceUsage().maxRSS / 1024; // maxRSS is in KiB; measured before the ceiling run allocates
  const gflops = (perS * flops) / 1e9;
  const ceiling = a.ceiling ? await matmulCeiling(a.threads) : null;
  const result: Record<string, unknown> = {
    config: a.config, mode: a.mode, threads: a.threads, steps: a.steps, warmup: a.warmup, seq_len: seq,
    batch, batch_note: train ? 'per task, two tasks per step' : 'one encoder pass, both heads',
    params: counts,
    [train ? 'steps_per_s' : 'batches_per_s']: perS,
    median_step_s: median(times),
    min_step_s: Math.min(...times),
    step_times_s: times.map((t) => Math.round(t * 1000) / 1000),
    tokens_per_s: perS * tokens,
    sequences_per_s: perS * sequences,
    [train ? 'flops_per_step' : 'flops_per_batch']: flops,
    gflops_per_s: gflops,
    peak_rss_mib: peakRss,
    runtime: { engine: 'chorus', onnxruntime: ort.env.versions.node ?? ort.env.versions.common, node: process.version,
      threads: a.threads, trainer_process: isTrainerProcess(), intra_op_spinning: a.spinning ?? 'default', memory_pattern: a.memPattern ?? 'default', optimization_level: a.optLevel, cpu: cpus()[0]?.model ?? '' },
    graph_build_s: buildS,
    session_create_s: sessionS,
    ...extra,
    ort_matmul_peak: ceiling,
    share_of_ort_matmul_peak: ceiling ? gflops / ceiling.gflops_best : null,
  };
  if (train) result.loss_first_last = [losses[0], losses[losses.length - 1]];
  if (profDir) {
    const file = newestProfile(profDir);
    const top = topOps(file, 10);
    result.profile_top_ops = top.ops.map((o) => ({ ...o, ms_per_run: o.ms / Math.max(top.runs, 1) }));
    if (!a.json) console.log(formatTopOps(top));
    if (process.env.CHORUS_KEEP_PROFILE) console.error(`profile kept: ${file}`);
    else if (existsSync(profDir)) rmSync(profDir, { recursive: true, force: true });
  }
  if (a.json) console.log(JSON.stringify(result));
  else for (const [k, v] of Object.entries(result)) console.log(`${k.padEnd(26)} ${typeof v === 'object' ? JSON.stringify(v) : v}`);
}

await main();
