// Imports files into datasets, lists, previews and deletes them.
//
// Grouping (grouping.ts): files given together in one importFiles call whose names differ only by a split word
// (train/dev/validation/valid/val/test/trial, e.g. sst2/train.tsv + sst2/dev.tsv, sts-train.csv + sts-dev.csv)
// and that sit in the same folder become ONE dataset with those splits, and give ONE ImportResult.
// Every other file becomes its own dataset. A file's split comes from ImportOptions.split, else from its
// name, else 'train'.
//
// Each dataset is imported in ONE transaction on its own connection (BEGIN IMMEDIATE): a refused file,
// a bad row without acceptBadRows, an error or an abort rolls everything back. While it runs, other writers
// wait (busy_timeout); readers are not blocked (WAL).
import Database from 'better-sqlite3';
import { createHash } from 'node:crypto';
import { open, stat, type FileHandle } from 'node:fs/promises';
import { extname } from 'node:path';
import { configure, type Store } from '../store/index';
import { ImportAbortedError, ImportError, NotFoundError, importIssue } from './errors';
import { codedOf, renderError } from './error-catalog';
import { detect } from './importers/detect';
import { QuoteRetry } from './importers/delimited';
import { sniff } from './importers/text';
import { DatasetStats } from './stats';
import { MAX_ISSUES, prepareBatches, type Layout, type ParseJob } from './prepare';
import { datasetName, groupFiles, type FileJob } from './grouping';
import type { DatasetFormat, DatasetSummary, ImportFailure, ImportIssue, ImportOptions, ImportProgress, ImportResult, PreviewPage } from './types';

export { ChorusError, NotFoundError, ImportError } from './errors';
export { splitFromName } from './grouping';


interface Row {
  id: number;
  name: string;
  format: string;
  sha256: string;
  row_count: number;
  splits: string;
  columns: string;
  suggestion: string;
  created_at: string;
}

export class DatasetService {
  /**
   * valueCounts answers by dataset, column and split: a dataset never changes after its import, and the Train view
   * checks its config (label sets included) as the user types. Cleared when a dataset is deleted.
   */
  private readonly counts = new Map<string, { value: string; count: number }[]>();
  /** Imports run one at a time: each holds the database's write lock for its whole transaction. */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly store: Store) {}

  /** Imports files; one result per dataset (see the grouping rule at the top of this file). Never throws for bad input. */
  importFiles(paths: string[], opts: ImportOptions = {}, onProgress?: (p: ImportProgress) => void): Promise<ImportResult[]> {
    const run = this.queue.then(() => this.importAll(paths, opts, onProgress));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async importAll(paths: string[], opts: ImportOptions, onProgress?: (p: ImportProgress) => void): Promise<ImportResult[]> {
    const groups = groupFiles(paths, opts);
    const results: ImportResult[] = [];
    for (const g of groups) results.push(await this.importGroup(g, opts, onProgress));
    return results;
  }

  list(): DatasetSummary[] {
    const rows = this.store.db.prepare('SELECT * FROM datasets ORDER BY id').all() as Row[];
    return rows.map((r) => this.summary(r));
  }

  get(id: number): DatasetSummary {
    const r = this.store.db.prepare('SELECT * FROM datasets WHERE id = ?').get(id) as Row | undefined;
    if (!r) throw new NotFoundError('dataset_not_found', { id });
    return this.summary(r);
  }

  preview(id: number, split: string, offset: number, limit: number): PreviewPage {
    const d = this.get(id);
    this.assertSplit(d, split);
    const off = Math.max(0, Math.floor(offset));
    const lim = Math.max(0, Math.min(1000, Math.floor(limit)));
    const rows = this.store.db
      .prepare('SELECT data FROM examples WHERE dataset_id = ? AND split = ? AND idx >= ? ORDER BY idx LIMIT ?')
      .all(id, split, off, lim) as { data: string }[];
    const columns = d.columns.map((c) => c.name);
    return { datasetId: id, split, offset: off, total: d.splits[split], columns, rows: rows.map((r) => rowObject(JSON.parse(r.data), columns)) };
  }

  /** Every row of one split, in file order, as objects keyed by column name (what training reads). */
  rows(id: number, split: string): Record<string, unknown>[] {
    const d = this.get(id);
    this.assertSplit(d, split);
    const columns = d.columns.map((c) => c.name);
    const out: Record<string, unknown>[] = [];
    for (const r of this.store.db.prepare('SELECT data FROM examples WHERE dataset_id = ? AND split = ? ORDER BY idx').iterate(id, split) as Iterable<{ data: string }>)
      out.push(rowObject(JSON.parse(r.data), columns));
    return out;
  }

  /** Value counts of a column (list values counted one by one, e.g. CoNLL tags), most frequent first, at most 1000. */
  valueCounts(id: number, column: string, split?: string): { value: string; count: number }[] {
    const d = this.get(id);
    const key = `${id}\0${d.sha256}\0${column}\0${split ?? ''}`; // the hash: another process may reuse a deleted id
    const cached = this.counts.get(key);
    if (cached) return cached;
    if (!d.columns.some((c) => c.name === column)) throw new NotFoundError('dataset_column_not_found', { id, column, columns: d.columns.map((c) => c.name).join(', ') });
    const names = Object.keys(d.splits);
    const counts = new Map<string, number>();
    for (const row of this.rows(id, split ?? (names.includes('train') ? 'train' : names[0]!))) {
      const v = row[column];
      for (const x of Array.isArray(v) ? v : [v]) {
        if (x === null || x === undefined || x === '') continue;
        const k = typeof x === 'string' ? x : JSON.stringify(x);
        counts.set(k, (counts.get(k) ?? 0) + 1);
      }
    }
    const out = [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, 1000).map(([value, count]) => ({ value, count }));
    this.counts.set(key, out);
    return out;
  }

  delete(id: number): void {
    const info = this.store.db.prepare('DELETE FROM datasets WHERE id = ?').run(id);
    for (const k of this.counts.keys()) if (k.startsWith(`${id}\0`)) this.counts.delete(k);
    if (info.changes === 0) throw new NotFoundError('dataset_not_found', { id });
  }

  private assertSplit(d: DatasetSummary, split: string): void {
    if (!(split in d.splits)) throw new NotFoundError('dataset_split_not_found', { id: d.id, split, splits: Object.keys(d.splits).join(', ') });
  }

  private summary(r: Row): DatasetSummary {
    const files = this.store.db.prepare('SELECT name FROM dataset_files WHERE dataset_id = ? ORDER BY rowid').all(r.id) as { name: string }[];
    return {
      id: r.id,
      name: r.name,
      format: r.format as DatasetFormat,
      files: files.map((f) => f.name),
      splits: JSON.parse(r.splits),
      rowCount: r.row_count,
      columns: JSON.parse(r.columns),
      suggestion: JSON.parse(r.suggestion),
      sha256: r.sha256,
      createdAt: r.created_at,
    };
  }

  private async importGroup(group: FileJob[], opts: ImportOptions, onProgress?: (p: ImportProgress) => void): Promise<ImportResult> {
    const issues: ImportIssue[] = [];
    let badRows = 0;
    let current = group[0].file;
    const hashes: { job: FileJob; sha256: string; bytes: number }[] = [];
    // A connection of its own, so that nothing else joins (or is rolled back with) the import's transaction.
    // An in-memory store cannot be shared between connections: there the store's own connection is used.
    const shared = this.store.path === ':memory:';
    const conn = shared ? this.store.db : new Database(this.store.path);
    let began = false;
    try {
      if (!shared) {
        configure(conn);
        conn.pragma('cache_size = -32768'); // 32 MiB: fewer page spills while one big transaction grows
      }
      for (const job of group) {
        current = job.file;
        const st = await stat(job.path).catch(() => undefined);
        if (!st) throw new ImportError(job.file, 'import_file_not_found');
        if (!st.isFile()) throw new ImportError(job.file, 'import_not_a_file');
        if (st.size === 0) throw new ImportError(job.file, 'import_empty_file');
        const sha256 = await hashFile(job.path, opts.signal, job.file);
        const dup = conn.prepare('SELECT dataset_id AS id FROM dataset_files WHERE sha256 = ?').get(sha256) as { id: number } | undefined;
        if (dup) return { ...failure(job.file, 'import_duplicate', { id: dup.id }), issues: [], duplicateOf: dup.id };
        hashes.push({ job, sha256, bytes: st.size });
      }
      conn.exec('BEGIN IMMEDIATE');
      began = true;
      const name = opts.name ?? datasetName(group);
      const created = new Date().toISOString();
      const datasetId = Number(
        conn.prepare(`INSERT INTO datasets (name, format, sha256, row_count, splits, columns, suggestion, created_at) VALUES (?, '', '', 0, '{}', '[]', '{}', ?)`).run(name, created)
          .lastInsertRowid,
      );
      const insert = conn.prepare('INSERT INTO examples (dataset_id, split, idx, data) SELECT ?, ?, ? + key, value FROM json_each(?)');
      const stats = new DatasetStats();
      const splits: Record<string, number> = {};
      let format: DatasetFormat | undefined;
      const layout: Layout = { columns: [], compact: true };
      for (const { job, bytes } of hashes) {
        current = job.file;
        const s = await sniff(job.path, job.file, bytes, opts.encoding);
        const forced = opts.format && opts.format !== 'auto' ? opts.format : undefined;
        const det = detect(s, job.file, extname(job.path).toLowerCase(), forced);
        if (format && det.format !== format && !(isTabular(format) && isTabular(det.format)))
          throw new ImportError(job.file, 'import_mixed_formats', { format: det.format, other: format });
        format ??= det.format;
        let quoting = true;
        const layoutBefore = { n: layout.columns.length, compact: layout.compact };
        for (;;) {
          conn.exec('SAVEPOINT file');
          const fileStats = new DatasetStats();
          const fileIssues: ImportIssue[] = [];
          let fileBad = 0;
          let idx = splits[job.split] ?? 0;
          try {
            const parseJob: ParseJob = { path: job.path, file: job.file, size: bytes, sniff: s, det, quoting, layout };
            for await (const b of prepareBatches(parseJob, fileStats, opts.signal)) {
              insert.run(datasetId, job.split, idx, b.json);
              idx += b.count;
              fileBad += b.bad;
              fileIssues.push(...b.issues.slice(0, MAX_ISSUES - fileIssues.length));
              onProgress?.({ file: job.file, bytesRead: b.bytesRead, totalBytes: bytes, rows: stats.rows + idx - (splits[job.split] ?? 0) });
            }
          } catch (err) {
            if (err instanceof QuoteRetry && quoting) {
              conn.exec('ROLLBACK TO file; RELEASE file');
              layout.columns.length = layoutBefore.n;
              layout.compact = layoutBefore.compact;
              quoting = false;
              continue;
            }
            throw err;
          }
          conn.exec('RELEASE file');
          const added = idx - (splits[job.split] ?? 0);
          if (added === 0) {
            if (fileBad) throw new ImportError(job.file, 'import_no_valid_rows', { bad: fileBad, first: describeIssue(fileIssues[0]) });
            throw new ImportError(job.file, det.header ? 'import_only_header' : 'import_no_rows');
          }
          splits[job.split] = idx;
          stats.merge(fileStats);
          badRows += fileBad;
          issues.push(...fileIssues.slice(0, MAX_ISSUES - issues.length));
          onProgress?.({ file: job.file, bytesRead: bytes, totalBytes: bytes, rows: stats.rows });
          break;
        }
      }
      current = group[0].file;
      const emptyLabel = stats.emptyLabelColumn();
      if (emptyLabel) throw new ImportError(group.length === 1 ? group[0].file : group.map((g) => g.file).join(', '), 'import_empty_column', { column: emptyLabel });
      if (badRows && !opts.acceptBadRows) {
        conn.exec('ROLLBACK');
        began = false;
        const files = [...new Set(issues.map((i) => i.file))].join(', ');
        const first = describeIssue(issues[0]);
        const bad = badRows === 1 ? failure(files, 'import_bad_row', { first }) : failure(files, 'import_bad_rows', { count: badRows, first });
        return { ...bad, file: files || current, issues };
      }
      const fmt = format!;
      const sha = hashes.length === 1 ? hashes[0].sha256 : createHash('sha256').update(hashes.map((h) => h.sha256).join('\n')).digest('hex');
      conn
        .prepare('UPDATE datasets SET format = ?, sha256 = ?, row_count = ?, splits = ?, columns = ?, suggestion = ? WHERE id = ?')
        .run(fmt, sha, stats.rows, JSON.stringify(splits), JSON.stringify(stats.columns(fmt)), JSON.stringify(stats.suggest(fmt)), datasetId);
      const addFile = conn.prepare('INSERT INTO dataset_files (dataset_id, name, split, sha256, bytes) VALUES (?, ?, ?, ?, ?)');
      for (const h of hashes) addFile.run(datasetId, h.job.file, h.job.split, h.sha256, h.bytes);
      conn.exec('COMMIT');
      began = false;
      return { ok: true, dataset: this.get(datasetId), badRows, issues };
    } catch (err) {
      if (began && conn.inTransaction) conn.exec('ROLLBACK');
      if (err instanceof ImportError) {
        const at = { ...(err.line !== undefined ? { line: err.line } : {}), ...(err.record !== undefined ? { record: err.record } : {}) };
        return { ok: false, file: err.file, ...at, error: err.message, code: err.code, params: err.params, issues: [...issues, importIssue({ file: err.file, ...at }, err.code, err.params)] };
      }
      if (opts.signal?.aborted || (err as Error)?.name === 'AbortError') {
        const e = new ImportAbortedError(current);
        return { ok: false, file: current, error: e.message, code: e.code, params: e.params, issues };
      }
      const { code, params } = codedOf(err);
      return { ...failure(current, code, params), issues: [...issues, importIssue({ file: current }, code, params)] };
    } finally {
      if (!shared) conn.close();
    }
  }
}

/** A stored row as an object: compact rows are arrays of values in the dataset's column order (see prepare.ts). */
function rowObject(data: unknown, columns: string[]): Record<string, unknown> {
  if (!Array.isArray(data)) return data as Record<string, unknown>;
  const n = Math.min(data.length, columns.length);
  const entries: [string, unknown][] = new Array(n);
  for (let i = 0; i < n; i++) entries[i] = [columns[i], data[i]];
  return Object.fromEntries(entries);
}

function isTabular(f: DatasetFormat): boolean {
  return f === 'csv' || f === 'tsv';
}

/** A refused import whose message is `file: reason`. */
function failure(file: string, code: ImportFailure['code'], params: ImportFailure['params'] = {}): Omit<ImportFailure, 'issues'> {
  return { ok: false, file, error: `${file}: ${renderError(code, params)}`, code, params };
}

export function describeIssue(i: ImportIssue | undefined): string {
  if (!i) return '';
  const where = [i.line !== undefined ? `line ${i.line}` : '', i.record !== undefined ? `record ${i.record}` : '']
    .filter(Boolean)
    .join(', ');
  return `${i.file}${where ? ` ${where}` : ''}: ${i.reason}`;
}

async function hashFile(path: string, signal: AbortSignal | undefined, file: string): Promise<string> {
  const h = createHash('sha256');
  let fh: FileHandle | undefined;
  // Two buffers: the next block is read (on the thread pool) while this one is hashed.
  const bufs = [Buffer.alloc(HASH_BLOCK), Buffer.alloc(HASH_BLOCK)];
  let pending: Promise<{ bytesRead: number }> | undefined;
  try {
    fh = await open(path, 'r');
    const handle = fh;
    const readAt = (b: Buffer, at: number): Promise<{ bytesRead: number }> => {
      const p = handle.read(b, 0, b.length, at);
      p.catch(() => undefined); // awaited below; this only keeps an abandoned read from being an unhandled rejection
      return p;
    };
    let pos = 0;
    let which = 0;
    pending = readAt(bufs[0], 0);
    for (;;) {
      signal?.throwIfAborted();
      const current: Promise<{ bytesRead: number }> = pending;
      const n: number = (await current).bytesRead;
      if (n === 0) break;
      pos += n;
      const buf = bufs[which];
      which ^= 1;
      pending = readAt(bufs[which], pos);
      h.update(buf.subarray(0, n));
    }
    pending = undefined;
  } catch (err) {
    if (signal?.aborted) throw err;
    throw new ImportError(file, 'import_unreadable', { detail: (err as Error).message });
  } finally {
    await pending?.catch(() => undefined);
    await fh?.close();
  }
  return h.digest('hex');
}

const HASH_BLOCK = 1 << 20;
