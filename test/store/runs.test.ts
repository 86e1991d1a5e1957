// Training runs in the database: the 002 migration, run lifecycle, metric series, resume truncation, checkpoints,
// predictions and crash recovery.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { configure, migrate, openStore, SCHEMA_VERSION, type Store } from '../../main/store/index';
import { MIGRATIONS } from '../../main/store/migrations/index';
import { INTERRUPTED_ERROR, RunStore, type MetricPoint } from '../../main/store/runs';

const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;
const RUN_TABLES = ['checkpoints', 'evaluations', 'predictions', 'projects', 'run_metrics', 'runs'];

function fresh(): { store: Store; runs: RunStore } {
  const store = openStore(':memory:');
  return { store, runs: new RunStore(store) };
}

function tables(db: Database.Database): string[] {
  return (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all() as { name: string }[]).map((t) => t.name);
}

function assertHealthy(db: Database.Database): void {
  assert.equal(db.pragma('integrity_check', { simple: true }), 'ok');
  assert.deepEqual(db.pragma('foreign_key_check'), []);
}

const train = (step: number, name: string, value: number, task = ''): MetricPoint => ({ split: 'train', task, name, step, value });

test('a fresh database gets the run and model tables at the current schema version', () => {
  const { store } = fresh();
  assert.equal(SCHEMA_VERSION, 3);
  assert.equal(store.db.pragma('user_version', { simple: true }), 3);
  assert.ok(tables(store.db).includes('models'));
  for (const t of RUN_TABLES) assert.ok(tables(store.db).includes(t), t);
  assertHealthy(store.db);
  store.close();
});

test('a version-1 database upgrades to the current version and keeps its datasets', () => {
  const dir = mkdtempSync(join(tmpdir(), 'chorus-runs-'));
  try {
    const path = join(dir, 'v1.db');
    const v1 = new Database(path);
    configure(v1);
    migrate(v1, path, MIGRATIONS.slice(0, 1));
    assert.equal(v1.pragma('user_version', { simple: true }), 1);
    const id = v1
      .prepare("INSERT INTO datasets (name, format, sha256, row_count, splits, columns, suggestion, created_at) VALUES ('old', 'csv', 'x', 2, '{}', '[]', '{}', '')")
      .run().lastInsertRowid;
    v1.prepare("INSERT INTO examples VALUES (?, 'train', 0, '[\"a\",\"1\"]'), (?, 'train', 1, '[\"b\",\"0\"]')").run(id, id);
    v1.close();

    const store = openStore(path);
    assert.equal(store.db.pragma('user_version', { simple: true }), SCHEMA_VERSION);
    for (const t of RUN_TABLES) assert.ok(tables(store.db).includes(t), t);
    assert.deepEqual(store.db.prepare('SELECT name FROM datasets').all(), [{ name: 'old' }]);
    assert.equal((store.db.prepare('SELECT count(*) AS n FROM examples WHERE dataset_id = ?').get(id) as { n: number }).n, 2);
    const run = new RunStore(store).createRun({ name: 'after upgrade', config: { datasets: [Number(id)] } });
    assert.equal(run.status, 'queued');
    assertHealthy(store.db);
    store.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('projects keep a config draft; deleting one detaches its runs', () => {
  const { store, runs } = fresh();
  const p = runs.createProject('sentiment + ner', { tasks: ['a'] });
  assert.match(p.createdAt, ISO);
  const updated = runs.updateProject(p.id, { config: { tasks: ['a', 'b'] } });
  assert.deepEqual([updated.name, updated.config, updated.createdAt], ['sentiment + ner', { tasks: ['a', 'b'] }, p.createdAt]);
  assert.ok(updated.updatedAt >= p.updatedAt);
  assert.deepEqual(runs.getProject(p.id), updated);
  assert.equal(runs.updateProject(p.id, { name: 'renamed' }).name, 'renamed');
  const q = runs.createProject('second', {});
  assert.deepEqual(runs.listProjects().map((x) => x.id), [q.id, p.id]);
  const run = runs.createRun({ name: 'r', config: {}, projectId: p.id });
  runs.deleteProject(p.id);
  assert.equal(runs.getRun(run.id).projectId, null);
  assert.throws(() => runs.getProject(p.id), { name: 'NotFoundError', message: `project ${p.id} does not exist` });
  assert.throws(() => runs.deleteProject(p.id), { name: 'NotFoundError' });
  store.close();
});

test('a new run is queued with its frozen config, and a missing run is named', () => {
  const { store, runs } = fresh();
  const r = runs.createRun({ name: 'first', config: { lr: 1e-3, tasks: ['x'] }, totalSteps: 500 });
  assert.deepEqual({ ...r, createdAt: 0, updatedAt: 0 }, {
    id: r.id, projectId: null, parentId: null, baselineTask: null, name: 'first', config: { lr: 1e-3, tasks: ['x'] }, status: 'queued',
    step: 0, totalSteps: 500, plan: null, summary: null, error: null, pid: null, createdAt: 0, startedAt: null, updatedAt: 0, finishedAt: null,
  });
  assert.match(r.createdAt, ISO);
  assert.throws(() => runs.getRun(12), { name: 'NotFoundError', message: 'run 12 does not exist' });
  assert.throws(() => runs.createRun({ name: 'b', config: {}, parentId: 12 }), { message: "cannot create run 'b': parent run 12 does not exist" });
  assert.throws(() => runs.createRun({ name: 'c', config: {}, projectId: 3 }), { message: "cannot create run 'c': project 3 does not exist" });
  for (const write of [() => runs.setStatus(12, 'running'), () => runs.setProgress(12, 1), () => runs.setPlan(12, {}), () => runs.setSummary(12, {}),
    () => runs.addMetrics(12, [train(1, 'loss', 1)]), () => runs.addEvaluation(12, 1, 't', {}), () => runs.truncateAfter(12, 0),
    () => runs.addCheckpoint(12, { step: 1, kind: 'periodic', path: 'p' }), () => runs.replacePredictions(12, 't', [{ example: 0, input: 1, gold: 1, output: 1 }]),
    () => runs.deleteRun(12)])
    assert.throws(write, { name: 'NotFoundError', message: 'run 12 does not exist' });
  store.close();
});

test('status transitions stamp started, finished and updated times and keep the pid only while live', async () => {
  const { store, runs } = fresh();
  const { id } = runs.createRun({ name: 'r', config: {} });
  runs.setStatus(id, 'running', { pid: 4242 });
  const running = runs.getRun(id);
  assert.equal(running.status, 'running');
  assert.equal(running.pid, 4242);
  assert.match(running.startedAt!, ISO);
  assert.equal(running.finishedAt, null);

  runs.setStatus(id, 'paused');
  assert.deepEqual([runs.getRun(id).status, runs.getRun(id).pid], ['paused', 4242]);

  runs.setStatus(id, 'failed', { error: 'step 7, task ner: out of memory' });
  const failed = runs.getRun(id);
  assert.deepEqual([failed.status, failed.pid, failed.error], ['failed', null, 'step 7, task ner: out of memory']);
  assert.match(failed.finishedAt!, ISO);
  assert.ok(failed.updatedAt >= running.updatedAt);

  await new Promise((r) => setTimeout(r, 5)); // so a restamped started_at would differ
  runs.setStatus(id, 'running', { pid: 5151 }); // resumed
  const resumed = runs.getRun(id);
  assert.deepEqual([resumed.pid, resumed.error, resumed.finishedAt], [5151, null, null]);
  assert.equal(resumed.startedAt, running.startedAt, 'started_at is the first start');

  runs.setProgress(id, 100, 200);
  runs.setPlan(id, { totalSteps: 200, splits: { train: 90 } });
  runs.setSummary(id, { ner: { f1: 0.8 } });
  runs.setStatus(id, 'completed');
  const done = runs.getRun(id);
  assert.deepEqual([done.status, done.step, done.totalSteps, done.pid], ['completed', 100, 200, null]);
  assert.deepEqual(done.plan, { totalSteps: 200, splits: { train: 90 } });
  assert.deepEqual(done.summary, { ner: { f1: 0.8 } });
  assert.ok(done.finishedAt! >= failed.finishedAt!);
  runs.setProgress(id, 120);
  assert.deepEqual([runs.getRun(id).step, runs.getRun(id).totalSteps], [120, 200]);
  store.close();
});

test('baselines are listed under their run, not at the top level, and are deleted with it', () => {
  const { store, runs } = fresh();
  const main = runs.createRun({ name: 'multi', config: {} });
  const other = runs.createRun({ name: 'other', config: {} });
  const a = runs.createRun({ name: 'multi · a alone', config: {}, parentId: main.id, baselineTask: 'a' });
  const b = runs.createRun({ name: 'multi · b alone', config: {}, parentId: main.id, baselineTask: 'b' });
  assert.deepEqual(runs.listRuns().map((r) => r.id), [b.id, a.id, other.id, main.id]);
  assert.deepEqual(runs.listRuns({ parentId: null }).map((r) => r.id), [other.id, main.id]);
  assert.deepEqual(runs.listRuns({ parentId: main.id }).map((r) => r.id), [b.id, a.id]);
  assert.deepEqual(runs.baselinesOf(main.id).map((r) => [r.baselineTask, r.parentId]), [['a', main.id], ['b', main.id]]);
  runs.addMetrics(a.id, [train(1, 'loss', 2)]);
  runs.addCheckpoint(b.id, { step: 1, kind: 'periodic', path: 'runs/4/checkpoints/step-1.safetensors' });
  runs.deleteRun(main.id);
  assert.deepEqual(runs.listRuns().map((r) => r.id), [other.id]);
  for (const t of ['run_metrics', 'checkpoints']) assert.equal((store.db.prepare(`SELECT count(*) AS n FROM ${t}`).get() as { n: number }).n, 0, t);
  assertHealthy(store.db);
  store.close();
});

test('metrics are stored in batches, a replayed step overwrites, and filters narrow the series', () => {
  const { store, runs } = fresh();
  const { id } = runs.createRun({ name: 'r', config: {} });
  runs.addMetrics(id, [train(2, 'loss', 0.9), train(1, 'loss', 1.0), train(1, 'lr', 1e-4), train(1, 'loss', 1.2, 'ner'),
    { split: 'validation', task: 'ner', name: 'f1', step: 2, value: 0.5 }]);
  runs.addMetrics(id, [train(2, 'loss', 0.8)]); // a resumed run replays step 2
  assert.deepEqual(runs.metrics(id, { split: 'train', task: '', name: 'loss' }).map((p) => [p.step, p.value]), [[1, 1.0], [2, 0.8]]);
  assert.deepEqual(runs.metrics(id).map((p) => `${p.step} ${p.split} ${p.task} ${p.name}`),
    ['1 train  loss', '1 train  lr', '1 train ner loss', '2 train  loss', '2 validation ner f1']);
  assert.deepEqual(runs.metrics(id, { task: 'ner' }).map((p) => p.name), ['loss', 'f1']);
  assert.deepEqual(runs.metrics(id, { sinceStep: 1 }).map((p) => p.step), [2, 2]);
  assert.deepEqual(runs.metrics(id, { split: 'validation' }), [{ split: 'validation', task: 'ner', name: 'f1', step: 2, value: 0.5 }]);
  assert.throws(() => runs.addMetrics(id, [train(3, 'loss', 0.7), train(3, 'lr', NaN)]), { message: 'run 1, step 3: metric train/(run)/lr is NaN' });
  assert.equal(runs.metrics(id, { sinceStep: 2 }).length, 0, 'a failed batch stores nothing');
  store.close();
});

test('truncateAfter forgets metrics, evaluations and checkpoints past the resume step', () => {
  const { store, runs } = fresh();
  const { id } = runs.createRun({ name: 'r', config: {} });
  const keep = runs.createRun({ name: 'untouched', config: {} });
  for (const step of [10, 20, 30]) {
    runs.addMetrics(id, [train(step, 'loss', 1 / step)]);
    runs.addEvaluation(id, step, 'ner', { f1: step / 100, confusion: [[1, 0], [0, 1]] });
    runs.addCheckpoint(id, { step, kind: 'periodic', path: `runs/${id}/checkpoints/step-${step}.safetensors` });
  }
  runs.addCheckpoint(id, { step: 30, kind: 'best', path: `runs/${id}/checkpoints/best.safetensors`, metric: 0.3 });
  runs.addMetrics(keep.id, [train(30, 'loss', 1)]);
  runs.setProgress(id, 30);
  runs.truncateAfter(id, 20);
  assert.equal(runs.getRun(id).step, 20);
  assert.deepEqual(runs.metrics(id).map((p) => p.step), [10, 20]);
  assert.deepEqual(runs.evaluations(id).map((e) => e.step), [10, 20]);
  assert.deepEqual(runs.evaluations(id)[0], { step: 10, task: 'ner', result: { f1: 0.1, confusion: [[1, 0], [0, 1]] } });
  assert.deepEqual(runs.checkpoints(id).map((c) => `${c.kind} ${c.step}`), ['periodic 10', 'periodic 20']);
  assert.equal(runs.metrics(keep.id).length, 1, 'other runs keep theirs');
  store.close();
});

test('checkpoints: one best row, the latest by kind, removal', () => {
  const { store, runs } = fresh();
  const { id } = runs.createRun({ name: 'r', config: {} });
  assert.equal(runs.latestCheckpoint(id), null);
  runs.addCheckpoint(id, { step: 100, kind: 'periodic', path: 'p100' });
  runs.addCheckpoint(id, { step: 100, kind: 'best', path: 'best', metric: 0.5 });
  runs.addCheckpoint(id, { step: 200, kind: 'periodic', path: 'p200' });
  runs.addCheckpoint(id, { step: 200, kind: 'periodic', path: 'p200b' }); // same kind and step: replaced
  runs.addCheckpoint(id, { step: 150, kind: 'best', path: 'best', metric: 0.6 }); // the best file is overwritten
  const rows = runs.checkpoints(id);
  assert.deepEqual(rows.map((c) => [c.step, c.kind, c.path, c.metric]), [[100, 'periodic', 'p100', null], [150, 'best', 'best', 0.6], [200, 'periodic', 'p200b', null]]);
  for (const c of rows) assert.match(c.createdAt, ISO);
  assert.equal(runs.latestCheckpoint(id)!.path, 'p200b');
  runs.addCheckpoint(id, { step: 200, kind: 'final', path: 'final' });
  assert.equal(runs.latestCheckpoint(id)!.kind, 'final', 'the last recorded wins a tie');
  assert.equal(runs.removeCheckpoint(id, 'final', 200), true);
  assert.equal(runs.latestCheckpoint(id, 'best')!.step, 150);
  assert.equal(runs.latestCheckpoint(id, 'final'), null);
  assert.equal(runs.removeCheckpoint(id, 'periodic', 200), true);
  assert.equal(runs.removeCheckpoint(id, 'periodic', 200), false);
  assert.equal(runs.latestCheckpoint(id, 'periodic')!.step, 100);
  store.close();
});

test('predictions are replaced per task and paged, optionally only the wrong ones', () => {
  const { store, runs } = fresh();
  const { id } = runs.createRun({ name: 'r', config: {} });
  runs.replacePredictions(id, 'sentiment', [{ example: 0, input: 'stale', gold: 'x', output: 'x', correct: true }]);
  const rows = Array.from({ length: 25 }, (_, i) => ({ example: i, input: { text: `t${i}` }, gold: i % 2 ? 'pos' : 'neg', output: 'pos', correct: i % 2 === 1 }));
  runs.replacePredictions(id, 'sentiment', rows);
  runs.replacePredictions(id, 'ner', [{ example: 0, input: { tokens: ['a'] }, gold: null, output: ['O'] }]);
  const page = runs.predictions(id, 'sentiment', { offset: 10, limit: 5 });
  assert.equal(page.total, 25);
  assert.deepEqual(page.rows.map((r) => r.example), [10, 11, 12, 13, 14]);
  assert.deepEqual(page.rows[1], { example: 11, input: { text: 't11' }, gold: 'pos', output: 'pos', correct: true });
  const wrong = runs.predictions(id, 'sentiment', { offset: 0, limit: 3, onlyWrong: true });
  assert.equal(wrong.total, 13);
  assert.deepEqual(wrong.rows.map((r) => [r.example, r.correct]), [[0, false], [2, false], [4, false]]);
  assert.deepEqual(runs.predictions(id, 'sentiment', { offset: 24, limit: 10 }).rows.map((r) => r.example), [24]);
  assert.deepEqual(runs.predictions(id, 'ner', { offset: 0, limit: 10 }).rows, [{ example: 0, input: { tokens: ['a'] }, gold: null, output: ['O'], correct: null }]);
  assert.deepEqual(runs.predictions(id, 'missing', { offset: 0, limit: 10 }), { total: 0, rows: [] });
  assert.deepEqual(runs.predictionTasks(id), ['ner', 'sentiment']);
  assert.throws(() => runs.replacePredictions(id, 'ner', [{ example: 1, input: 1, gold: 1, output: 1 }, { example: 1, input: 2, gold: 2, output: 2 }]));
  assert.equal(runs.predictions(id, 'ner', { offset: 0, limit: 10 }).total, 1, 'a failed replacement keeps the old rows');
  store.close();
});

test('markInterrupted turns runs whose process is gone into resumable interrupted runs', () => {
  const { store, runs } = fresh();
  const alive = runs.createRun({ name: 'alive', config: {} });
  const dead = runs.createRun({ name: 'dead', config: {} });
  const noPid = runs.createRun({ name: 'no pid', config: {} });
  const pausedDead = runs.createRun({ name: 'paused', config: {} });
  const done = runs.createRun({ name: 'done', config: {} });
  const queued = runs.createRun({ name: 'queued', config: {} });
  runs.setStatus(alive.id, 'running', { pid: 100 });
  runs.setStatus(dead.id, 'running', { pid: 200 });
  runs.setStatus(noPid.id, 'running');
  runs.setStatus(pausedDead.id, 'paused', { pid: 300 });
  runs.setStatus(done.id, 'completed');
  const asked: number[] = [];
  const ids = runs.markInterrupted((pid) => (asked.push(pid), pid === 100));
  assert.deepEqual(ids, [dead.id, noPid.id, pausedDead.id]);
  assert.deepEqual(asked, [100, 200, 300]);
  for (const id of ids) {
    const r = runs.getRun(id);
    assert.deepEqual([r.status, r.error, r.pid, r.finishedAt], ['interrupted', INTERRUPTED_ERROR, null, null]);
  }
  assert.deepEqual([alive, done, queued].map((r) => runs.getRun(r.id).status), ['running', 'completed', 'queued']);
  assert.deepEqual(runs.markInterrupted(() => false), [alive.id]);
  assertHealthy(store.db);
  store.close();
});
