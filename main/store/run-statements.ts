// The SQL of the run store: the rows as SQLite holds them, their conversion to the store's rows (JSON columns parsed
// on read), and every prepared statement RunStore runs.
import type Database from 'better-sqlite3';
import type { CheckpointKind, CheckpointRow, PredictionRow, ProjectRow, RunRow, RunStatus } from './runs';

export interface RawRun {
  id: number; project_id: number | null; parent_id: number | null; baseline_task: string | null; name: string; config: string;
  status: RunStatus; step: number; total_steps: number | null; plan: string | null; summary: string | null; error: string | null;
  pid: number | null; created_at: string; started_at: string | null; updated_at: string; finished_at: string | null;
}
export interface RawProject { id: number; name: string; config: string; created_at: string; updated_at: string }
export interface RawPrediction { example: number; input: string; gold: string | null; output: string; correct: number | null }

export const now = () => new Date().toISOString();
/** For NOT NULL JSON columns. */
export const toJson = (v: unknown): string => JSON.stringify(v === undefined ? null : v);
/** For nullable JSON columns: undefined and null become SQL NULL. */
export const toJsonOrNull = (v: unknown): string | null => (v === undefined || v === null ? null : JSON.stringify(v));
export const fromJson = (s: string | null): unknown => (s === null ? null : JSON.parse(s));

export const toProject = (r: RawProject): ProjectRow => ({ id: r.id, name: r.name, config: fromJson(r.config), createdAt: r.created_at, updatedAt: r.updated_at });

export const toRun = (r: RawRun): RunRow => ({
  id: r.id, projectId: r.project_id, parentId: r.parent_id, baselineTask: r.baseline_task, name: r.name, config: fromJson(r.config),
  status: r.status, step: r.step, totalSteps: r.total_steps, plan: fromJson(r.plan), summary: fromJson(r.summary), error: r.error,
  pid: r.pid, createdAt: r.created_at, startedAt: r.started_at, updatedAt: r.updated_at, finishedAt: r.finished_at,
});

export const toPrediction = (r: RawPrediction): PredictionRow => ({
  example: r.example, input: fromJson(r.input), gold: fromJson(r.gold), output: fromJson(r.output), correct: r.correct === null ? null : r.correct === 1,
});

const CHECKPOINT_COLUMNS = 'step, kind, path, metric, created_at AS createdAt';

export function prepareStatements(db: Database.Database) {
  return {
    insertProject: db.prepare('INSERT INTO projects (name, config, created_at, updated_at) VALUES (?, ?, ?, ?)'),
    updateProject: db.prepare('UPDATE projects SET name = ?, config = ?, updated_at = ? WHERE id = ?'),
    getProject: db.prepare<[number], RawProject>('SELECT * FROM projects WHERE id = ?'),
    listProjects: db.prepare<[], RawProject>('SELECT * FROM projects ORDER BY id DESC'),
    deleteProject: db.prepare('DELETE FROM projects WHERE id = ?'),

    insertRun: db.prepare(`INSERT INTO runs (project_id, parent_id, baseline_task, name, config, status, total_steps, created_at, updated_at)
      VALUES (@projectId, @parentId, @baselineTask, @name, @config, 'queued', @totalSteps, @t, @t)`),
    getRun: db.prepare<[number], RawRun>('SELECT * FROM runs WHERE id = ?'),
    listAllRuns: db.prepare<[], RawRun>('SELECT * FROM runs ORDER BY id DESC'),
    listTopRuns: db.prepare<[], RawRun>('SELECT * FROM runs WHERE parent_id IS NULL ORDER BY id DESC'),
    listChildRuns: db.prepare<[number], RawRun>('SELECT * FROM runs WHERE parent_id = ? ORDER BY id DESC'),
    baselinesOf: db.prepare<[number], RawRun>('SELECT * FROM runs WHERE parent_id = ? ORDER BY id'),
    liveRuns: db.prepare<[], { id: number; pid: number | null }>("SELECT id, pid FROM runs WHERE status IN ('running', 'paused') ORDER BY id"),
    setStatus: db.prepare(`UPDATE runs SET status = @status, error = @error, pid = @pid, started_at = @startedAt, finished_at = @finishedAt,
      updated_at = @t WHERE id = @id`),
    setStep: db.prepare('UPDATE runs SET step = ?, updated_at = ? WHERE id = ?'),
    setStepAndTotal: db.prepare('UPDATE runs SET step = ?, total_steps = ?, updated_at = ? WHERE id = ?'),
    setPlan: db.prepare('UPDATE runs SET plan = ?, updated_at = ? WHERE id = ?'),
    setSummary: db.prepare('UPDATE runs SET summary = ?, updated_at = ? WHERE id = ?'),
    deleteRun: db.prepare('DELETE FROM runs WHERE id = ?'),

    putMetric: db.prepare('INSERT OR REPLACE INTO run_metrics (run_id, split, task, name, step, value) VALUES (?, ?, ?, ?, ?, ?)'),
    putEvaluation: db.prepare('INSERT OR REPLACE INTO evaluations (run_id, step, task, result) VALUES (?, ?, ?, ?)'),
    evaluations: db.prepare<[number], { step: number; task: string; result: string }>(
      'SELECT step, task, result FROM evaluations WHERE run_id = ? ORDER BY step, task'),
    truncateMetrics: db.prepare('DELETE FROM run_metrics WHERE run_id = ? AND step > ?'),
    truncateEvaluations: db.prepare('DELETE FROM evaluations WHERE run_id = ? AND step > ?'),
    truncateCheckpoints: db.prepare('DELETE FROM checkpoints WHERE run_id = ? AND step > ?'),

    deleteBest: db.prepare("DELETE FROM checkpoints WHERE run_id = ? AND kind = 'best'"),
    putCheckpoint: db.prepare('INSERT OR REPLACE INTO checkpoints (run_id, step, kind, path, metric, created_at) VALUES (?, ?, ?, ?, ?, ?)'),
    checkpoints: db.prepare<[number], CheckpointRow>(`SELECT ${CHECKPOINT_COLUMNS} FROM checkpoints WHERE run_id = ? ORDER BY step, kind`),
    latestCheckpoint: db.prepare<[number], CheckpointRow>(
      `SELECT ${CHECKPOINT_COLUMNS} FROM checkpoints WHERE run_id = ? ORDER BY step DESC, rowid DESC LIMIT 1`),
    latestCheckpointOfKind: db.prepare<[number, CheckpointKind], CheckpointRow>(
      `SELECT ${CHECKPOINT_COLUMNS} FROM checkpoints WHERE run_id = ? AND kind = ? ORDER BY step DESC LIMIT 1`),
    removeCheckpoint: db.prepare('DELETE FROM checkpoints WHERE run_id = ? AND kind = ? AND step = ?'),

    deletePredictions: db.prepare('DELETE FROM predictions WHERE run_id = ? AND task = ?'),
    insertPrediction: db.prepare('INSERT INTO predictions (run_id, task, example, input, gold, output, correct) VALUES (?, ?, ?, ?, ?, ?, ?)'),
    countPredictions: db.prepare<[number, string], { n: number }>('SELECT count(*) AS n FROM predictions WHERE run_id = ? AND task = ?'),
    countWrongPredictions: db.prepare<[number, string], { n: number }>(
      'SELECT count(*) AS n FROM predictions WHERE run_id = ? AND task = ? AND correct = 0'),
    pagePredictions: db.prepare<[number, string, number, number], RawPrediction>(
      'SELECT example, input, gold, output, correct FROM predictions WHERE run_id = ? AND task = ? ORDER BY example LIMIT ? OFFSET ?'),
    pageWrongPredictions: db.prepare<[number, string, number, number], RawPrediction>(
      'SELECT example, input, gold, output, correct FROM predictions WHERE run_id = ? AND task = ? AND correct = 0 ORDER BY example LIMIT ? OFFSET ?'),
    predictionTasks: db.prepare<[number], { task: string }>('SELECT DISTINCT task FROM predictions WHERE run_id = ? ORDER BY task'),
  };
}
