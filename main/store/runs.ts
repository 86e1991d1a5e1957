// Training runs in the database: projects, runs, metric series, evaluations, checkpoints and predictions.
// JSON columns are written with JSON.stringify and parsed on read; every multi-row write is one transaction.
// Tensor files (checkpoints) live under the data folder; this store only records their paths and never deletes files.
import type Database from 'better-sqlite3';
import { NotFoundError } from '../data/errors';
import type { Store } from './index';
import { fromJson, now, prepareStatements, toJson, toJsonOrNull, toPrediction, toProject, toRun } from './run-statements';

export const RUN_STATUSES = ['queued', 'running', 'paused', 'stopped', 'completed', 'failed', 'diverged', 'interrupted'] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];
export type CheckpointKind = 'periodic' | 'best' | 'final';

/** The error a run gets when its trainer process is found gone at startup. */
export const INTERRUPTED_ERROR =
  'the trainer process ended without finishing (crash or app closed); resume continues from the last checkpoint';

/** The most prediction rows one page returns. */
export const PREDICTION_PAGE_MAX = 1000;

export interface ProjectRow { id: number; name: string; config: unknown; createdAt: string; updatedAt: string }

export interface RunRow {
  id: number;
  projectId: number | null;
  /** Set on a single-task baseline: the multi-task run it is compared with. */
  parentId: number | null;
  /** The task a baseline trains alone; null for a main run. */
  baselineTask: string | null;
  name: string;
  config: unknown;
  status: RunStatus;
  step: number;
  totalSteps: number | null;
  plan: unknown | null;
  summary: unknown | null;
  error: string | null;
  pid: number | null;
  createdAt: string;
  startedAt: string | null;
  updatedAt: string;
  finishedAt: string | null;
}

export interface NewRun { name: string; config: unknown; projectId?: number; parentId?: number; baselineTask?: string; totalSteps?: number }

/** One value of a series; task is '' for run-wide values (loss, lr, tokens_per_s). */
export interface MetricPoint { split: 'train' | 'validation'; task: string; name: string; step: number; value: number }
/** Every field narrows the series; sinceStep keeps points with step > sinceStep (what a poller has not seen yet). */
export interface MetricFilter { split?: MetricPoint['split']; task?: string; name?: string; sinceStep?: number }

export interface EvaluationRow { step: number; task: string; result: unknown }
export interface CheckpointRow { step: number; kind: CheckpointKind; path: string; metric: number | null; createdAt: string }

export interface NewPrediction { example: number; input: unknown; gold: unknown; output: unknown; correct?: boolean | null }
export interface PredictionRow { example: number; input: unknown; gold: unknown; output: unknown; correct: boolean | null }
export interface PredictionPage { total: number; rows: PredictionRow[] }

/** Statuses that stamp finished_at. */
const FINISHED = new Set<RunStatus>(['completed', 'failed', 'diverged', 'stopped']);
/** Statuses a trainer process is behind; their pid is kept. */
const LIVE = new Set<RunStatus>(['running', 'paused']);

export class RunStore {
  private readonly db: Database.Database;
  private readonly q: ReturnType<typeof prepareStatements>;
  /** metrics() statements, one per combination of filters, so each uses the primary key as far as it can. */
  private readonly metricQueries = new Map<string, Database.Statement<[Record<string, unknown>], MetricPoint>>();

  constructor(store: Store) {
    this.db = store.db;
    this.q = prepareStatements(this.db);
  }

  // ---- projects ----

  createProject(name: string, config: unknown): ProjectRow {
    const t = now();
    return this.getProject(Number(this.q.insertProject.run(name, toJson(config), t, t).lastInsertRowid));
  }

  updateProject(id: number, patch: { name?: string; config?: unknown }): ProjectRow {
    const p = this.getProject(id);
    this.q.updateProject.run(patch.name ?? p.name, toJson(patch.config !== undefined ? patch.config : p.config), now(), id);
    return this.getProject(id);
  }

  getProject(id: number): ProjectRow {
    const r = this.q.getProject.get(id);
    if (!r) throw new NotFoundError(`project ${id} does not exist`);
    return toProject(r);
  }

  /** Newest first. */
  listProjects(): ProjectRow[] {
    return this.q.listProjects.all().map(toProject);
  }

  /** Its runs stay, detached from the project. */
  deleteProject(id: number): void {
    if (this.q.deleteProject.run(id).changes === 0) throw new NotFoundError(`project ${id} does not exist`);
  }

  // ---- runs ----

  /** Records a queued run. */
  createRun(o: NewRun): RunRow {
    return this.db.transaction(() => {
      if (o.projectId !== undefined && !this.q.getProject.get(o.projectId))
        throw new NotFoundError(`cannot create run '${o.name}': project ${o.projectId} does not exist`);
      if (o.parentId !== undefined && !this.q.getRun.get(o.parentId))
        throw new NotFoundError(`cannot create run '${o.name}': parent run ${o.parentId} does not exist`);
      const id = this.q.insertRun.run({
        projectId: o.projectId ?? null, parentId: o.parentId ?? null, baselineTask: o.baselineTask ?? null, name: o.name,
        config: toJson(o.config), totalSteps: o.totalSteps ?? null, t: now(),
      }).lastInsertRowid;
      return this.getRun(Number(id));
    })();
  }

  getRun(id: number): RunRow {
    const r = this.q.getRun.get(id);
    if (!r) throw new NotFoundError(`run ${id} does not exist`);
    return toRun(r);
  }

  /**
   * Newest first. parentId null: top-level runs only; a number: that run's baselines; undefined: every run.
   * projectId narrows to one project's runs.
   */
  listRuns(o: { parentId?: number | null; projectId?: number } = {}): RunRow[] {
    const rows = o.parentId === undefined ? this.q.listAllRuns.all()
      : o.parentId === null ? this.q.listTopRuns.all()
        : this.q.listChildRuns.all(o.parentId);
    return rows.map(toRun).filter((r) => o.projectId === undefined || r.projectId === o.projectId);
  }

  /** The single-task baselines of a run, in creation order. */
  baselinesOf(runId: number): RunRow[] {
    return this.q.baselinesOf.all(runId).map(toRun);
  }

  /**
   * Moves a run to `status`. started_at is stamped on the first 'running', finished_at on completed / failed / diverged /
   * stopped (and cleared when the run goes live again); updated_at always. Going to running / paused clears the error
   * and keeps the pid; any other status clears the pid. A given error or pid (null included) wins.
   */
  setStatus(id: number, status: RunStatus, o: { error?: string | null; pid?: number | null } = {}): void {
    const run = this.getRun(id);
    const t = now();
    const live = LIVE.has(status);
    this.q.setStatus.run({
      id, status, t,
      error: o.error !== undefined ? o.error : live ? null : run.error,
      pid: o.pid !== undefined ? o.pid : live ? run.pid : null,
      startedAt: run.startedAt ?? (status === 'running' ? t : null),
      finishedAt: FINISHED.has(status) ? t : live ? null : run.finishedAt,
    });
  }

  setProgress(id: number, step: number, totalSteps?: number): void {
    const r = totalSteps === undefined ? this.q.setStep.run(step, now(), id) : this.q.setStepAndTotal.run(step, totalSteps, now(), id);
    if (r.changes === 0) throw new NotFoundError(`run ${id} does not exist`);
  }

  setPlan(id: number, plan: unknown): void {
    if (this.q.setPlan.run(toJsonOrNull(plan), now(), id).changes === 0) throw new NotFoundError(`run ${id} does not exist`);
  }

  setSummary(id: number, summary: unknown): void {
    if (this.q.setSummary.run(toJsonOrNull(summary), now(), id).changes === 0) throw new NotFoundError(`run ${id} does not exist`);
  }

  /** Deletes the run with its baselines, metrics, evaluations, checkpoint rows and predictions (files stay). */
  deleteRun(id: number): void {
    if (this.q.deleteRun.run(id).changes === 0) throw new NotFoundError(`run ${id} does not exist`);
  }

  /**
   * Runs left 'running' or 'paused' whose process is gone (no pid, or isAlive says no) become 'interrupted', and can be
   * resumed from their last checkpoint. Called at startup; returns their ids.
   */
  markInterrupted(isAlive: (pid: number) => boolean): number[] {
    return this.db.transaction(() => {
      const stale = this.q.liveRuns.all().filter((r) => r.pid === null || !isAlive(r.pid));
      for (const r of stale) this.setStatus(r.id, 'interrupted', { error: INTERRUPTED_ERROR });
      return stale.map((r) => r.id);
    })();
  }

  // ---- metrics and evaluations ----

  /** Stores points in one transaction; a point already stored (same split, task, name and step) is overwritten. */
  addMetrics(runId: number, points: MetricPoint[]): void {
    this.forRun(runId, () => this.db.transaction(() => {
      for (const p of points) {
        if (Number.isNaN(p.value)) throw new Error(`run ${runId}, step ${p.step}: metric ${p.split}/${p.task || '(run)'}/${p.name} is NaN`);
        this.q.putMetric.run(runId, p.split, p.task, p.name, p.step, p.value);
      }
    })());
  }

  /** Points ordered by step (then split, task, name). */
  metrics(runId: number, f: MetricFilter = {}): MetricPoint[] {
    const where = ['run_id = @runId'];
    if (f.split !== undefined) where.push('split = @split');
    if (f.task !== undefined) where.push('task = @task');
    if (f.name !== undefined) where.push('name = @name');
    if (f.sinceStep !== undefined) where.push('step > @sinceStep');
    const key = where.join(' AND ');
    let stmt = this.metricQueries.get(key);
    if (!stmt) {
      stmt = this.db.prepare<[Record<string, unknown>], MetricPoint>(
        `SELECT split, task, name, step, value FROM run_metrics WHERE ${key} ORDER BY step, split, task, name`);
      this.metricQueries.set(key, stmt);
    }
    const params: Record<string, unknown> = { runId };
    for (const k of ['split', 'task', 'name', 'sinceStep'] as const) if (f[k] !== undefined) params[k] = f[k];
    return stmt.all(params);
  }

  /** Stores (or replaces) the full result of evaluating one task at one step. */
  addEvaluation(runId: number, step: number, task: string, result: unknown): void {
    this.forRun(runId, () => this.q.putEvaluation.run(runId, step, task, toJson(result)));
  }

  /** Ordered by step, then task. */
  evaluations(runId: number): EvaluationRow[] {
    return this.q.evaluations.all(runId).map((r) => ({ step: r.step, task: r.task, result: fromJson(r.result) }));
  }

  /**
   * What resume does before replaying from the checkpoint at `step`: in one transaction, forgets the metrics,
   * evaluations and checkpoint rows after that step and sets the run's step to it.
   */
  truncateAfter(runId: number, step: number): void {
    this.db.transaction(() => {
      if (this.q.setStep.run(step, now(), runId).changes === 0) throw new NotFoundError(`run ${runId} does not exist`);
      this.q.truncateMetrics.run(runId, step);
      this.q.truncateEvaluations.run(runId, step);
      this.q.truncateCheckpoints.run(runId, step);
    })();
  }

  // ---- checkpoints ----

  /**
   * Records a checkpoint file (path relative to the data folder), replacing a row of the same kind and step. A run has
   * one best file, overwritten as it improves, so a new 'best' row replaces the previous one.
   */
  addCheckpoint(runId: number, c: { step: number; kind: CheckpointKind; path: string; metric?: number | null }): void {
    this.forRun(runId, () => this.db.transaction(() => {
      if (c.kind === 'best') this.q.deleteBest.run(runId);
      this.q.putCheckpoint.run(runId, c.step, c.kind, c.path, c.metric ?? null, now());
    })());
  }

  /** Ordered by step, then kind. */
  checkpoints(runId: number): CheckpointRow[] {
    return this.q.checkpoints.all(runId);
  }

  /** The checkpoint with the highest step (of `kind`, if given; the last recorded where steps tie), or null. */
  latestCheckpoint(runId: number, kind?: CheckpointKind): CheckpointRow | null {
    return (kind === undefined ? this.q.latestCheckpoint.get(runId) : this.q.latestCheckpointOfKind.get(runId, kind)) ?? null;
  }

  /** Forgets a checkpoint row (its file is the caller's); false when there was none. */
  removeCheckpoint(runId: number, kind: CheckpointKind, step: number): boolean {
    return this.q.removeCheckpoint.run(runId, kind, step).changes > 0;
  }

  // ---- predictions ----

  /** Replaces a task's predictions in one transaction. */
  replacePredictions(runId: number, task: string, rows: NewPrediction[]): void {
    this.forRun(runId, () => this.db.transaction(() => {
      this.q.deletePredictions.run(runId, task);
      for (const r of rows) {
        const correct = r.correct === undefined || r.correct === null ? null : r.correct ? 1 : 0;
        this.q.insertPrediction.run(runId, task, r.example, toJson(r.input), toJsonOrNull(r.gold), toJson(r.output), correct);
      }
    })());
  }

  /**
   * One page of a task's predictions ordered by example (limit defaults to 100, at most PREDICTION_PAGE_MAX); total
   * counts every matching row. onlyWrong keeps the rows judged incorrect.
   */
  predictions(runId: number, task: string, o: { offset?: number; limit?: number; onlyWrong?: boolean } = {}): PredictionPage {
    const limit = Math.max(0, Math.min(PREDICTION_PAGE_MAX, Math.floor(o.limit ?? 100)));
    const offset = Math.max(0, Math.floor(o.offset ?? 0));
    const [count, page] = o.onlyWrong ? [this.q.countWrongPredictions, this.q.pageWrongPredictions] : [this.q.countPredictions, this.q.pagePredictions];
    return { total: count.get(runId, task)!.n, rows: page.all(runId, task, limit, offset).map(toPrediction) };
  }

  /** The tasks that have predictions, by name. */
  predictionTasks(runId: number): string[] {
    return this.q.predictionTasks.all(runId).map((r) => r.task);
  }

  /** Runs a write, turning a foreign-key failure (the run is gone) into a NotFoundError that names the run. */
  private forRun<T>(runId: number, write: () => T): T {
    try {
      return write();
    } catch (e) {
      if ((e as { code?: unknown }).code === 'SQLITE_CONSTRAINT_FOREIGNKEY') throw new NotFoundError(`run ${runId} does not exist`);
      throw e;
    }
  }
}
