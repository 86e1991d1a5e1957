import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as ort from 'onnxruntime-node';
import { Graph, type OpType } from '../../../main/engine/graph';
import { gradients } from '../../../main/engine/autodiff';
import { GraphSession } from '../../../main/engine/runtime';

const f64 = (data: number[], dims: number[]) => new ort.Tensor('float64', Float64Array.from(data), dims);
async function run(g: Graph, feeds: Record<string, ort.Tensor>) {
  const s = await GraphSession.create(g, { threads: 1 });
  try {
    return await s.run(feeds);
  } finally {
    await s.release();
  }
}

test('an op without a rule is an error naming op type and node', () => {
  const g = new Graph();
  const x = g.input('x', 'float32', [2]);
  const [y] = g.op('Foo' as OpType, [x], {}, [{ dtype: 'float32', shape: [2] }]);
  assert.throws(() => gradients(g.reduceSum(y!, []), [x]), /no gradient rule for op Foo \(node Foo#\d+\)/);
});

test('a differentiable op whose rule is not written yet says so, naming the node', () => {
  const g = new Graph();
  const x = g.input('x', 'float32', [3]);
  const y = g.scatterND(x, g.constant([0], 'int64', [1, 1]), g.constant([1], 'float32', [1]));
  assert.throws(() => gradients(g.reduceSum(y, []), [x]), /no gradient rule for ScatterND \(node ScatterND#\d+\)/);
});

test('adjoints of a value used twice are summed: d(x*x + x)/dx = 2x + 1', async () => {
  const g = new Graph();
  const x = g.input('x', 'float64', [3]);
  const [dx] = gradients(g.reduceSum(g.add(g.mul(x, x), x), []), [x]);
  g.output(dx!, 'dx');
  const out = await run(g, { x: f64([1, -2, 0.5], [3]) });
  assert.deepEqual([...(out.dx!.data as Float64Array)], [3, -3, 2]);
});

test('gradients stop at an intermediate wrt (per-parameter views of a flat buffer)', async () => {
  const g = new Graph();
  const flat = g.input('flat', 'float64', [8]);
  const w = g.reshape(g.slice(flat, [0], [6]), [2, 3]); // [2, 3] view
  const b = g.slice(flat, [6], [8]); // [2] view
  const x = g.input('x', 'float64', ['batch', 3]);
  const loss = g.reduceSum(g.add(g.matMul(x, g.transpose(w)), b), []);
  const [dw, db, dflat, dunused] = gradients(loss, [w, b, flat, g.input('unused', 'float64', [1])]);
  assert.equal(dunused, null);
  assert.deepEqual([...dw!.shape], [2, 3]);
  g.output(dw!, 'dw');
  g.output(db!, 'db');
  g.output(dflat!, 'dflat');
  const out = await run(g, { flat: f64([0, 0, 0, 0, 0, 0, 0, 0], [8]), x: f64([1, 2, 3, 4, 5, 6], [2, 3]), unused: f64([0], [1]) });
  assert.deepEqual([...(out.dw!.data as Float64Array)], [5, 7, 9, 5, 7, 9]);
  assert.deepEqual([...(out.db!.data as Float64Array)], [2, 2]);
  assert.deepEqual([...(out.dflat!.data as Float64Array)], [5, 7, 9, 5, 7, 9, 2, 2]);
});

test('a non-scalar loss is seeded with ones', async () => {
  const g = new Graph();
  const x = g.input('x', 'float64', ['batch', 2]);
  const [dx] = gradients(g.mul(x, g.scalar(3, 'float64')), [x]);
  g.output(dx!, 'dx');
  const out = await run(g, { x: f64([1, 2, 3, 4], [2, 2]) });
  assert.deepEqual([...(out.dx!.data as Float64Array)], [3, 3, 3, 3]);
});

test('dropout in training mode routes the gradient through its mask, scaled by 1/(1-ratio)', async () => {
  const g = new Graph();
  const x = g.input('x', 'float32', [64]);
  const { output, mask } = g.dropout(x, 0.5, true);
  const [dx] = gradients(g.reduceSum(output, []), [x]);
  g.output(dx!, 'dx');
  g.output(mask, 'mask');
  const out = await run(g, { x: new ort.Tensor('float32', new Float32Array(64).fill(1), [64]) });
  const m = out.mask!.data as Uint8Array, d = out.dx!.data as Float32Array;
  assert.ok(m.some((v) => v) && m.some((v) => !v), 'mask should drop some and keep some');
  for (let i = 0; i < 64; i++) assert.equal(d[i], m[i] ? 2 : 0);
});

test('a strided slice says its gradient is missing, naming the step', () => {
  const g = new Graph();
  const x = g.input('x', 'float32', [6]);
  assert.throws(() => gradients(g.reduceSum(g.slice(x, [0], [6], [0], [2]), []), [x]), /no gradient rule for Slice with step 2 \(node Slice#\d+, axis 0\)/);
});
