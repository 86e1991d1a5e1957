// `chorus datasets`: list the imported datasets.
import { UsageError, type Command, type ParsedArgs } from '../command';
import { openStore } from '../../store/index';
import { DatasetService } from '../../data/dataset-service';
import type { DatasetSummary } from '../../data/types';

/** Opens the database at dbPath, runs fn with a DatasetService, and closes it. */
export async function withDatasets<T>(dbPath: string, fn: (svc: DatasetService) => T | Promise<T>): Promise<T> {
  const store = openStore(dbPath);
  try {
    return await fn(new DatasetService(store));
  } finally {
    store.close();
  }
}

/** The dataset id given as the first positional argument. */
export function datasetIdArg(args: ParsedArgs): number {
  const s = args.positionals[0];
  if (s === undefined) throw new UsageError('needs a dataset ID (see `chorus datasets`)');
  const id = Number(s);
  if (!Number.isInteger(id) || id <= 0) throw new UsageError(`dataset ID must be a positive integer, got '${s}'`);
  return id;
}

export function formatSplits(d: DatasetSummary): string {
  return Object.entries(d.splits)
    .map(([k, n]) => `${k} ${n}`)
    .join(', ');
}

export function formatSuggestion(d: DatasetSummary): string {
  const s = d.suggestion;
  const cols = [s.text, s.textPair, s.question, s.context].filter(Boolean).join(' + ');
  const target = s.label ?? s.answers;
  return s.type === 'unknown' ? `no task suggested (${s.reason})` : `${s.type}${cols ? ` on ${cols}` : ''}${target ? ` → ${target}` : ''}`;
}

export const datasetsCommand: Command = {
  name: 'datasets',
  summary: 'list imported datasets',
  usage: `Usage: chorus datasets [--db PATH] [--json]

Lists every dataset: id, name, format, rows per split and the suggested task.
--json prints an array of { id, name, format, files, splits, rowCount, columns, suggestion, sha256, createdAt }.`,
  async run(_args, ctx) {
    const list = await withDatasets(ctx.dbPath, (svc) => svc.list());
    if (ctx.json) {
      ctx.stdout.write(JSON.stringify(list, null, 2) + '\n');
      return 0;
    }
    if (!list.length) {
      ctx.stdout.write('no datasets yet; import one with `chorus import FILE`\n');
      return 0;
    }
    for (const d of list) ctx.stdout.write(`${String(d.id).padStart(4)}  ${d.name}  (${d.format}; ${formatSplits(d)})  ${formatSuggestion(d)}\n`);
    return 0;
  },
};
