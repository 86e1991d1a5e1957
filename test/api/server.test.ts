// `chorus serve`'s server: loopback only, the per-launch token guards the WebSocket, files stay inside the root.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { openStore, type Store } from '../../main/store/index';
import { DatasetService } from '../../main/data/dataset-service';
import { RunService } from '../../main/training/run-service';
import { startServer, type RunningServer } from '../../main/api/server';

let dir: string;
let store: Store;
let server: RunningServer;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'chorus-serve-'));
  mkdirSync(join(dir, 'root'));
  writeFileSync(join(dir, 'root', 'index.html'), '<!doctype html><title>Chorus</title>');
  writeFileSync(join(dir, 'secret.txt'), 'secret');
  store = openStore(join(dir, 'chorus.db'));
  server = await startServer({ store, datasets: new DatasetService(store), runs: new RunService(store, new DatasetService(store)), mode: 'serve' }, { host: '127.0.0.1', port: 0, root: join(dir, 'root') });
});
after(async () => {
  await server.close();
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

function get(path: string, host = `127.0.0.1:${server.port}`): Promise<number> {
  return new Promise((resolve, reject) => {
    request({ host: '127.0.0.1', port: server.port, path, headers: { host } }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    })
      .on('error', reject)
      .end();
  });
}

function connect(token: string): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${server.port}/api?token=${encodeURIComponent(token)}`);
    ws.once('open', () => resolve(ws));
    ws.once('error', reject);
  });
}

test('the printed URL is loopback and carries a random token', () => {
  assert.match(server.url, /^http:\/\/127\.0\.0\.1:\d+\/\?token=[\w-]{32}$/);
});

test('a non-loopback host is refused', async () => {
  await assert.rejects(
    startServer({ store, datasets: new DatasetService(store), runs: new RunService(store, new DatasetService(store)), mode: 'serve' }, { host: '0.0.0.0', port: 0, root: join(dir, 'root') }),
    /loopback/,
  );
});

test('static files are served from the root only, to loopback Host headers only', async () => {
  assert.equal(await get('/'), 200);
  assert.equal(await get('/../secret.txt'), 404);
  assert.equal(await get('/%2e%2e/secret.txt'), 404);
  assert.equal(await get('/', 'evil.example:80'), 403);
});

test('the WebSocket refuses a wrong or missing token and answers calls with the right one', async () => {
  await assert.rejects(connect('wrong'), /401/);
  await assert.rejects(connect(''), /401/);
  const ws = await connect(server.token);
  const reply = await new Promise<unknown>((resolve) => {
    ws.once('message', (m) => resolve(JSON.parse(String(m))));
    ws.send(JSON.stringify({ id: 7, call: 'app.info', args: {} }));
  });
  assert.deepEqual((reply as { id: number; ok: boolean }).id, 7);
  assert.equal((reply as { ok: boolean }).ok, true);
  ws.close();
});
