import { test } from 'node:test';
import assert from 'node:assert/strict';
import { trainWordPieces } from '../../main/training/wordpiece-trainer';
import { WordPieceTokenizer } from '../../main/training/tokenizer';
import { hasDatasets, readSst } from './helpers';

test('WordPiece training: alphabet first (most frequent first), then merges of the most frequent pair', () => {
  const pieces = trainWordPieces(new Map([['hug', 10], ['pug', 5], ['pun', 12], ['bun', 4], ['hugs', 5]]), 13);
  assert.deepEqual(pieces.slice(0, 3), ['p', 'h', 'b'], 'word-initial characters by frequency (p 17, h 15, b 4)');
  assert.deepEqual(pieces.slice(3, 7), ['##u', '##g', '##n', '##s']);
  // ##u ##g (20), ##u ##n (16), h ##ug (15), p ##un (12), then a tie at 5 broken by text: hugs before pug
  assert.deepEqual(pieces.slice(7), ['##ug', '##un', 'hug', 'pun', 'hugs', 'pug']);
});

test('the same texts always give the same vocabulary (the binding\'s own trainer does not)', { skip: !hasDatasets && 'needs ../shared/datasets' }, () => {
  const texts = readSst(5000).map((x) => x.text);
  const a = WordPieceTokenizer.train(texts, { vocabSize: 1200 }).vocab();
  const b = WordPieceTokenizer.train(texts, { vocabSize: 1200 }).vocab();
  assert.deepEqual(a, b);
  assert.equal(Object.keys(a).length, 1200);
  assert.equal(a['[PAD]'], 0);
  assert.equal(a['[MASK]'], 4);
});
