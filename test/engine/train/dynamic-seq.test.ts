import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as ort from 'onnxruntime-node';
import { bertConfigFromHf } from '../../../main/engine/nn';
import { layoutFor, TrainSession, type HeadBatch, type ModelSpec } from '../../../main/engine/train';

const i64 = (v: number[], shape: number[]) => new ort.Tensor('int64', BigInt64Array.from(v.map(BigInt)), shape);
const opts = { betas: [0.9, 0.999] as [number, number], eps: 1e-8, weightDecay: 0.01, clipGradNorm: 1, threads: 1 };

function init(spec: ModelSpec): Float32Array {
  const p = new Float32Array(layoutFor(spec).size);
  let s = 7;
  for (const e of layoutFor(spec).entries) for (let i = e.offset; i < e.offset + e.size; i++)
    p[i] = e.name.includes('LayerNorm.weight') ? 1 : e.name.endsWith('.bias') ? 0 : ((s = (s * 48271) % 2147483647) / 2147483647 - 0.5) * 0.04;
  return p;
}

/** Rows of token ids padded to `len`; classification labels, token labels and spans per head kind. */
function batchOf(rows: number[][], len: number, extra: Record<string, ort.Tensor>): HeadBatch {
  const ids = rows.flatMap((r) => [...r, ...Array<number>(len - r.length).fill(0)]);
  return { input_ids: i64(ids, [rows.length, len]), attention_mask: i64(ids.map((x) => (x ? 1 : 0)), [rows.length, len]), token_type_ids: i64(ids.map(() => 0), [rows.length, len]), ...extra };
}

const config = bertConfigFromHf({ vocab_size: 30, hidden_size: 8, num_hidden_layers: 1, num_attention_heads: 2, intermediate_size: 16, max_position_embeddings: 12, hidden_dropout_prob: 0.1, attention_probs_dropout_prob: 0.1 });
const heads: ModelSpec['heads'] = [{ name: 'cls', kind: 'sequence_classification', numLabels: 3 }, { name: 'tag', kind: 'token_classification', numLabels: 2 }, { name: 'qa', kind: 'span_extraction' }];
const rows = [[2, 5, 7, 3], [2, 9, 3]];
const batches = (len: number): HeadBatch[] => [
  batchOf(rows, len, { labels: i64([1, 2], [2]) }),
  batchOf(rows, len, { labels: i64(Array.from({ length: 2 * len }, (_, i) => (i % len < 3 ? i % 2 : -100)), [2, len]) }),
  batchOf(rows, len, { start_positions: i64([1, 0], [2]), end_positions: i64([2, 0], [2]) }),
];

test('a graph with per-head symbolic sequence lengths matches the fixed-length graph; padding changes no classification or tagging output', async () => {
  const noDropout = { ...config, hiddenDropoutProb: 0, attentionProbsDropoutProb: 0 };
  const fixed: ModelSpec = { config: noDropout, heads, seq: 6 };
  const dynamic: ModelSpec = { config: noDropout, heads };
  const a = await TrainSession.create(fixed, init(fixed), opts);
  const b = await TrainSession.create(dynamic, init(dynamic), opts);
  const ra = await a.trainStep(batches(6), [1, 1, 1], 1e-3);
  const rb = await b.trainStep(batches(6), [1, 1, 1], 1e-3);
  for (let i = 0; i < 3; i++) assert.ok(Math.abs(ra.taskLosses[i]! - rb.taskLosses[i]!) < 1e-6, `head ${i}: ${ra.taskLosses[i]} vs ${rb.taskLosses[i]}`);
  const maxDiff = a.params.reduce((m, x, i) => Math.max(m, Math.abs(x - b.params[i]!)), 0);
  assert.ok(maxDiff < 1e-6, `parameters after one step differ by ${maxDiff}`);
  // the span head's softmax runs over every position, padding included (as in Hugging Face), so only cls/tag are padding-free
  const short = await b.evaluate(batches(4), [1, 1, 1]);
  const long = await b.evaluate(batches(6), [1, 1, 1]);
  assert.deepEqual(short['tag.logits']!.dims, [2, 4, 2]);
  const close = (x: ArrayLike<number>, y: ArrayLike<number>) => Array.from(x).every((v, i) => Math.abs(v - y[i]!) < 1e-5);
  assert.ok(close(short['cls.logits']!.data as Float32Array, long['cls.logits']!.data as Float32Array));
  const tagLong = long['tag.logits']!.data as Float32Array, tagShort = short['tag.logits']!.data as Float32Array;
  for (let r = 0; r < 2; r++) assert.ok(close(tagShort.subarray(r * 8, r * 8 + 8), tagLong.subarray(r * 12, r * 12 + 8)), `row ${r} tags`);
  await a.release();
  await b.release();
});

for (const fed of [true, false]) test(`seeded dropout (${fed ? 'fed masks' : "ORT's Dropout op"}): the same seed gives the same steps; a fresh session advanced by k dummy runs continues identically`, async () => {
  const spec: ModelSpec = { config, heads };
  const make = (seed: number) => TrainSession.create(spec, init(spec), { ...opts, dropoutSeed: seed, fedDropoutMasks: fed });
  const a = await make(3);
  const b = await make(3);
  const c = await make(4);
  const la: number[] = [], lb: number[] = [], lc: number[] = [];
  for (let i = 0; i < 3; i++) {
    la.push((await a.trainStep(batches(4), [1, 1, 1], 1e-3)).loss);
    lb.push((await b.trainStep(batches(4), [1, 1, 1], 1e-3)).loss);
    lc.push((await c.trainStep(batches(4), [1, 1, 1], 1e-3)).loss);
  }
  assert.deepEqual(la, lb);
  assert.notDeepEqual(la, lc, 'another seed draws other masks');

  // resume: a fresh session restored to a's state after step 2, advanced past 2 runs on a one-row batch
  const ref = await make(3);
  await ref.trainStep(batches(4), [1, 1, 1], 1e-3);
  await ref.trainStep(batches(4), [1, 1, 1], 1e-3);
  const state = { params: Float32Array.from(ref.params), m: Float32Array.from(ref.m), v: Float32Array.from(ref.v), step: ref.step };
  const expected = await ref.trainStep(batches(4), [1, 1, 1], 1e-3);
  const resumed = await make(3);
  resumed.setState(state);
  const tiny = [batchOf([[2]], 1, { labels: i64([0], [1]) }), batchOf([[2]], 1, { labels: i64([0], [1, 1]) }), batchOf([[2]], 1, { start_positions: i64([0], [1]), end_positions: i64([0], [1]) })];
  await resumed.advanceRandomState(2, tiny);
  assert.equal(resumed.step, 2, 'advancing does not step the optimizer');
  const got = await resumed.trainStep(batches(4), [1, 1, 1], 1e-3);
  assert.equal(got.loss, expected.loss);
  assert.deepEqual(resumed.params, ref.params);
  for (const s of [a, b, c, ref, resumed]) await s.release();
});
