import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GraphSession } from '../../../main/engine/runtime';
import { toModelProto } from '../../../main/engine/onnx';
import { buildEvalGraph, buildTrainGraph } from '../../../main/engine/train';
import { Fixture } from '../../../main/engine/reference';

test('the tiny-mtl train-step and eval graphs load in ONNX Runtime with optimization level all', async () => {
  const fx = new Fixture('../shared/reference/tiny-mtl');
  const spec = { config: fx.config, heads: fx.heads, seq: fx.seq };
  const { graph, layout } = buildTrainGraph(spec, { betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0.01, clipGradNorm: 1, debugGrads: true });
  assert.equal(layout.size, 108744);
  const s = await GraphSession.create(toModelProto(graph), { threads: 1, optimizationLevel: 'all' });
  assert.deepEqual(s.outputNames.sort(), ['grad_norm', 'grads', 'loss', 'm_out', 'params_out', 'task_losses', 'v_out']);
  assert.ok(s.inputNames.includes('sentiment.labels') && s.inputNames.includes('task_weights') && s.inputNames.includes('lr'));
  await s.release();
  const e = await GraphSession.create(buildEvalGraph(spec).graph, { threads: 1, optimizationLevel: 'all' });
  assert.ok(e.outputNames.includes('sentiment.pooler_output') && e.outputNames.includes('ner.logits'));
  await e.release();
});
