import { describe, expect, it } from 'vitest';
import { mount } from '@vue/test-utils';
import CompareMetricsTable from '../../../renderer/src/components/CompareMetricsTable.vue';
import type { TaskInfo } from '../../../renderer/src/lib/compare-examples';
import type { CompareRun } from '../../../renderer/src/stores/compare';

const TASKS: TaskInfo[] = [
  { name: 'sentiment', type: 'classification' },
  { name: 'similarity', type: 'regression' },
];
const col = (id: number, metrics: CompareRun['metrics']): CompareRun => ({
  id, name: `run ${id}`, label: `run ${id}`, status: 'completed', color: '#000', baselineTask: null, tasks: TASKS.filter((t) => metrics[t.name]), metrics,
});
const RUNS = [
  col(1, { sentiment: { accuracy: 0.8, macroF1: 0.75, loss: 0.5 }, similarity: { pearson: 0.6, spearman: 0.55, mse: 1.2, loss: 1.2 } }),
  col(2, { sentiment: { accuracy: 0.85, macroF1: 0.75, loss: 0.45 }, similarity: { pearson: 0.5, spearman: 0.6, mse: 1.0, loss: 1.0 } }),
  col(3, { sentiment: { accuracy: 0.7, macroF1: 0.65, loss: 0.6 } }),
];

describe('CompareMetricsTable', () => {
  const w = mount(CompareMetricsTable, { props: { runs: RUNS, tasks: TASKS } });
  const cell = (id: string) => w.get(`[data-testid="${id}"]`);

  it('shows every run’s value of each task metric, in the runs’ order', () => {
    expect([0, 1, 2].map((i) => cell(`metric-sentiment-accuracy-${i}`).text())).toEqual(['0.800', '0.850', '0.700']);
    expect(w.findAll('[data-testid^="compare-row-sentiment-"]').map((r) => r.attributes('data-testid'))).toEqual([
      'compare-row-sentiment-accuracy', 'compare-row-sentiment-macroF1', 'compare-row-sentiment-loss',
    ]);
  });

  it('takes Δ against the first run, signed, green where better and red where worse', () => {
    expect(cell('delta-sentiment-accuracy-1').text()).toBe('+0.050');
    expect(cell('delta-sentiment-accuracy-1').classes()).toContain('better');
    expect(cell('delta-sentiment-accuracy-2').text()).toBe('−0.100');
    expect(cell('delta-sentiment-accuracy-2').classes()).toContain('worse');
    expect(cell('delta-sentiment-macroF1-1').classes()).toContain('same');
    expect(cell('delta-similarity-pearson-1').classes()).toContain('worse');
  });

  it('counts a lower MSE or loss as better', () => {
    expect(cell('delta-similarity-mse-1').text()).toBe('−0.200');
    expect(cell('delta-similarity-mse-1').classes()).toContain('better');
    expect(cell('delta-sentiment-loss-2').text()).toBe('+0.100');
    expect(cell('delta-sentiment-loss-2').classes()).toContain('worse');
  });

  it('shows — for a task a run does not have, and marks the best value', () => {
    expect(cell('metric-similarity-pearson-2').text()).toBe('—');
    expect(cell('delta-similarity-pearson-2').text()).toBe('—');
    expect(cell('metric-sentiment-accuracy-1').classes()).toContain('best');
    expect(cell('metric-similarity-mse-1').classes()).toContain('best');
    expect(w.findAll('[data-testid^="delta-"][data-testid$="-0"]')).toHaveLength(0);
  });
});
