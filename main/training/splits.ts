// Train/validation splitting and label mapping.
import { Rng, shuffleInPlace } from './batching';

/** How a validation split was carved out of train; enough to reproduce it exactly. */
export interface SplitRecord {
  seed: number;
  fraction: number;
  stratified: boolean;
  /** Sorted indices (into the original train rows) that went to validation. */
  validation: number[];
}

export interface Split {
  train: number[];
  validation: number[];
  record: SplitRecord;
}

/**
 * Seeded stratified split: within every label, a seeded shuffle picks round(count * fraction) rows for validation
 * (at least one when the label has >= 2 rows and fraction > 0). Labels are visited in sorted order so the result
 * does not depend on row order beyond the indices themselves.
 */
export function stratifiedSplit(labels: readonly (string | number)[], fraction: number, seed: number): Split {
  if (!(fraction >= 0 && fraction < 1)) throw new Error(`fraction must be in [0, 1): ${fraction}`);
  const groups = new Map<string, number[]>();
  labels.forEach((l, i) => {
    const k = String(l);
    const g = groups.get(k);
    if (g) g.push(i);
    else groups.set(k, [i]);
  });
  const rng = new Rng(seed);
  const val: number[] = [];
  for (const key of [...groups.keys()].sort()) {
    const idx = shuffleInPlace([...(groups.get(key) ?? [])], rng);
    let n = Math.round(idx.length * fraction);
    if (n === 0 && fraction > 0 && idx.length >= 2) n = 1;
    if (n >= idx.length && idx.length > 0) n = idx.length - 1;
    val.push(...idx.slice(0, n));
  }
  return fromValidation(labels.length, val, { seed, fraction, stratified: true });
}

/** Seeded random (unstratified) split, e.g. for regression or token classification. */
export function randomSplit(n: number, fraction: number, seed: number): Split {
  if (!(fraction >= 0 && fraction < 1)) throw new Error(`fraction must be in [0, 1): ${fraction}`);
  const rng = new Rng(seed);
  const order = shuffleInPlace(
    Array.from({ length: n }, (_, i) => i),
    rng,
  );
  return fromValidation(n, order.slice(0, Math.round(n * fraction)), { seed, fraction, stratified: false });
}

function fromValidation(n: number, val: number[], meta: Omit<SplitRecord, 'validation'>): Split {
  const validation = [...val].sort((a, b) => a - b);
  const inVal = new Uint8Array(n);
  for (const i of validation) inVal[i] = 1;
  const train: number[] = [];
  for (let i = 0; i < n; i++) if (!inVal[i]) train.push(i);
  return { train, validation, record: { ...meta, validation } };
}

/** Re-applies a recorded split to n rows. */
export function applySplitRecord(n: number, record: SplitRecord): Split {
  for (const i of record.validation) if (i < 0 || i >= n) throw new Error(`split index ${i} out of range ${n}`);
  return fromValidation(n, record.validation, record);
}

/** Validation fraction per label, for checking stratification. */
export function labelProportions(labels: readonly (string | number)[], indices: number[]): Map<string, number> {
  const m = new Map<string, number>();
  for (const i of indices) m.set(String(labels[i]), (m.get(String(labels[i])) ?? 0) + 1);
  for (const [k, v] of m) m.set(k, v / indices.length);
  return m;
}

export interface LabelMap {
  /** id → label name. */
  names: string[];
  /** label name → id. */
  ids: Map<string, number>;
  /** raw value → id (applies the transform); throws on unknown labels. */
  encode(raw: string): number;
}

/** TREC: the coarse class is the part before ':' (e.g. 'LOC:city' → 'LOC'). */
export const trecCoarse = (raw: string): string => raw.split(':')[0];

/**
 * Builds a label map from raw values. Names are sorted (numerically when all are integers, e.g. '0','1','2';
 * otherwise lexicographically) unless `order` fixes them. For IOB tags pass `order` with 'O' first.
 */
export function buildLabelMap(
  raw: Iterable<string>,
  options: { transform?: (raw: string) => string; order?: string[] } = {},
): LabelMap {
  const tf = options.transform ?? ((s: string) => s);
  const seen = new Set<string>();
  for (const r of raw) seen.add(tf(r));
  let names: string[];
  if (options.order) {
    for (const s of seen) if (!options.order.includes(s)) throw new Error(`label ${s} not in the given order`);
    names = [...options.order];
  } else {
    const all = [...seen];
    names = all.every((s) => /^-?\d+$/.test(s)) ? all.sort((a, b) => Number(a) - Number(b)) : all.sort();
  }
  const ids = new Map(names.map((n, i) => [n, i]));
  return {
    names,
    ids,
    encode(r: string): number {
      const id = ids.get(tf(r));
      if (id === undefined) throw new Error(`unknown label ${r}`);
      return id;
    },
  };
}

/** IOB1 → IOB2 (idempotent on IOB2), as CoNLL-2003 ships IOB1. */
export function toIob2(tags: string[]): string[] {
  return tags.map((tg, i) => {
    if (tg.startsWith('I-')) {
      const prev = i > 0 ? tags[i - 1] : 'O';
      if (prev === 'O' || prev.slice(2) !== tg.slice(2)) return 'B-' + tg.slice(2);
    }
    return tg;
  });
}
