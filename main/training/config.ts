// Run configuration for multi-task training runs: one zod schema shared by the UI, the CLI and the store (the parsed,
// defaults-filled config is what gets saved, frozen, with the run).
//
// `parseRunConfig` is the only entry point that should be used on untrusted input: it turns every zod issue into a
// `ConfigIssue` whose path is written the way users see it (`tasks[1].textPair`) and whose message names that path.
// Dataset-dependent checks (does the dataset exist, are the columns there) live in config-validate.ts.
import { z } from 'zod';

export const TASK_TYPES = ['classification', 'regression', 'token-classification', 'extractive-qa'] as const;
export const SAMPLING = ['joint', 'proportional', 'temperature', 'round-robin'] as const;
export const WEIGHTING = ['static', 'equal', 'uncertainty', 'dwa'] as const;
export const SCHEDULES = ['linear', 'cosine', 'constant'] as const;
export const DEVICES = ['auto', 'cpu', 'cuda', 'webgpu', 'dml', 'coreml'] as const;
export const TOKENIZER_TYPES = ['wordpiece'] as const;
export const TASK_NAME_PATTERN = /^[A-Za-z_][A-Za-z0-9_]*$/;

export type TaskType = (typeof TASK_TYPES)[number];

/** One problem with a config; `path` is user-facing (`tasks[1].textPair`, or '' for the root). */
export interface ConfigIssue {
  path: string;
  message: string;
}

export class ConfigError extends Error {
  readonly issues: ConfigIssue[];
  constructor(issues: ConfigIssue[]) {
    super(`run config: ${issues.map(formatIssue).join('; ')}`);
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

const taskSchema = z.discriminatedUnion('type', [
  classificationTask,
  regressionTask,
  tokenClassificationTask,
  extractiveQaTask,
]);

const tokenizerSchema = z.strictObject({
  type: z.enum(TOKENIZER_TYPES).default('wordpiece'),
  vocabSize: z.number().int().min(6).default(8000),
});

const backboneSchema = z.strictObject({
  /** 'scratch', or a checkpoint id/path to start from. */
  from: z.string().min(1).default('scratch'),
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
   * Training-time budget: the schedule length (steps) is set from the speed of the first steps so that training fits
   * it, and training stops when it is spent. evalEverySeconds then sets evalEvery the same way.
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
    const { hidden, heads } = cfg.backbone;
    if (hidden % heads !== 0) {
      ctx.addIssue({
        code: 'custom',
        path: ['backbone', 'heads'],
        message: `must divide backbone.hidden (${hidden} % ${heads} = ${hidden % heads})`,
      });
    }
    const seen = new Map<string, number>();
    cfg.tasks.forEach((task, i) => {
      const prev = seen.get(task.name);
      if (prev !== undefined) {
        ctx.addIssue({
          code: 'custom',
          path: ['tasks', i, 'name'],
          message: `duplicate task name '${task.name}' (also tasks[${prev}].name)`,
        });
      } else seen.set(task.name, i);
      if (cfg.training.weighting === 'static' && !(task.weight > 0)) {
        ctx.addIssue({
          code: 'custom',
          path: ['tasks', i, 'weight'],
          message: `must be > 0 with static weighting (got ${task.weight})`,
        });
      }
    });
    if (cfg.training.sampling === 'temperature' && cfg.training.temperature === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['training', 'temperature'],
        message: `required when training.sampling is 'temperature'`,
      });
    }
    cfg.tasks.forEach((task, i) => {
      if (task.maxLength !== undefined && task.maxLength > cfg.backbone.maxLength)
        ctx.addIssue({ code: 'custom', path: ['tasks', i, 'maxLength'], message: `must not exceed backbone.maxLength (${cfg.backbone.maxLength})` });
    });
    if (cfg.training.evalEverySeconds !== undefined && cfg.training.budgetSeconds === undefined)
      ctx.addIssue({ code: 'custom', path: ['training', 'evalEverySeconds'], message: 'needs training.budgetSeconds' });
    const metric = cfg.training.earlyStopping.metric;
    if (metric !== 'mean' && !seen.has(metric)) {
      ctx.addIssue({
        code: 'custom',
        path: ['training', 'earlyStopping', 'metric'],
        message: `unknown metric '${metric}' (expected 'mean' or a task name: ${[...seen.keys()].join(', ')})`,
      });
    }
  });

export type RunConfig = z.output<typeof runConfigSchema>;
export type RunConfigInput = z.input<typeof runConfigSchema>;
export type TaskConfig = RunConfig['tasks'][number];

// ---- messages -----------------------------------------------------------------------------------------------

/** What to call an enum field in "unknown X 'v'" messages, keyed by the last path segment. */
const ENUM_NOUNS: Record<string, string> = {
  type: 'type',
  sampling: 'sampling strategy',
  weighting: 'weighting',
  schedule: 'schedule',
  device: 'device',
};

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
    const last = path[path.length - 1];
    const value = valueAt(input, path);
    switch (issue.code) {
      case 'unrecognized_keys':
        for (const key of issue.keys) out.push({ path: formatPath([...path, key]), message: `unknown key '${key}'` });
        continue;
      case 'invalid_union':
        if ((issue as { note?: string }).note === 'No matching discriminator') {
          const where = formatPath(path);
          if (value === undefined) out.push({ path: where, message: 'required' });
          else
            out.push({
              path: where,
              message: `unknown task type ${show(value)} (expected one of ${TASK_TYPES.join(', ')})`,
            });
        } else {
          out.push({ path: formatPath(path), message: 'expected a label mapping object or {"type":"prefix"}' });
        }
        continue;
      case 'invalid_value': {
        const noun = (typeof last === 'string' && ENUM_NOUNS[last]) || 'value';
        out.push({
          path: formatPath(path),
          message: `unknown ${noun} ${show(value)} (expected one of ${issue.values.map(String).join(', ')})`,
        });
        continue;
      }
      case 'invalid_type': {
        const message =
          value === undefined
            ? 'required'
            : issue.expected === 'int'
              ? `expected an integer, got ${show(value)}`
              : `expected ${issue.expected}, got ${describe(value)}`;
        out.push({ path: formatPath(path), message });
        continue;
      }
      case 'too_small':
      case 'too_big': {
        const small = issue.code === 'too_small';
        let message: string;
        const bound = issue.code === 'too_small' ? issue.minimum : issue.maximum;
        if (issue.origin === 'string') message = small ? 'must not be empty' : `must be at most ${String(bound)} characters`;
        else if (issue.origin === 'array') message = `must have ${small ? 'at least' : 'at most'} ${String(bound)} item(s)`;
        else {
          const op = small ? (issue.inclusive ? '>=' : '>') : issue.inclusive ? '<=' : '<';
          message = `must be ${op} ${String(bound)} (got ${show(value)})`;
        }
        out.push({ path: formatPath(path), message });
        continue;
      }
      case 'invalid_format':
        if (path.length === 3 && path[0] === 'tasks' && last === 'name') {
          out.push({
            path: formatPath(path),
            message: `invalid task name ${show(value)} (letters, digits and _, not starting with a digit)`,
          });
        } else out.push({ path: formatPath(path), message: `invalid format ${show(value)}` });
        continue;
      default:
        out.push({ path: formatPath(path), message: issue.message });
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
