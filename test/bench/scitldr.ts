// `npm run bench:scitldr`: summarisation (SciTLDR-A: abstract → one-sentence TLDR) trained jointly with SST-2 from
// scratch within a training-time budget, then ROUGE-1/2/L F1 on SciTLDR's dev split (every reference; rouge-score's
// tokenisation, no stemming) for greedy and beam decoding, beside the lead-sentence baseline (the abstract's first
// sentence as the summary).
//
//   npm run bench:scitldr [-- --budget 600 --eval 150 --beams 4 --shared ../shared --db PATH --json]
//   npm run bench:scitldr -- --steps 800 --eval-steps 200   # a step count instead of a time budget (busy machines)
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { boolFlag, intFlag, parseArgs, stringFlag } from '../../main/cli/args';
import { openStore } from '../../main/store';
import { DatasetService } from '../../main/data/dataset-service';
import { RunService } from '../../main/training/run-service';
import { RunModel } from '../../main/training/inference';
import { rougeScores, type RougeMetrics } from '../../main/training/metrics';

const args = parseArgs(process.argv.slice(2), ['json']);
const budget = intFlag(args, 'budget', 600);
const evalEvery = intFlag(args, 'eval', 150);
const beams = intFlag(args, 'beams', 4);
const steps = intFlag(args, 'steps', 0);
const evalSteps = intFlag(args, 'eval-steps', 0);
const shared = resolve(stringFlag(args, 'shared') ?? '../shared');
const dbPath = stringFlag(args, 'db') ?? join(mkdtempSync(join(tmpdir(), 'chorus-scitldr-')), 'chorus.db');
const ds = (p: string) => join(shared, 'datasets', p);

const config = {
  name: 'SciTLDR + SST-2',
  backbone: { hidden: 256, layers: 4, heads: 4, intermediate: 1024, maxLength: 256, dropout: 0.1, tokenizer: { vocabSize: 8000 } },
  tasks: [
    { name: 'tldr', type: 'generation', dataset: ds('scitldr/train.jsonl'), validation: ds('scitldr/dev.jsonl'), source: 'source', target: 'target', maxTargetLength: 48, maxLength: 256, decoder: { layers: 2 } },
    { name: 'sst2', type: 'classification', dataset: ds('sst2/train.tsv'), validation: ds('sst2/dev.tsv'), text: 'sentence', label: 'label', maxLength: 64 },
  ],
  training: {
    batchSize: 16, lr: 5e-4, warmup: 0.1, schedule: 'linear', sampling: 'joint', weighting: 'equal', seed: 0,
    ...(steps ? { steps, evalEvery: evalSteps || Math.ceil(steps / 4) } : { budgetSeconds: budget, evalEverySeconds: evalEvery }),
    evalBatchSize: 64, earlyStopping: { patience: 0, metric: 'tldr' },
  },
  device: 'cpu', threads: 2,
};

const pct = (x: number) => (x * 100).toFixed(2);
const row = (name: string, m: RougeMetrics) => `| ${name} | ${pct(m.rouge1)} | ${pct(m.rouge2)} | ${pct(m.rougeL)} |`;

async function main(): Promise<void> {
  const dev = readFileSync(ds('scitldr/dev.jsonl'), 'utf8').split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l) as { source: string[]; target: string[] });
  const lead = rougeScores(dev.map((d) => d.source[0] ?? ''), dev.map((d) => d.target));
  const store = openStore(dbPath);
  const runs = new RunService(store, new DatasetService(store));
  runs.on((e) => {
    if (e.type === 'evaluation') process.stderr.write(`[run ${e.runId}] eval @${e.evaluation.step}: ${e.evaluation.results.map((r) => `${r.task} ${pct(r.primary)}`).join(' ')}${e.evaluation.isBest ? ' *' : ''}\n`);
    else if (e.type === 'log' || e.type === 'status') process.stderr.write(`[run ${e.runId}] ${e.type === 'log' ? e.message : e.status + (e.error ? `: ${e.error}` : '')}\n`);
  });
  try {
    const done = await runs.start((await runs.create(config, { acceptBadRows: true })).id);
    if (done.status !== 'completed') throw new Error(`run ${done.id} ended ${done.status}: ${done.error}`);
    const model = RunModel.load(runs.runDir(done.id), runs.configOf(done), { threads: 2 });
    try {
      const rows = dev.map((d) => ({ source: d.source, target: d.target }));
      const greedy = (await model.evaluate('tldr', rows, undefined, { strategy: 'greedy' })).metrics as unknown as RougeMetrics;
      const beam = (await model.evaluate('tldr', rows, undefined, { strategy: 'beam', numBeams: beams, lengthPenalty: 1, noRepeatNgramSize: 3 })).metrics as unknown as RougeMetrics;
      const sst2 = (done.summary as { tasks: Record<string, Record<string, number>> }).tasks.sst2!;
      const table = [
        `SciTLDR-A dev (${dev.length} abstracts, 1–4 references each), ROUGE F1 (rouge-score tokenisation, no stemming, best reference per example)`,
        '| summariser | ROUGE-1 | ROUGE-2 | ROUGE-L |', '|---|---|---|---|',
        row('lead sentence (first sentence of the abstract)', lead),
        row(`Chorus multi-task (SciTLDR + SST-2), greedy`, greedy),
        row(`Chorus multi-task (SciTLDR + SST-2), beam ${beams}, no-repeat 3-gram`, beam),
        '',
        `run ${done.id}: ${done.step} steps${steps ? '' : ` in a ${budget} s training budget`} (H256 L4 encoder, 2-layer decoder, from scratch, batch 16 per task); SST-2 dev accuracy ${pct(sst2.accuracy!)}`,
      ];
      process.stdout.write((boolFlag(args, 'json') ? JSON.stringify({ lead, greedy, beam, sst2, steps: done.step, budget }, null, 2) : table.join('\n')) + '\n');
    } finally {
      await model.release();
    }
  } finally {
    store.close();
  }
}

main().catch((e) => {
  process.stderr.write(`${(e as Error).stack ?? e}\n`);
  process.exit(1);
});
