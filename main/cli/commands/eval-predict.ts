// `chorus eval RUN --task NAME --dataset FILE|ID` and `chorus predict RUN --text ...`: use a trained run.
import type { Command } from '../command';
import { UsageError } from '../command';
import { intFlag, stringFlag } from '../args';
import { RunModel } from '../../training/inference';
import { resolveRunConfig } from '../../training/datasets-resolve';
import { formatMetrics, runIdArg, withRuns } from './runs-shared';
import type { DecodeOverrides } from '../../training/evaluate';
import type { ParsedArgs } from '../command';

const DECODE_USAGE = `Generation heads decode as their task's \`generate\` settings say, unless overridden:
  --beams N (beam search with N beams; 1 = greedy)   --max-length N (tokens)   --length-penalty A
  --no-repeat-ngram N   --temperature T and/or --top-p P (sampling)   --seed N`;

function numberFlag(args: ParsedArgs, key: string): number | undefined {
  const v = stringFlag(args, key);
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isFinite(n)) throw new UsageError(`--${key} must be a number, got '${v}'`);
  return n;
}

/** Decoding overrides from --beams, --max-length, --temperature, --top-p, … */
export function decodeFlags(args: ParsedArgs): DecodeOverrides {
  const o: DecodeOverrides = {};
  const beams = numberFlag(args, 'beams'), maxLength = numberFlag(args, 'max-length'), temperature = numberFlag(args, 'temperature'), topP = numberFlag(args, 'top-p');
  if (beams !== undefined) Object.assign(o, beams > 1 ? { strategy: 'beam', numBeams: beams } : { strategy: 'greedy' });
  if (temperature !== undefined || topP !== undefined) Object.assign(o, { strategy: 'sample', temperature, topP });
  if (maxLength !== undefined) o.maxLength = maxLength + 1; // the end token counts in the decoder's length
  const lp = numberFlag(args, 'length-penalty'), nr = numberFlag(args, 'no-repeat-ngram'), seed = numberFlag(args, 'seed');
  if (lp !== undefined) o.lengthPenalty = lp;
  if (nr !== undefined) o.noRepeatNgramSize = nr;
  if (seed !== undefined) o.seed = seed;
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as DecodeOverrides;
}

export const evalCommand: Command = {
  name: 'eval',
  summary: "score a trained run's task on any dataset (e.g. a held-out test file)",
  usage: `Usage: chorus eval RUN [--task NAME] [--dataset FILE|ID] [--split NAME] [--db PATH] [--json]

Without --dataset, re-scores the run's own validation data. --json prints { task: { accuracy, f1, exact_match,
pearson, rouge1, ... } } for every task evaluated.
${DECODE_USAGE}`,
  async run(args, ctx) {
    const id = runIdArg(args);
    const only = stringFlag(args, 'task');
    const datasetRef = stringFlag(args, 'dataset');
    return withRuns(ctx.dbPath, async (runs, datasets) => {
      const row = runs.runs.getRun(id);
      const config = runs.configOf(row);
      const tasks = only ? [only] : config.tasks.map((t) => t.name);
      if (only && !config.tasks.some((t) => t.name === only)) throw new UsageError(`run ${id} has no task '${only}' (tasks: ${config.tasks.map((t) => t.name).join(', ')})`);
      const model = RunModel.load(runs.runDir(id), config, { threads: intFlag(args, 'threads', 0) || undefined });
      try {
        const out: Record<string, Record<string, unknown>> = {};
        for (const name of tasks) {
          const task = config.tasks.find((t) => t.name === name)!;
          let dsId: number;
          if (datasetRef) {
            const probe = await resolveRunConfig({ name: 'eval', tasks: [{ ...task, dataset: datasetRef, validation: undefined, weight: 1 }] }, datasets);
            dsId = Number(probe.config.tasks[0]!.dataset);
          } else dsId = Number(task.validation ?? task.dataset);
          const d = datasets.get(dsId);
          const names = Object.keys(d.splits);
          const split = stringFlag(args, 'split') ?? (datasetRef ? (names.includes('test') ? 'test' : names[0]!) : names.find((n) => ['validation', 'dev', 'val'].includes(n)));
          if (!split) throw new UsageError(`dataset ${dsId} has no validation split; pass --dataset FILE or --split NAME`);
          const e = await model.evaluate(name, datasets.rows(dsId, split), { id: dsId, name: d.name }, decodeFlags(args));
          out[name] = e.metrics;
        }
        if (ctx.json) ctx.stdout.write(JSON.stringify(out, null, 2) + '\n');
        else for (const [t, m] of Object.entries(out)) ctx.stdout.write(`${t}: ${formatMetrics(m)}\n`);
        return 0;
      } finally {
        await model.release();
      }
    });
  },
};

export const predictCommand: Command = {
  name: 'predict',
  summary: "every head's output for one input, side by side",
  usage: `Usage: chorus predict RUN --text "..." [--text-pair "..."] [--context "..."] [--db PATH] [--json]

Runs the text through every task head of the run. Extractive QA reads --text as the question and needs --context;
a generation head generates from --text; a masked-LM head fills in every [MASK] of --text.
--json prints { task: output } (label and scores, value, tags and entities, answer, generated text, or fills).
${DECODE_USAGE}`,
  async run(args, ctx) {
    const id = runIdArg(args);
    const text = stringFlag(args, 'text');
    if (text === undefined) throw new UsageError('needs --text "..."');
    return withRuns(ctx.dbPath, async (runs) => {
      const row = runs.runs.getRun(id);
      const model = RunModel.load(runs.runDir(id), runs.configOf(row));
      try {
        const out = await model.predict({ text, textPair: stringFlag(args, 'text-pair'), context: stringFlag(args, 'context') }, decodeFlags(args));
        if (ctx.json) ctx.stdout.write(JSON.stringify(out, null, 2) + '\n');
        else for (const [t, o] of Object.entries(out)) ctx.stdout.write(`${t}: ${'text' in o && 'finished' in o ? o.text : JSON.stringify(o)}\n`);
        return 0;
      } finally {
        await model.release();
      }
    });
  },
};
