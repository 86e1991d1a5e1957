// What every importer yields: rows (with where they came from) or issues about rows.
import type { ImportIssue } from '../types';
import type { Sniff } from './text';

export interface ParsedRow {
  data: Record<string, unknown>;
  /** 1-based line where the row starts (text formats). */
  line?: number;
  /** 1-based record number (JSON array elements, SQuAD questions, Parquet rows). */
  record?: number;
  /** Problems that do not reject the row. */
  warning?: ImportIssue;
}

export interface RowIssue {
  issue: ImportIssue;
}

export type ParseItem = ParsedRow | RowIssue;

export interface ParseContext {
  path: string;
  /** The name used in messages (display name or base name). */
  file: string;
  size: number;
  sniff: Sniff;
  signal?: AbortSignal;
  /** Called as bytes are consumed, for progress. */
  onBytes(bytesRead: number): void;
}

export function isIssue(item: ParseItem): item is RowIssue {
  return (item as RowIssue).issue !== undefined;
}

/** The most columns a tabular row may have. */
export const MAX_COLUMNS = 1000;
