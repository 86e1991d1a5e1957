// Fed dropout masks: the sampler drops the asked share, reproducibly from (seed, call); the graph applies
// x · mask / (1 − p) and its gradient the same way, for both mask kinds.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import type { Worker } from 'node:worker_threads';
import * as ort from 'onnxruntime-node';
import { Graph } from '../../../main/engine/graph';
import { gradients } from '../../../main/engine/autodiff';
import { GraphSession } from '../../../main/engine/runtime';
import { DropoutMaskFeeder, DropoutSites, lanesOf, MASK_WORKER_MIN_ELEMENTS, symbolSources } from '../../../main/engine/train/dropout-masks';

/** A graph with one input `x` [batch, 64] and one dropout site of the given kind. */
function siteGraph(kind: 'scaled' | 'bits', p: number) {
  const g = new Graph('dropout_site');
  const x = g.input('x', 'float32', ['batch', 64]);
  const sites = new DropoutSites(g);
  const fed = sites.inputsFor(x, p, kind)!;
  const y = fed.kind === 'scaled' ? g.mul(x, fed.mask) : g.maskedDropout(x, p, fed.forward, fed.backward);
  const w = g.input('w', 'float32', ['batch', 64]);
  const [dx] = gradients(g.reduceSum(g.mul(y, w), [], { keepdims: false }), [x]);
  g.output(y, 'y');
  g.output(dx!, 'dx');
  return { g, sites: sites.sites };
}

test('the sampler drops the asked share, the same for the same (seed, call), differently for the next call', () => {
  const g = new Graph('dims');
  const x = g.input('x', 'float32', ['batch', 1000]);
  const sites = new DropoutSites(g);
  sites.inputsFor(x, 0.1, 'bits');
  sites.inputsFor(x, 0.3, 'scaled');
  const feeds = { x: new ort.Tensor('float32', new Float32Array(1000 * 1000), [1000, 1000]) };
  const feeder = new DropoutMaskFeeder(sites.sites, symbolSources(g), 42);
  const draw = (call: number) => feeder.feeds(call, feeds);
  const a = draw(1);
  const bits = a['dropout_mask.0']!, scaled = a['dropout_mask.1']!;
  assert.deepEqual(bits.dims, [1000, 1000], 'dims read from the feeds');
  assert.equal(a['dropout_mask.0.backward'], bits, 'the backward pass is fed the same bytes');
  const dropped = (t: ort.Tensor) => Array.from(t.data as Uint8Array | Float32Array).filter((v) => v === 0).length / t.size;
  assert.ok(Math.abs(dropped(bits) - 0.1) < 0.002, `bits: ${dropped(bits)} dropped`);
  assert.ok(Math.abs(dropped(scaled) - 0.3) < 0.002, `scaled: ${dropped(scaled)} dropped`);
  assert.ok((scaled.data as Float32Array).every((v) => v === 0 || v === Math.fround(1 / 0.7)), 'scaled masks hold 0 or 1/(1 − p)');
  const first = Uint8Array.from(bits.data as Uint8Array);
  const pool = (bits.data as Uint8Array).buffer;
  const b = draw(2);
  assert.equal((b['dropout_mask.0']!.data as Uint8Array).buffer, pool, 'one pool, reused between calls');
  assert.notDeepEqual(Uint8Array.from(b['dropout_mask.0']!.data as Uint8Array), first, 'the next call draws new masks');
  assert.deepEqual(Uint8Array.from(draw(1)['dropout_mask.0']!.data as Uint8Array), first, 'call 1 again: the same masks (what a resumed run relies on)');
  assert.notDeepEqual(Uint8Array.from(new DropoutMaskFeeder(sites.sites, symbolSources(g), 43).feeds(1, feeds)['dropout_mask.0']!.data as Uint8Array), first, 'another seed, other masks');
  // runs of consecutive kept elements follow the geometric law: P(run ≥ k) = (1 − p)^k
  const runs: number[] = [];
  let run = 0;
  for (const v of first) if (v) run++; else { runs.push(run); run = 0; }
  for (const k of [1, 5, 20]) {
    const share = runs.filter((r) => r >= k).length / runs.length;
    assert.ok(Math.abs(share - 0.9 ** k) < 0.01, `P(run ≥ ${k}) = ${share}, expected ${0.9 ** k}`);
  }
});

test('sites are dealt to two lanes of about equal size, the same way for the same sizes', () => {
  assert.deepEqual(lanesOf([10, 40, 30, 20]), [0, 0, 1, 1]); // 40 | 30, then 20 onto the lighter, then 10
  assert.deepEqual(lanesOf([5, 5, 5]), [0, 1, 0]);
  assert.deepEqual(lanesOf([]), []);
});

test('a large step: a worker thread draws the second lane, and the masks are those drawn on one thread', async () => {
  const g = new Graph('large');
  const x = g.input('x', 'float32', ['batch', 1000]);
  const sites = new DropoutSites(g);
  for (const [p, kind] of [[0.1, 'scaled'], [0.1, 'bits'], [0.2, 'scaled'], [0.1, 'scaled']] as const) sites.inputsFor(x, p, kind);
  const rows = Math.ceil(MASK_WORKER_MIN_ELEMENTS / 4 / 1000) + 1; // four sites: together above the worker threshold
  const feeds = { x: new ort.Tensor('float32', new Float32Array(rows * 1000), [rows, 1000]) };
  const viaWorker = new DropoutMaskFeeder(sites.sites, symbolSources(g), 11);
  const oneThread = new DropoutMaskFeeder(sites.sites, symbolSources(g), 11);
  const copy = (r: Record<string, ort.Tensor>) => Object.fromEntries(Object.entries(r).map(([k, t]) => [k, Array.from(t.data as Float32Array | Uint8Array)]));
  for (const call of [1, 2, 1]) {
    const a = copy(await viaWorker.feedsAsync(call, feeds));
    const b = copy(oneThread.feeds(call, feeds));
    assert.deepEqual(a, b, `call ${call}: the same masks however they were drawn`);
  }
  assert.ok((viaWorker as unknown as { worker: unknown }).worker, 'the draw went through a worker thread');
  const m = await viaWorker.feedsAsync(3, feeds);
  const dropped = (t: ort.Tensor) => Array.from(t.data as Uint8Array | Float32Array).filter((v) => v === 0).length / t.size;
  for (const [name, p] of [['dropout_mask.0', 0.1], ['dropout_mask.1', 0.1], ['dropout_mask.2', 0.2], ['dropout_mask.3', 0.1]] as const)
    assert.ok(Math.abs(dropped(m[name]!) - p) < 0.005, `${name}: ${dropped(m[name]!)} dropped, expected ${p}`);
  assert.notDeepEqual(Array.from(m['dropout_mask.0']!.data as Float32Array), Array.from(m['dropout_mask.3']!.data as Float32Array), 'two sites, two masks');
  await viaWorker.close();
  assert.deepEqual(copy(await viaWorker.feedsAsync(4, feeds)), copy(oneThread.feeds(4, feeds)), 'after close the next draw starts a new worker, same masks');
  // a worker that dies: the draws go on, on this thread, with the same masks, and no worker is started again
  const worker = Reflect.get(viaWorker, 'worker') as Worker;
  const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
  await worker.terminate();
  await exited;
  assert.deepEqual(copy(await viaWorker.feedsAsync(5, feeds)), copy(oneThread.feeds(5, feeds)), 'after the worker died: same masks');
  assert.equal(Reflect.get(viaWorker, 'worker'), null, 'no new worker after one died');
  await viaWorker.close();
});

test('a process that drew masks through the worker exits on its own (the idle worker holds no reference)', () => {
  const script = `
    import * as ort from 'onnxruntime-node';
    import { Graph } from './main/engine/graph';
    import { DropoutMaskFeeder, DropoutSites, MASK_WORKER_MIN_ELEMENTS, symbolSources } from './main/engine/train/dropout-masks';
    const g = new Graph('exit');
    const x = g.input('x', 'float32', ['batch', 1000]);
    const sites = new DropoutSites(g);
    sites.inputsFor(x, 0.1, 'scaled'); sites.inputsFor(x, 0.1, 'scaled');
    const rows = Math.ceil(MASK_WORKER_MIN_ELEMENTS / 2000) + 1;
    const f = new DropoutMaskFeeder(sites.sites, symbolSources(g), 5);
    const m = await f.feedsAsync(1, { x: new ort.Tensor('float32', new Float32Array(rows * 1000), [rows, 1000]) });
    console.log('drawn', Object.keys(m).length, Reflect.get(f, 'worker') ? 'with a worker' : 'without');`;
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8', timeout: 30_000, cwd: process.cwd() });
  assert.equal(r.status, 0, `exit ${r.status} ${r.signal ?? ''}: ${r.stderr}`);
  assert.match(r.stdout, /drawn 2 with a worker/);
});

for (const kind of ['scaled', 'bits'] as const) {
  test(`a ${kind} mask: y = x · mask / (1 − p) and dL/dx = dL/dy · mask / (1 − p)`, async () => {
    const p = 0.25;
    const { g, sites } = siteGraph(kind, p);
    const s = await GraphSession.create(g, { threads: 1 });
    const n = 3 * 64;
    const x = new ort.Tensor('float32', Float32Array.from({ length: n }, (_, i) => Math.sin(i) + 2), [3, 64]);
    const w = new ort.Tensor('float32', Float32Array.from({ length: n }, (_, i) => Math.cos(i)), [3, 64]);
    const masks = new DropoutMaskFeeder(sites, symbolSources(g), 7).feeds(1, { x });
    const mask = masks['dropout_mask.0']!.data as Uint8Array | Float32Array;
    const out = await s.run({ x, w, ...masks });
    const y = out.y!.data as Float32Array, dx = out.dx!.data as Float32Array;
    let kept = 0;
    for (let i = 0; i < n; i++) {
      const keep = mask[i] !== 0;
      kept += keep ? 1 : 0;
      const scale = keep ? 1 / (1 - p) : 0;
      assert.ok(Math.abs(y[i]! - (x.data as Float32Array)[i]! * scale) < 1e-6, `y[${i}]`);
      assert.ok(Math.abs(dx[i]! - (w.data as Float32Array)[i]! * scale) < 1e-6, `dx[${i}]`);
    }
    assert.ok(kept > n / 2 && kept < n, `${kept} of ${n} kept`);
    await s.release();
  });
}
