// Files being imported: upload (browser) or path (Electron), progress per file, results and bad rows.
import { defineStore } from 'pinia';
import { ref } from 'vue';
import { call, hasFilePaths, onEvent, pathForFile } from '../api';
import type { ImportIssue, ImportResult } from '../../../main/data/types';
import { useDatasetsStore } from './datasets';
import { problemOf, type Problem } from '../lib/error-text';

export type ImportPhase = 'uploading' | 'importing' | 'done' | 'failed';

export interface ImportJob {
  key: number;
  name: string;
  size: number;
  phase: ImportPhase;
  /** 0..1 of the current phase. */
  progress: number;
  rows: number;
  /** Why a failed file was not imported (undefined: it was left out of the batch's results). */
  error?: Problem;
  /** Where in the file the failure is, when it is one row's (the English `message` names it already). */
  errorAt?: { line?: number; record?: number };
  issues: ImportIssue[];
  badRows: number;
  datasetId?: number;
  /** The file has bad rows and can be imported again keeping only the good ones. */
  canAcceptBadRows: boolean;
}

/** 768 KiB of bytes is 1 MiB of base64, the contract's chunk limit. */
const CHUNK = 768 * 1024;

function toBase64(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}

export const useImportsStore = defineStore('imports', () => {
  const jobs = ref<ImportJob[]>([]);
  const files = new Map<number, File>();
  let nextKey = 1;
  let listening = false;

  function job(key: number): ImportJob | undefined {
    return jobs.value.find((j) => j.key === key);
  }

  function listen(): void {
    if (listening) return;
    listening = true;
    onEvent('import.progress', (p) => {
      const j = jobs.value.find((x) => x.phase === 'importing' && x.name === p.file);
      if (!j) return;
      j.progress = p.totalBytes ? p.bytesRead / p.totalBytes : 0;
      j.rows = p.rows;
    });
  }

  async function upload(j: ImportJob, file: File): Promise<string> {
    const { uploadId } = await call('datasets.uploadBegin', { name: file.name, size: file.size });
    try {
      for (let offset = 0; offset < file.size; offset += CHUNK) {
        const bytes = new Uint8Array(await file.slice(offset, offset + CHUNK).arrayBuffer());
        await call('datasets.uploadChunk', { uploadId, offset, data: toBase64(bytes) });
        j.progress = Math.min(1, (offset + bytes.length) / file.size);
      }
    } catch (err) {
      await call('datasets.uploadCancel', { uploadIds: [uploadId] }).catch(() => undefined);
      throw err;
    }
    return uploadId;
  }

  function apply(batch: ImportJob[], results: ImportResult[]): number | undefined {
    let firstId: number | undefined;
    for (const r of results) {
      if (r.ok) {
        firstId ??= r.dataset.id;
        for (const j of batch.filter((x) => r.dataset.files.includes(x.name))) {
          Object.assign(j, {
            phase: 'done',
            progress: 1,
            rows: r.dataset.rowCount,
            datasetId: r.dataset.id,
            badRows: r.badRows,
            issues: r.issues,
            canAcceptBadRows: false,
            error: undefined,
            errorAt: undefined,
          });
        }
      } else {
        const j = batch.find((x) => x.name === r.file) ?? batch.find((x) => x.phase === 'importing');
        if (!j) continue;
        Object.assign(j, {
          phase: 'failed',
          error: problemOf({ message: r.error, code: r.code, params: r.params }),
          errorAt: { line: r.line, record: r.record },
          issues: r.issues,
          badRows: r.issues.length,
          canAcceptBadRows: r.issues.some((i) => i.line !== undefined || i.record !== undefined) && r.duplicateOf === undefined,
        });
      }
    }
    for (const j of batch) {
      if (j.phase === 'importing') Object.assign(j, { phase: 'failed' });
    }
    return firstId;
  }

  async function run(batch: ImportJob[], acceptBadRows: boolean): Promise<void> {
    listen();
    const datasets = useDatasetsStore();
    try {
      let results: ImportResult[];
      if (hasFilePaths()) {
        for (const j of batch) Object.assign(j, { phase: 'importing', progress: 0 });
        results = await call('datasets.importPaths', { paths: batch.map((j) => pathForFile(files.get(j.key)!)), acceptBadRows });
      } else {
        const ids: string[] = [];
        for (const j of batch) {
          j.phase = 'uploading';
          ids.push(await upload(j, files.get(j.key)!));
          Object.assign(j, { phase: 'importing', progress: 0 });
        }
        results = await call('datasets.uploadFinish', { uploadIds: ids, acceptBadRows });
      }
      const firstId = apply(batch, results);
      await datasets.load();
      if (firstId !== undefined) datasets.select(firstId);
    } catch (err) {
      for (const j of batch) {
        if (j.phase !== 'done') Object.assign(j, { phase: 'failed', error: problemOf(err), errorAt: undefined });
      }
    }
  }

  /** Imports files dropped or picked together (train/dev/test files of one dataset group into one). */
  async function importFiles(list: File[]): Promise<void> {
    if (!list.length) return;
    const batch: ImportJob[] = list.map((f) => {
      const key = nextKey++;
      files.set(key, f);
      return { key, name: f.name, size: f.size, phase: 'uploading', progress: 0, rows: 0, issues: [], badRows: 0, canAcceptBadRows: false };
    });
    jobs.value.unshift(...batch);
    // Work on the reactive proxies so progress updates render.
    await run(
      batch.map((b) => job(b.key)!),
      false,
    );
  }

  /** Imports a refused file again, keeping its good rows. */
  async function acceptBadRows(key: number): Promise<void> {
    const j = job(key);
    if (!j || !files.has(key)) return;
    Object.assign(j, { phase: 'uploading', progress: 0, error: undefined, errorAt: undefined, canAcceptBadRows: false });
    await run([j], true);
  }

  function dismiss(key: number): void {
    jobs.value = jobs.value.filter((j) => j.key !== key);
    files.delete(key);
  }

  function clearFinished(): void {
    for (const j of jobs.value) if (j.phase === 'done') files.delete(j.key);
    jobs.value = jobs.value.filter((j) => j.phase !== 'done');
  }

  return { jobs, importFiles, acceptBadRows, dismiss, clearFinished };
});
