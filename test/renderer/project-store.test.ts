// The project store over a fake transport: the run config it builds (label maps from merges and drops, held-out
// validation, epochs → steps, α shares, parameter counts as the engine lays them out) and project create / rename /
// duplicate / delete.
import { test, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { createPinia, setActivePinia } from 'pinia';
import { setTransportForTests } from '../../renderer/src/api';
import { useDatasetsStore } from '../../renderer/src/stores/datasets';
import { taskFromConfig, taskToConfig, type TaskDraft } from '../../renderer/src/lib/project-config';
import { dropRareLabels, headClasses, labelClasses, setLabelTarget } from '../../renderer/src/lib/task-labels';
import { epochsToSteps, normalisedShares, paramCount, stepsPerEpoch, trainRowsOf } from '../../renderer/src/lib/training-estimates';
import { useProjectStore } from '../../renderer/src/stores/project';
import { modelParamShapes, BERT_DEFAULTS, type HeadSpec } from '../../main/engine/nn/config';
import type { DatasetSummary, LabelCount } from '../../main/data/types';
import type { Envelope } from '../../main/api/contract';

const LABELS: LabelCount[] = [
  { value: 'pos', count: 500 },
  { value: 'neg', count: 400 },
  { value: 'positive', count: 60 },
  { value: 'mixed', count: 30 },
  { value: '?', count: 10 },
];

function dataset(id: number, name: string, splits: Record<string, number>, extra: Partial<DatasetSummary> = {}): DatasetSummary {
  return {
    id, name, format: 'tsv', files: [`${name}.tsv`], splits, rowCount: Object.values(splits).reduce((a, b) => a + b, 0),
    columns: [{ name: 'text', kind: 'text', distinct: 100, empty: 0 }, { name: 'label', kind: 'label', distinct: 5, empty: 0 }],
    suggestion: { type: 'classification', text: 'text', label: 'label', labels: LABELS, reason: '' }, sha256: '', createdAt: '', ...extra,
  };
}
const SENTIMENT = dataset(1, 'sentiment', { train: 1000 });
const TOPICS = dataset(2, 'topics', { train: 320, validation: 80 });

interface Row { id: number; name: string; config: unknown; createdAt: string; updatedAt: string }
const calls: { name: string; args: Record<string, unknown> }[] = [];
let db: Row[] = [];
let clock = 0;
function fakeBackend(): void {
  calls.length = 0;
  db = [];
  clock = 0;
  setTransportForTests({
    invoke: async (name, raw) => {
      const args = raw as Record<string, unknown>;
      calls.push({ name, args });
      const stamp = () => new Date(Date.UTC(2025, 0, 1, 0, 0, ++clock)).toISOString();
      const answer = (): unknown => {
        switch (name) {
          case 'datasets.list': return [SENTIMENT, TOPICS];
          case 'app.machine': return { cpus: 8, memoryBytes: 16 * 2 ** 30, devices: { available: ['cpu'], auto: 'cpu', reason: 'no GPU provider in this build' } };
          case 'runs.check': return { ok: true, issues: [] };
          case 'projects.list': return db;
          case 'projects.delete': db = db.filter((p) => p.id !== args.id); return { deleted: args.id };
          case 'projects.save': {
            const existing = db.find((p) => p.id === args.id);
            if (existing) return Object.assign(existing, { name: args.name, config: args.config, updatedAt: stamp() });
            const row = { id: db.length ? Math.max(...db.map((p) => p.id)) + 1 : 1, name: String(args.name), config: args.config, createdAt: stamp(), updatedAt: stamp() };
            db.push(row);
            return row;
          }
          default: throw new Error(`unexpected call ${name}`);
        }
      };
      try {
        return { ok: true, value: structuredClone(answer()) } as Envelope;
      } catch (err) {
        return { ok: false, error: (err as Error).message } as Envelope;
      }
    },
    on: () => () => {},
  });
}

beforeEach(() => {
  setActivePinia(createPinia());
  fakeBackend();
});
afterEach(() => setTransportForTests(undefined));

const task = (patch: Partial<TaskDraft> = {}): TaskDraft => ({
  dataset: '1', name: 'sentiment', type: 'classification', columns: { text: 'text', label: 'label' }, weight: 1, extra: {}, ...patch,
});

// ---- label sets -----------------------------------------------------------------------------------------------

test('label targets: keep, merge and drop build a raw → label map without chains', () => {
  let map = setLabelTarget(undefined, 'positive', 'pos'); // merge
  assert.deepEqual(map, { positive: 'pos' });
  map = setLabelTarget(map, '?', ''); // drop
  assert.deepEqual(map, { positive: 'pos', '?': '' });
  map = setLabelTarget(map, 'pos', 'neg'); // what was merged into pos follows it
  assert.deepEqual(map, { positive: 'neg', '?': '', pos: 'neg' });
  map = setLabelTarget(map, 'pos', 'pos'); // keep again: pos leaves the map, positive stays where it went
  assert.deepEqual(map, { positive: 'neg', '?': '' });
  assert.equal(setLabelTarget({ a: '' }, 'a', 'a'), undefined, 'keeping every label leaves no map');
});

test('dropping rare labels counts the classes after merges', () => {
  const merged = setLabelTarget(undefined, 'positive', 'pos');
  assert.deepEqual(dropRareLabels(LABELS, merged, 50), { positive: 'pos', mixed: '', '?': '' });
  const { classes, dropped } = labelClasses(LABELS, dropRareLabels(LABELS, merged, 50));
  assert.deepEqual(classes.map((c) => [c.name, c.count]), [['pos', 560], ['neg', 400]]);
  assert.equal(dropped, 40);
  assert.equal(headClasses('classification', LABELS, { mixed: '', '?': '' }), 3);
  assert.equal(headClasses('token-classification', [{ value: 'B-X', count: 1 }, { value: 'I-X', count: 1 }], { 'B-X': '', 'I-X': '' }), 1, "dropped tags become 'O'");
});

test('the task config carries the label map, held-out share or validation dataset, and α', () => {
  assert.deepEqual(taskToConfig(task({ labelMap: { positive: 'pos', '?': '' }, heldOut: { fraction: 0.2 }, weight: 0.5 })), {
    name: 'sentiment', dataset: '1', type: 'classification', text: 'text', label: 'label', weight: 0.5,
    labelMap: { positive: 'pos', '?': '' }, heldOut: { fraction: 0.2 },
  });
  const withValidation = taskToConfig(task({ validation: '2', heldOut: { fraction: 0.2 } }));
  assert.equal(withValidation.validation, '2');
  assert.equal(withValidation.heldOut, undefined, 'another dataset validates: nothing is held out');
  assert.equal(taskToConfig(task({ type: 'regression', labelMap: { a: 'b' } })).labelMap, undefined, 'regression has no label map');
  // A loaded config comes back as it was, the prefix form of labelMap included.
  const loaded = { name: 't', dataset: '1', type: 'classification', text: 'q', label: 'l', weight: 2, labelMap: { type: 'prefix', separator: ':' }, heldOut: { fraction: 0.3, seed: 4 }, maxLength: 64, dropout: 0.2 };
  assert.deepEqual(taskToConfig(taskFromConfig(loaded)), loaded);
});

// ---- α, epochs, parameters -------------------------------------------------------------------------------------

test('α shares are α_i / Σα, an empty α counting as 1', () => {
  assert.deepEqual(normalisedShares([0.5, 1, undefined]), [0.2, 0.4, 0.4]);
  assert.deepEqual(normalisedShares([0, 0]), [0, 0]);
  const sum = normalisedShares([0.3, 0.05, 0.9, 1]).reduce((a, b) => a + b, 0);
  assert.ok(Math.abs(sum - 1) < 1e-12);
});

test('epochs become steps: joint steps follow the largest task, the other samplings add the tasks up', () => {
  // 1000 train rows, 10% held out → 900; the other dataset has its own validation split → all 320 train.
  assert.equal(trainRowsOf(task(), SENTIMENT), 900);
  assert.equal(trainRowsOf(task({ heldOut: { fraction: 0.25 } }), SENTIMENT), 750);
  assert.equal(trainRowsOf(task({ dataset: '2' }), TOPICS), 320);
  assert.equal(stepsPerEpoch([900, 320], 32, 'joint'), 29);
  assert.equal(stepsPerEpoch([900, 320], 32, 'proportional'), 39);
  assert.equal(epochsToSteps(3, [900, 320], 32, 'joint'), 87);
  assert.equal(epochsToSteps(0.5, [900, 320], 32, 'round-robin'), 20);
});

test('parameter counts match the engine layout for every head type', () => {
  const shape = { vocab: 500, maxLength: 64, hidden: 32, layers: 2, intermediate: 128 };
  const heads = [{ type: 'classification', classes: 3 }, { type: 'regression', classes: 0 }, { type: 'token-classification', classes: 9 }, { type: 'extractive-qa', classes: 0 }] as const;
  const specs: HeadSpec[] = [
    { name: 'a', kind: 'sequence_classification', numLabels: 3 }, { name: 'b', kind: 'regression' },
    { name: 'c', kind: 'token_classification', numLabels: 9 }, { name: 'd', kind: 'span_extraction' },
  ];
  const engine = modelParamShapes(
    { ...BERT_DEFAULTS, vocabSize: 500, maxPositionEmbeddings: 64, hiddenSize: 32, numHiddenLayers: 2, numAttentionHeads: 2, intermediateSize: 128 },
    specs,
  ).reduce((a, [, s]) => a + s.reduce((x, y) => x * y, 1), 0);
  assert.equal(paramCount(shape, [...heads]), engine);
});

// ---- the store ---------------------------------------------------------------------------------------------------

async function storeWithTasks() {
  const datasets = useDatasetsStore();
  await datasets.load();
  const project = useProjectStore();
  await project.load();
  project.addTask(SENTIMENT, datasets.mappings[1]);
  project.addTask(TOPICS, datasets.mappings[2]);
  return project;
}

test('the config holds the edited label map, validation, α, epochs as steps, device and baselines', async () => {
  const project = await storeWithTasks();
  project.updateTask(0, { ...project.tasks[0]!, weight: 0.5, heldOut: { fraction: 0.25 }, labelMap: dropRareLabels(LABELS, setLabelTarget(undefined, 'positive', 'pos'), 50) });
  project.updateTask(1, { ...project.tasks[1]!, validation: '1' });
  project.setTraining({ ...project.training, length: 'epochs', epochs: 2, batchSize: 50, device: 'cpu', baselines: true, earlyStoppingMetric: 'topics' });
  const c = project.config as { tasks: Record<string, unknown>[]; training: Record<string, unknown>; device: string };
  assert.deepEqual(c.tasks[0], {
    name: 'sentiment', dataset: '1', type: 'classification', text: 'text', label: 'label', weight: 0.5,
    heldOut: { fraction: 0.25 }, labelMap: { positive: 'pos', mixed: '', '?': '' },
  });
  assert.equal(c.tasks[1]!.validation, '1');
  // 750 and 320 train rows at batch 50, joint: 15 steps an epoch.
  assert.equal(project.epochSteps, 15);
  assert.equal(c.training.steps, 30);
  assert.equal(c.training.batchSize, 50);
  assert.equal(c.training.baselines, true);
  assert.deepEqual(c.training.earlyStopping, { metric: 'topics' });
  assert.equal(c.device, 'cpu');
  assert.deepEqual(project.shares, [0.5 / 1.5, 1 / 1.5]);
  // Early stopping follows a renamed task, and falls back to the mean when it is removed.
  project.updateTask(1, { ...project.tasks[1]!, name: 'topic' });
  assert.equal(project.training.earlyStoppingMetric, 'topic');
  project.removeTask(1);
  assert.equal(project.training.earlyStoppingMetric, 'mean');
});

test('Train is ready only once the config as it is now was checked without issues', async () => {
  const project = await storeWithTasks();
  assert.equal(project.ready, false);
  assert.equal(await project.check(), true);
  assert.equal(project.ready, true);
  project.setBackbone({ ...project.backbone, heads: 3 });
  assert.equal(project.ready, false, 'an edit makes the last check stale');
});

test('projects: new, rename, duplicate, open and delete go through projects.*', async () => {
  const project = await storeWithTasks();
  assert.equal(project.projectId, undefined);
  const first = await project.create(); // the unsaved draft with tasks is kept first
  const saves = calls.filter((c) => c.name === 'projects.save');
  assert.equal(saves.length, 2);
  assert.equal(saves[0]!.args.id, undefined);
  assert.equal(saves[0]!.args.name, 'My project');
  assert.equal((saves[0]!.args.config as { tasks: unknown[] }).tasks.length, 2);
  assert.equal(saves[1]!.args.name, 'Untitled project');
  assert.equal(first, 2);
  assert.equal(project.tasks.length, 0);

  await project.open(1);
  assert.equal(project.name, 'My project');
  assert.equal(project.tasks.length, 2);
  assert.equal(project.dirty, false, 'a reopened project has no unsaved edits');

  assert.equal(await project.rename('  two tasks '), true);
  const renamed = calls.at(-1)!;
  assert.equal(renamed.name, 'projects.save');
  assert.equal(renamed.args.id, 1);
  assert.equal(renamed.args.name, 'two tasks');
  assert.equal((renamed.args.config as { name: string }).name, 'two tasks');

  const copy = await project.duplicate();
  const dup = calls.at(-1)!;
  assert.equal(dup.args.id, undefined);
  assert.equal(dup.args.name, 'two tasks copy');
  assert.deepEqual({ ...(dup.args.config as object), name: 'two tasks' }, db.find((p) => p.id === 1)!.config);
  assert.equal(project.projectId, copy);
  assert.equal(project.name, 'two tasks copy');

  await project.remove(copy!);
  assert.deepEqual(calls.at(-1), { name: 'projects.delete', args: { id: copy } });
  assert.equal(project.projectId, 1, 'the most recently saved other project opens');
  assert.deepEqual(project.projects.map((p) => p.name).sort(), ['Untitled project', 'two tasks']);

  // A fresh store reopens the most recently saved project.
  setActivePinia(createPinia());
  const again = useProjectStore();
  await again.load();
  assert.equal(again.projectId, 1);
  assert.equal(again.name, 'two tasks');
});
