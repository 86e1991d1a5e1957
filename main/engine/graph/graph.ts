// The graph builder: one method per ONNX op, shapes inferred at construction.
import { attr, Node, Value, type Attr, type DType, type Dim, type OpType, type TensorData } from './types';
import { broadcastShapes, dimRatio, fmt, isUnknown, normAxis, ShapeError, unknownDim } from './shape';
import { dtypeOfData, knownDims, ONNX_DTYPE, typedArrayFor } from './dtype';

export { ONNX_DTYPE, typedArrayFor };

const INT_BIG = 2 ** 62;

export interface ReduceOptions { keepdims?: boolean }

export class Graph {
  readonly nodes: Node[] = [];
  readonly inputs: Value[] = [];
  readonly constants: Value[] = [];
  readonly outputs: { value: Value; name: string }[] = [];
  /** Where each symbolic dim of a graph input can be read at runtime. */
  readonly symbols = new Map<string, { value: Value; axis: number }>();

  constructor(readonly name = 'chorus') {}

  // ---- graph interface ----
  input(name: string, dtype: DType, shape: Dim[]): Value {
    if (this.inputs.some((v) => v.inputName === name)) throw new Error(`Graph.input: duplicate input name '${name}'`);
    const v = new Value(this, dtype, [...shape], null);
    v.inputName = name;
    this.inputs.push(v);
    shape.forEach((d, axis) => {
      if (typeof d === 'string' && !this.symbols.has(d)) this.symbols.set(d, { value: v, axis });
    });
    return v;
  }

  constant(data: TensorData | number[] | number, dtype?: DType, shape?: number[]): Value {
    let arr: TensorData;
    if (typeof data === 'number') {
      arr = typedArrayFor(dtype ?? 'float32', [data]);
      shape ??= [];
    } else if (Array.isArray(data)) {
      arr = typedArrayFor(dtype ?? 'float32', data);
    } else {
      arr = dtype && dtype !== dtypeOfData(data) ? typedArrayFor(dtype, Array.from(data as ArrayLike<number | bigint>, Number)) : data;
    }
    const shp = shape ?? [arr.length];
    const n = shp.reduce((a, b) => a * b, 1);
    if (n !== arr.length) throw new ShapeError(`Graph.constant: ${arr.length} values do not fill shape ${fmt(shp)}`);
    const v = new Value(this, dtype ?? dtypeOfData(arr), shp, null);
    v.data = arr;
    this.constants.push(v);
    return v;
  }

  /** Scalar constant of the given dtype (shape []). */
  scalar(x: number, dtype: DType = 'float32'): Value {
    const key = `${dtype}:${Object.is(x, -0) ? '-0' : x}`;
    let v = this.scalars.get(key);
    if (!v) this.scalars.set(key, (v = this.constant(x, dtype)));
    return v;
  }
  private readonly scalars = new Map<string, Value>();

  output(value: Value, name: string): void {
    if (value.graph !== this) throw new Error(`Graph.output '${name}': value belongs to another graph`);
    if (this.outputs.some((o) => o.name === name)) throw new Error(`Graph.output: duplicate output name '${name}'`);
    if (this.inputs.some((v) => v.inputName === name)) throw new Error(`Graph.output: '${name}' is already an input name`);
    this.outputs.push({ value, name });
  }

  /** Low-level node creation; every op method goes through here. */
  op(opType: OpType, inputs: (Value | null)[], attrs: Record<string, Attr>, outs: { dtype: DType; shape: Dim[] }[]): Value[] {
    for (const v of inputs) if (v && v.graph !== this) throw new Error(`${opType}: input ${v} belongs to another graph`);
    const node = new Node(opType, inputs, attrs);
    outs.forEach((o, i) => node.outputs.push(new Value(this, o.dtype, o.shape, node, i)));
    this.nodes.push(node);
    return node.outputs;
  }
  private op1(opType: OpType, inputs: (Value | null)[], attrs: Record<string, Attr>, dtype: DType, shape: Dim[]): Value {
    return this.op(opType, inputs, attrs, [{ dtype, shape }])[0]!;
  }

  // ---- element-wise ----
  private sameType(op: string, vs: Value[]): DType {
    const d = vs[0]!.dtype;
    for (const v of vs) if (v.dtype !== d) throw new ShapeError(`${op}: dtype mismatch ${vs.map((x) => x.dtype).join(' vs ')}`);
    return d;
  }
  private binary(op: OpType, a: Value, b: Value, outType?: DType): Value {
    const dt = this.sameType(op, [a, b]);
    return this.op1(op, [a, b], {}, outType ?? dt, broadcastShapes(op, [a.shape, b.shape]));
  }
  private unary(op: OpType, x: Value, attrs: Record<string, Attr> = {}): Value {
    return this.op1(op, [x], attrs, x.dtype, [...x.shape]);
  }
  add(a: Value, b: Value): Value { return this.binary('Add', a, b); }
  sub(a: Value, b: Value): Value { return this.binary('Sub', a, b); }
  mul(a: Value, b: Value): Value { return this.binary('Mul', a, b); }
  div(a: Value, b: Value): Value { return this.binary('Div', a, b); }
  pow(a: Value, b: Value): Value {
    return this.op1('Pow', [a, b], {}, a.dtype, broadcastShapes('Pow', [a.shape, b.shape]));
  }
  min(a: Value, b: Value): Value { return this.binary('Min', a, b); }
  max(a: Value, b: Value): Value { return this.binary('Max', a, b); }
  equal(a: Value, b: Value): Value { return this.binary('Equal', a, b, 'bool'); }
  less(a: Value, b: Value): Value { return this.binary('Less', a, b, 'bool'); }
  greater(a: Value, b: Value): Value { return this.binary('Greater', a, b, 'bool'); }
  greaterOrEqual(a: Value, b: Value): Value { return this.binary('GreaterOrEqual', a, b, 'bool'); }
  lessOrEqual(a: Value, b: Value): Value { return this.binary('LessOrEqual', a, b, 'bool'); }
  and(a: Value, b: Value): Value { return this.binary('And', a, b, 'bool'); }
  or(a: Value, b: Value): Value { return this.binary('Or', a, b, 'bool'); }
  sign(x: Value): Value { return this.unary('Sign', x); }
  floor(x: Value): Value { return this.unary('Floor', x); }
  sin(x: Value): Value { return this.unary('Sin', x); }
  cos(x: Value): Value { return this.unary('Cos', x); }
  not(x: Value): Value { return this.unary('Not', x); }
  neg(x: Value): Value { return this.unary('Neg', x); }
  sqrt(x: Value): Value { return this.unary('Sqrt', x); }
  exp(x: Value): Value { return this.unary('Exp', x); }
  log(x: Value): Value { return this.unary('Log', x); }
  tanh(x: Value): Value { return this.unary('Tanh', x); }
  sigmoid(x: Value): Value { return this.unary('Sigmoid', x); }
  relu(x: Value): Value { return this.unary('Relu', x); }
  erf(x: Value): Value { return this.unary('Erf', x); }
  abs(x: Value): Value { return this.unary('Abs', x); }
  reciprocal(x: Value): Value { return this.unary('Reciprocal', x); }
  identity(x: Value): Value { return this.unary('Identity', x); }
  where(cond: Value, a: Value, b: Value): Value {
    if (cond.dtype !== 'bool') throw new ShapeError(`Where: condition must be bool, got ${cond.dtype}`);
    const dt = this.sameType('Where', [a, b]);
    return this.op1('Where', [cond, a, b], {}, dt, broadcastShapes('Where', [cond.shape, a.shape, b.shape]));
  }
  cast(x: Value, to: DType): Value {
    return this.op1('Cast', [x], { to: attr.int(ONNX_DTYPE[to]) }, to, [...x.shape]);
  }
  clip(x: Value, min?: Value | number, max?: Value | number): Value {
    const lift = (v: Value | number | undefined) => (v === undefined ? null : typeof v === 'number' ? this.scalar(v, x.dtype) : v);
    return this.op1('Clip', [x, lift(min), lift(max)], {}, x.dtype, [...x.shape]);
  }
  /** PyTorch's exact GELU: x · 0.5 · (1 + erf(x / √2)). Graphs without a backward pass get ORT's Gelu fusion of it. */
  gelu(x: Value): Value {
    return this.mul(this.geluTimesTwo(x), this.scalar(0.5, x.dtype));
  }
  /**
   * 2 · GELU(x) = x · c with c = 1 + erf(t), t = x / √2: for a consumer that folds the 0.5 into its own scale (a
   * Gemm's alpha). Its own backward, 5 passes fewer than the rules table would build: d(x · c)/dx = c + x · √(2/π) ·
   * exp(−t²), the constant folded into the exponent.
   */
  geluTimesTwo(x: Value): Value {
    const c = (v: number) => this.scalar(v, x.dtype);
    const t = this.mul(x, c(Math.SQRT1_2));
    const cdf2 = this.add(this.erf(t), c(1));
    const twice = this.mul(x, cdf2);
    twice.node!.gradRule = (dy, needs) => {
      if (!needs[0] || !dy[0]) return [null, null];
      const slope = this.exp(this.sub(c(0.5 * Math.log(2 / Math.PI)), this.mul(t, t))); // √(2/π) · exp(−t²)
      return [this.mul(dy[0], this.add(cdf2, this.mul(x, slope))), null]; // dy · (c + x · slope): 6 passes
    };
    return twice;
  }
  /** The tanh approximation (HF gelu_new, PyTorch gelu(approximate='tanh')): 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))). */
  geluTanh(x: Value): Value {
    const c = (v: number) => this.scalar(v, x.dtype);
    const cube = this.mul(this.mul(x, x), x);
    const inner = this.mul(c(Math.sqrt(2 / Math.PI)), this.add(x, this.mul(c(0.044715), cube)));
    return this.mul(this.mul(c(0.5), x), this.add(c(1), this.tanh(inner)));
  }

  // ---- linear algebra ----
  /**
   * ONNX Runtime's com.microsoft FusedMatMul: alpha · A' · B' with A' = transA ? A with its last two dims swapped : A,
   * B' likewise; batch dims broadcast as in MatMul. A transposed operand costs no Transpose pass (ORT merges a head
   * split's Transpose with a key transpose into one slow [0, 2, 3, 1] copy when written as MatMul).
   */
  fusedMatMul(a: Value, b: Value, o: { transA?: boolean; transB?: boolean; alpha?: number } = {}): Value {
    const dt = this.sameType('FusedMatMul', [a, b]);
    if (a.rank < 2 || b.rank < 2) throw new ShapeError(`FusedMatMul: operands need rank >= 2 (${fmt(a.shape)} x ${fmt(b.shape)})`);
    const last2 = (v: Value, t: boolean | undefined) => { const [r, c] = v.shape.slice(-2) as [Dim, Dim]; return t ? [c, r] : [r, c]; };
    const [m, k1] = last2(a, o.transA), [k2, n] = last2(b, o.transB);
    if (k1 !== k2 && !isUnknown(k1!) && !isUnknown(k2!))
      throw new ShapeError(`FusedMatMul: inner dims differ, ${fmt(a.shape)}${o.transA ? 'ᵀ' : ''} x ${fmt(b.shape)}${o.transB ? 'ᵀ' : ''} (${k1} vs ${k2})`);
    const batch = broadcastShapes('FusedMatMul', [a.shape.slice(0, -2), b.shape.slice(0, -2)]);
    const attrs: Record<string, Attr> = { alpha: attr.float(o.alpha ?? 1), transA: attr.int(o.transA ? 1 : 0), transB: attr.int(o.transB ? 1 : 0) };
    return this.op1('FusedMatMul', [a, b], attrs, dt, [...batch, m!, n!]);
  }
  matMul(a: Value, b: Value): Value {
    const dt = this.sameType('MatMul', [a, b]);
    if (a.rank === 0 || b.rank === 0) throw new ShapeError(`MatMul: scalar operand (${fmt(a.shape)} x ${fmt(b.shape)})`);
    const as = a.rank === 1 ? [1, a.shape[0]!] : a.shape;
    const bs = b.rank === 1 ? [b.shape[0]!, 1] : b.shape;
    const k1 = as[as.length - 1]!;
    const k2 = bs[bs.length - 2]!;
    if (k1 !== k2 && !isUnknown(k1) && !isUnknown(k2))
      throw new ShapeError(`MatMul: inner dims differ, ${fmt(a.shape)} x ${fmt(b.shape)} (${k1} vs ${k2})`);
    let batch: Dim[];
    try {
      batch = broadcastShapes('MatMul', [as.slice(0, -2), bs.slice(0, -2)]);
    } catch {
      throw new ShapeError(`MatMul: cannot broadcast batch dims of ${fmt(a.shape)} x ${fmt(b.shape)}`);
    }
    const out = [...batch];
    if (a.rank !== 1) out.push(as[as.length - 2]!);
    if (b.rank !== 1) out.push(bs[bs.length - 1]!);
    return this.op1('MatMul', [a, b], {}, dt, out);
  }
  gemm(a: Value, b: Value, c?: Value | null, o: { transA?: boolean; transB?: boolean; alpha?: number; beta?: number } = {}): Value {
    const dt = this.sameType('Gemm', c ? [a, b, c] : [a, b]);
    if (a.rank !== 2 || b.rank !== 2) throw new ShapeError(`Gemm: operands must be 2-D, got ${fmt(a.shape)} and ${fmt(b.shape)}`);
    const [m, k1] = o.transA ? [a.shape[1]!, a.shape[0]!] : [a.shape[0]!, a.shape[1]!];
    const [k2, n] = o.transB ? [b.shape[1]!, b.shape[0]!] : [b.shape[0]!, b.shape[1]!];
    if (k1 !== k2 && !isUnknown(k1) && !isUnknown(k2)) throw new ShapeError(`Gemm: inner dims differ (${k1} vs ${k2}) for ${fmt(a.shape)}, ${fmt(b.shape)}`);
    if (c) broadcastShapes('Gemm (C)', [[m, n], c.shape]);
    const attrs: Record<string, Attr> = {};
    if (o.transA) attrs.transA = attr.int(1);
    if (o.transB) attrs.transB = attr.int(1);
    if (o.alpha !== undefined && o.alpha !== 1) attrs.alpha = attr.float(o.alpha);
    if (o.beta !== undefined && o.beta !== 1) attrs.beta = attr.float(o.beta);
    return this.op1('Gemm', c ? [a, b, c] : [a, b], attrs, dt, [m, n]);
  }

  // ---- normalisation / activations over an axis ----
  softmax(x: Value, o: { axis?: number } = {}): Value {
    return this.unary('Softmax', x, { axis: attr.int(normAxis('Softmax', o.axis ?? -1, x.rank)) });
  }
  /**
   * softmax(x) ⊙ mask (dropout over attention probabilities with a fed, pre-scaled mask) with one backward for the
   * pair: t = dy ⊙ y, dx = t − p · Σt. Chained, the two rules would multiply dy by the mask and then by p: a pass over
   * the probabilities more, and the mask read again. The probabilities p stay private, so their adjoint is always the
   * one the product hands on (dy itself, which the softmax's rule turns into dx).
   */
  softmaxTimes(x: Value, mask: Value, o: { axis?: number } = {}): Value {
    const axis = normAxis('Softmax', o.axis ?? -1, x.rank);
    if (mask.rank !== x.rank || !mask.shape.every((d, i) => d === x.shape[i])) throw new ShapeError(`softmaxTimes: the mask ${fmt(mask.shape)} must have the shape of the scores ${fmt(x.shape)}`);
    const p = this.softmax(x, { axis });
    const y = this.mul(p, mask);
    y.node!.gradRule = (dy, needs) => [needs[0] ? dy[0] : null, needs[1] && dy[0] ? this.mul(dy[0], p) : null];
    p.node!.gradRule = (dy, needs) => {
      if (!needs[0] || !dy[0]) return [null];
      const t = this.mul(dy[0], y);
      return [this.sub(t, this.mul(p, this.reduceSum(t, [axis])))];
    };
    return y;
  }
  logSoftmax(x: Value, o: { axis?: number } = {}): Value {
    return this.unary('LogSoftmax', x, { axis: attr.int(normAxis('LogSoftmax', o.axis ?? -1, x.rank)) });
  }
  layerNormalizationFull(x: Value, scale: Value, bias: Value | null, o: { axis?: number; epsilon?: number } = {}): { y: Value; mean: Value; invStdDev: Value } {
    const axis = normAxis('LayerNormalization', o.axis ?? -1, x.rank);
    const norm = x.shape.slice(axis);
    broadcastShapes('LayerNormalization (scale)', [norm, scale.shape]);
    if (bias) broadcastShapes('LayerNormalization (bias)', [norm, bias.shape]);
    const stat = x.shape.map((d, i) => (i < axis ? d : 1));
    const stash: DType = 'float32'; // stash_type default (float); ORT CPU has no float64 LayerNormalization anyway
    const attrs: Record<string, Attr> = { axis: attr.int(axis), epsilon: attr.float(o.epsilon ?? 1e-5) };

    const [y, mean, invStdDev] = this.op('LayerNormalization', bias ? [x, scale, bias] : [x, scale], attrs, [
      { dtype: x.dtype, shape: [...x.shape] },
      { dtype: stash, shape: stat },
      { dtype: stash, shape: [...stat] },
    ]);
    return { y: y!, mean: mean!, invStdDev: invStdDev! };
  }
  layerNormalization(x: Value, scale: Value, bias: Value | null, o: { axis?: number; epsilon?: number } = {}): Value {
    return this.layerNormalizationFull(x, scale, bias, o).y;
  }
  dropout(x: Value, ratio: number, training: boolean | Value, o: { seed?: number } = {}): { output: Value; mask: Value } {
    const t = typeof training === 'boolean' ? this.constant(typedArrayFor('bool', [training ? 1 : 0]), 'bool', []) : training;
    const attrs: Record<string, Attr> = o.seed !== undefined ? { seed: attr.int(o.seed) } : {};
    const [output, mask] = this.op('Dropout', [x, this.scalar(ratio, x.dtype === 'float64' ? 'float64' : 'float32'), t], attrs, [
      { dtype: x.dtype, shape: [...x.shape] },
      { dtype: 'bool', shape: [...x.shape] },
    ]);
    return { output: output!, mask: mask! };
  }
  /**
   * Dropout by a fed 0/1 mask (bool, x's shape): x · mask / (1 − ratio), the mask drawn outside the graph. The
   * backward pass multiplies by `backwardMask` — a second input fed the same bytes — so that ORT frees the forward
   * pass's float copy of the mask at once instead of holding it until the backward pass needs it.
   */
  maskedDropout(x: Value, ratio: number, mask: Value, backwardMask: Value): Value {
    for (const m of [mask, backwardMask])
      if (m.dtype !== 'bool' || m.rank !== x.rank) throw new ShapeError(`maskedDropout: the mask must be bool[${x.shape.join(', ')}], got ${m}`);
    const kept = this.mul(x, this.cast(mask, x.dtype));
    kept.node!.gradRule = (dy, needs) => [needs[0] && dy[0] ? this.mul(dy[0], this.cast(backwardMask, x.dtype)) : null, null];
    return this.mul(kept, this.scalar(1 / (1 - ratio), x.dtype));
  }
  softmaxCrossEntropyLoss(logits: Value, labels: Value, o: { ignoreIndex?: number; reduction?: 'mean' | 'sum' | 'none' } = {}): Value {
    return this.softmaxCrossEntropyLossFull(logits, labels, o).loss;
  }
  softmaxCrossEntropyLossFull(logits: Value, labels: Value, o: { ignoreIndex?: number; reduction?: 'mean' | 'sum' | 'none' } = {}): { loss: Value; logProb: Value } {
    if (logits.rank < 2) throw new ShapeError(`SoftmaxCrossEntropyLoss: logits must be [N, C, ...], got ${fmt(logits.shape)}`);
    const expect = [logits.shape[0]!, ...logits.shape.slice(2)];
    if (labels.rank !== expect.length) throw new ShapeError(`SoftmaxCrossEntropyLoss: labels ${fmt(labels.shape)} do not match logits ${fmt(logits.shape)} (expected ${fmt(expect)})`);
    broadcastShapes('SoftmaxCrossEntropyLoss (labels)', [expect, labels.shape]);
    const reduction = o.reduction ?? 'mean';
    const attrs: Record<string, Attr> = { reduction: attr.string(reduction) };
    if (o.ignoreIndex !== undefined) attrs.ignore_index = attr.int(o.ignoreIndex);
    const [loss, logProb] = this.op('SoftmaxCrossEntropyLoss', [logits, labels], attrs, [
      { dtype: logits.dtype, shape: reduction === 'none' ? expect : [] },
      { dtype: logits.dtype, shape: [...logits.shape] },
    ]);
    return { loss: loss!, logProb: logProb! };
  }

  // ---- indexing ----
  gather(x: Value, indices: Value, o: { axis?: number } = {}): Value {
    const axis = normAxis('Gather', o.axis ?? 0, x.rank);
    const shape = [...x.shape.slice(0, axis), ...indices.shape, ...x.shape.slice(axis + 1)];
    return this.op1('Gather', [x, indices], { axis: attr.int(axis) }, x.dtype, shape);
  }
  gatherElements(x: Value, indices: Value, o: { axis?: number } = {}): Value {
    const axis = normAxis('GatherElements', o.axis ?? 0, x.rank);
    if (indices.rank !== x.rank) throw new ShapeError(`GatherElements: indices ${fmt(indices.shape)} must have the rank of data ${fmt(x.shape)}`);
    return this.op1('GatherElements', [x, indices], { axis: attr.int(axis) }, x.dtype, [...indices.shape]);
  }
  scatterND(data: Value, indices: Value, updates: Value, o: { reduction?: 'none' | 'add' | 'mul' | 'max' | 'min' } = {}): Value {
    const attrs: Record<string, Attr> = o.reduction && o.reduction !== 'none' ? { reduction: attr.string(o.reduction) } : {};
    return this.op1('ScatterND', [data, indices, updates], attrs, data.dtype, [...data.shape]);
  }
  scatterElements(data: Value, indices: Value, updates: Value, o: { axis?: number; reduction?: 'none' | 'add' | 'mul' | 'max' | 'min' } = {}): Value {
    const attrs: Record<string, Attr> = { axis: attr.int(normAxis('ScatterElements', o.axis ?? 0, data.rank)) };
    if (o.reduction && o.reduction !== 'none') attrs.reduction = attr.string(o.reduction);
    return this.op1('ScatterElements', [data, indices, updates], attrs, data.dtype, [...data.shape]);
  }

  // ---- shape ops ----
  shape(x: Value): Value {
    return this.op1('Shape', [x], {}, 'int64', [x.rank]);
  }
  size(x: Value): Value {
    return this.op1('Size', [x], {}, 'int64', []);
  }
  /**
   * A runtime int64 shape tensor for dims: numbers are constants; symbolic names are read from `like`'s shape
   * (same position is copied with 0 when `allowZeroCopy`) or from the graph input that declared them.
   */
  shapeTensor(dims: readonly Dim[], like?: Value, allowZeroCopy = false): Value {
    if (dims.every((d) => typeof d === 'number')) return this.constant(dims as number[], 'int64', [dims.length]);
    const parts: Value[] = [];
    let run: number[] = [];
    const flush = () => {
      if (run.length) parts.push(this.constant(run, 'int64', [run.length]));
      run = [];
    };
    dims.forEach((d, i) => {
      if (typeof d === 'number') return run.push(d);
      if (allowZeroCopy && like && like.shape[i] === d) return run.push(0);
      flush();
      parts.push(this.dimOf(d, like));
    });
    flush();
    return parts.length === 1 ? parts[0]! : this.concat(parts, { axis: 0 });
  }
  /** Runtime value (int64 [1]) of a symbolic dim. */
  dimOf(name: string, like?: Value): Value {
    const at = like ? like.shape.indexOf(name) : -1;
    const src = at >= 0 ? { value: like!, axis: at } : this.symbols.get(name);
    if (!src) throw new ShapeError(`symbolic dim '${name}' is neither in ${like ? fmt(like.shape) : 'the operand'} nor in any graph input`);
    return this.slice(this.shape(src.value), [src.axis], [src.axis + 1]);
  }
  reshape(x: Value, shape: Dim[] | Value): Value {
    if (shape instanceof Value) {
      const out = knownDims(shape).map((d, i) => (d === 0 ? x.shape[i]! : d));
      if (out.includes(-1)) out[out.indexOf(-1)] = dimRatio(x.shape, out.filter((d) => d !== -1));
      return this.op1('Reshape', [x, shape], {}, x.dtype, out);
    }
    const out: Dim[] = shape.map((d, i) => (d === 0 ? x.shape[i]! : d));
    const minus = out.indexOf(-1);
    if (out.filter((d) => d === -1).length > 1) throw new ShapeError(`Reshape: more than one -1 in ${fmt(shape)}`);
    if (minus >= 0) out[minus] = dimRatio(x.shape, out.filter((_, i) => i !== minus));
    else {
      const a = dimRatio(x.shape, out);
      if (typeof a === 'number' && a !== 1) throw new ShapeError(`Reshape: cannot reshape ${fmt(x.shape)} to ${fmt(shape)}`);
    }
    return this.op1('Reshape', [x, this.shapeTensor(shape, x, true)], {}, x.dtype, out);
  }
  transpose(x: Value, o: { perm?: number[] } = {}): Value {
    const perm = o.perm ?? x.shape.map((_, i) => x.rank - 1 - i);
    if (perm.length !== x.rank || [...perm].sort().some((p, i) => p !== i)) throw new ShapeError(`Transpose: perm [${perm}] invalid for ${fmt(x.shape)}`);
    return this.op1('Transpose', [x], { perm: attr.ints(perm) }, x.dtype, perm.map((p) => x.shape[p]!));
  }
  unsqueeze(x: Value, axes: number[]): Value {
    const r = x.rank + axes.length;
    const ax = axes.map((a) => normAxis('Unsqueeze', a, r)).sort((a, b) => a - b);
    const out: Dim[] = [];
    let j = 0;
    for (let i = 0; i < r; i++) out.push(ax.includes(i) ? 1 : x.shape[j++]!);
    return this.op1('Unsqueeze', [x], { axes: attr.ints(ax) }, x.dtype, out);
  }
  squeeze(x: Value, axes: number[]): Value {
    const ax = axes.map((a) => normAxis('Squeeze', a, x.rank));
    for (const a of ax) if (x.shape[a] !== 1 && !isUnknown(x.shape[a]!)) throw new ShapeError(`Squeeze: dim ${a} of ${fmt(x.shape)} is not 1`);
    return this.op1('Squeeze', [x], { axes: attr.ints(ax) }, x.dtype, x.shape.filter((_, i) => !ax.includes(i)));
  }
  concat(xs: Value[], o: { axis: number }): Value {
    if (xs.length === 0) throw new ShapeError('Concat: no inputs');
    const dt = this.sameType('Concat', xs);
    const r = xs[0]!.rank;
    const axis = normAxis('Concat', o.axis, r);
    const out = [...xs[0]!.shape];
    for (const x of xs) {
      if (x.rank !== r) throw new ShapeError(`Concat: rank mismatch ${xs.map((v) => fmt(v.shape)).join(', ')}`);
      x.shape.forEach((d, i) => {
        if (i !== axis && d !== out[i] && !isUnknown(d) && !isUnknown(out[i]!)) throw new ShapeError(`Concat: shapes ${xs.map((v) => fmt(v.shape)).join(', ')} differ off axis ${axis}`);
      });
    }
    const sizes = xs.map((x) => x.shape[axis]!);
    out[axis] = sizes.every((d) => typeof d === 'number') ? (sizes as number[]).reduce((a, b) => a + b, 0) : xs.length === 1 ? sizes[0]! : unknownDim();
    return this.op1('Concat', xs, { axis: attr.int(axis) }, dt, out);
  }
  split(x: Value, sizes: number[], o: { axis?: number } = {}): Value[] {
    const axis = normAxis('Split', o.axis ?? 0, x.rank);
    const d = x.shape[axis]!;
    const total = sizes.reduce((a, b) => a + b, 0);
    if (typeof d === 'number' && total !== d) throw new ShapeError(`Split: sizes [${sizes}] do not sum to dim ${axis} of ${fmt(x.shape)}`);
    return this.op('Split', [x], { axis: attr.int(axis), split: attr.ints(sizes) }, sizes.map((s) => ({ dtype: x.dtype, shape: x.shape.map((e, i) => (i === axis ? s : e)) })));
  }
  slice(x: Value, starts: number[], ends: number[], axes?: number[], steps?: number[]): Value {
    const ax = (axes ?? starts.map((_, i) => i)).map((a) => normAxis('Slice', a, x.rank));
    const st = steps ?? starts.map(() => 1);
    const out = [...x.shape];
    ax.forEach((a, i) => {
      const d = x.shape[a]!;
      const s = starts[i]!, e = ends[i]!, step = st[i]!;
      if (step === 0) throw new ShapeError('Slice: step 0');
      if (typeof d === 'number') {
        const clampS = (v: number) => Math.min(Math.max(v < 0 ? v + d : v, step > 0 ? 0 : -1), step > 0 ? d : d - 1);
        const b = clampS(s), f = clampS(e);
        out[a] = Math.max(0, Math.ceil((f - b) / step));
      } else if (step === 1 && s >= 0 && e >= 0 && e < INT_BIG / 2 && s <= e) {
        out[a] = unknownDim(); // min(e, d) - s, unknown in general
      } else if (step === 1 && s === 0 && e >= INT_BIG / 2) {
        out[a] = d;
      } else out[a] = unknownDim();
    });
    return this.op1('Slice', [x], { starts: attr.ints(starts), ends: attr.ints(ends), axes: attr.ints(ax), steps: attr.ints(st) }, x.dtype, out);
  }
  /** Pad (constant mode); `pads` is [begin..., end...] like ONNX, numbers or an int64 Value. */
  pad(x: Value, pads: number[] | Value, value = 0): Value {
    const pv = pads instanceof Value ? pads : this.constant(pads, 'int64', [pads.length]);
    const out = pads instanceof Value ? x.shape.map(unknownDim) : x.shape.map((d, i) => (typeof d === 'number' ? d + pads[i]! + pads[i + x.rank]! : pads[i] === 0 && pads[i + x.rank] === 0 ? d : unknownDim()));
    return this.op1('Pad', [x, pv, this.scalar(value, x.dtype)], {}, x.dtype, out);
  }
  expand(x: Value, shape: Dim[] | Value): Value {
    if (shape instanceof Value) {
      const tgt = knownDims(shape);
      return this.op1('Expand', [x, shape], {}, x.dtype, broadcastShapes('Expand', [x.shape, tgt]));
    }
    const out = broadcastShapes('Expand', [x.shape, shape]);
    return this.op1('Expand', [x, this.shapeTensor(shape, x)], {}, x.dtype, out);
  }
  constantOfShape(shape: Value | Dim[], value = 0, dtype: DType = 'float32'): Value {
    const sv = shape instanceof Value ? shape : this.shapeTensor(shape);
    const dims: Dim[] = shape instanceof Value ? knownDims(sv) : [...shape];
    const t: Attr = { kind: 'tensor', value: { dtype, shape: [1], data: typedArrayFor(dtype, [value]) } };
    return this.op1('ConstantOfShape', [sv], { value: t }, dtype, dims);
  }
  /** `length` names the output's size when the caller knows it (e.g. a symbolic sequence length). */
  range(start: Value, limit: Value, delta: Value, length?: Dim): Value {
    return this.op1('Range', [start, limit, delta], {}, start.dtype, [length ?? unknownDim()]);
  }

  // ---- reductions (axes stored as attributes; the emitter turns them into inputs where the opset wants) ----
  private reduce(op: OpType, x: Value, axes: number[], o: ReduceOptions): Value {
    const ax = (axes.length ? axes : x.shape.map((_, i) => i)).map((a) => normAxis(op, a, x.rank));
    const keep = o.keepdims ?? true;
    const out = keep ? x.shape.map((d, i) => (ax.includes(i) ? 1 : d)) : x.shape.filter((_, i) => !ax.includes(i));
    return this.op1(op, [x], { axes: attr.ints(ax), keepdims: attr.int(keep ? 1 : 0) }, x.dtype, out);
  }
  reduceSum(x: Value, axes: number[], o: ReduceOptions = {}): Value { return this.reduce('ReduceSum', x, axes, o); }
  reduceMean(x: Value, axes: number[], o: ReduceOptions = {}): Value { return this.reduce('ReduceMean', x, axes, o); }
  reduceMax(x: Value, axes: number[], o: ReduceOptions = {}): Value { return this.reduce('ReduceMax', x, axes, o); }
  reduceSumSquare(x: Value, axes: number[], o: ReduceOptions = {}): Value { return this.reduce('ReduceSumSquare', x, axes, o); }
  reduceMin(x: Value, axes: number[], o: ReduceOptions = {}): Value { return this.reduce('ReduceMin', x, axes, o); }
  /** Index of the maximum along one axis (int64); ties pick the first. */
  argMax(x: Value, o: { axis?: number; keepdims?: boolean } = {}): Value {
    const axis = normAxis('ArgMax', o.axis ?? -1, x.rank);
    const keep = o.keepdims ?? true;
    const out = keep ? x.shape.map((d, i) => (i === axis ? 1 : d)) : x.shape.filter((_, i) => i !== axis);
    return this.op1('ArgMax', [x], { axis: attr.int(axis), keepdims: attr.int(keep ? 1 : 0) }, 'int64', out);
  }
  /** Tile by static repeats. */
  tile(x: Value, repeats: number[]): Value {
    if (repeats.length !== x.rank) throw new ShapeError(`Tile: ${repeats.length} repeats for ${fmt(x.shape)}`);
    const out = x.shape.map((d, i) => (repeats[i] === 1 ? d : typeof d === 'number' ? d * repeats[i]! : unknownDim()));
    return this.op1('Tile', [x, this.constant(repeats, 'int64', [repeats.length])], {}, x.dtype, out);
  }
}

