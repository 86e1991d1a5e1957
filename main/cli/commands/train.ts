// `chorus train --config run.json [--baselines]`: validate, train to the end (progress on stderr), print results.
import { readFileSync } from 'node:fs';
import type { Command } from '../command';
import { boolFlag, stringFlag } from '../args';
import { UsageError } from '../command';
import { ConfigError } from '../../training/config';
import type { RunRow } from '../../store/runs';
import { progressPrinter, withRuns, formatMetrics } from './runs-shared';

const resultOf = (r: RunRow) => {
  const s = (r.summary ?? {}) as { tasks?: Record<string, Record<string, unknown>>; stopReason?: string; bestStep?: number | null };
  return { id: r.id, name: r.name, status: r.status, step: r.step, error: r.error ?? undefined, stopReason: s.stopReason, bestStep: s.bestStep, metrics: s.tasks ?? {} };
};

export const trainCommand: Command = {
  name: 'train',
  summary: 'train a multi-task run from a config file (progress on stderr)',
  usage: `Usage: chorus train --config run.json [--baselines] [--yes] [--db PATH] [--json]

Validates the config (every error names its field), imports datasets given as file paths, trains in a separate
process until the end, then prints each task's dev metrics of the best checkpoint. --baselines also trains every
task alone with the same budget. --yes imports files with bad rows, leaving those rows out.
--json prints { id, name, status, metrics: { task: {...} }, baselines: [...] } on stdout.`,
  booleanFlags: ['baselines', 'yes'],
  async run(args, ctx) {
    const file = stringFlag(args, 'config');
    if (!file) throw new UsageError('needs --config FILE (a run configuration in JSON)');
    let input: unknown;
    try { input = JSON.parse(readFileSync(file, 'utf8')); } catch (e) { throw new UsageError(`cannot read ${file}: ${(e as Error).message}`); }
    return withRuns(ctx.dbPath, async (runs) => {
      const off = runs.on(progressPrinter((s) => ctx.stderr.write(s))); // from create on: it reports rows an import left out
      let run: RunRow;
      try {
        run = await runs.create(input, { acceptBadRows: boolFlag(args, 'yes'), baselines: boolFlag(args, 'baselines') });
      } catch (e) {
        off();
        if (e instanceof ConfigError) { ctx.stderr.write(`${file}: ${e.message}\n`); return 2; }
        throw e;
      }
      const onSignal = () => runs.stop(run.id);
      process.once('SIGINT', onSignal);
      try {
        ctx.stderr.write(`run ${run.id} '${run.name}' started\n`);
        const done = await runs.start(run.id);
        const baselines = await runs.baselinesSettled(run.id); // started by the service once the run completed
        const out = { ...resultOf(done), baselines: baselines.map((b) => ({ task: b.baselineTask, ...resultOf(b) })) };
        if (ctx.json) ctx.stdout.write(JSON.stringify(out, null, 2) + '\n');
        else {
          ctx.stdout.write(`run ${done.id} ${done.status}${done.error ? `: ${done.error}` : ''}\n`);
          for (const [task, m] of Object.entries(out.metrics)) ctx.stdout.write(`  ${task}: ${formatMetrics(m)}\n`);
          for (const b of out.baselines) for (const [task, m] of Object.entries(b.metrics)) ctx.stdout.write(`  ${task} alone (run ${b.id}): ${formatMetrics(m)}\n`);
        }
        return done.status === 'completed' ? 0 : 1;
      } finally {
        process.off('SIGINT', onSignal);
        off();
      }
    });
  },
};
