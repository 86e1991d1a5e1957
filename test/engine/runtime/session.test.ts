import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as ort from 'onnxruntime-node';
import { Graph, type Value } from '../../../main/engine/graph';
import { GraphSession } from '../../../main/engine/runtime';

const f32 = (data: number[], dims: number[]) => new ort.Tensor('float32', Float32Array.from(data), dims);
const close = (got: ArrayLike<number>, want: number[], tol = 1e-5) => {
  assert.equal(got.length, want.length);
  for (let i = 0; i < want.length; i++) assert.ok(Math.abs(got[i]! - want[i]!) <= tol * (1 + Math.abs(want[i]!)), `index ${i}: ${got[i]} vs ${want[i]}`);
};
const X = [1, -2, 3, 0.5, -0.25, 2]; // [2, 3]
const erf = (x: number) => { // Abramowitz-Stegun 7.1.26 is too coarse; integrate the series instead
  let s = 0, t = x, n = 0;
  while (Math.abs(t) > 1e-17 && n < 200) { s += t / (2 * n + 1); n++; t = (-t * x * x) / n; }
  return (2 / Math.sqrt(Math.PI)) * s;
};

// [op, build from x: [batch, 3], expected from X]
const cases: [string, (g: Graph, x: Value) => Value, number[]][] = [
  ['add with broadcast row', (g, x) => g.add(x, g.constant([10, 20, 30], 'float32', [3])), X.map((v, i) => v + [10, 20, 30][i % 3]!)],
  ['gelu is PyTorch erf form', (g, x) => g.gelu(x), X.map((v) => 0.5 * v * (1 + erf(v / Math.SQRT2)))],
  ['softmax over last axis', (g, x) => g.softmax(x), [0, 3].flatMap((r) => { const e = X.slice(r, r + 3).map(Math.exp); const s = e[0]! + e[1]! + e[2]!; return e.map((v) => v / s); })],
  ['reduceSum keepdims false', (g, x) => g.reduceSum(x, [1], { keepdims: false }), [2, 2.25]],
  ['matMul by a constant', (g, x) => g.matMul(x, g.constant([1, 0, 0, 1, 1, 1], 'float32', [3, 2])), [1 + 3, -2 + 3, 0.5 + 2, -0.25 + 2]],
  ['reshape with symbolic batch then transpose', (g, x) => g.transpose(g.reshape(x, ['batch', 3, 1]), { perm: [1, 0, 2] }), [1, 0.5, -2, -0.25, 3, 2]],
  ['layerNormalization', (g, x) => g.layerNormalization(x, g.constant([1, 1, 1], 'float32', [3]), g.constant([0, 0, 0], 'float32', [3]), { epsilon: 0 }),
    [0, 3].flatMap((r) => { const v = X.slice(r, r + 3); const m = (v[0]! + v[1]! + v[2]!) / 3; const s = Math.sqrt(v.reduce((a, b) => a + (b - m) ** 2, 0) / 3); return v.map((e) => (e - m) / s); })],
  ['slice + concat', (g, x) => g.concat([g.slice(x, [2], [3], [1]), g.slice(x, [0], [1], [1])], { axis: 1 }), [3, 1, 2, 0.5]],
  ['split second piece', (g, x) => g.split(x, [1, 2], { axis: 1 })[1]!, [-2, 3, -0.25, 2]],
  ['gather columns', (g, x) => g.gather(x, g.constant([2, 0], 'int64', [2]), { axis: 1 }), [3, 1, 2, 0.5]],
  ['where/greater/relu agree', (g, x) => g.sub(g.where(g.greater(x, g.scalar(0)), x, g.scalar(0)), g.relu(x)), [0, 0, 0, 0, 0, 0]],
  ['softmaxCrossEntropyLoss mean', (g, x) => g.softmaxCrossEntropyLoss(x, g.constant([2, 0], 'int64', [2])),
    [(-Math.log(Math.exp(3) / (Math.exp(1) + Math.exp(-2) + Math.exp(3))) - Math.log(Math.exp(0.5) / (Math.exp(0.5) + Math.exp(-0.25) + Math.exp(2)))) / 2]],
  ['expand with a shape read at runtime', (g, x) => g.reduceSum(g.expand(g.unsqueeze(x, [0]), [4, 'batch', 3]), [0], { keepdims: false }), X.map((v) => 4 * v)],
  ['argMax as float', (g, x) => g.cast(g.argMax(x, { axis: 1, keepdims: false }), 'float32'), [2, 2]],
  ['constantOfShape of shape(x)', (g, x) => g.add(x, g.constantOfShape(g.shape(x), 1, 'float32')), X.map((v) => v + 1)],
];

for (const [name, build, want] of cases) {
  test(`runs in ORT: ${name}`, async () => {
    const g = new Graph();
    const x = g.input('x', 'float32', ['batch', 3]);
    g.output(build(g, x), 'y');
    const s = await GraphSession.create(g, { threads: 1 });
    const out = await s.run({ x: f32(X, [2, 3]) });
    close(out.y!.data as Float32Array, want);
    await s.release();
  });
}

test('pre-allocated outputs are filled in place', async () => {
  const g = new Graph();
  const x = g.input('x', 'float32', ['batch', 3]);
  g.output(g.neg(x), 'y');
  const s = await GraphSession.create(g, { threads: 1 });
  const pre = f32([0, 0, 0, 0, 0, 0], [2, 3]);
  const out = await s.run({ x: f32(X, [2, 3]) }, { y: pre });
  close(pre.data as Float32Array, X.map((v) => -v));
  assert.equal(out.y, pre);
  await s.release();
});

test('an unavailable execution provider is an error naming it and what is available', async () => {
  const g = new Graph();
  g.output(g.neg(g.input('x', 'float32', [1])), 'y');
  await assert.rejects(GraphSession.create(g, { executionProvider: 'coreml' }), /execution provider 'coreml' is not available.*available: cpu/);
});

test("'auto' falls back to a working provider", async () => {
  const g = new Graph();
  g.output(g.neg(g.input('x', 'float32', [1])), 'y');
  const s = await GraphSession.create(g, { executionProvider: 'auto', threads: 1 });
  const out = await s.run({ x: f32([2], [1]) });
  close(out.y!.data as Float32Array, [-2]);
  await s.release();
});
