// Global-norm clipping and AdamW (torch 1.13, decoupled weight decay) as graph ops over flat buffers.
import type { Graph, Value } from '../graph';

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
 * `decayMask` is a bool [N] graph input, true where weight decay applies (an input, not a constant: ORT would fold
 * its float Cast into a parameter-sized initializer). `gradScale` (a float32 scalar, e.g. the clip factor)
 * multiplies the gradient; it is folded into the moments' coefficients instead of costing a pass over [N].
 * Same arithmetic as torch.optim.AdamW up to float32 rounding, arranged for few passes over [N] (each reads and writes
 * parameter-sized buffers; their number is the optimizer's cost): 15 cheap ones and a Cast of the 1-byte mask, no
 * Where (ORT's Where over [N] costs as much as six Muls) and no pass for the gradient scale.
 */
export function adamwStep(g: Graph, s: AdamWState, grad: Value, lr: Value, step: Value, decayMask: Value, c: AdamWConfig, gradScale?: Value): AdamWState {
  const [b1, b2] = c.betas;
  const f64 = (x: number) => g.scalar(x, 'float64');
  const lr64 = g.cast(lr, 'float64');
  const t64 = g.cast(step, 'float64');
  const f32 = (x: Value) => g.cast(x, 'float32');
  // The decay term first: ORT orders nodes by a depth-first walk from the outputs that takes an op's newest input
  // first, so emitted before the moments it runs after the backward pass instead of holding buffers through it.
  const negDecay = f32(g.neg(g.mul(lr64, f64(c.weightDecay)))); // p *= 1 - lr*wd where the mask is set, as p + p*mask*(-lr*wd)
  const decayed = c.weightDecay === 0 ? s.params : g.add(s.params, g.mul(g.mul(s.params, g.cast(decayMask, 'float32')), negDecay));

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
