// Runs `chorus` through main() against one database, capturing what it prints.
import { Writable } from 'node:stream';
import { main } from '../../main/cli/index';

class Capture extends Writable {
  text = '';
  override _write(chunk: Buffer, _enc: string, cb: () => void) {
    this.text += chunk.toString();
    cb();
  }
}

export function cliOn(db: () => string): (...argv: string[]) => Promise<{ code: number; stdout: string; stderr: string }> {
  return async (...argv) => {
    const stdout = new Capture();
    const stderr = new Capture();
    const code = await main([...argv, '--db', db()], { stdout, stderr } as unknown as Parameters<typeof main>[1]);
    return { code, stdout: stdout.text, stderr: stderr.text };
  };
}
