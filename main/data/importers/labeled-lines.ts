// One example per line with the label first: `label<TAB>text` (SMS Spam), `__label__x text` (fastText),
// `COARSE:fine question` (TREC). Rows are { label, text }; fastText lines with several labels join them with ','.
import { importIssue } from '../errors';
import { readLines, readText } from './text';
import type { ParseContext, ParseItem } from './types';

export type LabelStyle = 'tab' | 'fasttext' | 'prefix';

export const LABELED_LINE_COLUMNS = ['label', 'text'] as const;

export function splitLabeled(s: string, style: LabelStyle): { label: string; text: string } | undefined {
  if (style === 'tab') {
    const t = s.indexOf('\t');
    return t > 0 ? { label: s.slice(0, t), text: s.slice(t + 1) } : undefined;
  }
  if (style === 'fasttext') {
    const labels: string[] = [];
    let rest = s;
    for (;;) {
      const m = /^__label__(\S+)\s*/.exec(rest);
      if (!m) break;
      labels.push(m[1]);
      rest = rest.slice(m[0].length);
    }
    return labels.length ? { label: labels.join(','), text: rest } : undefined;
  }
  const sp = s.indexOf(' ');
  return sp > 0 ? { label: s.slice(0, sp), text: s.slice(sp + 1) } : undefined;
}

export async function* parseLabeledLines(ctx: ParseContext, style: LabelStyle): AsyncGenerator<ParseItem[]> {
  for await (const batch of readLines(readText(ctx.path, ctx.file, ctx.sniff, ctx.signal), ctx.file)) {
    ctx.onBytes(batch.bytesRead);
    const out: ParseItem[] = [];
    for (let li = 0; li < batch.lines.length; li++) {
      const text = batch.lines[li];
      const line = batch.first + li;
      if (text.trim() === '') continue;
      const row = splitLabeled(text, style);
      if (!row) {
        const code = style === 'tab' ? 'row_no_label_tab' : style === 'fasttext' ? 'row_no_label_fasttext' : 'row_no_label_space';
        out.push({ issue: importIssue({ file: ctx.file, line }, code) });
        continue;
      }
      out.push({ data: row, line });
    }
    if (out.length) yield out;
  }
}
