// The Playground store over a fake transport: which runs it offers, which inputs it asks for, and every selected run
// asked at once, a failing one keeping its error in its column while the others answer. Also the demo project button's
// action in the settings store.
import { test, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { createPinia, setActivePinia } from 'pinia';
import { setTransportForTests } from '../../renderer/src/api';
import { usePlaygroundStore, type RunRow } from '../../renderer/src/stores/playground';
import { useSettingsStore } from '../../renderer/src/stores/settings';
import { useDatasetsStore } from '../../renderer/src/stores/datasets';
import type { Envelope } from '../../main/api/contract';

const calls: { name: string; args: Record<string, unknown> }[] = [];
function fake(answer: (name: string, args: Record<string, unknown>) => unknown | Promise<unknown>): void {
  calls.length = 0;
  setTransportForTests({
    invoke: async (name, args) => {
      calls.push({ name, args: args as Record<string, unknown> });
      try {
        return { ok: true, value: await answer(name, args as Record<string, unknown>) } as Envelope;
      } catch (err) {
        return { ok: false, error: (err as Error).message, code: 'error_internal', params: { message: (err as Error).message } } as Envelope;
      }
    },
    on: () => () => {},
  });
}

function run(id: number, status: RunRow['status'], tasks: unknown[], createdAt = `2025-01-${String(id).padStart(2, '0')}T10:00:00.000Z`): RunRow {
  return {
    id, projectId: null, parentId: null, baselineTask: null, name: `run ${id}`, config: { name: `run ${id}`, tasks }, status,
    step: 30, totalSteps: 30, plan: null, summary: null, error: null, pid: null, createdAt, startedAt: createdAt, updatedAt: createdAt, finishedAt: null,
  };
}

const SENT = { name: 'sentiment', type: 'classification', dataset: '1', text: 'sentence', label: 'label' };
const NER = { name: 'ner', type: 'token-classification', dataset: '2' };
const SIM = { name: 'similarity', type: 'regression', dataset: '3', text: 's1', textPair: 's2', label: 'score' };
const QA = { name: 'qa', type: 'extractive-qa', dataset: '4' };

const RUNS = [
  run(1, 'completed', [SENT, NER]),
  run(2, 'stopped', [SENT]),
  run(3, 'running', [SENT]),
  run(4, 'completed', [SENT, SIM, QA]),
  run(5, 'failed', [SENT]),
  run(6, 'stopped', [NER]),
];

beforeEach(() => setActivePinia(createPinia()));

test('the playground offers completed and stopped runs, newest first, and selects the newest completed one', async () => {
  fake(() => RUNS);
  const store = usePlaygroundStore();
  await store.load();
  assert.deepEqual(store.runs.map((r) => r.id), [6, 4, 2, 1]);
  assert.deepEqual(store.selectedIds, [4]);
  assert.ok(store.needsPair, 'run 4 has a pair task');
  assert.ok(store.needsContext, 'run 4 has an extractive-qa task');
  store.setSelected([1]);
  assert.ok(!store.needsPair && !store.needsContext);
  // A reload keeps a selection that still exists.
  store.toggle(2);
  await store.load();
  assert.deepEqual(store.selectedIds, [1, 2]);
});

test('predict asks every selected run; one without a checkpoint fails in its own column, the others answer', async () => {
  fake((name, a) => {
    if (name === 'runs.list') return RUNS;
    assert.equal(name, 'runs.predict');
    if (a.id === 2) throw new Error('run folder /data/runs/2 has no checkpoint yet');
    if (a.id === 1)
      return {
        sentiment: { label: '1', score: 0.7, scores: { '0': 0.3, '1': 0.7 } },
        ner: { tags: ['B-LOC', 'O'], entities: [{ text: 'Paris', type: 'LOC', start: 0, end: 1 }] },
      };
    return {
      sentiment: { label: '0', score: 0.55, scores: { '0': 0.55, '1': 0.45 } },
      similarity: { value: 2.5 },
      qa: a.context ? { answer: 'Paris', score: 3 } : { skipped: 'extractive QA needs a context (--context)' },
    };
  });
  const store = usePlaygroundStore();
  await store.load();
  store.setSelected([1, 2, 4]);
  store.text = 'Paris rocks';
  store.textPair = 'Paris is great';
  store.context = 'It happened in Paris.';
  assert.ok(store.canPredict);
  await store.predict();

  const asked = calls.filter((c) => c.name === 'runs.predict');
  assert.deepEqual(asked.map((c) => c.args.id).sort(), [1, 2, 4]);
  for (const c of asked) assert.deepEqual(c.args, { id: c.args.id, text: 'Paris rocks', textPair: 'Paris is great', context: 'It happened in Paris.' });

  assert.equal(store.predicting, false);
  // Columns in list order (newest first), whatever the order the runs were ticked in.
  assert.deepEqual(store.askedIds, [4, 2, 1]);
  assert.deepEqual(store.columns.map((r) => r.id), [4, 2, 1]);
  // Rows: every task of the asked runs, by name, in first-seen order.
  assert.deepEqual(store.rows.map((t) => `${t.name}:${t.type}`), ['sentiment:classification', 'similarity:regression', 'qa:extractive-qa', 'ner:token-classification']);
  assert.equal(store.results[1]!.state, 'done');
  assert.equal(store.results[4]!.state, 'done');
  const failed = store.results[2]!;
  assert.equal(failed.state, 'error');
  assert.match(failed.state === 'error' ? failed.error.message : '', /no checkpoint yet/);
  const four = store.results[4]!;
  assert.deepEqual(four.state === 'done' ? four.outputs.qa : undefined, { answer: 'Paris', score: 3 });
  assert.deepEqual(store.asked, { text: 'Paris rocks', textPair: 'Paris is great', context: 'It happened in Paris.' });
});

test('inputs a selected run cannot use are not sent, and an empty context is left out', async () => {
  fake((name) => (name === 'runs.list' ? RUNS : {}));
  const store = usePlaygroundStore();
  await store.load();
  store.setSelected([1]);
  store.text = 'hello world';
  store.textPair = 'left over from before';
  store.context = 'left over too';
  await store.predict();
  assert.deepEqual(calls.at(-1)!.args, { id: 1, text: 'hello world' });
  store.setSelected([4]);
  store.context = '   ';
  await store.predict();
  assert.deepEqual(calls.at(-1)!.args, { id: 4, text: 'hello world', textPair: 'left over from before' });
});

test('nothing is asked without a run or a text; a newer Predict wins over a slower older one', async () => {
  let release: (() => void) | undefined;
  let n = 0;
  fake(async (name) => {
    if (name === 'runs.list') return RUNS;
    if (++n === 1) await new Promise<void>((r) => (release = r));
    return { sentiment: { label: String(n), score: 1, scores: { [String(n)]: 1 } } };
  });
  const store = usePlaygroundStore();
  await store.load();
  store.setSelected([2]);
  store.text = '   ';
  assert.equal(store.canPredict, false);
  await store.predict();
  assert.equal(calls.filter((c) => c.name === 'runs.predict').length, 0);

  store.text = 'first';
  const slow = store.predict();
  await new Promise((r) => setImmediate(r));
  store.text = 'second';
  await store.predict();
  release!();
  await slow;
  const r = store.results[2]!;
  assert.equal(r.state === 'done' ? (r.outputs.sentiment as { label: string }).label : undefined, '2');
  assert.equal(store.asked?.text, 'second');
  assert.equal(store.predicting, false);
});

test('a failing runs.list shows its error', async () => {
  fake(() => {
    throw new Error('database is locked');
  });
  const store = usePlaygroundStore();
  await store.load();
  assert.equal(store.error?.message, 'database is locked');
  assert.ok(store.loaded);
});

test('the demo project: created, the datasets list refreshed, and Train can be asked for', async () => {
  const project = { id: 7, name: 'Demo: spam, similarity, QA', config: {}, createdAt: '', updatedAt: '' };
  const summary = (id: number, name: string) => ({
    id, name, format: 'csv', files: [name], splits: { train: 10 }, rowCount: 10, columns: [],
    suggestion: { type: 'classification', text: 'text', label: 'label', reason: '' }, sha256: '', createdAt: '',
  });
  fake((name) => {
    if (name === 'projects.createDemo') return project;
    if (name === 'datasets.list') return [summary(1, 'SMSSpamCollection'), summary(2, 'sts-train.csv'), summary(3, 'xquad.en.json')];
    throw new Error(`unexpected ${name}`);
  });
  const settings = useSettingsStore();
  const datasets = useDatasetsStore();
  const row = await settings.createDemo();
  assert.deepEqual(calls.map((c) => c.name), ['projects.createDemo', 'datasets.list']);
  assert.deepEqual(row, project);
  assert.deepEqual(settings.demoProject, project);
  assert.equal(datasets.datasets.length, 3);
  assert.equal(settings.demoBusy, false);
  assert.equal(settings.requestedView, undefined);
  settings.requestView('Train');
  assert.equal(settings.requestedView, 'Train');

  fake(() => {
    throw new Error('the bundled demo data was not found');
  });
  assert.equal(await settings.createDemo(), undefined);
  assert.match(settings.demoError?.message ?? '', /demo data was not found/);
});
