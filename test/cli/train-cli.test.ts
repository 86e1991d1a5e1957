// A 3-task run on real data through the CLI (SST-2, TREC coarse, CoNLL-2003), then predict, eval, runs and the
// config errors that must stop a run before it trains. Tiny model and budget: this checks the plumbing, not quality.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { cliOn } from './cli-harness';

const DATA = join(import.meta.dirname, '..', '..', '..', 'shared', 'datasets');
let dir: string;
let db: string;

const chorus = cliOn(() => db);

const TINY = { hidden: 32, layers: 1, heads: 2, intermediate: 64, maxLength: 64, tokenizer: { vocabSize: 1500 } };
const threeTasks = () => ({
  name: 'sst2+trec+conll',
  backbone: TINY,
  tasks: [
    { name: 'sentiment', type: 'classification', dataset: join(DATA, 'sst2/train.tsv'), validation: join(DATA, 'sst2/dev.tsv'), text: 'sentence', label: 'label', weight: 0.4 },
    { name: 'topic', type: 'classification', dataset: join(DATA, 'trec/train_5500.label'), labelMap: { type: 'prefix' }, weight: 0.2 },
    { name: 'ner', type: 'token-classification', dataset: join(DATA, 'conll2003/train.txt'), validation: join(DATA, 'conll2003/dev.txt'), weight: 0.4 },
  ],
  training: { steps: 30, batchSize: 16, evalEvery: 15 },
  threads: 2,
});

function writeConfig(name: string, config: unknown): string {
  const f = join(dir, name);
  writeFileSync(f, JSON.stringify(config));
  return f;
}

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'chorus-train-cli-'));
  db = join(dir, 'data', 'chorus.db');
});
after(() => rmSync(dir, { recursive: true, force: true }));

let runId = 0;

test('chorus train: a 3-task run from scratch trains, evaluates every task and stores metrics and predictions', async () => {
  const r = await chorus('train', '--config', writeConfig('run.json', threeTasks()), '--json');
  assert.equal(r.code, 0, r.stderr);
  const out = JSON.parse(r.stdout) as { id: number; status: string; step: number; metrics: Record<string, Record<string, number>> };
  runId = out.id;
  assert.equal(out.status, 'completed');
  assert.equal(out.step, 30);
  assert.deepEqual(Object.keys(out.metrics).sort(), ['ner', 'sentiment', 'topic']);
  assert.equal(out.metrics.sentiment!.n, 872, 'SST-2 dev');
  assert.equal(out.metrics.topic!.n, 546, 'TREC: a seeded, stratified 10 % held out');
  assert.ok(out.metrics.sentiment!.accuracy! >= 0 && out.metrics.sentiment!.accuracy! <= 1);
  for (const k of ['precision', 'recall', 'f1', 'gold']) assert.ok(k in out.metrics.ner!, `ner metrics have ${k}`);
  assert.equal(out.metrics.ner!.gold, 5942, 'every CoNLL dev entity is scored');
  assert.match(r.stderr, /step 30\/30/);
  assert.match(r.stderr, /eval @15: sentiment/);

  const conn = new Database(db, { readonly: true });
  try {
    const preds = conn.prepare('SELECT task, COUNT(*) AS n FROM predictions WHERE run_id = ? GROUP BY task ORDER BY task').all(runId);
    assert.deepEqual(preds, [{ task: 'ner', n: 3250 }, { task: 'sentiment', n: 872 }, { task: 'topic', n: 546 }]);
    const evals = conn.prepare('SELECT step, COUNT(*) AS n FROM evaluations WHERE run_id = ? GROUP BY step ORDER BY step').all(runId);
    assert.deepEqual(evals, [{ step: 15, n: 3 }, { step: 30, n: 3 }]);
    const losses = conn.prepare("SELECT DISTINCT task FROM run_metrics WHERE run_id = ? AND split = 'train' AND name = 'loss' ORDER BY task").all(runId);
    assert.deepEqual(losses.map((x) => (x as { task: string }).task), ['', 'ner', 'sentiment', 'topic']);
    assert.equal((conn.prepare('PRAGMA integrity_check').get() as { integrity_check: string }).integrity_check, 'ok');
  } finally {
    conn.close();
  }
});

test('chorus predict: every head answers for one sentence, side by side', async () => {
  const r = await chorus('predict', String(runId), '--text', 'EU rejects German call to boycott British lamb .', '--json');
  assert.equal(r.code, 0, r.stderr);
  const out = JSON.parse(r.stdout) as Record<string, Record<string, unknown>>;
  assert.deepEqual(Object.keys(out), ['sentiment', 'topic', 'ner']);
  assert.ok(['0', '1'].includes(out.sentiment!.label as string));
  assert.ok(['ABBR', 'DESC', 'ENTY', 'HUM', 'LOC', 'NUM'].includes(out.topic!.label as string));
  const scores = Object.values(out.topic!.scores as Record<string, number>);
  assert.ok(Math.abs(scores.reduce((a, b) => a + b, 0) - 1) < 1e-5, 'class probabilities sum to 1');
  assert.equal((out.ner!.tags as string[]).length, 9, 'one tag per word');
  assert.ok(Array.isArray(out.ner!.entities));
});

test('chorus eval: one task on another file reports its metrics; chorus runs / run list the run', async () => {
  const head = join(dir, 'sst2-head.tsv');
  writeFileSync(head, 'sentence\tlabel\na gorgeous , witty , seductive movie .\t1\nthe acting is dreadful .\t0\n');
  const r = await chorus('eval', String(runId), '--task', 'sentiment', '--dataset', head, '--json');
  assert.equal(r.code, 0, r.stderr);
  const m = JSON.parse(r.stdout) as { sentiment: { accuracy: number; n: number } };
  assert.equal(m.sentiment.n, 2);
  assert.ok([0, 0.5, 1].includes(m.sentiment.accuracy));
  const runs = await chorus('runs');
  assert.match(runs.stdout, new RegExp(`^${runId}\\tcompleted\\tstep 30/30\\tsst2\\+trec\\+conll`, 'm'));
  const one = await chorus('run', String(runId));
  assert.match(one.stdout, /best checkpoint \(step (15|30)\):/);
  assert.ok(existsSync(join(dir, 'data', 'runs', String(runId), 'tokenizer.json')));
});

test('chorus train --baselines: every task is also trained alone with the same budget and vocabulary', async () => {
  const config = { ...threeTasks(), name: 'with baselines', tasks: threeTasks().tasks.slice(1), training: { steps: 10, batchSize: 8, evalEvery: 10 } };
  const r = await chorus('train', '--config', writeConfig('baselines.json', config), '--baselines', '--json');
  assert.equal(r.code, 0, r.stderr);
  const out = JSON.parse(r.stdout) as { id: number; metrics: Record<string, unknown>; baselines: { task: string; id: number; status: string; step: number; metrics: Record<string, Record<string, number>> }[] };
  assert.deepEqual(out.baselines.map((b) => [b.task, b.status, b.step, Object.keys(b.metrics)]), [['topic', 'completed', 10, ['topic']], ['ner', 'completed', 10, ['ner']]]);
  const runDir = (id: number) => join(dir, 'data', 'runs', String(id));
  for (const b of out.baselines) assert.equal(readFileSync(join(runDir(b.id), 'tokenizer.json'), 'utf8'), readFileSync(join(runDir(out.id), 'tokenizer.json'), 'utf8'));
  const shown = await chorus('run', String(out.id));
  assert.match(shown.stdout, /baseline \d+ \(topic alone\): completed/);
});

const bad = (mutate: (c: ReturnType<typeof threeTasks>) => void) => {
  const c = threeTasks();
  mutate(c);
  return c;
};

for (const [what, mutate, expected] of [
  ['unknown task type', (c) => ((c.tasks[1] as { type: string }).type = 'sentiment-analysis'), /tasks\[1\]\.type: .*sentiment-analysis/],
  ['missing column', (c) => ((c.tasks[0] as { text?: string }).text = 'review'), /tasks\[0\]\.text: column 'review' not found in dataset '\d+' \(columns: sentence, label\)/],
  ['label column with one class', (c) => {
    const f = join(dir, 'one-class.tsv');
    writeFileSync(f, 'sentence\tlabel\n' + Array.from({ length: 20 }, (_, i) => `review number ${i}\t1`).join('\n') + '\n');
    Object.assign(c.tasks[0]!, { dataset: f, validation: undefined });
  }, /tasks\[0\]\.label: column 'label' in dataset '\d+' has a single class '1' \(classification needs at least 2\)/],
  ['dataset id that does not exist', (c) => (c.tasks[2]!.dataset = '999'), /tasks\[2\]\.dataset: dataset 999 does not exist/],
  ['heads not dividing the hidden size', (c) => (c.backbone.heads = 3), /backbone\.heads: must divide backbone\.hidden \(32 % 3 = 2\)/],
] as [string, (c: ReturnType<typeof threeTasks>) => void, RegExp][]) {
  test(`a config with ${what} is refused before training, naming the field`, async () => {
    const before = await chorus('runs', '--json');
    const r = await chorus('train', '--config', writeConfig('bad.json', bad(mutate)), '--json');
    assert.equal(r.code, 2, r.stdout);
    assert.match(r.stderr, expected);
    const after = await chorus('runs', '--json');
    assert.equal(JSON.parse(after.stdout).length, JSON.parse(before.stdout).length, 'no run was recorded');
  });
}
