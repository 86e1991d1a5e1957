// Training runs in the database: projects, runs, metric series, evaluations, checkpoints and predictions.
// JSON columns are parsed on read; every multi-row write is one transaction.
import type Database from 'better-sqlite3';
import { NotFoundError } from '../data/errors';
import type { Store } from './index';

export const RUN_STATUSES = ['queued', 'running', 'paused', 'stopped', 'completed', 'failed', 'diverged', 'interrupted'] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];

export interface ProjectRow { id: number; name: string; config: unknown; createdAt: string; updatedAt: string }

export interface RunRow {
  id: number;
  projectId: number | null;
  parentId: number | null;
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

export interface MetricPoint { split: 'train' | 'validation'; task: string; name: string; step: number; value: number }
export interface CheckpointRow { step: number; kind: 'periodic' | 'best' | 'final'; path: string; metric: number | null; createdAt: string }
export interface PredictionRow { example: number; input: unknown; gold: unknown; output: unknown; correct: boolean | null }

const now = () => new Date().toISOString();
const json = (v: unknown) => (v === undefined ? null : JSON.stringify(v));
const parse = (s: string | null): unknown => (s === null ? null : JSON.parse(s));

interface RawRun {
  id: number; project_id: number | null; parent_id: number | null; baseline_task: string | null; name: string; config: string; status: RunStatus;
  step: number; total_steps: number | null; plan: string | null; summary: string | null; error: string | null; pid: number | null;
  created_at: string; started_at: string | null; updated_at: string; finished_at: string | null;
}

const toRun = (r: RawRun): RunRow => ({
  id: r.id, projectId: r.project_id, parentId: r.parent_id, baselineTask: r.baseline_task, name: r.name, config: parse(r.config),
  status: r.status, step: r.step, totalSteps: r.total_steps, plan: parse(r.plan), summary: parse(r.summary), error: r.error, pid: r.pid,
  createdAt: r.created_at, startedAt: r.started_at, updatedAt: r.updated_at, finishedAt: r.finished_at,
});

const FINISHED: RunStatus[] = ['completed', 'failed', 'diverged', 'stopped'];

export class RunStore {
  private readonly db: Database.Database;
  constructor(store: Store) {
    this.db = store.db;
  }

  // ---- projects ----
  createProject(name: string, config: unknown): ProjectRow {
    const t = now();
    const id = Number(this.db.prepare('INSERT INTO projects (name, config, created_at, updated_at) VALUES (?, ?, ?, ?)').run(name, json(config), t, t).lastInsertRowid);
    return this.getProject(id);
  }
  updateProject(id: number, patch: { name?: string; config?: unknown }): ProjectRow {
    const p = this.getProject(id);
    this.db.prepare('UPDATE projects SET name = ?, config = ?, updated_at = ? WHERE id = ?').run(patch.name ?? p.name, json(patch.config ?? p.config), now(), id);
    return this.getProject(id);
  }
  getProject(id: number): ProjectRow {
    const r = this.db.prepare('SELECT * FROM projects WHERE id = ?').get(id) as { id: number; name: string; config: string; created_at: string; updated_at: string } | undefined;
    if (!r) throw new NotFoundError(`project ${id} does not exist`);
    return { id: r.id, name: r.name, config: parse(r.config), createdAt: r.created_at, updatedAt: r.updated_at };
  }
  listProjects(): ProjectRow[] {
    return (this.db.prepare('SELECT id FROM projects ORDER BY id DESC').all() as { id: number }[]).map((r) => this.getProject(r.id));
  }
  deleteProject(id: number): void {
    if (this.db.prepare('DELETE FROM projects WHERE id = ?').run(id).changes === 0) throw new NotFoundError(`project ${id} does not exist`);
  }

  // ---- runs ----
  createRun(o: { name: string; config: unknown; projectId?: number; parentId?: number; baselineTask?: string; totalSteps?: number }): RunRow {
    const t = now();
    const id = Number(this.db.prepare(`INSERT INTO runs (project_id, parent_id, baseline_task, name, config, status, total_steps, created_at, updated_at)
      VALUES (?, ?, ?, ?, ?, 'queued', ?, ?, ?)`).run(o.projectId ?? null, o.parentId ?? null, o.baselineTask ?? null, o.name, json(o.config), o.totalSteps ?? null, t, t).lastInsertRowid);
    return this.getRun(id);
  }
  getRun(id: number): RunRow {
    const r = this.db.prepare('SELECT * FROM runs WHERE id = ?').get(id) as RawRun | undefined;
    if (!r) throw new NotFoundError(`run ${id} does not exist`);
    return toRun(r);
  }
  /** Newest first. parentId null: top-level runs only; a number: that run's baselines; undefined: every run. */
  listRuns(o: { parentId?: number | null } = {}): RunRow[] {
    const rows = o.parentId === undefined ? this.db.prepare('SELECT * FROM runs ORDER BY id DESC').all()
      : o.parentId === null ? this.db.prepare('SELECT * FROM runs WHERE parent_id IS NULL ORDER BY id DESC').all()
        : this.db.prepare('SELECT * FROM runs WHERE parent_id = ? ORDER BY id DESC').all(o.parentId);
    return (rows as RawRun[]).map(toRun);
  }
  baselinesOf(id: number): RunRow[] {
    return (this.db.prepare('SELECT * FROM runs WHERE parent_id = ? ORDER BY id').all(id) as RawRun[]).map(toRun);
  }
  setStatus(id: number, status: RunStatus, o: { error?: string | null; pid?: number } = {}): void {
    const r = this.getRun(id);
    const t = now();
    const live = status === 'running' || status === 'paused';
    this.db.prepare(`UPDATE runs SET status = ?, error = ?, pid = ?, started_at = COALESCE(started_at, ?), finished_at = ?, updated_at = ? WHERE id = ?`).run(
      status, o.error ?? (live ? null : r.error), o.pid ?? (live ? r.pid : null), status === 'running' ? t : null,
      FINISHED.includes(status) ? t : live ? null : r.finishedAt, t, id);
  }
  setProgress(id: number, step: number, totalSteps?: number): void {
    if (totalSteps === undefined) this.db.prepare('UPDATE runs SET step = ?, updated_at = ? WHERE id = ?').run(step, now(), id);
    else this.db.prepare('UPDATE runs SET step = ?, total_steps = ?, updated_at = ? WHERE id = ?').run(step, totalSteps, now(), id);
  }
  setPlan(id: number, plan: unknown): void {
    this.db.prepare('UPDATE runs SET plan = ?, updated_at = ? WHERE id = ?').run(json(plan), now(), id);
  }
  setSummary(id: number, summary: unknown): void {
    this.db.prepare('UPDATE runs SET summary = ?, updated_at = ? WHERE id = ?').run(json(summary), now(), id);
  }
  deleteRun(id: number): void {
    if (this.db.prepare('DELETE FROM runs WHERE id = ?').run(id).changes === 0) throw new NotFoundError(`run ${id} does not exist`);
  }

  // ---- metrics and evaluations ----
  addMetrics(runId: number, points: MetricPoint[]): void {
    const ins = this.db.prepare('INSERT OR REPLACE INTO run_metrics (run_id, split, task, name, step, value) VALUES (?, ?, ?, ?, ?, ?)');
    this.db.transaction(() => { for (const p of points) ins.run(runId, p.split, p.task, p.name, p.step, p.value); })();
  }
  metrics(runId: number, f: { split?: string; task?: string; name?: string; sinceStep?: number } = {}): MetricPoint[] {
    return this.db.prepare(`SELECT split, task, name, step, value FROM run_metrics WHERE run_id = ?
      AND (? IS NULL OR split = ?) AND (? IS NULL OR task = ?) AND (? IS NULL OR name = ?) AND step > COALESCE(?, -1)
      ORDER BY step, split, task, name`).all(runId, f.split ?? null, f.split ?? null, f.task ?? null, f.task ?? null, f.name ?? null, f.name ?? null, f.sinceStep ?? null) as MetricPoint[];
  }
  addEvaluation(runId: number, step: number, task: string, result: unknown): void {
    this.db.prepare('INSERT OR REPLACE INTO evaluations (run_id, step, task, result) VALUES (?, ?, ?, ?)').run(runId, step, task, json(result));
  }
  evaluations(runId: number): { step: number; task: string; result: unknown }[] {
    return (this.db.prepare('SELECT step, task, result FROM evaluations WHERE run_id = ? ORDER BY step, task').all(runId) as { step: number; task: string; result: string }[])
      .map((r) => ({ step: r.step, task: r.task, result: parse(r.result) }));
  }
  /** Forgets everything recorded after `step` (a resumed run replays those steps). */
  truncateAfter(runId: number, step: number): void {
    this.db.transaction(() => {
      this.db.prepare('DELETE FROM run_metrics WHERE run_id = ? AND step > ?').run(runId, step);
      this.db.prepare('DELETE FROM evaluations WHERE run_id = ? AND step > ?').run(runId, step);
      this.db.prepare("DELETE FROM checkpoints WHERE run_id = ? AND step > ? AND kind = 'periodic'").run(runId, step);
      this.db.prepare('UPDATE runs SET step = ?, updated_at = ? WHERE id = ?').run(step, now(), runId);
    })();
  }

  // ---- checkpoints ----
  addCheckpoint(runId: number, c: { step: number; kind: CheckpointRow['kind']; path: string; metric?: number }): void {
    this.db.transaction(() => {
      if (c.kind === 'best') this.db.prepare("DELETE FROM checkpoints WHERE run_id = ? AND kind = 'best'").run(runId); // one best file, overwritten
      this.db.prepare('INSERT OR REPLACE INTO checkpoints (run_id, step, kind, path, metric, created_at) VALUES (?, ?, ?, ?, ?, ?)').run(runId, c.step, c.kind, c.path, c.metric ?? null, now());
    })();
  }
  checkpoints(runId: number): CheckpointRow[] {
    return this.db.prepare('SELECT step, kind, path, metric, created_at AS createdAt FROM checkpoints WHERE run_id = ? ORDER BY step, kind').all(runId) as CheckpointRow[];
  }

  // ---- predictions ----
  replacePredictions(runId: number, task: string, rows: { example: number; input: unknown; gold: unknown; output: unknown; correct?: boolean }[]): void {
    const ins = this.db.prepare('INSERT INTO predictions (run_id, task, example, input, gold, output, correct) VALUES (?, ?, ?, ?, ?, ?, ?)');
    this.db.transaction(() => {
      this.db.prepare('DELETE FROM predictions WHERE run_id = ? AND task = ?').run(runId, task);
      for (const r of rows) ins.run(runId, task, r.example, json(r.input), json(r.gold), json(r.output), r.correct === undefined ? null : r.correct ? 1 : 0);
    })();
  }
  predictions(runId: number, task: string, o: { offset?: number; limit?: number; onlyWrong?: boolean } = {}): { total: number; rows: PredictionRow[] } {
    const wrong = o.onlyWrong ? ' AND correct = 0' : '';
    const total = (this.db.prepare(`SELECT COUNT(*) AS n FROM predictions WHERE run_id = ? AND task = ?${wrong}`).get(runId, task) as { n: number }).n;
    const rows = this.db.prepare(`SELECT example, input, gold, output, correct FROM predictions WHERE run_id = ? AND task = ?${wrong} ORDER BY example LIMIT ? OFFSET ?`)
      .all(runId, task, Math.max(0, Math.min(1000, o.limit ?? 100)), Math.max(0, o.offset ?? 0)) as { example: number; input: string; gold: string | null; output: string; correct: number | null }[];
    return { total, rows: rows.map((r) => ({ example: r.example, input: parse(r.input), gold: parse(r.gold), output: parse(r.output), correct: r.correct === null ? null : r.correct === 1 })) };
  }
  predictionTasks(runId: number): string[] {
    return (this.db.prepare('SELECT DISTINCT task FROM predictions WHERE run_id = ? ORDER BY task').all(runId) as { task: string }[]).map((r) => r.task);
  }

  /** Runs left 'running' / 'paused' by a process that is gone become 'interrupted' (resumable). Returns their ids. */
  markInterrupted(isAlive: (pid: number) => boolean): number[] {
    const stale = (this.db.prepare("SELECT id, pid FROM runs WHERE status IN ('running','paused')").all() as { id: number; pid: number | null }[])
      .filter((r) => r.pid === null || !isAlive(r.pid));
    for (const r of stale) this.setStatus(r.id, 'interrupted', { error: 'the trainer process ended without finishing (crash or app closed); resume continues from the last checkpoint' });
    return stale.map((r) => r.id);
  }
}
