// The runs store over a fake transport: a selected run's history arrives as typed-array series and live progress and
// evaluations append to them in place; events that come while the history loads are applied on top of it; a run
// restarted from its checkpoint reloads (main forgot the points past it) and a replayed step drops what followed it;
// status events move the row and trigger the re-reads they need.
import { test, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { createPinia, setActivePinia } from 'pinia';
import { setTransportForTests } from '../../renderer/src/api';
import { useRunsStore, seriesKey, type MetricPoint, type ProgressInfo, type RunEvent, type RunRow } from '../../renderer/src/stores/runs';
import type { Envelope, RunDetail } from '../../main/api/contract';

type Handler = (args: Record<string, unknown>) => unknown;
const calls: { name: string; args: unknown }[] = [];
let emitEvent: (e: RunEvent) => void = () => {};

function fake(handlers: Record<string, Handler>): void {
  calls.length = 0;
  const listeners = new Map<string, Set<(p: unknown) => void>>();
  emitEvent = (e) => {
    for (const l of listeners.get('run.event') ?? []) l(e);
  };
  setTransportForTests({
    invoke: async (name, args) => {
      calls.push({ name, args });
      try {
        const h = handlers[name];
        if (!h) throw new Error(`unexpected call ${name}`);
        return { ok: true, value: await h(args as Record<string, unknown>) } as Envelope;
      } catch (err) {
        return { ok: false, error: (err as Error).message } as Envelope;
      }
    },
    on: (event, listener) => {
      if (!listeners.has(event)) listeners.set(event, new Set());
      listeners.get(event)!.add(listener);
      return () => listeners.get(event)?.delete(listener);
    },
  });
}

const count = (name: string) => calls.filter((c) => c.name === name).length;
const tick = () => new Promise((r) => setTimeout(r, 0));

function row(over: Partial<RunRow> = {}): RunRow {
  return {
    id: 7, projectId: null, parentId: null, baselineTask: null, name: 'two tasks',
    config: { tasks: [{ name: 'sst', type: 'classification' }, { name: 'ner', type: 'token-classification' }], training: { weighting: 'dwa' } },
    status: 'running', step: 0, totalSteps: 100, plan: null, summary: null, error: null, pid: 1,
    createdAt: '', startedAt: null, updatedAt: '', finishedAt: null,
    ...over,
  };
}
const detailOf = (r: RunRow): RunDetail => ({ run: r, evaluations: [], checkpoints: [], baselines: [] });

/** What main stores for steps `from..to` (every 10): total and per-task loss, lr, tokens/s, weights; validation every 20. */
function history(to: number, from = 10): MetricPoint[] {
  const pts: MetricPoint[] = [];
  for (let s = from; s <= to; s += 10) {
    pts.push({ split: 'train', task: '', name: 'loss', step: s, value: 3 - s / 100 });
    pts.push({ split: 'train', task: '', name: 'lr', step: s, value: 1e-3 });
    pts.push({ split: 'train', task: '', name: 'tokens_per_s', step: s, value: 1000 + s });
    for (const t of ['sst', 'ner']) {
      pts.push({ split: 'train', task: t, name: 'loss', step: s, value: 1 - s / 200 });
      pts.push({ split: 'train', task: t, name: 'weight', step: s, value: 1 });
    }
    if (s % 20 === 0) for (const t of ['sst', 'ner']) pts.push({ split: 'validation', task: t, name: 'primary', step: s, value: s / 100 });
  }
  return pts.sort((a, b) => a.step - b.step);
}

function progress(step: number, over: Partial<ProgressInfo> = {}): RunEvent {
  return {
    runId: 7,
    type: 'progress',
    progress: {
      step, totalSteps: 100, lr: 5e-4, taskLosses: { sst: 0.5, ner: 0.6 }, loss: 1.1, weights: { sst: 0.9, ner: 1.1 },
      tokensPerSecond: 2048, tokens: step * 100, trainSeconds: step / 10, etaSeconds: (100 - step) / 10, epochs: { sst: 0, ner: 0 },
      ...over,
    },
  };
}

const steps = (b: { x: Float64Array } | undefined) => (b ? [...b.x] : []);

beforeEach(() => setActivePinia(createPinia()));

test('selecting a run loads its history into typed-array series; progress and evaluations append live', async () => {
  const current = row({ step: 50 });
  fake({ 'runs.list': () => [current], 'runs.get': () => detailOf(current), 'runs.metrics': () => history(50) });
  const store = useRunsStore();
  store.listen();
  await store.load();
  assert.equal(store.selectedId, 7);
  assert.deepEqual(Object.keys(store.loss).sort(), ['ner', 'sst']);
  assert.ok(store.loss.sst!.x instanceof Float64Array);
  assert.deepEqual(steps(store.loss.sst), [10, 20, 30, 40, 50]);
  assert.deepEqual(steps(store.validation.ner), [20, 40]);
  assert.deepEqual(steps(store.runSeries('loss')), [10, 20, 30, 40, 50], 'the weighted total');
  assert.deepEqual(steps(store.weights.sst), [10, 20, 30, 40, 50]);
  assert.equal(store.progress?.tokensPerSecond, 1050);
  assert.equal(store.progress?.step, 50);

  const sst = store.loss.sst!;
  const rev = store.revision;
  emitEvent(progress(60));
  assert.equal(store.loss.sst, sst, 'appended in place: the same buffer');
  assert.deepEqual(steps(sst), [10, 20, 30, 40, 50, 60]);
  assert.equal(sst.lastY(), 0.5);
  assert.equal(store.runSeries('loss')!.lastY(), 1.1);
  assert.equal(store.runSeries('lr')!.lastY(), 5e-4);
  assert.equal(store.weights.ner!.lastY(), 1.1);
  assert.ok(store.revision > rev);
  assert.deepEqual(store.progress, { step: 60, totalSteps: 100, etaSeconds: 4, tokensPerSecond: 2048 });
  assert.equal(store.selected?.step, 60);

  emitEvent({ runId: 7, type: 'evaluation', evaluation: { step: 60, results: [{ task: 'sst', primary: 0.8, metrics: { accuracy: 0.8 } }, { task: 'ner', primary: 0.4, metrics: {} }], mean: 0.6, isBest: true } });
  assert.deepEqual(steps(store.validation.sst), [20, 40, 60]);
  assert.equal(store.validation.sst!.lastY(), 0.8);
  assert.equal(store.series[seriesKey('validation', 'sst', 'accuracy')]?.lastY(), 0.8);
  assert.equal(store.series[seriesKey('validation', '', 'mean')]?.lastY(), 0.6);

  // A series the history did not have appears (a task's first loss): the map is replaced so charts see the new line.
  const before = store.series;
  emitEvent(progress(70, { taskLosses: { sst: 0.4, ner: 0.5, extra: 2 } }));
  assert.notEqual(store.series, before);
  assert.deepEqual(steps(store.loss.extra), [70]);
  // Other runs' progress moves their rows only.
  emitEvent({ ...progress(99), runId: 8 });
  assert.deepEqual(steps(store.loss.sst), [10, 20, 30, 40, 50, 60, 70]);
});

test('events that arrive while the history loads are applied on top of it', async () => {
  let release: () => void = () => {};
  const gate = new Promise<void>((r) => (release = r));
  const r = row({ step: 30 });
  fake({
    'runs.list': () => [r],
    'runs.get': () => detailOf(r),
    'runs.metrics': async () => {
      await gate;
      return history(40); // read after the step-40 report was stored
    },
  });
  const store = useRunsStore();
  store.listen();
  const loading = store.load();
  await tick();
  emitEvent(progress(40, { taskLosses: { sst: 0.25, ner: 0.3 } }));
  emitEvent(progress(50, { taskLosses: { sst: 0.2, ner: 0.3 } }));
  release();
  await loading;
  assert.deepEqual(steps(store.loss.sst), [10, 20, 30, 40, 50]);
  assert.equal(store.loss.sst!.lastY(), 0.2);
  assert.equal(store.progress?.step, 50);
  assert.equal(store.selected?.step, 50, 'the row read before the events does not win');
});

test('a run resumed from its checkpoint reloads its history; a replayed step drops the points after it', async () => {
  let current = row({ status: 'stopped', step: 50 });
  let stored = history(50);
  fake({ 'runs.list': () => [current], 'runs.get': () => detailOf(current), 'runs.metrics': () => stored });
  const store = useRunsStore();
  store.listen();
  await store.load();
  assert.deepEqual(steps(store.loss.sst), [10, 20, 30, 40, 50]);
  assert.equal(count('runs.metrics'), 1);

  // Main restarts the trainer from the checkpoint at step 30: it forgets what came after, then says 'running'.
  stored = history(30);
  current = row({ status: 'running', step: 30 });
  emitEvent({ runId: 7, type: 'status', status: 'running' });
  assert.equal(store.selected?.status, 'running');
  await tick();
  await tick();
  assert.equal(count('runs.metrics'), 2, 'history read again');
  assert.deepEqual(steps(store.loss.sst), [10, 20, 30]);
  assert.deepEqual(steps(store.validation.sst), [20]);
  assert.deepEqual(steps(store.runSeries('loss')), [10, 20, 30]);
  emitEvent(progress(40));
  assert.deepEqual(steps(store.loss.sst), [10, 20, 30, 40]);

  // Without a reload (say the history was read before main truncated), a replayed step still replaces what followed.
  emitEvent(progress(50));
  emitEvent({ runId: 7, type: 'evaluation', evaluation: { step: 50, results: [{ task: 'sst', primary: 0.9, metrics: {} }], mean: 0.9, isBest: false } });
  emitEvent(progress(35));
  for (const b of [store.loss.sst, store.loss.ner, store.runSeries('loss'), store.runSeries('lr'), store.weights.sst]) assert.deepEqual(steps(b), [10, 20, 30, 35]);
  assert.deepEqual(steps(store.validation.sst), [20], 'the evaluation at 50 is gone too');
});

test('status events move the row: pause and resume in place, a finish re-reads the run, a new run reloads the list', async () => {
  let current = row({ status: 'running', step: 20 });
  fake({
    'runs.list': () => [current],
    'runs.get': () => detailOf(current),
    'runs.metrics': () => history(20),
    'runs.pause': () => current,
  });
  const store = useRunsStore();
  store.listen();
  await store.load();
  const metricsReads = count('runs.metrics');

  await store.pause(7);
  assert.equal(store.busy, false);
  emitEvent({ runId: 7, type: 'status', status: 'paused' });
  assert.equal(store.selected?.status, 'paused');
  emitEvent({ runId: 7, type: 'status', status: 'running' });
  assert.equal(store.selected?.status, 'running');
  await tick();
  assert.equal(count('runs.metrics'), metricsReads, 'paused → running continues in the same process: no reload');
  assert.deepEqual(steps(store.loss.sst), [10, 20]);

  const gets = count('runs.get');
  current = row({ status: 'stopped', step: 20, summary: { stopReason: 'stopped' } });
  emitEvent({ runId: 7, type: 'status', status: 'stopped' });
  assert.equal(store.selected?.status, 'stopped');
  await tick();
  await tick();
  assert.equal(count('runs.get'), gets + 1, 'a finished run is re-read (summary, final step)');
  assert.deepEqual(store.detail?.run.summary, { stopReason: 'stopped' });

  emitEvent({ runId: 7, type: 'status', status: 'failed', error: 'out of memory' });
  assert.equal(store.selected?.status, 'failed');
  assert.equal(store.selected?.error, 'out of memory');

  // A status for a run this window has not seen (started from the CLI) reloads the list.
  const lists = count('runs.list');
  current = row({ id: 7, status: 'failed', error: 'out of memory' });
  emitEvent({ runId: 9, type: 'status', status: 'running' });
  await tick();
  assert.equal(count('runs.list'), lists + 1);
});

test('a failed history read is reported, and the next selection starts clean', async () => {
  const r = row();
  fake({ 'runs.list': () => [r], 'runs.get': () => detailOf(r), 'runs.metrics': () => { throw new Error('run 7 does not exist'); } });
  const store = useRunsStore();
  await store.load();
  assert.match(store.error?.message ?? '', /does not exist/);
  assert.deepEqual(store.series, {});
});
