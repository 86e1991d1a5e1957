// Every selected run's validation predictions of one task, side by side: rows aligned by example, the per-example
// filters (disagreement, wrong answers, judged by entities for tagging tasks; a masked-LM text is right when every
// masked token was; generated text is scored, not judged right or wrong) and the searchable text of an input.
import type { CallResult } from '../../../main/api/contract';

export type PredictionRow = CallResult<'runs.predictions'>['rows'][number];
export const TASK_TYPES = ['classification', 'regression', 'token-classification', 'extractive-qa', 'masked-lm', 'generation'] as const;
export type TaskType = (typeof TASK_TYPES)[number];
export interface TaskInfo { name: string; type: TaskType }

/** One validation example with every selected run's prediction for it. */
export interface AlignedExample {
  example: number;
  input: unknown;
  gold: unknown;
  /** One entry per selected run, in selection order; undefined where that run has no prediction for the example. */
  outputs: (PredictionRow | undefined)[];
}

/** Rows of several runs' predictions joined on `example` (the validation example's index), in example order. */
export function alignByExample(perRun: readonly (readonly PredictionRow[] | undefined)[]): AlignedExample[] {
  const byExample = new Map<number, AlignedExample>();
  perRun.forEach((rows, r) => {
    for (const row of rows ?? []) {
      let e = byExample.get(row.example);
      if (!e) byExample.set(row.example, (e = { example: row.example, input: row.input, gold: row.gold, outputs: perRun.map(() => undefined) }));
      e.outputs[r] = row;
    }
  });
  return [...byExample.values()].sort((a, b) => a.example - b.example);
}

/** Two runs whose rows of a task may not be the same examples (the view words it as a warning). */
export interface AlignmentProblem { task: string; first: string; other: string; firstCount: number; otherCount: number }

/** Why the runs' rows of a task may not be the same examples, or undefined when they agree (count and first input). */
export function alignmentProblem(task: string, names: readonly string[], perRun: readonly (readonly PredictionRow[] | undefined)[]): AlignmentProblem | undefined {
  const present = perRun.flatMap((rows, r) => (rows ? [{ rows, name: names[r]! }] : []));
  const [first, ...rest] = present;
  for (const other of rest) {
    const a = JSON.stringify(first!.rows[0]?.input);
    if (other.rows.length !== first!.rows.length || JSON.stringify(other.rows[0]?.input) !== a)
      return { task, first: first!.name, other: other.name, firstCount: first!.rows.length, otherCount: other.rows.length };
  }
  return undefined;
}

// ---- per-example filters ----

export type ExampleFilter = 'all' | 'disagree' | 'any-wrong' | 'all-wrong';
/** The filters that mean something for a task type: generated text has a score, not a verdict. */
export const filtersFor = (type: TaskType): ExampleFilter[] => (type === 'generation' ? ['all', 'disagree'] : ['all', 'disagree', 'any-wrong', 'all-wrong']);
/** A regression prediction further than this from gold counts as wrong, and two further apart as a disagreement. */
export const REGRESSION_TOLERANCE = 0.5;

const valueOf = (row: PredictionRow): number => Number((row.output as { value?: number } | null)?.value);

export interface EntityChunk { start: number; end: number; type: string }

/** Entities of a tag sequence as conlleval reads it, IOB1 and BIO alike (main/training/metrics/entities.ts, ported). */
export function entityChunks(tags: readonly string[]): EntityChunk[] {
  const out: EntityChunk[] = [];
  let start: number | null = null, prevTag = 'O', prevType = '';
  for (let i = 0; i <= tags.length; i++) {
    const t = i < tags.length ? tags[i]! : 'O';
    const chars = Array.from(t);
    const [tag, type] = t === 'O' || !chars.length ? ['O', ''] : [chars[0]!, chars.slice(2).join('')];
    const end = ((prevTag === 'B' || prevTag === 'I') && (tag === 'B' || tag === 'O')) || (prevTag === 'I' && tag === 'B') || (prevTag !== 'O' && prevType !== type);
    const begin = tag === 'B' || (prevTag === 'O' && tag === 'I') || (tag !== 'O' && prevType !== type);
    if (end && start !== null) {
      out.push({ start, end: i, type: prevType });
      start = null;
    }
    if (begin) start = i;
    prevTag = tag;
    prevType = type;
  }
  return out;
}
const entityKey = (tags: unknown): string => (Array.isArray(tags) ? entityChunks(tags as string[]).map((c) => `${c.start}:${c.end}:${c.type}`).join(' ') : '');

/**
 * Whether a run got the example wrong; null when that cannot be said. Entity tasks are judged by their entities, as
 * their F1 is (`I-ORG` where gold has `B-ORG` names the same entity), not tag by tag.
 */
export function isWrong(type: TaskType, row: PredictionRow | undefined): boolean | null {
  if (!row) return null;
  if (type === 'regression') {
    const v = valueOf(row), g = Number(row.gold);
    return Number.isFinite(v) && Number.isFinite(g) ? Math.abs(v - g) > REGRESSION_TOLERANCE : null;
  }
  if (type === 'token-classification') return Array.isArray(row.gold) ? outputKey(type, row) !== entityKey(row.gold) : null;
  return row.correct === null ? null : !row.correct;
}

/** What two runs must share to agree on an example. */
function outputKey(type: TaskType, row: PredictionRow): string {
  const o = (row.output ?? {}) as { label?: string; tags?: string[]; answer?: string; predicted?: string[] };
  if (type === 'classification') return String(o.label);
  if (type === 'token-classification') return entityKey(o.tags);
  if (type === 'masked-lm') return (o.predicted ?? []).join('\u0000');
  if (type === 'generation') return generatedText(row).trim().replace(/\s+/g, ' ');
  return String(o.answer ?? '').trim().toLowerCase();
}

/** Whether the runs that predicted the example gave different outputs (different entities, for an entity task). */
export function runsDisagree(type: TaskType, ex: AlignedExample): boolean {
  const rows = ex.outputs.filter((r): r is PredictionRow => !!r);
  if (rows.length < 2) return false;
  if (type === 'regression') {
    const vs = rows.map(valueOf);
    return Math.max(...vs) - Math.min(...vs) > REGRESSION_TOLERANCE;
  }
  const first = outputKey(type, rows[0]!);
  return rows.some((r) => outputKey(type, r) !== first);
}

export function matchesFilter(type: TaskType, ex: AlignedExample, filter: ExampleFilter): boolean {
  switch (filter) {
    case 'all': return true;
    case 'disagree': return runsDisagree(type, ex);
    case 'any-wrong': return ex.outputs.some((r) => isWrong(type, r) === true);
    case 'all-wrong': {
      const judged = ex.outputs.filter((r) => r);
      return judged.length > 0 && judged.every((r) => isWrong(type, r) === true);
    }
  }
}

/** The searchable text of an example's input: sentence (and pair), tokens, question and context, or a generation source. */
export function inputText(input: unknown): string {
  const i = (input ?? {}) as { text?: string; textPair?: string; tokens?: string[]; question?: string; context?: string; source?: string };
  if (Array.isArray(i.tokens)) return i.tokens.join(' ');
  if (typeof i.source === 'string') return i.source;
  if (i.question !== undefined) return `${i.question} ${i.context ?? ''}`;
  return i.textPair !== undefined ? `${i.text ?? ''} ${i.textPair}` : String(i.text ?? '');
}

// ---- generation ----

/** A generation prediction's text ('' when the output is not one). */
export const generatedText = (row: PredictionRow): string => String((row.output as { text?: unknown } | null)?.text ?? '');
/** Whether generation ended with the end token (false: it stopped at the most target tokens). */
export const generationFinished = (row: PredictionRow): boolean => (row.output as { finished?: unknown } | null)?.finished !== false;
/** A generation example's references (gold holds all of them; a single string is one). */
export const referencesOf = (gold: unknown): string[] => (Array.isArray(gold) ? gold.map(String) : gold === null || gold === undefined ? [] : [String(gold)]);
