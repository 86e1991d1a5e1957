// The Playground: trained runs to ask, the inputs (a text, a second text for pair tasks, a context for QA, how
// generation heads decode) and every head's answer per run, side by side. A run that cannot answer (no checkpoint
// yet) keeps its error in its column.
import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import { call } from '../api';
import { problemOf, type Problem } from '../lib/error-text';
import { t } from '../i18n';
import type { CallResult } from '../../../main/api/contract';
import { decodeArgs, decodeIssues, type DecodeArgs, type DecodeDraft } from '../lib/decode-options';

export type RunRow = CallResult<'runs.list'>[number];
/** What `runs.predict` answers per task: a head's output, or why it was skipped. */
export type HeadOutput = CallResult<'runs.predict'>[string];
export type ClassificationOutput = Extract<HeadOutput, { scores: Record<string, number> }>;
export type RegressionOutput = Extract<HeadOutput, { value: number }>;
export type TokenOutput = Extract<HeadOutput, { tags: string[] }>;
export type QaOutput = Extract<HeadOutput, { answer: string }>;
export type SkippedOutput = Extract<HeadOutput, { skipped: string }>;
/** A masked-LM head's answer: the most likely tokens for each [MASK] of the text. */
export type FillOutput = Extract<HeadOutput, { fills: unknown }>;
/** A generation head's answer: the generated text, and whether it ended before the length limit. */
export type GeneratedOutput = Extract<HeadOutput, { finished: boolean }>;

export type TaskType = 'classification' | 'regression' | 'token-classification' | 'extractive-qa' | 'masked-lm' | 'generation';
export interface TaskInfo { name: string; type: TaskType; pair: boolean }

/** The inputs a prediction was made from (the grid draws spans on these, not on what is being typed since). */
export interface PlaygroundInput { text: string; textPair?: string; context?: string; decode?: DecodeArgs }

export type RunResult =
  | { state: 'pending' }
  | { state: 'done'; outputs: Record<string, HeadOutput> }
  | { state: 'error'; error: Problem };

/** Runs that may have a checkpoint to answer from. */
export const ANSWERING: RunRow['status'][] = ['completed', 'stopped'];

const TYPES: readonly TaskType[] = ['classification', 'regression', 'token-classification', 'extractive-qa', 'masked-lm', 'generation'];

/** The tasks of a run's config (the renderer sees configs as unknown; anything malformed is left out). */
export function tasksOf(run: Pick<RunRow, 'config'>): TaskInfo[] {
  const c = run.config as { tasks?: unknown } | null;
  if (!c || !Array.isArray(c.tasks)) return [];
  const out: TaskInfo[] = [];
  for (const t of c.tasks as unknown[]) {
    const o = (t ?? {}) as { name?: unknown; type?: unknown; textPair?: unknown };
    if (typeof o.name !== 'string' || !TYPES.includes(o.type as TaskType)) continue;
    const type = o.type as TaskType;
    out.push({ name: o.name, type, pair: (type === 'classification' || type === 'regression') && typeof o.textPair === 'string' && o.textPair !== '' });
  }
  return out;
}

/** How a run is named in pickers and column heads. */
export function runLabel(run: Pick<RunRow, 'id' | 'name' | 'baselineTask'>): string {
  // baseline runs are already named '<run> · <task> alone'; older ones may not be
  const alone = run.baselineTask && !run.name.endsWith(`${run.baselineTask} alone`) ? ` (${t('playground.alone', { task: run.baselineTask })})` : '';
  return `#${run.id} ${run.name}${alone}`;
}

const newestFirst = (a: RunRow, b: RunRow) => b.createdAt.localeCompare(a.createdAt) || b.id - a.id;

export const usePlaygroundStore = defineStore('playground', () => {
  /** Runs that can answer, newest first. */
  const runs = ref<RunRow[]>([]);
  const selectedIds = ref<number[]>([]);
  const text = ref('');
  const textPair = ref('');
  const context = ref('');
  /** How generation heads decode (sent only when a selected run has a generation task). */
  const decode = ref<DecodeDraft>({ strategy: 'task' });
  /** Per run id, for the latest Predict. */
  const results = ref<Record<number, RunResult>>({});
  /** The inputs of the latest Predict. */
  const asked = ref<PlaygroundInput | undefined>();
  /** The runs of the latest Predict, in column order. */
  const askedIds = ref<number[]>([]);
  const loaded = ref(false);
  const predicting = ref(false);
  const error = ref<Problem | undefined>();
  let seq = 0;

  /** The selected runs in list order (newest first): the grid's columns keep that order whatever the ticking order. */
  const selectedRuns = computed(() => runs.value.filter((r) => selectedIds.value.includes(r.id)));
  const selectedTasks = computed(() => selectedRuns.value.flatMap(tasksOf));
  /** A second text is asked for when any selected run has a pair task; a context when any has extractive QA. */
  const needsPair = computed(() => selectedTasks.value.some((t) => t.pair));
  const needsContext = computed(() => selectedTasks.value.some((t) => t.type === 'extractive-qa'));
  /** Decoding controls are shown when any selected run has a generation task. */
  const needsDecode = computed(() => selectedTasks.value.some((t) => t.type === 'generation'));
  /** Decoding fields runs.predict would refuse (shown at the fields; Predict waits for them). */
  const badDecode = computed(() => (needsDecode.value ? decodeIssues(decode.value) : []));
  const canPredict = computed(() => !predicting.value && selectedRuns.value.length > 0 && text.value.trim() !== '' && !badDecode.value.length);

  /** The columns of the grid (the runs asked last) and its rows (their tasks by name, first-seen order). */
  const columns = computed(() => askedIds.value.map((id) => runs.value.find((r) => r.id === id)).filter((r): r is RunRow => !!r));
  const rows = computed(() => {
    const seen = new Map<string, TaskInfo>();
    for (const r of columns.value) for (const t of tasksOf(r)) if (!seen.has(t.name)) seen.set(t.name, t);
    return [...seen.values()];
  });

  /** Loads the runs that can answer; keeps the selection that still exists, else selects the newest completed run. */
  async function load(): Promise<void> {
    try {
      const all = await call('runs.list', {});
      runs.value = all.filter((r) => ANSWERING.includes(r.status)).sort(newestFirst);
      selectedIds.value = selectedIds.value.filter((id) => runs.value.some((r) => r.id === id));
      if (!selectedIds.value.length) {
        const first = runs.value.find((r) => r.status === 'completed') ?? runs.value[0];
        if (first) selectedIds.value = [first.id];
      }
      error.value = undefined;
    } catch (err) {
      error.value = problemOf(err);
    } finally {
      loaded.value = true;
    }
  }

  function toggle(id: number): void {
    selectedIds.value = selectedIds.value.includes(id) ? selectedIds.value.filter((x) => x !== id) : [...selectedIds.value, id];
  }

  function setDecode(next: DecodeDraft): void {
    decode.value = next;
  }

  function setSelected(ids: number[]): void {
    selectedIds.value = [...ids];
  }

  /** Asks every selected run at once; each column fills in as its answer arrives (or shows why it could not). */
  async function predict(): Promise<void> {
    if (!selectedRuns.value.length || !text.value.trim() || badDecode.value.length) return;
    const mine = ++seq;
    const input: PlaygroundInput = { text: text.value };
    if (needsPair.value) input.textPair = textPair.value;
    if (needsContext.value && context.value.trim()) input.context = context.value;
    const d = needsDecode.value ? decodeArgs(decode.value) : undefined;
    if (d) input.decode = d;
    const ids = selectedRuns.value.map((r) => r.id);
    asked.value = input;
    askedIds.value = ids;
    results.value = Object.fromEntries(ids.map((id) => [id, { state: 'pending' } as RunResult]));
    predicting.value = true;
    await Promise.all(
      ids.map(async (id) => {
        let result: RunResult;
        try {
          result = { state: 'done', outputs: await call('runs.predict', { id, ...input }) };
        } catch (err) {
          result = { state: 'error', error: problemOf(err) };
        }
        if (mine === seq) results.value[id] = result;
      }),
    );
    if (mine === seq) predicting.value = false;
  }

  return {
    runs, selectedIds, text, textPair, context, decode, results, asked, askedIds, loaded, predicting, error,
    selectedRuns, needsPair, needsContext, needsDecode, badDecode, canPredict, columns, rows,
    load, toggle, setSelected, setDecode, predict,
  };
});
