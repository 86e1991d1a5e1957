// Starts `chorus serve` on a temp database and a free port, and reads the URL it prints.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

export const ROOT = join(import.meta.dirname, '..', '..');
export const DATASETS = join(ROOT, '..', 'shared', 'datasets');
export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

export interface Served {
  url: string;
  port: number;
  token: string;
  dir: string;
  child: ChildProcess;
  stop(): Promise<void>;
}

export async function serve(): Promise<Served> {
  const dir = mkdtempSync(join(tmpdir(), 'chorus-e2e-'));
  const child = spawn(process.execPath, ['--import', 'tsx', 'main/cli/index.ts', 'serve', '--db', join(dir, 'chorus.db'), '--port', '0', '--json'], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const line = await new Promise<string>((resolve, reject) => {
    const rl = createInterface({ input: child.stdout! });
    rl.once('line', resolve);
    child.once('exit', (code) => reject(new Error(`chorus serve exited with ${code}: ${stderr}`)));
  });
  const info = JSON.parse(line) as { url: string; port: number; token: string };
  return {
    ...info,
    dir,
    child,
    stop: async () => {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
