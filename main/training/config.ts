// Run configuration for multi-task training runs: one zod schema shared by the UI, the CLI and the store (the parsed,
// defaults-filled config is what gets saved, frozen, with the run).
//
// `parseRunConfig` is the only entry point that should be used on untrusted input: it turns every zod issue into a
// `ConfigIssue` whose path is written the way users see it (`tasks[1].textPair`) and whose message names that path.
// Dataset-dependent checks (does the dataset exist, are the columns there) live in config-validate.ts.
import { z } from 'zod';
import { ChorusError, renderError, type ErrorCode, type ErrorParams } from '../data/error-catalog';

export const TASK_TYPES = ['classification', 'regression', 'token-classification', 'extractive-qa', 'masked-lm', 'generation'] as const;
export const SAMPLING = ['joint', 'proportional', 'temperature', 'round-robin'] as const;
export const WEIGHTING = ['static', 'equal', 'uncertainty', 'dwa'] as const;
export const SCHEDULES = ['linear', 'cosine', 'constant'] as const;
export const DEVICES = ['auto', 'cpu', 'cuda', 'webgpu', 'dml', 'coreml'] as const;
export const TOKENIZER_TYPES = ['wordpiece'] as const;
export const TASK_NAME_PATTERN = /^[A-Za-z_][A-Za-z0-9_]*$/;

export type TaskType = (typeof TASK_TYPES)[number];

/**
 * One problem with a config; `path` is user-facing (`tasks[1].textPair`, or '' for the root), `message` English, and
 * `code` and `params` the same message for translation (data/error-catalog.ts).
 */
export interface ConfigIssue {
  path: string;
  message: string;
  code: ErrorCode;
  params: ErrorParams;
}

/** An issue at `path` with the catalog's message for `code`. */
export function configIssue(path: string, code: ErrorCode, params: ErrorParams = {}): ConfigIssue {
  return { path, message: renderError(code, params), code, params };
}

export class ConfigError extends ChorusError {
  readonly issues: ConfigIssue[];
  constructor(issues: ConfigIssue[]) {
    super('config_invalid', { issues: issues.map(formatIssue).join('; ') });
    this.name = 'ConfigError';
    this.issues = issues;
  }
}

export function formatIssue(issue: ConfigIssue): string {
  return issue.path ? `${issue.path}: ${issue.message}` : issue.message;
}

/** `['tasks', 1, 'textPair']` → `tasks[1].textPair`. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else out += out ? `.${String(seg)}` : String(seg);
  }
  return out;
}

// ---- schema -------------------------------------------------------------------------------------------------

const column = z.string().min(1);
const datasetRef = z.string().min(1);

/**
 * TREC-style coarse classes (`LOC:city` → `LOC`), or an explicit raw-label → label mapping (several raw labels to
 * one merges them; '' drops them: classification rows with that label are left out, tags become 'O').
 */
const labelMapSchema = z.union([
  z.strictObject({ type: z.literal('prefix'), separator: z.string().min(1).default(':') }),
  z.record(z.string(), z.string()),
]);

const taskCommon = {
  name: z.string().regex(TASK_NAME_PATTERN),
  dataset: datasetRef,
  validation: datasetRef.optional(),
  /** Loss weight under static weighting; missing → 1. */
  weight: z.number().optional().transform((w) => w ?? 1),
  dropout: z.number().min(0).lt(1).optional(),
  /** Tokens per example for this task; defaults to backbone.maxLength (and may not exceed it). */
  maxLength: z.number().int().min(8).optional(),
  /**
   * How validation is carved out of train when the dataset has no validation split (and `validation` is not given):
   * share, seed (default training.seed) and whether it keeps class proportions (default: yes for classification).
   */
  heldOut: z.strictObject({
    fraction: z.number().gt(0).lt(1).optional(),
    seed: z.number().int().min(0).optional(),
    stratified: z.boolean().optional(),
  }).optional(),
};

const classificationTask = z.strictObject({
  ...taskCommon,
  type: z.literal('classification'),
  text: column.default('text'),
  textPair: column.optional(),
  label: column.default('label'),
  labelMap: labelMapSchema.optional(),
});

const regressionTask = z.strictObject({
  ...taskCommon,
  type: z.literal('regression'),
  text: column.default('text'),
  textPair: column.optional(),
  label: column.default('label'),
});

const tokenClassificationTask = z.strictObject({
  ...taskCommon,
  type: z.literal('token-classification'),
  tokens: column.default('tokens'),
  tags: column.default('tags'),
  labelMap: labelMapSchema.optional(),
});

const extractiveQaTask = z.strictObject({
  ...taskCommon,
  type: z.literal('extractive-qa'),
  question: column.default('question'),
  context: column.default('context'),
  answers: column.default('answers'),
});

/** Text columns: one name, a list, or (omitted) every text and token-list column of the dataset. */
const textColumns = z.union([column, z.array(column).min(1)]);

/**
 * Masked-LM pre-training on unlabelled text: the training split of `dataset` and of every `corpus` entry (any text
 * or token-list columns); validation (perplexity) is a held-out slice of that text.
 */
const maskedLmTask = z.strictObject({
  ...taskCommon,
  type: z.literal('masked-lm'),
  text: textColumns.optional(),
  corpus: z.array(z.strictObject({ dataset: datasetRef, text: textColumns.optional() })).default([]),
  maskProbability: z.number().gt(0).lt(1).default(0.15),
  wholeWordMasking: z.boolean().default(false),
  /**
   * Pack several training texts into each row of maxLength tokens ([SEP] between two, a longer text over several
   * rows) instead of one row per text truncated to maxLength: for corpora of long documents, which would otherwise
   * lose all but their first maxLength tokens. Off by default: batches already group texts of similar length, so on
   * short texts packing buys little padding and costs updates (fewer, larger steps in the same time). The held-out
   * texts are scored one per row either way.
   */
  pack: z.boolean().default(false),
  /** Most texts held out for perplexity (the held-out share is capped to it). */
  maxValidation: z.number().int().positive().default(2000),
});

/** How a generation head decodes for evaluation and predictions (chorus predict can override it per call). */
const generateSchema = z.strictObject({
  strategy: z.enum(['greedy', 'beam', 'sample']).default('greedy'),
  beams: z.number().int().min(1).default(4),
  /** Beam score / length^lengthPenalty. */
  lengthPenalty: z.number().default(1),
  /** Never repeat an n-gram of this size (0: off). */
  noRepeatNgram: z.number().int().min(0).default(0),
  temperature: z.number().positive().default(1),
  topP: z.number().gt(0).max(1).default(1),
  seed: z.number().int().min(0).default(0),
});

/**
 * Source text → target text with a Transformer decoder on the shared encoder. A list-valued source (SciTLDR's
 * sentences) is joined with spaces; a list-valued target holds several references: all are kept for scoring, one
 * (drawn with the run's seed) is trained on.
 */
const generationTask = z.strictObject({
  ...taskCommon,
  type: z.literal('generation'),
  source: column.default('source'),
  target: column.default('target'),
  /** Target tokens trained on and generated at most (the end token aside). */
  maxTargetLength: z.number().int().min(1).default(64),
  decoder: z.strictObject({ layers: z.number().int().positive().optional(), heads: z.number().int().positive().optional(), intermediate: z.number().int().positive().optional() }).optional(),
  labelSmoothing: z.number().min(0).lt(1).default(0),
  generate: generateSchema.prefault({}),
});

const taskSchema = z.discriminatedUnion('type', [
  classificationTask,
  regressionTask,
  tokenClassificationTask,
  extractiveQaTask,
  maskedLmTask,
  generationTask,
]);

const tokenizerSchema = z.strictObject({
  type: z.enum(TOKENIZER_TYPES).default('wordpiece'),
  vocabSize: z.number().int().min(6).default(8000),
});

const backboneSchema = z.strictObject({
  /**
   * 'scratch' (seeded init, vocabulary trained on the run's text), 'pretrained' (a Hugging Face checkpoint folder, or
   * an imported model's id or name, in `path`) or 'run:<id>' (an earlier run, e.g. a masked-LM pre-training run).
   * A loaded backbone fixes hidden/layers/heads/intermediate and the vocabulary; the run's copy records them.
   */
  from: z.string().regex(/^(scratch|pretrained|run:\d+)$/, "expected 'scratch', 'pretrained' or 'run:<id>'").default('scratch'),
  /** The checkpoint folder or imported model (from 'pretrained'); for a run, the run's folder once resolved. */
  path: z.string().min(1).optional(),
  hidden: z.number().int().positive().default(256),
  layers: z.number().int().positive().default(4),
  heads: z.number().int().positive().default(4),
  intermediate: z.number().int().positive().default(1024),
  maxLength: z.number().int().min(8).default(128),
  /** Hidden and attention-probability dropout. */
  dropout: z.number().min(0).lt(1).default(0.1),
  tokenizer: tokenizerSchema.prefault({}),
});

const earlyStoppingSchema = z.strictObject({
  /** Evaluations without improvement before stopping; 0 disables early stopping. */
  patience: z.number().int().min(0).default(5),
  /** 'mean' (mean of the tasks' primary metrics) or a task name. */
  metric: z.string().min(1).default('mean'),
});

const trainingSchema = z.strictObject({
  steps: z.number().int().positive().default(2000),
  batchSize: z.number().int().positive().default(32),
  lr: z.number().positive().default(5e-4),
  warmup: z.number().min(0).lt(1).default(0.1),
  schedule: z.enum(SCHEDULES).default('linear'),
  sampling: z.enum(SAMPLING).default('joint'),
  /** Required (T > 0) when sampling is 'temperature'. */
  temperature: z.number().positive().optional(),
  weighting: z.enum(WEIGHTING).default('static'),
  seed: z.number().int().min(0).default(0),
  evalEvery: z.number().int().positive().default(200),
  /** Steps between resumable checkpoints; defaults to evalEvery. */
  checkpointEvery: z.number().int().positive().optional(),
  earlyStopping: earlyStoppingSchema.prefault({}),
  weightDecay: z.number().min(0).default(0.01),
  /** Global gradient-norm clipping; 0 disables it. */
  clipGradNorm: z.number().min(0).default(1),
  /** Share of train held out for validation when a dataset has no validation split of its own. */
  validationFraction: z.number().gt(0).lt(1).default(0.1),
  evalBatchSize: z.number().int().positive().default(128),
  /** DWA's temperature (weighting 'dwa'). */
  dwaTemperature: z.number().positive().default(2),
  /**
   * Training-time budget: training runs until it is spent, and the learning-rate schedule (warm-up, decay) is laid
   * over the budget, so it ends with it. The speed of the first steps sets the planned step count (an estimate shown
   * as progress) and, from evalEverySeconds, evalEvery.
   */
  budgetSeconds: z.number().positive().optional(),
  evalEverySeconds: z.number().positive().optional(),
  /** Also train every task alone with the same budget (single-task baselines for comparison). */
  baselines: z.boolean().default(false),
});

export const runConfigSchema = z
  .strictObject({
    name: z.string().trim().min(1),
    backbone: backboneSchema.prefault({}),
    tasks: z.array(taskSchema).min(1),
    training: trainingSchema.prefault({}),
    device: z.enum(DEVICES).default('auto'),
    /** Intra-op threads; 0 = runtime default. */
    threads: z.number().int().min(0).default(0),
  })
  .superRefine((cfg, ctx) => {
    const issue = (path: PropertyKey[], code: ErrorCode, params?: ErrorParams) => custom(ctx, path, code, params);
    const { hidden, heads } = cfg.backbone;
    if (cfg.backbone.from === 'pretrained' && !cfg.backbone.path)
      issue(['backbone', 'path'], 'config_pretrained_path');
    if (hidden % heads !== 0) {
      issue(['backbone', 'heads'], 'config_heads_divide', { hidden, heads, remainder: hidden % heads });
    }
    const seen = new Map<string, number>();
    cfg.tasks.forEach((task, i) => {
      const prev = seen.get(task.name);
      if (prev !== undefined) {
        issue(['tasks', i, 'name'], 'config_duplicate_task', { name: task.name, index: prev });
      } else seen.set(task.name, i);
      if (cfg.training.weighting === 'static' && !(task.weight > 0)) {
        issue(['tasks', i, 'weight'], 'config_weight_positive', { weight: task.weight });
      }
    });
    if (cfg.training.sampling === 'temperature' && cfg.training.temperature === undefined) {
      issue(['training', 'temperature'], 'config_temperature_required');
    }
    cfg.tasks.forEach((task, i) => {
      if (task.maxLength !== undefined && task.maxLength > cfg.backbone.maxLength)
        issue(['tasks', i, 'maxLength'], 'config_max_length', { max: cfg.backbone.maxLength });
    });
    if (cfg.training.evalEverySeconds !== undefined && cfg.training.budgetSeconds === undefined)
      issue(['training', 'evalEverySeconds'], 'config_needs_budget');
    const metric = cfg.training.earlyStopping.metric;
    if (metric !== 'mean' && !seen.has(metric)) {
      issue(['training', 'earlyStopping', 'metric'], 'config_unknown_metric', { metric, tasks: [...seen.keys()].join(', ') });
    }
  });

export type RunConfig = z.output<typeof runConfigSchema>;
export type RunConfigInput = z.input<typeof runConfigSchema>;
export type TaskConfig = RunConfig['tasks'][number];

// ---- messages -----------------------------------------------------------------------------------------------

/** The "unknown X 'v'" message of an enum field, keyed by the last path segment. */
const ENUM_CODES: Record<string, ErrorCode> = {
  type: 'config_unknown_type',
  sampling: 'config_unknown_sampling',
  weighting: 'config_unknown_weighting',
  schedule: 'config_unknown_schedule',
  device: 'config_unknown_device',
};

/** A superRefine issue with a catalog code; toIssues reads the code back from its params. */
function custom(ctx: z.RefinementCtx, path: PropertyKey[], code: ErrorCode, params: ErrorParams = {}): void {
  ctx.addIssue({ code: 'custom', path, message: renderError(code, params), params: { chorus: { code, params } } });
}

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let cur = input;
  for (const seg of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<PropertyKey, unknown>)[seg];
  }
  return cur;
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number' && Number.isNaN(v)) return 'NaN';
  return typeof v;
}

function show(v: unknown): string {
  return typeof v === 'string' ? `'${v}'` : JSON.stringify(v) ?? String(v);
}

function toIssues(err: z.ZodError, input: unknown): ConfigIssue[] {
  const out: ConfigIssue[] = [];
  for (const issue of err.issues) {
    const path = issue.path;
    const where = formatPath(path);
    const add = (code: ErrorCode, params: ErrorParams = {}) => out.push(configIssue(where, code, params));
    const last = path[path.length - 1];
    const value = valueAt(input, path);
    switch (issue.code) {
      case 'unrecognized_keys':
        for (const key of issue.keys) out.push(configIssue(formatPath([...path, key]), 'config_unknown_key', { key }));
        continue;
      case 'invalid_union':
        if ((issue as { note?: string }).note === 'No matching discriminator') {
          if (value === undefined) add('config_required');
          else add('config_unknown_task_type', { value: show(value), expected: TASK_TYPES.join(', ') });
        } else add('config_label_map');
        continue;
      case 'invalid_value':
        add((typeof last === 'string' && ENUM_CODES[last]) || 'config_unknown_value', { value: show(value), expected: issue.values.map(String).join(', ') });
        continue;
      case 'invalid_type':
        if (value === undefined) add('config_required');
        else if (issue.expected === 'int') add('config_expected_integer', { value: show(value) });
        else add('config_expected_type', { expected: issue.expected, got: describe(value) });
        continue;
      case 'too_small':
      case 'too_big': {
        const small = issue.code === 'too_small';
        const bound = String(issue.code === 'too_small' ? issue.minimum : issue.maximum);
        if (issue.origin === 'string') small ? add('config_empty') : add('config_too_long', { max: bound });
        else if (issue.origin === 'array') small ? add('config_too_few_items', { min: bound }) : add('config_too_many_items', { max: bound });
        else add('config_out_of_range', { op: small ? (issue.inclusive ? '>=' : '>') : issue.inclusive ? '<=' : '<', bound, value: show(value) });
        continue;
      }
      case 'invalid_format':
        if (path.length === 3 && path[0] === 'tasks' && last === 'name') add('config_task_name', { value: show(value) });
        else if (path.length === 2 && path[0] === 'backbone' && last === 'from') add('config_unknown_backbone_source', { value: show(value) });
        else add('config_invalid_format', { value: show(value) });
        continue;
      case 'custom': {
        const own = (issue.params as { chorus?: { code: ErrorCode; params: ErrorParams } } | undefined)?.chorus;
        if (own) add(own.code, own.params);
        else add('config_other', { message: issue.message });
        continue;
      }
      default:
        add('config_other', { message: issue.message });
    }
  }
  return out;
}

/** Validates `input`, fills defaults, and returns the config; throws `ConfigError` listing every problem. */
export function parseRunConfig(input: unknown): RunConfig {
  const result = runConfigSchema.safeParse(input);
  if (!result.success) throw new ConfigError(toIssues(result.error, input));
  return result.data;
}

/** Like `parseRunConfig`, but returns the issues instead of throwing (for forms). */
export function checkRunConfig(input: unknown): { config: RunConfig; issues: [] } | { config?: undefined; issues: ConfigIssue[] } {
  try {
    return { config: parseRunConfig(input), issues: [] };
  } catch (e) {
    if (e instanceof ConfigError) return { issues: e.issues };
    throw e;
  }
}

/** Deep-freezes a parsed config (what the store keeps with a run). */
export function freezeRunConfig(config: RunConfig): Readonly<RunConfig> {
  const freeze = (v: unknown): void => {
    if (v && typeof v === 'object' && !Object.isFrozen(v)) {
      Object.freeze(v);
      for (const child of Object.values(v)) freeze(child);
    }
  };
  freeze(config);
  return config;
}
