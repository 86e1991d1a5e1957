import { describe, expect, it } from 'vitest';
import { mount } from '@vue/test-utils';
import TaskSetupList from '../../../renderer/src/components/TaskSetupList.vue';
import type { TaskDraft } from '../../../renderer/src/lib/project-config';
import type { DatasetSummary } from '../../../main/data/types';

const DATASET: DatasetSummary = {
  id: 1, name: 'sst2', format: 'tsv', files: ['train.tsv'], splits: { train: 900, validation: 100 }, rowCount: 1000,
  columns: [{ name: 'sentence', kind: 'text', distinct: 900, empty: 0 }, { name: 'label', kind: 'label', distinct: 2, empty: 0 }],
  suggestion: { type: 'classification', text: 'sentence', label: 'label', labels: [{ value: '1', count: 550 }, { value: '0', count: 450 }], reason: '' },
  sha256: '', createdAt: '',
};
const task = (name: string, weight: number | undefined): TaskDraft => ({
  dataset: '1', name, type: 'classification', columns: { text: 'sentence', label: 'label' }, weight, extra: {},
});

function mountList(tasks: TaskDraft[], weighting: 'static' | 'equal' = 'static') {
  return mount(TaskSetupList, { props: { tasks, datasets: [DATASET], issues: {}, weighting } });
}
const shares = (w: ReturnType<typeof mountList>) => w.findAll('[data-testid^="share-"]').map((s) => Number(s.attributes('data-share')));

describe('TaskSetupList: α', () => {
  it('shows every α normalised across the tasks, the shares summing to 1', async () => {
    const w = mountList([task('a', 0.2), task('b', 0.6), task('c', undefined)]);
    const s = shares(w);
    expect(s).toHaveLength(3);
    expect(s.reduce((x, y) => x + y, 0)).toBeCloseTo(1, 12);
    expect(s[0]).toBeCloseTo(0.2 / 1.8, 12);
    expect(w.get('[data-testid="share-tasks[2].weight"]').text()).toBe('55.6%');
  });

  it('a slider sends the new α; the shares follow and still sum to 1', async () => {
    const tasks = [task('a', 1), task('b', 1)];
    const w = mountList(tasks);
    expect(shares(w)).toEqual([0.5, 0.5]);
    await w.get('[data-testid="field-tasks[0].weight"]').setValue('0.25');
    const [index, next] = w.emitted('update')!.at(-1)! as [number, TaskDraft];
    expect(index).toBe(0);
    expect(next.weight).toBe(0.25);
    await w.setProps({ tasks: [next, tasks[1]!] });
    expect(shares(w)).toEqual([0.2, 0.8]);
    expect(shares(w).reduce((x, y) => x + y, 0)).toBeCloseTo(1, 12);
  });

  it('says α is not used under another weighting method', () => {
    const w = mountList([task('a', 1)], 'equal');
    expect(w.text()).toContain('not used: equal weighting');
  });

  it('shows each task’s metric and its validation: the dataset’s own split', () => {
    const w = mountList([task('a', 1)]);
    expect(w.get('[data-testid="metric-tasks[0]"]').text()).toContain('accuracy');
    const mode = w.get('[data-testid="field-tasks[0].validation-mode"]');
    expect((mode.element as HTMLSelectElement).value).toBe('own');
    expect(mode.text()).toContain('own split: validation (100 rows)');
  });
});
