// Shared helpers for gradient rules: unbroadcast, zeros, runtime shapes, and the longer rules as named functions.
import { Graph, type DType, type Dim, type Value } from '../graph';

/** Scalar constant matching v's dtype. */
export const c = (g: Graph, x: number, like: Value): Value => g.scalar(x, like.dtype);

/** The shape of x as an int64 tensor: a constant when static, a Shape op otherwise. */
export function shapeOf(g: Graph, x: Value): Value {
  return x.isStatic ? g.constant(x.shape as number[], 'int64', [x.rank]) : g.shape(x);
}

/** Zeros (or any fill) shaped like x, without materialising a large initializer. */
export function fillLike(g: Graph, x: Value, value: number, dtype: DType = x.dtype): Value {
  return g.constantOfShape(x.isStatic ? g.constant(x.shape as number[], 'int64', [x.rank]) : g.shape(x), value, dtype);
}

/**
 * Undo numpy broadcasting: sum grad over the axes along which `target` was broadcast, so the result has target's shape.
 * Decided from static shapes: a target dim of 1 against a grad dim that is not 1 is summed; symbolic dims are assumed equal.
 */
export function unbroadcast(g: Graph, grad: Value, target: Value): Value {
  let r = grad;
  const lead = r.rank - target.rank;
  if (lead > 0) r = g.reduceSum(r, Array.from({ length: lead }, (_, i) => i), { keepdims: false });
  const axes = target.shape.flatMap((d, i) => (d === 1 && r.shape[i] !== 1 ? [i] : []));
  if (axes.length) r = g.reduceSum(r, axes, { keepdims: true });
  return r;
}

/** Broadcast a reduced gradient (keepdims or not) back to x's shape. */
export function expandBack(g: Graph, dy: Value, x: Value, axes: number[], keepdims: boolean): Value {
  const k = keepdims ? dy : g.unsqueeze(dy, axes);
  return g.expand(k, shapeOf(g, x));
}

/** Number of elements reduced over, as a scalar of x's dtype. */
export function reducedCount(g: Graph, x: Value, y: Value, axes: number[]): Value {
  const dims = axes.map((a) => x.shape[a]!);
  if (dims.every((d) => typeof d === 'number')) return c(g, (dims as number[]).reduce((a, b) => a * b, 1), x);
  return g.div(g.cast(g.size(x), x.dtype), g.cast(g.size(y), x.dtype));
}

const swapLast = (g: Graph, x: Value) => g.transpose(x, { perm: [...x.shape.keys()].map((i) => (i === x.rank - 2 ? x.rank - 1 : i === x.rank - 1 ? x.rank - 2 : i)) });

/** MatMul (numpy semantics, batched and broadcast): dA = dY·Bᵀ, dB = Aᵀ·dY, each unbroadcast. */
export function matMulGrad(g: Graph, a: Value, b: Value, dy: Value, needs: boolean[]): (Value | null)[] {
  let A = a, B = b, G = dy;
  if (a.rank === 1) { A = g.unsqueeze(a, [0]); G = g.unsqueeze(G, [G.rank === 0 ? 0 : -2]); }
  if (b.rank === 1) { B = g.unsqueeze(b, [1]); G = g.unsqueeze(G, [-1]); }
  let da = needs[0] ? unbroadcast(g, g.matMul(G, swapLast(g, B)), A) : null;
  const K = A.shape[A.rank - 1], N = G.shape[G.rank - 1];
  // A 2-D B under a batched A (a Linear weight): one [K, M]·[M, N] product over the flattened leading dims instead
  // of a batch of products summed afterwards (what PyTorch does for nn.Linear; no [batch, K, N] intermediate).
  let db = !needs[1] ? null
    : B.rank === 2 && A.rank > 2 && typeof K === 'number' && typeof N === 'number'
      ? g.gemm(g.reshape(A, [-1, K]), g.reshape(G, [-1, N]), null, { transA: true })
      : unbroadcast(g, g.matMul(swapLast(g, A), G), B);
  if (da && a.rank === 1) da = g.squeeze(da, [0]);
  if (db && b.rank === 1) db = g.squeeze(db, [1]);
  return [da, db];
}

/** Gemm: Y = alpha·A'·B' + beta·C with A' = transA ? Aᵀ : A, B' likewise. */
export function gemmGrad(g: Graph, [a, b, cc]: (Value | null)[], dy: Value, o: { transA: boolean; transB: boolean; alpha: number; beta: number }, needs: boolean[]): (Value | null)[] {
  const { transA, transB, alpha } = o;
  const da = !needs[0] ? null : transA ? g.gemm(b!, dy, null, { transA: transB, transB: true, alpha }) : g.gemm(dy, b!, null, { transB: !transB, alpha });
  const db = !needs[1] ? null : transB ? g.gemm(dy, a!, null, { transA: true, transB: transA, alpha }) : g.gemm(a!, dy, null, { transA: !transA, alpha });
  const dc = cc && needs[2] ? unbroadcast(g, o.beta === 1 ? dy : g.mul(dy, c(g, o.beta, dy)), cc) : null;
  return [da, db, dc];
}

/** FusedMatMul: Y = alpha·A'·B' (batched; A' = transA ? A with its last two dims swapped : A, B' likewise). */
export function fusedMatMulGrad(g: Graph, [a, b]: (Value | null)[], dy: Value, o: { transA: boolean; transB: boolean; alpha: number }, needs: boolean[]): (Value | null)[] {
  const { transA, transB, alpha } = o;
  const da = !needs[0] ? null : unbroadcast(g, transA ? g.fusedMatMul(b!, dy, { transA: transB, transB: true, alpha }) : g.fusedMatMul(dy, b!, { transB: !transB, alpha }), a!);
  const db = !needs[1] ? null : unbroadcast(g, transB ? g.fusedMatMul(dy, a!, { transA: true, transB: transA, alpha }) : g.fusedMatMul(a!, dy, { transA: !transA, alpha }), b!);
  return [da, db];
}

/** LayerNormalization over axes [axis, rank): reuses the saved Mean and InvStdDev outputs. */
export function layerNormGrad(g: Graph, [x, scale, bias]: (Value | null)[], [, mean, invStd]: Value[], dy: Value, axis: number, needs: boolean[]): (Value | null)[] {
  const X = x!;
  const axes = Array.from({ length: X.rank - axis }, (_, i) => axis + i);
  const m = mean!.dtype === X.dtype ? mean! : g.cast(mean!, X.dtype);
  const inv = invStd!.dtype === X.dtype ? invStd! : g.cast(invStd!, X.dtype);
  const xhat = g.mul(g.sub(X, m), inv);
  let dx: Value | null = null;
  if (needs[0]) {
    const dxhat = g.mul(dy, scale!);
    const t1 = g.reduceMean(dxhat, axes);
    const t2 = g.mul(xhat, g.reduceMean(g.mul(dxhat, xhat), axes));
    dx = g.mul(inv, g.sub(g.sub(dxhat, t1), t2));
  }
  const dscale = needs[1] ? unbroadcast(g, g.mul(dy, xhat), scale!) : null;
  const dbias = bias && needs[2] ? unbroadcast(g, dy, bias) : null;
  return [dx, dscale, dbias];
}

const asInt64 = (g: Graph, v: Value) => (v.dtype === 'int64' ? v : g.cast(v, 'int64'));

/** Gather: scatter-add the gradient back onto zeros (embedding lookup along axis 0, index-select on others). */
export function gatherGrad(g: Graph, x: Value, indices: Value, dy: Value, axis: number): Value {
  const idx = g.unsqueeze(asInt64(g, indices), [-1]);
  if (axis === 0) return g.scatterND(fillLike(g, x, 0), idx, dy, { reduction: 'add' });
  const r = x.rank, q = indices.rank;
  const perm = [axis, ...Array.from({ length: r }, (_, i) => i).filter((i) => i !== axis)];
  const permG = [...Array.from({ length: q }, (_, i) => axis + i), ...Array.from({ length: axis }, (_, i) => i), ...Array.from({ length: dy.rank - axis - q }, (_, i) => axis + q + i)];
  const xt = g.transpose(x, { perm });
  const dxt = g.scatterND(fillLike(g, xt, 0), idx, g.transpose(dy, { perm: permG }), { reduction: 'add' });
  const inv = perm.map((_, i) => perm.indexOf(i));
  return g.transpose(dxt, { perm: inv });
}

/** Concat: split the gradient back into the pieces (sizes read at runtime when symbolic). */
export function concatGrad(g: Graph, xs: Value[], dy: Value, axis: number): Value[] {
  const sizes = xs.map((x) => x.shape[axis]!);
  if (sizes.every((d) => typeof d === 'number')) return g.split(dy, sizes as number[], { axis });
  const parts = xs.map((x) => (typeof x.shape[axis] === 'number' ? g.constant([x.shape[axis] as number], 'int64', [1]) : g.slice(g.shape(x), [axis], [axis + 1])));
  return g.op('Split', [dy, g.concat(parts, { axis: 0 })], { axis: { kind: 'int', value: axis } }, xs.map((x) => ({ dtype: dy.dtype, shape: dy.shape.map((d, i) => (i === axis ? x.shape[axis]! : d)) })));
}

const BIG = 2 ** 31;

/** Slice (step 1): pad the gradient back with zeros; pads read at runtime for symbolic dims (ends assumed within the dim). */
export function sliceGrad(g: Graph, x: Value, dy: Value, starts: number[], ends: number[], axes: number[], steps: number[], node: string): Value {
  const r = x.rank;
  const pads: (number | Value)[] = Array<number | Value>(2 * r).fill(0);
  axes.forEach((a, i) => {
    if (steps[i] !== 1) throw new Error(`no gradient rule for Slice with step ${steps[i]} (node ${node}, axis ${a})`);
    const d: Dim = x.shape[a]!;
    const s = starts[i]!, e = ends[i]!;
    if (typeof d === 'number') {
      const cl = (v: number) => Math.min(Math.max(v < 0 ? v + d : v, 0), d);
      pads[a] = cl(s);
      pads[a + r] = d - Math.max(cl(e), cl(s));
    } else {
      const dim = () => g.slice(g.shape(x), [a], [a + 1]);
      pads[a] = s >= 0 ? s : g.add(dim(), g.constant([s], 'int64', [1]));
      pads[a + r] = e >= BIG ? 0 : e < 0 ? -e : g.sub(dim(), g.constant([e], 'int64', [1]));
    }
  });
  if (pads.every((p) => typeof p === 'number')) return g.pad(dy, pads as number[]);
  const parts = pads.map((p) => (typeof p === 'number' ? g.constant([p], 'int64', [1]) : p));
  return g.pad(dy, g.concat(parts, { axis: 0 }));
}

/** SoftmaxCrossEntropyLoss: (softmax − onehot) · valid / count, softmax recovered from the saved log-probabilities. */
export function softmaxCrossEntropyGrad(g: Graph, logits: Value, labels: Value, logProb: Value, dy: Value, reduction: string, ignoreIndex: number | undefined): Value {
  const C = logits.shape[1]!;
  const others = logits.shape.flatMap((_, i) => (i === 1 ? [] : [i]));
  const classes = typeof C === 'number' // [1, C, 1, ...]
    ? g.constant(Array.from({ length: C }, (_, i) => i), 'int64', logits.shape.map((_, i) => (i === 1 ? C : 1)))
    : g.unsqueeze(g.range(g.scalar(0, 'int64'), g.squeeze(g.slice(g.shape(logits), [1], [2], [0]), [0]), g.scalar(1, 'int64'), C), others); // e.g. span logits over a symbolic seq
  const lab = asInt64(g, labels);
  const onehot = g.cast(g.equal(g.unsqueeze(lab, [1]), classes), logits.dtype);
  let d = g.sub(g.exp(logProb), onehot);
  let valid: Value | null = null;
  if (ignoreIndex !== undefined) {
    valid = g.cast(g.not(g.equal(lab, g.scalar(ignoreIndex, 'int64'))), logits.dtype);
    d = g.mul(d, g.unsqueeze(valid, [1]));
  }
  if (reduction === 'none') return g.mul(d, g.unsqueeze(dy, [1]));
  if (reduction === 'sum') return g.mul(d, dy);
  const count = valid ? g.reduceSum(valid, [], { keepdims: false }) : g.cast(g.size(labels), logits.dtype);
  return g.mul(d, g.div(dy, count));
}

/** Tile: view the gradient as [r0, d0, r1, d1, ...] and sum over the repeat axes (static dims only). */
export function tileGrad(g: Graph, x: Value, dy: Value, repeats: number[]): Value {
  if (!x.isStatic) throw new Error(`no gradient rule for Tile of symbolic shape ${x}`);
  const split = (x.shape as number[]).flatMap((d, i) => [repeats[i]!, d]);
  const summed = g.reduceSum(g.reshape(dy, split), repeats.map((_, i) => 2 * i), { keepdims: false });
  return summed;
}
