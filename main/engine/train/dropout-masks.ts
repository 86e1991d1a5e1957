// Dropout masks drawn in JS and fed to the train graph. ORT's CPU Dropout draws its mask serially (about 4 ns an
// element: ~190 ms of a 1.7 s tiny train step) and its backward is a slow Where. Fed masks cost one Mul each way:
//   scaled: float32 0 or 1/(1 − p), multiplied in directly (every dropout, unless the attention masks get large);
//   bits:   bool, cast to float by the graph (a slow Cast each way), each pass casting its own copy so that ORT keeps
//           no float mask alive between the passes: attention probabilities (A·S values a token) of large steps,
//           where 4 bytes an element would cost too much memory (attentionMaskBytes).
// The sampler fills masks from geometric gaps between dropped elements, so its cost scales with the dropped share
// (10 %), not with the tensor. Masks derive from (seed, call): a resumed run that sets its call counter draws the
// masks of the run it continues, with no replay.
// The sites are dealt to two lanes of about equal size, each with its own stream and pools; for large steps a worker
// thread draws the second lane while the main thread draws the first (the CPU's second core would otherwise idle
// while the masks are drawn). Which thread draws a lane does not change its masks.
import { Worker } from 'node:worker_threads';
import * as ort from 'onnxruntime-node';
import type { Dim, Graph, Value } from '../graph';
import type { FedDropoutMask } from '../nn';

/** One dropout in a train graph: its mask input(s) — bits: forward and backward pass, fed the same bytes. */
export type MaskSite =
  | { kind: 'scaled'; input: string; shape: Dim[]; ratio: number }
  | { kind: 'bits'; forward: string; backward: string; shape: Dim[]; ratio: number };
export type MaskKind = MaskSite['kind'];

/** Build side: creates the mask inputs of each dropout of a train graph. */
export class DropoutSites {
  readonly sites: MaskSite[] = [];
  constructor(private readonly g: Graph) {}

  /**
   * Mask inputs for a dropout over `x`, or null when a dim of x cannot be read from a graph input at run time
   * (the caller then keeps ORT's Dropout op).
   */
  inputsFor(x: Value, ratio: number, kind: MaskKind): FedDropoutMask | null {
    if (!x.shape.every((d) => typeof d === 'number' || this.g.symbols.get(d)?.value.inputName)) return null;
    const i = this.sites.length, shape = [...x.shape];
    if (kind === 'scaled') {
      const mask = this.g.input(`dropout_mask.${i}`, x.dtype, shape);
      this.sites.push({ kind, input: mask.inputName!, shape, ratio });
      return { kind, mask };
    }
    const forward = this.g.input(`dropout_mask.${i}`, 'bool', shape);
    const backward = this.g.input(`dropout_mask.${i}.backward`, 'bool', shape);
    this.sites.push({ kind, forward: forward.inputName!, backward: backward.inputName!, shape, ratio });
    return { kind, forward, backward };
  }
}

/** Float attention-probability masks of one train step above this take bits (1 byte an element) instead. */
export const ATTENTION_FLOAT_MASK_LIMIT = 512 * 2 ** 20;

/** Bytes of float32 attention-probability masks for one train step over these batches (encoder layers). */
export function attentionMaskBytes(layers: number, heads: number, batches: { batch: number; seq: number }[]): number {
  return batches.reduce((n, b) => n + 4 * layers * heads * b.batch * b.seq * b.seq, 0);
}

/** Where each symbolic dim of a graph's inputs is read at run time: input name and axis. */
export function symbolSources(g: Graph): Map<string, { input: string; axis: number }> {
  const out = new Map<string, { input: string; axis: number }>();
  for (const [name, { value, axis }] of g.symbols) if (value.inputName) out.set(name, { input: value.inputName, axis });
  return out;
}

/** sfc32 seeded from (seed, call, lane) through splitmix32: a fresh, reproducible stream per train-graph run and lane. */
function streamFor(seed: number, call: number, lane: number): () => number {
  let x = (Math.imul(seed | 0, 0x9e3779b9) ^ Math.imul(call | 0, 0x85ebca6b) ^ Math.imul(lane | 0, 0x27d4eb2f) ^ 0x1b873593) | 0;
  const mix = () => {
    x = (x + 0x9e3779b9) | 0;
    let z = x;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) | 0;
  };
  let a = mix(), b = mix(), c = mix(), d = 1;
  const next = () => {
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return t >>> 0;
  };
  for (let i = 0; i < 12; i++) next();
  return next;
}

/**
 * Kept elements before the next dropped one, by 16-bit uniform: P(gap ≥ k) = (1 − p)^k to within 2^-16 (inverse
 * CDF of the geometric distribution at the bin centres).
 */
function gapTable(p: number): Uint32Array {
  const n = 65536, t = new Uint32Array(n), lq = Math.log1p(-p);
  for (let r = 0; r < n; r++) t[r] = Math.min(0xffffffff, Math.floor(Math.log((r + 0.5) / n) / lq));
  return t;
}

/** Fills `mask` with `kept` and, with probability p each, 0 (dropped). */
export function drawMask(mask: Uint8Array | Float32Array, p: number, kept: number, table: Uint32Array, next: () => number): void {
  mask.fill(p >= 1 ? 0 : kept);
  if (p <= 0 || p >= 1) return;
  const n = mask.length;
  let pos = 0;
  for (;;) {
    const r = next();
    pos += table[r >>> 16]!;
    if (pos >= n) return;
    mask[pos++] = 0;
    pos += table[r & 0xffff]!;
    if (pos >= n) return;
    mask[pos++] = 0;
  }
}

/** One site's share of a lane's draw: where its mask lies in the lane's pool of its kind. */
interface Job { kind: MaskKind; at: number; n: number; ratio: number }
interface LanePools { bits: Uint8Array; scaled: Float32Array }
/** One run's draw: each site's dims, lane and job; each lane's jobs; the elements of all masks. */
interface Plan { dims: number[][]; lane: number[]; jobs: Job[][]; siteJob: Job[]; total: number }

/** Draws a lane's masks into its pools: the lane's own stream, the jobs in order. Self-contained (runs in the worker). */
function drawLane(jobs: Job[], pools: LanePools, seed: number, call: number, lane: number, tableFor: (p: number) => Uint32Array): void {
  const next = streamFor(seed, call, lane);
  for (const j of jobs) {
    if (j.kind === 'scaled') drawMask(pools.scaled.subarray(j.at, j.at + j.n), j.ratio, 1 / (1 - j.ratio), tableFor(j.ratio), next);
    else drawMask(pools.bits.subarray(j.at, j.at + j.n), j.ratio, 1, tableFor(j.ratio), next);
  }
}

/**
 * The worker's source: the drawing functions above (under the names a bundler may have given them, which is how
 * their bodies call each other), and a loop that draws the lane it is sent and hands it back.
 */
const workerSource = (): string => `'use strict';
const __name = (f) => f; // esbuild's keepNames helper, should a transpiled function body refer to it
${[streamFor, drawMask, gapTable, drawLane].map((f) => `const ${f.name} = ${f.toString()};`).join('\n')}
const drawInLane = ${drawLane.name};
const tables = new Map();
const tableFor = (p) => { let t = tables.get(p); if (!t) tables.set(p, (t = ${gapTable.name}(p))); return t; };
const { parentPort } = require('node:worker_threads');
parentPort.on('message', (m) => {
  const pools = { bits: m.bits, scaled: m.scaled };
  let error = null;
  try { drawInLane(m.jobs, pools, m.seed, m.call, m.lane, tableFor); } catch (e) { error = String((e && e.stack) || e); }
  parentPort.postMessage({ bits: pools.bits, scaled: pools.scaled, error }, [pools.bits.buffer, pools.scaled.buffer]);
});
`;

/** Steps whose masks hold fewer elements than this are drawn on the main thread alone. */
export const MASK_WORKER_MIN_ELEMENTS = 1 << 20;
const LANES = 2;

/** Deals sites to lanes, largest first onto the lighter lane (ties: lower index): deterministic for given sizes. */
export function lanesOf(sizes: number[]): number[] {
  const lane = new Array<number>(sizes.length).fill(0), load = new Array<number>(LANES).fill(0);
  const order = sizes.map((_, i) => i).sort((a, b) => sizes[b]! - sizes[a]! || a - b);
  for (const i of order) {
    const l = load.indexOf(Math.min(...load));
    lane[i] = l;
    load[l] += sizes[i]!;
  }
  return lane;
}

/**
 * Run side: draws every site's mask for one train-graph run into per-lane pools (bits, scaled) reused between runs.
 * `feeds` draws both lanes on the calling thread; `feedsAsync` hands the second lane to a worker when the step is
 * large. Both give the same masks for the same (seed, call).
 */
export class DropoutMaskFeeder {
  private readonly pools: LanePools[] = Array.from({ length: LANES }, () => ({ bits: new Uint8Array(0), scaled: new Float32Array(0) }));
  private readonly tables = new Map<number, Uint32Array>();
  private worker: Worker | null = null;
  private workerFailed = false;
  /** The draw the worker holds (one at a time: a train graph runs one step after another). */
  private pending: { resolve: (p: LanePools) => void; reject: (e: Error) => void } | null = null;

  constructor(
    readonly sites: MaskSite[],
    private readonly symbols: Map<string, { input: string; axis: number }>,
    private readonly seed: number,
  ) {}

  private dimsOf(site: MaskSite, feeds: Record<string, ort.Tensor>): number[] {
    return site.shape.map((d) => {
      if (typeof d === 'number') return d;
      const src = this.symbols.get(d);
      const t = src && feeds[src.input];
      if (!t) throw new Error(`dropout mask ${site.kind === 'bits' ? site.forward : site.input}: no fed input gives dim '${d}'`);
      return Number(t.dims[src.axis]);
    });
  }

  private tableFor = (p: number): Uint32Array => {
    let t = this.tables.get(p);
    if (!t) this.tables.set(p, (t = gapTable(p)));
    return t;
  };

  /** Each lane's jobs for a run with these feeds (its pools grown to fit), and each site's dims, lane and job. */
  private plan(feeds: Record<string, ort.Tensor>): Plan {
    const dims = this.sites.map((s) => this.dimsOf(s, feeds));
    const sizes = dims.map((d) => d.reduce((a, b) => a * b, 1));
    const lane = lanesOf(sizes);
    const jobs: Job[][] = Array.from({ length: LANES }, () => []);
    const off = Array.from({ length: LANES }, () => ({ bits: 0, scaled: 0 }));
    const siteJob = this.sites.map((s, i) => {
      const l = lane[i]!, j: Job = { kind: s.kind, at: off[l]![s.kind], n: sizes[i]!, ratio: s.ratio };
      off[l]![s.kind] += j.n;
      jobs[l]!.push(j);
      return j;
    });
    // the pools grow to the longest batches seen, then stay
    const grow = (have: number, need: number) => (have ? Math.ceil(need * 1.25) : need);
    this.pools.forEach((p, l) => {
      if (off[l]!.bits > p.bits.length) p.bits = new Uint8Array(grow(p.bits.length, off[l]!.bits));
      if (off[l]!.scaled > p.scaled.length) p.scaled = new Float32Array(grow(p.scaled.length, off[l]!.scaled));
    });
    return { dims, lane, jobs, siteJob, total: sizes.reduce((a, b) => a + b, 0) };
  }

  private tensors(plan: Plan): Record<string, ort.Tensor> {
    const out: Record<string, ort.Tensor> = {};
    this.sites.forEach((s, i) => {
      const pools = this.pools[plan.lane[i]!]!, j = plan.siteJob[i]!;
      if (s.kind === 'scaled') out[s.input] = new ort.Tensor('float32', pools.scaled.subarray(j.at, j.at + j.n), plan.dims[i]!);
      else out[s.forward] = out[s.backward] = new ort.Tensor('bool', pools.bits.subarray(j.at, j.at + j.n), plan.dims[i]!);
    });
    return out;
  }

  /** The mask feeds of train-graph run number `call`, sized from the run's other feeds, drawn on this thread. */
  feeds(call: number, feeds: Record<string, ort.Tensor>): Record<string, ort.Tensor> {
    return this.drawHere(this.plan(feeds), call);
  }

  private drawHere(plan: Plan, call: number): Record<string, ort.Tensor> {
    plan.jobs.forEach((jobs, l) => drawLane(jobs, this.pools[l]!, this.seed, call, l, this.tableFor));
    return this.tensors(plan);
  }

  /** Like `feeds`; for large steps the second lane is drawn by a worker thread while this one draws the first. */
  async feedsAsync(call: number, feeds: Record<string, ort.Tensor>): Promise<Record<string, ort.Tensor>> {
    if (this.pending) throw new Error('DropoutMaskFeeder: a draw is already in progress (one train-graph run at a time)');
    const plan = this.plan(feeds);
    const worker = plan.total >= MASK_WORKER_MIN_ELEMENTS ? this.workerThread() : null;
    if (!worker) return this.drawHere(plan, call);
    const theirs = this.pools[1]!;
    const back = new Promise<LanePools>((resolve, reject) => (this.pending = { resolve, reject }));
    worker.ref(); // a pending draw keeps the process alive; an idle worker does not
    worker.postMessage({ jobs: plan.jobs[1], bits: theirs.bits, scaled: theirs.scaled, seed: this.seed, call, lane: 1 }, [theirs.bits.buffer as ArrayBuffer, theirs.scaled.buffer as ArrayBuffer]);
    drawLane(plan.jobs[0]!, this.pools[0]!, this.seed, call, 0, this.tableFor);
    try {
      this.pools[1] = await back;
    } catch {
      return this.feeds(call, feeds); // the worker broke (its pools with it): this thread draws both lanes from now on
    } finally {
      worker.unref();
    }
    return this.tensors(plan);
  }

  private workerThread(): Worker | null {
    if (this.worker || this.workerFailed) return this.worker;
    // no inherited flags: the source is a plain CommonJS script (a parent's --input-type=module would make it ESM)
    const w = new Worker(workerSource(), { eval: true, execArgv: [] });
    w.on('message', (m: { bits: Uint8Array; scaled: Float32Array; error: string | null }) => {
      if (m.error) { // a drawing error: the thread is alive but not trusted again
        this.fail(new Error(`dropout mask worker: ${m.error}`));
        void w.terminate();
        return;
      }
      const p = this.pending;
      this.pending = null;
      p?.resolve({ bits: m.bits, scaled: m.scaled });
    });
    w.on('error', (e) => this.fail(e));
    w.on('exit', (code) => { if (this.worker === w && code !== 0) this.fail(new Error(`dropout mask worker exited with code ${code}`)); });
    w.unref(); // idle (after the listeners: adding a 'message' listener refs the worker's port again)
    this.worker = w;
    return w;
  }

  /** A broken worker fails the draw it holds (its pools went with it) and is not started again. */
  private fail(e: Error): void {
    this.workerFailed = true;
    this.worker = null;
    this.pools[1] = { bits: new Uint8Array(0), scaled: new Float32Array(0) };
    const p = this.pending;
    this.pending = null;
    p?.reject(e);
  }

  /** Stops the worker thread, if one was started. */
  async close(): Promise<void> {
    const w = this.worker;
    this.worker = null;
    await w?.terminate();
  }
}
