// Chinese end to end through the CLI: ChnSentiCorp sentiment + CMRC 2018 trial extractive QA from scratch (tiny
// budget), the 5 CMRC answers whose offsets miss their text reported, and a Chinese question answered with a span
// copied exactly from the context.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cliOn } from './cli-harness';

const DATA = join(import.meta.dirname, '..', '..', '..', 'shared', 'datasets');
let dir: string;
let db: string;
const chorus = cliOn(() => db);

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'chorus-zh-'));
  db = join(dir, 'data', 'chorus.db');
  mkdirSync(join(dir, 'chnsenticorp'));
  for (const [file, n] of [['train.tsv', 2001], ['dev.tsv', 301]] as const)
    writeFileSync(join(dir, 'chnsenticorp', file), readFileSync(join(DATA, 'chnsenticorp', file), 'utf8').split('\n').slice(0, n).join('\n') + '\n');
});
after(() => rmSync(dir, { recursive: true, force: true }));

const CONTEXT = '《战国无双3》是由光荣和ω-force开发的战国无双系列的正统第三续作。本作以三大故事为主轴，分别是以武田信玄等人为主的《关东三国志》。';

test('ChnSentiCorp + CMRC 2018 train from scratch; the mismatched CMRC answers are reported; a Chinese answer is a span of its context', async () => {
  const config = {
    name: '中文 sentiment + QA',
    backbone: { hidden: 32, layers: 1, heads: 2, intermediate: 64, maxLength: 128, tokenizer: { vocabSize: 1500 } },
    tasks: [
      { name: 'sentiment', type: 'classification', dataset: join(dir, 'chnsenticorp', 'train.tsv'), validation: join(dir, 'chnsenticorp', 'dev.tsv'), text: 'text_a', label: 'label' },
      { name: 'qa', type: 'extractive-qa', dataset: join(DATA, 'cmrc2018', 'cmrc2018_trial.json') },
    ],
    training: { steps: 20, batchSize: 8, evalEvery: 20 },
    threads: 2,
  };
  writeFileSync(join(dir, 'zh.json'), JSON.stringify(config));
  const refused = await chorus('train', '--config', join(dir, 'zh.json'));
  assert.equal(refused.code, 2);
  assert.match(refused.stderr, /tasks\[1\]\.dataset: importing .*cmrc2018_trial\.json' failed: .*5 bad rows/);

  const r = await chorus('train', '--config', join(dir, 'zh.json'), '--yes', '--json');
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /cmrc2018_trial\.json as dataset \d+, leaving out 5 bad row\(s\): .*is not at answer_start/);
  const out = JSON.parse(r.stdout) as { id: number; metrics: { sentiment: { accuracy: number; n: number }; qa: { exact_match: number; f1: number; n: number } } };
  assert.equal(out.metrics.sentiment.n, 300);
  assert.equal(out.metrics.qa.n, 100, 'a seeded 10 % of the 997 good questions held out');
  for (const v of [out.metrics.sentiment.accuracy, out.metrics.qa.exact_match, out.metrics.qa.f1]) assert.ok(v >= 0 && v <= 1);

  const p = await chorus('predict', String(out.id), '--text', '《战国无双3》是由哪两个公司合作开发的？', '--context', CONTEXT, '--json');
  assert.equal(p.code, 0, p.stderr);
  const answer = (JSON.parse(p.stdout) as { qa: { answer: string } }).qa.answer;
  assert.ok(answer.length > 0 && CONTEXT.includes(answer), `the answer "${answer}" is copied from the context`);
});
