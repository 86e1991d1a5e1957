// What the Train view estimates before a run starts: α shares, train rows and splits, epochs → steps, and the
// model's parameters, memory and time per epoch.
import type { DatasetSummary } from '../../../main/data/types';
import { DEFAULTS, type Sampling, type TaskDraft, type TaskType } from './project-config';
import { GENERATION_DEFAULTS } from './generation-config';

/** α_i / Σα (an empty weight counts as the default 1; negatives as 0); all zeros when Σα is 0. */
export function normalisedShares(weights: (number | undefined)[]): number[] {
  const w = weights.map((x) => Math.max(0, x ?? 1));
  const sum = w.reduce((a, b) => a + b, 0);
  return w.map((x) => (sum > 0 ? x / sum : 0));
}

const VALIDATION_SPLITS = ['validation', 'dev', 'val'];
/** The split names a dataset trains and (if it has one) validates on — as main/training/prepare.ts picks them. */
export function splitsOf(splits: Record<string, number>): { train: string; validation?: string } {
  const names = Object.keys(splits);
  const train = names.includes('train') ? 'train' : names.find((n) => !VALIDATION_SPLITS.includes(n) && n !== 'test') ?? names[0] ?? 'train';
  return { train, validation: VALIDATION_SPLITS.find((n) => names.includes(n) && n !== train) };
}

/** Rows a task trains on: the train split, less the held-out share when validation is carved out of it. */
export function trainRowsOf(task: TaskDraft, d: DatasetSummary | undefined, defaultFraction: number = DEFAULTS.validationFraction): number | undefined {
  if (!d) return undefined;
  const s = splitsOf(d.splits);
  const rows = d.splits[s.train] ?? d.rowCount;
  if (task.validation || s.validation) return rows;
  return Math.round(rows * (1 - (task.heldOut?.fraction ?? defaultFraction)));
}

/** Steps that see every training row once: joint steps take a batch of every task (the largest sets the pace); the
 *  other samplings train one task per step (so the tasks' batches add up). */
export function stepsPerEpoch(rows: number[], batchSize: number, sampling: Sampling): number {
  if (!rows.length || !(batchSize > 0)) return 0;
  const batches = rows.map((r) => Math.ceil(r / batchSize));
  return sampling === 'joint' ? Math.max(...batches) : batches.reduce((a, b) => a + b, 0);
}

export function epochsToSteps(epochs: number, rows: number[], batchSize: number, sampling: Sampling): number | undefined {
  const per = stepsPerEpoch(rows, batchSize, sampling);
  return per > 0 && epochs > 0 ? Math.max(1, Math.round(epochs * per)) : undefined;
}

// ---- model size ---------------------------------------------------------------------------------------------

export interface ModelShape { vocab: number; maxLength: number; hidden: number; layers: number; intermediate: number }
/** A head: its type and output classes; a generation head's decoder depth and position rows (target length + 1). */
export interface HeadShape { type: TaskType; classes: number; decoder?: { layers: number; positions: number } }
export const PRESETS = [
  { id: 'tiny', hidden: 128, layers: 2, heads: 2, intermediate: 512 },
  { id: 'small', hidden: 256, layers: 4, heads: 4, intermediate: 1024 },
  { id: 'base', hidden: 768, layers: 12, heads: 12, intermediate: 3072 },
] as const;
/** Assumed sustained training throughput of one CPU core (the time estimates say so). */
export const FLOPS_PER_CORE = 25e9;

/** Parameters exactly as the engine lays them out (BERT encoder with pooler, one head per task). */
export function paramCount(m: ModelShape, heads: HeadShape[]): number {
  const { vocab: V, maxLength: P, hidden: H, layers: L, intermediate: I } = m;
  const embeddings = V * H + P * H + 2 * H + 2 * H;
  const layer = 4 * H * H + 4 * H + 2 * H + H * I + I + I * H + H + 2 * H;
  const pooler = H * H + H;
  const head = (h: HeadShape) =>
    h.type === 'regression' ? H + 1 : h.type === 'extractive-qa' ? 2 * H + 2 : h.type === 'generation' ? decoderParams(m, h.decoder) : h.classes * H + h.classes;
  return embeddings + L * layer + pooler + heads.reduce((a, h) => a + head(h), 0);
}

/** The head a task draft trains, with `classes` (its label set after the map) and a generation head's decoder. */
export function headShapeOf(t: TaskDraft, classes: number): HeadShape {
  if (t.type !== 'generation') return { type: t.type, classes };
  const g = t.generation;
  return {
    type: t.type, classes: 0,
    decoder: { layers: g?.decoderLayers ?? GENERATION_DEFAULTS.decoderLayers, positions: (g?.maxTargetLength ?? GENERATION_DEFAULTS.maxTargetLength) + 1 },
  };
}

/**
 * A generation head's decoder (main/engine/nn/decoder-config.ts): learned positions with a LayerNorm; per layer
 * self-attention, cross-attention over the encoder and a feed-forward block, each with its LayerNorm; the output
 * projection is tied to the word embeddings, so only its bias counts. Its width and feed-forward size are the encoder's.
 */
function decoderParams(m: ModelShape, d: HeadShape['decoder']): number {
  const { vocab: V, hidden: D, intermediate: I } = m;
  const { layers, positions } = d ?? { layers: GENERATION_DEFAULTS.decoderLayers, positions: GENERATION_DEFAULTS.maxTargetLength + 1 };
  const attention = 4 * D * D + 4 * D + 2 * D;
  const layer = 2 * attention + D * I + I + I * D + D + 2 * D;
  return positions * D + 2 * D + layers * layer + V;
}

/** Training memory, roughly: fp32 parameters, gradients, two Adam moments and spares (×6) plus activations. */
export function memoryEstimate(params: number, m: ModelShape, sequencesPerStep: number): number {
  return params * 4 * 6 + sequencesPerStep * m.maxLength * m.hidden * m.layers * 4 * 34;
}

/** Seconds per epoch from 6 × parameters × tokens per step at FLOPS_PER_CORE per core (padded to maxLength). */
export function epochSecondsEstimate(params: number, tokensPerStep: number, steps: number, cpus: number): number {
  return (steps * 6 * params * tokensPerStep) / (Math.max(1, cpus) * FLOPS_PER_CORE);
}
