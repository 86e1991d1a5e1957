// Masked-LM pre-training with `pack: true` lays several texts into each row: rows start at a text, no text is
// truncated, every token of the corpus is read exactly once per pass, and perplexity stays per held-out text.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { packTokenStreams } from '../../main/training/packing';
import { parseRunConfig } from '../../main/training/config';
import { prepareRun, type DatasetSource } from '../../main/training/prepare';

const SEP = 99;
const ROOM = 62; // a 64-token row less [CLS] and [SEP]

test('texts share a row, a separator between two, while they fit; a text that does not fit opens the next row', () => {
  const rows = packTokenStreams([[1, 2], [3], [], [4, 5, 6], [7], [8]], 5, SEP);
  assert.deepEqual(rows, [[1, 2, SEP, 3], [4, 5, 6, SEP, 7], [8]]);
});

test('a text longer than a row fills rows of its own; its last piece opens a row that later texts join', () => {
  assert.deepEqual(packTokenStreams([[9], [1, 2, 3, 4, 5, 6, 7], [8]], 3, SEP), [[9], [1, 2, 3], [4, 5, 6], [7, SEP, 8]]);
  assert.deepEqual(packTokenStreams([[1, 2], [3, 4]], 2, SEP), [[1, 2], [3, 4]]);
  assert.deepEqual(packTokenStreams([[], []], 3, SEP), []);
  assert.throws(() => packTokenStreams([[1]], 0, SEP), /row length must be a positive integer, not 0/);
});

const words = ['the', 'cat', 'a', 'dog', 'sees', 'likes', 'red', 'old', 'books', 'tea', 'at', 'night', 'every', 'day'];
function texts(n: number): Record<string, unknown>[] {
  let s = 7;
  const r = (k: number) => ((s = (s * 1103515245 + 12345) % 2147483648) % k);
  // mostly short texts, now and then one longer than a row; each text its own (numbered)
  return Array.from({ length: n }, (_, i) => ({ text: `${i} ${Array.from({ length: i % 17 === 0 ? 40 : 2 + r(6) }, () => words[r(words.length)]).join(' ')}` }));
}
const data = { '1': texts(300) };
const source: DatasetSource = {
  describe: (ref) => ({ id: Number(ref), name: `ds${ref}`, splits: { train: data[ref as '1'].length }, columns: [{ name: 'text', kind: 'text' }] }),
  rows: (id) => data[String(id) as '1'],
};
const config = (pack?: boolean) => parseRunConfig({
  name: 'pre', backbone: { hidden: 16, layers: 1, heads: 2, intermediate: 32, maxLength: 64, tokenizer: { vocabSize: 40 } },
  tasks: [{ name: 'mlm', type: 'masked-lm', dataset: '1', text: 'text', maxLength: 64, heldOut: { fraction: 0.1 }, ...(pack === undefined ? {} : { pack }) }],
  training: { steps: 1, batchSize: 8, seed: 1 }, threads: 1,
});

test('pack: true gives [CLS] … [SEP] rows of whole texts that hold every training token once', async () => {
  const { tokenizer: tok, tasks: [task] } = await prepareRun(config(true), source);
  const { cls, sep } = tok.specials;
  const rows = task!.train;
  for (const row of rows) {
    assert.equal(row.ids[0], cls);
    assert.equal(row.ids.at(-1), sep);
  }
  // a row is closed only when the next text does not fit after a [SEP]
  rows.slice(0, -1).forEach((row, i) => {
    const next = rows[i + 1]!.ids.slice(1, -1), firstText = next.indexOf(sep) < 0 ? next.length : next.indexOf(sep);
    assert.ok(row.ids.length - 2 + 1 + firstText > ROOM, `row ${i} (${row.ids.length - 2} tokens) had room for the next text (${firstText})`);
  });
  // cut at [SEP], the rows hold the training texts' tokens, each text once and whole: a text longer than a row's
  // room (62 tokens) as pieces of that size, each opening a row
  const trainTexts = task!.split.trainCount;
  assert.ok(trainTexts >= 260 && trainTexts < 300, `${trainTexts} training texts`);
  const segments = rows.flatMap((row) => {
    const parts: number[][] = [[]];
    for (const id of row.ids.slice(1, -1)) if (id === sep) parts.push([]); else parts.at(-1)!.push(id);
    return parts;
  });
  const heldOut = new Set(task!.validationSources.map((v) => (v as { text: string }).text));
  const trainRows = data['1'].map((r) => String(r.text)).filter((t) => !heldOut.has(t));
  const pieces = (await tok.tokenizeBatch(trainRows)).flatMap(({ ids }) => Array.from({ length: Math.ceil(ids.length / ROOM) }, (_, k) => ids.slice(k * ROOM, k * ROOM + ROOM)));
  assert.ok(pieces.length > trainTexts, 'some texts are longer than a row');
  const key = (ids: number[]) => ids.join(' ');
  assert.deepEqual(segments.map(key).sort(), pieces.map(key).sort());
  assert.ok(rows.length < pieces.length / 2, `${rows.length} rows for ${pieces.length} texts and pieces`);
  // held-out texts are scored one per row (truncated to the task's length), as without packing
  assert.equal(task!.validation.length, task!.split.validationCount);
  assert.ok(task!.validation.every((v) => v.ids.length <= 64 && v.ids[0] === cls));
});

test('by default (pack: false) each training text is one row, truncated to the task length', async () => {
  const { tasks: [task] } = await prepareRun(config(), source);
  assert.equal(task!.train.length, task!.split.trainCount);
  assert.ok(task!.train.some((row) => row.ids.length < 64), 'short texts give short rows');
  assert.ok(task!.train.every((row) => row.ids.length <= 64));
  assert.ok(task!.train.some((row) => row.ids.length === 64), 'a long text is cut at the task length');
});
