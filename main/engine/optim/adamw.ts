// Global-norm clipping and AdamW (torch 1.13, decoupled weight decay) as graph ops over flat buffers.
import type { Graph, Value } from '../graph';
import type { FlatLayout } from './flat';

export interface AdamWConfig {
  betas: [number, number];
  eps: number;
  weightDecay: number;
  /** Max global L2 norm; null or <= 0 disables clipping. */
  clipGradNorm: number | null;
}

/**
 * torch.nn.utils.clip_grad_norm_: norm = ||[||g_i||]||, g *= min(1, clip / (norm + 1e-6)).
 * `grads` are per-parameter gradients; returns the global norm before clipping (a float32 scalar); `clipFactor` turns it into the factor.
 */
export function globalNorm(g: Graph, grads: Value[]): Value {
  const norms = grads.map((d) => g.unsqueeze(g.sqrt(g.reduceSumSquare(d, [], { keepdims: false })), [0])); // [1] each
  return g.sqrt(g.reduceSumSquare(g.concat(norms, { axis: 0 }), [], { keepdims: false }));
}

export function clipFactor(g: Graph, norm: Value, clip: number): Value {
  return g.min(g.div(g.scalar(clip), g.add(norm, g.scalar(1e-6))), g.scalar(1));
}

export interface AdamWState { params: Value; m: Value; v: Value }

/**
 * One AdamW step on flat [N] buffers. lr and step are float32 scalars (graph inputs); the bias corrections
 * and the decay factor are computed in float64 like PyTorch's Python scalars, then rounded to float32.
 * `noDecay` names the parameters without weight decay (`noDecayOf`), null when every parameter decays. `gradScale`
 * (a float32 scalar, e.g. the clip factor) multiplies the gradient; it is folded into the moments' coefficients
 * instead of costing a pass over [N].
 * Same arithmetic as torch.optim.AdamW up to float32 rounding, arranged for few passes over [N] (each reads and writes
 * parameter-sized buffers; their number is the optimizer's cost): 14 (the decay's scatter copies the buffer once), no
 * mask over [N] (ORT's bool-to-float Cast over [N] costs six Muls, its Where as much) and no pass for the gradient scale.
 */
export function adamwStep(g: Graph, s: AdamWState, grad: Value, lr: Value, step: Value, noDecay: NoDecay | null, c: AdamWConfig, gradScale?: Value): AdamWState {
  const [b1, b2] = c.betas;
  const f64 = (x: number) => g.scalar(x, 'float64');
  const lr64 = g.cast(lr, 'float64');
  const t64 = g.cast(step, 'float64');
  const f32 = (x: Value) => g.cast(x, 'float32');
  // The decay term first: ORT orders nodes by a depth-first walk from the outputs that takes an op's newest input
  // first, so emitted before the moments it runs after the backward pass instead of holding buffers through it.
  const decayed = c.weightDecay === 0 ? s.params : decoupledDecay(g, s.params, lr64, c.weightDecay, noDecay);
  const scaled = (k: number) => (gradScale ? g.mul(g.scalar(k), gradScale) : g.scalar(k));
  const m = g.add(g.mul(s.m, g.scalar(b1)), g.mul(grad, scaled(1 - b1))); // m = b1 m + (1-b1) g
  const gv = g.mul(grad, scaled(Math.sqrt(1 - b2))); // sqrt(1-b2) g: squared, (1-b2) g^2 with no square of a small scale to underflow
  const v = g.add(g.mul(s.v, g.scalar(b2)), g.mul(gv, gv)); // v = b2 v + (1-b2) g^2
  const bc1 = g.sub(f64(1), g.pow(f64(b1), t64));
  const bc2sqrt = g.sqrt(g.sub(f64(1), g.pow(f64(b2), t64)));
  // p - lr/bc1 * m / (sqrt(v)/bc2sqrt + eps) = p + m * (-lr*bc2sqrt/bc1) / (sqrt(v) + eps*bc2sqrt)
  const updateScale = f32(g.neg(g.div(g.mul(lr64, bc2sqrt), bc1)));
  const epsScaled = f32(g.mul(f64(c.eps), bc2sqrt));
  const update = g.div(g.mul(m, updateScale), g.add(g.sqrt(v), epsScaled));
  return { params: g.add(decayed, update), m, v };
}

/**
 * The parameters weight decay leaves alone (biases, LayerNorm): their flat positions, int64 [k, 1], and their current
 * values, [k].
 */
export interface NoDecay { indices: Value; values: Value }

/**
 * PyTorch's decoupled decay, p · (1 − lr·wd), over the whole flat buffer in one pass; the few excluded parameters
 * then get their values back by a scatter of k elements.
 */
function decoupledDecay(g: Graph, params: Value, lr64: Value, weightDecay: number, noDecay: NoDecay | null): Value {
  const factor = g.cast(g.sub(g.scalar(1, 'float64'), g.mul(lr64, g.scalar(weightDecay, 'float64'))), 'float32');
  const decayed = g.mul(params, factor);
  return noDecay ? g.scatterND(decayed, noDecay.indices, noDecay.values) : decayed;
}

/**
 * The parameters of a flat layout that `excluded` names, null when there are none. `views` holds each parameter's
 * current value (a train graph's per-parameter values, not the flat buffer: an eval graph's Slices of that buffer
 * are fused by ORT into one Split only while nothing else reads it).
 */
export function noDecayOf(g: Graph, layout: FlatLayout, excludedName: (name: string) => boolean, views: Map<string, Value>): NoDecay | null {
  const excluded = layout.entries.filter((e) => excludedName(e.name));
  const k = excluded.reduce((a, e) => a + e.size, 0);
  if (k === 0) return null;
  const idx = new BigInt64Array(k);
  let i = 0;
  for (const e of excluded) for (let j = 0; j < e.size; j++) idx[i++] = BigInt(e.offset + j);
  const values = g.concat(excluded.map((e) => g.reshape(views.get(e.name)!, [e.size])), { axis: 0 });
  return { indices: g.constant(idx, 'int64', [k, 1]), values };
}
