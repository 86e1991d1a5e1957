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
  assert.deepEqual(m.graph.node.map((n) => n.opType), ['Neg', 'Identity']);
});

test('opset 16 is refused', () => {
  const g = new Graph();
  g.output(g.input('x', 'float32', [1]), 'y');
  assert.throws(() => toModelProto(g, { opset: 16 }), /opset 16/);
});
