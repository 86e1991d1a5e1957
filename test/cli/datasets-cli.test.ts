// `chorus import / datasets / show / delete` through main(), with captured output.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cliOn } from './cli-harness';

const DATA = join(import.meta.dirname, '..', '..', '..', 'shared', 'datasets');
let dir: string;
let db: string;

const chorus = cliOn(() => db);

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'chorus-cli-'));
  db = join(dir, 'data', 'chorus.db');
});
after(() => rmSync(dir, { recursive: true, force: true }));

test('import two split files as one dataset and print it', async () => {
  const r = await chorus('import', join(DATA, 'stsb/sts-train.csv'), join(DATA, 'stsb/sts-dev.csv'));
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, "imported dataset 1 'sts' (tsv; train 5749, dev 1500): regression on column_6 + column_7 → column_5\n");
  assert.equal(r.stderr, '');
});

test('datasets --json lists id, name, format, rows per split, columns and the suggested task', async () => {
  const r = await chorus('import', join(DATA, 'sms_spam/SMSSpamCollection'), '--name', 'SMS');
  assert.equal(r.code, 0, r.stderr);
  const list = JSON.parse((await chorus('datasets', '--json')).stdout);
  assert.equal(list.length, 2);
  assert.deepEqual(
    list.map((d: { id: number; name: string; format: string; splits: object; suggestion: { type: string } }) => [d.id, d.name, d.format, d.splits, d.suggestion.type]),
    [
      [1, 'sts', 'tsv', { train: 5749, dev: 1500 }, 'regression'],
      [2, 'SMS', 'labeled-lines', { train: 5574 }, 'classification'],
    ],
  );
  assert.deepEqual(list[1].columns.map((c: { name: string }) => c.name), ['label', 'text']);
  const text = await chorus('datasets');
  assert.equal(text.stdout.split('\n')[1], '   2  SMS  (labeled-lines; train 5574)  classification on text → label');
});

test('show prints the dataset and a page of rows; --json gives both', async () => {
  const r = await chorus('show', '2', '--limit', '1');
  assert.equal(r.code, 0);
  assert.match(r.stdout, /^dataset 2 'SMS' \(labeled-lines\) from SMSSpamCollection\nrows: 5574 \(train 5574\)\n/);
  assert.match(r.stdout, /\nlabels: ham 4827, spam 747\n/);
  const j = JSON.parse((await chorus('show', '2', '--json', '--offset', '1', '--limit', '2')).stdout);
  assert.equal(j.dataset.id, 2);
  assert.deepEqual(j.preview.rows[0], { label: 'ham', text: 'Ok lar... Joking wif u oni...' });
  assert.equal(j.preview.rows.length, 2);
});

test('a refused file exits non-zero with the reason naming file and line on stderr', async () => {
  const bad = join(dir, 'bad.csv');
  writeFileSync(bad, 'a,b,c\n1,2,3\n4;5;6\n');
  const r = await chorus('import', bad);
  assert.equal(r.code, 1);
  assert.equal(r.stdout, '');
  assert.equal(r.stderr, 'chorus import: bad.csv: 1 bad row; first: bad.csv line 3: expected 3 fields, found 1. Import the good rows only with acceptBadRows (--yes)\n');
  const ok = await chorus('import', bad, '--yes');
  assert.equal(ok.code, 0);
  assert.equal(ok.stderr, 'chorus import: skipped 1 bad row in bad.csv\n  bad.csv line 3: expected 3 fields, found 1\n');
  const again = await chorus('import', bad, '--json');
  assert.equal(again.code, 1);
  assert.equal(JSON.parse(again.stdout)[0].duplicateOf, 3);
  assert.equal(again.stderr, 'chorus import: bad.csv: already imported as dataset 3\n');
});

test('delete removes a dataset; unknown ids and bad arguments are errors', async () => {
  assert.deepEqual(await chorus('delete', '3'), { code: 0, stdout: 'deleted dataset 3\n', stderr: '' });
  assert.deepEqual(await chorus('delete', '3'), { code: 1, stdout: '', stderr: 'chorus delete: dataset 3 not found\n' });
  assert.deepEqual(await chorus('show', 'x'), { code: 2, stdout: '', stderr: "chorus show: dataset ID must be a positive integer, got 'x'\n" });
  assert.equal((await chorus('import', 'a.csv', '--format', 'xml')).code, 2);
  assert.deepEqual(await chorus('import', join(dir, 'nope.csv')), { code: 1, stdout: '', stderr: 'chorus import: nope.csv: file not found\n' });
});
