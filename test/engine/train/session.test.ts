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

test('masked-LM (tied embeddings) + classification heads with dropout train over swapped flat buffers', async () => {
  const config = bertConfigFromHf({ vocab_size: 40, hidden_size: 8, num_hidden_layers: 1, num_attention_heads: 2, intermediate_size: 16, max_position_embeddings: 8, hidden_dropout_prob: 0.1, attention_probs_dropout_prob: 0.1 });
  const spec: ModelSpec = { config, heads: [{ name: 'mlm', kind: 'masked_lm' }, { name: 'cls', kind: 'sequence_classification', numLabels: 2 }], seq: 6 };
  const session = await TrainSession.create(spec, init(spec), { betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0.01, clipGradNorm: 1, threads: 1 });
  const ids = [2, 7, 9, 11, 0, 0, 2, 5, 6, 0, 0, 0];
  const mask = ids.map((x) => (x ? 1 : 0));
  const zeros = ids.map(() => 0);
  const base = { input_ids: i64(ids, [2, 6]), attention_mask: i64(mask, [2, 6]), token_type_ids: i64(zeros, [2, 6]) };
  const mlm = { ...base, labels: i64([-100, 7, -100, 11, -100, -100, -100, -100, 6, -100, -100, -100], [2, 6]) };
  const cls = { ...base, input_ids: i64(ids.slice(0, 6), [1, 6]), attention_mask: i64(mask.slice(0, 6), [1, 6]), token_type_ids: i64(zeros.slice(0, 6), [1, 6]), labels: i64([1], [1]) };
  const before = session.params;
  const first = Float32Array.from(before);
  const r1 = await session.trainStep([mlm, cls], [0.5, 0.5], 1e-3);
  assert.ok(Math.abs(r1.taskLosses[0]! - Math.log(40)) < 0.1, `MLM loss near ln V, got ${r1.taskLosses[0]}`);
  assert.ok(Number.isFinite(r1.gradNorm) && r1.gradNorm > 0);
  assert.notEqual(session.params, before, 'buffers were swapped');
  const r2 = await session.trainStep([mlm, cls], [0.5, 0.5], 1e-3);
  assert.equal(session.params, before, 'the same two buffers alternate');
  assert.ok(Number.isFinite(r2.loss));
  const moved = session.params.some((x, i) => x !== first[i]);
  assert.ok(moved);
  const ev = await session.evaluate([mlm, cls], [0.5, 0.5]);
  assert.deepEqual(ev['mlm.logits']!.dims, [2, 6, 40]);
  await session.release();
});
