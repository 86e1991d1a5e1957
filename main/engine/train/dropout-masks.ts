// Dropout masks drawn in JS and fed to the train graph. ORT's CPU Dropout draws its mask serially (about 4 ns an
// element: ~190 ms of a 1.7 s tiny train step) and its backward is a slow Where. Fed masks cost one Mul each way:
//   scaled: float32 0 or 1/(1 − p), multiplied in directly (every dropout, unless the attention masks get large);
//   bits:   bool, cast to float by the graph (a slow Cast each way), each pass casting its own copy so that ORT keeps
//           no float mask alive between the passes: attention probabilities (A·S values a token) of large steps,
//           where 4 bytes an element would cost too much memory (attentionMaskBytes).
// The sampler fills masks from geometric gaps between dropped elements, so its cost scales with the dropped share
// (10 %), not with the tensor. Masks derive from (seed, call): a resumed run that sets its call counter draws the
// masks of the run it continues, with no replay.
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

/** sfc32 seeded from (seed, call) through splitmix32: a fresh, reproducible stream per train-graph run. */
function streamFor(seed: number, call: number): () => number {
  let x = (Math.imul(seed | 0, 0x9e3779b9) ^ Math.imul(call | 0, 0x85ebca6b) ^ 0x1b873593) | 0;
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

const GAP_BITS = 16;

/**
 * Kept elements before the next dropped one, by 16-bit uniform: P(gap ≥ k) = (1 − p)^k to within 2^-16 (inverse
 * CDF of the geometric distribution at the bin centres).
 */
function gapTable(p: number): Uint32Array {
  const n = 1 << GAP_BITS, t = new Uint32Array(n), lq = Math.log1p(-p);
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

/** Run side: draws every site's mask for one train-graph run into two pools (bits, scaled) reused between runs. */
export class DropoutMaskFeeder {
  private bits = new Uint8Array(0);
  private scaled = new Float32Array(0);
  private readonly tables = new Map<number, Uint32Array>();

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

  /** The mask feeds of train-graph run number `call`, sized from the run's other feeds. */
  feeds(call: number, feeds: Record<string, ort.Tensor>): Record<string, ort.Tensor> {
    const dims = this.sites.map((s) => this.dimsOf(s, feeds));
    const sizes = dims.map((d) => d.reduce((a, b) => a * b, 1));
    const total = { bits: 0, scaled: 0 };
    this.sites.forEach((s, i) => (total[s.kind] += sizes[i]!));
    // the pools grow to the longest batches seen, then stay
    const grow = (have: number, need: number) => (have ? Math.ceil(need * 1.25) : need);
    if (total.bits > this.bits.length) this.bits = new Uint8Array(grow(this.bits.length, total.bits));
    if (total.scaled > this.scaled.length) this.scaled = new Float32Array(grow(this.scaled.length, total.scaled));
    const next = streamFor(this.seed, call);
    const out: Record<string, ort.Tensor> = {};
    const off = { bits: 0, scaled: 0 };
    this.sites.forEach((s, i) => {
      const n = sizes[i]!, at = off[s.kind];
      off[s.kind] += n;
      let table = this.tables.get(s.ratio);
      if (!table) this.tables.set(s.ratio, (table = gapTable(s.ratio)));
      if (s.kind === 'scaled') {
        const mask = this.scaled.subarray(at, at + n);
        drawMask(mask, s.ratio, 1 / (1 - s.ratio), table, next);
        out[s.input] = new ort.Tensor('float32', mask, dims[i]!);
      } else {
        const mask = this.bits.subarray(at, at + n);
        drawMask(mask, s.ratio, 1, table, next);
        out[s.forward] = out[s.backward] = new ort.Tensor('bool', mask, dims[i]!);
      }
    });
    return out;
  }
}
