// `npm run bench:quality`: Chorus on the PyTorch quality anchor's recipe (shared/reference/quality): H256 L4 from
// scratch on SST-2, TREC-6 and CoNLL-2003, jointly and each task alone, with the same training-time budget, then
// the same table as the reference's RESULTS.md with PyTorch's numbers beside Chorus's.
//
//   npm run bench:quality [-- --budget 450 --eval 75 --db PATH --runs mtl,sst2,trec,conll --json]
//   npm run bench:quality -- --steps 644 --eval-steps 120 --runs mtl   # PyTorch's step count instead of its time
//                                                                     # budget: same-steps fidelity, speed aside
//   npm run bench:quality -- --pretrain [--budget 3600 --pretrain-budget 2400 --eval 300 --finetune-lr X --scratch-run ID]
//                                      # masked-LM first, vs none, same total budget (quality-pretrain.ts); about 2 h
//   npm run bench:quality -- --pretrain --pretrain-run ID [--amortised]   # the masked LM of an earlier --mlm-only run
//
// PyTorch's side is read from shared/reference/quality/results/*.json (measured on this machine kind); rerun it
// with the commands in that folder's RESULTS.md when this machine's speed differs.
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { boolFlag, intFlag, parseArgs, positiveFlag, stringFlag } from '../../main/cli/args';
import { UsageError } from '../../main/cli/command';
import { openStore } from '../../main/store';
import { DatasetService } from '../../main/data/dataset-service';
import { RunService } from '../../main/training/run-service';
import type { RunRow } from '../../main/store/runs';
import type { RunPlan } from '../../main/training/trainer';
import { maskedLmPilot, pretrainBench } from './quality-pretrain';
import { METRIC, METRICS, delta, devScores, pct, summaryOf, type Metric, type Scores } from './quality-metrics';

const args = parseArgs(process.argv.slice(2), ['json', 'pretrain', 'mlm-only', 'pack', 'amortised']);
if (args.flags['pretrain-run'] !== undefined && args.flags['pretrain-budget'] !== undefined)
  throw new UsageError('--pretrain-budget with --pretrain-run: the reused masked LM ran for its own budget');
/** --pretrain compares two arms at a total budget big enough to tell them apart (the measured bar in README). */
const pretrainBar = boolFlag(args, 'pretrain') && !boolFlag(args, 'mlm-only');
const budget = intFlag(args, 'budget', pretrainBar ? 3600 : 450);
const evalEvery = intFlag(args, 'eval', pretrainBar ? Math.max(1, Math.round(budget / 12)) : 75);
const shared = resolve(stringFlag(args, 'shared') ?? '../shared');
const dbPath = stringFlag(args, 'db') ?? join(mkdtempSync(join(tmpdir(), 'chorus-quality-')), 'chorus.db');
const wanted = (stringFlag(args, 'runs') ?? 'mtl,sst2,trec,conll').split(',');
const fixedSteps = intFlag(args, 'steps', 0);
const evalSteps = intFlag(args, 'eval-steps', 0);
const ds = (p: string) => join(shared, 'datasets', p);

const TASKS = {
  sst2: { name: 'sst2', type: 'classification', dataset: ds('sst2/train.tsv'), validation: ds('sst2/dev.tsv'), text: 'sentence', label: 'label', maxLength: 64 },
  // the reference's TREC dev split: a mulberry32(1234) shuffle, first 10 % (Chorus's unstratified held-out split is the same draw)
  trec: { name: 'trec', type: 'classification', dataset: ds('trec/train_5500.label'), labelMap: { type: 'prefix', separator: ':' }, maxLength: 64, heldOut: { fraction: 0.1, seed: 1234, stratified: false } },
  conll: { name: 'conll', type: 'token-classification', dataset: ds('conll2003/train.txt'), validation: ds('conll2003/dev.txt'), maxLength: 128 },
} as const satisfies Record<Metric, unknown>;

const config = {
  name: 'quality anchor (mtl)',
  backbone: { from: 'scratch', hidden: 256, layers: 4, heads: 4, intermediate: 1024, maxLength: 128, dropout: 0.1, tokenizer: { type: 'wordpiece', vocabSize: 8000 } },
  tasks: Object.values(TASKS),
  training: {
    batchSize: 32, lr: 5e-4, warmup: 0.1, schedule: 'linear', sampling: 'joint', weighting: 'equal', seed: 0,
    weightDecay: 0.01, clipGradNorm: 1, validationFraction: 0.1,
    ...(fixedSteps ? { steps: fixedSteps, evalEvery: evalSteps || Math.ceil(fixedSteps / 6) } : { budgetSeconds: budget, evalEverySeconds: evalEvery }),
    earlyStopping: { patience: 0, metric: 'mean' },
  },
  device: 'cpu', threads: 2,
};

interface Result { run: string; dev: Scores; steps: number; trainSeconds: number; plannedSteps: number; stop: string; tokensPerSecond?: number }

function pytorch(run: string): Result | null {
  const f = join(shared, 'reference', 'quality', 'results', `${run}.json`);
  if (!existsSync(f)) return null;
  const r = JSON.parse(readFileSync(f, 'utf8'));
  return { run, dev: r.best.dev, steps: r.steps_done, trainSeconds: r.train_s, plannedSteps: r.schedule_steps, stop: r.stop_reason, tokensPerSecond: r.real_tokens_per_s };
}

function chorus(run: string, row: RunRow, runs: RunService): Result {
  const summary = summaryOf(row, `run ${row.id} (${run})`);
  const last = (name: string) => runs.runs.metrics(row.id, { split: 'train', task: '', name }).at(-1)?.value;
  const tokens = last('tokens'), seconds = last('train_seconds');
  return {
    run, steps: row.step, plannedSteps: (row.plan as RunPlan).totalSteps, stop: summary.stopReason, trainSeconds: seconds ?? NaN,
    tokensPerSecond: tokens !== undefined && seconds ? tokens / seconds : undefined,
    dev: devScores(summary),
  };
}

async function main(): Promise<void> {
  const store = openStore(dbPath);
  const runs = new RunService(store, new DatasetService(store));
  runs.on((e) => {
    if (e.type === 'evaluation') process.stderr.write(`[run ${e.runId}] eval @${e.evaluation.step}: ${e.evaluation.results.map((r) => `${r.task} ${(r.primary * 100).toFixed(2)}`).join(' ')}${e.evaluation.isBest ? ' *' : ''}\n`);
    else if (e.type === 'log' || e.type === 'status') process.stderr.write(`[run ${e.runId}] ${e.type === 'log' ? e.message : e.status + (e.error ? `: ${e.error}` : '')}\n`);
  });
  if (boolFlag(args, 'pretrain')) {
    try {
      const log = (m: string) => process.stderr.write(m + '\n');
      const r = boolFlag(args, 'mlm-only')
        ? await maskedLmPilot({
          runs, shared, mtl: config, seconds: intFlag(args, 'pretrain-budget', 300), log,
          variant: { ...(boolFlag(args, 'pack') ? { pack: true } : {}), batchSize: intFlag(args, 'mlm-batch', 0) || undefined, lr: positiveFlag(args, 'mlm-lr'), evalEverySeconds: evalEvery },
        })
        : await pretrainBench({
          runs, shared, mtl: config, total: budget, pretrain: intFlag(args, 'pretrain-budget', Math.round((budget * 2) / 3)), evalEvery, log,
          finetuneLr: positiveFlag(args, 'finetune-lr'), scratchRun: intFlag(args, 'scratch-run', 0) || undefined,
          pretrainRun: intFlag(args, 'pretrain-run', 0) || undefined, amortised: boolFlag(args, 'amortised'),
        });
      process.stdout.write((boolFlag(args, 'json') ? JSON.stringify(r, null, 2) : r.table.join('\n')) + '\n');
      const out = stringFlag(args, 'out');
      if (out) writeFileSync(out, JSON.stringify(r, null, 2));
    } finally {
      store.close();
    }
    return;
  }
  const results: Result[] = [];
  try {
    const mtl = await runs.create(config);
    process.stderr.write(`database ${dbPath}; mtl run ${mtl.id}\n`);
    const mtlDone = wanted.includes('mtl') ? await runs.start(mtl.id) : null;
    if (mtlDone) results.push(chorus('mtl', mtlDone, runs));
    for (const b of runs.createBaselines(mtlDone ?? mtl)) {
      if (!wanted.includes(b.baselineTask!)) continue;
      if (!mtlDone) throw new Error('single-task runs share the multi-task run\'s vocabulary: include mtl in --runs');
      results.push(chorus(b.baselineTask!, await runs.start(b.id), runs));
    }
  } finally {
    store.close();
  }
  const ref = Object.fromEntries(['mtl', 'sst2', 'trec', 'conll'].map((r) => [r, pytorch(r)]));
  const byRun = Object.fromEntries(results.map((r) => [r.run, r]));
  const lines = [
    `Chorus vs PyTorch, same recipe, ${fixedSteps ? `${fixedSteps} steps` : `${budget} s training budget`}, dev splits, best checkpoint`,
    '| task / metric | Chorus multi-task | PyTorch multi-task | Δ | Chorus single-task | PyTorch single-task | Δ |',
    '|---|---|---|---|---|---|---|',
    ...METRICS.map((t) => {
      const cm = byRun.mtl?.dev[t], pm = ref.mtl?.dev[t], cs = byRun[t]?.dev[t], ps = ref[t]?.dev[t];
      return `| ${METRIC[t].label} | ${pct(cm)} | ${pct(pm)} | ${delta(cm, pm)} | ${pct(cs)} | ${pct(ps)} | ${delta(cs, ps)} |`;
    }),
    '',
    ...results.map((r) => `chorus ${r.run}: ${r.steps} of ${r.plannedSteps} planned steps in ${r.trainSeconds.toFixed(0)} s of training, stop: ${r.stop}, ${Math.round(r.tokensPerSecond ?? 0)} real tok/s` +
      (ref[r.run] ? ` | pytorch: ${ref[r.run]!.steps} of ${ref[r.run]!.plannedSteps} steps, ${Math.round(ref[r.run]!.tokensPerSecond ?? 0)} real tok/s` : '')),
  ];
  if (boolFlag(args, 'json')) process.stdout.write(JSON.stringify({ budget, chorus: results, pytorch: ref }, null, 2) + '\n');
  else process.stdout.write(lines.join('\n') + '\n');
  const out = stringFlag(args, 'out');
  if (out) writeFileSync(out, JSON.stringify({ budget, chorus: results, pytorch: ref, table: lines }, null, 2));
}

main().catch((e) => {
  process.stderr.write(`${(e as Error).stack ?? e}\n`);
  process.exit(1);
});
