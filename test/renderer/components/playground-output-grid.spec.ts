import { describe, expect, it } from 'vitest';
import { mount } from '@vue/test-utils';
import PlaygroundOutputGrid from '../../../renderer/src/components/PlaygroundOutputGrid.vue';
import PlaygroundAnswerSpan from '../../../renderer/src/components/PlaygroundAnswerSpan.vue';
import { tasksOf, type RunResult, type RunRow } from '../../../renderer/src/stores/playground';

function run(id: number, tasks: { name: string; type: string; textPair?: string }[]): RunRow {
  const at = `2025-01-0${id}T10:00:00.000Z`;
  return {
    id, projectId: null, parentId: null, baselineTask: null, name: `run ${id}`, config: { name: `run ${id}`, tasks }, status: 'completed',
    step: 30, totalSteps: 30, plan: null, summary: null, error: null, pid: null, createdAt: at, startedAt: at, updatedAt: at, finishedAt: at,
  };
}

const TASKS = [
  { name: 'sentiment', type: 'classification' },
  { name: 'ner', type: 'token-classification' },
  { name: 'qa', type: 'extractive-qa' },
  { name: 'similarity', type: 'regression', textPair: 'sentence2' },
];
const A = run(1, TASKS);
const B = run(2, TASKS.slice(0, 1));
const TEXT = 'EU rejects German call to boycott British lamb .';
const CONTEXT = 'The lamb was British. Officials in Brussels said the British lamb was safe, and the ban was lifted in 1999.';

const results: Record<number, RunResult> = {
  1: {
    state: 'done',
    outputs: {
      sentiment: { label: 'neg', score: 0.6, scores: { pos: 0.15, neg: 0.6, neutral: 0.25 } },
      ner: {
        tags: ['B-ORG', 'O', 'B-MISC', 'O', 'O', 'O', 'B-MISC', 'O', 'O'],
        entities: [
          { text: 'EU', type: 'ORG', start: 0, end: 1 },
          { text: 'German', type: 'MISC', start: 2, end: 3 },
          { text: 'British', type: 'MISC', start: 6, end: 7 },
        ],
      },
      qa: { answer: 'British lamb', score: 4.2 },
      similarity: { value: 3.14159 },
    },
  },
  2: { state: 'error', error: { message: 'run folder /tmp/x has no checkpoint yet' } },
};

function grid() {
  const columns = [A, B];
  const seen = new Map<string, ReturnType<typeof tasksOf>[number]>();
  for (const r of columns) for (const t of tasksOf(r)) if (!seen.has(t.name)) seen.set(t.name, t);
  return mount(PlaygroundOutputGrid, { props: { columns, rows: [...seen.values()], results, input: { text: TEXT, context: CONTEXT } } });
}

describe('PlaygroundOutputGrid', () => {
  it('has a row per task and a column per run', () => {
    const w = grid();
    expect(w.findAll('tbody tr').map((r) => r.attributes('data-testid'))).toEqual([
      'playground-row-sentiment', 'playground-row-ner', 'playground-row-qa', 'playground-row-similarity',
    ]);
    expect(w.findAll('thead th').map((h) => h.text())).toEqual(['Task', '#1 run 1', expect.stringContaining('#2 run 2')]);
  });

  it('shows a classification head as its label and the probabilities, most likely first', () => {
    const cell = grid().get('[data-testid=playground-cell-sentiment-1]');
    expect(cell.get('[data-testid=predicted-label]').text()).toContain('neg');
    const bars = cell.findAll('[data-testid^=prob-]');
    expect(bars.map((b) => b.attributes('data-testid'))).toEqual(['prob-neg', 'prob-neutral', 'prob-pos']);
    const ps = bars.map((b) => Number(b.attributes('data-p')));
    expect([...ps].sort((x, y) => y - x)).toEqual(ps);
    expect(bars[0]!.text()).toContain('60.0%');
  });

  it('shows entity spans in the sentence with their type, one tag per word, and a legend', () => {
    const w = grid();
    const cell = w.get('[data-testid=playground-cell-ner-1]');
    const entities = cell.findAll('[data-testid=entity]');
    expect(entities.map((e) => [e.attributes('data-type'), e.find('.word').text().trim()])).toEqual([
      ['ORG', 'EU'], ['MISC', 'German'], ['MISC', 'British'],
    ]);
    expect(entities[0]!.text()).toContain('ORG');
    const words = cell.findAll('[data-testid=word]');
    expect(words.map((x) => x.text().trim())).toEqual(TEXT.split(' '));
    expect(words.map((x) => x.attributes('data-tag'))).toEqual(['B-ORG', 'O', 'B-MISC', 'O', 'O', 'O', 'B-MISC', 'O', 'O']);
    const legend = w.get('[data-testid=playground-row-ner] [data-testid=entity-legend]');
    expect(legend.findAll('li').map((l) => l.attributes('data-type'))).toEqual(['MISC', 'ORG']);
  });

  it('highlights the answer span inside the context (its first occurrence)', () => {
    const cell = grid().get('[data-testid=playground-cell-qa-1]');
    const ctx = cell.get('[data-testid=qa-context]');
    const mark = ctx.get('mark[data-testid=qa-answer]');
    expect(mark.text()).toBe('British lamb');
    expect(ctx.text()).toBe(CONTEXT);
    // "British lamb" first occurs in the second sentence (the first has "lamb was British").
    expect(ctx.text().indexOf(mark.text())).toBe(CONTEXT.indexOf('British lamb'));
    expect(ctx.element.innerHTML.indexOf('<mark')).toBeGreaterThan(ctx.element.innerHTML.indexOf('Brussels'));
  });

  it('shows a regression score, and the error of a run that cannot answer in its column', () => {
    const w = grid();
    expect(w.get('[data-testid=playground-cell-similarity-1] [data-testid=regression-value]').text()).toBe('3.142');
    expect(w.get('[data-testid=playground-run-error-2]').text()).toMatch(/no checkpoint yet/);
    expect(w.get('[data-testid=playground-cell-sentiment-2]').attributes('data-kind')).toBe('error');
    expect(w.get('[data-testid=playground-cell-ner-2]').attributes('data-kind')).toBe('error');
  });
});

describe('PlaygroundAnswerSpan', () => {
  it('cuts a long context to a window around the answer', () => {
    const long = `${'a'.repeat(2000)} the answer is here ${'b'.repeat(2000)}`;
    const w = mount(PlaygroundAnswerSpan, { props: { context: long, output: { answer: 'answer is here', score: 1 }, window: 50 } });
    expect(w.get('[data-testid=qa-answer]').text()).toBe('answer is here');
    expect(w.get('[data-testid=qa-context]').text().length).toBeLessThan(200);
  });

  it('says so when there is no answer', () => {
    const w = mount(PlaygroundAnswerSpan, { props: { context: 'short', output: { answer: '', score: 0 } } });
    expect(w.find('[data-testid=qa-answer]').exists()).toBe(false);
    expect(w.text()).toContain('no answer found');
  });
});
