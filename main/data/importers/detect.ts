// Format detection from the content (the extension is only a tie-breaker).
import { ImportError } from '../errors';
import type { DatasetFormat } from '../types';
import type { LabelStyle } from './labeled-lines';
import type { Sniff } from './text';

export interface Detected {
  format: DatasetFormat;
  delimiter?: string;
  header?: boolean;
  labelStyle?: LabelStyle;
}

const NUMERIC = /^\s*-?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?\s*$/;
export const isNumeric = (s: string) => NUMERIC.test(s);

function sampleLines(text: string, max = 200): string[] {
  const lines = text.split('\n');
  if (lines.length > 1) lines.pop(); // probably cut mid-line
  return lines.slice(0, max).map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l));
}

export function detect(s: Sniff, file: string, ext: string, forced?: DatasetFormat): Detected {
  const isParquetMagic = s.head.subarray(0, 4).toString('latin1') === 'PAR1';
  if (forced === 'parquet' || (!forced && (isParquetMagic || ext === '.parquet'))) {
    if (!isParquetMagic) throw new ImportError(file, 'import_not_parquet');
    return { format: 'parquet' };
  }
  const text = s.text;
  const first = text.trimStart();
  if (first === '') throw new ImportError(file, 'import_blank');
  if (forced === 'json' || forced === 'jsonl' || forced === 'squad') return { format: forced };
  if (forced === 'conll') return { format: 'conll' };
  if (forced === 'text-lines') return { format: 'text-lines' };
  if (forced === 'labeled-lines') return { format: 'labeled-lines', labelStyle: labelStyle(sampleLines(text)) ?? 'tab' };
  if (forced === 'csv' || forced === 'tsv') {
    const lines = sampleLines(text).filter((l) => l.trim() !== '');
    const delimiter = forced === 'tsv' ? '\t' : pickDelimiter(lines, ',') ?? ',';
    return { format: forced, delimiter, header: hasHeader(lines, delimiter) };
  }
  if (first[0] === '[') return { format: 'json' };
  if (first[0] === '{') {
    const head = text.slice(0, 65536);
    if (/"paragraphs"\s*:/.test(head) && /"qas"\s*:/.test(head)) return { format: 'squad' };
    const firstLine = first.split('\n')[0];
    try {
      JSON.parse(firstLine);
      return { format: 'jsonl' };
    } catch {
      if (ext === '.jsonl' || ext === '.ndjson') return { format: 'jsonl' };
      throw new ImportError(file, 'import_json_neither', {}, 1);
    }
  }
  const lines = sampleLines(text).filter((l) => l.trim() !== '');
  if (ext === '.jsonl' || ext === '.ndjson' || ext === '.json') throw new ImportError(file, 'import_expected_json', { start: clip(first) }, 1);
  if (looksConll(text)) return { format: 'conll' };
  const style = labelStyle(lines);
  if (style) return { format: 'labeled-lines', labelStyle: style };
  // a .txt whose lines share no delimiter is plain text, one example per line (unlabelled text for pre-training)
  if (ext === '.txt' && pickDelimiter(lines) === undefined) return { format: 'text-lines' };
  const hint = ext === '.tsv' ? '\t' : ext === '.csv' ? ',' : undefined;
  const delimiter = pickDelimiter(lines, hint) ?? hint ?? ',';
  return { format: delimiter === '\t' ? 'tsv' : 'csv', delimiter, header: hasHeader(lines, delimiter) };
}

function clip(s: string): string {
  const l = s.split('\n')[0];
  return l.length > 30 ? l.slice(0, 30) + '…' : l;
}

function looksConll(text: string): boolean {
  const lines = text.split('\n').slice(0, 400).map((l) => l.trim());
  if (lines.some((l) => l.startsWith('-DOCSTART-'))) return true;
  const body = lines.filter((l) => l !== '');
  if (body.length < 4 || body.length === lines.length) return false; // needs blank lines between sentences
  const widths = body.map((l) => l.split(/\s+/).length);
  const w = widths[0];
  return w >= 2 && w <= 12 && widths.filter((x) => x === w).length >= body.length * 0.95 && body.every((l) => l.length <= 200);
}

/** Lines all look like `label<sep>text`, with a short recurring label and no header. */
function labelStyle(lines: string[]): LabelStyle | undefined {
  if (lines.length < 2) return undefined;
  if (lines.every((l) => l.startsWith('__label__'))) return 'fasttext';
  const labels = (re: RegExp) => lines.map((l) => re.exec(l)?.[1]);
  const prefix = labels(/^([A-Z]+:\S+) \S/);
  if (prefix.every((x) => x !== undefined) && new Set(prefix.map((p) => p!.split(':')[0])).size <= 50) return 'prefix';
  const tab = labels(/^([^\s\t]{1,30})\t[^\t]*$/);
  if (tab.every((x) => x !== undefined)) {
    const counts = new Map<string, number>();
    for (const t of tab) counts.set(t!, (counts.get(t!) ?? 0) + 1);
    const firstRecurs = (counts.get(tab[0]!) ?? 0) >= 2;
    const texty = lines.some((l) => l.slice(l.indexOf('\t') + 1).includes(' '));
    if (firstRecurs && texty && counts.size <= Math.max(2, lines.length / 4) && [...counts.keys()].every((k) => !isNumeric(k) || counts.size <= 20))
      return 'tab';
  }
  return undefined;
}

function stripQuoted(l: string): string {
  return l.includes('"') ? l.replace(/"[^"]*"/g, '') : l;
}

/** The delimiter that splits the sample lines into the most consistent number (≥ 2) of fields. */
function pickDelimiter(lines: string[], hint?: string): string | undefined {
  let best: { d: string; score: number } | undefined;
  for (const d of ['\t', ',', ';', '|']) {
    const counts = lines.map((l) => (d === '\t' ? l : stripQuoted(l)).split(d).length - 1);
    const freq = new Map<number, number>();
    for (const c of counts) if (c > 0) freq.set(c, (freq.get(c) ?? 0) + 1);
    let mode = 0, modeN = 0;
    for (const [c, n] of freq) if (n > modeN) (mode = c), (modeN = n);
    if (!mode) continue;
    const score = modeN / lines.length + (d === hint ? 0.05 : 0) + (d === '\t' ? 0.02 : 0);
    if (score >= 0.5 && (!best || score > best.score)) best = { d, score };
  }
  return best?.d;
}

/** A first row of short, distinct, non-numeric names is a header. */
function hasHeader(lines: string[], d: string): boolean {
  if (!lines.length) return false;
  const fields = lines[0].split(d).map((f) => f.replace(/^"|"$/g, '').trim());
  if (fields.some((f) => f === '' || isNumeric(f) || f.length > 50)) return false;
  if (new Set(fields).size !== fields.length) return true; // duplicates: still a header, refused later with a reason
  if (lines.length < 2) return true;
  // A header differs from the data: some data column is numeric, or the first row never recurs.
  return !lines.slice(1).some((l) => l === lines[0]);
}
