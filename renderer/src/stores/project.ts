// The project being edited in the Train view: its tasks (one per dataset), backbone and training settings, the
// issues `runs.check` found (by field path) and saving / reloading it as a project.
import { defineStore } from 'pinia';
import { computed, ref, watch } from 'vue';
import { call } from '../api';
import type { CallResult } from '../../../main/api/contract';
import type { DatasetSummary } from '../../../main/data/types';
import type { TaskMapping } from './datasets';

export type ConfigIssue = CallResult<'runs.check'>['issues'][number];
export type ProjectRow = CallResult<'projects.list'>[number];

// Mirrors of main/training/config.ts (the renderer may import types from the contract only).
export const TASK_TYPES = ['classification', 'regression', 'token-classification', 'extractive-qa'] as const;
export const SAMPLING = ['joint', 'proportional', 'temperature', 'round-robin'] as const;
export const WEIGHTING = ['static', 'equal', 'uncertainty', 'dwa'] as const;
export const TASK_NAME_PATTERN = /^[A-Za-z_][A-Za-z0-9_]*$/;
export type TaskType = (typeof TASK_TYPES)[number];
export type Sampling = (typeof SAMPLING)[number];
export type Weighting = (typeof WEIGHTING)[number];

export const COLUMN_FIELDS = ['text', 'textPair', 'label', 'tokens', 'tags', 'question', 'context', 'answers'] as const;
export type ColumnField = (typeof COLUMN_FIELDS)[number];
/** The column fields each task type reads; optional ones may be left empty. */
export const TYPE_FIELDS: Record<TaskType, { field: ColumnField; label: string; optional?: boolean }[]> = {
  classification: [{ field: 'text', label: 'Text' }, { field: 'textPair', label: 'Text pair', optional: true }, { field: 'label', label: 'Label' }],
  regression: [{ field: 'text', label: 'Text' }, { field: 'textPair', label: 'Text pair', optional: true }, { field: 'label', label: 'Target' }],
  'token-classification': [{ field: 'tokens', label: 'Tokens' }, { field: 'tags', label: 'Tags' }],
  'extractive-qa': [{ field: 'question', label: 'Question' }, { field: 'context', label: 'Context' }, { field: 'answers', label: 'Answers' }],
};

export interface TaskDraft {
  /** The dataset reference as a config writes it: an imported dataset's id ("3"), or a name or path from elsewhere. */
  dataset: string;
  name: string;
  type: TaskType;
  columns: Partial<Record<ColumnField, string>>;
  weight: number | undefined;
  /** Keys of a loaded task config this form does not edit (kept as they were). */
  extra: Record<string, unknown>;
}

/** Number fields are undefined when left empty (the schema's default then applies). */
export interface BackboneDraft { hidden?: number; layers?: number; heads?: number; intermediate?: number; maxLength?: number; vocabSize?: number }
export interface TrainingDraft {
  steps?: number; batchSize?: number; lr?: number; evalEvery?: number; seed?: number; temperature?: number;
  sampling: Sampling; weighting: Weighting;
}

const DEFAULT_BACKBONE: BackboneDraft = { hidden: 256, layers: 4, heads: 4, maxLength: 128, vocabSize: 8000 };
const DEFAULT_TRAINING: TrainingDraft = { steps: 2000, batchSize: 32, lr: 5e-4, evalEvery: 200, seed: 0, sampling: 'joint', weighting: 'static' };

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const obj = (v: unknown): Obj => (isObj(v) ? v : {});
const num = (v: unknown): number | undefined => (typeof v === 'number' ? v : undefined);
const oneOf = <T extends string>(list: readonly T[], v: unknown, fallback: T): T => (list.includes(v as T) ? (v as T) : fallback);
const strip = (o: Obj): Obj => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));

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

function taskToConfig(t: TaskDraft): Obj {
  const cols = Object.fromEntries(TYPE_FIELDS[t.type].map((f) => [f.field, t.columns[f.field] || undefined]));
  return strip({ ...t.extra, name: t.name, dataset: t.dataset, type: t.type, ...cols, weight: t.weight });
}

function taskFromConfig(v: unknown): TaskDraft {
  const { name, dataset, type, weight, ...rest } = obj(v);
  const columns: TaskDraft['columns'] = {};
  const extra: Obj = {};
  for (const [k, x] of Object.entries(rest)) {
    if ((COLUMN_FIELDS as readonly string[]).includes(k) && typeof x === 'string') columns[k as ColumnField] = x;
    else extra[k] = x;
  }
  return { dataset: String(dataset ?? ''), name: String(name ?? ''), type: oneOf(TASK_TYPES, type, 'classification'), columns, weight: num(weight), extra };
}

export const useProjectStore = defineStore('project', () => {
  const projectId = ref<number | undefined>();
  const name = ref('My project');
  const tasks = ref<TaskDraft[]>([]);
  const backbone = ref<BackboneDraft>({ ...DEFAULT_BACKBONE });
  const training = ref<TrainingDraft>({ ...DEFAULT_TRAINING });
  /** The loaded config, so keys this form does not edit survive a save. */
  let base: Obj = {};
  const issues = ref<ConfigIssue[]>([]);
  const checked = ref(false);
  const checking = ref(false);
  const saving = ref(false);
  const loaded = ref(false);
  const error = ref<string | undefined>();
  let checkSeq = 0;

  /** The run config the form describes (what runs.check, runs.start and projects.save get), as plain JSON data. */
  const config = computed<Obj>(() => {
    const b = backbone.value;
    const t = training.value;
    const hidden = b.hidden;
    // A JSON copy: no reactive proxies (IPC structured-clones its arguments) and no undefined keys.
    return JSON.parse(JSON.stringify({
      ...base,
      name: name.value,
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
        ...obj(base.training),
        steps: t.steps, batchSize: t.batchSize, lr: t.lr, evalEvery: t.evalEvery, seed: t.seed, sampling: t.sampling, weighting: t.weighting,
        temperature: t.sampling === 'temperature' ? t.temperature : undefined,
      }),
    })) as Obj;
  });

  /** Issue messages by field path (`tasks[1].label`, `backbone.heads`). */
  const issuesByPath = computed(() => {
    const out: Record<string, string[]> = {};
    for (const i of issues.value) (out[i.path] ??= []).push(i.message);
    return out;
  });

  /** The paths the form has a field for; other issues are listed on their own. */
  const fieldPaths = computed(() => {
    const paths = new Set(['name', 'backbone.hidden', 'backbone.layers', 'backbone.heads', 'backbone.intermediate', 'backbone.maxLength', 'backbone.tokenizer.vocabSize']);
    for (const k of ['steps', 'batchSize', 'lr', 'evalEvery', 'seed', 'sampling', 'weighting', 'temperature']) paths.add(`training.${k}`);
    tasks.value.forEach((t, i) => {
      for (const f of ['name', 'type', 'dataset', 'weight']) paths.add(`tasks[${i}].${f}`);
      for (const f of TYPE_FIELDS[t.type]) paths.add(`tasks[${i}].${f.field}`);
    });
    return paths;
  });
  const otherIssues = computed(() => issues.value.filter((i) => !fieldPaths.value.has(i.path)));

  function apply(row: ProjectRow): void {
    const c = obj(row.config);
    projectId.value = row.id;
    name.value = typeof c.name === 'string' && c.name ? c.name : row.name;
    const b = obj(c.backbone);
    const t = obj(c.training);
    backbone.value = {
      hidden: num(b.hidden), layers: num(b.layers), heads: num(b.heads), intermediate: num(b.intermediate), maxLength: num(b.maxLength),
      vocabSize: num(obj(b.tokenizer).vocabSize),
    };
    // An intermediate of exactly 4 × hidden was filled in by this form: keep following the width.
    if (backbone.value.intermediate !== undefined && backbone.value.intermediate === 4 * (backbone.value.hidden ?? NaN)) backbone.value.intermediate = undefined;
    training.value = {
      steps: num(t.steps), batchSize: num(t.batchSize), lr: num(t.lr), evalEvery: num(t.evalEvery), seed: num(t.seed), temperature: num(t.temperature),
      sampling: oneOf(SAMPLING, t.sampling, 'joint'), weighting: oneOf(WEIGHTING, t.weighting, 'static'),
    };
    tasks.value = Array.isArray(c.tasks) ? c.tasks.map(taskFromConfig) : [];
    base = c;
  }

  /** Reopens the most recently saved project (once; later visits keep the draft). */
  async function load(): Promise<void> {
    if (loaded.value) return;
    try {
      const rows = await call('projects.list', {});
      const last = [...rows].sort((a, b) => b.updatedAt.localeCompare(a.updatedAt) || b.id - a.id)[0];
      if (last) apply(last);
      error.value = undefined;
    } catch (err) {
      error.value = err instanceof Error ? err.message : String(err);
    } finally {
      loaded.value = true;
    }
  }

  async function save(): Promise<number | undefined> {
    saving.value = true;
    try {
      const row = await call('projects.save', { id: projectId.value, name: name.value.trim() || 'Untitled project', config: config.value });
      projectId.value = row.id;
      error.value = undefined;
      return row.id;
    } catch (err) {
      error.value = err instanceof Error ? err.message : String(err);
      return undefined;
    } finally {
      saving.value = false;
    }
  }

  /** Asks main to check the config (schema and datasets); true when it can train. */
  async function check(): Promise<boolean> {
    const seq = ++checkSeq;
    checking.value = true;
    try {
      const res = await call('runs.check', { config: config.value });
      if (seq === checkSeq) {
        issues.value = res.issues;
        checked.value = true;
        error.value = undefined;
      }
      return res.ok;
    } catch (err) {
      if (seq === checkSeq) error.value = err instanceof Error ? err.message : String(err);
      return false;
    } finally {
      if (seq === checkSeq) checking.value = false;
    }
  }

  // Issues follow the edits: every change is checked again shortly after typing stops.
  let timer: ReturnType<typeof setTimeout> | undefined;
  watch(config, () => {
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
  function updateTask(index: number, task: TaskDraft): void {
    tasks.value[index] = task;
  }
  function removeTask(index: number): void {
    tasks.value.splice(index, 1);
  }
  function setBackbone(next: BackboneDraft): void {
    backbone.value = next;
  }
  function setTraining(next: TrainingDraft): void {
    training.value = next;
  }

  return {
    projectId, name, tasks, backbone, training, issues, checked, checking, saving, loaded, error, config, issuesByPath, otherIssues,
    load, save, check, addTask, updateTask, removeTask, setBackbone, setTraining,
  };
});
