// Worker thread entry: parses one file (prepareBatches) while the main thread inserts, so parsing and
// SQLite run in parallel. At most IN_FLIGHT batches wait unacknowledged, which bounds memory.
import { parentPort, workerData } from 'node:worker_threads';
import { ImportError } from './errors';
import { QuoteRetry } from './importers/delimited';
import { prepareBatches, type ParseJob } from './prepare';
import { DatasetStats } from './stats';
import type { WorkerMessage } from './parse-runner';

const IN_FLIGHT = 4;

async function run(job: ParseJob): Promise<void> {
  const port = parentPort!;
  let credit = IN_FLIGHT;
  let wake: (() => void) | undefined;
  port.on('message', () => {
    credit++;
    wake?.();
  });
  const send = (m: WorkerMessage) => port.postMessage(m);
  const stats = new DatasetStats();
  try {
    for await (const batch of prepareBatches(job, stats)) {
      while (credit === 0) await new Promise<void>((r) => (wake = r));
      wake = undefined;
      credit--;
      send({ t: 'batch', batch });
    }
    send({ t: 'done', stats: stats.toData() });
  } catch (err) {
    if (err instanceof QuoteRetry) send({ t: 'retry', line: err.line });
    else if (err instanceof ImportError) send({ t: 'import-error', file: err.file, reason: err.reason, line: err.line, record: err.record });
    else send({ t: 'error', message: (err as Error)?.message ?? String(err) });
  }
  port.close();
}

if (parentPort && workerData?.chorusParseJob) void run(workerData.chorusParseJob as ParseJob);
else if (parentPort && workerData?.chorusProbe) parentPort.postMessage({ t: 'ready' });
