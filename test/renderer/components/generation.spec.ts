// Generation tasks wherever tasks are shown: the task row picks source and target columns, the target length, the
// decoder depth and the decoding (with issues at their fields); the dashboard charts and tables ROUGE-1/2/L; Compare
// shows ROUGE rows and, per example, the source (cut, with a button to show it all), every run's text side by side and
// all the references; the Playground shows a generation head's text and offers decoding controls.
import { afterEach, describe, expect, it } from 'vitest';
import { flushPromises, mount, type VueWrapper } from '@vue/test-utils';
import TaskSetupRow from '../../../renderer/src/components/TaskSetupRow.vue';
import RunPanel from '../../../renderer/src/components/RunPanel.vue';
import CompareMetricsTable from '../../../renderer/src/components/CompareMetricsTable.vue';
import ComparePredictions from '../../../renderer/src/components/ComparePredictions.vue';
import PlaygroundOutputGrid from '../../../renderer/src/components/PlaygroundOutputGrid.vue';
import PlaygroundDecodeControls from '../../../renderer/src/components/PlaygroundDecodeControls.vue';
import type { TaskDraft } from '../../../renderer/src/lib/project-config';
import type { DecodeDraft } from '../../../renderer/src/lib/decode-options';
import type { AlignedExample, PredictionRow } from '../../../renderer/src/lib/compare-examples';
import type { CompareRun } from '../../../renderer/src/stores/compare';
import { SeriesBuffer, seriesKey, type RunRow, type SeriesMap } from '../../../renderer/src/stores/runs';
import { tasksOf, type RunResult } from '../../../renderer/src/stores/playground';
import type { DatasetSummary } from '../../../main/data/types';

const wrappers: VueWrapper[] = [];
afterEach(() => {
  for (const w of wrappers.splice(0)) w.unmount();
});

// ---- task setup ----

const SCITLDR: DatasetSummary = {
  id: 7, name: 'scitldr.jsonl', format: 'jsonl', files: ['scitldr.jsonl'], splits: { train: 300 }, rowCount: 300,
  columns: [{ name: 'abstract', kind: 'json', distinct: 0, empty: 0 }, { name: 'tldr', kind: 'json', distinct: 0, empty: 0 }],
  suggestion: { type: 'generation', text: 'abstract', label: 'tldr', reason: '' }, sha256: '', createdAt: '',
};
const GEN: TaskDraft = { dataset: '7', name: 'tldr', type: 'generation', columns: { source: 'abstract', target: 'tldr' }, weight: 1, extra: {}, generation: { strategy: 'greedy' } };

function row(task: TaskDraft, issues: Record<string, string[]> = {}) {
  const w = mount(TaskSetupRow, { props: { task, index: 0, dataset: SCITLDR, datasets: [SCITLDR], issues, share: 1, weighting: 'static', defaultFraction: 0.1, backboneMaxLength: 128 } });
  wrappers.push(w);
  return w;
}
const lastUpdate = (w: VueWrapper) => w.emitted('update')!.at(-1)![0] as TaskDraft;
const value = (w: VueWrapper, id: string) => (w.get(`[data-testid="${id}"]`).element as HTMLInputElement).value;

describe('TaskSetupRow: a generation task', () => {
  it('picks its source and target columns and is judged by ROUGE-L, without a label set', () => {
    const w = row(GEN);
    expect(value(w, 'field-tasks[0].source')).toBe('abstract');
    expect(value(w, 'field-tasks[0].target')).toBe('tldr');
    expect(w.get('[data-testid="metric-tasks[0]"]').text()).toContain('ROUGE-L');
    expect(w.text()).toContain('Max source length');
    expect(w.find('[data-testid="labels-tasks[0].labelMap"]').exists()).toBe(false);
    expect(w.text()).not.toContain('Label counts');
  });

  it('sets the target length and decoder depth; empty fields leave the defaults', async () => {
    const w = row(GEN);
    expect(w.get('[data-testid="field-tasks[0].maxTargetLength"]').attributes('placeholder')).toBe('64');
    expect(w.get('[data-testid="field-tasks[0].decoder.layers"]').attributes('placeholder')).toBe('2');
    await w.get('[data-testid="field-tasks[0].maxTargetLength"]').setValue('32');
    expect(lastUpdate(w).generation).toEqual({ strategy: 'greedy', maxTargetLength: 32 });
    await w.get('[data-testid="field-tasks[0].decoder.layers"]').setValue('1');
    expect(lastUpdate(w).generation?.decoderLayers).toBe(1);
  });

  it('offers greedy, beam search (with its beams) and sampling (with temperature and top-p)', async () => {
    const w = row(GEN);
    const strategy = w.get('[data-testid="field-tasks[0].generate.strategy"]');
    expect(strategy.findAll('option').map((o) => o.text())).toEqual(['Greedy', 'Beam search', 'Sampling']);
    expect(w.find('[data-testid="field-tasks[0].generate.beams"]').exists()).toBe(false);
    await strategy.setValue('beam');
    expect(lastUpdate(w).generation?.strategy).toBe('beam');

    await w.setProps({ task: { ...GEN, generation: { strategy: 'beam' } } });
    expect(w.find('[data-testid="field-tasks[0].generate.beams"]').exists()).toBe(true);
    expect(w.find('[data-testid="field-tasks[0].generate.temperature"]').exists()).toBe(false);
    await w.get('[data-testid="field-tasks[0].generate.beams"]').setValue('6');
    expect(lastUpdate(w).generation).toEqual({ strategy: 'beam', beams: 6 });

    await w.setProps({ task: { ...GEN, generation: { strategy: 'sample', beams: 6 } } });
    expect(w.find('[data-testid="field-tasks[0].generate.beams"]').exists()).toBe(false);
    await w.get('[data-testid="field-tasks[0].generate.temperature"]').setValue('0.7');
    expect(lastUpdate(w).generation).toEqual({ strategy: 'sample', beams: 6, temperature: 0.7 });
    expect(w.get('[data-testid="field-tasks[0].generate.topP"]').attributes('placeholder')).toBe('1');
    expect(w.get('[data-testid="decoding-help-0"]').text()).toContain('at random');
  });

  it('shows the config check’s issues at the generation fields', () => {
    const w = row({ ...GEN, generation: { strategy: 'beam', beams: 0 } }, {
      'tasks[0].generate.beams': ['must be >= 1 (got 0)'], 'tasks[0].target': ["column 'tldr' not found"], 'tasks[0].maxTargetLength': ['must be >= 1'],
    });
    expect(w.get('[data-testid="issue-tasks[0].generate.beams"]').text()).toContain('must be >= 1 (got 0)');
    expect(w.get('[data-testid="issue-tasks[0].target"]').text()).toContain("column 'tldr' not found");
    expect(w.get('[data-testid="issue-tasks[0].maxTargetLength"]').text()).toContain('tasks[0].maxTargetLength');
  });

  it('a task switched to generation guesses its columns from a generation suggestion', async () => {
    const w = row({ ...GEN, type: 'classification', columns: { text: 'abstract' }, generation: undefined });
    await w.get('[data-testid="field-tasks[0].type"]').setValue('generation');
    const next = lastUpdate(w);
    expect(next.type).toBe('generation');
    expect(next.columns).toMatchObject({ source: 'abstract', target: 'tldr' });
  });
});

// ---- the dashboard ----

function buffer(points: [number, number][]): SeriesBuffer {
  const b = new SeriesBuffer(2);
  for (const [x, y] of points) b.push(x, y);
  return b;
}
const runRow = (over: Partial<RunRow> = {}): RunRow => ({
  id: 5, projectId: null, parentId: null, baselineTask: null, name: 'tldr and sentiment',
  config: { name: 'tldr and sentiment', tasks: [{ name: 'sst', type: 'classification' }, { name: 'tldr', type: 'generation' }], backbone: { from: 'scratch' } },
  status: 'running', step: 40, totalSteps: 40, plan: null, summary: null, error: null, pid: null, createdAt: '', startedAt: null, updatedAt: '', finishedAt: null, ...over,
});

describe('RunPanel with a generation task', () => {
  const series: SeriesMap = {
    [seriesKey('train', 'sst', 'loss')]: buffer([[10, 0.7], [20, 0.6]]),
    [seriesKey('train', 'tldr', 'loss')]: buffer([[10, 4.1], [20, 3.2]]),
    [seriesKey('validation', 'sst', 'primary')]: buffer([[20, 0.6], [40, 0.7]]),
    [seriesKey('validation', 'tldr', 'primary')]: buffer([[20, 0.21], [40, 0.3]]),
    [seriesKey('validation', 'tldr', 'rougeL')]: buffer([[20, 0.21], [40, 0.3]]),
    [seriesKey('validation', 'tldr', 'rouge1')]: buffer([[20, 0.25], [40, 0.35]]),
    [seriesKey('validation', 'tldr', 'rouge2')]: buffer([[20, 0.1], [40, 0.08]]),
  };
  const pick = (split: 'train' | 'validation', name: string) => Object.fromEntries(['sst', 'tldr'].map((t) => [t, series[seriesKey(split, t, name)]!]));

  it('charts ROUGE-1, ROUGE-2 and ROUGE-L of the generation task and tables them; the training loss as for any task', async () => {
    const w = mount(RunPanel, { props: { run: runRow(), loss: pick('train', 'loss'), validation: pick('validation', 'primary'), series, revision: 1, busy: false }, attachTo: document.body });
    wrappers.push(w);
    await flushPromises();
    expect(w.get('[data-testid="loss-chart-tldr"]').attributes('data-points')).toBe('2');
    const chart = w.get('[data-testid="rouge-chart"]');
    expect(chart.text()).toContain('ROUGE');
    for (const m of ['rouge1', 'rouge2', 'rougeL']) expect(chart.get(`[data-testid="rouge-chart-tldr-${m}"]`).attributes('data-points')).toBe('2');
    expect(chart.find('[data-testid^="rouge-chart-sst"]').exists()).toBe(false);
    expect(w.get('[data-testid="validation-tldr"]').text()).toContain('ROUGE-L');
    expect(w.get('[data-testid="validation-latest-tldr"]').text()).toContain('0.300');
    expect(w.get('[data-testid="validation-tldr-rouge1"]').text()).toContain('ROUGE-1');
    expect(w.get('[data-testid="validation-best-tldr-rouge2"]').text()).toMatch(/0\.100 @ 20/);
  });

  it('has no ROUGE chart without a generation task', () => {
    const w = mount(RunPanel, {
      props: { run: runRow({ config: { tasks: [{ name: 'sst', type: 'classification' }] } }), loss: {}, validation: {}, series: {}, revision: 1, busy: false },
      attachTo: document.body,
    });
    wrappers.push(w);
    expect(w.find('[data-testid="rouge-chart"]').exists()).toBe(false);
  });
});

// ---- Compare ----

const TLDR = { name: 'tldr', type: 'generation' as const };
const RUNS = [{ id: 1, name: 'multi-task', label: 'multi-task', color: '#111' }, { id: 2, name: 'multi-task · tldr alone', label: 'tldr alone', color: '#222' }];

describe('Compare with a generation task', () => {
  const col = (id: number, metrics: Record<string, number>): CompareRun => ({
    id, name: `run ${id}`, label: `run ${id}`, status: 'completed', color: '#000', baselineTask: null, tasks: [TLDR], metrics: { tldr: metrics },
  });

  it('shows ROUGE-1, ROUGE-2 and ROUGE-L rows with Δ against the reference', () => {
    const w = mount(CompareMetricsTable, { props: { runs: [col(1, { rouge1: 0.3, rouge2: 0.1, rougeL: 0.25, n: 30 }), col(2, { rouge1: 0.32, rouge2: 0.08, rougeL: 0.25, n: 30 })], tasks: [TLDR] } });
    expect(w.findAll('[data-testid^="compare-row-tldr-"]').map((r) => r.attributes('data-testid'))).toEqual(['compare-row-tldr-rouge1', 'compare-row-tldr-rouge2', 'compare-row-tldr-rougeL']);
    expect(w.get('[data-testid="compare-row-tldr-rouge2"]').text()).toContain('ROUGE-2');
    expect(w.get('[data-testid="delta-tldr-rouge1-1"]').text()).toBe('+0.020');
    expect(w.get('[data-testid="delta-tldr-rouge2-1"]').classes()).toContain('worse');
    expect(w.get('[data-testid="delta-tldr-rougeL-1"]').text()).toBe('±0.000');
  });

  const SOURCE = `${'We study how transformers learn to summarise scientific papers from their abstracts. '.repeat(6)}The end.`;
  const out = (text: string, finished = true): PredictionRow => ({ example: 0, input: { source: SOURCE }, gold: ['transformers summarise papers', 'we study summaries'], output: { text, finished }, correct: null });
  const examples: AlignedExample[] = [
    { example: 0, input: { source: SOURCE }, gold: ['transformers summarise papers', 'we study summaries'], outputs: [out('transformers summarise papers'), out('we study we study we', false)] },
    { example: 1, input: { source: 'short source' }, gold: ['a'], outputs: [{ ...out(''), example: 1 }, { ...out(''), example: 1 }] },
  ];
  const mountPredictions = () => {
    const w = mount(ComparePredictions, { props: { task: TLDR, runs: RUNS, examples } });
    wrappers.push(w);
    return w;
  };

  it('shows the source cut short with a button to show it all, every run’s text side by side and all the references', async () => {
    const w = mountPredictions();
    const first = w.findAll('[data-testid=example-row]')[0]!;
    const source = first.get('[data-testid=source-text]');
    expect(source.text().endsWith('…')).toBe(true);
    expect(source.text().length).toBeLessThan(260);
    await first.get('[data-testid=source-expand]').trigger('click');
    expect(first.get('[data-testid=source-text]').text()).toBe(SOURCE);
    expect(first.get('[data-testid=source-expand]').text()).toBe('show less');
    expect(first.findAll('[data-testid=references] li').map((l) => l.text())).toEqual(['transformers summarise papers', 'we study summaries']);
    expect(first.get('[data-testid=output-0] [data-testid=generated-text]').text()).toBe('transformers summarise papers');
    expect(first.get('[data-testid=output-0] [data-testid=generated-rouge]').text()).toBe('ROUGE-L 1.000');
    expect(first.get('[data-testid=output-1] [data-testid=generated-text]').text()).toBe('we study we study we');
    expect(first.get('[data-testid=output-1] [data-testid=unfinished]').text()).toBe('cut off');
    expect(first.find('[data-testid=output-0] [data-testid=unfinished]').exists()).toBe(false);
    const second = w.findAll('[data-testid=example-row]')[1]!;
    expect(second.find('[data-testid=source-expand]').exists()).toBe(false);
    expect(second.get('[data-testid=output-0] [data-testid=generated-text]').text()).toBe('(nothing generated)');
  });

  it('filters to examples where the runs wrote different texts; generated text is not judged right or wrong', async () => {
    const w = mountPredictions();
    expect(w.findAll('.filters button').map((b) => b.attributes('data-testid'))).toEqual(['filter-all', 'filter-disagree']);
    await w.get('[data-testid=filter-disagree]').trigger('click');
    expect(w.findAll('[data-testid=example-row]').map((r) => r.attributes('data-example'))).toEqual(['0']);
    await w.get('[data-testid=example-search]').setValue('short source');
    expect(w.findAll('[data-testid=example-row]')).toHaveLength(0);
  });
});

// ---- the Playground ----

describe('Playground with a generation head', () => {
  const run: RunRow = runRow({ status: 'completed' });
  const grid = (results: Record<number, RunResult>, decode?: { strategy: 'beam'; numBeams: number }) =>
    mount(PlaygroundOutputGrid, { props: { columns: [run], rows: tasksOf(run), results, input: { text: 'a long abstract', decode } } });

  it('shows the generated text and how it was decoded', () => {
    const w = grid({ 5: { state: 'done', outputs: { sst: { label: '1', score: 0.8, scores: { '0': 0.2, '1': 0.8 } }, tldr: { text: 'a short summary', finished: true } } } }, { strategy: 'beam', numBeams: 4 });
    expect(w.get('[data-testid="playground-row-tldr"]').text()).toContain('generated text');
    const cell = w.get('[data-testid="playground-cell-tldr-5"]');
    expect(cell.attributes('data-kind')).toBe('generation');
    expect(cell.get('[data-testid="generated-text"]').text()).toBe('a short summary');
    expect(cell.get('[data-testid="generated-how"]').text()).toBe('beam search, 4 beams');
    expect(cell.find('[data-testid="generated-cut"]').exists()).toBe(false);
    expect(w.get('[data-testid="playground-cell-sst-5"]').attributes('data-kind')).toBe('classification');
  });

  it('says when the text was cut at the length limit, or nothing was generated', () => {
    const cut = grid({ 5: { state: 'done', outputs: { tldr: { text: 'on and on and', finished: false } } } }).get('[data-testid="playground-cell-tldr-5"]');
    expect(cut.get('[data-testid="generated-cut"]').text()).toBe('cut off at the max length');
    expect(cut.get('[data-testid="generated-how"]').text()).toBe('decoded as the task is set up');
    const empty = grid({ 5: { state: 'done', outputs: { tldr: { text: '', finished: true } } } }).get('[data-testid="playground-cell-tldr-5"]');
    expect(empty.get('[data-testid="generated-text"]').text()).toBe('(nothing generated)');
  });

  it('decoding controls show the fields of the chosen strategy and mark values out of range', async () => {
    const mountControls = (decode: DecodeDraft, invalid: string[] = []) => mount(PlaygroundDecodeControls, { props: { decode, invalid: invalid as never, tasks: 'tldr' } });
    const fields = (w: VueWrapper) => w.findAll('input').map((i) => i.attributes('data-testid'));
    let w = mountControls({ strategy: 'task' });
    expect(w.get('[data-testid="decode-strategy"]').findAll('option').map((o) => o.text())).toEqual(['As the task is set up', 'Greedy', 'Beam search', 'Sampling']);
    expect(fields(w)).toEqual(['decode-maxLength']);
    await w.get('[data-testid="decode-strategy"]').setValue('beam');
    expect(w.emitted('update')!.at(-1)![0]).toEqual({ strategy: 'beam' });
    w = mountControls({ strategy: 'beam', beams: 4 });
    expect(fields(w)).toEqual(['decode-beams', 'decode-maxLength']);
    await w.get('[data-testid="decode-beams"]').setValue('8');
    expect(w.emitted('update')!.at(-1)![0]).toEqual({ strategy: 'beam', beams: 8 });
    w = mountControls({ strategy: 'sample', topP: 2 }, ['topP']);
    expect(fields(w)).toEqual(['decode-temperature', 'decode-topP', 'decode-seed', 'decode-maxLength']);
    expect(w.get('[data-testid="decode-topP"]').classes()).toContain('bad');
    expect(w.get('[data-testid="decode-invalid"]').text()).toBe('Out of range: Top-p');
  });
});
