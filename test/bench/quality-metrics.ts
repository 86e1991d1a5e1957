// The quality benchmark's three tasks as its tables report them: which dev metric each one is judged by, its label,
// and how a run's summary and the percentages are read and printed. Shared by quality.ts and quality-pretrain.ts.
import type { RunRow } from '../../main/store/runs';

export type Metric = 'sst2' | 'trec' | 'conll';
/** Each task's dev metric (the key in a run summary) and the label the tables give it, in table order. */
export const METRIC: Record<Metric, { key: 'accuracy' | 'f1'; label: string }> = {
  sst2: { key: 'accuracy', label: 'SST-2 accuracy' },
  trec: { key: 'accuracy', label: 'TREC-6 accuracy' },
  conll: { key: 'f1', label: 'CoNLL-2003 entity F1' },
};
export const METRICS = Object.keys(METRIC) as Metric[];
export type Scores = Partial<Record<Metric, number>>;

export type RunSummary = { tasks: Record<string, Record<string, number>>; stopReason: string };

/** A finished run's summary; a run without one (failed, stopped before its first evaluation) is an error that says why. */
export function summaryOf(row: RunRow, what = `run ${row.id}`): RunSummary {
  const s = row.summary as RunSummary | null;
  if (!s) throw new Error(`${what} ended ${row.status}: ${row.error ?? 'no summary'}`);
  return s;
}

/** Each task's dev metric at the run's best checkpoint. */
export const devScores = (summary: RunSummary): Scores =>
  Object.fromEntries(Object.entries(summary.tasks).map(([t, m]) => [t, m[METRIC[t as Metric].key]!]));

/** A fraction as a percentage for the tables, '—' when there is none. */
export const pct = (x: number | undefined, digits = 2): string => (x === undefined || !Number.isFinite(x) ? '—' : (x * 100).toFixed(digits));

/** a − b in percentage points, signed, '—' when either is missing. */
export const delta = (a: number | undefined, b: number | undefined): string =>
  (a === undefined || b === undefined ? '—' : `${a >= b ? '+' : ''}${((a - b) * 100).toFixed(2)}`);
