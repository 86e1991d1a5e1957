import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LossWeighting, samplingShares, stepWeights, tasksForStep } from '../../main/training/strategies';
import { lrAt, lrAtBudgetFraction, lrFactor } from '../../main/training/schedule';
import { BatchStream } from '../../main/training/streams';

test('sampling: joint trains every task, round-robin one in turn, proportional and temperature draw by size', () => {
  const sizes = [9000, 900, 100];
  assert.deepEqual(tasksForStep('joint', 5, sizes, 0), [0, 1, 2]);
  assert.deepEqual([1, 2, 3, 4].map((s) => tasksForStep('round-robin', s, sizes, 0)), [[0], [1], [2], [0]]);
  const count = (kind: 'proportional' | 'temperature', T = 1) => {
    const n = [0, 0, 0];
    for (let s = 1; s <= 20000; s++) n[tasksForStep(kind, s, sizes, 7, T)[0]!]! += 1;
    return n.map((x) => x / 20000);
  };
  const p = count('proportional');
  samplingShares('proportional', sizes).forEach((want, i) => assert.ok(Math.abs(p[i]! - want) < 0.01, `proportional task ${i}: ${p[i]} vs ${want}`));
  const t = count('temperature', 2);
  samplingShares('temperature', sizes, 2).forEach((want, i) => assert.ok(Math.abs(t[i]! - want) < 0.01, `temperature task ${i}: ${t[i]} vs ${want}`));
  assert.deepEqual(tasksForStep('proportional', 123, sizes, 7), tasksForStep('proportional', 123, sizes, 7), 'a step draws the same task every time');
});

test('weighting: static keeps α, equal is 1/N, one-task steps scale by N so the expected loss is the joint one', () => {
  assert.deepEqual(new LossWeighting('static', [0.4, 0.2, 0.4]).weights(), [0.4, 0.2, 0.4]);
  assert.deepEqual(new LossWeighting('equal', [0.4, 0.2, 0.4]).weights(), [1 / 3, 1 / 3, 1 / 3]);
  assert.deepEqual(stepWeights([0.4, 0.2, 0.4], [0, 1, 2]), [0.4, 0.2, 0.4]);
  assert.deepEqual(stepWeights([0.4, 0.2, 0.4], [1]), [0.6000000000000001]);
});

test('uncertainty weighting learns log-variances: a task with a larger loss gets a smaller weight', () => {
  const w = new LossWeighting('uncertainty', [1, 1]);
  for (let i = 0; i < 500; i++) w.observe([4, 0.25], [0, 1], 0.01);
  const [big, small] = w.weights();
  assert.ok(big! < 1 && small! > 1, `weights ${big}, ${small}`);
  // the optimum of exp(-s)·L + s is s = ln L, i.e. weight 1/L
  const w2 = new LossWeighting('uncertainty', [1], 2, 50);
  for (let i = 0; i < 5000; i++) w2.observe([4], [0], 0.01);
  assert.ok(Math.abs(w2.weights()[0]! - 0.25) < 0.01, `converges to 1/L: ${w2.weights()[0]}`);
  const restored = new LossWeighting('uncertainty', [1, 1], 2, 50, w.state);
  assert.deepEqual(restored.weights(), w.weights(), 'state round-trips through a checkpoint');
});

test('DWA: equal weights for two windows, then the task whose loss fell least gets the most weight', () => {
  const w = new LossWeighting('dwa', [1, 1], 2, 2); // windows of 2 steps
  assert.deepEqual(w.weights(), [0.5, 0.5]);
  for (let i = 0; i < 2; i++) w.observe([2, 2], [0, 1], 1e-3); // window 1: means 2, 2
  for (let i = 0; i < 2; i++) w.observe([2, 1], [0, 1], 1e-3); // window 2: task 0 flat, task 1 halved
  const [a, b] = w.weights();
  const ea = Math.exp(1 / 2), eb = Math.exp(0.5 / 2);
  assert.ok(Math.abs(a! - ea / (ea + eb)) < 1e-12 && Math.abs(b! - eb / (ea + eb)) < 1e-12, `${a}, ${b}`);
});

test('schedules: linear warm-up from 0 then linear or cosine decay to 0, as Hugging Face (step t uses factor(t−1))', () => {
  const s = { kind: 'linear' as const, baseLr: 1e-3, totalSteps: 100, warmupSteps: 10 };
  assert.equal(lrAt(s, 1), 0, 'the first step has lr 0 under warm-up');
  assert.equal(lrAt(s, 6), 5e-4);
  assert.equal(lrFactor(s, 10), 1);
  assert.equal(lrFactor(s, 55), 0.5);
  assert.equal(lrFactor(s, 100), 0);
  const c = { ...s, kind: 'cosine' as const };
  assert.ok(Math.abs(lrFactor(c, 55) - 0.5) < 1e-12);
  assert.ok(Math.abs(lrFactor(c, 10 + 90 / 4) - (1 + Math.SQRT1_2) / 2) < 1e-12);
  assert.equal(lrFactor({ ...s, kind: 'constant' as const }, 90), 1);
});

test('a time-budgeted schedule follows the share of the budget spent: warm-up over its first share, decay to 0 at its end', () => {
  const s = { kind: 'linear' as const, baseLr: 1e-3, totalSteps: 100, warmupSteps: 10 };
  assert.equal(lrAtBudgetFraction(s, 0), 0);
  assert.ok(Math.abs(lrAtBudgetFraction(s, 0.05) - 5e-4) < 1e-12, 'half-way through the warm-up share');
  assert.ok(Math.abs(lrAtBudgetFraction(s, 0.55) - 5e-4) < 1e-12, 'half-way through the decay');
  assert.equal(lrAtBudgetFraction(s, 1), 0);
  assert.equal(lrAtBudgetFraction(s, 1.3), 0, 'past the budget it stays 0, not negative');
});

test('batch streams: every example once per epoch, length-sorted batches, and the state alone reproduces what follows', () => {
  const lengths = Array.from({ length: 1000 }, (_, i) => (i * 37) % 60 + 1);
  const a = new BatchStream(lengths, 32, 5, 0);
  const epoch: number[] = [];
  for (let i = 0; i < Math.ceil(1000 / 32); i++) epoch.push(...a.next());
  assert.deepEqual([...epoch].sort((x, y) => x - y), lengths.map((_, i) => i));
  a.next();
  const saved = { ...a.state };
  const next = [a.next(), a.next(), a.next()];
  const b = new BatchStream(lengths, 32, 5, 0);
  b.state = saved;
  assert.deepEqual([b.next(), b.next(), b.next()], next);
  assert.notDeepEqual(new BatchStream(lengths, 32, 5, 1).next(), new BatchStream(lengths, 32, 5, 0).next(), 'tasks draw independent orders');
});
