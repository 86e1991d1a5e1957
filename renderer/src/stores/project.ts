// The project being edited in the Train view — its tasks (one per dataset: columns, label set, validation, α),
// backbone and training settings — the issues `runs.check` found (by field path), and the saved projects
// (create, rename, duplicate, delete). The pure helpers above the store (label maps, α shares, epochs → steps,
// model size estimates) are what the components show and what the config is built from.
import { defineStore } from 'pinia';
import { computed, ref, watch } from 'vue';
import { call } from '../api';
import type { CallResult } from '../../../main/api/contract';
import type { DatasetSummary, LabelCount } from '../../../main/data/types';
import { useDatasetsStore, type TaskMapping } from './datasets';

export type ConfigIssue = CallResult<'runs.check'>['issues'][number];
export type ProjectRow = CallResult<'projects.list'>[number];
export type MachineInfo = CallResult<'app.machine'>;

// Mirrors of main/training/config.ts (the renderer may import types from the contract only).
export const TASK_TYPES = ['classification', 'regression', 'token-classification', 'extractive-qa'] as const;
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

/** The metric each task type is judged by (evaluation's primary metric; early stopping's 'mean' averages them). */
export const PRIMARY_METRIC: Record<TaskType, string> = {
  classification: 'accuracy', regression: 'Pearson r', 'token-classification': 'entity F1', 'extractive-qa': 'SQuAD F1',
};

export const COLUMN_FIELDS = ['text', 'textPair', 'label', 'tokens', 'tags', 'question', 'context', 'answers'] as const;
export type ColumnField = (typeof COLUMN_FIELDS)[number];
/** The column fields each task type reads; optional ones may be left empty. */
export const TYPE_FIELDS: Record<TaskType, { field: ColumnField; label: string; optional?: boolean }[]> = {
  classification: [{ field: 'text', label: 'Text' }, { field: 'textPair', label: 'Text pair', optional: true }, { field: 'label', label: 'Label' }],
  regression: [{ field: 'text', label: 'Text' }, { field: 'textPair', label: 'Text pair', optional: true }, { field: 'label', label: 'Target' }],
  'token-classification': [{ field: 'tokens', label: 'Tokens' }, { field: 'tags', label: 'Tags' }],
  'extractive-qa': [{ field: 'question', label: 'Question' }, { field: 'context', label: 'Context' }, { field: 'answers', label: 'Answers' }],
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
  /** Keys of a loaded task config this form does not edit (kept as they were). */
  extra: Record<string, unknown>;
}

/** Number fields are undefined when left empty (the schema's default then applies). */
export interface BackboneDraft { hidden?: number; layers?: number; heads?: number; intermediate?: number; maxLength?: number; vocabSize?: number }
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
const DEFAULT_BACKBONE: BackboneDraft = { hidden: 256, layers: 4, heads: 4, maxLength: 128, vocabSize: 8000 };
const DEFAULT_TRAINING: TrainingDraft = {
  length: 'steps', steps: 2000, batchSize: 32, lr: 5e-4, evalEvery: 200, seed: 0,
  schedule: 'linear', sampling: 'joint', weighting: 'static', earlyStoppingMetric: 'mean', baselines: false, device: 'auto',
};

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const obj = (v: unknown): Obj => (isObj(v) ? v : {});
const num = (v: unknown): number | undefined => (typeof v === 'number' ? v : undefined);
const oneOf = <T extends string>(list: readonly T[], v: unknown, fallback: T): T => (list.includes(v as T) ? (v as T) : fallback);
const strip = (o: Obj): Obj => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
const message = (err: unknown) => (err instanceof Error ? err.message : String(err));

// ---- label sets ---------------------------------------------------------------------------------------------

/** What a raw label becomes: itself, another label, or '' (dropped). */
export const targetOf = (map: LabelMap | undefined, raw: string): string => map?.[raw] ?? raw;

/**
 * Sends `raw` to `target` (itself: keep, '': drop, another label: merge into it). Labels merged into `raw` follow it,
 * so a map never chains (the engine looks a raw label up once).
 */
export function setLabelTarget(map: LabelMap | undefined, raw: string, target: string): LabelMap | undefined {
  const next: LabelMap = { ...map };
  if (target === raw) delete next[raw];
  else next[raw] = target;
  if (target !== raw) for (const [k, v] of Object.entries(next)) if (k !== raw && v === raw) next[k] = target;
  return Object.keys(next).length ? next : undefined;
}

/** The classes a label set trains on after the map, largest first; `dropped` rows are left out (tags: become 'O'). */
export function labelClasses(labels: LabelCount[], map: LabelMap | undefined): { classes: { name: string; count: number; from: string[] }[]; dropped: number } {
  const by = new Map<string, { name: string; count: number; from: string[] }>();
  let dropped = 0;
  for (const l of labels) {
    const t = targetOf(map, l.value);
    if (t === '') {
      dropped += l.count;
      continue;
    }
    const c = by.get(t) ?? { name: t, count: 0, from: [] };
    c.count += l.count;
    c.from.push(l.value);
    by.set(t, c);
  }
  return { classes: [...by.values()].sort((a, b) => b.count - a.count || (a.name < b.name ? -1 : 1)), dropped };
}

/** Drops every class (after merges) with fewer than `min` rows. */
export function dropRareLabels(labels: LabelCount[], map: LabelMap | undefined, min: number): LabelMap | undefined {
  let next = map;
  for (const c of labelClasses(labels, map).classes) if (c.count < min) for (const raw of c.from) next = setLabelTarget(next, raw, '');
  return next;
}

/** Output classes of a head: the kept classes (dropped tags become 'O', one more class if there was none). */
export function headClasses(type: TaskType, labels: LabelCount[] | undefined, map: LabelMap | undefined): number {
  if (!labels?.length) return 2;
  const { classes, dropped } = labelClasses(labels, map);
  const extraO = type === 'token-classification' && dropped > 0 && !classes.some((c) => c.name === 'O') ? 1 : 0;
  return Math.max(classes.length + extraO, 1);
}

/** The label counts the import found for a task's label column (only known for the suggested column). */
export function labelsFor(task: TaskDraft, d: DatasetSummary | undefined): LabelCount[] | undefined {
  const s = d?.suggestion;
  if (!s?.labels?.length || !s.label) return undefined;
  if (task.type === 'classification' && s.type !== 'token-classification' && task.columns.label === s.label) return s.labels;
  if (task.type === 'token-classification' && s.type === 'token-classification' && task.columns.tags === s.label) return s.labels;
  return undefined;
}

// ---- α, splits, epochs --------------------------------------------------------------------------------------

/** α_i / Σα (an empty weight counts as the default 1; negatives as 0); all zeros when Σα is 0. */
export function normalisedShares(weights: (number | undefined)[]): number[] {
  const w = weights.map((x) => Math.max(0, x ?? 1));
  const sum = w.reduce((a, b) => a + b, 0);
  return w.map((x) => (sum > 0 ? x / sum : 0));
}

const VALIDATION_SPLITS = ['validation', 'dev', 'val'];
/** The split names a dataset trains and (if it has one) validates on — as main/training/prepare.ts picks them. */
export function splitsOf(splits: Record<string, number>): { train: string; validation?: string } {
  const names = Object.keys(splits);
  const train = names.includes('train') ? 'train' : names.find((n) => !VALIDATION_SPLITS.includes(n) && n !== 'test') ?? names[0] ?? 'train';
  return { train, validation: VALIDATION_SPLITS.find((n) => names.includes(n) && n !== train) };
}

/** Rows a task trains on: the train split, less the held-out share when validation is carved out of it. */
export function trainRowsOf(task: TaskDraft, d: DatasetSummary | undefined, defaultFraction: number = DEFAULTS.validationFraction): number | undefined {
  if (!d) return undefined;
  const s = splitsOf(d.splits);
  const rows = d.splits[s.train] ?? d.rowCount;
  if (task.validation || s.validation) return rows;
  return Math.round(rows * (1 - (task.heldOut?.fraction ?? defaultFraction)));
}

/** Steps that see every training row once: joint steps take a batch of every task (the largest sets the pace); the
 *  other samplings train one task per step (so the tasks' batches add up). */
export function stepsPerEpoch(rows: number[], batchSize: number, sampling: Sampling): number {
  if (!rows.length || !(batchSize > 0)) return 0;
  const batches = rows.map((r) => Math.ceil(r / batchSize));
  return sampling === 'joint' ? Math.max(...batches) : batches.reduce((a, b) => a + b, 0);
}

export function epochsToSteps(epochs: number, rows: number[], batchSize: number, sampling: Sampling): number | undefined {
  const per = stepsPerEpoch(rows, batchSize, sampling);
  return per > 0 && epochs > 0 ? Math.max(1, Math.round(epochs * per)) : undefined;
}

// ---- model size ---------------------------------------------------------------------------------------------

export interface ModelShape { vocab: number; maxLength: number; hidden: number; layers: number; intermediate: number }
export interface HeadShape { type: TaskType; classes: number }
export const PRESETS = [
  { id: 'tiny', label: 'Tiny', hidden: 128, layers: 2, heads: 2, intermediate: 512 },
  { id: 'small', label: 'Small', hidden: 256, layers: 4, heads: 4, intermediate: 1024 },
  { id: 'base', label: 'Base-like', hidden: 768, layers: 12, heads: 12, intermediate: 3072 },
] as const;
/** Assumed sustained training throughput of one CPU core (the time estimates say so). */
export const FLOPS_PER_CORE = 25e9;

/** Parameters exactly as the engine lays them out (BERT encoder with pooler, one head per task). */
export function paramCount(m: ModelShape, heads: HeadShape[]): number {
  const { vocab: V, maxLength: P, hidden: H, layers: L, intermediate: I } = m;
  const embeddings = V * H + P * H + 2 * H + 2 * H;
  const layer = 4 * H * H + 4 * H + 2 * H + H * I + I + I * H + H + 2 * H;
  const pooler = H * H + H;
  const head = (h: HeadShape) => (h.type === 'regression' ? H + 1 : h.type === 'extractive-qa' ? 2 * H + 2 : h.classes * H + h.classes);
  return embeddings + L * layer + pooler + heads.reduce((a, h) => a + head(h), 0);
}

/** Training memory, roughly: fp32 parameters, gradients, two Adam moments and spares (×6) plus activations. */
export function memoryEstimate(params: number, m: ModelShape, sequencesPerStep: number): number {
  return params * 4 * 6 + sequencesPerStep * m.maxLength * m.hidden * m.layers * 4 * 34;
}

/** Seconds per epoch from 6 × parameters × tokens per step at FLOPS_PER_CORE per core (padded to maxLength). */
export function epochSecondsEstimate(params: number, tokensPerStep: number, steps: number, cpus: number): number {
  return (steps * 6 * params * tokensPerStep) / (Math.max(1, cpus) * FLOPS_PER_CORE);
}

// ---- drafts ↔ config ----------------------------------------------------------------------------------------

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
        : { text: c.text ?? has('text'), textPair: c.textPair, label: c.label ?? has('label') };
  return { dataset: String(d.id), name: taskNameFor(d.name, taken), type, columns: strip(columns) as TaskDraft['columns'], weight: 1, extra: {} };
}

export function taskToConfig(t: TaskDraft): Obj {
  const cols = Object.fromEntries(TYPE_FIELDS[t.type].map((f) => [f.field, t.columns[f.field] || undefined]));
  const labelled = t.type === 'classification' || t.type === 'token-classification';
  const heldOut = t.validation ? undefined : strip({ ...t.heldOut });
  return strip({
    ...t.extra, name: t.name, dataset: t.dataset, type: t.type, ...cols, weight: t.weight, maxLength: t.maxLength, validation: t.validation || undefined,
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
  return {
    dataset: String(dataset ?? ''), name: String(name ?? ''), type: oneOf(TASK_TYPES, type, 'classification'), columns, weight: num(weight), extra,
    labelMap: isLabelMap(labelMap) ? { ...labelMap } : undefined, validation: typeof validation === 'string' ? validation : undefined,
    heldOut: isObj(heldOut) ? { fraction: num(heldOut.fraction), seed: num(heldOut.seed), stratified: typeof heldOut.stratified === 'boolean' ? heldOut.stratified : undefined } : undefined,
    maxLength: num(maxLength),
  };
}

function trainingFromConfig(t: Obj, device: unknown): TrainingDraft {
  const es = obj(t.earlyStopping);
  return {
    length: num(t.budgetSeconds) !== undefined ? 'budget' : 'steps', steps: num(t.steps), budgetSeconds: num(t.budgetSeconds),
    batchSize: num(t.batchSize), lr: num(t.lr), warmup: num(t.warmup), evalEvery: num(t.evalEvery), seed: num(t.seed), temperature: num(t.temperature),
    patience: num(es.patience), schedule: oneOf(SCHEDULES, t.schedule, 'linear'), sampling: oneOf(SAMPLING, t.sampling, 'joint'),
    weighting: oneOf(WEIGHTING, t.weighting, 'static'), earlyStoppingMetric: typeof es.metric === 'string' ? es.metric : 'mean',
    baselines: t.baselines === true, device: oneOf(DEVICES, device, 'auto'),
  };
}

export const useProjectStore = defineStore('project', () => {
  const datasets = useDatasetsStore();
  const projectId = ref<number | undefined>();
  const name = ref('My project');
  const tasks = ref<TaskDraft[]>([]);
  const backbone = ref<BackboneDraft>({ ...DEFAULT_BACKBONE });
  const training = ref<TrainingDraft>({ ...DEFAULT_TRAINING });
  const projects = ref<ProjectRow[]>([]);
  const machine = ref<MachineInfo | undefined>();
  /** The loaded config, so keys this form does not edit survive a save. */
  let base: Obj = {};
  const issues = ref<ConfigIssue[]>([]);
  const checked = ref(false);
  const checking = ref(false);
  /** The config (as JSON) the current issues belong to, and the one last saved. */
  const checkedJson = ref<string | undefined>();
  const savedJson = ref<string | undefined>();
  const saving = ref(false);
  const loaded = ref(false);
  const error = ref<string | undefined>();
  let checkSeq = 0;

  const datasetOf = (r: string) => datasets.datasets.find((d) => String(d.id) === r) ?? datasets.datasets.find((d) => d.name === r);
  const validationFraction = () => num(obj(base.training).validationFraction) ?? DEFAULTS.validationFraction;
  /** Train rows per task (undefined where the dataset is not imported). */
  const trainRows = computed(() => tasks.value.map((t) => trainRowsOf(t, datasetOf(t.dataset), validationFraction())));
  const batchSize = computed(() => training.value.batchSize ?? DEFAULTS.batchSize);
  const epochSteps = computed(() => {
    const rows = trainRows.value;
    return rows.every((r) => r !== undefined) ? stepsPerEpoch(rows as number[], batchSize.value, training.value.sampling) : undefined;
  });
  /** The steps the config gets: as typed, or epochs × steps per epoch. */
  const steps = computed(() => {
    const t = training.value;
    if (t.length === 'steps') return t.steps;
    if (t.length === 'epochs' && t.epochs !== undefined && epochSteps.value) return Math.max(1, Math.round(t.epochs * epochSteps.value));
    return undefined;
  });
  /** α_i / Σα per task. */
  const shares = computed(() => normalisedShares(tasks.value.map((t) => t.weight)));

  /** The run config the form describes (what runs.check, runs.start and projects.save get), as plain JSON data. */
  const config = computed<Obj>(() => {
    const b = backbone.value;
    const t = training.value;
    const hidden = b.hidden;
    const bt = obj(base.training);
    // A JSON copy: no reactive proxies (IPC structured-clones its arguments) and no undefined keys.
    return JSON.parse(JSON.stringify({
      ...base,
      name: name.value.trim(),
      backbone: strip({
        ...obj(base.backbone),
        hidden,
        layers: b.layers,
        heads: b.heads,
        // Left empty, the feed-forward size follows the width (the schema's fixed default suits hidden 256 only).
        intermediate: b.intermediate ?? (hidden !== undefined && hidden > 0 ? 4 * hidden : undefined),
        maxLength: b.maxLength,
        tokenizer: strip({ ...obj(obj(base.backbone).tokenizer), vocabSize: b.vocabSize }),
      }),
      tasks: tasks.value.map(taskToConfig),
      training: strip({
        ...bt,
        steps: steps.value, budgetSeconds: t.length === 'budget' ? t.budgetSeconds : undefined,
        evalEverySeconds: t.length === 'budget' ? bt.evalEverySeconds : undefined,
        batchSize: t.batchSize, lr: t.lr, warmup: t.warmup, schedule: t.schedule, evalEvery: t.evalEvery, seed: t.seed, sampling: t.sampling, weighting: t.weighting,
        temperature: t.sampling === 'temperature' ? t.temperature : undefined,
        earlyStopping: strip({ ...obj(bt.earlyStopping), metric: t.earlyStoppingMetric, patience: t.patience }),
        baselines: t.baselines,
      }),
      device: t.device,
    })) as Obj;
  });
  const configJson = computed(() => JSON.stringify(config.value));
  const dirty = computed(() => configJson.value !== savedJson.value);
  /** Checked, with no issues, for the config as it is now: Train may start. */
  const ready = computed(() => tasks.value.length > 0 && checked.value && !checking.value && checkedJson.value === configJson.value && !issues.value.length);

  /** Issue messages by field path (`tasks[1].label`, `backbone.heads`). */
  const issuesByPath = computed(() => {
    const out: Record<string, string[]> = {};
    for (const i of issues.value) (out[i.path] ??= []).push(i.message);
    return out;
  });

  /** The paths the form has a field for; other issues are listed on their own. */
  const fieldPaths = computed(() => {
    const paths = new Set(['name', 'device', 'backbone.hidden', 'backbone.layers', 'backbone.heads', 'backbone.intermediate', 'backbone.maxLength', 'backbone.tokenizer.vocabSize']);
    for (const k of ['steps', 'budgetSeconds', 'batchSize', 'lr', 'warmup', 'schedule', 'evalEvery', 'seed', 'sampling', 'weighting', 'temperature', 'baselines', 'earlyStopping.metric', 'earlyStopping.patience'])
      paths.add(`training.${k}`);
    tasks.value.forEach((t, i) => {
      for (const f of ['name', 'type', 'dataset', 'weight', 'labelMap', 'validation', 'heldOut.fraction', 'maxLength']) paths.add(`tasks[${i}].${f}`);
      for (const f of TYPE_FIELDS[t.type]) paths.add(`tasks[${i}].${f.field}`);
    });
    return paths;
  });
  const otherIssues = computed(() => issues.value.filter((i) => !fieldPaths.value.has(i.path)));

  function reset(projectName: string): void {
    projectId.value = undefined;
    name.value = projectName;
    tasks.value = [];
    backbone.value = { ...DEFAULT_BACKBONE };
    training.value = { ...DEFAULT_TRAINING };
    base = {};
    savedJson.value = undefined;
  }

  function apply(row: ProjectRow): void {
    const c = obj(row.config);
    projectId.value = row.id;
    name.value = row.name;
    const b = obj(c.backbone);
    backbone.value = {
      hidden: num(b.hidden), layers: num(b.layers), heads: num(b.heads), intermediate: num(b.intermediate), maxLength: num(b.maxLength),
      vocabSize: num(obj(b.tokenizer).vocabSize),
    };
    // An intermediate of exactly 4 × hidden was filled in by this form: keep following the width.
    if (backbone.value.intermediate !== undefined && backbone.value.intermediate === 4 * (backbone.value.hidden ?? NaN)) backbone.value.intermediate = undefined;
    training.value = trainingFromConfig(obj(c.training), c.device);
    tasks.value = Array.isArray(c.tasks) ? c.tasks.map(taskFromConfig) : [];
    base = c;
    savedJson.value = configJson.value;
  }

  function remember(row: ProjectRow): void {
    const i = projects.value.findIndex((p) => p.id === row.id);
    if (i >= 0) projects.value.splice(i, 1);
    projects.value.unshift(row);
  }

  const newest = (rows: ProjectRow[]) => [...rows].sort((a, b) => b.updatedAt.localeCompare(a.updatedAt) || b.id - a.id);

  /** Reopens the most recently saved project (once; later visits keep the draft), and reads what this machine has. */
  async function load(): Promise<void> {
    if (loaded.value) return;
    void loadMachine();
    try {
      projects.value = newest(await call('projects.list', {}));
      if (projects.value[0]) apply(projects.value[0]);
      error.value = undefined;
    } catch (err) {
      error.value = message(err);
    } finally {
      loaded.value = true;
    }
  }

  async function loadMachine(): Promise<void> {
    try {
      machine.value = await call('app.machine', {});
    } catch (err) {
      error.value = message(err);
    }
  }

  async function persist(args: { id?: number; name: string; config: Obj }): Promise<ProjectRow | undefined> {
    saving.value = true;
    try {
      const row = await call('projects.save', args);
      remember(row);
      error.value = undefined;
      return row;
    } catch (err) {
      error.value = message(err);
      return undefined;
    } finally {
      saving.value = false;
    }
  }

  async function save(): Promise<number | undefined> {
    const sent = configJson.value;
    const row = await persist({ id: projectId.value, name: name.value.trim() || 'Untitled project', config: config.value });
    if (!row) return undefined;
    projectId.value = row.id;
    name.value = row.name;
    savedJson.value = sent === configJson.value ? sent : savedJson.value;
    return row.id;
  }

  /** Keeps the draft being left (a saved project with edits, or an unsaved one with tasks). */
  async function saveIfChanged(): Promise<boolean> {
    if (!dirty.value || (projectId.value === undefined && !tasks.value.length)) return true;
    return (await save()) !== undefined;
  }

  function freeName(wanted: string): string {
    const taken = new Set(projects.value.map((p) => p.name));
    let n = wanted;
    for (let i = 2; taken.has(n); i++) n = `${wanted} ${i}`;
    return n;
  }

  async function open(id: number): Promise<void> {
    if (id === projectId.value || !(await saveIfChanged())) return;
    const row = projects.value.find((p) => p.id === id);
    if (row) apply(row);
  }

  /** Starts a new, empty project and saves it. */
  async function create(): Promise<number | undefined> {
    if (!(await saveIfChanged())) return undefined;
    reset(freeName('Untitled project'));
    return save();
  }

  async function rename(next: string): Promise<boolean> {
    const trimmed = next.trim();
    if (!trimmed) return false;
    name.value = trimmed;
    return (await save()) !== undefined;
  }

  /** Saves a copy (same config, "… copy") and opens it. */
  async function duplicate(): Promise<number | undefined> {
    if (!(await saveIfChanged())) return undefined;
    const copyName = freeName(`${name.value.trim() || 'Untitled project'} copy`);
    const row = await persist({ name: copyName, config: { ...config.value, name: copyName } });
    if (row) apply(row);
    return row?.id;
  }

  /** Deletes a project (its runs stay); deleting the open one opens the most recent other, or a fresh draft. */
  async function remove(id: number): Promise<void> {
    try {
      await call('projects.delete', { id });
      projects.value = projects.value.filter((p) => p.id !== id);
      error.value = undefined;
      if (id === projectId.value) {
        const next = newest(projects.value)[0];
        if (next) apply(next);
        else reset(freeName('Untitled project'));
      }
    } catch (err) {
      error.value = message(err);
    }
  }

  /** Asks main to check the config (schema and datasets); true when it can train. */
  async function check(): Promise<boolean> {
    const seq = ++checkSeq;
    const sent = configJson.value;
    checking.value = true;
    try {
      const res = await call('runs.check', { config: config.value });
      if (seq === checkSeq) {
        issues.value = res.issues;
        checked.value = true;
        checkedJson.value = sent;
        error.value = undefined;
      }
      return res.ok;
    } catch (err) {
      if (seq === checkSeq) error.value = message(err);
      return false;
    } finally {
      if (seq === checkSeq) checking.value = false;
    }
  }

  // Issues follow the edits: every change is checked again shortly after typing stops.
  let timer: ReturnType<typeof setTimeout> | undefined;
  watch(configJson, () => {
    clearTimeout(timer);
    if (tasks.value.length) timer = setTimeout(() => void check(), 350);
    else {
      checkSeq++; // an answer still on its way is stale
      checking.value = false;
      issues.value = [];
    }
  });

  function addTask(d: DatasetSummary, mapping: TaskMapping | undefined): void {
    tasks.value.push(taskFromDataset(d, mapping, tasks.value.map((t) => t.name)));
  }
  /** Replaces a task; early stopping on it follows a rename. */
  function updateTask(index: number, task: TaskDraft): void {
    const old = tasks.value[index];
    if (old && old.name !== task.name && training.value.earlyStoppingMetric === old.name) training.value = { ...training.value, earlyStoppingMetric: task.name };
    tasks.value[index] = task;
  }
  function removeTask(index: number): void {
    const [gone] = tasks.value.splice(index, 1);
    if (gone && training.value.earlyStoppingMetric === gone.name) training.value = { ...training.value, earlyStoppingMetric: 'mean' };
  }
  function setBackbone(next: BackboneDraft): void {
    backbone.value = next;
  }
  function setTraining(next: TrainingDraft): void {
    training.value = next;
  }

  return {
    projectId, name, tasks, backbone, training, projects, machine, issues, checked, checking, saving, loaded, error, config, dirty, ready,
    trainRows, epochSteps, steps, shares, issuesByPath, otherIssues,
    load, loadMachine, save, open, create, rename, duplicate, remove, check, addTask, updateTask, removeTask, setBackbone, setTraining, datasetOf,
  };
});
