// Types shared by the importers, the dataset service, the API contract and the renderer.
// Pure types only: this file is imported by the renderer, so it must not import Node modules.
import type { ErrorCode, ErrorParams } from './error-catalog';

export type { ErrorCode, ErrorParams } from './error-catalog';

export const DATASET_FORMATS = ['csv', 'tsv', 'json', 'jsonl', 'conll', 'squad', 'parquet', 'labeled-lines', 'text-lines'] as const;
export type DatasetFormat = (typeof DATASET_FORMATS)[number];

export const TASK_TYPES = [
  'classification',
  'pair-classification',
  'regression',
  'token-classification',
  'extractive-qa',
  'generation',
] as const;
export type SuggestedTaskType = (typeof TASK_TYPES)[number];

/** What a column holds, as inferred from its values. */
export type ColumnKind = 'text' | 'label' | 'number' | 'tokens' | 'tags' | 'json';

export interface ColumnInfo {
  name: string;
  kind: ColumnKind;
  /** Distinct non-empty values seen (capped). */
  distinct: number;
  /** Rows where the value is empty or missing. */
  empty: number;
}

export interface LabelCount {
  value: string;
  count: number;
}

export interface TaskSuggestion {
  type: SuggestedTaskType | 'unknown';
  /** Column names the task would read. */
  text?: string;
  textPair?: string;
  label?: string;
  /** For extractive QA: question / context / answers columns. */
  question?: string;
  context?: string;
  answers?: string;
  /** Label set with counts (classification, token classification). */
  labels?: LabelCount[];
  /** One sentence saying why, shown to the user. */
  reason: string;
}

export interface DatasetSummary {
  id: number;
  name: string;
  format: DatasetFormat;
  /** File names the dataset came from (base names only). */
  files: string[];
  /** Example count per split, e.g. { train: 6920, validation: 872 }. */
  splits: Record<string, number>;
  rowCount: number;
  columns: ColumnInfo[];
  suggestion: TaskSuggestion;
  sha256: string;
  createdAt: string;
}

/** One rejected row (or a whole-file problem when line is undefined). */
export interface ImportIssue {
  file: string;
  line?: number;
  column?: number;
  record?: number;
  /** English; `code` and `params` give the same message for translation (error-catalog.ts). */
  reason: string;
  code: ErrorCode;
  params: ErrorParams;
}

export interface ImportOptions {
  name?: string;
  /** 'auto' detects from the content. */
  format?: DatasetFormat | 'auto';
  /** Import the good rows of a file that has bad rows (the CLI's --yes). Without it such a file is refused. */
  acceptBadRows?: boolean;
  /**
   * The text encoding when it is not UTF-8/UTF-16 and so cannot be detected, e.g. 'gb18030' for Chinese files saved
   * as GBK; a byte-order mark still wins. Without it such files are refused with a message saying how to import them.
   */
  encoding?: 'gb18030' | 'gbk' | 'big5' | 'shift_jis' | 'euc-kr' | 'windows-1252';
  /** Split name for a single file; by default derived from the file name (train/dev/validation/test). */
  split?: string;
  /** Names to show for the files in messages and in the dataset (e.g. the original name of an uploaded temp file), index-aligned with the paths. */
  displayNames?: string[];
  /** Abort the import; the transaction is rolled back and nothing is left behind. */
  signal?: AbortSignal;
}

export interface ImportProgress {
  file: string;
  bytesRead: number;
  totalBytes: number;
  rows: number;
}

/**
 * A failed import: `error` is the English line `file[:line][ record N]: reason`; `code` and `params` are the reason's
 * (error-catalog.ts), with the file, line and record as fields of their own so a translation can place them.
 */
export interface ImportFailure {
  ok: false;
  file: string;
  line?: number;
  record?: number;
  error: string;
  code: ErrorCode;
  params: ErrorParams;
  issues: ImportIssue[];
  duplicateOf?: number;
}

export type ImportResult = { ok: true; dataset: DatasetSummary; badRows: number; issues: ImportIssue[] } | ImportFailure;

export interface PreviewPage {
  datasetId: number;
  split: string;
  offset: number;
  total: number;
  columns: string[];
  rows: Record<string, unknown>[];
}
