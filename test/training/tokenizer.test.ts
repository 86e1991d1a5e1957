import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CLS_ID,
  MASK_ID,
  PAD_ID,
  SEP_ID,
  UNK_ID,
  WordPieceTokenizer,
  truncateLongestFirst,
} from '../../main/training/tokenizer';
import { hasDatasets, readConll, readSst, sharedTokenizer } from './helpers';

const tiny = [
  'The quick brown fox jumps over the lazy dog.',
  'Café au lait, naïve résumé!',
  '北京是中国的首都 and Tokyo is big',
  'unaffable playing players played plays',
  'a b c d e f g h i j k l m n o p q r s t u v w x y z 0 1 2 3 4 5 6 7 8 9',
];

test('special tokens sit at fixed ids and vocab size is honoured', () => {
  const tok = WordPieceTokenizer.train(tiny, { vocabSize: 60 });
  assert.equal(tok.vocabSize, 60);
  assert.deepEqual(
    ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]'].map((t) => tok.tokenToId(t)),
    [PAD_ID, UNK_ID, CLS_ID, SEP_ID, MASK_ID],
  );
  assert.deepEqual([PAD_ID, UNK_ID, CLS_ID, SEP_ID, MASK_ID], [0, 1, 2, 3, 4]);
  assert.throws(() => WordPieceTokenizer.train(['ab'], { vocabSize: 8000 }), /too small/);
});

test('BERT normalisation: lowercase, accents stripped, CJK split, offsets in UTF-16 units', async () => {
  const tok = WordPieceTokenizer.train(tiny, { vocabSize: 200, allowSmaller: true });
  const text = '😀 Café 北京';
  const p = await tok.tokenize(text);
  const toks = p.ids.map((i) => tok.idToToken(i));
  assert.ok(toks.includes('北') && toks.includes('京'), `${toks.join(' ')}`);
  const slices = p.offsets.map(([a, b]) => text.slice(a, b));
  assert.ok(slices.includes('北') && slices.includes('京'));
  assert.ok(slices.some((s) => s.startsWith('Caf')));
  // accents stripped + lowercased: "café" and "cafe" tokenize the same
  assert.deepEqual((await tok.tokenize('CAFÉ')).ids, (await tok.tokenize('cafe')).ids);
});

test('single encode: [CLS] … [SEP], truncation, mask, offsets', async () => {
  const tok = WordPieceTokenizer.train(tiny, { vocabSize: 200, allowSmaller: true });
  const e = await tok.encode('the quick brown fox jumps over the lazy dog', 6);
  assert.equal(e.ids.length, 6);
  assert.equal(e.ids[0], CLS_ID);
  assert.equal(e.ids[5], SEP_ID);
  assert.deepEqual(e.attentionMask, [1, 1, 1, 1, 1, 1]);
  assert.deepEqual(e.typeIds, [0, 0, 0, 0, 0, 0]);
  assert.deepEqual(e.offsets[0], [0, 0]);
  assert.deepEqual(e.offsets[1], [0, 3]);
  const full = await tok.encode('the fox', 64);
  assert.equal(full.ids.length, 4);
});

test('pair encode: token types 1 on segment b and its closing [SEP]; longest-first truncation', async () => {
  const tok = WordPieceTokenizer.train(tiny, { vocabSize: 200, allowSmaller: true });
  const e = await tok.encodePair('the fox', 'the lazy dog', 64);
  const a = (await tok.tokenize('the fox')).ids.length;
  const b = (await tok.tokenize('the lazy dog')).ids.length;
  assert.equal(e.ids.length, a + b + 3);
  assert.deepEqual(e.typeIds, [...Array(a + 2).fill(0), ...Array(b + 1).fill(1)]);
  assert.equal(e.ids[a + 1], SEP_ID);
  assert.equal(e.ids[e.ids.length - 1], SEP_ID);
  assert.deepEqual(e.sequenceIds, [null, ...Array(a).fill(0), null, ...Array(b).fill(1), null]);
  // longest-first
  assert.deepEqual(truncateLongestFirst(10, 3, 8), [5, 3]);
  assert.deepEqual(truncateLongestFirst(3, 10, 8), [3, 5]);
  assert.deepEqual(truncateLongestFirst(6, 6, 8), [4, 4]);
  assert.deepEqual(truncateLongestFirst(2, 2, 8), [2, 2]);
  const t = await tok.encodePair('a b c d e f g h i j', 'x y z', 11);
  assert.equal(t.ids.length, 11);
  assert.equal(t.typeIds.filter((x) => x === 1).length, 4); // x y z [SEP]
});

test('save / load round-trips to a standard tokenizer.json', async () => {
  const tok = WordPieceTokenizer.train(tiny, { vocabSize: 200, allowSmaller: true });
  const dir = mkdtempSync(join(tmpdir(), 'chorus-tok-'));
  try {
    const f = join(dir, 'tokenizer.json');
    tok.save(f);
    const json = JSON.parse(readFileSync(f, 'utf8')) as { model: { type: string } };
    assert.equal(json.model.type, 'WordPiece');
    const back = WordPieceTokenizer.load(f);
    const s = 'Café au lait, the quick fox';
    assert.deepEqual(await back.encodePair(s, 'dog', 32), await tok.encodePair(s, 'dog', 32));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('encodeWords: word ids, an [UNK] for a word that yields nothing, truncation', async () => {
  const tok = WordPieceTokenizer.train(tiny, { vocabSize: 200, allowSmaller: true });
  const words = ['Unaffable', 'fox', '\u0001', 'jumps', '.'];
  const e = await tok.encodeWords(words, 64);
  assert.equal(e.wordIds[0], null);
  assert.equal(e.wordIds[e.wordIds.length - 1], null);
  const seen = [...new Set(e.wordIds.filter((w) => w !== null))];
  assert.deepEqual(seen, [0, 1, 2, 3, 4]);
  assert.equal(e.ids[e.wordIds.indexOf(2)], UNK_ID);
  assert.equal(e.wordsKept, 5);
  const t = await tok.encodeWords(words, 4);
  assert.equal(t.ids.length, 4);
  assert.ok(t.wordsKept < 5);
});

test('real data: trained 8000 vocab on SST-2/CoNLL/XQuAD; SST-2 + CoNLL encode sanely', { skip: !hasDatasets }, async () => {
  const tok = sharedTokenizer();
  assert.equal(tok.vocabSize, 8000);
  const sst = readSst(300);
  for (const ex of sst) {
    const e = await tok.encode(ex.text, 64);
    assert.ok(e.ids.length <= 64);
    assert.equal(e.ids[0], CLS_ID);
    assert.equal(e.ids[e.ids.length - 1], SEP_ID);
    // every non-special token's offsets point into the text
    for (let i = 1; i < e.ids.length - 1; i++) {
      const [a, b] = e.offsets[i];
      assert.ok(a < b && b <= ex.text.length);
    }
  }
  const sents = readConll(300);
  const encs = await tok.encodeWordsBatch(
    sents.map((s) => s.words),
    512,
  );
  encs.forEach((e, i) => {
    const firsts = new Set(e.wordIds.filter((w) => w !== null));
    assert.equal(firsts.size, sents[i].words.length);
  });
});
