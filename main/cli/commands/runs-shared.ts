// What the run commands share: opening the services, the run id argument, and printing progress and metrics.
import { openStore } from '../../store';
import { DatasetService } from '../../data/dataset-service';
import { RunService } from '../../training/run-service';
import type { RunEvent } from '../../training/run-service';
import { UsageError, type ParsedArgs } from '../command';

export async function withRuns<T>(dbPath: string, fn: (runs: RunService, datasets: DatasetService) => T | Promise<T>): Promise<T> {
  const store = openStore(dbPath);
  try {
    const datasets = new DatasetService(store);
    const runs = new RunService(store, datasets);
    runs.recover();
    return await fn(runs, datasets);
  } finally {
    store.close();
  }
}

export function runIdArg(args: ParsedArgs): number {
  const s = args.positionals[0];
  if (s === undefined) throw new UsageError('needs a run ID (see `chorus runs`)');
  const id = Number(s);
  if (!Number.isInteger(id) || id <= 0) throw new UsageError(`run ID must be a positive integer, got '${s}'`);
  return id;
}

const pct = (x: unknown) => (typeof x === 'number' ? (x * 100).toFixed(2) : '—');

/** The headline numbers of a task's metrics, for one line of text. */
export function formatMetrics(m: Record<string, unknown>): string {
  const parts: string[] = [];
  for (const [k, label] of [['accuracy', 'acc'], ['macroF1', 'macro-F1'], ['f1', 'F1'], ['precision', 'P'], ['recall', 'R'], ['exact_match', 'EM'], ['pearson', 'pearson'], ['spearman', 'spearman']] as const)
    if (typeof m[k] === 'number') parts.push(`${label} ${k === 'pearson' || k === 'spearman' ? (m[k] as number).toFixed(4) : pct(m[k])}`);
  if (typeof m.mse === 'number') parts.push(`mse ${(m.mse as number).toFixed(4)}`);
  if (typeof m.perplexity === 'number') parts.push(`perplexity ${(m.perplexity as number).toFixed(2)}`);
  for (const k of ['rouge1', 'rouge2', 'rougeL'] as const) if (typeof m[k] === 'number') parts.push(`${k.replace('rouge', 'ROUGE-')} ${pct(m[k])}`);
  return parts.join(' ');
}

/** Progress printer for stderr: one line per report and per evaluation. */
export function progressPrinter(write: (s: string) => void): (e: RunEvent) => void {
  return (e) => {
    if (e.type === 'log') write(`[run ${e.runId}] ${e.message}\n`);
    else if (e.type === 'progress') {
      const p = e.progress;
      const losses = Object.entries(p.taskLosses).map(([t, l]) => `${t}=${l.toFixed(3)}`).join(' ');
      write(`[run ${e.runId}] step ${p.step}/${p.totalSteps} lr ${p.lr.toExponential(2)} loss ${losses} | ${Math.round(p.tokensPerSecond)} tok/s | eta ${Math.round(p.etaSeconds)}s\n`);
    } else if (e.type === 'evaluation') {
      const v = e.evaluation;
      write(`[run ${e.runId}] eval @${v.step}: ${v.results.map((r) => `${r.task} ${(r.primary * 100).toFixed(2)}`).join(' ')} mean ${(v.mean * 100).toFixed(2)}${v.isBest ? ' *' : ''}\n`);
    } else if (e.type === 'status') write(`[run ${e.runId}] ${e.status}${e.error ? `: ${e.error}` : ''}\n`);
  };
}
