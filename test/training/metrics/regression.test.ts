import { test } from 'node:test';
import assert from 'node:assert/strict';
import { averageRanks, regressionMetrics } from '../../../main/training/metrics';

const close = (actual: number, expected: number, what: string): void =>
  assert.ok(Math.abs(actual - expected) < 1e-12, `${what}: ${actual} != ${expected}`);

test('average ranks for ties (scipy rankdata, method=average)', () => {
  const cases: [number[], number[]][] = [
    [[1, 2, 2, 3, 5], [1, 2.5, 2.5, 4, 5]],
    [[2, 1, 3, 3, 4], [2, 1, 3.5, 3.5, 5]],
    [[7, 7, 7], [2, 2, 2]],
    [[-1, 10, 0.5], [1, 3, 2]],
    [[], []],
  ];
  for (const [xs, ranks] of cases) assert.deepEqual(averageRanks(xs), ranks, `ranks of ${xs}`);
});

test('Pearson, Spearman and MSE against hand / numpy values', () => {
  // Expected values: by hand (first row: sxy 5.2, sxx 9.2, syy 5.2; ranks sxy 7.25, sxx = syy 9.5) and checked with
  // numpy.corrcoef on the values and on the average ranks.
  const cases: { gold: number[]; pred: number[]; pearson: number; spearman: number; mse: number }[] = [
    { gold: [1, 2, 2, 3, 5], pred: [2, 1, 3, 3, 4], pearson: 5.2 / Math.sqrt(9.2 * 5.2), spearman: 29 / 38, mse: 0.8 },
    { gold: [1, 2, 3, 4, 5], pred: [5, 6, 7, 8, 7], pearson: 0.8320502943378437, spearman: 0.8207826816681234, mse: 13.6 },
    { gold: [3, 1, 2], pred: [30, 10, 20.5], pearson: 0.9995835935692868, spearman: 1, mse: 384.0833333333333 },
    { gold: [1, 2, 3], pred: [3, 2, 1], pearson: -1, spearman: -1, mse: 8 / 3 },
    // constant predictions: scipy says NaN, we say 0
    { gold: [1, 2, 3], pred: [0.1, 0.1, 0.1], pearson: 0, spearman: 0, mse: (0.81 + 3.61 + 8.41) / 3 },
    { gold: [4], pred: [5], pearson: 0, spearman: 0, mse: 1 },
    { gold: [], pred: [], pearson: 0, spearman: 0, mse: 0 },
  ];
  for (const c of cases) {
    const m = regressionMetrics(c.gold, c.pred);
    close(m.pearson, c.pearson, `pearson ${c.gold} / ${c.pred}`);
    close(m.spearman, c.spearman, `spearman ${c.gold} / ${c.pred}`);
    close(m.mse, c.mse, `mse ${c.gold} / ${c.pred}`);
    assert.equal(m.n, c.gold.length);
  }
});

test('bad input is named', () => {
  assert.throws(() => regressionMetrics([1, 2], [1]), /gold has 2 rows but pred has 1/);
  assert.throws(() => regressionMetrics([1, 2], [1, NaN]), /pred\[1\] = NaN/);
});
