// Each importer on small generated files: what a row becomes, what is detected from the content.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { splitFromName } from '../../main/data/dataset-service';
import { useServiceFixture } from './service-fixture';
import type { DatasetSummary, ImportOptions, ImportProgress } from '../../main/data/types';

const fx = useServiceFixture('chorus-importers-');

async function importBytes(name: string, content: string | Buffer | Uint8Array, opts?: ImportOptions) {
  const path = join(fx.dir, name);
  writeFileSync(path, content);
  const [r] = await fx.svc.importFiles([path], opts);
  assert.ok(r.ok, r.ok ? '' : r.error);
  return { d: r.dataset as DatasetSummary, rows: fx.svc.preview(r.dataset.id, Object.keys(r.dataset.splits)[0], 0, 100).rows };
}

test('CSV: quoted fields, doubled quotes, embedded newlines, CRLF', async () => {
  const { d, rows } = await importBytes('q.csv', 'text,label\r\n"a, b",1\r\n"say ""hi""\r\nsecond line",0\r\nplain,1\r\n');
  assert.equal(d.format, 'csv');
  assert.deepEqual(rows, [
    { text: 'a, b', label: '1' },
    { text: 'say "hi"\nsecond line', label: '0' },
    { text: 'plain', label: '1' },
  ]);
});

test('CSV: UTF-8 BOM and semicolon delimiter', async () => {
  const { d, rows } = await importBytes('semi.csv', '\ufefftext;label\nbonjour, monde;pos\nau revoir;neg\n');
  assert.deepEqual(d.columns.map((c) => c.name), ['text', 'label']);
  assert.deepEqual(rows[0], { text: 'bonjour, monde', label: 'pos' });
});

test('UTF-16 LE and BE with BOM are decoded', async () => {
  const text = 'text,label\nnaïve café,1\n日本語,0\n';
  const le = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
  const be = Buffer.from(le);
  be.swap16();
  for (const [name, bytes] of [['le.csv', le], ['be.csv', be]] as const) {
    const { rows } = await importBytes(name, bytes);
    assert.deepEqual(rows, [{ text: 'naïve café', label: '1' }, { text: '日本語', label: '0' }]);
  }
});

test('GB18030 (GBK) text is read when the user names the encoding, and refused with that advice otherwise', async () => {
  // label\ttext / 1\t你好世界 / 0\t很差, encoded GB18030 (TextEncoder only writes UTF-8, so the bytes are spelled out)
  const gb = Buffer.from('6c6162656c0974657874 0a 3109c4e3bac3cac0bde7 0a 3009badcb2ee 0a'.replace(/ /g, ''), 'hex');
  const { rows } = await importBytes('zh.tsv', gb, { encoding: 'gb18030' });
  assert.deepEqual(rows, [{ label: '1', text: '你好世界' }, { label: '0', text: '很差' }]);
  const path = join(fx.dir, 'zh2.tsv');
  writeFileSync(path, Buffer.concat([gb, gb.subarray(gb.indexOf(0x0a) + 1)])); // other bytes: the same file would be a re-import
  const [r] = await fx.svc.importFiles([path]);
  assert.ok(!r.ok);
  assert.match(r.error, /not valid UTF-8 .*--encoding gb18030 \(it looks like Chinese GBK\/GB18030 text\)/);
});

test('format is detected from the content, not the extension', async () => {
  const json = await importBytes('data.txt', '[{"text": "a", "label": "x"}, {"text": "b", "label": "y"}]');
  assert.equal(json.d.format, 'json');
  assert.deepEqual(json.rows[1], { text: 'b', label: 'y' });
  const tsv = await importBytes('data.csv', 'text\tlabel\nhello, world\t1\nbye\t0\n');
  assert.equal(tsv.d.format, 'tsv');
  const jsonl = await importBytes('data.json', '{"a": 1}\n{"a": 2}\n');
  assert.equal(jsonl.d.format, 'jsonl');
  assert.deepEqual(jsonl.rows, [{ a: 1 }, { a: 2 }]);
});

test('JSON array elements may span chunks and contain brackets in strings', async () => {
  const items = Array.from({ length: 3000 }, (_, i) => ({ text: `row ${i} [with] {braces} "quoted" ,`.repeat(20), label: i % 3 }));
  const { d, rows } = await importBytes('big.json', JSON.stringify(items, null, 1));
  assert.equal(d.rowCount, 3000);
  assert.deepEqual(rows[5], items[5]);
});

test('fastText and TREC label prefixes become label/text columns', async () => {
  const ft = await importBytes('ft.txt', '__label__pos great movie\n__label__neg awful\n__label__pos __label__fun loved it\n');
  assert.equal(ft.d.format, 'labeled-lines');
  assert.deepEqual(ft.rows[2], { label: 'pos,fun', text: 'loved it' });
  const trec = await importBytes('q.label', 'NUM:date When was it ?\nHUM:ind Who is he ?\n');
  assert.deepEqual(trec.rows[0], { label: 'NUM:date', text: 'When was it ?' });
});

test('Parquet is read row group by row group', async () => {
  const n = 2500;
  const buf = parquetWriteBuffer({
    columnData: [
      { name: 'text', data: Array.from({ length: n }, (_, i) => `text ${i}`), type: 'STRING' },
      { name: 'label', data: Array.from({ length: n }, (_, i) => i % 2), type: 'INT32' },
    ],
    rowGroupSize: 1000,
  });
  const { d, rows } = await importBytes('t.parquet', new Uint8Array(buf));
  assert.equal(d.format, 'parquet');
  assert.deepEqual(d.splits, { train: n });
  assert.deepEqual(rows[3], { text: 'text 3', label: 1 });
  assert.equal(d.suggestion.type, 'classification');
});

test('a TSV with a quoted field spanning lines keeps RFC quoting when the rows stay whole', async () => {
  const { rows } = await importBytes('multi.tsv', 'text\tlabel\n"two\nlines"\t1\nplain\t0\n');
  assert.deepEqual(rows, [{ text: 'two\nlines', label: '1' }, { text: 'plain', label: '0' }]);
});

test('a TSV whose quotes would merge rows is read without quoting', async () => {
  const { rows } = await importBytes('bare.tsv', 'a\tb\n"he said\t1\nshe "said" it\t0\n');
  assert.deepEqual(rows, [{ a: '"he said', b: '1' }, { a: 'she "said" it', b: '0' }]);
});

test('split comes from the option, else the file name; display names are stored', async () => {
  assert.equal(splitFromName('sts-dev.csv'), 'dev');
  assert.equal(splitFromName('validation.jsonl'), 'validation');
  assert.equal(splitFromName('my_val_set.csv'), 'validation');
  assert.equal(splitFromName('contest.csv'), undefined);
  const { d } = await importBytes('upload-1', 'text,label\nx,1\ny,0\n', { split: 'test', displayNames: ['reviews.csv'], name: 'Reviews' });
  assert.deepEqual(d.splits, { test: 2 });
  assert.deepEqual(d.files, ['reviews.csv']);
  assert.equal(d.name, 'Reviews');
});

test('progress is reported up to the full size', async () => {
  const path = join(fx.dir, 'progress.csv');
  const body = 'text,label\n' + 'a fairly ordinary line of text,1\n'.repeat(100_000);
  writeFileSync(path, body);
  const seen: ImportProgress[] = [];
  const [r] = await fx.svc.importFiles([path], {}, (p) => seen.push(p));
  assert.ok(r.ok);
  assert.ok(seen.length >= 3);
  assert.deepEqual(seen[seen.length - 1], { file: 'progress.csv', bytesRead: body.length, totalBytes: body.length, rows: 100_000 });
});

test('concurrent imports are serialised, not refused as locked', async () => {
  const a = join(fx.dir, 'conc-a.csv');
  const b = join(fx.dir, 'conc-b.csv');
  writeFileSync(a, 'text,label\n' + 'alpha beta gamma,1\n'.repeat(50_000));
  writeFileSync(b, 'text,label\n' + 'delta epsilon,0\n'.repeat(50_000));
  const [[ra], [rb]] = await Promise.all([fx.svc.importFiles([a]), fx.svc.importFiles([b])]);
  assert.ok(ra.ok && rb.ok, JSON.stringify([ra, rb]).slice(0, 300));
});

test('a line longer than 64 M characters is refused instead of exhausting memory', async () => {
  const { readLines } = await import('../../main/data/importers/text');
  const piece = 'x'.repeat(1 << 20);
  async function* chunks() {
    for (let i = 0; i < 70; i++) yield { text: piece, bytesRead: (i + 1) << 20 };
  }
  await assert.rejects(async () => {
    for await (const _ of readLines(chunks(), 'huge.jsonl')) void _;
  }, { name: 'ImportError', message: 'huge.jsonl:1: line longer than 64 M characters' });
});

test('lines split across chunks are joined', async () => {
  const { readLines } = await import('../../main/data/importers/text');
  async function* chunks() {
    for (const text of ['ab', 'c\r', '\nd', 'e\nf']) yield { text, bytesRead: 0 };
  }
  const got: string[] = [];
  for await (const b of readLines(chunks())) got.push(...b.lines.map((l, i) => `${b.first + i}:${l}`));
  assert.deepEqual(got, ['1:abc', '2:de', '3:f']);
});

test('a .txt of sentences is plain text, one row per non-empty line (pre-training text); commas do not make it CSV', async () => {
  const { d, rows } = await importBytes('domain.txt', 'The first line of domain text.\nAnother sentence here, with a comma.\n\nA third one; and a semicolon.\n');
  assert.equal(d.format, 'text-lines');
  assert.deepEqual(d.columns.map((c) => [c.name, c.kind]), [['text', 'text']]);
  assert.deepEqual(rows, [{ text: 'The first line of domain text.' }, { text: 'Another sentence here, with a comma.' }, { text: 'A third one; and a semicolon.' }]);
  const tsv = await importBytes('pairs.txt', 'a\tb\nc\td\ne\tf\n');
  assert.notEqual(tsv.d.format, 'text-lines', 'a .txt with a consistent delimiter stays tabular');
});
