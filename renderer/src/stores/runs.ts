// Training runs: the list (kept current by run.event), the selected run, and its streamed metric series — every
// (split, task, name) of runs.metrics, each a SeriesBuffer (typed arrays appended to in place) in one shallowRef.
// Charts watch `revision`, bumped on every append. A run that is resumed from a checkpoint reloads its history (main
// forgot the points past the checkpoint), and progress at a step drops any points at or past it (the replay).
import { defineStore } from 'pinia';
import { computed, ref, shallowRef } from 'vue';
import { call, onEvent } from '../api';
import { problemOf, type Problem } from '../lib/error-text';
import { SeriesBuffer } from '../charts/series';
import type { CallResult, EventPayload, RunDetail } from '../../../main/api/contract';

export type RunRow = CallResult<'runs.list'>[number];
export type RunStatus = RunRow['status'];
export type MetricPoint = CallResult<'runs.metrics'>[number];
export type RunEvent = EventPayload<'run.event'>;
export type ProgressInfo = Extract<RunEvent, { type: 'progress' }>['progress'];
export type EvaluationInfo = Extract<RunEvent, { type: 'evaluation' }>['evaluation'];

export interface SeriesPoint { step: number; value: number }
/** Series by key (seriesKey) or by task name; the buffers are appended to in place (watch `revision`). */
export type SeriesMap = Record<string, SeriesBuffer>;
export { SeriesBuffer };

/** The key of one metric series: split, task ('' for run-wide values such as the weighted total loss or lr), name. */
export const seriesKey = (split: MetricPoint['split'], task: string, name: string): string => `${split}/${task}/${name}`;

/** What the progress bar shows: from the latest progress event, or from the stored series for a finished run. */
export interface ProgressView { step: number; totalSteps: number | null; etaSeconds?: number; tokensPerSecond?: number }

export const FINISHED: RunStatus[] = ['completed', 'failed', 'diverged', 'stopped', 'interrupted'];

/** The points main stores for one progress report (run-service persist), so live and reloaded series match. */
export function progressPoints(p: ProgressInfo): MetricPoint[] {
  const pts: MetricPoint[] = [
    { split: 'train', task: '', name: 'loss', step: p.step, value: p.loss },
    { split: 'train', task: '', name: 'lr', step: p.step, value: p.lr },
    { split: 'train', task: '', name: 'tokens_per_s', step: p.step, value: p.tokensPerSecond },
    { split: 'train', task: '', name: 'train_seconds', step: p.step, value: p.trainSeconds },
    { split: 'train', task: '', name: 'tokens', step: p.step, value: p.tokens },
  ];
  for (const [task, value] of Object.entries(p.taskLosses ?? {})) pts.push({ split: 'train', task, name: 'loss', step: p.step, value });
  for (const [task, value] of Object.entries(p.weights ?? {})) pts.push({ split: 'train', task, name: 'weight', step: p.step, value });
  return pts.filter((x) => Number.isFinite(x.value));
}

/** The points main stores for one evaluation. */
export function evaluationPoints(e: EvaluationInfo): MetricPoint[] {
  const pts: MetricPoint[] = [{ split: 'validation', task: '', name: 'mean', step: e.step, value: e.mean }];
  for (const r of e.results) {
    pts.push({ split: 'validation', task: r.task, name: 'primary', step: e.step, value: r.primary });
    for (const [name, v] of Object.entries(r.metrics ?? {})) if (typeof v === 'number') pts.push({ split: 'validation', task: r.task, name, step: e.step, value: v });
  }
  return pts.filter((x) => Number.isFinite(x.value));
}

/** Appends a point to its series in `map`; true when that series is new. */
function put(map: SeriesMap, p: MetricPoint): boolean {
  const k = seriesKey(p.split, p.task, p.name);
  const b = map[k];
  if (b) {
    b.push(p.step, p.value);
    return false;
  }
  (map[k] = new SeriesBuffer()).push(p.step, p.value);
  return true;
}

/** The series of one split and name, by task (run-wide ones, task '', left out). */
export function byTask(map: SeriesMap, split: MetricPoint['split'], name: string): SeriesMap {
  const out: SeriesMap = {};
  const prefix = `${split}/`;
  const suffix = `/${name}`;
  for (const [k, b] of Object.entries(map)) {
    if (!k.startsWith(prefix) || !k.endsWith(suffix)) continue;
    const task = k.slice(prefix.length, k.length - suffix.length);
    if (task && !task.includes('/')) out[task] = b;
  }
  return out;
}

export const useRunsStore = defineStore('runs', () => {
  const runs = ref<RunRow[]>([]);
  const selectedId = ref<number | undefined>();
  const detail = ref<RunDetail | undefined>();
  const progress = ref<ProgressView | undefined>();
  /** Every metric series of the selected run, by seriesKey; replaced when a series appears, appended to in place. */
  const series = shallowRef<SeriesMap>({});
  /** Bumped on every append, so charts holding the same buffers redraw. */
  const revision = ref(0);
  const loaded = ref(false);
  const busy = ref(false);
  const error = ref<Problem | undefined>();
  /** A run's error with its code and parameters, as its status event brought it (the row keeps main's English text). */
  const runErrors = ref<Record<number, Problem>>({});
  /** Events for the selected run that arrive while its history loads; replayed on top of it. */
  let pending: { e: RunEvent; before: RunStatus }[] | undefined;
  /** The latest history load; an older one that finishes late is dropped. */
  let loading = 0;
  let listening = false;

  const selected = computed(() => runs.value.find((r) => r.id === selectedId.value));
  /** Train loss per task. */
  const loss = computed(() => byTask(series.value, 'train', 'loss'));
  /** Validation primary metric per task. */
  const validation = computed(() => byTask(series.value, 'validation', 'primary'));
  /** Loss weight per task (dynamic weighting moves these). */
  const weights = computed(() => byTask(series.value, 'train', 'weight'));
  /** A run-wide series: 'loss' (the weighted total), 'lr', 'tokens_per_s', … */
  const runSeries = (name: string, split: MetricPoint['split'] = 'train'): SeriesBuffer | undefined => series.value[seriesKey(split, '', name)];

  function fail(err: unknown): void {
    error.value = problemOf(err);
  }

  function upsert(row: RunRow): void {
    const i = runs.value.findIndex((r) => r.id === row.id);
    if (i >= 0) runs.value[i] = row;
    else runs.value.unshift(row);
  }

  async function load(): Promise<void> {
    try {
      runs.value = await call('runs.list', {});
      loaded.value = true;
      error.value = undefined;
      if (selectedId.value === undefined && runs.value.length) await select(runs.value[0]!.id);
    } catch (err) {
      fail(err);
    }
  }

  function append(points: MetricPoint[]): void {
    let created = false;
    for (const p of points) if (put(series.value, p)) created = true;
    // A new series replaces the map, so whatever picks series out of it (a chart's lines) sees the new one.
    if (created) series.value = { ...series.value };
    revision.value++;
  }

  function applyProgress(p: ProgressInfo): void {
    // A report at a step replaces whatever was recorded at or past it (a resumed run replays from its checkpoint).
    for (const b of Object.values(series.value)) b.truncateFrom(p.step);
    append(progressPoints(p));
    progress.value = { step: p.step, totalSteps: p.totalSteps, etaSeconds: p.etaSeconds, tokensPerSecond: p.tokensPerSecond };
  }

  function applyToSelected(e: RunEvent): void {
    if (e.type === 'progress') applyProgress(e.progress);
    else if (e.type === 'evaluation') append(evaluationPoints(e.evaluation));
  }

  /** What an event changes on its run's row. */
  function applyToRow(row: RunRow, e: RunEvent): void {
    if (e.type === 'status') {
      row.status = e.status;
      row.error = e.error ?? null;
      if (e.error && e.code) runErrors.value[row.id] = problemOf({ message: e.error, code: e.code, params: e.params });
      else delete runErrors.value[row.id];
    } else if (e.type === 'progress') {
      row.step = e.progress.step;
      row.totalSteps = e.progress.totalSteps;
    }
  }

  /** What an event of the selected run does beyond its row: series, progress, and reloads. */
  function onSelectedEvent(e: RunEvent, before: RunStatus): void {
    if (e.type === 'status') {
      if (FINISHED.includes(e.status)) void refresh(e.runId);
      // Restarted from its last checkpoint (resume after a stop, interruption or failure): main has forgotten the
      // points past the checkpoint and the trainer replays from there, so the history is read again.
      else if (e.status === 'running' && FINISHED.includes(before)) void loadHistory(e.runId);
    } else applyToSelected(e);
  }

  function handle(e: RunEvent): void {
    const row = runs.value.find((r) => r.id === e.runId);
    if (!row) {
      if (e.type === 'status') void load(); // a run started elsewhere (CLI, another window)
      return;
    }
    const before = row.status;
    applyToRow(row, e);
    if (e.runId !== selectedId.value) return;
    if (pending) pending.push({ e, before });
    else onSelectedEvent(e, before);
  }

  function listen(): void {
    if (listening) return;
    listening = true;
    onEvent('run.event', handle);
  }

  /** Re-reads a run's row and detail (after it finishes: summary, error, final step). */
  async function refresh(id: number): Promise<void> {
    try {
      const d = await call('runs.get', { id });
      upsert(d.run);
      if (id === selectedId.value) detail.value = d;
    } catch (err) {
      fail(err);
    }
  }

  /** Reads the selected run's row and every series; events arriving meanwhile are applied on top. */
  async function loadHistory(id: number): Promise<void> {
    const token = ++loading;
    pending = [];
    try {
      const [d, points] = await Promise.all([call('runs.get', { id }), call('runs.metrics', { id })]);
      if (token !== loading || selectedId.value !== id) return;
      upsert(d.run);
      detail.value = d;
      const map: SeriesMap = {};
      let tokensPerSecond: number | undefined;
      for (const p of points) {
        put(map, p);
        if (p.split === 'train' && !p.task && p.name === 'tokens_per_s') tokensPerSecond = p.value;
      }
      series.value = map;
      progress.value = { step: d.run.step, totalSteps: d.run.totalSteps, tokensPerSecond };
      const queued = pending ?? [];
      pending = undefined;
      // The row just read may be older than the events that came meanwhile: they are applied again, in order.
      const row = runs.value.find((r) => r.id === id);
      for (const { e, before } of queued) {
        if (row) applyToRow(row, e);
        onSelectedEvent(e, before);
        if (token !== loading) break; // that event started a newer load
      }
      revision.value++;
    } catch (err) {
      if (token === loading) fail(err);
    } finally {
      if (token === loading) pending = undefined;
    }
  }

  /** Selects a run and loads its history. */
  async function select(id: number): Promise<void> {
    selectedId.value = id;
    series.value = {};
    progress.value = undefined;
    detail.value = undefined;
    await loadHistory(id);
  }

  async function start(config: unknown, projectId?: number): Promise<RunRow | undefined> {
    busy.value = true;
    try {
      const row = await call('runs.start', { config, projectId });
      upsert(row);
      error.value = undefined;
      await select(row.id);
      return row;
    } catch (err) {
      fail(err);
      return undefined;
    } finally {
      busy.value = false;
    }
  }

  async function control(action: 'runs.pause' | 'runs.resume' | 'runs.stop', id: number): Promise<void> {
    busy.value = true;
    try {
      // The answer is the row as the call left it; the trainer's reaction (paused, stopped) follows as run.event.
      upsert(await call(action, { id }));
      error.value = undefined;
    } catch (err) {
      fail(err);
    } finally {
      busy.value = false;
    }
  }

  const pause = (id: number) => control('runs.pause', id);
  const resume = (id: number) => control('runs.resume', id);
  const stop = (id: number) => control('runs.stop', id);

  return {
    runs, selectedId, selected, detail, progress, series, loss, validation, weights, revision, loaded, busy, error, runErrors,
    runSeries, load, listen, select, refresh, start, pause, resume, stop,
  };
});
