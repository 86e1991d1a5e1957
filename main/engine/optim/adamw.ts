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
 * `decayMask` [N] is 1 where weight decay applies.
 */
export function adamwStep(g: Graph, s: AdamWState, grad: Value, lr: Value, step: Value, decayMask: Uint8Array, c: AdamWConfig): AdamWState {
  const [b1, b2] = c.betas;
  const f64 = (x: number) => g.scalar(x, 'float64');
  const lr64 = g.cast(lr, 'float64');
  const t64 = g.cast(step, 'float64');
  const f32 = (x: Value) => g.cast(x, 'float32');
  const decay = f32(g.sub(f64(1), g.mul(lr64, f64(c.weightDecay)))); // 1 - lr*wd
  const bc1 = g.sub(f64(1), g.pow(f64(b1), t64));
  const bc2sqrt = f32(g.sqrt(g.sub(f64(1), g.pow(f64(b2), t64))));
  const negStepSize = f32(g.neg(g.div(lr64, bc1))); // -lr / (1 - b1^t)

  const mask = g.constant(decayMask, 'bool', [decayMask.length]);
  const p0 = c.weightDecay === 0 ? s.params : g.where(mask, g.mul(s.params, decay), s.params); // p *= 1 - lr*wd
  const m = g.add(g.mul(s.m, g.scalar(b1)), g.mul(grad, g.scalar(1 - b1))); // m = b1 m + (1-b1) g
  const v = g.add(g.mul(s.v, g.scalar(b2)), g.mul(g.mul(grad, g.scalar(1 - b2)), grad)); // v = b2 v + (1-b2) g^2
  const denom = g.add(g.div(g.sqrt(v), bc2sqrt), g.scalar(c.eps)); // sqrt(v)/sqrt(1-b2^t) + eps
  const params = g.add(p0, g.div(g.mul(m, negStepSize), denom)); // p -= lr/(1-b1^t) * m / denom
  return { params, m, v };
}
