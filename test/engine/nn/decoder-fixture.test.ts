// Replays test/fixtures/decoder (made by its make.py with PyTorch): a tiny encoder + generation decoder, eval before
// and after two clipped AdamW steps, compared with shared/reference/FORMAT.md's tolerances.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { readSafetensors, type StTensors } from '../../../main/engine/io';
import { bertConfigFromHf } from '../../../main/engine/nn';
import { layoutFor, TrainSession, type HeadBatch, type ModelSpec } from '../../../main/engine/train';

const DIR = 'test/fixtures/decoder';

interface EvalJson { loss: number; logits: number[]; logits_shape: number[] }
interface Expected { initial: EvalJson; final: EvalJson; steps: { step: number; loss: number; grad_norm: number }[] }

function batch(all: StTensors, prefix: string): HeadBatch {
  const out: HeadBatch = {};
  for (const [name, t] of all) if (name.startsWith(`${prefix}.`)) out[name.slice(prefix.length + 1)] = new ort.Tensor('int64', t.data as BigInt64Array, t.shape);
  return out;
}

/** max |got - want| and FORMAT.md's `1e-5 + 1e-6 * scale` (scale = max |want|). */
function diff(got: ArrayLike<number>, want: ArrayLike<number>): { d: number; tol: number } {
  assert.equal(got.length, want.length);
  let d = 0, scale = 0;
  for (let i = 0; i < want.length; i++) {
    d = Math.max(d, Math.abs(got[i]! - want[i]!));
    scale = Math.max(scale, Math.abs(want[i]!));
  }
  return { d, tol: 1e-5 + 1e-6 * scale };
}

test('generation head: a decoder train step reproduces PyTorch within FORMAT.md tolerances', async () => {
  const raw = JSON.parse(readFileSync(join(DIR, 'config.json'), 'utf8')) as Record<string, unknown> & {
    head: { name: string; decoder: { layers: number; heads: number; intermediate: number; max_length: number }; label_smoothing: number };
    optimizer: { lr: number; betas: [number, number]; eps: number; weight_decay: number; clip_grad_norm: number; steps: number };
  };
  const exp = JSON.parse(readFileSync(join(DIR, 'expected.json'), 'utf8')) as Expected;
  const { head, optimizer: opt } = raw;
  const spec: ModelSpec = {
    config: bertConfigFromHf(raw),
    heads: [{ name: head.name, kind: 'generation', labelSmoothing: head.label_smoothing, decoder: { layers: head.decoder.layers, heads: head.decoder.heads, intermediate: head.decoder.intermediate, maxLength: head.decoder.max_length } }],
  };
  const layout = layoutFor(spec);
  const initial = layout.pack(readSafetensors(join(DIR, 'model.safetensors')) as Map<string, { shape: number[]; data: Float32Array }>, 'model.safetensors');
  const batches = readSafetensors(join(DIR, 'batches.safetensors'));
  const s = await TrainSession.create(spec, initial, { betas: opt.betas, eps: opt.eps, weightDecay: opt.weight_decay, clipGradNorm: opt.clip_grad_norm, threads: 1, debugGrads: true });
  const failures: string[] = [];
  const worst: Record<string, number> = {};
  const check = (label: string, r: { d: number; tol: number }, category: string) => {
    worst[category] = Math.max(worst[category] ?? 0, r.d);
    if (!(r.d <= r.tol)) failures.push(`${label}: ${r.d.toExponential(2)} > ${r.tol.toExponential(2)}`);
  };
  // Attention key biases have an exactly zero true gradient (adding a constant to every score of a query leaves the
  // softmax unchanged); AdamW divides their rounding noise by sqrt(v) + eps and moves them by up to lr per step, so
  // like FORMAT.md's span bias they get a sanity bound only. Nothing they feed depends on them.
  const zeroGradient = (name: string) => /\.(attention|crossattention)\.self\.key\.bias$/.test(name);
  try {
    const evaluate = async (label: string, want: EvalJson) => {
      const out = await s.evaluate([batch(batches, 'eval')], [1]);
      const logits = out[`${head.name}.logits`]!;
      assert.deepEqual([...logits.dims], want.logits_shape);
      check(`${label} loss`, diff([(out.loss!.data as Float32Array)[0]!], [want.loss]), `${label} outputs`);
      check(`${label} logits`, diff(logits.data as Float32Array, want.logits), `${label} outputs`);
    };
    await evaluate('initial', exp.initial);
    for (const e of exp.steps) {
      const r = await s.trainStep([batch(batches, `step${e.step}`)], [1], opt.lr, { wantGrads: e.step === 1 });
      check(`step ${e.step} loss`, diff([r.loss], [e.loss]), 'step losses');
      check(`step ${e.step} grad_norm`, diff([r.gradNorm], [e.grad_norm]), 'grad norms');
      if (e.step === 1) {
        for (const [name, t] of readSafetensors(join(DIR, 'grads_step1.safetensors'))) {
          const got = layout.view(r.grads!, name);
          check(`step-1 grad ${name}`, { d: diff(got, t.data as Float32Array).d, tol: 1e-5 }, 'step-1 grads');
        }
      }
    }
    assert.ok(exp.steps.some((e) => e.grad_norm > opt.clip_grad_norm) && exp.steps.some((e) => e.grad_norm <= opt.clip_grad_norm), 'the fixture clips on some steps and not on others');
    for (const [name, t] of readSafetensors(join(DIR, 'final.safetensors'))) {
      const d = diff(layout.view(s.params, name), t.data as Float32Array).d;
      if (zeroGradient(name)) check(`final ${name}`, { d, tol: 2 * exp.steps.length * opt.lr }, 'final key biases (bound)');
      else check(`final ${name}`, { d, tol: 1e-5 }, 'final weights');
    }
    await evaluate('final', exp.final);
  } finally {
    await s.release();
  }
  console.log(Object.entries(worst).map(([k, v]) => `${k} ${v.toExponential(2)}`).join(', '));
  assert.deepEqual(failures, []);
});
