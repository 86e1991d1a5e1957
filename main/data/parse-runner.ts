// Runs prepareBatches for one file in a worker thread when one can be started (under tsx / node with
// this folder on disk), else inline. Either way the caller gets the same batches and statistics.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { ImportError } from './errors';
import { QuoteRetry } from './importers/delimited';
import { prepareBatches, type ParseJob, type PreparedBatch } from './prepare';
import { DatasetStats, type StatsData } from './stats';

export type WorkerMessage =
  | { t: 'ready' }
  | { t: 'batch'; batch: PreparedBatch }
  | { t: 'done'; stats: StatsData }
  | { t: 'retry'; line: number }
  | { t: 'import-error'; file: string; reason: string; line?: number; record?: number }
  | { t: 'error'; message: string };

let workerUrl: URL | undefined | null = null; // null: not probed yet; undefined: workers unavailable

/** CHORUS_IMPORT_WORKER=0 forces inline parsing. */
async function probe(): Promise<URL | undefined> {
  if (workerUrl !== null) return workerUrl;
  workerUrl = undefined;
  if (process.env.CHORUS_IMPORT_WORKER === '0') return undefined;
  for (const ext of ['.js', '.ts']) {
    const url = new URL('./parse-worker' + ext, import.meta.url);
    if (url.protocol !== 'file:' || !existsSync(fileURLToPath(url))) continue;
    const ok = await new Promise<boolean>((resolve) => {
      try {
        const w = new Worker(url, { workerData: { chorusProbe: true } });
        w.once('message', (m: WorkerMessage) => resolve(m.t === 'ready'));
        w.once('error', () => resolve(false));
        w.once('exit', () => resolve(false));
      } catch {
        resolve(false);
      }
    });
    if (ok) return (workerUrl = url);
  }
  return undefined;
}

/** Yields the file's prepared batches; when done, its statistics have been merged into `stats`. */
export async function* parseFile(job: ParseJob, stats: DatasetStats, signal?: AbortSignal): AsyncGenerator<PreparedBatch> {
  const url = await probe();
  if (!url) {
    yield* prepareBatches(job, stats, signal);
    return;
  }
  const worker = new Worker(url, { workerData: { chorusParseJob: job } });
  const queue: WorkerMessage[] = [];
  let wake: (() => void) | undefined;
  let failure: Error | undefined;
  worker.on('message', (m: WorkerMessage) => {
    queue.push(m);
    wake?.();
  });
  worker.on('error', (err) => {
    failure = err;
    wake?.();
  });
  worker.on('exit', () => {
    failure ??= new Error('the import worker stopped unexpectedly');
    wake?.();
  });
  const onAbort = () => void worker.terminate();
  signal?.addEventListener('abort', onAbort);
  try {
    for (;;) {
      signal?.throwIfAborted();
      const m = queue.shift();
      if (!m) {
        if (failure) throw failure;
        await new Promise<void>((r) => (wake = r));
        wake = undefined;
        continue;
      }
      if (m.t === 'batch') {
        worker.postMessage('more');
        yield m.batch;
      } else if (m.t === 'done') {
        stats.merge(DatasetStats.fromData(m.stats));
        return;
      } else if (m.t === 'retry') throw new QuoteRetry(m.line);
      else if (m.t === 'import-error') throw new ImportError(m.file, m.reason, m.line, m.record);
      else if (m.t === 'error') throw new Error(m.message);
    }
  } finally {
    signal?.removeEventListener('abort', onAbort);
    void worker.terminate();
  }
}
