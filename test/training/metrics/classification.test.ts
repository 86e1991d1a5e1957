import { test } from 'node:test';
import assert from 'node:assert/strict';
import { classificationMetrics } from '../../../main/training/metrics';

const close = (actual: number, expected: number, what: string): void =>
  assert.ok(Math.abs(actual - expected) < 1e-12, `${what}: ${actual} != ${expected}`);

test('3-class example: every cell of the confusion matrix and every per-class number', () => {
  //           i: 0  1  2  3  4  5  6  7  8  9
  const gold = [0, 0, 0, 1, 1, 2, 2, 2, 2, 0];
  const pred = [0, 1, 0, 1, 2, 2, 2, 0, 1, 0];
  const m = classificationMetrics(gold, pred, ['a', 'b', 'c']);
  assert.deepEqual(m.confusion, [
    [3, 1, 0], // gold a: predicted a at 0, 2, 9; b at 1
    [0, 1, 1], // gold b: b at 3; c at 4
    [1, 1, 2], // gold c: a at 7; b at 8; c at 5, 6
  ]);
  assert.equal(m.n, 10);
  close(m.accuracy, 6 / 10, 'accuracy');
  const expected = [
    // label, precision (tp / column), recall (tp / row), f1, support
    ['a', 3 / 4, 3 / 4, 3 / 4, 4],
    ['b', 1 / 3, 1 / 2, 2 / 5, 2],
    ['c', 2 / 3, 2 / 4, 4 / 7, 4],
  ] as const;
  expected.forEach(([label, p, r, f1, support], c) => {
    const got = m.perClass[c];
    assert.equal(got.label, label);
    close(got.precision, p, `${label} precision`);
    close(got.recall, r, `${label} recall`);
    close(got.f1, f1, `${label} f1`);
    assert.equal(got.support, support);
  });
  close(m.macroF1, (3 / 4 + 2 / 5 + 4 / 7) / 3, 'macroF1');
});

test('zero division gives 0, and macro F1 still averages over every label', () => {
  // y has support but is never predicted; z has neither support nor predictions.
  const m = classificationMetrics([0, 0, 1], [0, 0, 0], ['x', 'y', 'z']);
  const rows = m.perClass.map((c) => [c.label, c.precision, c.recall, c.f1, c.support]);
  assert.deepEqual(rows, [
    ['x', 2 / 3, 1, 0.8, 2],
    ['y', 0, 0, 0, 1],
    ['z', 0, 0, 0, 0],
  ]);
  close(m.macroF1, 0.8 / 3, 'macroF1');
  close(m.accuracy, 2 / 3, 'accuracy');
  assert.deepEqual(m.confusion, [
    [2, 0, 0],
    [1, 0, 0],
    [0, 0, 0],
  ]);
});

test('edge cases: perfect, empty, and bad input named by side and index', () => {
  const perfect = classificationMetrics([1, 0, 1], [1, 0, 1], ['neg', 'pos']);
  assert.equal(perfect.accuracy, 1);
  assert.equal(perfect.macroF1, 1);
  const empty = classificationMetrics([], [], ['a', 'b']);
  assert.deepEqual([empty.accuracy, empty.macroF1, empty.n], [0, 0, 0]);
  assert.deepEqual(empty.confusion, [
    [0, 0],
    [0, 0],
  ]);
  assert.throws(() => classificationMetrics([0, 1], [0], ['a', 'b']), /gold has 2 rows but pred has 1/);
  assert.throws(() => classificationMetrics([0, 1], [0, 2], ['a', 'b']), /pred\[1\] = 2 is not a label index/);
  assert.throws(() => classificationMetrics([0.5], [0], ['a', 'b']), /gold\[0\] = 0.5/);
});
