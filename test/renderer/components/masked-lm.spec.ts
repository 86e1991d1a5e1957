// Masked-LM (pre-training) runs wherever runs are shown: the dashboard charts the loss and the validation perplexity
// and tables masked-token accuracy and perplexity (best = lowest); Compare shows their metrics (perplexity lower is
// better) and masked tokens against the predicted ones; the Playground shows a masked-LM head's fill-mask candidates
// or why it gave none.
import { afterEach, describe, expect, it } from 'vitest';
import { flushPromises, mount, type VueWrapper } from '@vue/test-utils';
import RunPanel from '../../../renderer/src/components/RunPanel.vue';
import CompareMetricsTable from '../../../renderer/src/components/CompareMetricsTable.vue';
import ComparePredictions from '../../../renderer/src/components/ComparePredictions.vue';
import PlaygroundOutputGrid from '../../../renderer/src/components/PlaygroundOutputGrid.vue';
import { SeriesBuffer, seriesKey, type RunRow, type SeriesMap } from '../../../renderer/src/stores/runs';
import { tasksOf, type RunResult } from '../../../renderer/src/stores/playground';
import type { CompareRun } from '../../../renderer/src/stores/compare';
import type { AlignedExample } from '../../../renderer/src/lib/compare-examples';

function buffer(points: [number, number][]): SeriesBuffer {
  const b = new SeriesBuffer(2);
  for (const [x, y] of points) b.push(x, y);
  return b;
}
const MLM = [{ name: 'mlm', type: 'masked-lm' }];
const row = (tasks: { name: string; type: string }[], over: Partial<RunRow> = {}): RunRow => ({
  id: 11, projectId: null, parentId: null, baselineTask: null, name: 'shop · pre-training', config: { name: 'shop · pre-training', tasks, backbone: { from: 'scratch' } },
  status: 'running', step: 40, totalSteps: 40, plan: null, summary: null, error: null, pid: null,
  createdAt: '2025-01-01T00:00:00.000Z', startedAt: null, updatedAt: '', finishedAt: null, ...over,
});

const wrappers: VueWrapper[] = [];
afterEach(() => {
  for (const w of wrappers.splice(0)) w.unmount();
});

describe('RunPanel for a pre-training run', () => {
  const series: SeriesMap = {
    [seriesKey('train', 'mlm', 'loss')]: buffer([[10, 6.1], [20, 5.2], [30, 4.8]]),
    [seriesKey('train', '', 'loss')]: buffer([[10, 6.1], [20, 5.2], [30, 4.8]]),
    [seriesKey('validation', 'mlm', 'primary')]: buffer([[20, 0.12], [40, 0.2]]),
    [seriesKey('validation', 'mlm', 'accuracy')]: buffer([[20, 0.12], [40, 0.2]]),
    [seriesKey('validation', 'mlm', 'perplexity')]: buffer([[20, 210.5], [40, 150.25]]),
  };
  const mountPanel = (tasks = MLM, from = 'scratch') => {
    const r = row(tasks);
    (r.config as { backbone: { from: string } }).backbone.from = from;
    const w = mount(RunPanel, {
      props: {
        run: r, loss: { mlm: series[seriesKey('train', 'mlm', 'loss')]! }, validation: { mlm: series[seriesKey('validation', 'mlm', 'primary')]! },
        series, revision: 1, busy: false,
      },
      attachTo: document.body,
    });
    wrappers.push(w);
    return w;
  };

  it('charts the loss and the validation perplexity, and tables masked-token accuracy and perplexity', async () => {
    const w = mountPanel();
    await flushPromises();
    expect(w.get('[data-testid="pretraining-tag"]').text()).toBe('masked-LM pre-training');
    expect(w.get('[data-testid="loss-chart"]').text()).toContain('cross-entropy on the masked tokens');
    expect(w.find('[data-testid="loss-total"]').exists()).toBe(false);
    expect(w.find('[data-testid="validation-chart"]').exists()).toBe(false);
    expect(w.get('[data-testid="perplexity-chart"]').text()).toContain('Validation perplexity');
    expect(w.get('[data-testid="perplexity-chart-mlm"]').attributes('data-points')).toBe('2');
    expect(w.get('[data-testid="validation-mlm"]').text()).toContain('masked-token accuracy');
    expect(w.get('[data-testid="validation-latest-mlm"]').text()).toContain('0.200');
    expect(w.get('[data-testid="validation-latest-mlm-perplexity"]').text()).toContain('150.250');
    expect(w.get('[data-testid="validation-best-mlm-perplexity"]').text()).toMatch(/150\.250 @ 40/);
  });

  it('a task run says which run it started from; a multi-task run keeps the usual charts', () => {
    const w = mountPanel([{ name: 'sent', type: 'classification' }], 'run:11');
    expect(w.get('[data-testid="run-origin"]').text()).toBe('from run #11');
    expect(w.find('[data-testid="pretraining-tag"]').exists()).toBe(false);
    expect(w.find('[data-testid="validation-chart"]').exists()).toBe(true);
    expect(w.find('[data-testid="perplexity-chart"]').exists()).toBe(false);
  });
});

describe('Compare with masked-LM runs', () => {
  const task = { name: 'mlm', type: 'masked-lm' as const };
  const col = (id: number, metrics: Record<string, number>): CompareRun => ({
    id, name: `run ${id}`, label: `run ${id}`, status: 'completed', color: '#000', baselineTask: null, tasks: [task], metrics: { mlm: metrics },
  });

  it('shows masked-token accuracy, perplexity (lower is better) and loss', () => {
    const w = mount(CompareMetricsTable, { props: { runs: [col(1, { accuracy: 0.2, perplexity: 150, loss: 5, maskedTokens: 90 }), col(2, { accuracy: 0.3, perplexity: 90, loss: 4.5, maskedTokens: 90 })], tasks: [task] } });
    expect(w.findAll('[data-testid^="compare-row-mlm-"]').map((r) => r.attributes('data-testid'))).toEqual(['compare-row-mlm-accuracy', 'compare-row-mlm-perplexity', 'compare-row-mlm-loss']);
    expect(w.get('[data-testid="compare-row-mlm-accuracy"]').text()).toContain('masked-token accuracy');
    expect(w.get('[data-testid="delta-mlm-perplexity-1"]').text()).toBe('−60.000');
    expect(w.get('[data-testid="delta-mlm-perplexity-1"]').classes()).toContain('better');
  });

  it('lists the masked tokens of each text against what each run predicted', () => {
    const pred = (predicted: string[], correct: boolean) => ({ example: 0, input: { text: 'the film was great' }, gold: ['film', 'great'], output: { masked: ['film', 'great'], predicted, nll: 3 }, correct });
    const examples: AlignedExample[] = [{ example: 0, input: { text: 'the film was great' }, gold: ['film', 'great'], outputs: [pred(['film', 'great'], true), pred(['film', 'good'], false)] }];
    const w = mount(ComparePredictions, { props: { task, runs: [{ id: 1, name: 'a', label: 'a', color: '#111' }, { id: 2, name: 'b', label: 'b', color: '#222' }], examples } });
    expect(w.text()).toContain('Masked tokens');
    expect(w.get('[data-testid="gold-masked"]').text()).toBe('filmgreat');
    expect(w.get('[data-testid="output-0"]').classes()).toContain('right');
    expect(w.get('[data-testid="output-1"]').classes()).toContain('wrong');
    expect(w.get('[data-testid="output-1"]').findAll('.miss').map((s) => s.text())).toEqual(['good']);
    expect(w.get('[data-testid="filter-disagree"]').text()).toContain('1');
  });
});

describe('Playground with a masked-LM head', () => {
  const run = row(MLM, { status: 'completed' });
  const grid = (results: Record<number, RunResult>) => mount(PlaygroundOutputGrid, { props: { columns: [run], rows: tasksOf(run), results, input: { text: 'the [MASK] was [MASK]' } } });

  it('shows each [MASK] its candidate tokens with probability bars', () => {
    const w = grid({ 11: { state: 'done', outputs: { mlm: { fills: [[{ token: 'film', score: 0.6 }, { token: 'plot', score: 0.3 }], [{ token: 'great', score: 0.5 }, { token: 'dull', score: 0.2 }]] } } } });
    expect(w.get('[data-testid="playground-row-mlm"]').text()).toContain('fill in the blank');
    const cell = w.get('[data-testid="playground-cell-mlm-11"]');
    expect(cell.attributes('data-kind')).toBe('fills');
    expect(cell.get('[data-testid="mask-0"]').findAll('[data-testid="fill"]').map((f) => f.attributes('data-token'))).toEqual(['film', 'plot']);
    expect(cell.get('[data-testid="mask-1"]').text()).toContain('blank 2');
    expect(cell.get('[data-testid="mask-0"] [data-testid="fill"]').text()).toContain('60.0%');
  });

  it('says to write the mask token when the text has none', () => {
    const w = grid({ 11: { state: 'done', outputs: { mlm: { skipped: 'write [MASK] where the model should fill in a word' } } } });
    expect(w.get('[data-testid="playground-cell-mlm-11"] [data-testid="skipped"]').text()).toBe('write [MASK] where the model should fill in a word');
  });
});
