// "Pre-train first": a masked-LM run over the text of a project's task datasets, whose backbone the project's task
// run then starts from (`backbone.from: 'run:<id>'`). The two configs are built here from the project's run config;
// the runs store starts one after the other. Also: which runs can be a backbone, and which runs are pre-training.
import type { CallResult } from '../../../main/api/contract';
import { DEFAULT_PRETRAIN, isObj, obj, strip, type Obj, type PretrainDraft } from './project-config';

export type RunRow = CallResult<'runs.list'>[number];

/** The masked-LM task's name in a pre-training run. */
export const PRETRAIN_TASK = 'mlm';

/** The datasets a config's tasks train on, each once, in task order. */
export function taskDatasets(config: Obj): string[] {
  const out: string[] = [];
  for (const t of Array.isArray(config.tasks) ? config.tasks : []) {
    const d = obj(t).dataset;
    if (typeof d === 'string' && d && !out.includes(d)) out.push(d);
  }
  return out;
}

/** The columns each task type reads text from, by their config keys (defaults as main/training/config.ts has them). */
const TEXT_KEYS: Record<string, [string, string | undefined][]> = {
  classification: [['text', 'text'], ['textPair', undefined]], regression: [['text', 'text'], ['textPair', undefined]],
  'token-classification': [['tokens', 'tokens']], 'extractive-qa': [['question', 'question'], ['context', 'context']],
  generation: [['source', 'source'], ['target', 'target']],
};

/**
 * The text columns pre-training reads of a dataset: undefined (main takes every text and token-list column) unless a
 * generation task reads it, whose source and target are often lists of sentences (a JSON column main would not
 * take); then every column the dataset's tasks read text from.
 */
export function pretrainText(config: Obj, dataset: string): string[] | undefined {
  const tasks = (Array.isArray(config.tasks) ? config.tasks : []).map(obj).filter((t) => t.dataset === dataset);
  if (!tasks.some((t) => t.type === 'generation')) return undefined;
  const cols = tasks.flatMap((t) => (TEXT_KEYS[String(t.type)] ?? []).map(([k, fallback]) => (typeof t[k] === 'string' ? (t[k] as string) : fallback)));
  return [...new Set(cols.filter((c): c is string => !!c))];
}

/**
 * The pre-training run for a project's run config: one masked-LM task over the text of every task dataset (the first
 * as `dataset`, the rest as `corpus`; every text column, or the columns a generation task reads), the project's
 * backbone size and vocabulary from scratch, its optimiser settings, and the plan's length (steps, or a time budget)
 * with early stopping off.
 */
export function pretrainingConfig(config: Obj, plan: PretrainDraft = DEFAULT_PRETRAIN, name = `${String(config.name ?? '')} · pre-training`): Obj {
  const [first, ...rest] = taskDatasets(config);
  const t = obj(config.training);
  const budget = plan.length === 'budget' && plan.minutes !== undefined && plan.minutes > 0 ? Math.round(plan.minutes * 60) : undefined;
  const steps = budget === undefined ? plan.steps ?? DEFAULT_PRETRAIN.steps : undefined;
  const evalEvery = typeof t.evalEvery === 'number' ? t.evalEvery : 200;
  const { from: _from, path: _path, ...backbone } = obj(config.backbone);
  return JSON.parse(JSON.stringify(strip({
    name,
    backbone: { ...backbone, from: 'scratch' },
    tasks: [strip({
      name: PRETRAIN_TASK, type: 'masked-lm', dataset: first, text: first === undefined ? undefined : pretrainText(config, first),
      corpus: rest.length ? rest.map((dataset) => strip({ dataset, text: pretrainText(config, dataset) })) : undefined,
      wholeWordMasking: plan.wholeWordMasking,
    })],
    training: strip({
      steps, budgetSeconds: budget, evalEverySeconds: budget !== undefined ? Math.max(1, Math.round(budget / 5)) : undefined,
      evalEvery: steps !== undefined ? Math.max(1, Math.min(evalEvery, steps)) : undefined,
      batchSize: t.batchSize, lr: t.lr, warmup: t.warmup, validationFraction: t.validationFraction, schedule: t.schedule, seed: t.seed, weightDecay: t.weightDecay, clipGradNorm: t.clipGradNorm,
      // The budget is the user's: pre-training runs it out.
      earlyStopping: { patience: 0 },
    }),
    device: config.device,
    threads: config.threads,
  }))) as Obj;
}

/** The project's run config, started from the pre-training run `runId` (its size and vocabulary come from there). */
export function fineTuneConfig(config: Obj, runId: number): Obj {
  const { from: _f, path: _p, hidden: _h, layers: _l, heads: _a, intermediate: _i, tokenizer, ...backbone } = obj(config.backbone);
  const { vocabSize: _v, ...tok } = obj(tokenizer);
  const { pretrainFirst: _plan, ...rest } = config;
  return JSON.parse(JSON.stringify({ ...rest, backbone: strip({ ...backbone, from: `run:${runId}`, tokenizer: Object.keys(tok).length ? tok : undefined }) })) as Obj;
}

/** The tasks of a run's (frozen) config, as name and type. */
export function runTasks(run: Pick<RunRow, 'config'>): { name: string; type: string }[] {
  const tasks = obj(run.config).tasks;
  return Array.isArray(tasks) ? tasks.filter(isObj).map((t) => ({ name: String(t.name ?? ''), type: String(t.type ?? '') })) : [];
}

/** A pre-training run: its only task is masked-LM. */
export function isPretraining(run: Pick<RunRow, 'config'>): boolean {
  const tasks = runTasks(run);
  return tasks.length === 1 && tasks[0]!.type === 'masked-lm';
}

/**
 * Runs a new run can start from: completed ones (they have their final checkpoint), masked-LM pre-training runs first,
 * newest first within each group.
 */
export function backboneRuns(runs: readonly RunRow[]): RunRow[] {
  const done = runs.filter((r) => r.status === 'completed');
  const newest = (a: RunRow, b: RunRow) => b.id - a.id;
  return [...done.filter(isPretraining).sort(newest), ...done.filter((r) => !isPretraining(r)).sort(newest)];
}

/** A run's backbone as its frozen config records it (a loaded backbone's real size once the run was created). */
export function runBackbone(run: Pick<RunRow, 'config' | 'plan'>): { hidden?: number; layers?: number; heads?: number; intermediate?: number; maxLength?: number; vocabSize?: number } {
  const b = obj(obj(run.config).backbone);
  const n = (v: unknown) => (typeof v === 'number' ? v : undefined);
  return { hidden: n(b.hidden), layers: n(b.layers), heads: n(b.heads), intermediate: n(b.intermediate), maxLength: n(b.maxLength), vocabSize: n(obj(run.plan).vocabSize) ?? n(obj(b.tokenizer).vocabSize) };
}
