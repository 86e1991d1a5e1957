// Column statistics gathered while importing, and the task they suggest.
import type { ColumnInfo, ColumnKind, DatasetFormat, LabelCount, TaskSuggestion } from './types';
import { isNumeric } from './importers/detect';

const DISTINCT_CAP = 1000;
const LABEL_MAX_LEN = 100;
const RECENT = 8;

class ColumnStats {
  nonEmpty = 0;
  empty = 0;
  numeric = 0;
  fractional = 0;
  arrays = 0;
  objects = 0;
  long = 0;
  totalLen = 0;
  overflow = false;
  /** Value → count box (one Map lookup per counted value instead of a get and a set). */
  counts = new Map<string, { n: number }>();
  constructor(readonly name: string) {}

  /** add() for a field of a CSV/TSV row. */
  addString(v: string): void {
    const len = v.length;
    if (len === 0) {
      this.empty++;
      return;
    }
    this.nonEmpty++;
    this.totalLen += len;
    if (len > LABEL_MAX_LEN) {
      this.long++;
      return;
    }
    if (this.overflow) {
      // Past the cap nothing is counted (a text column): only the numeric checks remain.
      if (len <= 24 && isNumeric(v)) {
        this.numeric++;
        if (v.includes('.') || /e/i.test(v)) this.fractional++;
      }
      return;
    }
    // A recent value: its numeric flags are known (label columns repeat a few values).
    const recent = this.recent;
    for (let i = 0; i < recent.length; i++) {
      if (recent[i] === v) {
        const f = this.recentFlags[i];
        if (f & 1) this.numeric++;
        if (f & 2) this.fractional++;
        this.recentBoxes[i].n++;
        return;
      }
    }
    let flags = 0;
    if (len <= 24 && isNumeric(v)) {
      this.numeric++;
      flags = 1;
      if (v.includes('.') || /e/i.test(v)) this.fractional++, (flags |= 2);
    }
    this.count(v, flags);
  }

  add(v: unknown): void {
    if (v === undefined || v === null || v === '') {
      this.empty++;
      return;
    }
    this.nonEmpty++;
    if (typeof v === 'number') {
      this.numeric++;
      if (!Number.isInteger(v)) this.fractional++;
      this.count(String(v));
    } else if (typeof v === 'string') {
      this.totalLen += v.length;
      if (v.length > LABEL_MAX_LEN) this.long++;
      else {
        if (v.length <= 24 && isNumeric(v)) {
          this.numeric++;
          if (v.includes('.') || /e/i.test(v)) this.fractional++;
        }
        if (!this.overflow) this.count(v); // past the cap the column is no label: stop counting
      }
    } else if (Array.isArray(v)) {
      this.arrays++;
      if (this.name === 'tags') for (const t of v) this.count(String(t));
    } else if (typeof v === 'boolean') this.count(String(v));
    else this.objects++;
  }

  merge(o: ColumnStats): void {
    this.nonEmpty += o.nonEmpty;
    this.empty += o.empty;
    this.numeric += o.numeric;
    this.fractional += o.fractional;
    this.arrays += o.arrays;
    this.objects += o.objects;
    this.long += o.long;
    this.totalLen += o.totalLen;
    this.overflow ||= o.overflow;
    for (const [k, n] of o.counts) {
      const m = this.counts.get(k);
      if (m !== undefined) m.n += n.n;
      else if (this.counts.size < DISTINCT_CAP) this.counts.set(k, { n: n.n });
      else this.overflow = true;
    }
  }

  /** The first few distinct values and their boxes, searched linearly before the Map (label columns hit here). */
  private recent: string[] = [];
  private recentBoxes: { n: number }[] = [];
  /** Per recent value: 1 numeric, 2 fractional (only used by addString). */
  private recentFlags: number[] = [];

  /** Counts a value; flags (numeric bits) are given by addString, which alone uses the recent values. */
  private count(s: string, flags = -1): void {
    const recent = this.recent;
    const box = this.counts.get(s);
    if (box !== undefined) box.n++;
    else if (this.counts.size < DISTINCT_CAP) {
      const b = { n: 1 };
      this.counts.set(s, b);
      if (flags >= 0 && recent.length < RECENT) recent.push(s), this.recentBoxes.push(b), this.recentFlags.push(flags);
    } else this.overflow = true;
  }

  kind(format: DatasetFormat): ColumnKind {
    if (format === 'conll' && this.name === 'tokens') return 'tokens';
    if (format === 'conll' && this.name === 'tags') return 'tags';
    if (this.arrays || this.objects) return 'json';
    if (!this.nonEmpty) return 'text';
    const distinct = this.counts.size;
    if (this.numeric === this.nonEmpty) {
      return !this.fractional && !this.overflow && distinct <= 50 && distinct <= Math.max(2, this.nonEmpty / 2) ? 'label' : 'number';
    }
    const avg = this.totalLen / this.nonEmpty;
    if (!this.long && !this.overflow && distinct <= 100 && distinct <= Math.max(2, this.nonEmpty / 2) && avg <= 40) return 'label';
    return 'text';
  }

  labels(): LabelCount[] {
    return [...this.counts].map(([value, box]) => ({ value, count: box.n })).sort((a, b) => b.count - a.count || (a.value < b.value ? -1 : 1));
  }
}

const LABEL_NAME = /^(label|labels|class|category|gold_label|quality|sentiment|score|y|intent|relevance|is_duplicate|similarity)$/i;
const SOURCE_NAME = /^(source|src|input|document|article|text|prompt|abstract|dialogue)$/i;
const TARGET_NAME = /^(target|tgt|summary|tldr|output|response|highlights|headline|completion)$/i;

/** DatasetStats as plain data, for postMessage between threads (Maps survive structured cloning). */
export interface StatsData {
  rows: number;
  cols: Record<string, unknown>[];
}

export class DatasetStats {
  private cols = new Map<string, ColumnStats>();
  rows = 0;

  toData(): StatsData {
    return { rows: this.rows, cols: [...this.cols.values()].map((c) => ({ ...c })) };
  }

  static fromData(d: StatsData): DatasetStats {
    const s = new DatasetStats();
    s.rows = d.rows;
    for (const plain of d.cols) {
      const c = Object.assign(new ColumnStats(String(plain.name)), plain);
      s.cols.set(c.name, c);
    }
    return s;
  }

  add(row: Record<string, unknown>): void {
    this.rows++;
    let keys = 0;
    for (const key in row) {
      keys++;
      let c = this.cols.get(key);
      if (!c) {
        c = new ColumnStats(key);
        c.empty = this.rows - 1;
        this.cols.set(key, c);
      }
      c.add(row[key]);
    }
    if (this.cols.size > keys) for (const c of this.cols.values()) if (!(c.name in row)) c.empty++;
  }

  private lastColumns: string[] | undefined;
  private lastStats: ColumnStats[] = [];

  /** Adds a tabular row: values[i] belongs to columns[i] (columns is usually the same array for every row of a file). */
  addValues(columns: string[], values: string[]): void {
    this.rows++;
    if (columns !== this.lastColumns) {
      this.lastColumns = columns;
      this.lastStats = columns.map((key) => {
        let c = this.cols.get(key);
        if (!c) {
          c = new ColumnStats(key);
          c.empty = this.rows - 1;
          this.cols.set(key, c);
        }
        return c;
      });
    }
    const cs = this.lastStats;
    const n = values.length;
    for (let i = 0; i < n; i++) cs[i].addString(values[i]);
    if (this.cols.size > n) for (const c of this.cols.values()) if (!cs.includes(c) || cs.indexOf(c) >= n) c.empty++;
  }

  /** Adds another file's statistics (columns missing on either side count as empty). */
  merge(o: DatasetStats): void {
    for (const [name, c] of o.cols) {
      let mine = this.cols.get(name);
      if (!mine) {
        mine = new ColumnStats(name);
        mine.empty = this.rows;
        this.cols.set(name, mine);
      }
      mine.merge(c);
    }
    for (const [name, c] of this.cols) if (!o.cols.has(name)) c.empty += o.rows;
    this.rows += o.rows;
  }

  columns(format: DatasetFormat): ColumnInfo[] {
    return [...this.cols.values()].map((c) => ({
      name: c.name,
      kind: c.kind(format),
      distinct: c.counts.size,
      empty: c.empty,
    }));
  }

  /** A column that is empty in every row although its name says it holds the labels. */
  emptyLabelColumn(): string | undefined {
    for (const c of this.cols.values()) if (LABEL_NAME.test(c.name) && c.nonEmpty === 0 && this.rows > 0) return c.name;
    return undefined;
  }

  suggest(format: DatasetFormat): TaskSuggestion {
    const cols = [...this.cols.values()];
    const by = (name: string) => this.cols.get(name);
    if (format === 'squad')
      return { type: 'extractive-qa', question: 'question', context: 'context', answers: 'answers', reason: 'SQuAD JSON: questions with answer spans in a context' };
    if (format === 'conll' && by('tags')) {
      const labels = by('tags')!.labels();
      return { type: 'token-classification', text: 'tokens', label: 'tags', labels, reason: `CoNLL columns: one tag per token, ${labels.length} tags` };
    }
    const texts = cols.filter((c) => c.kind(format) === 'text');
    const pair = texts.length >= 2 ? { text: texts[0].name, textPair: texts[1].name } : texts.length ? { text: texts[0].name } : {};
    const source = cols.find((c) => SOURCE_NAME.test(c.name));
    const target = cols.find((c) => TARGET_NAME.test(c.name));
    if (source && target && (target.arrays || target.kind(format) === 'text'))
      return { type: 'generation', text: source.name, label: target.name, reason: `'${source.name}' → '${target.name}': text to text` };
    const named = cols.find((c) => LABEL_NAME.test(c.name) && c.nonEmpty > 0);
    const numeric = named && named.kind(format) === 'number' ? named : !named ? cols.find((c) => c.kind(format) === 'number' && c.fractional > 0) : undefined;
    if (numeric && texts.length)
      return {
        type: 'regression',
        ...pair,
        label: numeric.name,
        reason: `'${numeric.name}' holds real numbers${pair.textPair ? `; '${pair.text}' and '${pair.textPair}' are a text pair` : ''}`,
      };
    const label = named && named.kind(format) === 'label' ? named : cols.filter((c) => c.kind(format) === 'label' && c.counts.size >= 2).sort((a, b) => a.counts.size - b.counts.size)[0];
    if (label && texts.length) {
      const labels = label.labels();
      const type = pair.textPair ? 'pair-classification' : 'classification';
      let reason = `'${label.name}' has ${labels.length} classes` + (pair.textPair ? ` for the pair '${pair.text}' / '${pair.textPair}'` : ` for the text '${pair.text}'`);
      if (labels.length > 1 && labels.every((l) => /^[^:\s]+:\S+$/.test(l.value))) {
        const coarse = new Map<string, number>();
        for (const l of labels) coarse.set(l.value.split(':')[0], (coarse.get(l.value.split(':')[0]) ?? 0) + l.count);
        reason += `; labels are COARSE:fine, kept as given (coarse classes: ${[...coarse].map(([k, n]) => `${k} ${n}`).join(', ')})`;
      }
      return { type, ...pair, label: label.name, labels, reason };
    }
    if (source && target) return { type: 'generation', text: source.name, label: target.name, reason: `'${source.name}' → '${target.name}'` };
    return { type: 'unknown', ...pair, reason: texts.length ? 'no label column found' : 'no text column found' };
  }
}
