// Generation tasks in the renderer: the task config the project form emits (source and target columns, target length,
// decoder depth, decoding) and reads back, checked by main's own schema; the parameters a generation head adds as the
// engine lays them out; the Playground's decoding controls as runs.predict's `decode`; and the per-example ROUGE-L
// the Compare view shows, as main scores it.
import { test, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { createPinia, setActivePinia } from 'pinia';
import { setTransportForTests } from '../../renderer/src/api';
import {
  buildConfig, DEFAULT_BACKBONE, DEFAULT_TRAINING, fieldPathsOf, taskFromConfig, taskFromDataset, taskToConfig, type TaskDraft,
} from '../../renderer/src/lib/project-config';
import { headShapeOf, paramCount } from '../../renderer/src/lib/training-estimates';
import { pretrainingConfig } from '../../renderer/src/lib/pretrain';
import { decodeArgs, decodeIssues, fieldsOf, type DecodeDraft } from '../../renderer/src/lib/decode-options';
import { filtersFor, inputText, runsDisagree, type AlignedExample, type PredictionRow } from '../../renderer/src/lib/compare-examples';
import { usePlaygroundStore, type RunRow } from '../../renderer/src/stores/playground';
import { parseRunConfig } from '../../main/training/config';
import { modelParamShapes, BERT_DEFAULTS, type HeadSpec } from '../../main/engine/nn/config';
import { CALLS, type Envelope } from '../../main/api/contract';
import type { DatasetSummary } from '../../main/data/types';

const SCITLDR: DatasetSummary = {
  id: 7, name: 'scitldr.jsonl', format: 'jsonl', files: ['scitldr.jsonl'], splits: { train: 300 }, rowCount: 300,
  columns: [{ name: 'source', kind: 'json', distinct: 0, empty: 0 }, { name: 'target', kind: 'json', distinct: 0, empty: 0 }],
  suggestion: { type: 'generation', text: 'source', label: 'target', reason: "'source' → 'target': text to text" }, sha256: '', createdAt: '',
};
const SST: TaskDraft = { dataset: '3', name: 'sst', type: 'classification', columns: { text: 'sentence', label: 'label' }, weight: 1, extra: {} };

const generation = (over: Partial<TaskDraft> = {}): TaskDraft => ({ ...taskFromDataset(SCITLDR, undefined, []), ...over });

// ---- the task config ----

test('a dataset suggested for generation becomes a generation task reading its source and target columns, greedy', () => {
  const t = taskFromDataset(SCITLDR, undefined, []);
  assert.equal(t.type, 'generation');
  assert.equal(t.name, 'scitldr');
  assert.deepEqual(t.columns, { source: 'source', target: 'target' });
  assert.deepEqual(taskToConfig(t), { name: 'scitldr', dataset: '7', type: 'generation', source: 'source', target: 'target', weight: 1, generate: { strategy: 'greedy' } });
  // A mapping the user edited in the Datasets view names the columns as text (source) and label (target).
  const edited = taskFromDataset(SCITLDR, { type: 'generation', columns: { text: 'target', label: 'source' } }, ['scitldr']);
  assert.deepEqual([edited.name, edited.columns], ['scitldr_2', { source: 'target', target: 'source' }]);
});

test('the config carries the target length, the decoder depth and each decoding choice with only its own settings', () => {
  const cases: [TaskDraft['generation'], Record<string, unknown>][] = [
    [{ strategy: 'greedy', beams: 8, temperature: 0.7 }, { generate: { strategy: 'greedy' } }],
    [{ strategy: 'beam', beams: 5, topP: 0.9, maxTargetLength: 32, decoderLayers: 1 }, { maxTargetLength: 32, decoder: { layers: 1 }, generate: { strategy: 'beam', beams: 5 } }],
    [{ strategy: 'beam' }, { generate: { strategy: 'beam' } }],
    [{ strategy: 'sample', beams: 5, temperature: 0.7, topP: 0.9 }, { generate: { strategy: 'sample', temperature: 0.7, topP: 0.9 } }],
  ];
  for (const [g, want] of cases) {
    const c = taskToConfig(generation({ generation: g }));
    assert.deepEqual({ maxTargetLength: c.maxTargetLength, decoder: c.decoder, generate: c.generate }, { maxTargetLength: undefined, decoder: undefined, ...want }, JSON.stringify(g));
  }
});

test('a loaded generation config comes back as it was, keys the form does not edit included; another type drops them', () => {
  const config = {
    name: 'tldr', dataset: '7', type: 'generation', source: 'source', target: 'target', weight: 2, maxLength: 96, maxTargetLength: 40, labelSmoothing: 0.1,
    decoder: { layers: 3, heads: 2 }, generate: { strategy: 'beam', beams: 6, lengthPenalty: 1.2, noRepeatNgram: 3 },
  };
  const draft = taskFromConfig(config);
  assert.deepEqual(draft.generation, { maxTargetLength: 40, decoderLayers: 3, strategy: 'beam', beams: 6 });
  assert.deepEqual(draft.columns, { source: 'source', target: 'target' });
  assert.deepEqual(taskToConfig(draft), config);
  // Switched to sampling: the beam count goes, the length penalty and n-gram block (not edited here) stay.
  assert.deepEqual(taskToConfig({ ...draft, generation: { ...draft.generation!, strategy: 'sample', temperature: 0.8 } }).generate, {
    lengthPenalty: 1.2, noRepeatNgram: 3, strategy: 'sample', temperature: 0.8,
  });
  const asClassification = taskToConfig({ ...draft, type: 'classification', columns: { ...draft.columns, text: 'source', label: 'target' } });
  for (const k of ['maxTargetLength', 'labelSmoothing', 'decoder', 'generate', 'source', 'target']) assert.ok(!(k in asClassification), `${k} left out of a classification task`);
});

test("main's schema accepts what the form emits for a generation task beside a classification task", () => {
  const config = buildConfig({}, {
    name: 'tldr and sentiment', backbone: { ...DEFAULT_BACKBONE, hidden: 64, heads: 2 }, training: { ...DEFAULT_TRAINING, steps: 50 },
    tasks: [generation({ generation: { strategy: 'sample', temperature: 0.9, topP: 0.95, maxTargetLength: 24, decoderLayers: 1 } }), SST], steps: 50,
  });
  const parsed = parseRunConfig(config);
  const g = parsed.tasks[0]!;
  assert.equal(g.type, 'generation');
  if (g.type !== 'generation') return;
  assert.deepEqual([g.source, g.target, g.maxTargetLength, g.decoder], ['source', 'target', 24, { layers: 1 }]);
  assert.deepEqual(g.generate, { strategy: 'sample', beams: 4, lengthPenalty: 1, noRepeatNgram: 0, temperature: 0.9, topP: 0.95, seed: 0 });
  assert.equal(parsed.tasks[1]!.type, 'classification');
});

test('pre-training first reads the source and target of a generation dataset (lists of sentences), every text column of the others', () => {
  const config = buildConfig({}, {
    name: 'tldr', backbone: DEFAULT_BACKBONE, training: DEFAULT_TRAINING, steps: 50,
    tasks: [generation({ columns: { source: 'abstract', target: 'tldr' } }), SST],
  });
  const pre = parseRunConfig(pretrainingConfig(config));
  const mlm = pre.tasks[0]!;
  assert.equal(mlm.type, 'masked-lm');
  if (mlm.type !== 'masked-lm') return;
  assert.deepEqual([mlm.dataset, mlm.text], ['7', ['abstract', 'tldr']]);
  assert.deepEqual(mlm.corpus, [{ dataset: '3' }], 'the classification dataset: main picks its text columns');
});

test('issues of a generation task have fields: its columns, target length, decoder depth and decoding', () => {
  const paths = fieldPathsOf([SST, generation()]);
  for (const p of ['source', 'target', 'maxTargetLength', 'decoder.layers', 'generate.strategy', 'generate.beams', 'generate.temperature', 'generate.topP'])
    assert.ok(paths.has(`tasks[1].${p}`), `tasks[1].${p}`);
  assert.ok(!paths.has('tasks[0].generate.beams'), 'a classification task has no decoding field');
});

test('a generation head adds its decoder to the parameter count, as the engine lays it out', () => {
  const shape = { vocab: 500, maxLength: 64, hidden: 32, layers: 2, intermediate: 128 };
  const heads = [headShapeOf(SST, 2), headShapeOf(generation({ generation: { strategy: 'greedy', decoderLayers: 3, maxTargetLength: 20 } }), 0), headShapeOf(generation(), 0)];
  assert.deepEqual(heads[1]!.decoder, { layers: 3, positions: 21 });
  assert.deepEqual(heads[2]!.decoder, { layers: 2, positions: 65 }, 'the defaults: 2 layers, 64 target tokens');
  const specs: HeadSpec[] = [
    { name: 'a', kind: 'sequence_classification', numLabels: 2 },
    { name: 'b', kind: 'generation', decoder: { layers: 3, maxLength: 21 } },
    { name: 'c', kind: 'generation', decoder: { maxLength: 65 } },
  ];
  const engine = modelParamShapes(
    { ...BERT_DEFAULTS, vocabSize: 500, maxPositionEmbeddings: 64, hiddenSize: 32, numHiddenLayers: 2, numAttentionHeads: 2, intermediateSize: 128 },
    specs,
  ).reduce((a, [, s]) => a + s.reduce((x, y) => x * y, 1), 0);
  assert.equal(paramCount(shape, heads), engine);
});

// ---- decoding in the Playground ----

const decodeSchema = CALLS['runs.predict'].args;
const valid = (decode: unknown) => decodeSchema.safeParse({ id: 1, text: 'x', decode }).success;

test('each decoding choice becomes the decode runs.predict takes, with only its own settings', () => {
  const cases: [DecodeDraft, unknown][] = [
    [{ strategy: 'task' }, undefined],
    [{ strategy: 'task', beams: 3, maxLength: 20 }, { maxLength: 20 }],
    [{ strategy: 'greedy', temperature: 0.5 }, { strategy: 'greedy' }],
    [{ strategy: 'beam' }, { strategy: 'beam', numBeams: 4 }],
    [{ strategy: 'beam', beams: 8, maxLength: 30, topP: 0.5 }, { strategy: 'beam', numBeams: 8, maxLength: 30 }],
    [{ strategy: 'sample' }, { strategy: 'sample', temperature: 1, topP: 1 }],
    [{ strategy: 'sample', temperature: 0.7, topP: 0.9, seed: 3, beams: 2 }, { strategy: 'sample', temperature: 0.7, topP: 0.9, seed: 3 }],
  ];
  for (const [draft, want] of cases) {
    const got = decodeArgs(draft);
    assert.deepEqual(got, want, JSON.stringify(draft));
    if (got) assert.ok(valid(got), `runs.predict accepts ${JSON.stringify(got)}`);
  }
});

test('values runs.predict would refuse are named, only among the fields the choice uses', () => {
  assert.deepEqual(fieldsOf('beam'), ['beams', 'maxLength']);
  assert.deepEqual(decodeIssues({ strategy: 'beam', beams: 17, temperature: 0 }), ['beams']);
  assert.deepEqual(decodeIssues({ strategy: 'sample', temperature: 0, topP: 1.5, seed: 1.5, maxLength: 600 }), ['temperature', 'topP', 'seed', 'maxLength']);
  assert.deepEqual(decodeIssues({ strategy: 'greedy', temperature: 0, maxLength: 1 }), []);
  for (const bad of [{ strategy: 'beam', numBeams: 17 }, { strategy: 'sample', temperature: 0 }, { maxLength: 600 }]) assert.ok(!valid(bad), 'the contract refuses it too');
});

function run(id: number, tasks: unknown[]): RunRow {
  const at = `2025-01-0${id}T10:00:00.000Z`;
  return {
    id, projectId: null, parentId: null, baselineTask: null, name: `run ${id}`, config: { name: `run ${id}`, tasks }, status: 'completed',
    step: 30, totalSteps: 30, plan: null, summary: null, error: null, pid: null, createdAt: at, startedAt: at, updatedAt: at, finishedAt: null,
  };
}
const RUNS = [run(1, [{ name: 'sentiment', type: 'classification' }]), run(2, [{ name: 'tldr', type: 'generation' }, { name: 'sentiment', type: 'classification' }])];

beforeEach(() => setActivePinia(createPinia()));

test('the Playground sends the decoding to runs.predict when a ticked run generates, and waits for values in range', async () => {
  const calls: Record<string, unknown>[] = [];
  setTransportForTests({
    invoke: async (name, args) => {
      if (name === 'runs.list') return { ok: true, value: RUNS } as Envelope;
      calls.push(args as Record<string, unknown>);
      return { ok: true, value: { tldr: { text: 'a short summary', finished: true } } } as Envelope;
    },
    on: () => () => {},
  });
  try {
    const store = usePlaygroundStore();
    await store.load();
    store.setSelected([1]);
    store.text = 'a long paper abstract';
    assert.ok(!store.needsDecode, 'no generation task: no decoding controls');
    store.setDecode({ strategy: 'beam', beams: 3 });
    await store.predict();
    assert.deepEqual(calls.at(-1), { id: 1, text: 'a long paper abstract' }, 'nor a decode argument');

    store.setSelected([2]);
    assert.ok(store.needsDecode);
    await store.predict();
    assert.deepEqual(calls.at(-1), { id: 2, text: 'a long paper abstract', decode: { strategy: 'beam', numBeams: 3 } });
    assert.deepEqual(store.asked?.decode, { strategy: 'beam', numBeams: 3 }, 'the grid shows how the answer was decoded');

    store.setDecode({ strategy: 'task' });
    await store.predict();
    assert.deepEqual(calls.at(-1), { id: 2, text: 'a long paper abstract' }, "the task's own decoding: nothing to send");

    store.setDecode({ strategy: 'sample', topP: 2 });
    assert.deepEqual(store.badDecode, ['topP']);
    assert.ok(!store.canPredict);
    const before = calls.length;
    await store.predict();
    assert.equal(calls.length, before, 'nothing asked with a value out of range');
  } finally {
    setTransportForTests(undefined);
  }
});

// ---- Compare ----

test('generated texts are compared as text: runs disagree when their texts differ; no right or wrong filters', () => {
  const row = (text: string): PredictionRow => ({ example: 0, input: { source: 'a long abstract' }, gold: ['ref'], output: { text, finished: true }, correct: null });
  const ex = (a: string, b: string): AlignedExample => ({ example: 0, input: { source: 'a long abstract' }, gold: ['ref'], outputs: [row(a), row(b)] });
  assert.equal(runsDisagree('generation', ex('a  short text', 'a short text ')), false);
  assert.equal(runsDisagree('generation', ex('a short text', 'another text')), true);
  assert.deepEqual(filtersFor('generation'), ['all', 'disagree']);
  assert.equal(inputText({ source: 'a long abstract' }), 'a long abstract');
});
