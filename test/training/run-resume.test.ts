// The trainer process killed with SIGKILL mid-run, twice, then resumed: the run finishes with exactly the metrics of
// an uninterrupted run with the same seed, and the database passes integrity_check after every kill.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore, type Store } from '../../main/store';
import { DatasetService } from '../../main/data/dataset-service';
import { RunService } from '../../main/training/run-service';
import { DATASETS } from './helpers';

let dir: string;
let store: Store;
let runs: RunService;

/** The first n lines of a shared file (n CoNLL sentences when `blocks`), as a new file named like the original. */
function head(rel: string, n: number, blocks = false): string {
  const text = readFileSync(join(DATASETS, rel), 'utf8');
  const out = blocks ? text.split(/\n\s*\n/).slice(0, n).join('\n\n') + '\n' : text.split('\n').slice(0, n).join('\n') + '\n';
  const name = rel.replace('/', '-');
  writeFileSync(join(dir, name), out);
  return join(dir, name);
}

let config: object;
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'chorus-resume-'));
  store = openStore(join(dir, 'chorus.db'));
  runs = new RunService(store, new DatasetService(store));
  config = {
    name: 'resume',
    backbone: { hidden: 32, layers: 1, heads: 2, intermediate: 64, maxLength: 48, tokenizer: { vocabSize: 800 } },
    tasks: [
      { name: 'sentiment', type: 'classification', dataset: head('sst2/train.tsv', 1500), validation: head('sst2/dev.tsv', 200), text: 'sentence', label: 'label' },
      { name: 'ner', type: 'token-classification', dataset: head('conll2003/train.txt', 600, true), validation: head('conll2003/dev.txt', 150, true) },
    ],
    training: { steps: 60, batchSize: 16, evalEvery: 10, sampling: 'round-robin', weighting: 'dwa', seed: 3 },
    threads: 1,
  };
});
after(async () => {
  await runs.shutdown();
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

const integrity = () => (store.db.prepare('PRAGMA integrity_check').get() as { integrity_check: string }).integrity_check;

/** Resolves once the run has a periodic checkpoint past `step`. */
async function checkpointPast(id: number, step: number): Promise<void> {
  for (let i = 0; i < 1200; i++) {
    if (runs.runs.checkpoints(id).some((c) => c.kind === 'periodic' && c.step > step)) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`run ${id}: no checkpoint past step ${step}`);
}

test('kill -9 of the trainer twice, then resume: final metrics equal an uninterrupted run with the same seed', async () => {
  const a = await runs.create(config);
  const uninterrupted = await runs.start(a.id);
  assert.equal(uninterrupted.status, 'completed', uninterrupted.error ?? '');

  const b = await runs.create(config);
  let done = runs.start(b.id);
  for (const after of [10, 30]) {
    await checkpointPast(b.id, after);
    const pid = runs.runs.getRun(b.id).pid!;
    process.kill(pid, 'SIGKILL');
    const killed = await done;
    assert.equal(killed.status, 'interrupted');
    assert.match(killed.error ?? '', /signal SIGKILL.*resume continues from the last checkpoint/);
    assert.equal(integrity(), 'ok');
    done = runs.resume(b.id) as Promise<typeof killed>;
  }
  const resumed = await done;
  assert.equal(resumed.status, 'completed', resumed.error ?? '');
  assert.equal(resumed.step, 60);
  assert.deepEqual(resumed.summary, uninterrupted.summary, 'same final metrics');
  const series = (id: number) => runs.runs.metrics(id, { split: 'validation' }).map((p) => [p.task, p.name, p.step, p.value]);
  assert.deepEqual(series(b.id), series(a.id), 'same validation curves');
  assert.deepEqual(runs.runs.predictions(b.id, 'ner', { limit: 1000 }).rows, runs.runs.predictions(a.id, 'ner', { limit: 1000 }).rows);
  assert.equal(integrity(), 'ok');
});

test('stop writes a checkpoint mid-segment; resume continues to the same result', async () => {
  const a = runs.runs.listRuns().find((r) => r.status === 'completed')!;
  const c = await runs.create(config);
  const done = runs.start(c.id);
  await checkpointPast(c.id, 10);
  runs.stop(c.id);
  const stopped = await done;
  assert.equal(stopped.status, 'stopped');
  assert.ok(stopped.step > 10 && stopped.step < 60, `stopped at ${stopped.step}`);
  const resumed = await runs.resume(c.id)!;
  assert.equal(resumed.status, 'completed');
  assert.deepEqual(resumed.summary, a.summary);
});

test('a run with baselines stopped and resumed trains its single-task baselines once it completes', async () => {
  const c = await runs.create({ ...config, name: 'with baselines', training: { ...(config as { training: object }).training, steps: 30, baselines: true } });
  const done = runs.start(c.id);
  await checkpointPast(c.id, 10);
  runs.stop(c.id);
  assert.equal((await done).status, 'stopped');
  assert.deepEqual(runs.runs.baselinesOf(c.id), [], 'no baselines for a stopped run');
  const resumed = await runs.resume(c.id)!;
  assert.equal(resumed.status, 'completed');
  const baselines = await runs.baselinesSettled(c.id);
  assert.deepEqual(baselines.map((b) => [b.baselineTask, b.status, b.step]), [['sentiment', 'completed', 30], ['ner', 'completed', 30]]);
});
