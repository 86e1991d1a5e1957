import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  Rng,
  bucketedBatches,
  collateClassification,
  collateQa,
  collateRegression,
  collateTokens,
  paddedLength,
  permutation,
  shuffledBatches,
} from '../../main/training/batching';
import { encodeClassification } from '../../main/training/encode';
import { PAD_ID } from '../../main/training/tokenizer';
import { hasDatasets, readSst, sharedTokenizer } from './helpers';

test('Rng: deterministic, serialisable state, matches the reference mulberry32', () => {
  const a = new Rng(1234);
  const b = new Rng(1234);
  const xs = Array.from({ length: 5 }, () => a.next());
  assert.deepEqual(
    xs,
    Array.from({ length: 5 }, () => b.next()),
  );
  // reference implementation from shared/reference/quality/tokenize.js
  const ref = (s: number): (() => number) => () => {
    s |= 0;
    s = (s + 0x6d2b79f5) | 0;
    let x = Math.imul(s ^ (s >>> 15), 1 | s);
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
  const r = ref(1234);
  assert.deepEqual(xs, Array.from({ length: 5 }, () => r()));
  const saved = JSON.parse(JSON.stringify({ s: a.state })) as { s: number };
  const c = Rng.fromState(saved.s);
  assert.equal(c.next(), a.next());
  assert.notDeepEqual(permutation(50, new Rng(1)), permutation(50, new Rng(2)));
  assert.deepEqual(permutation(50, new Rng(7)), permutation(50, new Rng(7)));
  assert.deepEqual(
    [...permutation(50, new Rng(7))].sort((x, y) => x - y),
    Array.from({ length: 50 }, (_, i) => i),
  );
});

test('paddedLength: multiple of 8, buckets, cap', () => {
  assert.equal(paddedLength(1), 8);
  assert.equal(paddedLength(8), 8);
  assert.equal(paddedLength(9), 16);
  assert.equal(paddedLength(37, { buckets: [32, 64, 128] }), 64);
  assert.equal(paddedLength(130, { multipleOf: 8, maxLength: 132 }), 132);
  assert.throws(() => paddedLength(140, { maxLength: 128 }));
});

test('bucketedBatches: every index once, deterministic, batches of similar length', () => {
  const rng0 = new Rng(3);
  const lengths = Array.from({ length: 1000 }, () => 5 + rng0.int(120));
  const a = bucketedBatches(lengths, 16, new Rng(42), { poolBatches: 10 });
  const b = bucketedBatches(lengths, 16, new Rng(42), { poolBatches: 10 });
  assert.deepEqual(a, b);
  assert.deepEqual(
    a.flat().sort((x, y) => x - y),
    lengths.map((_, i) => i),
  );
  const spread = (bs: number[][]): number =>
    bs.reduce((s, bt) => s + Math.max(...bt.map((i) => lengths[i])) - Math.min(...bt.map((i) => lengths[i])), 0) / bs.length;
  assert.ok(spread(a) < spread(shuffledBatches(1000, 16, new Rng(42))) / 3);
  assert.ok(bucketedBatches(lengths, 16, new Rng(1), { dropLast: true }).every((bt) => bt.length === 16));
});

test('collate: typed arrays, padding, labels per task', () => {
  const rows = [
    { ids: [2, 10, 11, 3], typeIds: [0, 0, 0, 0], attentionMask: [1, 1, 1, 1], label: 1, labels: [-100, 4, -100, -100], startPosition: 1, endPosition: 2 },
    { ids: [2, 12, 3, 13, 3], typeIds: [0, 0, 0, 1, 1], attentionMask: [1, 1, 1, 1, 1], label: 0, labels: [-100, 0, -100, -100, -100], startPosition: 0, endPosition: 0 },
  ];
  const c = collateClassification(rows);
  assert.equal(c.seqLen, 8);
  assert.ok(c.inputIds instanceof BigInt64Array);
  assert.equal(c.inputIds.length, 16);
  assert.deepEqual([...c.inputIds.slice(8, 16)].map(Number), [2, 12, 3, 13, 3, PAD_ID, PAD_ID, PAD_ID]);
  assert.deepEqual([...c.attentionMask.slice(0, 8)].map(Number), [1, 1, 1, 1, 0, 0, 0, 0]);
  assert.deepEqual([...c.tokenTypeIds.slice(8, 16)].map(Number), [0, 0, 0, 1, 1, 0, 0, 0]);
  assert.deepEqual([...c.labels], [1n, 0n]);
  const r = collateRegression(rows.map((x) => ({ ...x, label: x.label + 0.5 })));
  assert.ok(r.labels instanceof Float32Array);
  assert.deepEqual([...r.labels], [1.5, 0.5]);
  const t = collateTokens(rows, { buckets: [16] });
  assert.equal(t.seqLen, 16);
  assert.equal(t.labels[1], 4n);
  assert.equal(t.labels[15], -100n);
  const q = collateQa(rows);
  assert.deepEqual([...q.startPositions], [1n, 0n]);
});

test('collate pads with the tokenizer\'s pad id when given (RoBERTa: <pad> = 1)', () => {
  const c = collateClassification([{ ids: [0, 10, 2], typeIds: [0, 0, 0], attentionMask: [1, 1, 1], label: 0 }], { padId: 1, multipleOf: 4 });
  assert.deepEqual([...c.inputIds].map(Number), [0, 10, 2, 1]);
  assert.deepEqual([...c.attentionMask].map(Number), [1, 1, 1, 0]);
});

test('real SST-2: bucketed batches pad to a multiple of 8 of the batch longest', { skip: !hasDatasets }, async () => {
  const tok = sharedTokenizer();
  const encs = await encodeClassification(tok, readSst(400), 64);
  const batches = bucketedBatches(
    encs.map((e) => e.ids.length),
    32,
    new Rng(5),
  );
  let padded = 0;
  let real = 0;
  for (const bt of batches) {
    const b = collateClassification(bt.map((i) => encs[i]));
    const longest = Math.max(...bt.map((i) => encs[i].ids.length));
    assert.equal(b.seqLen, Math.ceil(longest / 8) * 8);
    padded += b.seqLen * b.batchSize;
    real += bt.reduce((s, i) => s + encs[i].ids.length, 0);
    assert.equal(
      [...b.attentionMask].reduce((s, x) => s + Number(x), 0),
      bt.reduce((s, i) => s + encs[i].ids.length, 0),
    );
  }
  // short SST-2 phrases: rounding to 8 dominates, but bucketing must still beat plain shuffled batches
  let plainPadded = 0;
  for (const bt of shuffledBatches(encs.length, 32, new Rng(5))) {
    plainPadded += collateClassification(bt.map((i) => encs[i])).seqLen * bt.length;
  }
  assert.ok(padded < plainPadded, `bucketed ${padded} vs plain ${plainPadded} padded tokens (real ${real})`);
});
