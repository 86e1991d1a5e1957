// Launches the built Electron app (when the Electron binary is installed) and checks the preload bridge.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { _electron } from 'playwright-core';
import { ROOT } from './serve';

function electronBinary(): string | undefined {
  try {
    const path = createRequire(import.meta.url)('electron') as unknown as string;
    return typeof path === 'string' && existsSync(path) ? path : undefined;
  } catch {
    return undefined;
  }
}

test('the Electron window exposes window.chorus and answers app.info', async (t) => {
  const bin = electronBinary();
  if (!bin) {
    const reason = 'Electron binary absent: installed with ELECTRON_SKIP_BINARY_DOWNLOAD=1';
    t.diagnostic(reason);
    console.log(`skipping electron smoke test: ${reason}`);
    t.skip(reason);
    return;
  }
  const dir = mkdtempSync(join(tmpdir(), 'chorus-electron-'));
  const app = await _electron.launch({
    executablePath: bin,
    args: [join(ROOT, 'out/main/index.js'), '--no-sandbox'],
    env: { ...process.env, CHORUS_DB: join(dir, 'chorus.db') },
  });
  try {
    const win = await app.firstWindow();
    await win.waitForLoadState('domcontentloaded');
    assert.deepEqual(await win.evaluate(() => Object.keys(window.chorus ?? {}).sort()), ['invoke', 'off', 'on', 'pathForFile']);
    const info = await win.evaluate(() => window.chorus!.invoke('chorus:app.info', {}));
    assert.equal((info as { ok: boolean }).ok, true);
    await assert.rejects(win.evaluate(() => window.chorus!.invoke('not-chorus', {})), /channel must start with 'chorus:'/);
    assert.equal(await win.evaluate(() => typeof (window as unknown as { require?: unknown }).require), 'undefined');
  } finally {
    await app.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
