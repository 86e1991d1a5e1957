// `chorus eval RUN --task NAME --dataset FILE|ID` and `chorus predict RUN --text ...`: use a trained run.
import type { Command } from '../command';
import { UsageError } from '../command';
import { intFlag, stringFlag } from '../args';
import { RunModel } from '../../training/inference';
import { resolveRunConfig } from '../../training/datasets-resolve';
import { formatMetrics, runIdArg, withRuns } from './runs-shared';

export const evalCommand: Command = {
  name: 'eval',
  summary: "score a trained run's task on any dataset (e.g. a held-out test file)",
  usage: `Usage: chorus eval RUN [--task NAME] [--dataset FILE|ID] [--split NAME] [--db PATH] [--json]

Without --dataset, re-scores the run's own validation data. --json prints { task: { accuracy, f1, exact_match,
pearson, ... } } for every task evaluated.`,
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
          const e = await model.evaluate(name, datasets.rows(dsId, split), { id: dsId, name: d.name });
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

Runs the text through every task head of the run. Extractive QA reads --text as the question and needs --context.
--json prints { task: output } (label and scores, value, tags and entities, or answer).`,
  async run(args, ctx) {
    const id = runIdArg(args);
    const text = stringFlag(args, 'text');
    if (text === undefined) throw new UsageError('needs --text "..."');
    return withRuns(ctx.dbPath, async (runs) => {
      const row = runs.runs.getRun(id);
      const model = RunModel.load(runs.runDir(id), runs.configOf(row));
      try {
        const out = await model.predict({ text, textPair: stringFlag(args, 'text-pair'), context: stringFlag(args, 'context') });
        if (ctx.json) ctx.stdout.write(JSON.stringify(out, null, 2) + '\n');
        else for (const [t, o] of Object.entries(out)) ctx.stdout.write(`${t}: ${JSON.stringify(o)}\n`);
        return 0;
      } finally {
        await model.release();
      }
    });
  },
};
