// One line per gradient rule: analytic gradient vs central finite differences, both run in ONNX Runtime.
// float64 wherever ORT's CPU kernels have the op in double; Erf (and GELU, built on it) only exist in float32.
import { test } from 'node:test';
import type { Graph, Value } from '../../../main/engine/graph';
import { gradcheck, type CheckSpec } from './check';

const pos = (u: number) => 0.5 + Math.abs(u); // strictly positive
const away = (u: number) => (u < 0 ? u - 0.2 : u + 0.2); // away from kinks at 0
const distinct = (_u: number, i: number) => ((i * 7) % 11) / 5 - 1; // no ties
const B = ['batch', 3] as const;
const b23 = { shape: [...B], feed: [2, 3] };

const table: [string, CheckSpec][] = [
  ['Add broadcasts a row over symbolic batch', { inputs: [b23, { shape: [3] }], build: (g, a, b) => g.add(a, b) }],
  ['Sub broadcasts a column', { inputs: [{ shape: [2, 3] }, { shape: [2, 1] }], build: (g, a, b) => g.sub(a, b) }],
  ['Mul broadcasts both ways', { inputs: [{ shape: ['batch', 1, 3], feed: [2, 1, 3] }, { shape: [2, 3] }], build: (g, a, b) => g.mul(a, b) }],
  ['Div by a broadcast positive', { inputs: [{ shape: [2, 3] }, { shape: [3], values: pos }], build: (g, a, b) => g.div(a, b) }],
  ['Neg', { inputs: [b23], build: (g, a) => g.neg(a) }],
  ['Pow with a tensor exponent', { inputs: [{ shape: [2, 3], values: pos }, { shape: [3] }], build: (g, a, b) => g.pow(a, b) }],
  ['Sqrt', { inputs: [{ shape: [2, 3], values: pos }], build: (g, a) => g.sqrt(a) }],
  ['Exp', { inputs: [b23], build: (g, a) => g.exp(a) }],
  ['Log', { inputs: [{ shape: [2, 3], values: pos }], build: (g, a) => g.log(a) }],
  ['Tanh', { inputs: [b23], build: (g, a) => g.tanh(a) }],
  ['Sigmoid', { inputs: [b23], build: (g, a) => g.sigmoid(a) }],
  ['Relu', { inputs: [{ shape: [2, 3], values: away }], build: (g, a) => g.relu(a) }],
  ['Erf (float32)', { precision: 'float32', inputs: [b23], build: (g, a) => g.erf(a) }],
  ['Gelu composite (float32)', { precision: 'float32', inputs: [{ shape: [2, 4] }], build: (g, a) => g.gelu(a) }],
  ['Gelu tanh approximation composite', { inputs: [{ shape: [2, 4] }], build: (g, a) => g.geluTanh(a) }],
  ['Abs', { inputs: [{ shape: [2, 3], values: away }], build: (g, a) => g.abs(a) }],
  ['Reciprocal', { inputs: [{ shape: [2, 3], values: pos }], build: (g, a) => g.reciprocal(a) }],
  ['Clip', { inputs: [{ shape: [2, 4], values: [-0.9, -0.2, 0.1, 0.7, 0.45, -0.61, 0.3, 0.0] }], build: (g, a) => g.clip(a, -0.5, 0.5) }],
  ['Clip with only a lower bound', { inputs: [{ shape: [2, 3], values: away }], build: (g, a) => g.clip(a, 0.05) }],
  ['Max', { inputs: [{ shape: [2, 3], values: distinct }, { shape: [3], values: [0.05, -0.33, 0.21] }], build: (g, a, b) => g.max(a, b) }],
  ['Min', { inputs: [{ shape: [2, 3], values: distinct }, { shape: [3], values: [0.05, -0.33, 0.21] }], build: (g, a, b) => g.min(a, b) }],
  ['Identity', { inputs: [b23], build: (g, a) => g.identity(a) }],
  ['MatMul batched with a 2-D weight', { inputs: [{ shape: ['batch', 'seq', 3], feed: [2, 2, 3] }, { shape: [3, 4] }], build: (g, a, b) => g.matMul(a, b) }],
  ['MatMul broadcasting batch dims', { inputs: [{ shape: [2, 1, 2, 3] }, { shape: [3, 3, 2] }], build: (g, a, b) => g.matMul(a, b) }],
  ['MatMul with a 1-D operand', { inputs: [{ shape: [3] }, { shape: [2, 3, 4] }], build: (g, a, b) => g.matMul(a, b) }],
  ['MatMul of two vectors (dot)', { inputs: [{ shape: [3] }, { shape: [3] }], build: (g, a, b) => g.matMul(a, b) }],
  ['Gemm transB alpha beta, C broadcast', { inputs: [{ shape: [2, 3] }, { shape: [4, 3] }, { shape: [4] }], build: (g, a, b, c) => g.gemm(a, b, c, { transB: true, alpha: 0.7, beta: 1.3 }) }],
  ['FusedMatMul transB alpha, batched (attention scores)', { inputs: [{ shape: [2, 3, 4, 5] }, { shape: [2, 3, 6, 5] }], build: (g, a, b) => g.fusedMatMul(a, b, { transB: true, alpha: 0.35 }) }],
  ['FusedMatMul transA, batch broadcast', { inputs: [{ shape: [2, 5, 4] }, { shape: [1, 5, 3] }], build: (g, a, b) => g.fusedMatMul(a, b, { transA: true }) }],
  ['FusedMatMul transA transB', { inputs: [{ shape: [3, 5, 4] }, { shape: [3, 2, 5] }], build: (g, a, b) => g.fusedMatMul(a, b, { transA: true, transB: true, alpha: 2 }) }],
  ['Gemm transA', { inputs: [{ shape: [3, 2] }, { shape: [3, 4] }, { shape: [2, 4] }], build: (g, a, b, c) => g.gemm(a, b, c, { transA: true }) }],
  ['Softmax over a middle axis', { inputs: [{ shape: [2, 3, 2] }], build: (g, a) => g.softmax(a, { axis: 1 }) }],
  ['softmaxTimes: softmax then a fed dropout mask, one backward for the pair', { inputs: [{ shape: [2, 2, 4] }, { shape: [2, 2, 4], values: [1.25, 0, 1.25, 1.25, 0, 1.25, 1.25, 1.25, 1.25, 1.25, 0, 0, 1.25, 1.25, 1.25, 0] }],
    build: (g, x, m) => g.softmaxTimes(x, m) }],
  ['softmaxTimes over a middle axis, then more ops', { inputs: [{ shape: [2, 3, 2] }, { shape: [2, 3, 2], values: [0.5, 2, 0, 1, 1.5, 0.25, 1, 0, 2, 2, 0.75, 1] }],
    build: (g, x, m) => g.mul(g.softmaxTimes(x, m, { axis: 1 }), g.constant(Float64Array.from([0.3, -1, 2, 0.7, 1.1, -0.4, 0.2, 0.9, -2, 1, 0.5, 0.8]), x.dtype, [2, 3, 2])) }],
  ['LogSoftmax', { inputs: [{ shape: ['batch', 4], feed: [2, 4] }], build: (g, a) => g.logSoftmax(a) }],
  ['LayerNormalization (saved Mean/InvStdDev)', { inputs: [{ shape: ['batch', 'seq', 4], feed: [2, 2, 4] }, { shape: [4] }, { shape: [4] }], build: (g, x, s, b) => g.layerNormalization(x, s, b, { epsilon: 1e-5 }) }],
  ['LayerNormalization float32, no bias (float32)', { precision: 'float32', inputs: [{ shape: ['batch', 4], feed: [3, 4] }, { shape: [4] }], build: (g, x, s) => g.layerNormalization(x, s, null) }],
  ['Gather embedding rows (repeated ids add up)', { inputs: [{ shape: [5, 3] }, { shape: ['batch', 'seq'], feed: [2, 3], dtype: 'int64', values: [1, 4, 1, 0, 4, 4] }], build: (g, e, i) => g.gather(e, i) }],
  ['Gather: one table looked up twice (the scatter-adds merge into one sum)', { inputs: [{ shape: [5, 3] }, { shape: [2, 3], dtype: 'int64', values: [1, 4, 1, 0, 4, 4] }, { shape: [4], dtype: 'int64', values: [4, 2, 2, 0] }],
    build: (g, e, i, j) => g.add(g.reduceSum(g.gather(e, i), [1]), g.mul(g.reduceSum(g.gather(e, j), [0], { keepdims: false }), g.scalar(0.7, e.dtype))) }],
  ['Gather three times plus a dense use of the table', { inputs: [{ shape: [4, 2] }, { shape: [3], dtype: 'int64', values: [3, 0, 3] }],
    build: (g, e, i) => g.add(g.add(g.gather(e, i), g.mul(g.gather(e, i), g.gather(e, i))), g.slice(g.mul(e, e), [0], [3], [0])) }],
  ['Gather along axis 1', { inputs: [{ shape: [2, 4, 2] }, { shape: [3], dtype: 'int64', values: [3, 0, 3] }], build: (g, x, i) => g.gather(x, i, { axis: 1 }) }],
  ['Gather with negative ids', { inputs: [{ shape: [4, 2] }, { shape: [3], dtype: 'int64', values: [-1, 0, -1] }], build: (g, e, i) => g.gather(e, i) }],
  ['GatherElements', { inputs: [{ shape: [2, 3] }, { shape: [2, 2], dtype: 'int64', values: [2, 2, 0, 1] }], build: (g, x, i) => g.gatherElements(x, i, { axis: 1 }) }],
  ['Reshape with symbolic dims', { inputs: [{ shape: ['batch', 'seq', 4], feed: [2, 3, 4] }], build: (g, x) => g.reshape(x, ['batch', 'seq', 2, 2]) }],
  ['Reshape -1 to an unknown dim', { inputs: [{ shape: ['batch', 3], feed: [2, 3] }], build: (g, x) => g.reshape(x, [-1]) }],
  ['Transpose', { inputs: [{ shape: [2, 3, 4] }], build: (g, x) => g.transpose(x, { perm: [2, 0, 1] }) }],
  ['Unsqueeze', { inputs: [b23], build: (g, x) => g.unsqueeze(x, [0, -1]) }],
  ['Squeeze', { inputs: [{ shape: [2, 1, 3] }], build: (g, x) => g.squeeze(x, [1]) }],
  ['Concat static', { inputs: [{ shape: [2, 1] }, { shape: [2, 3] }], build: (g, a, b) => g.concat([a, b, a], { axis: 1 }) }],
  ['Concat along a symbolic axis', { inputs: [{ shape: ['n', 2], feed: [3, 2] }, { shape: [1, 2] }], build: (g, a, b) => g.concat([b, a], { axis: 0 }) }],
  ['Split with an unused piece', { inputs: [{ shape: [2, 5] }], build: (g, x) => g.split(x, [2, 3], { axis: 1 })[1]! }],
  ['Slice static, negative start', { inputs: [{ shape: [4, 3] }], build: (g, x) => g.slice(x, [-3, 1], [-1, 3]) }],
  ['Slice CLS token on symbolic seq', { inputs: [{ shape: ['batch', 'seq', 2], feed: [2, 3, 2] }], build: (g, x) => g.slice(x, [0], [1], [1]) }],
  ['Slice to the end of symbolic seq', { inputs: [{ shape: ['batch', 'seq', 2], feed: [2, 3, 2] }], build: (g, x) => g.slice(x, [1], [2 ** 62], [1]) }],
  ['Expand', { inputs: [{ shape: [1, 3] }], build: (g, x) => g.expand(x, [2, 2, 3]) }],
  ['Where', { inputs: [{ shape: [2, 3], dtype: 'bool', values: [1, 0, 1, 0, 0, 1] }, { shape: [2, 3] }, { shape: [3] }], build: (g, c, a, b) => g.where(c, a, b) }],
  ['Cast float32 round trip (float32)', { precision: 'float32', inputs: [{ shape: [2, 3], dtype: 'float64' }], build: (g, x) => g.cast(g.exp(g.cast(x, 'float32')), 'float32') }],
  ['ReduceSum without keepdims', { inputs: [{ shape: [2, 3, 2] }], build: (g, x) => g.reduceSum(x, [0, 2], { keepdims: false }) }],
  ['ReduceMean over a symbolic axis', { inputs: [{ shape: ['batch', 'seq', 2], feed: [2, 3, 2] }], build: (g, x) => g.reduceMean(x, [1]) }],
  ['ReduceSumSquare', { inputs: [{ shape: [2, 3] }], build: (g, x) => g.reduceSumSquare(x, [1], { keepdims: false }) }],
  ['ReduceMax', { inputs: [{ shape: [2, 3], values: distinct }], build: (g, x) => g.reduceMax(x, [1]) }],
  ['ReduceMin', { inputs: [{ shape: [2, 3], values: distinct }], build: (g, x) => g.reduceMin(x, [0], { keepdims: false }) }],
  ['Sin and Cos', { inputs: [b23], build: (g, x) => g.mul(g.sin(x), g.cos(g.mul(x, x))) }],
  ['Tile', { inputs: [{ shape: [2, 3] }], build: (g, x) => g.tile(x, [2, 1]) }],
  ['SoftmaxCrossEntropyLoss mean with ignore_index', { inputs: [{ shape: ['n', 4], feed: [3, 4] }, { shape: ['n'], feed: [3], dtype: 'int64', values: [2, -100, 0] }], build: (g, l, y) => g.softmaxCrossEntropyLoss(l, y, { ignoreIndex: -100 }) }],
  ['SoftmaxCrossEntropyLoss sum, [N,C,d] logits', { inputs: [{ shape: [2, 3, 2] }, { shape: [2, 2], dtype: 'int64', values: [0, 2, 1, 1] }], build: (g, l, y) => g.softmaxCrossEntropyLoss(l, y, { reduction: 'sum' }) }],
  ['SoftmaxCrossEntropyLoss none', { inputs: [{ shape: [3, 4] }, { shape: [3], dtype: 'int64', values: [3, 1, 0] }], build: (g, l, y) => g.softmaxCrossEntropyLoss(l, y, { reduction: 'none' }) }],
  ['Pad', { inputs: [{ shape: [2, 3] }], build: (g, x) => g.pad(x, [1, 0, 0, 2]) }],
  ['Dropout in inference mode is identity', { inputs: [b23], build: (g, x) => g.dropout(x, 0.3, false).output }],
  ['Dropout with training fed as a tensor (false)', { inputs: [b23, { shape: [], dtype: 'bool', values: [0] }], build: (g, x, t) => g.dropout(x, 0.3, t).output }],
  ['Attention-like block (symbolic batch/seq)', { inputs: [{ shape: ['batch', 'seq', 4], feed: [2, 3, 4] }, { shape: [4, 4] }],
    build: (g, x, w) => { const q = g.matMul(x, w); return g.matMul(g.softmax(g.div(g.matMul(q, g.transpose(x, { perm: [0, 2, 1] })), g.scalar(2, 'float64'))), x); } }],
  ['BERT-style encoder layer + CLS head + loss (symbolic batch/seq)', {
    inputs: [
      { shape: ['batch', 'seq', 4], feed: [2, 3, 4] },
      { shape: ['batch', 'seq'], feed: [2, 3], dtype: 'int64', values: [1, 1, 1, 1, 1, 0] },
      { shape: [4, 4] }, { shape: [4, 4] }, { shape: [4, 4] }, { shape: [4, 4] }, { shape: [4], values: (u) => 1 + u / 4 }, { shape: [4, 3] },
      { shape: ['batch'], feed: [2], dtype: 'int64', values: [2, 0] },
    ],
    build: encoderLayer,
  }],
];

/** Post-LN attention block with padding mask, 2 heads, tanh FFN, CLS pooling and a cross-entropy loss. */
function encoderLayer(g: Graph, x: Value, mask: Value, wq: Value, wk: Value, wv: Value, wo: Value, ln: Value, wc: Value, labels: Value): Value {
  const f = (v: number) => g.scalar(v, 'float64');
  const heads = (t: Value) => g.transpose(g.reshape(g.matMul(x, t), [0, 0, 2, 2]), { perm: [0, 2, 1, 3] }); // [batch, heads, seq, headDim]
  const bias = g.unsqueeze(g.mul(g.sub(f(1), g.cast(mask, 'float64')), f(-1e4)), [1, 2]); // [batch, 1, 1, seq]
  const scores = g.add(g.div(g.matMul(heads(wq), g.transpose(heads(wk), { perm: [0, 1, 3, 2] })), f(Math.SQRT2)), bias);
  const ctx = g.reshape(g.transpose(g.matMul(g.softmax(scores), heads(wv)), { perm: [0, 2, 1, 3] }), [0, 0, -1]); // [batch, seq, 4]
  const h = g.layerNormalization(g.add(g.matMul(ctx, wo), x), ln, null);
  const out = g.layerNormalization(g.add(g.tanh(h), h), ln, null);
  const cls = g.squeeze(g.slice(out, [0], [1], [1]), [1]); // [batch, 4]
  return g.softmaxCrossEntropyLoss(g.matMul(cls, wc), labels);
}

for (const [name, spec] of table) test(`gradient of ${name}`, () => gradcheck(spec));
