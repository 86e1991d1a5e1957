// The Compare view: the runs chosen side by side — each task's final metrics, the metric series, and every run's
// validation predictions of one task aligned by example. The only place the view's data comes from the API.
import { defineStore } from 'pinia';
import { computed, ref, shallowRef } from 'vue';
import { call, onEvent } from '../api';
import type { CallResult, RunDetail } from '../../../main/api/contract';
import { FINISHED, type MetricPoint, type RunRow, type SeriesPoint } from './runs';

export type PredictionRow = CallResult<'runs.predictions'>['rows'][number];
export const TASK_TYPES = ['classification', 'regression', 'token-classification', 'extractive-qa'] as const;
export type TaskType = (typeof TASK_TYPES)[number];
export interface TaskInfo { name: string; type: TaskType }

/** The most rows one runs.predictions call returns. */
export const PREDICTION_PAGE = 1000;
/** How many (run, task) prediction sets stay cached. */
const PREDICTION_CACHE_SIZE = 12;
/** One colour per selected run, in selection order; readable on the light and the dark theme. */
export const RUN_COLORS = ['#6366f1', '#f59e0b', '#10b981', '#ef4444', '#0ea5e9', '#a855f7', '#84cc16', '#ec4899'];
export const runColor = (i: number): string => RUN_COLORS[i % RUN_COLORS.length]!;

/** A selected run as the view's components see it (props, never the store). */
export interface CompareRun {
  id: number;
  name: string;
  /** What headers show: "ner alone" for a baseline, else the name. */
  label: string;
  status: RunRow['status'];
  color: string;
  /** Set on a single-task baseline. */
  baselineTask: string | null;
  tasks: TaskInfo[];
  /** Final metrics per task: the best checkpoint's for a finished run, else the latest evaluation. */
  metrics: Record<string, Record<string, unknown> | undefined>;
}

/** Per task, one series per selected run (in selection order; empty where the run lacks the task). */
export interface TaskCurves { validation: SeriesPoint[][]; loss: SeriesPoint[][] }

/** One validation example with every selected run's prediction for it. */
export interface AlignedExample {
  example: number;
  input: unknown;
  gold: unknown;
  /** One entry per selected run, in selection order; undefined where that run has no prediction for the example. */
  outputs: (PredictionRow | undefined)[];
}

/** A baseline by its task ("ner alone"), any other run by its name. */
export const runLabel = (run: Pick<RunRow, 'name' | 'baselineTask'>): string => (run.baselineTask ? `${run.baselineTask} alone` : run.name);

/** The tasks of a run's (frozen) config. */
export function tasksOf(run: RunRow): TaskInfo[] {
  const tasks = (run.config as { tasks?: unknown } | null)?.tasks;
  if (!Array.isArray(tasks)) return [];
  return tasks.flatMap((t: { name?: unknown; type?: unknown }) =>
    typeof t?.name === 'string' && TASK_TYPES.includes(t.type as TaskType) ? [{ name: t.name, type: t.type as TaskType }] : [],
  );
}

/** A task's final metrics: the summary of a finished run (best checkpoint), else the run's latest evaluation. */
export function metricsOf(run: RunRow, detail: RunDetail | undefined, task: string): Record<string, unknown> | undefined {
  const summary = (run.summary as { tasks?: Record<string, Record<string, unknown>> } | null)?.tasks?.[task];
  if (summary) return summary;
  let latest: { step: number; result: unknown } | undefined;
  for (const e of detail?.evaluations ?? []) if (e.task === task && (!latest || e.step >= latest.step)) latest = e;
  return latest?.result as Record<string, unknown> | undefined;
}

/** Rows of several runs' predictions joined on `example` (the validation example's index), in example order. */
export function alignByExample(perRun: readonly (readonly PredictionRow[] | undefined)[]): AlignedExample[] {
  const byExample = new Map<number, AlignedExample>();
  perRun.forEach((rows, r) => {
    for (const row of rows ?? []) {
      let e = byExample.get(row.example);
      if (!e) byExample.set(row.example, (e = { example: row.example, input: row.input, gold: row.gold, outputs: perRun.map(() => undefined) }));
      e.outputs[r] = row;
    }
  });
  return [...byExample.values()].sort((a, b) => a.example - b.example);
}

/** Why the runs' rows of a task may not be the same examples, or undefined when they agree (count and first input). */
export function alignmentProblem(task: string, names: readonly string[], perRun: readonly (readonly PredictionRow[] | undefined)[]): string | undefined {
  const present = perRun.flatMap((rows, r) => (rows ? [{ rows, name: names[r]! }] : []));
  const [first, ...rest] = present;
  for (const other of rest) {
    const a = JSON.stringify(first!.rows[0]?.input);
    if (other.rows.length !== first!.rows.length || JSON.stringify(other.rows[0]?.input) !== a)
      return `'${first!.name}' and '${other.name}' evaluate ${task} on different validation sets (${first!.rows.length} vs ${other.rows.length} examples); rows are matched by example number only`;
  }
  return undefined;
}

// ---- per-example filters ----

export type ExampleFilter = 'all' | 'disagree' | 'any-wrong' | 'all-wrong';
/** A regression prediction further than this from gold counts as wrong, and two further apart as a disagreement. */
export const REGRESSION_TOLERANCE = 0.5;

const valueOf = (row: PredictionRow): number => Number((row.output as { value?: number } | null)?.value);

export interface EntityChunk { start: number; end: number; type: string }

/** Entities of a tag sequence as conlleval reads it, IOB1 and BIO alike (main/training/metrics/entities.ts, ported). */
export function entityChunks(tags: readonly string[]): EntityChunk[] {
  const out: EntityChunk[] = [];
  let start: number | null = null, prevTag = 'O', prevType = '';
  for (let i = 0; i <= tags.length; i++) {
    const t = i < tags.length ? tags[i]! : 'O';
    const chars = Array.from(t);
    const [tag, type] = t === 'O' || !chars.length ? ['O', ''] : [chars[0]!, chars.slice(2).join('')];
    const end = ((prevTag === 'B' || prevTag === 'I') && (tag === 'B' || tag === 'O')) || (prevTag === 'I' && tag === 'B') || (prevTag !== 'O' && prevType !== type);
    const begin = tag === 'B' || (prevTag === 'O' && tag === 'I') || (tag !== 'O' && prevType !== type);
    if (end && start !== null) {
      out.push({ start, end: i, type: prevType });
      start = null;
    }
    if (begin) start = i;
    prevTag = tag;
    prevType = type;
  }
  return out;
}
const entityKey = (tags: unknown): string => (Array.isArray(tags) ? entityChunks(tags as string[]).map((c) => `${c.start}:${c.end}:${c.type}`).join(' ') : '');

/**
 * Whether a run got the example wrong; null when that cannot be said. Entity tasks are judged by their entities, as
 * their F1 is (`I-ORG` where gold has `B-ORG` names the same entity), not tag by tag.
 */
export function isWrong(type: TaskType, row: PredictionRow | undefined): boolean | null {
  if (!row) return null;
  if (type === 'regression') {
    const v = valueOf(row), g = Number(row.gold);
    return Number.isFinite(v) && Number.isFinite(g) ? Math.abs(v - g) > REGRESSION_TOLERANCE : null;
  }
  if (type === 'token-classification') return Array.isArray(row.gold) ? outputKey(type, row) !== entityKey(row.gold) : null;
  return row.correct === null ? null : !row.correct;
}

/** What two runs must share to agree on an example. */
function outputKey(type: TaskType, row: PredictionRow): string {
  const o = (row.output ?? {}) as { label?: string; tags?: string[]; answer?: string };
  if (type === 'classification') return String(o.label);
  if (type === 'token-classification') return entityKey(o.tags);
  return String(o.answer ?? '').trim().toLowerCase();
}

/** Whether the runs that predicted the example gave different outputs (different entities, for an entity task). */
export function runsDisagree(type: TaskType, ex: AlignedExample): boolean {
  const rows = ex.outputs.filter((r): r is PredictionRow => !!r);
  if (rows.length < 2) return false;
  if (type === 'regression') {
    const vs = rows.map(valueOf);
    return Math.max(...vs) - Math.min(...vs) > REGRESSION_TOLERANCE;
  }
  const first = outputKey(type, rows[0]!);
  return rows.some((r) => outputKey(type, r) !== first);
}

export function matchesFilter(type: TaskType, ex: AlignedExample, filter: ExampleFilter): boolean {
  switch (filter) {
    case 'all': return true;
    case 'disagree': return runsDisagree(type, ex);
    case 'any-wrong': return ex.outputs.some((r) => isWrong(type, r) === true);
    case 'all-wrong': {
      const judged = ex.outputs.filter((r) => r);
      return judged.length > 0 && judged.every((r) => isWrong(type, r) === true);
    }
  }
}

/** The searchable text of an example's input: sentence (and pair), tokens, or question and context. */
export function inputText(input: unknown): string {
  const i = (input ?? {}) as { text?: string; textPair?: string; tokens?: string[]; question?: string; context?: string };
  if (Array.isArray(i.tokens)) return i.tokens.join(' ');
  if (i.question !== undefined) return `${i.question} ${i.context ?? ''}`;
  return i.textPair !== undefined ? `${i.text ?? ''} ${i.textPair}` : String(i.text ?? '');
}

// ---- the store ----

export const useCompareStore = defineStore('compare', () => {
  const runs = ref<RunRow[]>([]);
  /** In selection order; the first is the reference the Δ column is taken against. */
  const selectedIds = ref<number[]>([]);
  const details = shallowRef<Record<number, RunDetail>>({});
  const points = shallowRef<Record<number, MetricPoint[]>>({});
  const loaded = ref(false);
  const error = ref<string | undefined>();

  const predictionTask = ref<string | undefined>();
  /** Aligned rows of predictionTask, one output per selected run. */
  const examples = shallowRef<AlignedExample[]>([]);
  const predictionsLoading = ref(false);
  const predictionsProgress = ref({ loaded: 0, total: 0 });
  const alignmentWarning = ref<string | undefined>();
  let predictionsToken = 0;
  let listening = false;
  /** Predictions already fetched, by run, task and the run's updatedAt (a reselected run is not fetched again). */
  const predictionCache = new Map<string, PredictionRow[]>();

  const selected = computed(() => selectedIds.value.map((id) => runs.value.find((r) => r.id === id)).filter((r): r is RunRow => !!r));

  /** Every task of any selected run, in order of first appearance. */
  const tasks = computed<TaskInfo[]>(() => {
    const seen = new Map<string, TaskInfo>();
    for (const r of selected.value) for (const t of tasksOf(r)) if (!seen.has(t.name)) seen.set(t.name, t);
    return [...seen.values()];
  });

  const columns = computed<CompareRun[]>(() =>
    selected.value.map((row, i) => {
      const ts = tasksOf(row);
      return {
        id: row.id, name: row.name, label: runLabel(row), status: row.status, color: runColor(i), baselineTask: row.baselineTask, tasks: ts,
        metrics: Object.fromEntries(ts.map((t) => [t.name, metricsOf(row, details.value[row.id], t.name)])),
      };
    }),
  );

  const curves = computed<Record<string, TaskCurves>>(() => {
    const out: Record<string, TaskCurves> = {};
    for (const t of tasks.value) out[t.name] = { validation: selected.value.map(() => []), loss: selected.value.map(() => []) };
    selected.value.forEach((row, i) => {
      for (const p of points.value[row.id] ?? []) {
        const c = out[p.task];
        if (!c) continue;
        if (p.split === 'validation' && p.name === 'primary') c.validation[i]!.push({ step: p.step, value: p.value });
        else if (p.split === 'train' && p.name === 'loss') c.loss[i]!.push({ step: p.step, value: p.value });
      }
    });
    return out;
  });

  function fail(err: unknown): void {
    error.value = err instanceof Error ? err.message : String(err);
  }

  /** Fetches detail and series of the runs not cached yet, or changed since (a run that was still training). */
  async function ensureDetails(ids: readonly number[]): Promise<void> {
    const stale = ids.filter((id) => {
      const row = runs.value.find((r) => r.id === id);
      return row && details.value[id]?.run.updatedAt !== row.updatedAt;
    });
    if (!stale.length) return;
    const got = await Promise.all(stale.map((id) => Promise.all([call('runs.get', { id }), call('runs.metrics', { id })])));
    const d = { ...details.value }, p = { ...points.value };
    stale.forEach((id, k) => ((d[id] = got[k]![0]), (p[id] = got[k]![1])));
    details.value = d;
    points.value = p;
  }

  async function load(): Promise<void> {
    try {
      runs.value = await call('runs.list', {});
      loaded.value = true;
      selectedIds.value = selectedIds.value.filter((id) => runs.value.some((r) => r.id === id));
      await ensureDetails(selectedIds.value);
      error.value = undefined;
    } catch (err) {
      fail(err);
    }
  }

  /** Reloads the list when a run finishes (its summary and predictions are written then). */
  function listen(): void {
    if (listening) return;
    listening = true;
    onEvent('run.event', (e) => {
      if (e.type === 'status' && FINISHED.includes(e.status)) void load();
    });
  }

  async function select(ids: readonly number[]): Promise<void> {
    selectedIds.value = [...new Set(ids)];
    try {
      await ensureDetails(selectedIds.value);
      error.value = undefined;
    } catch (err) {
      fail(err);
    }
    if (predictionTask.value && tasks.value.some((t) => t.name === predictionTask.value)) await loadPredictions(predictionTask.value);
    else clearPredictions();
  }

  const toggle = (id: number) => select(selectedIds.value.includes(id) ? selectedIds.value.filter((x) => x !== id) : [...selectedIds.value, id]);
  /** The multi-task run first (the reference), then its single-task baselines. */
  const withBaselines = (id: number) => select([id, ...runs.value.filter((r) => r.parentId === id).sort((a, b) => a.id - b.id).map((r) => r.id)]);
  const makeReference = (id: number) => select([id, ...selectedIds.value.filter((x) => x !== id)]);
  const clear = () => select([]);

  function clearPredictions(): void {
    predictionsToken++;
    predictionTask.value = undefined;
    examples.value = [];
    alignmentWarning.value = undefined;
    predictionsLoading.value = false;
  }

  /** Every prediction of one run for a task, 1000 rows a call. */
  async function allPredictions(run: RunRow, task: string, onPage: (rows: number, total: number) => void): Promise<PredictionRow[]> {
    const key = `${run.id}\n${task}\n${run.updatedAt}`;
    const cached = predictionCache.get(key);
    if (cached) {
      onPage(cached.length, cached.length);
      return cached;
    }
    const id = run.id;
    const first = await call('runs.predictions', { id, task, offset: 0, limit: PREDICTION_PAGE });
    const rows = [...first.rows];
    onPage(first.rows.length, first.total);
    while (rows.length < first.total) {
      const page = await call('runs.predictions', { id, task, offset: rows.length, limit: PREDICTION_PAGE });
      if (!page.rows.length) break;
      rows.push(...page.rows);
      onPage(page.rows.length, 0);
    }
    if (!rows.length) return rows; // a run still training: its predictions are written when it finishes
    predictionCache.set(key, rows);
    if (predictionCache.size > PREDICTION_CACHE_SIZE) predictionCache.delete(predictionCache.keys().next().value!);
    return rows;
  }

  /** Loads every selected run's predictions for `task` and aligns them by example. */
  async function loadPredictions(task: string): Promise<void> {
    const token = ++predictionsToken;
    const cols = selected.value;
    predictionTask.value = task;
    predictionsLoading.value = true;
    predictionsProgress.value = { loaded: 0, total: 0 };
    const progress = { loaded: 0, total: 0 };
    try {
      const perRun = await Promise.all(
        cols.map((r) =>
          tasksOf(r).some((t) => t.name === task)
            ? allPredictions(r, task, (n, total) => {
              progress.loaded += n;
              progress.total += total;
              if (token === predictionsToken) predictionsProgress.value = { ...progress };
            })
            : Promise.resolve(undefined),
        ),
      );
      if (token !== predictionsToken) return;
      examples.value = alignByExample(perRun);
      alignmentWarning.value = alignmentProblem(task, cols.map((r) => r.name), perRun);
      error.value = undefined;
    } catch (err) {
      if (token === predictionsToken) fail(err);
    } finally {
      if (token === predictionsToken) predictionsLoading.value = false;
    }
  }

  return {
    runs, selectedIds, selected, details, points, loaded, error, tasks, columns, curves,
    predictionTask, examples, predictionsLoading, predictionsProgress, alignmentWarning,
    load, listen, select, toggle, withBaselines, makeReference, clear, loadPredictions, clearPredictions,
  };
});
