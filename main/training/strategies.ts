// Multi-task schedules (which tasks a step trains) and loss weightings (each task's weight in the step's loss).
// Every strategy is deterministic from the run's seed and step, and its state is plain JSON (saved in checkpoints).
import type { RunConfig } from './config';
import { Rng } from './batching';
import { mixSeed } from './streams';

export type Sampling = RunConfig['training']['sampling'];
export type Weighting = RunConfig['training']['weighting'];

/**
 * Task indices trained at `step` (1-based): `joint` all of them, `round-robin` one in turn, `proportional` one drawn
 * with probability ∝ its training-set size, `temperature` ∝ size^(1/T).
 */
export function tasksForStep(sampling: Sampling, step: number, sizes: number[], seed: number, temperature = 1): number[] {
  const n = sizes.length;
  if (sampling === 'joint' || n === 1) return sizes.map((_, i) => i);
  if (sampling === 'round-robin') return [(step - 1) % n];
  const p = sizes.map((s) => (sampling === 'temperature' ? Math.pow(s, 1 / temperature) : s));
  const total = p.reduce((a, b) => a + b, 0);
  let u = new Rng(mixSeed(seed, 0x5a3, step)).next() * total;
  for (let i = 0; i < n; i++) { u -= p[i]!; if (u < 0) return [i]; }
  return [n - 1];
}

/** Sampling probabilities of each task (for display; joint/round-robin are uniform in expectation). */
export function samplingShares(sampling: Sampling, sizes: number[], temperature = 1): number[] {
  if (sampling === 'joint' || sampling === 'round-robin') return sizes.map(() => 1 / sizes.length);
  const p = sizes.map((s) => (sampling === 'temperature' ? Math.pow(s, 1 / temperature) : s));
  const total = p.reduce((a, b) => a + b, 0);
  return p.map((x) => x / total);
}

export interface WeightingState {
  /** uncertainty: learned log-variances s_i and their Adam moments. */
  logVars?: number[];
  m?: number[];
  v?: number[];
  t?: number;
  /** dwa: mean loss per task over the current and the two previous windows. */
  window?: { sums: number[]; counts: number[] };
  history?: number[][];
}

/**
 * Loss weights. `static`: the tasks' α as given; `equal`: 1/N; `uncertainty` (Kendall et al. 2018):
 * L = Σ exp(−s_i)·L_i + s_i with s_i learned (its gradient 1 − exp(−s_i)·L_i is exact, so it is updated here with
 * Adam at the run's learning rate while the graph sees the weights exp(−s_i)); `dwa` (Liu et al. 2019):
 * w_i = softmax_i(r_i / T) with r_i the ratio of the task's mean loss over the last two windows of `window` steps.
 */
export class LossWeighting {
  state: WeightingState;
  constructor(readonly kind: Weighting, private readonly alphas: number[], private readonly temperature = 2, private readonly window = 50, state?: WeightingState) {
    const n = alphas.length;
    this.state = state ? structuredClone(state)
      : kind === 'uncertainty' ? { logVars: Array(n).fill(0), m: Array(n).fill(0), v: Array(n).fill(0), t: 0 }
        : kind === 'dwa' ? { window: { sums: Array(n).fill(0), counts: Array(n).fill(0) }, history: [] }
          : {};
  }

  /** Current weight of every task. */
  weights(): number[] {
    const n = this.alphas.length;
    switch (this.kind) {
      case 'static': return [...this.alphas];
      case 'equal': return this.alphas.map(() => 1 / n);
      case 'uncertainty': return this.state.logVars!.map((s) => Math.exp(-s));
      case 'dwa': {
        const h = this.state.history!;
        if (h.length < 2) return this.alphas.map(() => 1 / n);
        const prev = h[h.length - 1]!, prev2 = h[h.length - 2]!;
        const r = prev.map((l, i) => l / Math.max(prev2[i]!, 1e-12));
        const e = r.map((x) => Math.exp(x / this.temperature));
        const z = e.reduce((a, b) => a + b, 0);
        return e.map((x) => x / z);
      }
    }
  }

  /** Learns from a step's per-task losses (`trained` marks the tasks that step had). */
  observe(losses: number[], trained: number[], lr: number): void {
    if (this.kind === 'uncertainty') {
      const s = this.state;
      s.t = (s.t ?? 0) + 1;
      const b1 = 0.9, b2 = 0.999, eps = 1e-8;
      for (const i of trained) {
        const g = 1 - Math.exp(-s.logVars![i]!) * losses[i]!;
        s.m![i] = b1 * s.m![i]! + (1 - b1) * g;
        s.v![i] = b2 * s.v![i]! + (1 - b2) * g * g;
        const mh = s.m![i]! / (1 - Math.pow(b1, s.t)), vh = s.v![i]! / (1 - Math.pow(b2, s.t));
        s.logVars![i] = s.logVars![i]! - lr * mh / (Math.sqrt(vh) + eps);
      }
    } else if (this.kind === 'dwa') {
      const w = this.state.window!;
      for (const i of trained) { w.sums[i]! += losses[i]!; w.counts[i]! += 1; }
      if (Math.min(...w.counts) > 0 && w.counts.reduce((a, b) => a + b, 0) >= this.window * (trained.length === this.alphas.length ? this.alphas.length : 1)) {
        this.state.history = [...this.state.history!.slice(-1), w.sums.map((x, i) => x / w.counts[i]!)];
        this.state.window = { sums: w.sums.map(() => 0), counts: w.counts.map(() => 0) };
      }
    }
  }
}

/**
 * The weights a step feeds the graph for its task subset: w_i · N/|S| for the tasks in S, so that the expected
 * step loss equals the joint Σ w_i·L_i whichever sampling picks the subsets.
 */
export function stepWeights(weights: number[], subset: number[]): number[] {
  const scale = weights.length / subset.length;
  return subset.map((i) => weights[i]! * scale);
}
