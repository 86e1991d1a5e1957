import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as ort from 'onnxruntime-node';
import { Graph } from '../../../main/engine/graph';
import { GraphSession } from '../../../main/engine/runtime';
import { bertConfigFromHf, modelParamShapes } from '../../../main/engine/nn';

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
