// `chorus demo --language zh-CN`: the Chinese demo project from the CLI, trained for a few steps on a tiny model.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cliOn } from './cli-harness';

let dir: string;
let db: string;
const chorus = cliOn(() => db);

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'chorus-demo-cli-'));
  db = join(dir, 'data', 'chorus.db');
});
after(() => rmSync(dir, { recursive: true, force: true }));

test('chorus demo --language zh-CN saves the Chinese project; its config trains (a few steps of a tiny model)', async () => {
  assert.deepEqual(await chorus('demo', '--language', 'fr'), { code: 2, stdout: '', stderr: "chorus demo: --language must be one of en, zh-CN, got 'fr'\n" });
  const out = join(dir, 'demo-zh.json');
  const made = await chorus('demo', '--language', 'zh-CN', '--out', out, '--json');
  assert.equal(made.code, 0, made.stderr);
  const project = JSON.parse(made.stdout) as { id: number; name: string };
  assert.equal(project.name, '示例：阅读理解与问题类型');

  const config = JSON.parse(readFileSync(out, 'utf8')) as { backbone: object; training: object; threads: number };
  config.backbone = { hidden: 32, layers: 1, heads: 2, intermediate: 64, maxLength: 96, tokenizer: { vocabSize: 1500 } };
  config.training = { ...config.training, steps: 8, batchSize: 8, evalEvery: 8 };
  config.threads = 2;
  writeFileSync(out, JSON.stringify(config));
  const r = await chorus('train', '--config', out, '--json');
  assert.equal(r.code, 0, r.stderr);
  const run = JSON.parse(r.stdout) as { status: string; metrics: { qa: { f1: number; n: number }; question_type: { accuracy: number; n: number } } };
  assert.equal(run.status, 'completed');
  assert.equal(run.metrics.question_type.n, 438, 'the question types are scored on their dev split');
  assert.equal(run.metrics.qa.n, 30, 'a seeded 10 % of the 301 questions held out');
  for (const v of [run.metrics.qa.f1, run.metrics.question_type.accuracy]) assert.ok(v >= 0 && v <= 1);
});
