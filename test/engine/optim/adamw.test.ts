import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as ort from 'onnxruntime-node';
import { Graph } from '../../../main/engine/graph';
import { GraphSession } from '../../../main/engine/runtime';
import { adamwStep, clipFactor, FlatLayout, globalNorm, noDecayOf } from '../../../main/engine/optim';
import { isNoDecay } from '../../../main/engine/nn';

const f32 = (x: number[]) => new ort.Tensor('float32', Float32Array.from(x), [x.length]);

for (const scale of [undefined, 0.37]) test(`AdamW step matches the torch 1.13 formula by hand (weight decay only where it applies, eps placement, bias correction${scale ? ', gradient scaled by a clip factor' : ''})`, async () => {
  const layout = new FlatLayout([['dense.weight', [2]], ['dense.bias', [1]], ['out.weight', [1]], ['LayerNorm.weight', [1]]]);
  const mask = layout.mask((n) => !isNoDecay(n));
  assert.deepEqual(Array.from(mask), [1, 1, 0, 1, 0]);
  const cfg = { betas: [0.9, 0.999] as [number, number], eps: 1e-8, weightDecay: 0.1, clipGradNorm: null };
  const g = new Graph();
  const [p, m, v, grad] = ['p', 'm', 'v', 'g'].map((n) => g.input(n, 'float32', [5]));
  const lr = g.input('lr', 'float32', []), step = g.input('step', 'float32', []);
  const factor = scale === undefined ? undefined : g.input('factor', 'float32', []);
  const out = adamwStep(g, { params: p!, m: m!, v: v! }, grad!, lr, step, noDecayOf(g, layout, isNoDecay, layout.graphViews(g, p!)), cfg, factor);
  g.output(out.params, 'p_out'); g.output(out.m, 'm_out'); g.output(out.v, 'v_out');
  const s = await GraphSession.create(g, { threads: 1 });
  const P = [0.5, -1, 2, -0.7, 1], M = [0.01, -0.02, 0, 0.05, 0.3], V = [1e-4, 4e-4, 0, 2e-5, 1e-6], G = [0.1, -0.2, 1e-9, 0.04, -3], LR = 0.01, T = 3;
  const r = await s.run({ p: f32(P), m: f32(M), v: f32(V), g: f32(G), lr: new ort.Tensor('float32', Float32Array.of(LR), []), step: new ort.Tensor('float32', Float32Array.of(T), []), ...(scale === undefined ? {} : { factor: new ort.Tensor('float32', Float32Array.of(scale), []) }) });
  const C = scale ?? 1;
  for (let i = 0; i < 5; i++) {
    const wd = mask[i] ? 0.1 : 0;
    const gi = G[i]! * C;
    const m1 = 0.9 * M[i]! + 0.1 * gi;
    const v1 = 0.999 * V[i]! + 0.001 * gi * gi;
    const p1 = P[i]! * (1 - LR * wd) - (LR / (1 - 0.9 ** T)) * m1 / (Math.sqrt(v1) / Math.sqrt(1 - 0.999 ** T) + 1e-8);
    // float32 against the float64 formula: a few float32 roundings (2^-24 each) of the folded coefficients
    assert.ok(Math.abs((r.m_out!.data as Float32Array)[i]! - m1) < 3e-7 * Math.max(1, Math.abs(m1)), `m[${i}]`);
    assert.ok(Math.abs((r.v_out!.data as Float32Array)[i]! - v1) < 3e-7 * Math.max(1e-3, Math.abs(v1)), `v[${i}]`);
    assert.ok(Math.abs((r.p_out!.data as Float32Array)[i]! - p1) < 2e-7, `p[${i}]: got ${(r.p_out!.data as Float32Array)[i]}, want ${p1}`);
  }
});

test('noDecayOf: the flat positions of the excluded parameters, none when every parameter decays', () => {
  const layout = new FlatLayout([['a.weight', [2, 2]], ['a.bias', [2]], ['b.weight', [3]], ['LayerNorm.weight', [2]]]);
  const g = new Graph();
  const views = layout.graphViews(g, g.input('p', 'float32', [layout.size]));
  const nd = noDecayOf(g, layout, isNoDecay, views)!;
  assert.deepEqual(nd.indices.shape, [4, 1]);
  assert.deepEqual(Array.from(nd.indices.data as BigInt64Array, Number), [4, 5, 9, 10]);
  assert.deepEqual(nd.values.shape, [4]);
  assert.equal(noDecayOf(g, layout, () => false, views), null);
});

test('global-norm clipping: norm over every gradient, factor min(1, clip / (norm + 1e-6))', async () => {
  const g = new Graph();
  const a = g.input('a', 'float32', [2]), b = g.input('b', 'float32', [1]);
  const norm = globalNorm(g, [a, b]);
  g.output(norm, 'norm');
  g.output(clipFactor(g, norm, 1.0), 'factor');
  const s = await GraphSession.create(g, { threads: 1 });
  const big = await s.run({ a: f32([3, 0]), b: f32([4]) });
  assert.ok(Math.abs((big.norm!.data as Float32Array)[0]! - 5) < 1e-6);
  assert.ok(Math.abs((big.factor!.data as Float32Array)[0]! - 1 / (5 + 1e-6)) < 1e-8);
  const small = await s.run({ a: f32([0.3, 0]), b: f32([0.4]) });
  assert.equal((small.factor!.data as Float32Array)[0], 1);
});
