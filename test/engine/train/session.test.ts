import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as ort from 'onnxruntime-node';
import { bertConfigFromHf } from '../../../main/engine/nn';
import { layoutFor, TrainSession, type ModelSpec } from '../../../main/engine/train';

function init(spec: ModelSpec): Float32Array {
  const layout = layoutFor(spec);
  const p = new Float32Array(layout.size);
  let s = 1;
  const rnd = () => ((s = (s * 48271) % 2147483647) / 2147483647 - 0.5) * 0.04;
  for (const e of layout.entries) for (let i = e.offset; i < e.offset + e.size; i++) p[i] = e.name.includes('LayerNorm.weight') ? 1 : e.name.endsWith('.bias') ? 0 : rnd();
  return p;
}
const i64 = (v: number[], shape: number[]) => new ort.Tensor('int64', BigInt64Array.from(v.map(BigInt)), shape);

test('masked-LM (tied embeddings) + classification heads with dropout train in place, as over swapped buffers', async () => {
  const config = bertConfigFromHf({ vocab_size: 40, hidden_size: 8, num_hidden_layers: 1, num_attention_heads: 2, intermediate_size: 16, max_position_embeddings: 8, hidden_dropout_prob: 0.1, attention_probs_dropout_prob: 0.1 });
  const spec: ModelSpec = { config, heads: [{ name: 'mlm', kind: 'masked_lm' }, { name: 'cls', kind: 'sequence_classification', numLabels: 2 }], seq: 6 };
  const opts = { betas: [0.9, 0.999] as [number, number], eps: 1e-8, weightDecay: 0.01, clipGradNorm: 1, threads: 1, dropoutSeed: 5 };
  const session = await TrainSession.create(spec, init(spec), opts);
  const swapped = await TrainSession.create(spec, init(spec), { ...opts, stateInPlace: false });
  const ids = [2, 7, 9, 11, 0, 0, 2, 5, 6, 0, 0, 0];
  const mask = ids.map((x) => (x ? 1 : 0));
  const zeros = ids.map(() => 0);
  const base = { input_ids: i64(ids, [2, 6]), attention_mask: i64(mask, [2, 6]), token_type_ids: i64(zeros, [2, 6]) };
  const mlm = { ...base, masked_positions: i64([1, 3, 8], [3]), labels: i64([7, 11, 6], [3]) }; // flat b·S + s
  const cls = { ...base, input_ids: i64(ids.slice(0, 6), [1, 6]), attention_mask: i64(mask.slice(0, 6), [1, 6]), token_type_ids: i64(zeros.slice(0, 6), [1, 6]), labels: i64([1], [1]) };
  const before = session.params, swappedBefore = swapped.params;
  const first = Float32Array.from(before);
  const r1 = await session.trainStep([mlm, cls], [0.5, 0.5], 1e-3);
  await swapped.trainStep([mlm, cls], [0.5, 0.5], 1e-3);
  assert.ok(Math.abs(r1.taskLosses[0]! - Math.log(40)) < 0.1, `MLM loss near ln V, got ${r1.taskLosses[0]}`);
  assert.ok(Number.isFinite(r1.gradNorm) && r1.gradNorm > 0);
  assert.equal(session.params, before, 'updated in place');
  assert.notEqual(swapped.params, swappedBefore, 'stateInPlace false: buffers swapped');
  for (let k = 0; k < 3; k++) {
    const r = await session.trainStep([mlm, cls], [0.5, 0.5], 1e-3);
    const q = await swapped.trainStep([mlm, cls], [0.5, 0.5], 1e-3);
    assert.ok(Number.isFinite(r.loss));
    assert.equal(r.loss, q.loss, 'same masks, same loss');
  }
  for (const k of ['params', 'm', 'v'] as const) assert.deepEqual(session[k], swapped[k], `${k}: in place = swapped, bit for bit`);
  assert.ok(session.params.some((x, i) => x !== first[i]));
  const ev = await session.evaluate([mlm, cls], [0.5, 0.5]);
  assert.deepEqual(ev['mlm.logits']!.dims, [3, 40], 'logits of the masked rows only');
  await session.release();
  await swapped.release();
});

/** Every parameter-sized Float32Array reachable from the session's own fields (one level into plain objects). */
function paramSizedArrays(session: TrainSession, n: number): Set<Float32Array> {
  const found = new Set<Float32Array>();
  const visit = (x: unknown, depth: number) => {
    if (x instanceof Float32Array) { if (x.length === n) found.add(x); return; }
    if (depth > 0 && x && typeof x === 'object' && Object.getPrototypeOf(x) === Object.prototype) for (const v of Object.values(x)) visit(v, depth - 1);
  };
  for (const v of Object.values(session)) visit(v, 2);
  return found;
}

test('a training step at steady state allocates no new parameter-sized arrays; eval session is lazy; grads are opt-in', async () => {
  const config = bertConfigFromHf({ vocab_size: 30, hidden_size: 8, num_hidden_layers: 1, num_attention_heads: 2, intermediate_size: 16, max_position_embeddings: 8 });
  const spec: ModelSpec = { config, heads: [{ name: 'cls', kind: 'sequence_classification', numLabels: 2 }], seq: 4 };
  const N = layoutFor(spec).size;
  const session = await TrainSession.create(spec, init(spec), { betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0.01, clipGradNorm: 1, threads: 1 });
  assert.equal(session.timings.evalSessionMs, 0, 'no eval session before evaluate()');
  const b = { input_ids: i64([2, 5, 7, 0], [1, 4]), attention_mask: i64([1, 1, 1, 0], [1, 4]), token_type_ids: i64([0, 0, 0, 0], [1, 4]), labels: i64([1], [1]) };
  await assert.rejects(session.trainStep([b], [1], 1e-3, { wantGrads: true }), /debugGrads/);
  const seen: Set<Float32Array>[] = [];
  const history: Float32Array[][] = [];
  const trio = () => [session.params, session.m, session.v];
  for (let k = 0; k < 6; k++) {
    await session.trainStep([b], [1], 1e-3);
    seen.push(paramSizedArrays(session, N));
    if (k >= 1) assert.deepEqual(trio(), history[k - 1]!, `step ${k + 1} updates the arrays of step ${k} in place`);
    history.push(trio());
  }
  const all = new Set(seen.flatMap((s) => [...s]));
  assert.equal(all.size, 3, 'params/m/v: three parameter-sized arrays over all steps');
  for (const s of seen) assert.equal(s.size, 3);
  assert.equal(new Set(trio()).size, 3);
  const ev = await session.evaluate([b], [1]);
  assert.deepEqual(ev['cls.logits']!.dims, [1, 2]);
  assert.ok(session.timings.evalSessionMs > 0, 'eval session created on first evaluate()');
  await session.release();
});

test('one encoder pass over the heads\' concatenated batches matches one pass per head', async () => {
  const config = bertConfigFromHf({ vocab_size: 30, hidden_size: 8, num_hidden_layers: 1, num_attention_heads: 2, intermediate_size: 16, max_position_embeddings: 8, hidden_dropout_prob: 0, attention_probs_dropout_prob: 0 });
  const spec: ModelSpec = { config, heads: [{ name: 'a', kind: 'sequence_classification', numLabels: 2 }, { name: 'b', kind: 'token_classification', numLabels: 3 }], seq: 4 };
  const a = { input_ids: i64([2, 5, 7, 0], [1, 4]), attention_mask: i64([1, 1, 1, 0], [1, 4]), token_type_ids: i64([0, 0, 0, 0], [1, 4]), labels: i64([1], [1]) };
  const b = { input_ids: i64([3, 4, 0, 0, 9, 8, 7, 6], [2, 4]), attention_mask: i64([1, 1, 0, 0, 1, 1, 1, 1], [2, 4]), token_type_ids: i64([0, 0, 0, 0, 0, 0, 1, 1], [2, 4]), labels: i64([0, 2, -100, -100, 1, 1, 0, 2], [2, 4]) };
  const run = async (concatHeads: boolean) => {
    const s = await TrainSession.create(spec, init(spec), { betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0.01, clipGradNorm: 1, threads: 1, concatHeads });
    const r = [await s.trainStep([a, b], [0.3, 0.7], 1e-2), await s.trainStep([a, b], [0.3, 0.7], 1e-2)];
    const ev = await s.evaluate([a, b], [0.3, 0.7]);
    await s.release();
    return { r, logits: ev['b.logits']!.data as Float32Array, dims: ev['b.logits']!.dims };
  };
  const cat = await run(true), sep = await run(false);
  assert.deepEqual(cat.dims, [2, 4, 3]);
  for (let k = 0; k < 2; k++) {
    assert.ok(Math.abs(cat.r[k]!.loss - sep.r[k]!.loss) < 1e-5, `step ${k + 1} loss ${cat.r[k]!.loss} vs ${sep.r[k]!.loss}`);
    cat.r[k]!.taskLosses.forEach((l, i) => assert.ok(Math.abs(l - sep.r[k]!.taskLosses[i]!) < 1e-5));
  }
  cat.logits.forEach((x, i) => assert.ok(Math.abs(x - sep.logits[i]!) < 1e-5));
});
