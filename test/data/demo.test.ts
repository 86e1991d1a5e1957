// The demo datasets in resources/demo and resources/demo-zh import cleanly with the expected sizes and tasks, and the
// Chinese demo project's config validates against them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore } from '../../main/store/index';
import { DatasetService } from '../../main/data/dataset-service';
import { RunStore } from '../../main/store/runs';
import { createDemoProject } from '../../main/training/demo-project';
import { resolveRunConfig } from '../../main/training/datasets-resolve';

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

const DEMO_ZH = join(import.meta.dirname, '..', '..', 'resources', 'demo-zh');

test('the Chinese demo datasets import cleanly: CMRC 2018 QA and the question types, with train and dev', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'chorus-demo-zh-'));
  const store = openStore(join(dir, 'c.db'));
  try {
    const svc = new DatasetService(store);
    const cases: [string[], Record<string, number>, string][] = [
      [['cmrc2018/cmrc2018_sample.json'], { train: 301 }, 'extractive-qa'],
      [['question_type/train.tsv', 'question_type/dev.tsv'], { train: 1754, dev: 438 }, 'classification'],
    ];
    for (const [files, splits, type] of cases) {
      const [r] = await svc.importFiles(files.map((f) => join(DEMO_ZH, f)));
      assert.ok(r.ok, r.ok ? '' : r.error);
      if (!r.ok) continue;
      assert.equal(r.badRows, 0, 'no misplaced CMRC answers are shipped');
      assert.deepEqual(r.dataset.splits, splits, files[0]);
      assert.equal(r.dataset.suggestion.type, type, files[0]);
    }
  } finally {
    store.close();
    rmSync(dir, { recursive: true, force: true });
  }
  const total = ['README.md', 'cmrc2018/cmrc2018_sample.json', 'question_type/train.tsv', 'question_type/dev.tsv'].reduce((n, f) => n + statSync(join(DEMO_ZH, f)).size, 0);
  assert.ok(total < 1 << 20, `the Chinese demo stays under 1 MB (${total} bytes)`);
});

test('every question type follows the rule written in resources/demo-zh/README.md', () => {
  // "1. **时间** (time: when): `regex`": the first rule that matches gives the label; none gives 其他
  const rules = [...readFileSync(join(DEMO_ZH, 'README.md'), 'utf8').matchAll(/^\d+\. \*\*(\S+)\*\* .*?: `(.+)`$/gm)].map((m) => ({ label: m[1]!, re: new RegExp(m[2]!) }));
  assert.deepEqual(rules.map((r) => r.label), ['时间', '人物', '地点', '数量']);
  const derive = (q: string) => rules.find((r) => r.re.test(q))?.label ?? '其他';
  for (const split of ['train', 'dev']) {
    const [header, ...rows] = readFileSync(join(DEMO_ZH, 'question_type', `${split}.tsv`), 'utf8').trimEnd().split('\n');
    assert.equal(header, 'question\tlabel');
    for (const row of rows) {
      const [question, label] = row.split('\t');
      assert.equal(label, derive(question!), `${split}: ${question}`);
    }
  }
});

test('the Chinese demo project: its datasets imported, its run config valid against them', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'chorus-demo-zh-'));
  const store = openStore(join(dir, 'c.db'));
  try {
    const datasets = new DatasetService(store);
    const runs = new RunStore(store);
    const project = await createDemoProject(datasets, runs, { language: 'zh-CN' });
    assert.equal(project.name, '示例：阅读理解与问题类型');
    const { config } = await resolveRunConfig(project.config, datasets);
    assert.deepEqual(config.tasks.map((t) => [t.name, t.type]), [['qa', 'extractive-qa'], ['question_type', 'classification']]);
    assert.deepEqual(datasets.list().map((d) => d.name), ['cmrc2018_sample', 'question_type']);
    const again = await createDemoProject(datasets, runs, { language: 'zh-CN' });
    assert.deepEqual(again.config, project.config, 'a second demo reuses the imported datasets');
    assert.equal(datasets.list().length, 2);
  } finally {
    store.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
