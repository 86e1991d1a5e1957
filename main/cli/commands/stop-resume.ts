// `chorus stop ID` and `chorus resume ID`: checkpoint-and-stop a running run; continue a stopped or crashed one.
import type { Command } from '../command';
import { formatMetrics, progressPrinter, runIdArg, withRuns } from './runs-shared';

export const stopCommand: Command = {
  name: 'stop',
  summary: 'stop a running run (it writes a checkpoint first)',
  usage: 'Usage: chorus stop ID [--db PATH] [--json]',
  async run(args, ctx) {
    const id = runIdArg(args);
    await withRuns(ctx.dbPath, (runs) => runs.stop(id));
    ctx.stdout.write(ctx.json ? JSON.stringify({ id, stopping: true }) + '\n' : `run ${id}: stop requested\n`);
    return 0;
  },
};

export const resumeCommand: Command = {
  name: 'resume',
  summary: 'continue a stopped, interrupted or failed run from its last checkpoint, to the end',
  usage: `Usage: chorus resume ID [--db PATH] [--json]

Continues from the newest checkpoint with the same data order and random state, so the result equals an
uninterrupted run. --json prints { id, status, metrics } like chorus train.`,
  async run(args, ctx) {
    const id = runIdArg(args);
    return withRuns(ctx.dbPath, async (runs) => {
      const off = runs.on(progressPrinter((s) => ctx.stderr.write(s)));
      try {
        const done = await runs.resume(id);
        if (!done) return 0;
        await runs.baselinesSettled(id);
        const s = (done.summary ?? {}) as { tasks?: Record<string, Record<string, unknown>> };
        if (ctx.json) ctx.stdout.write(JSON.stringify({ id, status: done.status, step: done.step, error: done.error ?? undefined, metrics: s.tasks ?? {} }, null, 2) + '\n');
        else {
          ctx.stdout.write(`run ${id} ${done.status}${done.error ? `: ${done.error}` : ''}\n`);
          for (const [t, m] of Object.entries(s.tasks ?? {})) ctx.stdout.write(`  ${t}: ${formatMetrics(m)}\n`);
        }
        return done.status === 'completed' ? 0 : 1;
      } finally {
        off();
      }
    });
  },
};
