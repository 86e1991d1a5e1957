// Seeded shuffling, length bucketing and batch tensors.
import { PAD_ID } from './tokenizer';
import { IGNORE_INDEX } from './encode';

/** mulberry32: a tiny deterministic PRNG with a single uint32 of state (serialisable via `state`). */
export class Rng {
  state: number;
  constructor(seed: number) {
    this.state = seed >>> 0;
  }
  static fromState(state: number): Rng {
    return new Rng(state);
  }
  /** Uniform float in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let x = this.state;
    x = Math.imul(x ^ (x >>> 15), 1 | x);
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  }
  /** Uniform integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
}

/** In-place Fisher–Yates shuffle. */
export function shuffleInPlace<T>(items: T[], rng: Rng): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    const t = items[i];
    items[i] = items[j];
    items[j] = t;
  }
  return items;
}

export function permutation(n: number, rng: Rng): number[] {
  return shuffleInPlace(
    Array.from({ length: n }, (_, i) => i),
    rng,
  );
}

export interface PadOptions {
  /** Round up to a multiple of this (default 8). Ignored when `buckets` is given. */
  multipleOf?: number;
  /** Fixed sequence lengths to pad to: the smallest bucket >= the longest sequence. */
  buckets?: number[];
  /** Hard cap (e.g. the model's max positions). */
  maxLength?: number;
  /** Token id that fills padded positions: the tokenizer's `specials.pad` (default PAD_ID, Chorus's layout). */
  padId?: number;
}

export function paddedLength(longest: number, options: PadOptions = {}): number {
  let len: number;
  if (options.buckets && options.buckets.length) {
    const sorted = [...options.buckets].sort((a, b) => a - b);
    len = sorted.find((b) => b >= longest) ?? longest;
  } else {
    const m = options.multipleOf ?? 8;
    len = Math.ceil(Math.max(1, longest) / m) * m;
  }
  if (options.maxLength !== undefined) {
    if (longest > options.maxLength) throw new Error(`sequence of ${longest} tokens exceeds maxLength ${options.maxLength}`);
    len = Math.min(len, options.maxLength);
  }
  return len;
}

/**
 * Groups example indices into batches of similar length: shuffle, cut into pools of `batchSize * poolBatches`,
 * sort each pool by length, cut into batches, then shuffle the batch order. Deterministic for a given rng state.
 */
export function bucketedBatches(
  lengths: number[],
  batchSize: number,
  rng: Rng,
  options: { poolBatches?: number; dropLast?: boolean } = {},
): number[][] {
  const pool = batchSize * (options.poolBatches ?? 50);
  const order = permutation(lengths.length, rng);
  const batches: number[][] = [];
  for (let p = 0; p < order.length; p += pool) {
    const chunk = order.slice(p, p + pool).sort((a, b) => lengths[a] - lengths[b] || a - b);
    for (let i = 0; i < chunk.length; i += batchSize) batches.push(chunk.slice(i, i + batchSize));
  }
  const kept = options.dropLast ? batches.filter((b) => b.length === batchSize) : batches;
  return shuffleInPlace(kept, rng);
}

/** Plain sequential batches of a shuffled order (no bucketing). */
export function shuffledBatches(n: number, batchSize: number, rng: Rng): number[][] {
  const order = permutation(n, rng);
  const out: number[][] = [];
  for (let i = 0; i < n; i += batchSize) out.push(order.slice(i, i + batchSize));
  return out;
}

export interface InputRow {
  ids: number[];
  typeIds: number[];
  attentionMask: number[];
}

export interface Batch {
  batchSize: number;
  seqLen: number;
  /** [B, S] row-major. */
  inputIds: BigInt64Array;
  attentionMask: BigInt64Array;
  tokenTypeIds: BigInt64Array;
}

export function collateInputs(rows: InputRow[], options: PadOptions = {}): Batch {
  const B = rows.length;
  const S = paddedLength(Math.max(0, ...rows.map((r) => r.ids.length)), options);
  const inputIds = new BigInt64Array(B * S).fill(BigInt(options.padId ?? PAD_ID));
  const attentionMask = new BigInt64Array(B * S);
  const tokenTypeIds = new BigInt64Array(B * S);
  rows.forEach((r, b) => {
    for (let t = 0; t < r.ids.length; t++) {
      inputIds[b * S + t] = BigInt(r.ids[t]);
      attentionMask[b * S + t] = BigInt(r.attentionMask[t]);
      tokenTypeIds[b * S + t] = BigInt(r.typeIds[t]);
    }
  });
  return { batchSize: B, seqLen: S, inputIds, attentionMask, tokenTypeIds };
}

/** Sequence classification: labels [B] int64. */
export function collateClassification(rows: (InputRow & { label: number })[], options?: PadOptions): Batch & { labels: BigInt64Array } {
  return { ...collateInputs(rows, options), labels: BigInt64Array.from(rows.map((r) => BigInt(r.label))) };
}

/** Regression: labels [B] float32. */
export function collateRegression(rows: (InputRow & { label: number })[], options?: PadOptions): Batch & { labels: Float32Array } {
  return { ...collateInputs(rows, options), labels: Float32Array.from(rows.map((r) => r.label)) };
}

/** Token classification: labels [B, S] int64, IGNORE_INDEX on padding. */
export function collateTokens(rows: (InputRow & { labels: number[] })[], options?: PadOptions): Batch & { labels: BigInt64Array } {
  const base = collateInputs(rows, options);
  const labels = new BigInt64Array(base.batchSize * base.seqLen).fill(BigInt(IGNORE_INDEX));
  rows.forEach((r, b) => r.labels.forEach((l, t) => (labels[b * base.seqLen + t] = BigInt(l))));
  return { ...base, labels };
}

/** Extractive QA: start/end positions [B] int64. */
export function collateQa(
  rows: (InputRow & { startPosition: number; endPosition: number })[],
  options?: PadOptions,
): Batch & { startPositions: BigInt64Array; endPositions: BigInt64Array } {
  return {
    ...collateInputs(rows, options),
    startPositions: BigInt64Array.from(rows.map((r) => BigInt(r.startPosition))),
    endPositions: BigInt64Array.from(rows.map((r) => BigInt(r.endPosition))),
  };
}

/**
 * Masked LM: the flat positions (b·S + s) of every row's masked tokens, in row order, and their original ids. A batch
 * without any masked token gets one ignored entry (position 0, label IGNORE_INDEX), so its tensors are never empty.
 */
export function collateMasked(
  rows: (InputRow & { maskedPositions: number[]; maskedLabels: number[] })[],
  options?: PadOptions,
): Batch & { maskedPositions: BigInt64Array; maskedLabels: BigInt64Array } {
  const base = collateInputs(rows, options);
  const positions: bigint[] = [], labels: bigint[] = [];
  rows.forEach((r, b) => r.maskedPositions.forEach((p, j) => { positions.push(BigInt(b * base.seqLen + p)); labels.push(BigInt(r.maskedLabels[j]!)); }));
  if (positions.length === 0) { positions.push(0n); labels.push(BigInt(IGNORE_INDEX)); }
  return { ...base, maskedPositions: BigInt64Array.from(positions), maskedLabels: BigInt64Array.from(labels) };
}
