// Entry of the trainer process (forked by RunService): reads rows through its own read-only database connection,
// trains, and reports everything as messages; the parent persists them. A crash here cannot take the app down.
import { openStore } from '../store';
import { DatasetService } from '../data/dataset-service';
import type { FromTrainer, StartMessage, ToTrainer } from './protocol';
import { train } from './trainer';
import type { DatasetSource } from './prepare';

const send = (m: FromTrainer) => new Promise<void>((res) => (process.send ? process.send(m, () => res()) : res()));

let stop = false;
let paused = false;
let wake: (() => void) | null = null;

export function datasetSource(datasets: DatasetService): DatasetSource {
  return {
    describe(ref) {
      const id = Number(ref);
      if (!Number.isInteger(id)) throw new Error(`dataset '${ref}' is not an imported dataset id`);
      const d = datasets.get(id);
      return { id: d.id, name: d.name, splits: d.splits, columns: d.columns.map((c) => ({ name: c.name, kind: c.kind })) };
    },
    rows: (id, split) => datasets.rows(id, split),
  };
}

async function run(m: StartMessage): Promise<void> {
  const store = openStore(m.dbPath);
  try {
    const outcome = await train({
      config: m.config, runDir: m.runDir, resume: m.resume, tokenizerPath: m.tokenizerPath, source: datasetSource(new DatasetService(store)),
      control: {
        stopRequested: () => stop,
        waitWhilePaused: async () => {
          if (!paused) return;
          void send({ type: 'paused', step: -1 });
          while (paused && !stop) await new Promise<void>((r) => (wake = r));
          if (!stop) void send({ type: 'resumed', step: -1 });
        },
      },
    }, {
      log: (message) => void send({ type: 'log', message }),
      plan: (plan) => void send({ type: 'plan', plan }),
      progress: (progress) => void send({ type: 'progress', progress }),
      evaluation: (evaluation) => void send({ type: 'evaluation', evaluation }),
      checkpoint: (c) => void send({ type: 'checkpoint', ...c }),
      predictions: (task, rows) => void send({ type: 'predictions', task, rows }),
    });
    await send({ type: 'done', outcome });
  } finally {
    store.close();
  }
}

process.on('message', (raw: ToTrainer) => {
  if (raw.type === 'start') {
    run(raw).then(
      () => process.exit(0),
      async (e: unknown) => {
        const err = e instanceof Error ? e : new Error(String(e));
        await send({ type: 'failed', message: err.message, stack: err.stack });
        process.exit(1);
      },
    );
  } else if (raw.type === 'stop') { stop = true; wake?.(); }
  else if (raw.type === 'pause') paused = true;
  else if (raw.type === 'resume') { paused = false; wake?.(); }
});
process.on('SIGTERM', () => { stop = true; wake?.(); }); // `chorus stop` from another process
process.on('disconnect', () => { stop = true; wake?.(); }); // the parent went away: checkpoint and stop
void send({ type: 'ready' });
