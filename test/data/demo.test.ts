// The demo datasets in resources/demo import cleanly with the expected sizes and tasks.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore } from '../../main/store/index';
import { DatasetService } from '../../main/data/dataset-service';

const DEMO = join(import.meta.dirname, '..', '..', 'resources', 'demo');

test('every demo dataset imports with its expected splits and task', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'chorus-demo-'));
  const store = openStore(join(dir, 'c.db'));
  try {
    const svc = new DatasetService(store);
    const cases: [string[], Record<string, number>, string][] = [
      [['sms_spam/SMSSpamCollection'], { train: 300 }, 'classification'],
      [['stsb/sts-train.csv', 'stsb/sts-dev.csv'], { train: 300, dev: 100 }, 'regression'],
      [['xquad/xquad.en.json'], { train: 274 }, 'extractive-qa'],
      [['scitldr/train.jsonl', 'scitldr/dev.jsonl'], { train: 200, dev: 60 }, 'generation'],
    ];
    for (const [files, splits, type] of cases) {
      const [r] = await svc.importFiles(files.map((f) => join(DEMO, f)));
      assert.ok(r.ok, r.ok ? '' : r.error);
      if (!r.ok) continue;
      assert.equal(r.badRows, 0);
      assert.deepEqual(r.dataset.splits, splits, files[0]);
      assert.equal(r.dataset.suggestion.type, type, files[0]);
    }
  } finally {
    store.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
