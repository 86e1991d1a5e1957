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

/**
 * Consecutive CSV/TSV rows as arrays of field values, in the order of `columns` (shared by all rows of a file
 * until a headerless file grows a column). Cheaper than an object per row: the dataset stores each row as a JSON array.
 */
export interface TabularRows {
  columns: string[];
  rows: string[][];
}

export type ParseItem = ParsedRow | RowIssue | TabularRows;

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

export function isTabular(item: ParseItem): item is TabularRows {
  return (item as TabularRows).rows !== undefined;
}

/** The most columns a tabular row may have. */
export const MAX_COLUMNS = 1000;
