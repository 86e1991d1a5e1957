// Malformed and adversarial input files for test/data/hostile.test.ts, each with the exact refusal expected.
import { writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { ImportOptions } from '../../main/data/types';

export interface HostileCase {
  name: string;
  /** File name to write (relative to the case folder) and its bytes; omit to point at `path` instead. */
  file?: string;
  content?: string | Buffer;
  /** A path (relative to the case folder) to import instead of `file`. */
  path?: string;
  opts?: ImportOptions;
  /** The exact ImportResult.error, or a regex it must match in full. */
  error: string | RegExp;
}

const squad = (answerStart: number) =>
  JSON.stringify({
    version: '1.1',
    data: [{ title: 'T', paragraphs: [{ context: 'short context', qas: [{ id: 'q1', question: 'what?', answers: [{ text: 'context', answer_start: answerStart }] }] }] }],
  });

const gbk = Buffer.from([0x6c, 0x61, 0x62, 0x65, 0x6c, 0x09, 0x74, 0x65, 0x78, 0x74, 0x0a, 0x31, 0x09, 0xc4, 0xe3, 0xba, 0xc3, 0x0a]); // label\ttext\n1\t你好 (GBK)
const utf16NoBom = Buffer.from('text,label\nhello,1\n', 'utf16le');
const lateNul = Buffer.concat([Buffer.from('text,label\n' + 'hello world,1\n'.repeat(6000)), Buffer.from('bad\0row,1\n')]);

export const HOSTILE_CASES: HostileCase[] = [
  { name: 'empty file', file: 'empty.csv', content: '', error: 'empty.csv: empty file (0 bytes)' },
  { name: 'BOM only', file: 'bom.csv', content: Buffer.from([0xef, 0xbb, 0xbf]), error: 'bom.csv: empty file (only a byte-order mark)' },
  { name: 'blank lines only', file: 'blank.csv', content: '\n\n   \n', error: 'blank.csv: no rows (the file is blank)' },
  { name: 'header only', file: 'header.csv', content: 'text,label\n', error: 'header.csv: no rows (only a header)' },
  { name: 'truncated quote', file: 'trunc-quote.csv', content: 'text,label\n"hello,1\nworld,0\n', error: 'trunc-quote.csv:2: unterminated quoted field (the file may be truncated)' },
  {
    name: 'mixed delimiters',
    file: 'mixed.csv',
    content: 'a,b,c\n1,2,3\n4;5;6\n7,8,9\n',
    error: 'mixed.csv: 1 bad row; first: mixed.csv line 3: expected 3 fields, found 1. Import the good rows only with acceptBadRows (--yes)',
  },
  {
    name: 'text after a closing quote',
    file: 'quote-garbage.csv',
    content: 'text,label\n"x"y,1\nok,0\n',
    error: 'quote-garbage.csv: 1 bad row; first: quote-garbage.csv line 2: unexpected character after a closing quote in field 1. Import the good rows only with acceptBadRows (--yes)',
  },
  { name: 'invalid UTF-8', file: 'latin1.csv', content: Buffer.from('text,label\ncaf\xe9,1\n', 'latin1'), error: 'latin1.csv:2: not valid UTF-8 (byte 0xe9 at offset 14); save the file as UTF-8' },
  { name: 'GBK text', file: 'gbk.tsv', content: gbk, error: 'gbk.tsv:2: not valid UTF-8 (byte 0xc4 at offset 13); save the file as UTF-8, or import it with --encoding gb18030 (it looks like Chinese GBK/GB18030 text)' },
  { name: 'NUL byte near the start', file: 'nul.csv', content: 'a,b\n1,\0\n', error: 'nul.csv:2: binary file (NUL byte at offset 6); expected text, JSON or Parquet' },
  { name: 'NUL byte after 64 KiB', file: 'late-nul.csv', content: lateNul, error: 'late-nul.csv:6002: NUL byte in text; the file looks binary' },
  { name: 'binary file', file: 'blob.bin', content: Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d]), error: 'blob.bin:3: binary file (NUL byte at offset 8); expected text, JSON or Parquet' },
  { name: 'UTF-16 without BOM', file: 'utf16.csv', content: utf16NoBom, error: 'utf16.csv: looks like UTF-16 without a byte-order mark; save it as UTF-8 (or UTF-16 with a BOM)' },
  { name: '1 MB single line', file: 'wide-line.csv', content: 'a,'.repeat(1 << 19) + 'a\n', error: 'wide-line.csv:1: too many columns (524289; the limit is 1000)' },
  { name: '10k columns', file: 'cols.csv', content: Array.from({ length: 10000 }, (_, i) => `c${i}`).join(',') + '\n' + '1,'.repeat(9999) + '1\n', error: 'cols.csv:1: too many columns (10000; the limit is 1000)' },
  { name: 'duplicate headers', file: 'dup-header.csv', content: 'a,b,a\nx,y,z\n', error: "dup-header.csv:1: duplicate column name 'a' (columns 1 and 3)" },
  { name: 'label column empty', file: 'no-labels.csv', content: 'text,label\nhello there,\nworld at large,\n', error: "no-labels.csv: column 'label' is empty in every row" },
  {
    name: 'CoNLL with a wrong column count',
    file: 'ner.conll',
    content: '-DOCSTART- -X- -X- O\n\nEU NNP B-NP B-ORG\nrejects VBZ B-VP O\n\nPeter NNP B-NP\nBlackburn NNP I-NP I-PER\n\n',
    error: 'ner.conll: 1 bad row; first: ner.conll line 6: expected 4 columns, found 3. Import the good rows only with acceptBadRows (--yes)',
  },
  {
    name: 'SQuAD answer offset outside the context',
    file: 'squad-out.json',
    content: squad(400),
    error: 'squad-out.json: no valid rows (1 bad; first: squad-out.json line 1, record 1: question q1: answer "context" at answer_start 400 lies outside the context (13 characters))',
  },
  {
    name: 'SQuAD answer at the wrong offset',
    file: 'squad-off.json',
    content: squad(0),
    error: 'squad-off.json: no valid rows (1 bad; first: squad-off.json line 1, record 1: question q1: answer "context" is not at answer_start 0 (it occurs at 6))',
  },
  { name: 'Parquet that is not Parquet', file: 'fake.parquet', content: 'text,label\nhi,1\n', error: 'fake.parquet: not a Parquet file (it does not start with the PAR1 magic bytes)' },
  { name: 'truncated Parquet', file: 'cut.parquet', content: 'PAR1\x15\x00\x15\x1c', error: /^cut\.parquet: not a valid Parquet file \(.+\)$/ },
  { name: 'truncated JSON array', file: 'cut.json', content: '[{"a": 1},\n {"a": 2', error: 'cut.json:2: truncated JSON: unexpected end of file' },
  { name: 'JSON array of numbers', file: 'numbers.json', content: '[1, 2]', error: 'numbers.json: no valid rows (2 bad; first: numbers.json line 1, record 1: expected an object, found a number)' },
  { name: 'empty JSON array', file: 'none.json', content: '[]', error: 'none.json: no rows' },
  {
    name: 'JSON object that is not SQuAD',
    file: 'object.json',
    content: '{\n  "rows": [1]\n}\n',
    error: 'object.json:1: a JSON object that is neither SQuAD (data → paragraphs → qas) nor JSON Lines; give an array of objects',
  },
  {
    name: 'JSONL bad line 2',
    file: 'bad.jsonl',
    content: '{"text": "a", "label": 1}\n{"text": "b", "label":\n{"text": "c", "label": 0}\n',
    error: /^bad\.jsonl: 1 bad row; first: bad\.jsonl line 2: invalid JSON \(.+\)\. Import the good rows only with acceptBadRows \(--yes\)$/,
  },
  { name: 'folder given via ..', path: 'sub/../../files', error: 'files: not a regular file (is it a folder?)' },
  { name: 'missing file', path: '../does-not-exist.csv', error: 'does-not-exist.csv: file not found' },
  {
    name: 'display name used in messages',
    file: 'tmp-upload-123',
    content: 'a,b\n1\n',
    opts: { displayNames: ['reviews.csv'] },
    error: 'reviews.csv: no valid rows (1 bad; first: reviews.csv line 2: expected 2 fields, found 1)',
  },
];

/** Writes every case's file under dir; returns the path to import for each. */
export function writeCases(dir: string): string[] {
  mkdirSync(join(dir, 'sub'), { recursive: true });
  return HOSTILE_CASES.map((c) => {
    if (c.file !== undefined) writeFileSync(join(dir, c.file), c.content ?? '');
    return join(dir, c.path ?? c.file!);
  });
}
