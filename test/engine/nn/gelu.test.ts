import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as ort from 'onnxruntime-node';
import { Graph } from '../../../main/engine/graph';
import { GraphSession } from '../../../main/engine/runtime';
import { bertConfigFromHf, encoderParamShapes, headParamShapes, maxSequenceLength, modelParamShapes, usesTokenTypes } from '../../../main/engine/nn';

// erf via float64 series (Abramowitz-Stegun 7.1.26 is too coarse), good to ~1e-15 for |x| < 6
function erf(x: number): number {
  let sum = x, term = x;
  for (let n = 1; n < 200; n++) { term *= -x * x / n; sum += term / (2 * n + 1); }
  return (2 / Math.sqrt(Math.PI)) * sum;
}

test('GELU is the exact erf form, not the tanh approximation', async () => {
  const g = new Graph();
  const x = g.input('x', 'float32', [5]);
  g.output(g.gelu(x), 'y');
  const s = await GraphSession.create(g, { threads: 1 });
  const xs = [-3, -1, 0.5, 1.5, 3];
  const y = (await s.run({ x: new ort.Tensor('float32', Float32Array.from(xs), [5]) })).y!.data as Float32Array;
  xs.forEach((v, i) => {
    const exact = 0.5 * v * (1 + erf(v / Math.SQRT2));
    const tanh = 0.5 * v * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (v + 0.044715 * v ** 3)));
    assert.ok(Math.abs(y[i]! - exact) < 1e-6, `gelu(${v})`);
    if (Math.abs(exact - tanh) > 1e-4) assert.ok(Math.abs(y[i]! - tanh) > 1e-5);
  });
});

test('BertConfig: HF keys with defaults, and Hugging Face parameter names', () => {
  const c = bertConfigFromHf({ vocab_size: 100, hidden_size: 8, num_hidden_layers: 1, num_attention_heads: 2, intermediate_size: 16 });
  assert.equal(c.layerNormEps, 1e-12);
  assert.equal(c.maxPositionEmbeddings, 512);
  const names = modelParamShapes(c, [{ name: 'qa', kind: 'span_extraction' }]).map(([n]) => n);
  assert.ok(names.includes('encoder.layer.0.attention.self.query.weight'));
  assert.ok(names.includes('heads.qa.qa_outputs.bias'));
  assert.throws(() => bertConfigFromHf({ hidden_size: 10, num_attention_heads: 4 }), /not a multiple/);
});

test('tanh GELU (HF gelu_new) matches its formula and differs from the exact form', async () => {
  const g = new Graph();
  const x = g.input('x', 'float32', [5]);
  g.output(g.geluTanh(x), 'y');
  const s = await GraphSession.create(g, { threads: 1 });
  const xs = [-3, -1, 0.5, 1.5, 3];
  const y = (await s.run({ x: new ort.Tensor('float32', Float32Array.from(xs), [5]) })).y!.data as Float32Array;
  xs.forEach((v, i) => {
    const tanh = 0.5 * v * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (v + 0.044715 * v ** 3)));
    assert.ok(Math.abs(y[i]! - tanh) < 1e-6, `geluTanh(${v})`);
  });
});

test('BertConfig: HF activation names, ELECTRA embedding_size, token-type tables of 0 and 1 rows', () => {
  const base = { vocab_size: 100, hidden_size: 8, num_hidden_layers: 1, num_attention_heads: 2, intermediate_size: 16, max_position_embeddings: 20 };
  assert.equal(bertConfigFromHf({ ...base, hidden_act: 'gelu_new' }).hiddenAct, 'gelu_tanh');
  assert.equal(bertConfigFromHf({ ...base, hidden_act: 'gelu_pytorch_tanh' }).hiddenAct, 'gelu_tanh');
  assert.equal(bertConfigFromHf({ ...base, hidden_act: 'relu' }).hiddenAct, 'relu');
  assert.throws(() => bertConfigFromHf({ ...base, hidden_act: 'swish' }), /hidden_act 'swish' is not supported \(supported: gelu/);
  const e = bertConfigFromHf({ ...base, embedding_size: 4 });
  const shapes = new Map(encoderParamShapes(e));
  assert.deepEqual(shapes.get('embeddings.word_embeddings.weight'), [100, 4]);
  assert.deepEqual(shapes.get('embeddings.LayerNorm.weight'), [4]);
  assert.deepEqual(shapes.get('embeddings_project.weight'), [8, 4]);
  assert.deepEqual(new Map(headParamShapes(e, { name: 'mlm', kind: 'masked_lm' })).get('heads.mlm.transform.dense.weight'), [4, 8]);
  assert.equal(new Map(encoderParamShapes(bertConfigFromHf({ ...base, embedding_size: 8 }))).has('embeddings_project.weight'), false);
  const d = { ...bertConfigFromHf(base), typeVocabSize: 0 };
  assert.equal(new Map(encoderParamShapes(d)).has('embeddings.token_type_embeddings.weight'), false);
  assert.equal(usesTokenTypes(d), false);
  assert.equal(usesTokenTypes({ ...d, typeVocabSize: 1 }), false);
  assert.equal(usesTokenTypes({ ...d, typeVocabSize: 2 }), true);
  assert.equal(maxSequenceLength({ ...d, positionOffset: 2 }), 18);
});
