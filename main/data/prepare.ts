// One file's rows made ready for insertion: parsed, counted into column statistics, and serialised as
// one JSON array per batch, which SQLite unpacks with json_each (one bound parameter per batch instead of four per row:
// the fastest insert path measured).
//
// Row encoding (examples.data): a JSON object { column: value }, or, for CSV/TSV rows, a compact JSON array of the
// values in the order of the dataset's columns (DatasetSummary.columns; a shorter array lacks the trailing columns).
// Tabular files whose columns are not that order (a second file with another header order) fall back to objects.
import { parseConll } from './importers/conll';
import { parseDelimited } from './importers/delimited';
import type { Detected } from './importers/detect';
import { parseJsonArray, parseJsonl, parseSquad } from './importers/json';
import { parseLabeledLines } from './importers/labeled-lines';
import { parseTextLines } from './importers/text-lines';
import { parseParquet } from './importers/parquet';
import type { Sniff } from './importers/text';
import { isIssue, isTabular, type ParseContext, type ParseItem } from './importers/types';
import type { DatasetStats } from './stats';
import type { ImportIssue } from './types';

/** At most this many issues are kept per file (all are counted). */
export const MAX_ISSUES = 1000;

export interface ParseJob {
  path: string;
  file: string;
  size: number;
  sniff: Sniff;
  det: Detected;
  /** CSV/TSV: honour quotes (false after a QuoteRetry). */
  quoting: boolean;
  /** The dataset's column order for compact rows; shared by the files of one dataset. */
  layout: Layout;
}

/** Compact (array) rows follow `columns`, which equals the dataset statistics' column order, while `compact` holds. */
export interface Layout {
  columns: string[];
  compact: boolean;
}

/** Whether rows with these columns can be stored as arrays in the layout's order; extends the layout with new trailing columns. */
function fits(layout: Layout, columns: string[]): boolean {
  if (!layout.compact) return false;
  const have = layout.columns;
  for (let i = 0; i < have.length && i < columns.length; i++) {
    if (have[i] !== columns[i]) {
      layout.compact = false;
      return false;
    }
  }
  for (let i = have.length; i < columns.length; i++) have.push(columns[i]);
  return true;
}

export interface PreparedBatch {
  /** The rows as one JSON array text. */
  json: string;
  count: number;
  bad: number;
  issues: ImportIssue[];
  bytesRead: number;
}

export async function* prepareBatches(job: ParseJob, stats: DatasetStats, signal?: AbortSignal): AsyncGenerator<PreparedBatch> {
  let bytesRead = 0;
  let kept = 0;
  let checked: string[] | undefined;
  let compact = false;
  const ctx: ParseContext = { path: job.path, file: job.file, size: job.size, sniff: job.sniff, signal, onBytes: (b) => (bytesRead = b) };
  for await (const batch of parser(ctx, job.det, job.quoting)) {
    let rows: unknown[] = [];
    const issues: ImportIssue[] = [];
    let bad = 0;
    for (let k = 0; k < batch.length; k++) {
      const item = batch[k];
      if (isTabular(item)) {
        const cols = item.columns;
        const values = item.rows;
        for (let i = 0; i < values.length; i++) stats.addValues(cols, values[i]);
        if (cols !== checked) (checked = cols), (compact = fits(job.layout, cols));
        if (!compact) for (const v of values) rows.push(Object.fromEntries(cols.map((c, i) => [c, v[i]])));
        else if (rows.length === 0) rows = values; // the usual case: the whole batch is this one item
        else for (const v of values) rows.push(v);
        continue;
      }
      if (isIssue(item)) {
        bad++;
        if (kept < MAX_ISSUES) issues.push(item.issue), kept++;
        continue;
      }
      if (item.warning && kept < MAX_ISSUES) issues.push(item.warning), kept++;
      rows.push(item.data);
      stats.add(item.data);
    }
    // One stringify per batch (same text as per-row stringify joined with commas).
    yield { json: JSON.stringify(rows), count: rows.length, bad, issues, bytesRead };
  }
}

export function parser(ctx: ParseContext, det: Detected, quoting: boolean): AsyncGenerator<ParseItem[]> {
  switch (det.format) {
    case 'csv':
    case 'tsv':
      return parseDelimited(ctx, { delimiter: det.delimiter ?? (det.format === 'tsv' ? '\t' : ','), quoting, header: det.header ?? true });
    case 'json':
      return parseJsonArray(ctx);
    case 'jsonl':
      return parseJsonl(ctx);
    case 'squad':
      return parseSquad(ctx);
    case 'conll':
      return parseConll(ctx);
    case 'parquet':
      return parseParquet(ctx);
    case 'labeled-lines':
      return parseLabeledLines(ctx, det.labelStyle ?? 'tab');
    case 'text-lines':
      return parseTextLines(ctx);
  }
}
