// CSV / TSV / semicolon-separated text: RFC 4180 quoting (quotes only special at the start of a field),
// embedded newlines, and a no-quoting mode for tab-separated files whose text contains bare `"`.
import { ImportError, importIssue } from '../errors';
import { readLines, readText } from './text';
import { MAX_COLUMNS, type ParseContext, type ParseItem, type TabularRows } from './types';

export interface DelimitedOptions {
  delimiter: string;
  /** Treat `"` at the start of a field as a quote. Off for TSV files whose authors meant `"` literally. */
  quoting: boolean;
  header: boolean;
}

/** Thrown in quoting mode on a tab-separated file when quotes would merge or mangle rows: read it again without quoting. */
export class QuoteRetry extends Error {
  constructor(readonly line: number) {
    super(`quote handling fails at line ${line}`);
  }
}

/** The longest a quoted field may grow across lines before the file is judged broken. */
const MAX_QUOTED_CHARS = 16 << 20;

interface Row {
  fields: string[];
  cur: string;
  inQuotes: boolean;
  startLine: number;
}

const DONE = -1;
const MORE = -2;

/** Feeds one physical line into the row; returns DONE, MORE (inside a quoted field) or the index of a bad character after a closing quote. */
function feedLine(r: Row, s: string, d: string): number {
  let i = 0;
  const n = s.length;
  if (r.inQuotes) r.cur += '\n';
  for (;;) {
    if (r.inQuotes) {
      const q = s.indexOf('"', i);
      if (q === -1) {
        r.cur += s.slice(i);
        return MORE;
      }
      r.cur += s.slice(i, q);
      if (s.charCodeAt(q + 1) === 34) {
        r.cur += '"';
        i = q + 2;
        continue;
      }
      r.inQuotes = false;
      i = q + 1;
      r.fields.push(r.cur);
      r.cur = '';
      if (i === n) return DONE;
      if (s[i] !== d) return i;
      i++;
      if (i === n) {
        r.fields.push('');
        return DONE;
      }
      continue;
    }
    if (s.charCodeAt(i) === 34) {
      r.inQuotes = true;
      i++;
      continue;
    }
    const next = s.indexOf(d, i);
    if (next === -1) {
      r.fields.push(s.slice(i));
      return DONE;
    }
    r.fields.push(s.slice(i, next));
    i = next + 1;
    if (i === n) {
      r.fields.push('');
      return DONE;
    }
  }
}

export async function* parseDelimited(ctx: ParseContext, o: DelimitedOptions): AsyncGenerator<ParseItem[]> {
  const { file } = ctx;
  const tsv = o.delimiter === '\t';
  let columns: string[] | undefined;
  const r: Row = { fields: [], cur: '', inQuotes: false, startLine: 0 };
  const texts = readText(ctx.path, file, ctx.sniff, ctx.signal);
  for await (const batch of readLines(texts, file)) {
    ctx.onBytes(batch.bytesRead);
    const out: ParseItem[] = [];
    let rows: TabularRows | undefined;
    for (let li = 0; li < batch.lines.length; li++) {
      const s = batch.lines[li];
      const line = batch.first + li;
      if (!r.inQuotes) {
        if (s.length === 0 || (s.charCodeAt(0) <= 32 && s.trim() === '')) continue;
        r.startLine = line;
        r.fields = [];
        if (!o.quoting || s.indexOf('"') === -1) {
          r.fields = s.split(o.delimiter);
        } else {
          const res = feedLine(r, s, o.delimiter);
          if (res === MORE) continue;
          if (res >= 0) {
            if (tsv) throw new QuoteRetry(line);
            out.push({ issue: importIssue({ file, line, column: r.fields.length }, 'row_text_after_quote', { field: r.fields.length }) });
            r.fields = [];
            continue;
          }
        }
      } else {
        const res = feedLine(r, s, o.delimiter);
        if (r.cur.length > MAX_QUOTED_CHARS) {
          if (tsv) throw new QuoteRetry(r.startLine);
          throw new ImportError(file, 'import_quote_never_closes', {}, r.startLine);
        }
        if (res === MORE) continue;
        if (res >= 0) {
          if (tsv) throw new QuoteRetry(r.startLine);
          out.push({ issue: importIssue({ file, line, column: r.fields.length }, 'row_text_after_quote', { field: r.fields.length }) });
          r.fields = [];
          continue;
        }
      }
      const fields = r.fields;
      const at = r.startLine;
      if (fields.length > MAX_COLUMNS) throw new ImportError(file, 'import_too_many_columns', { count: fields.length, limit: MAX_COLUMNS }, at);
      if (!columns) {
        if (o.header) {
          columns = headerNames(file, fields, at);
          continue;
        }
        columns = fields.map((_, i) => `column_${i + 1}`);
      }
      if (fields.length !== columns.length) {
        if (tsv && o.quoting && at !== line) throw new QuoteRetry(at);
        if (!o.header && fields.length > columns.length) {
          // Headerless files may carry extra trailing fields on some rows (STS-B); they become new columns.
          // A new array: rows already yielded keep the columns they had.
          columns = [...columns];
          for (let i = columns.length; i < fields.length; i++) columns.push(`column_${i + 1}`);
        } else {
          out.push({ issue: importIssue({ file, line: at }, 'row_field_count', { expected: columns.length, found: fields.length }) });
          continue;
        }
      }
      if (!rows || rows.columns !== columns) out.push((rows = { columns, rows: [] }));
      rows.rows.push(fields);
    }
    if (out.length) yield out;
  }
  if (r.inQuotes) {
    if (tsv) throw new QuoteRetry(r.startLine);
    throw new ImportError(file, 'import_unterminated_quote', {}, r.startLine);
  }
}

function headerNames(file: string, fields: string[], line: number): string[] {
  const seen = new Map<string, number>();
  return fields.map((f, i) => {
    const name = f.trim() || `column_${i + 1}`;
    const prev = seen.get(name);
    if (prev !== undefined) throw new ImportError(file, 'import_duplicate_column', { name, first: prev, second: i + 1 }, line);
    seen.set(name, i + 1);
    return name;
  });
}
