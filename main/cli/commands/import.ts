// `chorus import FILE…`: import data files into datasets.
import { stat } from 'node:fs/promises';
import { UsageError, type Command } from '../command';
import { stringFlag } from '../args';
import { LEGACY_ENCODINGS, type LegacyEncoding } from '../../data/importers/text';
import { DATASET_FORMATS, type DatasetFormat, type ImportProgress } from '../../data/types';
import { describeIssue } from '../../data/dataset-service';
import { formatSplits, formatSuggestion, withDatasets } from './datasets';

/** Files at least this big report progress on stderr. */
const PROGRESS_BYTES = 32 << 20;
const MAX_ISSUES_SHOWN = 10;

export const importCommand: Command = {
  name: 'import',
  summary: 'import data files (CSV, TSV, JSON, JSONL, CoNLL, SQuAD, Parquet, label-prefixed lines) as datasets',
  usage: `Usage: chorus import FILE… [--name NAME] [--format auto|${DATASET_FORMATS.join('|')}] [--split NAME] [--encoding ENC] [--yes] [--db PATH] [--json]

Files whose names differ only by a split word (train/dev/validation/test), given together, become one dataset
with those splits. The format is detected from the content unless --format is given.
  --yes     import the good rows of files that have bad rows (the bad ones are reported)
  --split   split name for every file (default: from the file name, else train)
  --encoding  for text that is not UTF-8/UTF-16: ${LEGACY_ENCODINGS.join(', ')} (e.g. gb18030 for Chinese GBK files)
Exits non-zero when any file is refused; the reason, with file and line, is on stderr.`,
  booleanFlags: ['yes'],
  async run(args, ctx) {
    if (!args.positionals.length) throw new UsageError('needs at least one FILE');
    const format = stringFlag(args, 'format') ?? 'auto';
    if (format !== 'auto' && !(DATASET_FORMATS as readonly string[]).includes(format))
      throw new UsageError(`--format must be auto or one of ${DATASET_FORMATS.join(', ')}, got '${format}'`);
    const encoding = stringFlag(args, 'encoding')?.toLowerCase();
    if (encoding !== undefined && !(LEGACY_ENCODINGS as readonly string[]).includes(encoding))
      throw new UsageError(`--encoding must be one of ${LEGACY_ENCODINGS.join(', ')} (UTF-8 and UTF-16 with a BOM are detected), got '${encoding}'`);
    let big = false;
    for (const p of args.positionals) big ||= ((await stat(p).catch(() => undefined))?.size ?? 0) >= PROGRESS_BYTES;
    let last = 0;
    const onProgress = (p: ImportProgress) => {
      const now = Date.now();
      if (!big || (now - last < 1000 && p.bytesRead < p.totalBytes)) return;
      last = now;
      const pct = p.totalBytes ? Math.floor((100 * p.bytesRead) / p.totalBytes) : 100;
      ctx.stderr.write(`${p.file}: ${pct}% (${p.rows.toLocaleString('en')} rows)\n`);
    };
    const results = await withDatasets(ctx.dbPath, (svc) =>
      svc.importFiles(
        args.positionals,
        {
          name: stringFlag(args, 'name'),
          format: format as DatasetFormat | 'auto',
          split: stringFlag(args, 'split'),
          acceptBadRows: args.flags.yes === true,
          encoding: encoding as LegacyEncoding | undefined,
        },
        onProgress,
      ),
    );
    if (ctx.json) ctx.stdout.write(JSON.stringify(results, null, 2) + '\n');
    let failed = 0;
    for (const r of results) {
      if (r.ok) {
        const d = r.dataset;
        if (!ctx.json) ctx.stdout.write(`imported dataset ${d.id} '${d.name}' (${d.format}; ${formatSplits(d)}): ${formatSuggestion(d)}\n`);
        if (r.badRows) {
          ctx.stderr.write(`chorus import: skipped ${r.badRows} bad row${r.badRows === 1 ? '' : 's'} in ${d.files.join(', ')}\n`);
          for (const i of r.issues.slice(0, MAX_ISSUES_SHOWN)) ctx.stderr.write(`  ${describeIssue(i)}\n`);
        }
      } else {
        failed++;
        ctx.stderr.write(`chorus import: ${r.error}\n`);
        if (r.issues.length > 1) for (const i of r.issues.slice(0, MAX_ISSUES_SHOWN)) ctx.stderr.write(`  ${describeIssue(i)}\n`);
        if (r.issues.length > MAX_ISSUES_SHOWN) ctx.stderr.write(`  … and ${r.issues.length - MAX_ISSUES_SHOWN} more\n`);
      }
    }
    return failed ? 1 : 0;
  },
};
