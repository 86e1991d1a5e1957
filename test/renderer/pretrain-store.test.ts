// Where a backbone comes from, as the Train view's project config says it, and "pre-train first" over a fake
// transport: the masked-LM run over the tasks' datasets starts first; when it completes the task run starts from it
// (`backbone.from: 'run:<id>'`); when it fails or is stopped the task run is never started and the reason is kept.
// Also: the Models store (list, import, delete, errors) and the demo project in the interface's language.
import { test, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { createPinia, setActivePinia } from 'pinia';
import { setTransportForTests } from '../../renderer/src/api';
import { setLocale } from '../../renderer/src/i18n';
import {
  DEFAULT_PRETRAIN, backboneFromConfig, backboneToConfig, buildConfig, projectConfigOf, type BackboneDraft, type TrainingDraft,
} from '../../renderer/src/lib/project-config';
import { backboneRuns, fineTuneConfig, isPretraining, pretrainingConfig } from '../../renderer/src/lib/pretrain';
import { useRunsStore, type RunEvent, type RunRow } from '../../renderer/src/stores/runs';
import { usePretrainStore } from '../../renderer/src/stores/pretrain';
import { useModelsStore, type ModelRow } from '../../renderer/src/stores/models';
import { useSettingsStore } from '../../renderer/src/stores/settings';
import type { Envelope, RunDetail } from '../../main/api/contract';

type Handler = (args: Record<string, unknown>) => unknown;
const calls: { name: string; args: Record<string, unknown> }[] = [];
let emitEvent: (e: RunEvent) => void = () => {};

function fake(handlers: Record<string, Handler>): void {
  calls.length = 0;
  const listeners = new Set<(p: unknown) => void>();
  emitEvent = (e) => {
    for (const l of listeners) l(e);
  };
  setTransportForTests({
    invoke: async (name, args) => {
      calls.push({ name, args: args as Record<string, unknown> });
      try {
        const h = handlers[name];
        if (!h) throw new Error(`unexpected call ${name}`);
        return { ok: true, value: structuredClone(await h(args as Record<string, unknown>)) } as Envelope;
      } catch (err) {
        const e = err as Error & { code?: string; params?: Record<string, string | number> };
        return { ok: false, error: e.message, code: e.code, params: e.params } as Envelope;
      }
    },
    on: (event, listener) => {
      if (event === 'run.event') listeners.add(listener);
      return () => listeners.delete(listener);
    },
  });
}

const tick = () => new Promise((r) => setTimeout(r, 0));
const named = (name: string) => calls.filter((c) => c.name === name);

function row(id: number, config: unknown, over: Partial<RunRow> = {}): RunRow {
  return {
    id, projectId: 4, parentId: null, baselineTask: null, name: String((config as { name?: string }).name ?? `run ${id}`), config, status: 'queued',
    step: 0, totalSteps: 100, plan: null, summary: null, error: null, pid: null, createdAt: '', startedAt: null, updatedAt: '', finishedAt: null, ...over,
  };
}

/** A backend whose runs.start records a queued run per call (ids from 11 up) and answers runs.get / runs.metrics for them. */
function runsBackend(extra: Record<string, Handler> = {}): RunRow[] {
  const rows: RunRow[] = [];
  fake({
    'runs.start': ({ config }) => {
      const r = row(11 + rows.length, config);
      rows.push(r);
      return r;
    },
    'runs.list': () => rows,
    'runs.get': ({ id }): RunDetail => ({ run: rows.find((r) => r.id === id)!, evaluations: [], checkpoints: [], baselines: [] }),
    'runs.metrics': () => [],
    ...extra,
  });
  return rows;
}

/** A two-task project as the Train view builds it (datasets 3 and 5; the second task reads dataset 3 too). */
const TRAINING: TrainingDraft = {
  length: 'steps', steps: 300, batchSize: 16, lr: 1e-3, evalEvery: 50, seed: 2, schedule: 'linear', sampling: 'joint', weighting: 'static',
  earlyStoppingMetric: 'mean', baselines: true, device: 'cpu',
};
const TASKS = [
  { dataset: '3', name: 'sent', type: 'classification' as const, columns: { text: 'text', label: 'label' }, weight: 1, extra: {} },
  { dataset: '5', name: 'qa', type: 'extractive-qa' as const, columns: { question: 'question', context: 'context', answers: 'answers' }, weight: 1, extra: {} },
  { dataset: '3', name: 'sent2', type: 'classification' as const, columns: { text: 'text', label: 'label' }, weight: 1, extra: {} },
];
const SCRATCH: BackboneDraft = { hidden: 64, layers: 2, heads: 2, maxLength: 64, vocabSize: 500 };
const project = (backbone: BackboneDraft) => buildConfig({}, { name: 'shop', backbone, training: TRAINING, tasks: TASKS, steps: 300 });

beforeEach(() => {
  setActivePinia(createPinia());
  setLocale('en');
});
afterEach(() => setTransportForTests(undefined));

test('each backbone source becomes the run config main expects, and reads back the same', () => {
  const table: [BackboneDraft, Record<string, unknown>][] = [
    [SCRATCH, { hidden: 64, layers: 2, heads: 2, intermediate: 256, maxLength: 64, tokenizer: { vocabSize: 500 } }],
    [{ ...SCRATCH, source: 'pretrain', pretrain: DEFAULT_PRETRAIN }, { hidden: 64, layers: 2, heads: 2, intermediate: 256, maxLength: 64, tokenizer: { vocabSize: 500 } }],
    // A loaded backbone fixes size and vocabulary: only `from`, `path` and the (capped) max length go.
    [{ ...SCRATCH, source: 'model', model: '7' }, { from: 'pretrained', path: '7', maxLength: 64 }],
    [{ ...SCRATCH, source: 'run', run: 12 }, { from: 'run:12', maxLength: 64 }],
  ];
  for (const [draft, want] of table) {
    assert.deepEqual(backboneToConfig({}, draft), want, draft.source ?? 'scratch');
    const back = backboneFromConfig(want, projectConfigOf({}, draft).pretrainFirst);
    assert.equal(back.source, draft.source, `${draft.source} reads back`);
    if (draft.source === 'model') assert.equal(back.model, '7');
    if (draft.source === 'run') assert.equal(back.run, 12);
    if (draft.source === 'pretrain') assert.deepEqual(back.pretrain, { length: 'steps', steps: 1000, minutes: 10, wholeWordMasking: false });
  }
  // Keys of a loaded config the form does not edit stay; a scratch size in it does not reach a loaded backbone.
  assert.deepEqual(backboneToConfig({ dropout: 0.2, hidden: 512, tokenizer: { type: 'wordpiece', vocabSize: 9000 } }, { source: 'run', run: 3 }), {
    dropout: 0.2, from: 'run:3', tokenizer: { type: 'wordpiece' },
  });
  assert.deepEqual(backboneToConfig({ from: 'run:3', path: '/x' }, { ...SCRATCH, source: 'scratch' }).from, undefined, 'back to scratch drops from and path');
});

test('the pre-training plan is saved with the project, never sent with a run config', () => {
  const draft: BackboneDraft = { ...SCRATCH, source: 'pretrain', pretrain: { length: 'budget', minutes: 2.5, wholeWordMasking: true } };
  const config = project(draft);
  assert.equal(config.pretrainFirst, undefined);
  const saved = projectConfigOf(config, draft);
  assert.deepEqual(saved.pretrainFirst, { budgetSeconds: 150, wholeWordMasking: true });
  // Reopened: the plan comes back and the run config built over it leaves it out again.
  assert.deepEqual(backboneFromConfig(saved.backbone, saved.pretrainFirst).pretrain, { length: 'budget', steps: 1000, minutes: 2.5, wholeWordMasking: true });
  assert.equal(buildConfig(saved, { name: 'shop', backbone: { ...SCRATCH }, training: TRAINING, tasks: TASKS, steps: 300 }).pretrainFirst, undefined);
  assert.equal(projectConfigOf(config, { ...draft, source: 'scratch' }).pretrainFirst, undefined);
});

test('pre-training reads every task dataset once; the task run then starts from it with the size it fixes', () => {
  const config = project({ ...SCRATCH, source: 'pretrain' });
  const pre = pretrainingConfig(config, { length: 'steps', steps: 40, wholeWordMasking: true }, 'shop · pre-training');
  assert.deepEqual(pre, {
    name: 'shop · pre-training',
    backbone: { hidden: 64, layers: 2, heads: 2, intermediate: 256, maxLength: 64, tokenizer: { vocabSize: 500 }, from: 'scratch' },
    tasks: [{ name: 'mlm', type: 'masked-lm', dataset: '3', corpus: [{ dataset: '5' }], wholeWordMasking: true }],
    training: { steps: 40, evalEvery: 40, batchSize: 16, lr: 1e-3, schedule: 'linear', seed: 2, earlyStopping: { patience: 0 } },
    device: 'cpu',
  });
  assert.ok(isPretraining({ config: pre }));
  const budget = pretrainingConfig(config, { length: 'budget', minutes: 5, wholeWordMasking: false }).training as Record<string, unknown>;
  assert.deepEqual([budget.steps, budget.budgetSeconds, budget.evalEverySeconds, budget.evalEvery], [undefined, 300, 60, undefined]);

  const fine = fineTuneConfig(config, 11);
  assert.deepEqual(fine.backbone, { maxLength: 64, from: 'run:11' });
  assert.deepEqual(fine.tasks, config.tasks);
  assert.deepEqual(fine.training, config.training, 'the task run keeps its own training settings (baselines included)');
});

test('runs a backbone may come from: completed ones, pre-training first', () => {
  const pre = { tasks: [{ name: 'mlm', type: 'masked-lm' }] };
  const task = { tasks: [{ name: 'sent', type: 'classification' }] };
  const runs = [row(1, task, { status: 'completed' }), row(2, pre, { status: 'completed' }), row(3, pre, { status: 'failed' }), row(4, task, { status: 'completed' }), row(5, pre, { status: 'completed' }), row(6, task, { status: 'running' })];
  assert.deepEqual(backboneRuns(runs).map((r) => r.id), [5, 2, 4, 1]);
});

test('pre-train first: when the pre-training run completes, the task run starts from it and is shown', async () => {
  const rows = runsBackend();
  const store = useRunsStore();
  store.listen();
  const chain = usePretrainStore();
  const config = project({ ...SCRATCH, source: 'pretrain' });
  const pre = await chain.start(config, { length: 'steps', steps: 40, wholeWordMasking: false }, 4);
  assert.equal(pre?.id, 11);
  assert.equal(named('runs.start').length, 1);
  assert.equal(named('runs.start')[0]!.args.projectId, 4);
  assert.equal((named('runs.start')[0]!.args.config as { name: string }).name, 'shop · pre-training');
  assert.equal(store.selectedId, 11, 'the dashboard shows the pre-training run first');
  assert.equal(chain.chains[11]?.state, 'pretraining');

  for (const status of ['running', 'paused', 'running'] as const) emitEvent({ runId: 11, type: 'status', status });
  await tick();
  assert.equal(named('runs.start').length, 1, 'nothing more while it trains');
  rows[0]!.status = 'completed';
  emitEvent({ runId: 11, type: 'status', status: 'completed' });
  for (let i = 0; i < 5; i++) await tick();
  const starts = named('runs.start');
  assert.equal(starts.length, 2);
  const fine = starts[1]!.args.config as { name: string; backbone: Record<string, unknown>; tasks: unknown[] };
  assert.deepEqual(fine.backbone, { maxLength: 64, from: 'run:11' });
  assert.equal(fine.name, 'shop');
  assert.equal(fine.tasks.length, 3);
  assert.equal(starts[1]!.args.projectId, 4);
  assert.deepEqual({ ...chain.chains[11] }, { pretrainId: 11, config, projectId: 4, state: 'fine-tuning', fineTuneId: 12 });
  assert.equal(store.selectedId, 12, 'then the fine-tuning run');
  assert.deepEqual(store.runs.map((r) => r.id).sort(), [11, 12], 'both runs are in the list');
  emitEvent({ runId: 11, type: 'status', status: 'completed' });
  await tick();
  assert.equal(named('runs.start').length, 2, 'a repeated status starts nothing more');
  chain.dismiss(11);
  assert.equal(chain.chains[11], undefined);
});

test('pre-train first: a failed or stopped pre-training run never starts the task run, and says why', async () => {
  runsBackend();
  const store = usePretrainStore();
  const config = project({ ...SCRATCH, source: 'pretrain' });
  await store.start(config, DEFAULT_PRETRAIN);
  await store.start(config, DEFAULT_PRETRAIN);
  emitEvent({ runId: 11, type: 'status', status: 'failed', error: 'run 11 is not running (status: x)', code: 'run_not_running', params: { id: 11, status: 'x' } });
  emitEvent({ runId: 12, type: 'status', status: 'stopped' });
  for (let i = 0; i < 5; i++) await tick();
  assert.equal(named('runs.start').length, 2, 'no task run');
  assert.equal(store.chains[11]?.state, 'cancelled');
  assert.equal(store.chains[11]?.status, 'failed');
  assert.deepEqual(store.chains[11]?.problem, { message: 'run 11 is not running (status: x)', code: 'run_not_running', params: { id: 11, status: 'x' } });
  assert.equal(store.chains[12]?.status, 'stopped');
  assert.equal(store.chains[12]?.problem, undefined);
  // Resumed and completed later, a cancelled chain stays cancelled.
  emitEvent({ runId: 12, type: 'status', status: 'completed' });
  await tick();
  assert.equal(named('runs.start').length, 2);
});

test('pre-train first: a task run that cannot start leaves the chain cancelled with the error', async () => {
  let n = 0;
  runsBackend({
    'runs.start': ({ config }) => {
      if (n++ === 0) return row(11, config);
      throw Object.assign(new Error('runs.start: backbone.from: run 11 has no checkpoint yet'), { code: 'config_invalid', params: { issues: 'x' } });
    },
  });
  const store = usePretrainStore();
  await store.start(project({ ...SCRATCH, source: 'pretrain' }), DEFAULT_PRETRAIN);
  emitEvent({ runId: 11, type: 'status', status: 'completed' });
  for (let i = 0; i < 5; i++) await tick();
  assert.equal(store.chains[11]?.state, 'cancelled');
  assert.equal(store.chains[11]?.status, undefined);
  assert.match(store.chains[11]?.problem?.message ?? '', /has no checkpoint yet/);
  assert.equal(store.chains[11]?.problem?.code, 'config_invalid');
});

const MODEL: ModelRow = {
  id: 3, name: 'tiny', architecture: 'bert', source: '/data/tiny-bert', folder: '/chorus/models/3', vocabSize: 30, maxLength: 16, hidden: 8, layers: 2,
  heads: 2, parameters: 4242, bytes: 17_000, info: { files: ['model.safetensors', 'vocab.txt'], dtypes: ['F32'], ignored: [], missing: [], notes: [], mlmHead: true },
  createdAt: '2025-01-01T00:00:00.000Z',
};

test('the Models store lists, imports (by folder path, optional name), deletes, and keeps the error of a failed call', async () => {
  let list: ModelRow[] = [];
  fake({
    'models.list': () => list,
    'models.import': ({ path, name }) => {
      if (path === '/nowhere') throw new Error('models.import: /nowhere: no such folder');
      const model = { ...MODEL, name: String(name ?? 'tiny-bert') };
      const existing = list.some((m) => m.id === model.id);
      list = [model];
      return { model, existing };
    },
    'models.delete': ({ id }) => {
      if (id === 99) throw Object.assign(new Error('models.delete: model 99 does not exist'), { code: 'model_not_found', params: { id: 99 } });
      list = list.filter((m) => m.id !== id);
      return { deleted: id };
    },
  });
  const store = useModelsStore();
  const errorOf = () => store.error; // read afresh (assertions narrow a property read)
  await store.load();
  assert.ok(store.loaded);
  assert.equal(store.models.length, 0);

  assert.equal(await store.importFolder('  /nowhere '), undefined);
  assert.match(store.error?.message ?? '', /no such folder/);
  assert.equal(named('models.import')[0]!.args.path, '/nowhere', 'the path is trimmed');

  const m = await store.importFolder('/data/tiny-bert', ' tiny ');
  assert.equal(m?.name, 'tiny');
  assert.deepEqual(named('models.import')[1]!.args, { path: '/data/tiny-bert', name: 'tiny' });
  assert.ok(!store.error);
  assert.deepEqual(store.models.map((x) => x.id), [3]);
  assert.equal(store.lastImport?.existing, false);
  await store.importFolder('/data/tiny-bert');
  assert.deepEqual(named('models.import')[2]!.args, { path: '/data/tiny-bert' }, 'no name: none sent');
  assert.equal(store.lastImport?.existing, true);
  assert.equal(store.models.length, 1, 'the same model once');

  await store.remove(99);
  assert.equal(errorOf()?.code, 'model_not_found', 'a coded error keeps its code');
  await store.remove(3);
  assert.equal(store.models.length, 0);
  assert.ok(!store.lastImport);
  assert.ok(!store.error);
});

test('the demo project is the one of the interface language', async () => {
  fake({ 'projects.createDemo': () => ({ id: 1, name: 'demo', config: {}, createdAt: '', updatedAt: '' }), 'datasets.list': () => [] });
  const settings = useSettingsStore();
  settings.setLocale('zh-CN');
  await settings.createDemo();
  assert.deepEqual(named('projects.createDemo')[0]!.args, { language: 'zh-CN' });
  assert.equal(settings.demoLanguage, 'zh-CN');
  settings.setLocale('en');
  await settings.createDemo();
  assert.deepEqual(named('projects.createDemo')[1]!.args, { language: 'en' });
  assert.equal(settings.demoLanguage, 'en');
});
