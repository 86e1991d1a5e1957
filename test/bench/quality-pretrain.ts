// `npm run bench:quality -- --pretrain`: does masked-LM pre-training pay for itself? Two arms with the same total
// training-time budget T on the quality anchor's model (H256 L4) and tasks (SST-2, TREC-6, CoNLL-2003):
//   scratch:  multi-task fine-tuning from a random init for T seconds;
//   pretrain: masked-LM pre-training on the combined unlabelled text of the shared datasets for P seconds, then the
//             same multi-task fine-tuning from that run (its vocabulary and encoder) for T − P seconds.
// The corpus is the training text only: no dev split is read (SST-2 and CoNLL-2003 dev are their own files), and
// TREC is left out because its dev split is carved from the same file.
//
//   npm run bench:quality -- --pretrain [--budget 3600 --pretrain-budget 2400 --eval 300 --finetune-lr X --db PATH --json --out FILE]
//                                      [--scratch-run ID] [--pretrain-run ID [--amortised]]
//   npm run bench:quality -- --pretrain --mlm-only --pretrain-budget 300 [--pack] [--mlm-batch 64 --mlm-lr 1e-3]
// --finetune-lr sets the pretrain arm's fine-tuning learning rate (default: the anchor's, the scratch arm's); the
// table says when the two arms differ in it. --scratch-run (with the --db of an earlier invocation) takes that
// invocation's finished scratch arm instead of training it again, to compare several pre-training budgets against
// one scratch run; it must have the same tasks, model, recipe and total budget. --mlm-only runs the masked-LM arm
// alone, with the changes named (packing, batch size, learning rate), and reports its last held-out evaluation.
// --pretrain-run takes a finished --mlm-only run of the recipe (same database) as the pretrain arm's masked LM; its
// budget counts toward the total unless --amortised, which gives the fine-tuning the whole budget, as the scratch arm
// has: one masked LM serving many fine-tuning runs, its cost paid once (the table says so; this is not the bar).
// Either way the table also lists both arms' dev metrics at matching fine-tuning steps.
import { join } from 'node:path';
import type { RunService } from '../../main/training/run-service';
import type { RunRow } from '../../main/store/runs';
import type { RunPlan } from '../../main/training/trainer';
import { METRIC, METRICS, delta, devScores, pct, summaryOf, type Scores } from './quality-metrics';

export interface PretrainBenchOptions {
  runs: RunService;
  shared: string;
  /** The multi-task config of the quality anchor (scratch backbone). */
  mtl: Record<string, unknown> & { training: Record<string, unknown>; backbone: Record<string, unknown> };
  total: number;
  pretrain: number;
  evalEvery: number;
  /** The pretrain arm's fine-tuning learning rate; unset, the anchor's (the same as the scratch arm's). */
  finetuneLr?: number;
  /** A finished scratch arm of an earlier invocation in the same database, reused instead of training it again. */
  scratchRun?: number;
  /** A finished masked-LM run of the recipe (`--mlm-only`) in the same database, used instead of training one. */
  pretrainRun?: number;
  /** The pre-training counted as paid already: the fine-tuning gets the whole budget, as the scratch arm does. */
  amortised?: boolean;
  log: (s: string) => void;
}

interface Arm { name: string; dev: Scores; steps: number; seconds: number; runs: number[] }

type StoredConfig = { name: string; backbone: unknown; tasks: { name: string }[]; training: Record<string, unknown> };
/** A config this benchmark trains (an arm, or the masked LM of one). */
type ArmConfig = Record<string, unknown> & { name: string; training: Record<string, unknown> };

/** Why a stored run is not the arm this invocation would train (the store keeps the config with its defaults filled in), or null. */
function runMismatch(want: ArmConfig, have: StoredConfig): string | null {
  if (have.name !== want.name) return `its name is '${have.name}'`;
  if (JSON.stringify(have.backbone) !== JSON.stringify(want.backbone)) return 'another backbone';
  const tasks = (want.tasks as { name: string }[]).map((t) => t.name).join(',');
  if (have.tasks.map((t) => t.name).join(',') !== tasks) return `tasks ${have.tasks.map((t) => t.name).join(',')}, not ${tasks}`;
  // a stored task names its datasets (`dataset`, `validation`, a corpus entry's `dataset`) by id, the config here by
  // path (main/training/datasets-resolve.ts): every other setting of each task must agree
  const DATASET_REFS = new Set(['dataset', 'validation']);
  const noDatasets = (x: unknown): Record<string, unknown> => JSON.parse(JSON.stringify(x, (k, v: unknown) => (DATASET_REFS.has(k) ? undefined : v)));
  for (const [i, task] of (want.tasks as { name: string }[]).entries()) {
    const stored = noDatasets(have.tasks[i]);
    for (const [k, v] of Object.entries(noDatasets(task)))
      if (JSON.stringify(stored[k]) !== JSON.stringify(v)) return `task ${task.name}'s ${k} is ${JSON.stringify(stored[k])}, not ${JSON.stringify(v)}`;
  }
  for (const [k, v] of Object.entries(want.training))
    if (k !== 'evalEverySeconds' && JSON.stringify(have.training[k]) !== JSON.stringify(v)) return `training.${k} is ${JSON.stringify(have.training[k])}, not ${JSON.stringify(v)}`;
  return null;
}

/** Checks that a finished run of an earlier invocation can stand in for one of this invocation's arms (`what` names the flag). */
function checkReused(row: RunRow, what: string, want: ArmConfig): RunRow {
  const differs = runMismatch(want, row.config as StoredConfig);
  if (differs) throw new Error(`${what} ${row.id}: not this benchmark's run (${differs})`);
  if (row.status !== 'completed') throw new Error(`${what} ${row.id}: the run is ${row.status}, not completed`);
  return row;
}

/** The masked LM that `--pretrain-run` names, checked against the recipe at its own budget, and that budget. */
function reusedMaskedLm(o: PretrainBenchOptions, id: number): { row: RunRow; seconds: number } {
  const row = o.runs.runs.getRun(id);
  const budget = (row.config as StoredConfig).training.budgetSeconds;
  if (typeof budget !== 'number' || !(budget > 0)) throw new Error(`--pretrain-run ${id}: not a time-budgeted run (training.budgetSeconds is ${JSON.stringify(budget)})`);
  return { row: checkReused(row, '--pretrain-run', maskedLmConfig({ shared: o.shared, mtl: o.mtl, seconds: budget })), seconds: budget };
}

/** Changes to the masked-LM arm's recipe, for pilots (`--mlm-only`): the task's packing, the batch size, the learning rate. */
export interface MaskedLmVariant { pack?: boolean; batchSize?: number; lr?: number; evalEverySeconds?: number }

/** The masked-LM arm's batch size and peak learning rate (a 300-s pilot of batch 32 / 128 and lr 5e-4 / 2e-3 found none better). */
const MLM_RECIPE = { batchSize: 64, lr: 1e-3 };

/** The pretrain arm's masked-LM run: the combined unlabelled training text of the shared datasets, for `seconds`. */
export function maskedLmConfig(o: Pick<PretrainBenchOptions, 'shared' | 'mtl'> & { seconds: number; variant?: MaskedLmVariant }): ArmConfig {
  const ds = (p: string) => join(o.shared, 'datasets', p);
  const v = o.variant ?? {};
  return {
    // No dropout while pre-training: one pass over the corpus cannot overfit, and without it the masked LM learns more
    // per step and each step is cheaper (Geiping & Goldstein 2022, "Cramming", on short pre-training budgets).
    // Fine-tuning keeps the anchor's dropout (dropout is a run's own setting, not part of the backbone it hands on).
    name: 'masked-LM pre-training', backbone: { ...o.mtl.backbone, maxLength: 128, dropout: 0 },
    tasks: [{
      name: 'mlm', type: 'masked-lm', dataset: ds('sst2/train.tsv'), text: 'sentence', maxLength: 64, heldOut: { fraction: 0.01 },
      corpus: [
        { dataset: ds('conll2003/train.txt') }, { dataset: ds('mrpc/msr_paraphrase_train.txt'), text: ['#1 String', '#2 String'] },
        { dataset: ds('sms_spam/SMSSpamCollection') }, { dataset: ds('scitldr/train.jsonl'), text: ['source', 'target'] }, { dataset: ds('xquad/xquad.en.json'), text: ['question', 'context'] },
      ],
      ...(v.pack === undefined ? {} : { pack: v.pack }),
    }],
    training: {
      batchSize: v.batchSize ?? MLM_RECIPE.batchSize, lr: v.lr ?? MLM_RECIPE.lr, warmup: 0.06, schedule: 'linear', sampling: 'joint', weighting: 'equal', seed: 0, weightDecay: 0.01, clipGradNorm: 1,
      budgetSeconds: o.seconds, evalEverySeconds: Math.min(v.evalEverySeconds ?? 150, o.seconds), earlyStopping: { patience: 0, metric: 'mean' },
    },
    device: o.mtl.device, threads: o.mtl.threads,
  };
}

const describeVariant = (v: MaskedLmVariant): string =>
  [v.pack ? 'packed rows' : '', v.batchSize ? `batch ${v.batchSize}` : '', v.lr ? `lr ${v.lr}` : ''].filter(Boolean).join(', ') || `the recipe (batch ${MLM_RECIPE.batchSize}, lr ${MLM_RECIPE.lr})`;

/** `--mlm-only`: the masked-LM arm alone (a variant of it), scored on its held-out texts. */
export async function maskedLmPilot(o: Pick<PretrainBenchOptions, 'runs' | 'shared' | 'mtl' | 'log'> & { seconds: number; variant: MaskedLmVariant }): Promise<{ table: string[]; run: number; steps: number; tokens: number; perplexity: number; accuracy: number }> {
  o.log(`masked LM alone for ${o.seconds} s: ${describeVariant(o.variant)}`);
  const row = await o.runs.start((await o.runs.create(maskedLmConfig(o), { acceptBadRows: true })).id);
  // the last evaluation, not the best checkpoint's: a pilot compares where each variant ends up
  const last = (task: string, name: string) => o.runs.runs.metrics(row.id, { split: 'validation', task, name }).at(-1)?.value ?? NaN;
  const tokens = o.runs.runs.metrics(row.id, { split: 'train', task: '', name: 'tokens' }).at(-1)?.value ?? NaN;
  const r = { run: row.id, steps: row.step, tokens, perplexity: last('mlm', 'perplexity'), accuracy: last('mlm', 'accuracy') };
  const table = [
    '| masked-LM variant | steps | real tokens | held-out perplexity | masked-token accuracy |', '|---|---|---|---|---|',
    `| ${describeVariant(o.variant)} | ${r.steps} | ${(r.tokens / 1e6).toFixed(2)} M | ${r.perplexity.toFixed(1)} | ${pct(r.accuracy, 1)} % |`,
  ];
  return { ...r, table };
}

const trainSeconds = (runs: RunService, id: number): number => runs.runs.metrics(id, { split: 'train', task: '', name: 'train_seconds' }).at(-1)?.value ?? NaN;

export async function pretrainBench(o: PretrainBenchOptions): Promise<{ arms: Arm[]; table: string[]; pretrainRun: { perplexity: number; steps: number; texts: number } }> {
  const withBudget = (seconds: number) => ({ ...o.mtl.training, budgetSeconds: seconds, evalEverySeconds: Math.min(o.evalEvery, seconds) });
  const arms: Arm[] = [];

  const scratchConfig = { ...o.mtl, name: 'mtl from scratch', training: withBudget(o.total) };
  // a reused masked LM and the budget split are checked before anything trains
  const reused = o.pretrainRun === undefined ? undefined : reusedMaskedLm(o, o.pretrainRun);
  const preBudget = reused?.seconds ?? o.pretrain;
  const fineBudget = o.amortised ? o.total : o.total - preBudget;
  if (fineBudget <= 0) throw new Error(`the masked LM's ${preBudget} s leave no fine-tuning time in a total budget of ${o.total} s`);
  let scratch: RunRow;
  if (o.scratchRun === undefined) {
    o.log(`scratch arm: multi-task for ${o.total} s`);
    scratch = await o.runs.start((await o.runs.create(scratchConfig, { acceptBadRows: true })).id);
  } else {
    scratch = checkReused(o.runs.runs.getRun(o.scratchRun), '--scratch-run', scratchConfig);
    o.log(`scratch arm: run ${scratch.id} of an earlier invocation (multi-task for ${o.total} s)`);
  }
  arms.push({ name: `scratch (multi-task ${o.total} s)`, dev: devScores(summaryOf(scratch)), steps: scratch.step, seconds: trainSeconds(o.runs, scratch.id), runs: [scratch.id] });

  let pre: RunRow;
  if (reused === undefined) {
    o.log(`pretrain arm: masked LM for ${preBudget} s`);
    pre = await o.runs.start((await o.runs.create(maskedLmConfig({ shared: o.shared, mtl: o.mtl, seconds: preBudget }), { acceptBadRows: true })).id);
  } else {
    pre = reused.row;
    o.log(`pretrain arm: masked LM run ${pre.id} of an earlier invocation (${preBudget} s)`);
  }
  const preSummary = summaryOf(pre).tasks.mlm!;
  const plan = pre.plan as RunPlan;
  o.log(`pretrain arm: multi-task for ${fineBudget} s from run ${pre.id}`);
  const fine = await o.runs.start((await o.runs.create({ ...o.mtl, name: 'mtl from pre-training', backbone: { ...o.mtl.backbone, from: `run:${pre.id}` }, training: { ...withBudget(fineBudget), ...(o.finetuneLr ? { lr: o.finetuneLr } : {}) } }, { acceptBadRows: true })).id);
  arms.push({ name: `pretrain (masked LM ${preBudget} s${o.amortised ? ', already paid' : ''} + multi-task ${fineBudget} s${o.finetuneLr ? `, fine-tuning lr ${o.finetuneLr}` : ''})`, dev: devScores(summaryOf(fine)), steps: fine.step, seconds: trainSeconds(o.runs, pre.id) + trainSeconds(o.runs, fine.id), runs: [pre.id, fine.id] });

  const [a, b] = arms as [Arm, Arm];
  const table = [
    o.amortised
      ? `Masked-LM pre-training vs none, the same fine-tuning budget (${o.total} s) with the pre-training not counted (amortised), dev splits, best checkpoint`
      : `Masked-LM pre-training vs none, same total training budget (${o.total} s), dev splits, best checkpoint`,
    `| task / metric | ${a.name} | ${b.name} | Δ |`, '|---|---|---|---|',
    ...METRICS.map((t) => `| ${METRIC[t].label} | ${pct(a.dev[t])} | ${pct(b.dev[t])} | ${delta(b.dev[t], a.dev[t])} |`),
    '',
    `pre-training: ${pre.step} steps on ${plan.tasks[0]!.split.trainCount} texts, held-out perplexity ${preSummary.perplexity!.toFixed(2)}, masked-token accuracy ${pct(preSummary.accuracy)}`,
    ...arms.map((x) => `${x.name}: ${x.seconds.toFixed(0)} s of training in runs ${x.runs.join(' + ')}`),
    '', ...atMatchingSteps(o.runs, scratch.id, fine.id),
  ];
  return { arms, table, pretrainRun: { perplexity: preSummary.perplexity!, steps: pre.step, texts: plan.tasks[0]!.split.trainCount } };
}

/** Dev metric of every task at each evaluation of a run, by step. */
function devCurve(runs: RunService, id: number): Map<number, Scores> {
  const curve = new Map<number, Scores>();
  for (const t of METRICS)
    for (const p of runs.runs.metrics(id, { split: 'validation', task: t, name: METRIC[t].key })) curve.set(p.step, { ...curve.get(p.step), [t]: p.value });
  return curve;
}

/**
 * Both arms' dev metrics at matching fine-tuning steps: each evaluation of the pretrain arm's fine-tuning beside the
 * scratch arm's evaluation nearest in steps (within a tenth). What the pre-training is worth at a given number of
 * updates, whatever it cost; the scratch arm's learning rate is mid-schedule there unless its run ended.
 */
function atMatchingSteps(runs: RunService, scratchId: number, fineId: number): string[] {
  const scratch = [...devCurve(runs, scratchId)];
  const fmt = (m: Scores) => METRICS.map((t) => pct(m[t], 1)).join(' / ');
  const rows: string[] = [];
  for (const [step, m] of devCurve(runs, fineId)) {
    const near = scratch.reduce<[number, Scores] | undefined>((best, s) => (!best || Math.abs(s[0] - step) < Math.abs(best[0] - step) ? s : best), undefined);
    if (near && Math.abs(near[0] - step) <= step / 10) rows.push(`| ${step} / ${near[0]} | ${fmt(near[1])} | ${fmt(m)} |`);
  }
  if (!rows.length) return ['no evaluations of the two arms at matching fine-tuning steps'];
  return [`At matching fine-tuning steps (dev ${METRICS.map((t) => METRIC[t].label).join(' / ')}):`,
    '| steps (pretrain arm / scratch arm) | scratch | from the masked LM |', '|---|---|---|', ...rows];
}
