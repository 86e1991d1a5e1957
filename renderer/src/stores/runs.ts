// Training runs: the list (kept current by run.event), the selected run, and its streamed series — the train loss
// per task and the validation primary metric per task — in shallowRefs appended to in place.
import { defineStore } from 'pinia';
import { computed, ref, shallowRef, triggerRef } from 'vue';
import { call, onEvent } from '../api';
import type { CallResult, EventPayload, RunDetail } from '../../../main/api/contract';

export type RunRow = CallResult<'runs.list'>[number];
export type RunStatus = RunRow['status'];
export type MetricPoint = CallResult<'runs.metrics'>[number];
export type RunEvent = EventPayload<'run.event'>;
export type ProgressInfo = Extract<RunEvent, { type: 'progress' }>['progress'];
export type EvaluationInfo = Extract<RunEvent, { type: 'evaluation' }>['evaluation'];

export interface SeriesPoint { step: number; value: number }
/** Points per task name; the arrays are appended to in place (watch `revision`). */
export type Series = Record<string, SeriesPoint[]>;

/** What the progress bar shows: from the latest progress event, or from the stored series for a finished run. */
export interface ProgressView { step: number; totalSteps: number | null; etaSeconds?: number; tokensPerSecond?: number }

export const FINISHED: RunStatus[] = ['completed', 'failed', 'diverged', 'stopped', 'interrupted'];

/** Drops the points at or past `step` (a resumed run replays from its checkpoint), then appends. */
function put(series: Series, task: string, p: SeriesPoint): void {
  const arr = (series[task] ??= []);
  while (arr.length && arr[arr.length - 1]!.step >= p.step) arr.pop();
  arr.push(p);
}
function truncate(series: Series, step: number): void {
  for (const arr of Object.values(series)) while (arr.length && arr[arr.length - 1]!.step >= step) arr.pop();
}

export const useRunsStore = defineStore('runs', () => {
  const runs = ref<RunRow[]>([]);
  const selectedId = ref<number | undefined>();
  const detail = ref<RunDetail | undefined>();
  const progress = ref<ProgressView | undefined>();
  /** Train loss per task, streamed. */
  const loss = shallowRef<Series>({});
  /** Validation primary metric per task, streamed. */
  const validation = shallowRef<Series>({});
  /** Bumped on every append, so charts given the same arrays redraw. */
  const revision = ref(0);
  const loaded = ref(false);
  const busy = ref(false);
  const error = ref<string | undefined>();
  /** Events for the selected run that arrive while its history loads; replayed on top of it. */
  let pending: RunEvent[] | undefined;
  let listening = false;

  const selected = computed(() => runs.value.find((r) => r.id === selectedId.value));

  function fail(err: unknown): void {
    error.value = err instanceof Error ? err.message : String(err);
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

  function applyProgress(p: ProgressInfo): void {
    truncate(loss.value, p.step);
    for (const [task, value] of Object.entries(p.taskLosses)) if (Number.isFinite(value)) put(loss.value, task, { step: p.step, value });
    progress.value = { step: p.step, totalSteps: p.totalSteps, etaSeconds: p.etaSeconds, tokensPerSecond: p.tokensPerSecond };
    triggerRef(loss);
    revision.value++;
  }

  function applyEvaluation(e: EvaluationInfo): void {
    for (const r of e.results) if (Number.isFinite(r.primary)) put(validation.value, r.task, { step: e.step, value: r.primary });
    triggerRef(validation);
    revision.value++;
  }

  function applyToSelected(e: RunEvent): void {
    if (e.type === 'progress') applyProgress(e.progress);
    else if (e.type === 'evaluation') applyEvaluation(e.evaluation);
  }

  function handle(e: RunEvent): void {
    const row = runs.value.find((r) => r.id === e.runId);
    if (!row) {
      if (e.type === 'status') void load(); // a run started elsewhere (CLI, another window)
      return;
    }
    if (e.type === 'status') {
      row.status = e.status;
      row.error = e.error ?? null;
      if (e.runId === selectedId.value && FINISHED.includes(e.status)) void refresh(e.runId);
    } else if (e.type === 'progress') {
      row.step = e.progress.step;
      row.totalSteps = e.progress.totalSteps;
    }
    if (e.runId !== selectedId.value) return;
    if (pending) pending.push(e);
    else applyToSelected(e);
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

  /** Selects a run and loads its history; events arriving meanwhile are applied after it. */
  async function select(id: number): Promise<void> {
    selectedId.value = id;
    pending = [];
    loss.value = {};
    validation.value = {};
    progress.value = undefined;
    detail.value = undefined;
    try {
      const [d, points] = await Promise.all([call('runs.get', { id }), call('runs.metrics', { id })]);
      if (selectedId.value !== id) return;
      upsert(d.run);
      detail.value = d;
      const l: Series = {};
      const v: Series = {};
      let tokensPerSecond: number | undefined;
      for (const p of points) {
        if (p.split === 'train' && p.task && p.name === 'loss') put(l, p.task, { step: p.step, value: p.value });
        else if (p.split === 'validation' && p.task && p.name === 'primary') put(v, p.task, { step: p.step, value: p.value });
        else if (p.split === 'train' && !p.task && p.name === 'tokens_per_s') tokensPerSecond = p.value;
      }
      loss.value = l;
      validation.value = v;
      progress.value = { step: d.run.step, totalSteps: d.run.totalSteps, tokensPerSecond };
      for (const e of pending ?? []) applyToSelected(e);
      revision.value++;
    } catch (err) {
      fail(err);
    } finally {
      if (selectedId.value === id) pending = undefined;
    }
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

  return { runs, selectedId, selected, detail, progress, loss, validation, revision, loaded, busy, error, load, listen, select, refresh, start, pause, resume, stop };
});
