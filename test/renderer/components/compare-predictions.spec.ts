import { describe, expect, it } from 'vitest';
import { mount } from '@vue/test-utils';
import ComparePredictions from '../../../renderer/src/components/ComparePredictions.vue';
import type { AlignedExample, PredictionRow, TaskInfo } from '../../../renderer/src/lib/compare-examples';

const RUNS = [
  { id: 1, name: 'multi-task', label: 'multi-task', color: '#111' },
  { id: 2, name: 'multi-task · ner alone', label: 'ner alone', color: '#222' },
];
const row = (example: number, output: unknown, gold: unknown, correct: boolean | null): PredictionRow => ({ example, input: {}, gold, output, correct });

function mountWith(task: TaskInfo, examples: AlignedExample[]) {
  return mount(ComparePredictions, { props: { task, runs: RUNS, examples } });
}
const shown = (w: ReturnType<typeof mountWith>) => w.findAll('[data-testid=example-row]').map((r) => Number(r.attributes('data-example')));

describe('ComparePredictions: classification', () => {
  const cls = (example: number, text: string, gold: string, a: string, b: string): AlignedExample => ({
    example, input: { text }, gold,
    outputs: [row(example, { label: a, score: 0.9, scores: {} }, gold, a === gold), row(example, { label: b, score: 0.6, scores: {} }, gold, b === gold)],
  });
  const EXAMPLES = [
    cls(0, 'a gorgeous movie', 'pos', 'pos', 'pos'), // both right
    cls(1, 'dull and long', 'neg', 'neg', 'pos'), // disagree, one wrong
    cls(2, 'not bad at all', 'pos', 'neg', 'neg'), // agree, both wrong
    cls(3, 'the movie is a mess', 'neg', 'pos', 'neu'), // disagree, both wrong
  ];

  it('shows every run’s output side by side, right and wrong marked', async () => {
    const w = mountWith({ name: 'sentiment', type: 'classification' }, EXAMPLES);
    expect(shown(w)).toEqual([0, 1, 2, 3]);
    const r1 = w.findAll('[data-testid=example-row]')[1]!;
    expect(r1.get('[data-testid=output-0]').text()).toContain('neg');
    expect(r1.get('[data-testid=output-0]').classes()).toContain('right');
    expect(r1.get('[data-testid=output-1]').text()).toContain('pos');
    expect(r1.get('[data-testid=output-1]').classes()).toContain('wrong');
  });

  it('filters to disagreements, to any error, and to examples every run got wrong, with counts', async () => {
    const w = mountWith({ name: 'sentiment', type: 'classification' }, EXAMPLES);
    expect(w.get('[data-testid=filter-disagree]').text()).toContain('2');
    await w.get('[data-testid=filter-disagree]').trigger('click');
    expect(shown(w)).toEqual([1, 3]);
    await w.get('[data-testid=filter-any-wrong]').trigger('click');
    expect(shown(w)).toEqual([1, 2, 3]);
    await w.get('[data-testid=filter-all-wrong]').trigger('click');
    expect(shown(w)).toEqual([2, 3]);
    expect(w.get('[data-testid=example-count]').text()).toBe('2 of 4 examples');
  });

  it('searches the input text, case-insensitively, within the filter', async () => {
    const w = mountWith({ name: 'sentiment', type: 'classification' }, EXAMPLES);
    await w.get('[data-testid=example-search]').setValue('MOVIE');
    expect(shown(w)).toEqual([0, 3]);
    await w.get('[data-testid=filter-disagree]').trigger('click');
    expect(shown(w)).toEqual([3]);
    await w.get('[data-testid=example-search]').setValue('nothing like this');
    expect(shown(w)).toEqual([]);
    expect(w.get('[data-testid=examples-empty]').text()).toContain('No example matches');
  });

  it('pages 50 examples at a time', async () => {
    const many = Array.from({ length: 120 }, (_, i) => cls(i, `sentence ${i}`, 'pos', 'pos', 'pos'));
    const w = mountWith({ name: 'sentiment', type: 'classification' }, many);
    expect(shown(w)).toHaveLength(50);
    expect(w.get('[data-testid=page-info]').text()).toBe('page 1 / 3');
    await w.get('[data-testid=page-next]').trigger('click');
    await w.get('[data-testid=page-next]').trigger('click');
    expect(shown(w)).toEqual(Array.from({ length: 20 }, (_, i) => 100 + i));
    await w.get('[data-testid=example-search]').setValue('sentence 7');
    expect(w.get('[data-testid=page-info]').text()).toBe('page 1 / 1');
  });
});

describe('ComparePredictions: entities', () => {
  const tokens = ['EU', 'rejects', 'German', 'call', 'to', 'boycott', 'British', 'lamb', '.'];
  const gold = ['B-ORG', 'O', 'B-MISC', 'O', 'O', 'O', 'B-MISC', 'O', 'O'];
  const a = ['B-ORG', 'O', 'B-MISC', 'O', 'O', 'O', 'B-MISC', 'O', 'O'];
  const b = ['B-PER', 'I-PER', 'O', 'O', 'O', 'O', 'B-MISC', 'I-MISC', 'O'];
  const ex: AlignedExample = {
    example: 0, input: { tokens }, gold,
    outputs: [row(0, { tags: a, entities: [] }, gold, true), row(0, { tags: b, entities: [] }, gold, false)],
  };
  const same: AlignedExample = { example: 1, input: { tokens: ['Peter'] }, gold: ['B-PER'], outputs: [row(1, { tags: ['B-PER'] }, ['B-PER'], true), row(1, { tags: ['B-PER'] }, ['B-PER'], true)] };
  const entities = (el: ReturnType<ReturnType<typeof mountWith>['get']>) =>
    el.findAll('[data-testid=entity]').map((e) => [e.attributes('data-type'), e.text().replace(e.get('sub').text(), ''), e.classes('miss')]);

  it('colours the gold row’s and every run’s entities by type, and marks entities not in gold', () => {
    const w = mountWith({ name: 'ner', type: 'token-classification' }, [ex, same]);
    const first = w.findAll('[data-testid=example-row]')[0]!;
    expect(entities(first.get('[data-testid=gold-tokens]'))).toEqual([['ORG', 'EU', false], ['MISC', 'German', false], ['MISC', 'British', false]]);
    expect(entities(first.get('[data-testid=output-0]'))).toEqual([['ORG', 'EU', false], ['MISC', 'German', false], ['MISC', 'British', false]]);
    expect(entities(first.get('[data-testid=output-1]'))).toEqual([['PER', 'EU rejects', true], ['MISC', 'British lamb', true]]);
    expect(first.get('[data-testid=output-1]').classes()).toContain('wrong');
    const style = first.get('[data-testid=output-1] [data-testid=entity]').attributes('style') ?? '';
    expect(style).toContain('--entity');
  });

  it('filters to sentences where the runs tag differently', async () => {
    const w = mountWith({ name: 'ner', type: 'token-classification' }, [ex, same]);
    await w.get('[data-testid=filter-disagree]').trigger('click');
    expect(shown(w)).toEqual([0]);
    await w.get('[data-testid=example-search]').setValue('peter');
    expect(shown(w)).toEqual([]);
  });
});

describe('ComparePredictions: extractive QA and regression', () => {
  const context = 'The Normans were the people who in the 10th and 11th centuries gave their name to Normandy, a region in France.';
  const qa: AlignedExample = {
    example: 4, input: { question: 'In what country is Normandy located?', context }, gold: ['France', 'France.'],
    outputs: [row(4, { answer: 'France', score: 3 }, ['France'], true), row(4, { answer: '10th and 11th centuries', score: 1 }, ['France'], false)],
  };

  it('highlights each run’s answer span in the context and lists the gold answers', () => {
    const w = mountWith({ name: 'squad', type: 'extractive-qa' }, [qa]);
    expect(w.findAll('[data-testid=gold-answers] li').map((l) => l.text())).toEqual(['France', 'France.']);
    const marks = w.findAll('[data-testid=answer-span]');
    expect(marks.map((m) => m.text())).toEqual(['France', '10th and 11th centuries']);
    expect(marks[1]!.classes()).toContain('wrong');
    expect(w.get('[data-testid=output-0]').text()).toContain('a region in France');
  });

  it('says so when an answer is not in the context, and leaves out a run without the task', () => {
    const odd: AlignedExample = { ...qa, outputs: [row(4, { answer: 'Italy', score: 0 }, ['France'], false), undefined] };
    const w = mountWith({ name: 'squad', type: 'extractive-qa' }, [odd]);
    expect(w.findAll('[data-testid=answer-span]')).toHaveLength(0);
    expect(w.get('[data-testid=output-0]').text()).toContain('not found in the context');
    expect(w.find('[data-testid=output-1]').exists(), 'a run without the task gets no column').toBe(false);
  });

  it('shows regression values with their absolute error; more than 0.5 off is wrong', async () => {
    const reg = (example: number, gold: number, a: number, b: number): AlignedExample => ({
      example, input: { text: `pair ${example}`, textPair: 'other' }, gold, outputs: [row(example, { value: a }, gold, null), row(example, { value: b }, gold, null)],
    });
    const w = mountWith({ name: 'sts', type: 'regression' }, [reg(0, 3, 3.2, 2.9), reg(1, 1, 1.1, 2.4)]);
    const second = w.findAll('[data-testid=example-row]')[1]!;
    expect(second.get('[data-testid=output-1]').text()).toContain('|err| 1.400');
    expect(second.get('[data-testid=output-1]').classes()).toContain('wrong');
    expect(second.get('[data-testid=output-0]').classes()).toContain('right');
    await w.get('[data-testid=filter-disagree]').trigger('click');
    expect(shown(w)).toEqual([1]);
  });
});
