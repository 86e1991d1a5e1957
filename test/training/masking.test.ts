import { test } from 'node:test';
import assert from 'node:assert/strict';
import { collateMasked, Rng } from '../../main/training/batching';
import { maskingFor, maskTokens, predictionCount, wordSpans, type MaskingOptions } from '../../main/training/masking';

// vocabulary: 0 [PAD] 1 [UNK] 2 [CLS] 3 [SEP] 4 [MASK], 5..49 word starts, 50..99 continuations (##x)
const options = (o: Partial<MaskingOptions> = {}): MaskingOptions => ({
  probability: 0.15, wholeWord: false, maskId: 4, vocabSize: 100, special: new Set([0, 2, 3, 4]),
  isContinuation: (id) => id >= 50, ...o,
});
const sentence = (n: number, rng: Rng): number[] => [2, ...Array.from({ length: n }, () => 5 + rng.int(95)), 3];

test('15 % of the ordinary tokens are chosen (at least one), never [CLS] or [SEP], labels are the originals', () => {
  const rng = new Rng(7);
  for (const n of [1, 3, 10, 40, 126]) {
    const ids = sentence(n, new Rng(n));
    const m = maskTokens(ids, rng, options());
    assert.equal(m.positions.length, predictionCount(n, 0.15));
    assert.equal(m.positions.length, Math.max(1, Math.round(n * 0.15)));
    assert.ok(m.positions.every((p) => p > 0 && p < ids.length - 1), 'specials are never chosen');
    assert.deepEqual(m.labels, m.positions.map((p) => ids[p]));
    assert.deepEqual([...m.positions].sort((a, b) => a - b), m.positions);
    ids.forEach((id, i) => { if (!m.positions.includes(i)) assert.equal(m.ids[i], id, 'unchosen tokens are untouched'); });
  }
});

test('the same seed gives the same masks; another seed other masks', () => {
  const ids = sentence(60, new Rng(1));
  const a = maskTokens(ids, new Rng(42), options());
  const b = maskTokens(ids, new Rng(42), options());
  const c = maskTokens(ids, new Rng(43), options());
  assert.deepEqual(a, b);
  assert.notDeepEqual(a.positions, c.positions);
  // a fixed seed pins the exact draw (guards against accidental changes of the rule or of the Rng)
  assert.deepEqual(maskTokens([2, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 3], new Rng(5), options({ probability: 0.3 })),
    { ids: [2, 10, 11, 12, 4, 14, 4, 16, 4, 18, 19, 3], positions: [4, 6, 8], labels: [13, 15, 17] });
});

test('the 80/10/10 rule: [MASK], a random ordinary token, or the token itself', () => {
  const rng = new Rng(2024);
  let masked = 0, random = 0, kept = 0;
  for (let k = 0; k < 4000; k++) {
    const ids = sentence(40, rng);
    const m = maskTokens(ids, rng, options());
    m.positions.forEach((p, j) => {
      const now = m.ids[p]!;
      if (now === 4) masked++;
      else if (now === m.labels[j]) kept++;
      else { random++; assert.ok(now >= 0 && now < 100 && ![0, 2, 3, 4].includes(now), `random replacement ${now} is an ordinary token`); }
    });
  }
  const total = masked + random + kept; // 24,000 chosen tokens; a random replacement equals the original 1 % of the time
  assert.equal(total, 4000 * 6);
  assert.ok(Math.abs(masked / total - 0.8) < 0.01, `[MASK] share ${masked / total}`);
  assert.ok(Math.abs(random / total - 0.099) < 0.01, `random share ${random / total}`);
  assert.ok(Math.abs(kept / total - 0.101) < 0.01, `kept share ${kept / total}`);
});

test('whole-word masking chooses every token of a word or none of it', () => {
  // words: [5 50 51] [6] [7 52] [8 53 54 55] [9] ... repeated
  const word = [[5, 50, 51], [6], [7, 52], [8, 53, 54, 55], [9]];
  const ids = [2, ...Array.from({ length: 8 }, () => word.flat()).flat(), 3];
  const spans = wordSpans(ids, options({ wholeWord: true }));
  assert.equal(spans.length, 8 * 5);
  assert.deepEqual(spans.slice(0, 5), [[1, 4], [4, 5], [5, 7], [7, 11], [11, 12]]);
  const rng = new Rng(9);
  for (let k = 0; k < 200; k++) {
    const m = maskTokens(ids, rng, options({ wholeWord: true }));
    const chosen = new Set(m.positions);
    for (const [a, b] of spans) {
      const inWord = Array.from({ length: b - a }, (_, i) => chosen.has(a + i));
      assert.ok(inWord.every((x) => x) || inWord.every((x) => !x), `word [${a}, ${b}) partly chosen`);
    }
    assert.ok(m.positions.length <= predictionCount(ids.length - 2, 0.15));
    assert.ok(m.positions.length >= predictionCount(ids.length - 2, 0.15) - 3, 'words that overshoot are skipped, smaller ones fill in');
  }
  // token-level masking splits words
  let split = false;
  for (let k = 0; k < 50 && !split; k++) {
    const chosen = new Set(maskTokens(ids, rng, options()).positions);
    split = spans.some(([a, b]) => b - a > 1 && chosen.has(a) !== chosen.has(a + 1));
  }
  assert.ok(split, 'without whole-word masking, words are split');
});

test('a text with no ordinary token gets no prediction', () => {
  const m = maskTokens([2, 3], new Rng(1), options());
  assert.deepEqual(m, { ids: [2, 3], positions: [], labels: [] });
});

test('masked batches carry flat positions (row · S + position) and the original ids; an unmasked batch one ignored entry', () => {
  const rows = [
    { ids: [2, 4, 11, 3], typeIds: [0, 0, 0, 0], attentionMask: [1, 1, 1, 1], maskedPositions: [1], maskedLabels: [10] },
    { ids: [2, 12, 4, 13, 4, 3], typeIds: [0, 0, 0, 0, 0, 0], attentionMask: [1, 1, 1, 1, 1, 1], maskedPositions: [2, 4], maskedLabels: [20, 21] },
  ];
  const b = collateMasked(rows, { multipleOf: 1 });
  assert.equal(b.seqLen, 6);
  assert.deepEqual([...b.maskedPositions].map(Number), [1, 6 + 2, 6 + 4]);
  assert.deepEqual([...b.maskedLabels].map(Number), [10, 20, 21]);
  const none = collateMasked([{ ...rows[0]!, maskedPositions: [], maskedLabels: [] }], { multipleOf: 1 });
  assert.deepEqual([...none.maskedPositions].map(Number), [0]);
  assert.deepEqual([...none.maskedLabels].map(Number), [-100]);
});

test('masking options from a vocabulary: WordPiece ## continues a word, byte-level BPE Ġ starts one; specials excluded', () => {
  const wp = maskingFor({ '[PAD]': 0, '[UNK]': 1, '[CLS]': 2, '[SEP]': 3, '[MASK]': 4, play: 5, '##ing': 6, '##s': 7, go: 8 }, 0.15, true);
  assert.equal(wp.maskId, 4);
  assert.deepEqual([...wp.special].sort(), [0, 1, 2, 3, 4]);
  assert.deepEqual([5, 6, 7, 8].map(wp.isContinuation), [false, true, true, false]);
  assert.deepEqual(wordSpans([2, 5, 6, 8, 5, 7, 3], wp), [[1, 3], [3, 4], [4, 6]]);
  const bpe = maskingFor({ '<s>': 0, '<pad>': 1, '</s>': 2, '<unk>': 3, 'Ġplay': 4, ing: 5, 'Ġgo': 6, '<mask>': 7 }, 0.15, true);
  assert.equal(bpe.maskId, 7);
  assert.deepEqual([4, 5, 6].map(bpe.isContinuation), [false, true, false]);
  assert.throws(() => maskingFor({ a: 0, b: 1 }, 0.15, false), /\[MASK\]/);
});
