import { describe, expect, it } from 'vitest';
import { mount } from '@vue/test-utils';
import TaskLabelEditor from '../../../renderer/src/components/TaskLabelEditor.vue';
import type { LabelMap } from '../../../renderer/src/lib/project-config';

const LABELS = [
  { value: 'pos', count: 500 },
  { value: 'neg', count: 400 },
  { value: 'positive', count: 60 },
  { value: 'mixed', count: 30 },
  { value: '?', count: 10 },
];
const ID = 'labels-tasks[0].labelMap';

/** The editor as the task row uses it: every update comes back as the new prop. */
function mountEditor(labelMap?: LabelMap, tags = false) {
  const w = mount(TaskLabelEditor, { props: { labels: LABELS, labelMap, tags, testid: ID } });
  const last = () => w.emitted('update')!.at(-1)![0] as LabelMap | undefined;
  const choose = async (label: string, value: string) => {
    await w.get(`[data-testid="${ID}-target-${label}"]`).setValue(value);
    await w.setProps({ labelMap: last() });
  };
  return { w, last, choose };
}

describe('TaskLabelEditor', () => {
  it('lists every label with its count and keeps them all by default', () => {
    const { w } = mountEditor();
    expect(w.findAll('tbody tr')).toHaveLength(5);
    expect(w.get(`[data-testid="${ID}-summary"]`).text()).toContain('5 labels → 5 classes');
    expect((w.get(`[data-testid="${ID}-target-pos"]`).element as HTMLSelectElement).value).toBe('keep');
  });

  it('merges into another label (raw → target) and drops (raw → \'\')', async () => {
    const { w, last, choose } = mountEditor();
    await choose('positive', 'merge:pos');
    expect(last()).toEqual({ positive: 'pos' });
    await choose('?', 'drop');
    expect(last()).toEqual({ positive: 'pos', '?': '' });
    expect(w.get(`[data-testid="${ID}-summary"]`).text()).toMatch(/5 labels → 3 classes\s+· 10 rows dropped/);
    expect(w.get(`[data-testid="${ID}-classes"]`).text()).toMatch(/pos\s*560/);
    // Merged and dropped labels are no targets to merge into.
    const options = w.get(`[data-testid="${ID}-target-mixed"]`).findAll('option').map((o) => o.element.value);
    expect(options).toEqual(['keep', 'drop', 'merge:pos', 'merge:neg']);
    // Merging pos away takes what was merged into it along.
    await choose('pos', 'merge:neg');
    expect(last()).toEqual({ positive: 'neg', '?': '', pos: 'neg' });
  });

  it('drops the classes with fewer than N rows, and "Keep all" clears the map', async () => {
    const { w, last } = mountEditor({ positive: 'pos' });
    await w.get(`[data-testid="${ID}-min"]`).setValue('50');
    await w.get(`[data-testid="${ID}-drop-rare"]`).trigger('click');
    expect(last()).toEqual({ positive: 'pos', mixed: '', '?': '' });
    await w.setProps({ labelMap: last() });
    await w.get(`[data-testid="${ID}-reset"]`).trigger('click');
    expect(last()).toBeUndefined();
  });

  it('says dropped tags become O', () => {
    const { w } = mountEditor({ '?': '' }, true);
    expect(w.get(`[data-testid="${ID}-summary"]`).text()).toContain('tags become O');
  });
});
