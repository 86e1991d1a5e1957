// ROUGE-1/2/L F1 against values worked out by hand with rouge-score's rules (default tokenizer, no stemming).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lcsLength, rougeExample, rougeL, rougeN, rougeScores, rougeTokenize } from '../../../main/training/metrics';

const close = (got: number, want: number, what: string) => assert.ok(Math.abs(got - want) < 1e-12, `${what}: ${got} vs ${want}`);

test('tokenizer: lowercase, every run outside [a-z0-9] is a separator, non-ASCII letters dropped, no stemming', () => {
  assert.deepEqual(rougeTokenize("Hello, World! It's 2024—café, running_fast"), ['hello', 'world', 'it', 's', '2024', 'caf', 'running', 'fast']);
  assert.deepEqual(rougeTokenize('  \n'), []);
  assert.deepEqual(rougeTokenize('北京 Beijing'), ['beijing']);
});

test('one reference: the cat on the mat', () => {
  // pred  the cat sat on the mat / ref  the cat was on the mat
  // unigrams: overlap the×2 cat on mat = 5 of 6 and 6; bigrams: the-cat on-the the-mat = 3 of 5 and 5; LCS "the cat on the mat" = 5
  const s = rougeExample('The cat sat on the mat.', ['the cat was on the mat']);
  close(s.rouge1, 5 / 6, 'rouge1');
  close(s.rouge2, 3 / 5, 'rouge2');
  close(s.rougeL, 5 / 6, 'rougeL');
});

test('precision and recall differ; repeated n-grams count at most as often as in the reference', () => {
  const p = rougeTokenize('a a a b'), r = rougeTokenize('a b c');
  const r1 = rougeN(p, r, 1); // overlap a×1 + b = 2; P = 2/4, R = 2/3, F = 2·(1/2)(2/3)/(7/6) = 4/7
  close(r1.precision, 0.5, 'P'); close(r1.recall, 2 / 3, 'R'); close(r1.f1, 4 / 7, 'F');
  const r2 = rougeN(p, r, 2); // pred bigrams aa aa ab, ref ab bc: overlap 1; P = 1/3, R = 1/2, F = 0.4
  close(r2.f1, 0.4, 'rouge2');
  assert.equal(lcsLength(p, r), 2);
  close(rougeL(p, r).f1, 4 / 7, 'rougeL');
});

test('several references: each measure takes its best reference', () => {
  // pred a b c d; ref1 a b: R1 P=1/2 R=1 F=2/3, R2 (ab) P=1/3 R=1 F=1/2, RL 2 → F=2/3
  //               ref2 c d e f: R1 F=1/2, R2 (cd) P=1/3 R=1/3 F=1/3, RL F=1/2
  const s = rougeExample('a b c d', ['a b', 'c d e f']);
  close(s.rouge1, 2 / 3, 'rouge1');
  close(s.rouge2, 1 / 2, 'rouge2');
  close(s.rougeL, 2 / 3, 'rougeL');
  // the best reference may differ per measure: ref2 wins ROUGE-2 here, ref1 ROUGE-1
  const t = rougeExample('x y z', ['x q z', 'y z w w w']);
  close(t.rouge1, 2 / 3, 'rouge1 from ref1'); // ref1: overlap 2 of 3/3; ref2: overlap 2, P 2/3 R 2/5 → 1/2
  close(t.rouge2, 2 * (1 / 2) * (1 / 4) / (3 / 4), 'rouge2 from ref2'); // ref1: no shared bigram; ref2: y-z, P 1/2 R 1/4
});

test('empty texts score 0; the corpus score is the mean over examples', () => {
  assert.deepEqual(rougeExample('', ['a b']), { rouge1: 0, rouge2: 0, rougeL: 0 });
  assert.deepEqual(rougeExample('a b', []), { rouge1: 0, rouge2: 0, rougeL: 0 });
  assert.deepEqual(rougeExample('a', ['a']), { rouge1: 1, rouge2: 0, rougeL: 1 }); // no bigram on either side: 0
  const c = rougeScores(['The cat sat on the mat.', 'a b c d', ''], [['the cat was on the mat'], ['a b', 'c d e f'], ['x']]);
  assert.equal(c.n, 3);
  close(c.rouge1, (5 / 6 + 2 / 3 + 0) / 3, 'rouge1');
  close(c.rouge2, (3 / 5 + 1 / 2 + 0) / 3, 'rouge2');
  close(c.rougeL, (5 / 6 + 2 / 3 + 0) / 3, 'rougeL');
  assert.deepEqual(rougeScores([], []), { rouge1: 0, rouge2: 0, rougeL: 0, n: 0 });
  assert.throws(() => rougeScores(['a'], []), /1 predictions but 0 reference lists/);
});
