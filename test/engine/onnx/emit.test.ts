import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Graph } from '../../../main/engine/graph';
import { fromModelProto, toModelProto } from '../../../main/engine/onnx';

test('emits opset 17, dim_param for symbolic inputs and raw_data initializers', () => {
  const g = new Graph('m');
  const x = g.input('x', 'float32', ['batch', 4]);
  g.output(g.matMul(x, g.constant(new Float32Array(8).fill(1), 'float32', [4, 2])), 'y');
  const m = fromModelProto(toModelProto(g)) as {
    opsetImport: { version: number }[];
    graph: { input: { type: { tensorType: { shape: { dim: { dimParam?: string; dimValue?: number }[] } } } }[]; initializer: { rawData: number[] }[] };
  };
  assert.equal(m.opsetImport[0]!.version, 17);
  assert.deepEqual(m.graph.input[0]!.type.tensorType.shape.dim, [{ dimParam: 'batch' }, { dimValue: 4 }]);
  assert.equal(m.graph.initializer[0]!.rawData.length, 32);
});

test('nodes that no output needs are not emitted', () => {
  const g = new Graph();
  const x = g.input('x', 'float32', [2]);
  g.exp(x); // dead
  g.output(g.neg(x), 'y');
  const m = fromModelProto(toModelProto(g)) as { graph: { node: { opType: string }[] } };
  assert.deepEqual(m.graph.node.map((n) => n.opType), ['Neg']);
});

test('opset 16 is refused', () => {
  const g = new Graph();
  g.output(g.input('x', 'float32', [1]), 'y');
  assert.throws(() => toModelProto(g, { opset: 16 }), /opset 16/);
});

test('opset 18 moves reduce axes to inputs and still runs', async () => {
  const { GraphSession } = await import('../../../main/engine/runtime');
  const ort = await import('onnxruntime-node');
  const g = new Graph();
  const x = g.input('x', 'float32', ['batch', 4]);
  g.output(g.reduceMean(g.split(x, [1, 3], { axis: 1 })[1]!, [1], { keepdims: false }), 'y');
  const bytes = toModelProto(g, { opset: 18 });
  const m = fromModelProto(bytes) as { graph: { node: { opType: string; input: string[]; attribute?: unknown[] }[] } };
  const rm = m.graph.node.find((n) => n.opType === 'ReduceMean')!;
  assert.equal(rm.input.length, 2);
  const s = await GraphSession.create(bytes, { threads: 1 });
  const out = await s.run({ x: new ort.Tensor('float32', Float32Array.from([0, 1, 2, 3, 9, 4, 5, 6]), [2, 4]) });
  assert.deepEqual([...(out.y!.data as Float32Array)], [2, 5]);
  await s.release();
});
