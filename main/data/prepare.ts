// One file's rows made ready for insertion: parsed, counted into column statistics, and serialised as
// one JSON array per batch, which SQLite unpacks with json_each (one bound parameter per batch instead of four per row:
// the fastest insert path measured).
import { parseConll } from './importers/conll';
import { parseDelimited } from './importers/delimited';
import type { Detected } from './importers/detect';
import { parseJsonArray, parseJsonl, parseSquad } from './importers/json';
import { parseLabeledLines } from './importers/labeled-lines';
import { parseParquet } from './importers/parquet';
import type { Sniff } from './importers/text';
import { isIssue, type ParseContext, type ParseItem } from './importers/types';
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
  const ctx: ParseContext = { path: job.path, file: job.file, size: job.size, sniff: job.sniff, signal, onBytes: (b) => (bytesRead = b) };
  for await (const batch of parser(ctx, job.det, job.quoting)) {
    const rows: string[] = [];
    const issues: ImportIssue[] = [];
    let bad = 0;
    for (const item of batch) {
      if (isIssue(item)) {
        bad++;
        if (kept < MAX_ISSUES) issues.push(item.issue), kept++;
        continue;
      }
      if (item.warning && kept < MAX_ISSUES) issues.push(item.warning), kept++;
      rows.push(JSON.stringify(item.data));
      stats.add(item.data);
    }
    yield { json: '[' + rows.join(',') + ']', count: rows.length, bad, issues, bytesRead };
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
  }
}
