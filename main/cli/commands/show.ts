// `chorus show ID`: one dataset's details and a page of its rows.
import type { Command } from '../command';
import { intFlag, stringFlag } from '../args';
import { datasetIdArg, formatSplits, formatSuggestion, withDatasets } from './datasets';

export const showCommand: Command = {
  name: 'show',
  summary: 'show a dataset: columns, splits, suggested task and a few rows',
  usage: `Usage: chorus show ID [--split NAME] [--offset N] [--limit N] [--db PATH] [--json]

--json prints { dataset, preview } where preview is { datasetId, split, offset, total, columns, rows }.`,
  async run(args, ctx) {
    const id = datasetIdArg(args);
    const { dataset, preview } = await withDatasets(ctx.dbPath, (svc) => {
      const dataset = svc.get(id);
      const split = stringFlag(args, 'split') ?? Object.keys(dataset.splits)[0];
      return { dataset, preview: svc.preview(id, split, intFlag(args, 'offset', 0), intFlag(args, 'limit', 5)) };
    });
    if (ctx.json) {
      ctx.stdout.write(JSON.stringify({ dataset, preview }, null, 2) + '\n');
      return 0;
    }
    const d = dataset;
    const lines = [
      `dataset ${d.id} '${d.name}' (${d.format}) from ${d.files.join(', ')}`,
      `rows: ${d.rowCount} (${formatSplits(d)})`,
      `columns: ${d.columns.map((c) => `${c.name} [${c.kind}]`).join(', ')}`,
      `suggested task: ${formatSuggestion(d)}`,
      `  ${d.suggestion.reason}`,
    ];
    if (d.suggestion.labels?.length)
      lines.push(`labels: ${d.suggestion.labels.slice(0, 20).map((l) => `${l.value} ${l.count}`).join(', ')}${d.suggestion.labels.length > 20 ? ', …' : ''}`);
    lines.push(`${preview.split} rows ${preview.offset}–${preview.offset + preview.rows.length} of ${preview.total}:`);
    for (const r of preview.rows) {
      const s = JSON.stringify(r);
      lines.push(`  ${s.length > 200 ? s.slice(0, 200) + '…' : s}`);
    }
    ctx.stdout.write(lines.join('\n') + '\n');
    return 0;
  },
};
