import { test } from 'node:test';
import assert from 'node:assert/strict';
import { classificationMetrics, entityMetrics, primaryMetric, regressionMetrics, squadMetrics } from '../../../main/training/metrics';

test('primary metric per task type: accuracy, pearson, entity f1, squad f1', () => {
  const cls = classificationMetrics([0, 1, 1, 0], [0, 1, 0, 0], ['a', 'b']);
  const reg = regressionMetrics([1, 2, 3], [1, 3, 2]);
  const ent = entityMetrics([['B-PER', 'O']], [['B-PER', 'B-LOC']]);
  const qa = squadMetrics(['Denver Broncos team'], [['Denver Broncos']]);
  const cases: [number, number][] = [
    [primaryMetric('classification', cls), 0.75],
    [primaryMetric('regression', reg), 0.5],
    [primaryMetric('token-classification', ent), 2 / 3], // P 1/2, R 1
    [primaryMetric('extractive-qa', qa), 0.8], // P 2/3, R 1; exact match is 0
  ];
  for (const [got, expected] of cases) assert.ok(Math.abs(got - expected) < 1e-12, `${got} != ${expected}`);
  assert.throws(() => primaryMetric('summarization' as 'regression', reg), /unknown task type 'summarization'/);
});
