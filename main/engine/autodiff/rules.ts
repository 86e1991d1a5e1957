// The gradient table: one rule per op type, each a short formula over the builder.
// A rule gets the node's inputs, outputs and output adjoints, and returns one adjoint per input (null = no gradient).
import type { Graph, Node, OpType, Value } from '../graph';
import {
  c, concatGrad, expandBack, fillLike, gatherGrad, gemmGrad, fusedMatMulGrad, layerNormGrad, matMulGrad, reducedCount, shapeOf, sliceGrad,
  softmaxCrossEntropyGrad, tileGrad, unbroadcast,
} from './helpers';

export interface GradContext {
  g: Graph;
  node: Node;
  /** The node's inputs (null for omitted optional inputs). */
  x: (Value | null)[];
  /** The node's outputs. */
  y: Value[];
  /** Adjoint of each output (null where no gradient flows into it). */
  dy: (Value | null)[];
  /** Which inputs need an adjoint; rules may skip the others. */
  needs: boolean[];
}
export type GradRule = (ctx: GradContext) => (Value | null)[];
/** Ops whose outputs carry no gradient (integer/bool results, shapes, constants). */
export const NON_DIFFERENTIABLE = 'non-differentiable' as const;
/** A differentiable op without a rule yet: using it in a gradient path is an error naming op and node. */
const unsupported = (why: string): GradRule => ({ node }) => {
  throw new Error(`no gradient rule for ${node.opType} (node ${node}): ${why}`);
};

const d0 = (k: GradContext) => k.dy[0]!;
const X = (k: GradContext, i = 0) => k.x[i]!;
const Y = (k: GradContext) => k.y[0]!;
const ub = (k: GradContext, grad: Value, i: number) => unbroadcast(k.g, grad, X(k, i));
const zero = (k: GradContext) => c(k.g, 0, d0(k));
const axesOf = (k: GradContext) => k.node.ints('axes')!;
const keep = (k: GradContext) => k.node.int('keepdims', 1) === 1;

export const rules: Record<OpType, GradRule | typeof NON_DIFFERENTIABLE> = {
  Add: (k) => [ub(k, d0(k), 0), ub(k, d0(k), 1)],
  Sub: (k) => [ub(k, d0(k), 0), ub(k, k.g.neg(d0(k)), 1)],
  Mul: ({ g, ...k }) => [k.needs[0] ? ub({ g, ...k }, g.mul(k.dy[0]!, k.x[1]!), 0) : null, k.needs[1] ? ub({ g, ...k }, g.mul(k.dy[0]!, k.x[0]!), 1) : null],
  Div: (k) => [k.needs[0] ? ub(k, k.g.div(d0(k), X(k, 1)), 0) : null, k.needs[1] ? ub(k, k.g.neg(k.g.div(k.g.mul(d0(k), Y(k)), X(k, 1))), 1) : null],
  Pow: (k) => [
    k.needs[0] ? ub(k, k.g.mul(d0(k), k.g.mul(X(k, 1), k.g.pow(X(k), k.g.sub(X(k, 1), c(k.g, 1, X(k, 1)))))), 0) : null,
    k.needs[1] ? ub(k, k.g.mul(d0(k), k.g.mul(Y(k), k.g.log(X(k)))), 1) : null,
  ],
  Min: (k) => [ub(k, k.g.where(k.g.greater(X(k), X(k, 1)), zero(k), d0(k)), 0), ub(k, k.g.where(k.g.greater(X(k), X(k, 1)), d0(k), zero(k)), 1)],
  Max: (k) => [ub(k, k.g.where(k.g.less(X(k), X(k, 1)), zero(k), d0(k)), 0), ub(k, k.g.where(k.g.less(X(k), X(k, 1)), d0(k), zero(k)), 1)],
  Neg: (k) => [k.g.neg(d0(k))],
  Identity: (k) => [d0(k)],
  Sqrt: (k) => [k.g.div(k.g.mul(d0(k), c(k.g, 0.5, Y(k))), Y(k))],
  Exp: (k) => [k.g.mul(d0(k), Y(k))],
  Log: (k) => [k.g.div(d0(k), X(k))],
  Tanh: (k) => [k.g.mul(d0(k), k.g.sub(c(k.g, 1, Y(k)), k.g.mul(Y(k), Y(k))))],
  Sigmoid: (k) => [k.g.mul(d0(k), k.g.mul(Y(k), k.g.sub(c(k.g, 1, Y(k)), Y(k))))],
  Relu: (k) => [k.g.where(k.g.greater(X(k), c(k.g, 0, X(k))), d0(k), zero(k))],
  Erf: (k) => [k.g.mul(d0(k), k.g.mul(c(k.g, 2 / Math.sqrt(Math.PI), X(k)), k.g.exp(k.g.neg(k.g.mul(X(k), X(k))))))],
  Abs: (k) => [k.g.where(k.g.less(X(k), c(k.g, 0, X(k))), k.g.neg(d0(k)), d0(k))],
  Reciprocal: (k) => [k.g.neg(k.g.mul(d0(k), k.g.mul(Y(k), Y(k))))],
  Clip: (k) => {
    let d = d0(k);
    if (k.x[2]) d = k.g.where(k.g.greater(X(k), k.x[2]), zero(k), d);
    if (k.x[1]) d = k.g.where(k.g.less(X(k), k.x[1]), zero(k), d);
    return [d, null, null]; // bounds are treated as constants
  },
  Where: (k) => [null, ub(k, k.g.where(X(k), d0(k), zero(k)), 1), ub(k, k.g.where(X(k), zero(k), d0(k)), 2)],
  Cast: (k) => [X(k).dtype === 'float32' || X(k).dtype === 'float64' ? k.g.cast(d0(k), X(k).dtype) : null],
  MatMul: (k) => matMulGrad(k.g, X(k), X(k, 1), d0(k), k.needs),
  Gemm: (k) => gemmGrad(k.g, k.x, d0(k), { transA: k.node.int('transA', 0) === 1, transB: k.node.int('transB', 0) === 1, alpha: k.node.float('alpha', 1), beta: k.node.float('beta', 1) }, k.needs),
  FusedMatMul: (k) => fusedMatMulGrad(k.g, k.x, d0(k), { transA: k.node.int('transA', 0) === 1, transB: k.node.int('transB', 0) === 1, alpha: k.node.float('alpha', 1) }, k.needs),
  Softmax: (k) => [k.g.mul(Y(k), k.g.sub(d0(k), k.g.reduceSum(k.g.mul(d0(k), Y(k)), [k.node.int('axis', -1)])))],
  LogSoftmax: (k) => [k.g.sub(d0(k), k.g.mul(k.g.exp(Y(k)), k.g.reduceSum(d0(k), [k.node.int('axis', -1)])))],
  LayerNormalization: (k) => {
    if (k.dy[1] || k.dy[2]) throw new Error(`no gradient rule for LayerNormalization (node ${k.node}) through its Mean/InvStdDev outputs`);
    return layerNormGrad(k.g, k.x, k.y, d0(k), k.node.int('axis', -1), k.needs);
  },
  Dropout: (k) => {
    const ratio = X(k, 1).data ? Number(X(k, 1).data![0]) : null;
    if (ratio === null) throw new Error(`no gradient rule for Dropout (node ${k.node}) with a non-constant ratio`);
    const t = k.x[2];
    const scaled = k.g.mul(d0(k), c(k.g, 1 / (1 - ratio), d0(k)));
    const d = !t ? d0(k) : t.data ? (t.data[0] ? scaled : d0(k)) : k.g.where(t, scaled, d0(k));
    return [k.g.where(k.y[1]!, d, zero(k)), null, null];
  },
  SoftmaxCrossEntropyLoss: (k) => {
    if (k.dy[1]) throw new Error(`no gradient rule for SoftmaxCrossEntropyLoss (node ${k.node}) through its log_prob output`);
    const ig = k.node.attrs.ignore_index;
    return [softmaxCrossEntropyGrad(k.g, X(k), X(k, 1), k.y[1]!, d0(k), k.node.string('reduction', 'mean'), ig?.kind === 'int' ? ig.value : undefined), null];
  },
  Gather: (k) => [gatherGrad(k.g, X(k), X(k, 1), d0(k), k.node.int('axis', 0)), null],
  GatherElements: (k) => [k.g.scatterElements(fillLike(k.g, X(k), 0), X(k, 1), d0(k), { axis: k.node.int('axis', 0), reduction: 'add' }), null],
  ScatterND: unsupported('not needed by Chorus models yet'),
  ScatterElements: unsupported('not needed by Chorus models yet'),
  Reshape: (k) => [k.g.reshape(d0(k), shapeOf(k.g, X(k))), null],
  Transpose: (k) => {
    const perm = k.node.ints('perm')!;
    return [k.g.transpose(d0(k), { perm: perm.map((_, i) => perm.indexOf(i)) })];
  },
  Unsqueeze: (k) => [k.g.squeeze(d0(k), axesOf(k))],
  Squeeze: (k) => [k.g.unsqueeze(d0(k), axesOf(k))],
  Concat: (k) => concatGrad(k.g, k.x as Value[], d0(k), k.node.int('axis', 0)),
  Split: (k) => [k.g.concat(k.y.map((y, i) => k.dy[i] ?? fillLike(k.g, y, 0)), { axis: k.node.int('axis', 0) })],
  Slice: (k) => [sliceGrad(k.g, X(k), d0(k), k.node.ints('starts')!, k.node.ints('ends')!, k.node.ints('axes')!, k.node.ints('steps')!, String(k.node))],
  Pad: (k) => {
    const p = X(k, 1).data;
    if (!p) throw new Error(`no gradient rule for Pad (node ${k.node}) with runtime pads`);
    const pads = Array.from(p as BigInt64Array, Number), r = X(k).rank;
    const axes = [...Array(r).keys()];
    return [k.g.slice(d0(k), axes.map((a) => pads[a]!), axes.map((a) => (pads[a + r]! > 0 ? -pads[a + r]! : 2 ** 62)), axes), null, null];
  },
  Expand: (k) => [ub(k, d0(k), 0), null],
  ReduceSum: (k) => [expandBack(k.g, d0(k), X(k), axesOf(k), keep(k))],
  ReduceMean: (k) => [k.g.div(expandBack(k.g, d0(k), X(k), axesOf(k), keep(k)), reducedCount(k.g, X(k), Y(k), axesOf(k)))],
  ReduceSumSquare: (k) => [k.g.mul(expandBack(k.g, d0(k), X(k), axesOf(k), keep(k)), k.g.mul(X(k), c(k.g, 2, X(k))))],
  ReduceMax: (k) => [k.g.where(k.g.equal(X(k), expandBack(k.g, Y(k), X(k), axesOf(k), keep(k))), expandBack(k.g, d0(k), X(k), axesOf(k), keep(k)), zero(k))],
  ReduceMin: (k) => [k.g.where(k.g.equal(X(k), expandBack(k.g, Y(k), X(k), axesOf(k), keep(k))), expandBack(k.g, d0(k), X(k), axesOf(k), keep(k)), zero(k))],
  Sin: (k) => [k.g.mul(d0(k), k.g.cos(X(k)))],
  Cos: (k) => [k.g.neg(k.g.mul(d0(k), k.g.sin(X(k))))],
  Tile: (k) => [tileGrad(k.g, X(k), d0(k), Array.from(X(k, 1).data as BigInt64Array, Number)), null],
  Sign: NON_DIFFERENTIABLE, // derivative 0 almost everywhere
  Floor: NON_DIFFERENTIABLE, // derivative 0 almost everywhere
  ArgMax: NON_DIFFERENTIABLE,
  GreaterOrEqual: NON_DIFFERENTIABLE,
  LessOrEqual: NON_DIFFERENTIABLE,
  Or: NON_DIFFERENTIABLE,
  Equal: NON_DIFFERENTIABLE,
  Less: NON_DIFFERENTIABLE,
  Greater: NON_DIFFERENTIABLE,
  And: NON_DIFFERENTIABLE,
  Not: NON_DIFFERENTIABLE,
  Shape: NON_DIFFERENTIABLE,
  Size: NON_DIFFERENTIABLE,
  ConstantOfShape: NON_DIFFERENTIABLE,
  Range: NON_DIFFERENTIABLE,
};
