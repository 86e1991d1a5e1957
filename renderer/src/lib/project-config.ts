// A project's draft as the Train view edits it — task, backbone and training drafts, the labels and defaults the
// form offers — and the conversions between a draft and a run config (main/training/config.ts's schema). A generation
// task's own settings are in generation-config.ts.
import type { DatasetSummary } from '../../../main/data/types';
import type { TaskMapping } from '../stores/datasets';
import { isObj, num, obj, oneOf, strip, type Obj } from './config-json';
import { GENERATION_FIELD_PATHS, GENERATION_KEYS, generationFromConfig, generationToConfig, type GenerationDraft } from './generation-config';

export { isObj, num, obj, strip, type Obj };

// Mirrors of main/training/config.ts (the renderer may import types from the contract only).
export const TASK_TYPES = ['classification', 'regression', 'token-classification', 'extractive-qa', 'generation'] as const;
export const SAMPLING = ['joint', 'proportional', 'temperature', 'round-robin'] as const;
export const WEIGHTING = ['static', 'equal', 'uncertainty', 'dwa'] as const;
export const SCHEDULES = ['linear', 'cosine', 'constant'] as const;
export const DEVICES = ['auto', 'cpu', 'cuda', 'webgpu', 'dml', 'coreml'] as const;
export const TASK_NAME_PATTERN = /^[A-Za-z_][A-Za-z0-9_]*$/;
export type TaskType = (typeof TASK_TYPES)[number];
export type Sampling = (typeof SAMPLING)[number];
export type Weighting = (typeof WEIGHTING)[number];
export type Schedule = (typeof SCHEDULES)[number];
export type Device = (typeof DEVICES)[number];

/**
 * The metric each task type is judged by (evaluation's primary metric; early stopping's 'mean' averages them), as its
 * key in the messages' `metrics`.
 */
export const PRIMARY_METRIC = {
  classification: 'accuracy', regression: 'pearsonR', 'token-classification': 'entityF1', 'extractive-qa': 'squadF1', generation: 'rougeL',
} as const satisfies Record<TaskType, string>;

export const COLUMN_FIELDS = ['text', 'textPair', 'label', 'tokens', 'tags', 'question', 'context', 'answers', 'source', 'target'] as const;
export type ColumnField = (typeof COLUMN_FIELDS)[number];
/**
 * How the form names a column field: a key of the messages' `columnFields` (a regression's label is its target, a
 * generation task's target is text).
 */
export type FieldLabel = ColumnField | 'target' | 'source' | 'targetText';
/** The column fields each task type reads; optional ones may be left empty. */
export const TYPE_FIELDS: Record<TaskType, { field: ColumnField; label: FieldLabel; optional?: boolean }[]> = {
  classification: [{ field: 'text', label: 'text' }, { field: 'textPair', label: 'textPair', optional: true }, { field: 'label', label: 'label' }],
  regression: [{ field: 'text', label: 'text' }, { field: 'textPair', label: 'textPair', optional: true }, { field: 'label', label: 'target' }],
  'token-classification': [{ field: 'tokens', label: 'tokens' }, { field: 'tags', label: 'tags' }],
  'extractive-qa': [{ field: 'question', label: 'question' }, { field: 'context', label: 'context' }, { field: 'answers', label: 'answers' }],
  generation: [{ field: 'source', label: 'source' }, { field: 'target', label: 'targetText' }],
};

/** Raw label → label: several raw labels to one merges them, '' drops them; labels not in it are kept as they are. */
export type LabelMap = Record<string, string>;
export interface HeldOut { fraction?: number; seed?: number; stratified?: boolean }

export interface TaskDraft {
  /** The dataset reference as a config writes it: an imported dataset's id ("3"), or a name or path from elsewhere. */
  dataset: string;
  name: string;
  type: TaskType;
  columns: Partial<Record<ColumnField, string>>;
  weight: number | undefined;
  labelMap?: LabelMap;
  /** Validate on another dataset (its reference) instead of this one's own split or a held-out share. */
  validation?: string;
  heldOut?: HeldOut;
  maxLength?: number;
  /** A generation task's target length, decoder depth and decoding (kept when the type changes, emitted for generation only). */
  generation?: GenerationDraft;
  /** Keys of a loaded task config this form does not edit (kept as they were). */
  extra: Record<string, unknown>;
}

/**
 * Where the backbone's weights come from: a fresh one ('scratch'), a masked-LM pre-training run on the tasks' text
 * first ('pretrain'), an imported model ('model': `backbone.from: 'pretrained'`) or an earlier run ('run').
 */
export const BACKBONE_SOURCES = ['scratch', 'pretrain', 'model', 'run'] as const;
export type BackboneSource = (typeof BACKBONE_SOURCES)[number];
/** How long the pre-training run of 'pretrain' trains (steps, or a time budget in minutes), and how it masks. */
export interface PretrainDraft { length: 'steps' | 'budget'; steps?: number; minutes?: number; wholeWordMasking: boolean }
export const DEFAULT_PRETRAIN: PretrainDraft = { length: 'steps', steps: 1000, minutes: 10, wholeWordMasking: false };

/** Number fields are undefined when left empty (the schema's default then applies). */
export interface BackboneDraft {
  hidden?: number; layers?: number; heads?: number; intermediate?: number; maxLength?: number; vocabSize?: number;
  /** Missing: 'scratch'. */
  source?: BackboneSource;
  /** With 'model': an imported model's id (as text), or whatever `backbone.path` a loaded config named (a name, a folder). */
  model?: string;
  /** With 'run': the earlier run's id. */
  run?: number;
  /** With 'pretrain' (kept when another source is picked, so switching back restores it). */
  pretrain?: PretrainDraft;
}
/** Whether the backbone's shape and vocabulary come from elsewhere (an imported model or an earlier run). */
export const loadsBackbone = (b: BackboneDraft): boolean => b.source === 'model' || b.source === 'run';
/** How long to train: a step count, epochs (turned into steps here), or a time budget (steps follow the speed). */
export type LengthMode = 'steps' | 'epochs' | 'budget';
export interface TrainingDraft {
  length: LengthMode; steps?: number; epochs?: number; budgetSeconds?: number;
  batchSize?: number; lr?: number; warmup?: number; evalEvery?: number; seed?: number; temperature?: number; patience?: number;
  schedule: Schedule; sampling: Sampling; weighting: Weighting;
  /** 'mean' or a task name. */
  earlyStoppingMetric: string;
  baselines: boolean;
  device: Device;
}

export const DEFAULTS = { steps: 2000, batchSize: 32, validationFraction: 0.1, vocabSize: 8000, maxLength: 128 } as const;
export const DEFAULT_BACKBONE: BackboneDraft = { hidden: 256, layers: 4, heads: 4, maxLength: 128, vocabSize: 8000 };
export const DEFAULT_TRAINING: TrainingDraft = {
  length: 'steps', steps: 2000, batchSize: 32, lr: 5e-4, evalEvery: 200, seed: 0,
  schedule: 'linear', sampling: 'joint', weighting: 'static', earlyStoppingMetric: 'mean', baselines: false, device: 'auto',
};

// ---- drafts ↔ config -----------------------------------------------------------------------------------------

/** A task name from a dataset name: letters, digits and _, not starting with a digit, unique among `taken`. */
export function taskNameFor(datasetName: string, taken: string[]): string {
  let base = datasetName.replace(/\.[A-Za-z0-9]+$/, '').replace(/[^A-Za-z0-9_]+/g, '_').replace(/^_+|_+$/g, '') || 'task';
  if (/^\d/.test(base)) base = `_${base}`;
  let name = base;
  for (let n = 2; taken.includes(name); n++) name = `${base}_${n}`;
  return name;
}

/** A task for a dataset, prefilled from its (possibly user-edited) suggested mapping. */
export function taskFromDataset(d: DatasetSummary, mapping: TaskMapping | undefined, taken: string[]): TaskDraft {
  const m = mapping ?? { type: d.suggestion.type, columns: d.suggestion };
  const c = m.columns;
  const type: TaskType = m.type === 'pair-classification' ? 'classification' : oneOf(TASK_TYPES, m.type, 'classification');
  const has = (name: string) => (d.columns.some((x) => x.name === name) ? name : undefined);
  const columns: TaskDraft['columns'] =
    type === 'token-classification'
      ? { tokens: c.text ?? has('tokens'), tags: c.label ?? has('tags') }
      : type === 'extractive-qa'
        ? { question: c.question ?? has('question'), context: c.context ?? has('context'), answers: c.answers ?? has('answers') }
        : type === 'generation'
          ? { source: c.text ?? has('source'), target: c.label ?? has('target') }
          : { text: c.text ?? has('text'), textPair: c.textPair, label: c.label ?? has('label') };
  return {
    dataset: String(d.id), name: taskNameFor(d.name, taken), type, columns: strip(columns) as TaskDraft['columns'], weight: 1, extra: {},
    ...(type === 'generation' ? { generation: { strategy: 'greedy' as const } } : {}),
  };
}

export function taskToConfig(t: TaskDraft): Obj {
  const cols = Object.fromEntries(TYPE_FIELDS[t.type].map((f) => [f.field, t.columns[f.field] || undefined]));
  const labelled = t.type === 'classification' || t.type === 'token-classification';
  const heldOut = t.validation ? undefined : strip({ ...t.heldOut });
  const extra = { ...t.extra };
  if (t.type !== 'generation') for (const k of GENERATION_KEYS) delete extra[k];
  return strip({
    ...extra, name: t.name, dataset: t.dataset, type: t.type, ...cols, weight: t.weight, maxLength: t.maxLength, validation: t.validation || undefined,
    ...(t.type === 'generation' ? generationToConfig(t.generation, extra) : {}),
    heldOut: heldOut && Object.keys(heldOut).length ? heldOut : undefined,
    labelMap: labelled && t.labelMap && Object.keys(t.labelMap).length ? t.labelMap : labelled ? t.extra.labelMap : undefined,
  });
}

const isLabelMap = (v: unknown): v is LabelMap => isObj(v) && !('type' in v) && Object.values(v).every((x) => typeof x === 'string');

export function taskFromConfig(v: unknown): TaskDraft {
  const { name, dataset, type, weight, labelMap, validation, heldOut, maxLength, ...rest } = obj(v);
  const columns: TaskDraft['columns'] = {};
  const extra: Obj = {};
  for (const [k, x] of Object.entries(rest)) {
    if ((COLUMN_FIELDS as readonly string[]).includes(k) && typeof x === 'string') columns[k as ColumnField] = x;
    else extra[k] = x;
  }
  if (labelMap !== undefined && !isLabelMap(labelMap)) extra.labelMap = labelMap; // the prefix form: kept, not edited here
  const generation = generationFromConfig(obj(v), extra);
  return {
    ...(generation ? { generation } : {}),
    dataset: String(dataset ?? ''), name: String(name ?? ''), type: oneOf(TASK_TYPES, type, 'classification'), columns, weight: num(weight), extra,
    labelMap: isLabelMap(labelMap) ? { ...labelMap } : undefined, validation: typeof validation === 'string' ? validation : undefined,
    heldOut: isObj(heldOut) ? { fraction: num(heldOut.fraction), seed: num(heldOut.seed), stratified: typeof heldOut.stratified === 'boolean' ? heldOut.stratified : undefined } : undefined,
    maxLength: num(maxLength),
  };
}

export function trainingFromConfig(t: Obj, device: unknown): TrainingDraft {
  const es = obj(t.earlyStopping);
  return {
    length: num(t.budgetSeconds) !== undefined ? 'budget' : 'steps', steps: num(t.steps), budgetSeconds: num(t.budgetSeconds),
    batchSize: num(t.batchSize), lr: num(t.lr), warmup: num(t.warmup), evalEvery: num(t.evalEvery), seed: num(t.seed), temperature: num(t.temperature),
    patience: num(es.patience), schedule: oneOf(SCHEDULES, t.schedule, 'linear'), sampling: oneOf(SAMPLING, t.sampling, 'joint'),
    weighting: oneOf(WEIGHTING, t.weighting, 'static'), earlyStoppingMetric: typeof es.metric === 'string' ? es.metric : 'mean',
    baselines: t.baselines === true, device: oneOf(DEVICES, device, 'auto'),
  };
}

/**
 * The backbone fields of a config; an intermediate of exactly 4 × hidden was filled in by the form (it follows the
 * width). `pretrainFirst` is the saved project's pre-training plan (PROJECT_PRETRAIN_KEY), when it has one.
 */
export function backboneFromConfig(v: unknown, pretrainFirst?: unknown): BackboneDraft {
  const b = obj(v);
  const hidden = num(b.hidden), intermediate = num(b.intermediate);
  const from = typeof b.from === 'string' ? b.from : 'scratch';
  const run = /^run:(\d+)$/.exec(from);
  const draft: BackboneDraft = {
    hidden, layers: num(b.layers), heads: num(b.heads), intermediate: intermediate !== undefined && intermediate === 4 * (hidden ?? NaN) ? undefined : intermediate,
    maxLength: num(b.maxLength), vocabSize: num(obj(b.tokenizer).vocabSize),
  };
  if (from === 'pretrained') Object.assign(draft, { source: 'model', model: typeof b.path === 'string' ? b.path : undefined });
  else if (run) Object.assign(draft, { source: 'run', run: Number(run[1]) });
  if (isObj(pretrainFirst)) {
    const p = pretrainFirst;
    const seconds = num(p.budgetSeconds);
    draft.pretrain = {
      length: seconds !== undefined ? 'budget' : 'steps', steps: num(p.steps) ?? DEFAULT_PRETRAIN.steps, minutes: seconds !== undefined ? seconds / 60 : DEFAULT_PRETRAIN.minutes,
      wholeWordMasking: p.wholeWordMasking === true,
    };
    if (draft.source === undefined) draft.source = 'pretrain';
  }
  return strip(draft as Obj) as BackboneDraft;
}

/**
 * The key of a saved project's config that holds the pre-training plan of 'pretrain first' (steps or budgetSeconds,
 * wholeWordMasking). It is the renderer's: never part of a run config (buildConfig leaves it out).
 */
export const PROJECT_PRETRAIN_KEY = 'pretrainFirst';

/** The pre-training plan a project saves with its run config (undefined unless the source is 'pretrain'). */
export function pretrainPlanOf(b: BackboneDraft): Obj | undefined {
  if (b.source !== 'pretrain') return undefined;
  const p = b.pretrain ?? DEFAULT_PRETRAIN;
  return strip({
    steps: p.length === 'steps' ? p.steps : undefined,
    budgetSeconds: p.length === 'budget' && p.minutes !== undefined ? Math.round(p.minutes * 60) : undefined,
    wholeWordMasking: p.wholeWordMasking,
  });
}

/** What the Train view's form holds; `steps` as the config gets them (typed, or from epochs). */
export interface ProjectDraft { name: string; backbone: BackboneDraft; training: TrainingDraft; tasks: TaskDraft[]; steps: number | undefined }

/**
 * The run config a draft describes (what runs.check, runs.start and projects.save get), over `base` (the loaded config,
 * so keys the form does not edit survive a save). A JSON copy: no reactive proxies (IPC structured-clones its
 * arguments) and no undefined keys.
 */
export function buildConfig(base: Obj, d: ProjectDraft): Obj {
  const t = d.training;
  const bt = obj(base.training);
  const { [PROJECT_PRETRAIN_KEY]: _plan, ...rest } = base;
  return JSON.parse(JSON.stringify({
    ...rest,
    name: d.name.trim(),
    backbone: backboneToConfig(obj(base.backbone), d.backbone),
    tasks: d.tasks.map(taskToConfig),
    training: strip({
      ...bt,
      steps: d.steps, budgetSeconds: t.length === 'budget' ? t.budgetSeconds : undefined,
      evalEverySeconds: t.length === 'budget' ? bt.evalEverySeconds : undefined,
      batchSize: t.batchSize, lr: t.lr, warmup: t.warmup, schedule: t.schedule, evalEvery: t.evalEvery, seed: t.seed, sampling: t.sampling, weighting: t.weighting,
      temperature: t.sampling === 'temperature' ? t.temperature : undefined,
      earlyStopping: strip({ ...obj(bt.earlyStopping), metric: t.earlyStoppingMetric, patience: t.patience }),
      baselines: t.baselines,
    }),
    device: t.device,
  })) as Obj;
}

/**
 * The backbone of a run config. A fresh backbone (scratch, or pre-trained first) gets its size and vocabulary; one
 * loaded from an imported model or an earlier run gets `from` (and `path`) instead, since that source fixes them
 * (main fills them in when the run is created); the maximum length stays, capped by the source.
 */
export function backboneToConfig(base: Obj, b: BackboneDraft): Obj {
  const { from: _from, path: _path, hidden: _h, layers: _l, heads: _a, intermediate: _i, ...keep } = base;
  const tokenizer = obj(base.tokenizer);
  if (loadsBackbone(b)) {
    const { vocabSize: _v, ...tok } = tokenizer;
    return strip({
      ...keep,
      from: b.source === 'model' ? 'pretrained' : `run:${b.run ?? ''}`,
      path: b.source === 'model' && b.model ? b.model : undefined,
      maxLength: b.maxLength,
      tokenizer: Object.keys(tok).length ? tok : undefined,
    });
  }
  const hidden = b.hidden;
  return strip({
    ...keep,
    hidden,
    layers: b.layers,
    heads: b.heads,
    // Left empty, the feed-forward size follows the width (the schema's fixed default suits hidden 256 only).
    intermediate: b.intermediate ?? (hidden !== undefined && hidden > 0 ? 4 * hidden : undefined),
    maxLength: b.maxLength,
    tokenizer: strip({ ...tokenizer, vocabSize: b.vocabSize }),
  });
}

/** What a project saves: the run config, and the pre-training plan when the backbone is pre-trained first. */
export function projectConfigOf(config: Obj, b: BackboneDraft): Obj {
  const plan = pretrainPlanOf(b);
  return plan ? { ...config, [PROJECT_PRETRAIN_KEY]: plan } : config;
}

/** The paths the form has a field for (`tasks[1].label`, `backbone.heads`); issues on other paths are listed on their own. */
export function fieldPathsOf(tasks: readonly TaskDraft[]): Set<string> {
  const paths = new Set(['name', 'device', 'backbone.from', 'backbone.path', 'backbone.hidden', 'backbone.layers', 'backbone.heads', 'backbone.intermediate', 'backbone.maxLength', 'backbone.tokenizer.vocabSize']);
  for (const k of ['steps', 'budgetSeconds', 'batchSize', 'lr', 'warmup', 'schedule', 'evalEvery', 'seed', 'sampling', 'weighting', 'temperature', 'baselines', 'earlyStopping.metric', 'earlyStopping.patience'])
    paths.add(`training.${k}`);
  tasks.forEach((t, i) => {
    for (const f of ['name', 'type', 'dataset', 'weight', 'labelMap', 'validation', 'heldOut.fraction', 'maxLength']) paths.add(`tasks[${i}].${f}`);
    for (const f of TYPE_FIELDS[t.type]) paths.add(`tasks[${i}].${f.field}`);
    if (t.type === 'generation') for (const f of GENERATION_FIELD_PATHS) paths.add(`tasks[${i}].${f}`);
  });
  return paths;
}
