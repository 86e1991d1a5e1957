// Imports of the real datasets in ../shared/datasets: exact row counts, label sets and suggested tasks.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { useServiceFixture } from './service-fixture';
import type { DatasetSummary, ImportOptions } from '../../main/data/types';

const DATA = join(import.meta.dirname, '..', '..', '..', 'shared', 'datasets');
const fx = useServiceFixture('chorus-shared-');

async function importOk(files: string[], opts?: ImportOptions): Promise<DatasetSummary> {
  const results = await fx.svc.importFiles(files.map((f) => join(DATA, f)), opts);
  assert.equal(results.length, 1);
  const r = results[0];
  assert.ok(r.ok, r.ok ? '' : r.error);
  assert.equal(r.badRows, 0);
  return r.dataset;
}

const labels = (d: DatasetSummary) => Object.fromEntries((d.suggestion.labels ?? []).map((l) => [l.value, l.count]));

test('SST-2 train + dev become one dataset: classification on sentence → label', async () => {
  const d = await importOk(['sst2/train.tsv', 'sst2/dev.tsv']);
  assert.equal(d.name, 'sst2');
  assert.equal(d.format, 'tsv');
  assert.deepEqual(d.files, ['train.tsv', 'dev.tsv']);
  assert.deepEqual(d.splits, { train: 67349, dev: 872 });
  assert.deepEqual(d.columns.map((c) => [c.name, c.kind]), [['sentence', 'text'], ['label', 'label']]);
  assert.equal(d.suggestion.type, 'classification');
  assert.equal(d.suggestion.text, 'sentence');
  assert.equal(d.suggestion.label, 'label');
  assert.deepEqual(labels(d), { '0': 29780 + 428, '1': 37569 + 444 });
  const page = fx.svc.preview(d.id, 'dev', 0, 2);
  assert.equal(page.total, 872);
  assert.deepEqual(page.rows[0], { sentence: "it 's a charming and often affecting journey . ", label: '1' });
});

test('CoNLL-2003: sentences with tokens and tags, token-classification over 9 tags', async () => {
  const d = await importOk(['conll2003/train.txt', 'conll2003/dev.txt']);
  assert.equal(d.format, 'conll');
  assert.deepEqual(d.splits, { train: 14041, dev: 3250 });
  assert.equal(d.suggestion.type, 'token-classification');
  const tags = labels(d);
  assert.deepEqual(Object.keys(tags).sort(), ['B-LOC', 'B-MISC', 'B-ORG', 'B-PER', 'I-LOC', 'I-MISC', 'I-ORG', 'I-PER', 'O']);
  assert.equal(Object.values(tags).reduce((a, b) => a + b, 0), 203621 + 51362);
  const first = fx.svc.preview(d.id, 'train', 0, 1).rows[0];
  assert.deepEqual(first, {
    tokens: ['EU', 'rejects', 'German', 'call', 'to', 'boycott', 'British', 'lamb', '.'],
    pos: ['NNP', 'VBZ', 'JJ', 'NN', 'TO', 'VB', 'JJ', 'NN', '.'],
    chunk: ['B-NP', 'B-VP', 'B-NP', 'I-NP', 'B-VP', 'I-VP', 'B-NP', 'I-NP', 'O'],
    tags: ['B-ORG', 'O', 'B-MISC', 'O', 'O', 'O', 'B-MISC', 'O', 'O'],
  });
});

test('TREC: label-prefixed lines, COARSE:fine labels kept as given with coarse counts in the reason', async () => {
  const d = await importOk(['trec/train_5500.label']);
  assert.equal(d.format, 'labeled-lines');
  assert.equal(d.name, 'trec');
  assert.deepEqual(d.splits, { train: 5452 });
  assert.equal(d.suggestion.type, 'classification');
  assert.equal(d.suggestion.labels?.length, 50);
  assert.match(d.suggestion.reason, /coarse classes: .*ABBR 86.*/);
  for (const [k, n] of Object.entries({ ABBR: 86, DESC: 1162, ENTY: 1250, HUM: 1223, LOC: 835, NUM: 896 }))
    assert.ok(d.suggestion.reason.includes(`${k} ${n}`), k);
  assert.deepEqual(fx.svc.preview(d.id, 'train', 0, 1).rows[0], { label: 'DESC:manner', text: 'How did serfdom develop in and then leave Russia ?' });
});

test('SMS Spam: label<TAB>text with bare quotes', async () => {
  const d = await importOk(['sms_spam/SMSSpamCollection']);
  assert.equal(d.format, 'labeled-lines');
  assert.deepEqual(d.splits, { train: 5574 });
  assert.deepEqual(labels(d), { ham: 4827, spam: 747 });
  assert.equal(d.suggestion.type, 'classification');
});

test('MRPC: BOM, bare quotes read without quoting, pair-classification', async () => {
  const d = await importOk(['mrpc/msr_paraphrase_train.txt']);
  assert.equal(d.format, 'tsv');
  assert.deepEqual(d.splits, { train: 4076 });
  assert.deepEqual(d.columns.map((c) => c.name), ['Quality', '#1 ID', '#2 ID', '#1 String', '#2 String']);
  assert.deepEqual(labels(d), { '1': 2753, '0': 1323 });
  assert.equal(d.suggestion.type, 'pair-classification');
  assert.equal(d.suggestion.textPair, '#2 String');
});

test('STS-B: tab-separated .csv without header, bare quotes, regression on the score', async () => {
  const d = await importOk(['stsb/sts-train.csv', 'stsb/sts-dev.csv']);
  assert.equal(d.format, 'tsv');
  assert.deepEqual(d.splits, { train: 5749, dev: 1500 });
  assert.equal(d.suggestion.type, 'regression');
  assert.deepEqual([d.suggestion.text, d.suggestion.textPair, d.suggestion.label], ['column_6', 'column_7', 'column_5']);
  const extra = d.columns.find((c) => c.name === 'column_8');
  assert.equal(extra && 5749 + 1500 - extra.empty, 197 + 22);
});

test('XQuAD: one row per question, extractive-qa', async () => {
  const d = await importOk(['xquad/xquad.en.json']);
  assert.equal(d.format, 'squad');
  assert.deepEqual(d.splits, { train: 1190 });
  assert.equal(d.suggestion.type, 'extractive-qa');
  const row = fx.svc.preview(d.id, 'train', 0, 1).rows[0] as { context: string; answers: { text: string; answer_start: number }[] };
  assert.deepEqual(Object.keys(row), ['id', 'title', 'question', 'context', 'answers']);
  const a = row.answers[0];
  assert.equal(row.context.slice(a.answer_start, a.answer_start + a.text.length), a.text);
});

test('CMRC 2018: the 5 answers off their answer_start are reported; --yes imports the other 997', async () => {
  const [refused] = await fx.svc.importFiles([join(DATA, 'cmrc2018/cmrc2018_trial.json')]);
  assert.equal(refused.ok, false);
  assert.equal(refused.issues.length, 5);
  assert.ok(refused.issues.every((i) => i.file === 'cmrc2018_trial.json' && /^question TRIAL_210_QUERY_\d: answer ".+" is not at answer_start \d+ \(it occurs at \d+\)$/.test(i.reason)));
  const [r] = await fx.svc.importFiles([join(DATA, 'cmrc2018/cmrc2018_trial.json')], { acceptBadRows: true });
  assert.ok(r.ok);
  if (r.ok) {
    assert.equal(r.badRows, 5);
    assert.deepEqual(r.dataset.splits, { trial: 997 });
  }
});

test('SciTLDR: JSONL with source/target lists suggests generation', async () => {
  const d = await importOk(['scitldr/train.jsonl', 'scitldr/dev.jsonl']);
  assert.equal(d.format, 'jsonl');
  assert.deepEqual(d.splits, { train: 1992, dev: 619 });
  assert.equal(d.suggestion.type, 'generation');
  assert.deepEqual([d.suggestion.text, d.suggestion.label], ['source', 'target']);
});

test('ChnSentiCorp: Chinese TSV, classification', async () => {
  const d = await importOk(['chnsenticorp/train.tsv', 'chnsenticorp/dev.tsv']);
  assert.deepEqual(d.splits, { train: 9600, dev: 1200 });
  assert.deepEqual(labels(d), { '0': 4801 + 607, '1': 4799 + 593 });
  assert.equal(d.suggestion.text, 'text_a');
});

test('list, get, delete', async () => {
  const all = fx.svc.list();
  assert.ok(all.length >= 9);
  const last = all[all.length - 1];
  assert.deepEqual(fx.svc.get(last.id), last);
  fx.svc.delete(last.id);
  assert.throws(() => fx.svc.get(last.id), { name: 'NotFoundError', message: `dataset ${last.id} not found` });
  assert.throws(() => fx.svc.delete(last.id), { name: 'NotFoundError' });
  assert.equal((fx.store.db.prepare('SELECT count(*) AS n FROM examples WHERE dataset_id = ?').get(last.id) as { n: number }).n, 0);
  assert.throws(() => fx.svc.preview(all[0].id, 'nope', 0, 1), { message: `dataset ${all[0].id} has no split 'nope' (it has train, dev)` });
});
