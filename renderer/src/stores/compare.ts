// The Compare view: the runs chosen side by side — each task's final metrics, the metric series, and every run's
// validation predictions of one task aligned by example (lib/compare-examples.ts). The only place the view's data
// comes from the API.
import { defineStore } from 'pinia';
import { computed, ref, shallowRef } from 'vue';
import { call, onEvent } from '../api';
import { problemOf, type Problem } from '../lib/error-text';
import { t } from '../i18n';
import type { RunDetail } from '../../../main/api/contract';
import { FINISHED, type MetricPoint, type RunRow, type SeriesPoint } from './runs';
import { TASK_TYPES, alignByExample, alignmentProblem, type AlignedExample, type AlignmentProblem, type PredictionRow, type TaskInfo, type TaskType } from '../lib/compare-examples';


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

/** A baseline by its task ("ner alone"), any other run by its name (in the interface's language). */
export const runLabel = (run: Pick<RunRow, 'name' | 'baselineTask'>): string => (run.baselineTask ? t('compare.alone', { task: run.baselineTask }) : run.name);

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

// ---- the store ----

export const useCompareStore = defineStore('compare', () => {
  const runs = ref<RunRow[]>([]);
  /** In selection order; the first is the reference the Δ column is taken against. */
  const selectedIds = ref<number[]>([]);
  const details = shallowRef<Record<number, RunDetail>>({});
  const points = shallowRef<Record<number, MetricPoint[]>>({});
  const loaded = ref(false);
  const error = ref<Problem | undefined>();

  const predictionTask = ref<string | undefined>();
  /** Aligned rows of predictionTask, one output per selected run. */
  const examples = shallowRef<AlignedExample[]>([]);
  const predictionsLoading = ref(false);
  const predictionsProgress = ref({ loaded: 0, total: 0 });
  const alignmentWarning = ref<AlignmentProblem | undefined>();
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
    error.value = problemOf(err);
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
