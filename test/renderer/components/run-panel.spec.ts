import { afterEach, describe, expect, it } from 'vitest';
import { flushPromises, mount, type VueWrapper } from '@vue/test-utils';
import RunPanel from '../../../renderer/src/components/RunPanel.vue';
import { SeriesBuffer, seriesKey, type RunRow, type RunStatus, type SeriesMap } from '../../../renderer/src/stores/runs';

function row(status: RunStatus, weighting = 'static'): RunRow {
  return {
    id: 3, projectId: null, parentId: null, baselineTask: null, name: 'two tasks',
    config: { tasks: [{ name: 'sst', type: 'classification' }, { name: 'ner', type: 'token-classification' }], training: { weighting } },
    status, step: 20, totalSteps: 100, plan: null, summary: null, error: null, pid: null,
    createdAt: '', startedAt: null, updatedAt: '', finishedAt: null,
  };
}

function buffer(points: [number, number][]): SeriesBuffer {
  const b = new SeriesBuffer(2);
  for (const [x, y] of points) b.push(x, y);
  return b;
}

function seriesOf(): SeriesMap {
  return {
    [seriesKey('train', 'sst', 'loss')]: buffer([[10, 0.9], [20, 0.7]]),
    [seriesKey('train', 'ner', 'loss')]: buffer([[10, 1.4]]),
    [seriesKey('train', '', 'loss')]: buffer([[10, 2.3], [20, 2]]),
    [seriesKey('train', '', 'lr')]: buffer([[10, 1e-3], [20, 9e-4]]),
    [seriesKey('train', 'sst', 'weight')]: buffer([[10, 1], [20, 0.8]]),
    [seriesKey('train', 'ner', 'weight')]: buffer([[10, 1], [20, 1.2]]),
    [seriesKey('validation', 'sst', 'primary')]: buffer([[20, 0.75]]),
  };
}

const wrappers: VueWrapper[] = [];
function panel(status: RunStatus, weighting = 'static', series = seriesOf()) {
  const pick = (split: 'train' | 'validation', name: string) =>
    Object.fromEntries(['sst', 'ner'].flatMap((t) => (series[seriesKey(split, t, name)] ? [[t, series[seriesKey(split, t, name)]!]] : [])));
  const w = mount(RunPanel, {
    props: { run: row(status, weighting), loss: pick('train', 'loss'), validation: pick('validation', 'primary'), series, revision: 1, busy: false },
    attachTo: document.body,
  });
  wrappers.push(w);
  return w;
}
afterEach(() => {
  for (const w of wrappers.splice(0)) w.unmount();
});

describe('RunPanel', () => {
  it.each([
    ['static', false],
    ['equal', false],
    ['uncertainty', true],
    ['dwa', true],
  ])('shows the loss-weights chart only under dynamic weighting (%s)', (weighting, shown) => {
    const w = panel('running', weighting);
    expect(w.find('[data-testid="weights-chart"]').exists()).toBe(shown);
    expect(w.find('[data-testid="loss-chart"]').exists()).toBe(true);
    expect(w.find('[data-testid="validation-chart"]').exists()).toBe(true);
    expect(w.find('[data-testid="lr-chart"]').exists()).toBe(true);
  });

  it.each<[RunStatus, { pause: boolean; resume: boolean; stop: boolean }]>([
    ['queued', { pause: false, resume: false, stop: true }],
    ['running', { pause: true, resume: false, stop: true }],
    ['paused', { pause: false, resume: true, stop: true }],
    ['stopped', { pause: false, resume: true, stop: false }],
    ['interrupted', { pause: false, resume: true, stop: false }],
    ['failed', { pause: false, resume: true, stop: false }],
    ['diverged', { pause: false, resume: true, stop: false }],
    ['completed', { pause: false, resume: false, stop: false }],
  ])('enables the controls a %s run allows', (status, enabled) => {
    const w = panel(status);
    for (const b of ['pause', 'resume', 'stop'] as const) {
      expect(w.get(`[data-testid="run-${b}"]`).attributes('disabled') === undefined, `${b} when ${status}`).toBe(enabled[b]);
    }
  });

  it('emits pause, resume and stop', async () => {
    const w = panel('paused');
    await w.get('[data-testid="run-resume"]').trigger('click');
    await w.get('[data-testid="run-stop"]').trigger('click');
    expect(Object.keys(w.emitted())).toEqual(expect.arrayContaining(['resume', 'stop']));
  });

  it('names every task and the weighted total in the loss legend, with their point counts, and follows appends', async () => {
    const series = seriesOf();
    const w = panel('running', 'dwa', series);
    await flushPromises();
    expect(w.get('[data-testid="loss-chart-sst"]').attributes('data-points')).toBe('2');
    expect(w.get('[data-testid="loss-chart-ner"]').attributes('data-points')).toBe('1');
    expect(w.get('[data-testid="loss-total"]').text()).toContain('weighted total');
    expect(w.get('[data-testid="loss-chart-sst"]').text()).toContain('0.7');
    expect(w.get('[data-testid="weights-chart-ner"]').text()).toContain('1.2');
    expect(w.get('[data-testid="validation-chart-sst"]').attributes('data-points')).toBe('1');
    expect(w.get('[data-testid="validation-latest-sst"]').text()).toContain('0.750');

    series[seriesKey('train', 'sst', 'loss')]!.push(30, 0.5);
    await w.setProps({ revision: 2 });
    await new Promise((r) => setTimeout(r, 60)); // the chart redraws (and its legend updates) in the next frame
    expect(w.get('[data-testid="loss-chart-sst"]').attributes('data-points')).toBe('3');
    expect(w.get('[data-testid="loss-chart-sst"]').text()).toContain('0.5');
  });
});
