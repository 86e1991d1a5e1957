// The API layer without Electron: every call validated against the contract, errors naming call and field.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore, type Store } from '../../main/store/index';
import { DatasetService } from '../../main/data/dataset-service';
import { RunService } from '../../main/training/run-service';
import { dispatch } from '../../main/api/dispatch';
import { CALL_NAMES, type Envelope } from '../../main/api/contract';
import { HANDLERS } from '../../main/api/handlers/index';
import type { CallContext } from '../../main/api/handlers/context';
import type { DatasetSummary, ImportProgress, ImportResult } from '../../main/data/types';

let dir: string;
let store: Store;
let ctx: CallContext;
const events: ImportProgress[] = [];

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'chorus-api-'));
  store = openStore(join(dir, 'chorus.db'));
  ctx = { store, datasets: new DatasetService(store), runs: new RunService(store, new DatasetService(store)), mode: 'serve', emit: (e, p) => { if (e === 'import.progress') events.push(p as ImportProgress); } };
});
after(() => {
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

const ok = <T>(env: Envelope): T => {
  assert.equal(env.ok, true, env.ok ? '' : env.error);
  return (env as { value: T }).value;
};
const error = (env: Envelope): string => {
  assert.equal(env.ok, false);
  return (env as { error: string }).error;
};

const CSV = 'text,label\n' + Array.from({ length: 40 }, (_, i) => `sentence number ${i},${i % 2 ? 'pos' : 'neg'}`).join('\n') + '\n';

test('every call in the contract has a handler', () => {
  assert.deepEqual(Object.keys(HANDLERS).sort(), [...CALL_NAMES].sort());
});

test('invalid arguments are refused with the call and the field named', async () => {
  const cases: [string, unknown, RegExp][] = [
    ['datasets.get', { id: 'x' }, /^datasets\.get: id: /],
    ['datasets.get', {}, /^datasets\.get: id: /],
    ['datasets.preview', { id: 1, split: 'train', offset: 0, limit: 5000 }, /^datasets\.preview: limit: /],
    ['datasets.preview', { id: 1, split: '', offset: -1, limit: 1 }, /datasets\.preview: split: .*datasets\.preview: offset: /],
    ['datasets.importPaths', { paths: [] }, /^datasets\.importPaths: paths: /],
    ['datasets.list', { extra: 1 }, /^datasets\.list: arguments: /],
    ['datasets.uploadChunk', { uploadId: 'u', offset: 0, data: 'x'.repeat(2_000_000) }, /^datasets\.uploadChunk: data: /],
  ];
  for (const [call, args, re] of cases) assert.match(error(await dispatch(call, args, ctx)), re, call);
});

test('an unknown call and a missing dataset are errors, not crashes', async () => {
  assert.match(error(await dispatch('datasets.rename', {}, ctx)), /unknown call 'datasets.rename'/);
  const env = await dispatch('datasets.get', { id: 99 }, ctx);
  assert.equal(env.ok ? '' : env.kind, 'not-found');
  assert.match(error(env), /^datasets\.get: dataset 99 not found/);
});

test('a file uploaded in chunks is imported under its original name and the temp file removed', async () => {
  const bytes = Buffer.from(CSV);
  const { uploadId } = ok<{ uploadId: string }>(await dispatch('datasets.uploadBegin', { name: 'reviews.csv', size: bytes.length }, ctx));
  const half = Math.floor(bytes.length / 2);
  ok(await dispatch('datasets.uploadChunk', { uploadId, offset: 0, data: bytes.subarray(0, half).toString('base64') }, ctx));
  assert.match(error(await dispatch('datasets.uploadChunk', { uploadId, offset: 0, data: 'AA==' }, ctx)), /offset: expected/);
  ok(await dispatch('datasets.uploadChunk', { uploadId, offset: half, data: bytes.subarray(half).toString('base64') }, ctx));
  const [r] = ok<ImportResult[]>(await dispatch('datasets.uploadFinish', { uploadIds: [uploadId] }, ctx));
  assert.ok(r.ok);
  assert.equal(r.dataset.name, 'reviews');
  assert.deepEqual(r.dataset.files, ['reviews.csv']);
  assert.deepEqual(r.dataset.splits, { train: 40 });
  assert.deepEqual(readdirSync(join(dir, 'uploads')), []);
  assert.ok(events.length > 0, 'import.progress events emitted');
  assert.equal(events.at(-1)!.file, 'reviews.csv');
});

test('train and dev uploaded together become one dataset; a lone file keeps its own name', async () => {
  const up = async (name: string, text: string) => {
    const bytes = Buffer.from(text);
    const { uploadId } = ok<{ uploadId: string }>(await dispatch('datasets.uploadBegin', { name, size: bytes.length }, ctx));
    ok(await dispatch('datasets.uploadChunk', { uploadId, offset: 0, data: bytes.toString('base64') }, ctx));
    return uploadId;
  };
  const ids = [
    await up('train.csv', CSV.replaceAll('sentence', 'line')),
    await up('dev.csv', CSV.replaceAll('sentence', 'held-out line')),
    await up('train_5500.csv', CSV.replaceAll('sentence', 'question')),
  ];
  const results = ok<ImportResult[]>(await dispatch('datasets.uploadFinish', { uploadIds: ids }, ctx));
  const sets = results.map((r) => (r.ok ? r.dataset : assert.fail(r.error)));
  assert.deepEqual(sets.map((d) => d.splits), [{ train: 40, dev: 40 }, { train: 40 }]);
  assert.equal(sets[1].name, 'train_5500');
  assert.deepEqual(readdirSync(join(dir, 'uploads')), []);
});

test('a cancelled upload leaves nothing behind', async () => {
  const { uploadId } = ok<{ uploadId: string }>(await dispatch('datasets.uploadBegin', { name: 'x.csv', size: 10 }, ctx));
  assert.deepEqual(ok(await dispatch('datasets.uploadCancel', { uploadIds: [uploadId] }, ctx)), { cancelled: 1 });
  assert.deepEqual(readdirSync(join(dir, 'uploads')), []);
  assert.match(error(await dispatch('datasets.uploadFinish', { uploadIds: [uploadId] }, ctx)), /uploadIds: no upload/);
});

test('import by path, list, preview and delete', async () => {
  const path = join(dir, 'topics.csv');
  writeFileSync(path, CSV.replaceAll('sentence', 'topic'));
  const [r] = ok<ImportResult[]>(await dispatch('datasets.importPaths', { paths: [path] }, ctx));
  assert.ok(r.ok);
  const list = ok<DatasetSummary[]>(await dispatch('datasets.list', {}, ctx));
  assert.ok(list.some((d) => d.id === r.dataset.id));
  const page = ok<{ rows: unknown[]; total: number }>(await dispatch('datasets.preview', { id: r.dataset.id, split: 'train', offset: 35, limit: 10 }, ctx));
  assert.equal(page.total, 40);
  assert.equal(page.rows.length, 5);
  assert.deepEqual(ok(await dispatch('datasets.delete', { id: r.dataset.id }, ctx)), { deleted: r.dataset.id });
  assert.equal(error(await dispatch('datasets.delete', { id: r.dataset.id }, ctx)).startsWith('datasets.delete:'), true);
  assert.ok(existsSync(path));
});

test('projects.createDemo takes the language of the demo: Chinese on request, nothing but en and zh-CN', async () => {
  assert.match(error(await dispatch('projects.createDemo', { language: 'fr' }, ctx)), /^projects\.createDemo: language: /);
  const project = ok<{ name: string; config: { tasks: { name: string }[] } }>(await dispatch('projects.createDemo', { language: 'zh-CN' }, ctx));
  assert.equal(project.name, '示例：阅读理解与问题类型');
  assert.deepEqual(project.config.tasks.map((t) => t.name), ['qa', 'question_type']);
});
