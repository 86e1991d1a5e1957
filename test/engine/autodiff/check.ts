// Gradient-check harness: analytic gradients (a graph run in ONNX Runtime) against central finite differences
// of the same forward graph, also run in ONNX Runtime. loss = Σ(½y² + 0.3y), so the upstream gradient y + 0.3 is not uniform.
import assert from 'node:assert/strict';
import * as ort from 'onnxruntime-node';
import { Graph, type DType, type Dim, type Value } from '../../../main/engine/graph';
import { gradients } from '../../../main/engine/autodiff';
import { GraphSession } from '../../../main/engine/runtime';

export interface CheckInput {
  dtype?: DType;
  /** Declared shape (may be symbolic). */
  shape: Dim[];
  /** Concrete shape fed at runtime; defaults to shape when it is all numbers. */
  feed?: number[];
  /** Values, or a generator given a uniform(-1, 1) draw; default uniform(-1, 1). */
  values?: number[] | ((u: number, i: number) => number);
  /** Whether to check its gradient; default: floating-point inputs. */
  check?: boolean;
}
export interface CheckSpec {
  inputs: CheckInput[];
  build: (g: Graph, ...xs: Value[]) => Value;
  /** float64 (default) or float32 for ops ORT's CPU kernels only have in float. */
  precision?: 'float64' | 'float32';
}

function rng(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return (((t ^ (t >>> 14)) >>> 0) / 4294967296) * 2 - 1;
  };
}

function tensor(dtype: DType, data: number[], dims: number[]): ort.Tensor {
  switch (dtype) {
    case 'float32': return new ort.Tensor('float32', Float32Array.from(data), dims);
    case 'float64': return new ort.Tensor('float64', Float64Array.from(data), dims);
    case 'int64': return new ort.Tensor('int64', BigInt64Array.from(data.map((v) => BigInt(v))), dims);
    case 'int32': return new ort.Tensor('int32', Int32Array.from(data), dims);
    case 'bool': return new ort.Tensor('bool', Uint8Array.from(data), dims);
  }
}

export async function gradcheck(spec: CheckSpec): Promise<void> {
  const precision = spec.precision ?? 'float64';
  const [eps, atol, rtol] = precision === 'float64' ? [1e-6, 1e-7, 1e-5] : [1e-2, 2e-3, 2e-2];
  const rand = rng(42);
  const g = new Graph('gradcheck');
  const ins = spec.inputs.map((inp, i) => {
    const dtype = inp.dtype ?? precision;
    const dims = inp.feed ?? (inp.shape as number[]);
    const n = dims.reduce((a, b) => a * b, 1);
    const values = Array.isArray(inp.values) ? inp.values : Array.from({ length: n }, (_, j) => (inp.values ? (inp.values as (u: number, i: number) => number)(rand(), j) : rand()));
    return { name: `x${i}`, dtype, dims, values, check: inp.check ?? (dtype === 'float32' || dtype === 'float64'), value: g.input(`x${i}`, dtype, inp.shape) };
  });
  const y = spec.build(g, ...ins.map((i) => i.value));
  const half = g.scalar(0.5, y.dtype), k = g.scalar(0.3, y.dtype);
  const loss = g.reduceSum(g.add(g.mul(g.mul(y, y), half), g.mul(y, k)), [], { keepdims: false });
  g.output(loss, 'loss');
  const checked = ins.filter((i) => i.check);
  const grads = gradients(loss, checked.map((i) => i.value));
  grads.forEach((d, i) => {
    assert.ok(d, `no gradient for ${checked[i]!.name}`);
    g.output(d, `d_${checked[i]!.name}`);
  });
  const session = await GraphSession.create(g, { threads: 1 });
  try {
    const feeds = (over?: { name: string; values: number[] }) =>
      Object.fromEntries(ins.map((i) => [i.name, tensor(i.dtype, over && over.name === i.name ? over.values : i.values, i.dims)]));
    const analytic = await session.run(feeds());
    const lossAt = async (name: string, values: number[]) => Number((await session.run(feeds({ name, values }), { loss: null })).loss!.data[0]);
    for (const inp of checked) {
      const got = analytic[`d_${inp.name}`]!;
      assert.deepEqual([...got.dims], inp.dims, `gradient of ${inp.name} has dims [${got.dims}] not [${inp.dims}]`);
      for (let j = 0; j < inp.values.length; j++) {
        const plus = [...inp.values], minus = [...inp.values];
        plus[j]! += eps;
        minus[j]! -= eps;
        const numeric = ((await lossAt(inp.name, plus)) - (await lossAt(inp.name, minus))) / (2 * eps);
        const a = Number(got.data[j]);
        assert.ok(Math.abs(a - numeric) <= atol + rtol * Math.abs(numeric), `d loss / d ${inp.name}[${j}]: analytic ${a}, numeric ${numeric}`);
      }
    }
  } finally {
    await session.release();
  }
}
