// Every message a user can meet, once: a stable code → its English template with {param} placeholders. Main throws
// ChorusError(code, params); its `message` is the English text (what the CLI prints and the API's `error` carries),
// and the code and params travel to the renderer, which shows the same message from renderer/src/i18n/errors.*.ts
// in the user's language. Those files have exactly these keys and placeholders (test/api/error-codes.test.ts).
//
// This file sits in data/ because it is the lowest layer every service may import (the store and the importers may
// not import main/api); main/api/error-codes.ts turns thrown errors into the API's envelope. Pure: no Node imports.

/** code → English template; `{name}` is a parameter, any other brace is literal text. Codes never change meaning. */
export const ERROR_CATALOG = {
  // the API itself
  api_unknown_call: "unknown call '{call}'",
  api_invalid_argument: '{field}: {detail}',
  error_internal: '{message}',
  // raised by the renderer's client (renderer/src/api.ts), not by main
  client_cannot_connect: 'cannot connect to the Chorus server (is `chorus serve` running, and is the token in the URL current?)',
  client_connection_closed: 'connection to the Chorus server closed',
  client_no_file_paths: 'file paths are only available inside the Chorus app',

  // datasets and uploads
  dataset_not_found: 'dataset {id} not found',
  dataset_split_not_found: "dataset {id} has no split '{split}' (it has {splits})",
  dataset_column_not_found: "dataset {id} has no column '{column}' (columns: {columns})",
  upload_not_in_progress: "{field}: no upload '{uploadId}' in progress",
  upload_offset_mismatch: 'offset: expected {expected}, got {got}',
  upload_exceeds_size: 'data: upload exceeds its declared size {size}',
  upload_incomplete: "uploadIds: '{name}' received {received} of {size} bytes",

  // imports: a whole file refused (ImportResult.code; the file, and line where known, are fields of their own)
  import_file_not_found: 'file not found',
  import_not_a_file: 'not a regular file (is it a folder?)',
  import_empty_file: 'empty file (0 bytes)',
  import_bom_only: 'empty file (only a byte-order mark)',
  import_unreadable: 'cannot read the file ({detail})',
  import_duplicate: 'already imported as dataset {id}',
  import_aborted: 'import aborted',
  import_utf16_without_bom: 'looks like UTF-16 without a byte-order mark; save it as UTF-8 (or UTF-16 with a BOM)',
  import_binary: 'binary file (NUL byte at offset {offset}); expected text, JSON or Parquet',
  import_nul_in_text: 'NUL byte in text; the file looks binary',
  import_not_utf8: 'not valid UTF-8 (byte 0x{byte} at offset {offset}); save the file as UTF-8',
  import_not_utf8_gbk:
    'not valid UTF-8 (byte 0x{byte} at offset {offset}); save the file as UTF-8, or import it with --encoding gb18030 (it looks like Chinese GBK/GB18030 text)',
  import_invalid_encoding: 'invalid {encoding} text near byte {offset}',
  import_line_too_long: 'line longer than {limit} M characters',
  import_blank: 'no rows (the file is blank)',
  import_no_rows: 'no rows',
  import_only_header: 'no rows (only a header)',
  /** `first` is the first issue as text (describeIssue); the result's issues hold it with its own code. */
  import_no_valid_rows: 'no valid rows ({bad} bad; first: {first})',
  import_bad_row: '1 bad row; first: {first}. Import the good rows only with acceptBadRows (--yes)',
  import_bad_rows: '{count} bad rows; first: {first}. Import the good rows only with acceptBadRows (--yes)',
  import_mixed_formats: 'is {format} but the other files of this dataset are {other}',
  import_empty_column: "column '{column}' is empty in every row",
  import_not_parquet: 'not a Parquet file (it does not start with the PAR1 magic bytes)',
  import_invalid_parquet: 'not a valid Parquet file ({detail})',
  import_parquet_row_group: 'cannot read row group at rows {start}–{end} ({detail})',
  import_json_neither: 'a JSON object that is neither SQuAD (data → paragraphs → qas) nor JSON Lines; give an array of objects',
  import_expected_json: "expected JSON, found text starting '{start}'",
  import_json_expected_array: 'expected a JSON array of objects ([ … ])',
  import_json_expected_object: 'expected a JSON object with a "data" array',
  import_json_unexpected: "unexpected '{char}'",
  import_json_record_too_long: 'record {record} is longer than {limit} M characters',
  import_json_empty: 'no JSON content (the file is blank)',
  import_json_truncated: 'truncated JSON: unexpected end of file',
  import_json_no_array: 'no "{key}" array at the top level',
  import_quote_never_closes: 'quoted field never closes (over 16 MB); is a quote missing?',
  import_unterminated_quote: 'unterminated quoted field (the file may be truncated)',
  import_too_many_columns: 'too many columns ({count}; the limit is {limit})',
  import_duplicate_column: "duplicate column name '{name}' (columns {first} and {second})",

  // imports: one row refused (ImportIssue.code; file, line, column and record are fields of their own)
  row_text_after_quote: 'unexpected character after a closing quote in field {field}',
  row_field_count: 'expected {expected} fields, found {found}',
  row_column_count: 'expected {expected} columns, found {found}',
  row_conll_too_few: 'a CoNLL line needs at least 2 columns (token and tag)',
  row_no_label_tab: 'no label: the line has no tab after the label',
  row_no_label_fasttext: 'no label: the line does not start with __label__',
  row_no_label_space: 'no label: the line has no space after the label',
  row_invalid_json: 'invalid JSON ({detail})',
  row_not_object: 'expected an object, found {found}',
  row_article_invalid_json: 'article {article}: invalid JSON ({detail})',
  row_article_no_paragraphs: 'article {article} has no "paragraphs" array',
  row_question_no_context: 'question {id}: its paragraph has no "context" string',
  row_question_no_question: 'question {id}: no "question" string',
  row_answer_fields: 'question {id}: an answer lacks "text" or an integer "answer_start"',
  row_answer_outside: 'question {id}: answer "{answer}" at answer_start {start} lies outside the context ({length} characters)',
  row_answer_moved: 'question {id}: answer "{answer}" is not at answer_start {start} (it occurs at {found})',
  row_answer_missing: 'question {id}: answer "{answer}" is not at answer_start {start} (not in the context)',

  // run configs: ConfigError, and one ConfigIssue per field (the path is a field of its own)
  config_invalid: 'run config: {issues}',
  config_unknown_key: "unknown key '{key}'",
  config_required: 'required',
  config_unknown_task_type: 'unknown task type {value} (expected one of {expected})',
  config_label_map: 'expected a label mapping object or {"type":"prefix"}',
  config_unknown_type: 'unknown type {value} (expected one of {expected})',
  config_unknown_sampling: 'unknown sampling strategy {value} (expected one of {expected})',
  config_unknown_weighting: 'unknown weighting {value} (expected one of {expected})',
  config_unknown_schedule: 'unknown schedule {value} (expected one of {expected})',
  config_unknown_device: 'unknown device {value} (expected one of {expected})',
  config_unknown_value: 'unknown value {value} (expected one of {expected})',
  config_expected_integer: 'expected an integer, got {value}',
  config_expected_type: 'expected {expected}, got {got}',
  config_empty: 'must not be empty',
  config_too_long: 'must be at most {max} characters',
  config_too_few_items: 'must have at least {min} item(s)',
  config_too_many_items: 'must have at most {max} item(s)',
  config_out_of_range: 'must be {op} {bound} (got {value})',
  config_task_name: 'invalid task name {value} (letters, digits and _, not starting with a digit)',
  config_invalid_format: 'invalid format {value}',
  config_unknown_backbone_source: "unknown backbone source {value} (expected 'scratch', 'pretrained' or 'run:<id>')",
  config_pretrained_path: "required with backbone.from 'pretrained' (a checkpoint folder, or an imported model's id or name)",
  config_other: '{message}',
  config_heads_divide: 'must divide backbone.hidden ({hidden} % {heads} = {remainder})',
  config_duplicate_task: "duplicate task name '{name}' (also tasks[{index}].name)",
  config_weight_positive: 'must be > 0 with static weighting (got {weight})',
  config_temperature_required: "required when training.sampling is 'temperature'",
  config_max_length: 'must not exceed backbone.maxLength ({max})',
  config_needs_budget: 'needs training.budgetSeconds',
  config_unknown_metric: "unknown metric '{metric}' (expected 'mean' or a task name: {tasks})",
  config_dataset_not_found: "dataset '{ref}' not found",
  config_column_not_found: "column '{column}' not found in dataset '{ref}' (columns: {columns})",
  config_validation_column_not_found: "column '{column}' not found in validation dataset '{ref}' (columns: {columns})",
  config_no_classes: "column '{column}' in dataset '{ref}' has no classes (classification needs at least 2)",
  config_single_class: "column '{column}' in dataset '{ref}' has a single class '{label}' (classification needs at least 2)",
  config_dataset_id_missing: 'dataset {id} does not exist (imported datasets: {ids})',
  config_dataset_id_missing_none: 'dataset {id} does not exist (imported datasets: none)',
  config_import_empty: "nothing could be imported from '{path}'",
  config_import_failed: "importing '{path}' failed: {error}",
  config_dataset_name_ambiguous: "{count} datasets are named '{name}' (ids {ids}); use an id",
  config_dataset_ref_unknown: "no dataset with id or name '{ref}', and no file at that path",

  // runs and projects
  project_not_found: 'project {id} does not exist',
  run_not_found: 'run {id} does not exist',
  run_project_not_found: "cannot create run '{name}': project {project} does not exist",
  run_parent_not_found: "cannot create run '{name}': parent run {parent} does not exist",
  run_already_running: 'run {id} is already running',
  run_running_stop_first: 'run {id} is running; stop it first',
  run_completed: 'run {id} has completed; there is nothing to resume',
  run_busy_elsewhere: 'run {id} is {status} in another process (pid {pid})',
  run_not_running: 'run {id} is not running (status: {status})',
  run_pause_elsewhere: 'cannot pause run {id}: it is not running in this process',
  run_interrupted: 'the trainer process ended unexpectedly ({how}); resume continues from the last checkpoint',
  run_record_failed: "could not record the trainer's report: {detail}",
  run_no_model: 'run folder {dir} has no trained model yet (no plan.json / tokenizer.json)',
  run_no_checkpoint: 'run folder {dir} has no checkpoint yet',
  run_no_task: "the run has no task '{task}' (tasks: {tasks})",

  // imported models (pre-trained backbones)
  model_not_found: 'model {id} does not exist',
  model_ref_unknown: "no imported model with id or name '{ref}'",
  model_name_ambiguous: "{count} models are named '{ref}' (ids {ids}); use an id",

  // the demo project
  demo_not_found: 'the bundled demo data was not found (looked in {paths})',
  demo_import_empty: 'demo import of {files} gave no dataset',
  demo_import_failed: 'demo import of {files} failed: {error}',
} as const;

export type ErrorCode = keyof typeof ERROR_CATALOG;
export type ErrorParams = Record<string, string | number>;
export interface CodedMessage {
  code: ErrorCode;
  params: ErrorParams;
}

export const ERROR_CODES = Object.keys(ERROR_CATALOG) as ErrorCode[];

const PLACEHOLDER = /\{(\w+)\}/g;

export function isErrorCode(s: string): s is ErrorCode {
  return Object.prototype.hasOwnProperty.call(ERROR_CATALOG, s);
}

/** The parameter names a template uses, in order of first appearance. */
export function placeholders(template: string): string[] {
  return [...new Set([...template.matchAll(PLACEHOLDER)].map((m) => m[1]!))];
}

/** The English text of a coded message. A missing parameter is left as `{name}`, so the gap shows. */
export function renderError(code: ErrorCode, params: ErrorParams = {}): string {
  return ERROR_CATALOG[code].replace(PLACEHOLDER, (whole, name: string) => (name in params ? String(params[name]) : whole));
}

/** An error a user can meet: a stable code and its parameters; `message` is the English text. */
export class ChorusError extends Error {
  constructor(
    readonly code: ErrorCode,
    readonly params: ErrorParams = {},
    message = renderError(code, params),
  ) {
    super(message);
    this.name = 'ChorusError';
  }
}

/**
 * Messages thrown as plain text by modules that do not raise codes yet (the run and model stores, the
 * playground's model loader), recognised by their template so that they still reach the renderer with a code.
 */
const RECOGNISED: ErrorCode[] = [
  'run_not_found', 'project_not_found', 'run_project_not_found', 'run_parent_not_found', 'run_no_model', 'run_no_checkpoint', 'run_no_task',
  'model_not_found', 'model_ref_unknown', 'model_name_ambiguous',
];
const patterns = new Map<ErrorCode, RegExp>();

function patternOf(code: ErrorCode): RegExp {
  let re = patterns.get(code);
  if (!re) {
    const parts = ERROR_CATALOG[code].split(PLACEHOLDER); // literal, name, literal, name, …, literal
    const source = parts.map((p, i) => (i % 2 ? `(?<${p}>.*?)` : p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))).join('');
    re = new RegExp(`^${source}$`, 's');
    patterns.set(code, re);
  }
  return re;
}

/** The code and params of a plain-text message from the RECOGNISED list, or undefined. */
export function recognizeError(message: string): CodedMessage | undefined {
  for (const code of RECOGNISED) {
    const m = patternOf(code).exec(message);
    if (!m) continue;
    const params: ErrorParams = {};
    for (const [k, v] of Object.entries(m.groups ?? {})) params[k] = /^(0|[1-9]\d{0,14})$/.test(v) ? Number(v) : v;
    return { code, params };
  }
  return undefined;
}

/** The code and params of any thrown value: its own, a recognised message's, or error_internal with the text. */
export function codedOf(err: unknown): CodedMessage {
  if (err instanceof ChorusError) return { code: err.code, params: err.params };
  const message = err instanceof Error ? err.message : String(err);
  return recognizeError(message) ?? { code: 'error_internal', params: { message } };
}
