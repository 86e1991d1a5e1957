// The Compare store over a fake transport: a multi-task run with its baselines, final metrics per task, curves, and
// predictions paged 1000 at a time and joined on the example number.
import { test, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { createPinia, setActivePinia } from 'pinia';
import { setTransportForTests } from '../../renderer/src/api';
import { alignByExample, entityChunks, isWrong, matchesFilter, runsDisagree, type AlignedExample, type PredictionRow } from '../../renderer/src/lib/compare-examples';
import { useCompareStore } from '../../renderer/src/stores/compare';
import type { Envelope } from '../../main/api/contract';
import type { RunRow } from '../../renderer/src/stores/runs';

const NER_ROWS = 2_500;

function run(id: number, tasks: { name: string; type: string }[], extra: Partial<RunRow> = {}): RunRow {
  return {
    id, projectId: null, parentId: null, baselineTask: null, name: `run ${id}`, config: { name: `run ${id}`, tasks }, status: 'completed',
    step: 40, totalSteps: 40, plan: null, error: null, pid: null, createdAt: '', startedAt: '', updatedAt: 'u1', finishedAt: '',
    summary: { stopReason: 'completed', bestStep: 40, tasks: Object.fromEntries(tasks.map((t) => [t.name, { accuracy: id / 10, f1: id / 20 }])) },
    ...extra,
  };
}
const SENT = { name: 'sentiment', type: 'classification' };
const NER = { name: 'ner', type: 'token-classification' };
const RUNS = [
  run(1, [SENT, NER]),
  run(2, [SENT], { parentId: 1, baselineTask: 'sentiment' }),
  run(3, [NER], { parentId: 1, baselineTask: 'ner' }),
  run(4, [SENT]),
];

/** Run 3 never predicted example 7 (it is the one a join must leave empty, not shift). */
const predictionsOf = (id: number, task: string): PredictionRow[] =>
  Array.from({ length: task === 'ner' ? NER_ROWS : 30 }, (_, example) => ({
    example, input: { tokens: ['w', String(example)] }, gold: ['O', 'O'], output: { tags: ['O', id === 3 && example % 2 ? 'B-PER' : 'O'], entities: [] }, correct: true,
  })).filter((r) => !(id === 3 && r.example === 7));

const calls: { name: string; args: Record<string, unknown> }[] = [];
function fake(): void {
  calls.length = 0;
  setTransportForTests({
    invoke: async (name, raw) => {
      const args = raw as { id: number; task: string; offset: number; limit: number };
      calls.push({ name, args: raw as Record<string, unknown> });
      const value = (() => {
        switch (name) {
          case 'runs.list': return RUNS;
          case 'runs.get': return { run: RUNS.find((r) => r.id === args.id), evaluations: [], checkpoints: [], baselines: [] };
          case 'runs.metrics': return [
            { split: 'validation', task: 'sentiment', name: 'primary', step: 20, value: 0.6 },
            { split: 'validation', task: 'sentiment', name: 'primary', step: 40, value: 0.7 },
            { split: 'train', task: 'ner', name: 'loss', step: 1, value: 2 },
            { split: 'train', task: '', name: 'loss', step: 1, value: 2 },
          ];
          case 'runs.predictions': {
            const all = predictionsOf(args.id, args.task);
            return { total: all.length, rows: all.slice(args.offset, args.offset + args.limit) };
          }
          default: throw new Error(`unexpected call ${name}`);
        }
      })();
      return { ok: true, value } as Envelope;
    },
    on: () => () => {},
  });
}

beforeEach(() => {
  setActivePinia(createPinia());
  fake();
});

test('"with its baselines" selects the multi-task run first, then the runs whose parent it is', async () => {
  const s = useCompareStore();
  await s.load();
  await s.withBaselines(1);
  assert.deepEqual(s.selectedIds, [1, 2, 3]);
  assert.deepEqual(s.tasks.map((t) => t.name), ['sentiment', 'ner']);
  // Each column has the metrics of its own tasks only: the ner baseline has no sentiment.
  assert.deepEqual(s.columns.map((c) => c.metrics.sentiment?.accuracy), [0.1, 0.2, undefined]);
  assert.deepEqual(s.columns.map((c) => c.metrics.ner?.f1), [0.05, undefined, 0.15]);
  assert.deepEqual(s.curves.sentiment!.validation[0], [{ step: 20, value: 0.6 }, { step: 40, value: 0.7 }]);
  assert.deepEqual(s.curves.ner!.loss[2], [{ step: 1, value: 2 }], 'run-wide loss (task "") is not a task curve');
  await s.makeReference(3);
  assert.deepEqual(s.selectedIds, [3, 1, 2]);
});

test('predictions are paged 1000 at a time from every run that has the task', async () => {
  const s = useCompareStore();
  await s.load();
  await s.withBaselines(1);
  calls.length = 0;
  await s.loadPredictions('ner');
  const pages = calls.filter((c) => c.name === 'runs.predictions').map((c) => `${c.args.id}@${c.args.offset}+${c.args.limit}`).sort();
  assert.deepEqual(pages, ['1@0+1000', '1@1000+1000', '1@2000+1000', '3@0+1000', '3@1000+1000', '3@2000+1000']);
  assert.equal(s.examples.length, NER_ROWS);
  assert.equal(s.predictionsLoading, false);
  assert.deepEqual(s.predictionsProgress, { loaded: 2 * NER_ROWS - 1, total: 2 * NER_ROWS - 1 });
});

test('rows are joined on the example number: a run without the task or the example leaves its column empty', async () => {
  const s = useCompareStore();
  await s.load();
  await s.withBaselines(1);
  await s.loadPredictions('ner');
  const ex = (n: number) => s.examples.find((e) => e.example === n)!;
  assert.deepEqual(ex(9).outputs.map((o) => (o?.output as { tags: string[] } | undefined)?.tags[1]), ['O', undefined, 'B-PER']);
  assert.deepEqual(ex(7).outputs.map((o) => o?.example), [7, undefined, undefined]);
  assert.deepEqual(ex(8).outputs.map((o) => o?.example), [8, undefined, 8]);
  // different validation sets: 2500 vs 2499 examples (the view words the warning)
  assert.deepEqual(s.alignmentWarning && [s.alignmentWarning.task, s.alignmentWarning.firstCount, s.alignmentWarning.otherCount], ['ner', 2500, 2499]);
});

test('changing the selection realigns the open task without fetching a run twice', async () => {
  const s = useCompareStore();
  await s.load();
  await s.withBaselines(1);
  await s.loadPredictions('sentiment');
  calls.length = 0;
  await s.toggle(4);
  assert.deepEqual(s.selectedIds, [1, 2, 3, 4]);
  assert.deepEqual(calls.filter((c) => c.name === 'runs.predictions').map((c) => c.args.id), [4]);
  assert.deepEqual(s.examples[0]!.outputs.map((o) => o?.example), [0, 0, undefined, 0]);
  await s.select([3, 1]);
  assert.equal(s.predictionTask, 'sentiment', 'run 1 still has the task');
  assert.deepEqual(s.examples[0]!.outputs.map((o) => o?.example), [undefined, 0]);
  await s.select([3]);
  assert.equal(s.predictionTask, undefined, 'no selected run has the task any more');
  assert.deepEqual(s.examples, []);
});

test('alignByExample sorts by example and keeps one slot per run', () => {
  const row = (example: number): PredictionRow => ({ example, input: {}, gold: 'a', output: { label: 'a' }, correct: true });
  const out = alignByExample([[row(2), row(0)], undefined, [row(1), row(2)]]);
  assert.deepEqual(out.map((e) => [e.example, e.outputs.map((o) => !!o)]), [[0, [true, false, false]], [1, [false, false, true]], [2, [true, false, true]]]);
});

test('entity tasks are judged by their entities, as conlleval reads the tags', () => {
  assert.deepEqual(entityChunks(['I-ORG', 'I-ORG', 'B-ORG', 'O', 'I-PER']), [{ start: 0, end: 2, type: 'ORG' }, { start: 2, end: 3, type: 'ORG' }, { start: 4, end: 5, type: 'PER' }]);
  const gold = ['I-ORG', 'O', 'I-PER', 'I-PER'];
  const tagged = (tags: string[], correct: boolean): PredictionRow => ({ example: 0, input: { tokens: ['a', 'b', 'c', 'd'] }, gold, output: { tags }, correct });
  const sameEntities = tagged(['B-ORG', 'O', 'B-PER', 'I-PER'], false); // the trainer compares tags: "wrong"
  const missedOne = tagged(['I-ORG', 'O', 'O', 'O'], false);
  assert.equal(isWrong('token-classification', sameEntities), false);
  assert.equal(isWrong('token-classification', missedOne), true);
  const ex = (...rows: (PredictionRow | undefined)[]): AlignedExample => ({ example: 0, input: {}, gold, outputs: rows });
  assert.equal(runsDisagree('token-classification', ex(tagged(gold, true), sameEntities)), false);
  assert.equal(runsDisagree('token-classification', ex(tagged(gold, true), missedOne)), true);
  assert.equal(matchesFilter('token-classification', ex(missedOne, undefined, missedOne), 'all-wrong'), true, 'a run without the example is not counted');
  assert.equal(matchesFilter('token-classification', ex(missedOne, sameEntities), 'all-wrong'), false);
});
