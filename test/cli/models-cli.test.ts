// The Models list and runs that start from pre-trained weights, through the CLI: `chorus models import` checks and
// copies a Hugging Face folder; a run from it uses its architecture and vocabulary; a masked-LM pre-training run
// becomes the backbone of a fine-tuning run (`backbone.from: "run:<id>"`).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cliOn } from './cli-harness';

const FIXTURE = join(import.meta.dirname, '..', 'fixtures', 'hf-import', 'bert'); // vocab 30, hidden 8, 16 positions, MLM head
const WORDS = ['the', 'film', 'was', 'plot', 'a', 'story', 'very', 'and', 'cast', 'music', 'great', 'lovely', 'superb', 'awful', 'dull', 'poor', 'good', 'bad', 'it', 'is', 'not', 'quite', 'so', '##s', '##ly'];
let dir = '';
const chorus = cliOn(() => join(dir, 'chorus.db'));

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'chorus-models-'));
  const ckpt = join(dir, 'tiny-bert');
  mkdirSync(ckpt);
  for (const f of ['config.json', 'model.safetensors']) copyFileSync(join(FIXTURE, f), join(ckpt, f));
  writeFileSync(join(ckpt, 'vocab.txt'), ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]', ...WORDS].join('\n') + '\n');
  writeFileSync(join(ckpt, 'tokenizer_config.json'), JSON.stringify({ do_lower_case: true }));
  const bin = join(dir, 'torch-only');
  mkdirSync(bin);
  copyFileSync(join(FIXTURE, 'config.json'), join(bin, 'config.json'));
  writeFileSync(join(bin, 'pytorch_model.bin'), 'not read');
  let s = 7;
  const r = (k: number) => ((s = (s * 1103515245 + 12345) % 2147483648) % k);
  const rows = Array.from({ length: 400 }, () => {
    const label = r(2);
    const words = Array.from({ length: 3 + r(5) }, () => WORDS[r(10)]!);
    words.splice(r(words.length), 0, (label ? ['great', 'lovely', 'superb', 'good'] : ['awful', 'dull', 'poor', 'bad'])[r(4)]!);
    return `${words.join(' ')},${label}`;
  });
  writeFileSync(join(dir, 'reviews.csv'), ['text,label', ...rows].join('\n') + '\n');
});
after(() => rmSync(dir, { recursive: true, force: true }));

test('models import checks and copies a checkpoint folder; the list shows size, vocabulary, max length and source', async () => {
  const r = await chorus('models', 'import', join(dir, 'tiny-bert'), '--name', 'tiny', '--json');
  assert.equal(r.code, 0, r.stderr);
  const m = JSON.parse(r.stdout);
  assert.equal(m.existing, false);
  assert.deepEqual([m.name, m.architecture, m.vocabSize, m.maxLength, m.hidden, m.layers, m.heads], ['tiny', 'bert', 30, 16, 8, 2, 2]);
  assert.equal(m.source, join(dir, 'tiny-bert'));
  assert.ok(m.info.mlmHead, 'the BertForPreTraining head is kept for continued pre-training');
  assert.ok(m.info.ignored.some((n: string) => n.startsWith('cls.seq_relationship')), 'the next-sentence head is listed as left out');
  assert.equal(readFileSync(join(m.folder, 'vocab.txt'), 'utf8'), readFileSync(join(dir, 'tiny-bert', 'vocab.txt'), 'utf8'), 'copied into the data folder');

  const again = JSON.parse((await chorus('models', 'import', join(dir, 'tiny-bert'), '--json')).stdout);
  assert.deepEqual([again.existing, again.id], [true, m.id]);
  const list = await chorus('models');
  assert.match(list.stdout, new RegExp(`^${m.id}\\ttiny\\tbert, 2 layers, hidden 8, 2 heads, .*vocabulary 30, max length 16, masked-LM head\\tfrom ${dir}/tiny-bert`, 'm'));

  const bin = await chorus('models', 'import', join(dir, 'torch-only'));
  assert.notEqual(bin.code, 0);
  assert.match(bin.stderr, /pytorch_model\.bin but no model\.safetensors.*save_pretrained\(.*safe_serialization=True\)/);
  const none = await chorus('models', 'import', join(dir, 'nowhere'));
  assert.notEqual(none.code, 0);
  assert.match(none.stderr, /nowhere: no such folder/);
});

test('a run starts from an imported model: its architecture and vocabulary, the length capped to its positions', async () => {
  const config = {
    name: 'from tiny', backbone: { from: 'pretrained', path: 'tiny', hidden: 256, layers: 4, maxLength: 128 },
    tasks: [{ name: 'sent', type: 'classification', dataset: join(dir, 'reviews.csv') }],
    training: { steps: 30, batchSize: 16, evalEvery: 30, lr: 1e-2 }, threads: 1,
  };
  writeFileSync(join(dir, 'from-model.json'), JSON.stringify(config));
  const r = await chorus('train', '--config', join(dir, 'from-model.json'), '--json');
  assert.equal(r.code, 0, r.stderr);
  const run = JSON.parse(r.stdout).run ?? JSON.parse(r.stdout);
  const info = JSON.parse((await chorus('run', String(run.id), '--json')).stdout);
  assert.equal(info.run.status, 'completed', info.run.error);
  assert.deepEqual([info.run.config.backbone.hidden, info.run.config.backbone.layers, info.run.config.backbone.maxLength], [8, 2, 16]);
  assert.equal(info.run.plan.model.hiddenSize, 8);
  assert.equal(info.run.plan.vocabSize, 30);

  const bad = await chorus('train', '--config', join(dir, 'from-model.json').replace('from-model', 'missing'));
  assert.notEqual(bad.code, 0);
  writeFileSync(join(dir, 'unknown-model.json'), JSON.stringify({ ...config, backbone: { from: 'pretrained', path: 'no-such-model' } }));
  const unknown = await chorus('train', '--config', join(dir, 'unknown-model.json'));
  assert.equal(unknown.code, 2);
  assert.match(unknown.stderr, /backbone\.path: no imported model with id or name 'no-such-model'/);
});

test('masked-LM pre-training, then fine-tuning from that run', async () => {
  const pre = {
    name: 'pre', backbone: { hidden: 32, layers: 1, heads: 2, intermediate: 64, maxLength: 32, tokenizer: { vocabSize: 60 } },
    tasks: [{ name: 'mlm', type: 'masked-lm', dataset: join(dir, 'reviews.csv'), wholeWordMasking: true }],
    training: { steps: 20, batchSize: 16, evalEvery: 20 }, threads: 1,
  };
  writeFileSync(join(dir, 'pre.json'), JSON.stringify(pre));
  const p = await chorus('train', '--config', join(dir, 'pre.json'), '--json');
  assert.equal(p.code, 0, p.stderr);
  const preRun = JSON.parse((await chorus('run', String((JSON.parse(p.stdout).run ?? JSON.parse(p.stdout)).id), '--json')).stdout).run;
  assert.equal(preRun.status, 'completed', preRun.error);
  assert.ok(preRun.summary.tasks.mlm.perplexity > 1, 'perplexity is reported');
  const text = await chorus('run', String(preRun.id));
  assert.match(text.stdout, /mlm: acc \d+\.\d+ perplexity \d+\.\d+/);

  const fine = { name: 'fine', backbone: { from: `run:${preRun.id}` }, tasks: [{ name: 'sent', type: 'classification', dataset: join(dir, 'reviews.csv') }], training: { steps: 20, batchSize: 16, evalEvery: 20 }, threads: 1 };
  writeFileSync(join(dir, 'fine.json'), JSON.stringify(fine));
  const f = await chorus('train', '--config', join(dir, 'fine.json'), '--json');
  assert.equal(f.code, 0, f.stderr);
  const fineRun = JSON.parse((await chorus('run', String((JSON.parse(f.stdout).run ?? JSON.parse(f.stdout)).id), '--json')).stdout).run;
  assert.equal(fineRun.status, 'completed', fineRun.error);
  assert.deepEqual([fineRun.config.backbone.hidden, fineRun.config.backbone.layers, fineRun.plan.vocabSize], [32, 1, preRun.plan.vocabSize]);
  const predict = await chorus('predict', String(preRun.id), '--text', 'the film was [MASK]', '--json');
  assert.equal(predict.code, 0, predict.stderr);
  const fills = JSON.parse(predict.stdout).mlm.fills as { token: string; score: number }[][];
  assert.equal(fills.length, 1, 'one [MASK], one list of candidates');
  assert.equal(fills[0]!.length, 5);
  assert.ok(fills[0]!.every((f, i) => i === 0 || f.score <= fills[0]![i - 1]!.score), 'likeliest first');
});

test('domain adaptation: pre-training continues on an imported model (its masked-LM head included), then fine-tuning', async () => {
  const cont = {
    name: 'adapt', backbone: { from: 'pretrained', path: 'tiny' },
    tasks: [{ name: 'mlm', type: 'masked-lm', dataset: join(dir, 'reviews.csv'), text: 'text' }],
    training: { steps: 10, batchSize: 16, evalEvery: 10 }, threads: 1,
  };
  writeFileSync(join(dir, 'adapt.json'), JSON.stringify(cont));
  const a = await chorus('train', '--config', join(dir, 'adapt.json'), '--json');
  assert.equal(a.code, 0, a.stderr);
  const adapted = JSON.parse((await chorus('run', String(JSON.parse(a.stdout).id), '--json')).stdout).run;
  assert.equal(adapted.status, 'completed', adapted.error);
  assert.equal(adapted.plan.model.hiddenSize, 8);
  const fine = { name: 'after adapt', backbone: { from: `run:${adapted.id}` }, tasks: [{ name: 'sent', type: 'classification', dataset: join(dir, 'reviews.csv') }], training: { steps: 10, batchSize: 16, evalEvery: 10 }, threads: 1 };
  writeFileSync(join(dir, 'after-adapt.json'), JSON.stringify(fine));
  const f = await chorus('train', '--config', join(dir, 'after-adapt.json'), '--json');
  assert.equal(f.code, 0, f.stderr);
  const done = JSON.parse((await chorus('run', String(JSON.parse(f.stdout).id), '--json')).stdout).run;
  assert.equal(done.status, 'completed', done.error);
  assert.equal(done.plan.vocabSize, 30, "the imported model's vocabulary, through the adapted run");
});
