// Plain text, one example per non-empty line (unlabelled text for masked-LM pre-training): rows are { text }.
import { readLines, readText } from './text';
import type { ParseContext, ParseItem } from './types';

export const TEXT_LINE_COLUMNS = ['text'] as const;

export async function* parseTextLines(ctx: ParseContext): AsyncGenerator<ParseItem[]> {
  for await (const batch of readLines(readText(ctx.path, ctx.file, ctx.sniff, ctx.signal), ctx.file)) {
    ctx.onBytes(batch.bytesRead);
    const out: ParseItem[] = [];
    batch.lines.forEach((text, li) => { if (text.trim() !== '') out.push({ data: { text }, line: batch.first + li }); });
    if (out.length) yield out;
  }
}
