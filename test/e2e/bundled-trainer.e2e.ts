// The trainer as Electron runs it: the bundled out/main/trainer.js (built by electron-vite), forked without tsx.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore } from '../../main/store';
import { DatasetService } from '../../main/data/dataset-service';
import { RunService } from '../../main/training/run-service';
import { DATASETS, ROOT } from './serve';

test('the bundled trainer process trains a run to completion', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'chorus-bundled-'));
  const store = openStore(join(dir, 'chorus.db'));
  try {
    const runs = new RunService(store, new DatasetService(store), { path: join(ROOT, 'out', 'main', 'trainer.js'), execArgv: [] });
    const file = join(dir, 'sst.tsv');
    writeFileSync(file, readFileSync(join(DATASETS, 'sst2', 'train.tsv'), 'utf8').split('\n').slice(0, 400).join('\n') + '\n');
    const run = await runs.create({
      name: 'bundled', backbone: { hidden: 32, layers: 1, heads: 2, intermediate: 64, maxLength: 32, tokenizer: { vocabSize: 400 } },
      tasks: [{ name: 'sentiment', type: 'classification', dataset: file, text: 'sentence', label: 'label' }],
      training: { steps: 10, batchSize: 8, evalEvery: 10 }, threads: 1,
    });
    const done = await runs.start(run.id);
    assert.equal(done.status, 'completed', done.error ?? '');
    assert.equal(runs.runs.predictions(run.id, 'sentiment', { limit: 1 }).total, 40, 'a stratified 10 % of 399 rows');
  } finally {
    store.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
