// `chorus serve`: the app in a browser, against the real backend (loopback only, random token).
import { fileURLToPath } from 'node:url';
import { dirname, resolve } from 'node:path';
import { UsageError, type Command } from '../command';
import { stringFlag } from '../args';
import { openStore } from '../../store/index';
import { DatasetService } from '../../data/dataset-service';
import { RunService } from '../../training/run-service';
import { startServer } from '../../api/server';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

export const serveCommand: Command = {
  name: 'serve',
  summary: 'serve the app to a browser on this machine (loopback only, random token)',
  usage: `Usage: chorus serve [--port P] [--host 127.0.0.1] [--db PATH] [--json]

Serves the built renderer (out/renderer; run \`npm run build\` first) and the API over a WebSocket.
Only loopback hosts are accepted. Every launch makes a new random token; the printed URL carries it
and connections without it are refused. --port 0 picks a free port.
--json prints {"url", "port", "token"} on one line.`,
  async run(args, ctx) {
    const portFlag = stringFlag(args, 'port') ?? '5317';
    const port = Number(portFlag);
    if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port must be 0..65535, got '${portFlag}'`);
    const host = stringFlag(args, 'host') ?? '127.0.0.1';
    const root = stringFlag(args, 'root') ?? resolve(repoRoot, 'out/renderer');
    const store = openStore(ctx.dbPath);
    const datasets = new DatasetService(store);
    const runs = new RunService(store, datasets);
    runs.recover();
    const running = await startServer({ store, datasets, runs, mode: 'serve' }, { host, port, root }).catch((err: unknown) => {
      store.close();
      throw new UsageError(err instanceof Error ? err.message : String(err), 1);
    });
    if (ctx.json) ctx.stdout.write(JSON.stringify({ url: running.url, port: running.port, token: running.token }) + '\n');
    else ctx.stdout.write(`Chorus is serving ${ctx.dbPath}\nOpen ${running.url}\nPress Ctrl+C to stop.\n`);
    await new Promise<void>((done) => {
      const stop = () => {
        process.off('SIGINT', stop);
        process.off('SIGTERM', stop);
        void running.close().then(() => runs.shutdown()).finally(() => {
          store.close();
          done();
        });
      };
      process.on('SIGINT', stop);
      process.on('SIGTERM', stop);
    });
    return 0;
  },
};
