// CoNLL column files: one token per line, columns separated by spaces or tabs, a blank line ends a sentence,
// `-DOCSTART-` lines separate documents. Each sentence becomes { tokens, …middle columns, tags } (tags = last column).
import { importIssue } from '../errors';
import { readLines, readText } from './text';
import type { ParseContext, ParseItem } from './types';

/** Names of the columns between tokens and tags, by column count (CoNLL-2003 has word POS chunk NER). */
function middleNames(n: number): string[] {
  if (n === 4) return ['pos', 'chunk'];
  if (n === 3) return ['pos'];
  return Array.from({ length: Math.max(0, n - 2) }, (_, i) => `col_${i + 2}`);
}

export async function* parseConll(ctx: ParseContext): AsyncGenerator<ParseItem[]> {
  const { file } = ctx;
  let width = 0;
  let cols: string[][] = [];
  let start = 0;
  let bad: { expected: number; found: number } | undefined;
  let badLine = 0;
  const out: ParseItem[] = [];
  function flush(): void {
    if (cols.length && cols[0].length) {
      if (bad) out.push({ issue: importIssue({ file, line: badLine }, 'row_column_count', bad) });
      else {
        const data: Record<string, unknown> = { tokens: cols[0] };
        middleNames(width).forEach((name, i) => (data[name] = cols[i + 1]));
        data.tags = cols[width - 1];
        out.push({ data, line: start });
      }
    }
    cols = [];
    bad = undefined;
  }
  for await (const batch of readLines(readText(ctx.path, file, ctx.sniff, ctx.signal), file)) {
    ctx.onBytes(batch.bytesRead);
    for (let li = 0; li < batch.lines.length; li++) {
      const line = batch.first + li;
      const s = batch.lines[li].trim();
      if (s === '' || s.startsWith('-DOCSTART-')) {
        flush();
        continue;
      }
      const fields = s.split(/\s+/);
      if (!width) {
        if (fields.length < 2) {
          out.push({ issue: importIssue({ file, line }, 'row_conll_too_few') });
          continue;
        }
        width = fields.length;
      }
      if (!cols.length || !cols[0].length) {
        cols = Array.from({ length: width }, () => []);
        start = line;
      }
      if (fields.length !== width) {
        if (!bad) (bad = { expected: width, found: fields.length }), (badLine = line);
        continue;
      }
      for (let i = 0; i < width; i++) cols[i].push(fields[i]);
    }
    if (out.length) yield out.splice(0);
  }
  flush();
  if (out.length) yield out;
}
