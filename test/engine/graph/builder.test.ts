import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Graph, ShapeError } from '../../../main/engine/graph';

// [case, build, expected output shape]
const cases: [string, (g: Graph) => { shape: readonly (number | string)[] }, (number | string)[]][] = [
  ['add broadcasts symbolic batch with a row', (g) => g.add(g.input('x', 'float32', ['batch', 'seq', 8]), g.input('b', 'float32', [8])), ['batch', 'seq', 8]],
  ['mask [batch,1,1,seq] + scores [batch,heads,seq,seq]', (g) => g.add(g.input('m', 'float32', ['batch', 1, 1, 'seq']), g.input('s', 'float32', ['batch', 4, 'seq', 'seq'])), ['batch', 4, 'seq', 'seq']],
  ['batched matMul broadcasts a 2-D weight', (g) => g.matMul(g.input('x', 'float32', ['batch', 'seq', 8]), g.input('w', 'float32', [8, 3])), ['batch', 'seq', 3]],
  ['matMul with 1-D right operand', (g) => g.matMul(g.input('x', 'float32', [2, 5]), g.input('v', 'float32', [5])), [2]],
  ['gemm with transB', (g) => g.gemm(g.input('a', 'float32', ['n', 4]), g.input('b', 'float32', [6, 4]), null, { transB: true }), ['n', 6]],
  ['reshape splits heads using names from x', (g) => g.reshape(g.input('x', 'float32', ['batch', 'seq', 12]), [0, 0, 3, 4]), ['batch', 'seq', 3, 4]],
  ['reshape -1 cancels symbolic dims', (g) => g.reshape(g.input('x', 'float32', ['batch', 'seq', 3, 4]), ['batch', 'seq', -1]), ['batch', 'seq', 12]],
  ['transpose perm', (g) => g.transpose(g.input('x', 'float32', ['b', 's', 3, 4]), { perm: [0, 2, 1, 3] }), ['b', 3, 's', 4]],
  ['gather embedding rows', (g) => g.gather(g.input('e', 'float32', [100, 8]), g.input('ids', 'int64', ['batch', 'seq'])), ['batch', 'seq', 8]],
  ['slice CLS token on symbolic seq', (g) => g.squeeze(g.slice(g.input('x', 'float32', ['b', 'seq', 8]), [0], [1], [1]), [1]), ['b', 8]],
  ['slice static with negative start', (g) => g.slice(g.input('x', 'float32', [10, 4]), [-3], [2 ** 62], [0]), [3, 4]],
  ['concat along last axis', (g) => g.concat([g.input('a', 'float32', ['b', 2]), g.input('c', 'float32', ['b', 3])], { axis: -1 }), ['b', 5]],
  ['reduceMean without keepdims', (g) => g.reduceMean(g.input('x', 'float32', ['b', 's', 8]), [1], { keepdims: false }), ['b', 8]],
  ['unsqueeze twice', (g) => g.unsqueeze(g.input('x', 'float32', ['b', 's']), [1, 2]), ['b', 1, 1, 's']],
  ['softmaxCrossEntropyLoss none keeps [N]', (g) => g.softmaxCrossEntropyLoss(g.input('l', 'float32', ['n', 5]), g.input('y', 'int64', ['n']), { reduction: 'none' }), ['n']],
  ['expand to a named shape', (g) => (g.input('ids', 'int64', ['batch']), g.expand(g.input('x', 'float32', [1, 8]), ['batch', 8])), ['batch', 8]],
  ['where broadcasts three shapes', (g) => g.where(g.input('c', 'bool', ['b', 1]), g.input('x', 'float32', [1, 4]), g.scalar(0)), ['b', 4]],
];

for (const [name, build, expected] of cases) {
  test(`shape inference: ${name}`, () => {
    const g = new Graph();
    assert.deepEqual([...build(g).shape], expected);
  });
}

test('broadcast error names the op and both shapes', () => {
  const g = new Graph();
  assert.throws(() => g.add(g.input('a', 'float32', ['batch', 3]), g.input('b', 'float32', [4])), (e: Error) => {
    assert.ok(e instanceof ShapeError);
    assert.match(e.message, /Add: cannot broadcast shapes \[batch, 3\] and \[4\]/);
    return true;
  });
});

test('matMul inner-dim error names the shapes', () => {
  const g = new Graph();
  assert.throws(() => g.matMul(g.input('a', 'float32', [2, 3]), g.input('b', 'float32', [4, 5])), /MatMul: inner dims differ, \[2, 3\] x \[4, 5\]/);
});

test('reshape to a symbolic name not present anywhere is an error', () => {
  const g = new Graph();
  assert.throws(() => g.reshape(g.input('x', 'float32', ['b', 4]), ['nope', 4]), /symbolic dim 'nope'/);
});
