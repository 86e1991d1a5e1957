import { describe, expect, it } from 'vitest';
import { mount } from '@vue/test-utils';
import CompareBreakdown from '../../../renderer/src/components/CompareBreakdown.vue';
import type { TaskInfo } from '../../../renderer/src/lib/compare-examples';
import type { CompareRun } from '../../../renderer/src/stores/compare';

const col = (id: number, metrics: CompareRun['metrics']): CompareRun => ({ id, name: `run ${id}`, label: `run ${id}`, status: 'completed', color: '#000', baselineTask: null, tasks: [], metrics });
const pc = (label: string, f1: number, support: number) => ({ label, precision: f1, recall: f1, f1, support });

describe('CompareBreakdown', () => {
  it('puts each run’s per-class F1 side by side and draws one confusion matrix per run', () => {
    const task: TaskInfo = { name: 'sentiment', type: 'classification' };
    const runs = [
      col(1, { sentiment: { perClass: [pc('neg', 0.7, 40), pc('pos', 0.8, 60)], confusion: [[28, 12], [12, 48]] } }),
      col(2, { sentiment: { perClass: [pc('neg', 0.75, 40), pc('pos', 0.78, 60)], confusion: [[30, 10], [13, 47]] } }),
      col(3, {}),
    ];
    const w = mount(CompareBreakdown, { props: { runs, task } });
    expect(w.get('[data-testid=class-f1-neg-0]').text()).toBe('0.700');
    expect(w.get('[data-testid=class-f1-neg-1]').text()).toBe('0.750');
    expect(w.get('[data-testid=class-f1-neg-1]').classes()).toContain('best');
    expect(w.get('[data-testid=class-f1-pos-0]').classes()).toContain('best');
    expect(w.get('[data-testid=class-f1-pos-1]').classes()).not.toContain('best');
    const matrices = w.findAll('[data-testid=confusion]');
    expect(matrices.map((m) => m.get('figcaption').text())).toEqual(['run 1', 'run 2']);
    expect(matrices[1]!.findAll('td').map((c) => c.text())).toEqual(['30', '10', '13', '47']);
  });

  it('shows per-type scores of an entity task, without a confusion matrix', () => {
    const task: TaskInfo = { name: 'ner', type: 'token-classification' };
    const pt = (type: string, f1: number) => ({ type, precision: f1, recall: f1, f1, support: 10 });
    const runs = [col(1, { ner: { perType: [pt('LOC', 0.5), pt('PER', 0.4), pt('ORG', 0)] } }), col(2, { ner: { perType: [pt('PER', 0.6), pt('ORG', 0)] } })];
    const w = mount(CompareBreakdown, { props: { runs, task } });
    expect(w.findAll('[data-testid^=class-row-]').map((r) => r.attributes('data-testid'))).toEqual(['class-row-LOC', 'class-row-PER', 'class-row-ORG']);
    expect(w.get('[data-testid=class-row-LOC]').text()).toContain('—');
    expect(w.get('[data-testid=class-f1-PER-1]').classes()).toContain('best');
    expect(w.findAll('[data-testid^=class-f1-ORG-].best'), 'a tie has no best').toHaveLength(0);
    expect(w.findAll('[data-testid=confusion]')).toHaveLength(0);
  });
});
