// `chorus runs` and `chorus run ID`: the list of runs, and one run's status and metrics.
import type { Command } from '../command';
import { formatMetrics, runIdArg, withRuns } from './runs-shared';

export const runsCommand: Command = {
  name: 'runs',
  summary: 'list training runs',
  usage: `Usage: chorus runs [--db PATH] [--json]

One line per run: id, status, step, name; single-task baselines are listed under their run.`,
  async run(_args, ctx) {
    const list = await withRuns(ctx.dbPath, (runs) => runs.runs.listRuns());
    if (ctx.json) { ctx.stdout.write(JSON.stringify(list, null, 2) + '\n'); return 0; }
    if (!list.length) { ctx.stdout.write('no runs yet (chorus train --config run.json)\n'); return 0; }
    for (const r of list)
      ctx.stdout.write(`${r.parentId ? '  ' : ''}${r.id}\t${r.status}\tstep ${r.step}${r.totalSteps ? `/${r.totalSteps}` : ''}\t${r.name}${r.error ? `\t(${r.error})` : ''}\n`);
    return 0;
  },
};

export const runCommand: Command = {
  name: 'run',
  summary: 'show one run: status, plan and metrics',
  usage: `Usage: chorus run ID [--db PATH] [--json]

--json prints { run, evaluations, checkpoints, baselines }.`,
  async run(args, ctx) {
    const id = runIdArg(args);
    const info = await withRuns(ctx.dbPath, (runs) => ({
      run: runs.runs.getRun(id), evaluations: runs.runs.evaluations(id), checkpoints: runs.runs.checkpoints(id), baselines: runs.runs.baselinesOf(id),
    }));
    if (ctx.json) { ctx.stdout.write(JSON.stringify(info, null, 2) + '\n'); return 0; }
    const r = info.run;
    const lines = [`run ${r.id} '${r.name}': ${r.status}, step ${r.step}${r.totalSteps ? `/${r.totalSteps}` : ''}${r.error ? `\n  ${r.error}` : ''}`];
    const last = new Map<string, { step: number; result: unknown }>();
    for (const e of info.evaluations) last.set(e.task, e);
    const summary = (r.summary as { tasks?: Record<string, Record<string, unknown>>; bestStep?: number } | null);
    if (summary?.tasks) {
      lines.push(`best checkpoint (step ${summary.bestStep ?? '—'}):`);
      for (const [t, m] of Object.entries(summary.tasks)) lines.push(`  ${t}: ${formatMetrics(m)}`);
    } else for (const [t, e] of last) lines.push(`  ${t} @${e.step}: ${formatMetrics(e.result as Record<string, unknown>)}`);
    for (const b of info.baselines) lines.push(`baseline ${b.id} (${b.baselineTask} alone): ${b.status}`);
    ctx.stdout.write(lines.join('\n') + '\n');
    return 0;
  },
};
