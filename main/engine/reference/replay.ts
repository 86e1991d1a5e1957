// Replays a reference fixture through the engine: initial eval, every training step, final eval.
import type * as ort from 'onnxruntime-node';
import type { FlatLayout } from '../optim';
import { layoutFor, TrainSession } from '../train';
import type { ExecutionProviderName } from '../runtime';
import { Fixture } from './fixture';

export interface Arr { shape: number[]; data: Float32Array }
export interface EvalRecord {
  loss: number;
  taskLosses: Record<string, number>;
  /** Per head: logits / predictions / start_logits, end_logits. */
  outputs: Record<string, Record<string, Arr>>;
  hidden0: Record<string, Arr>;
  pooled0: Record<string, Arr>;
  /** Per span head: its qa_outputs.bias at that point. */
  spanBias: Record<string, Float32Array>;
}
export interface StepRecord { step: number; loss: number; taskLosses: Record<string, number>; gradNorm: number }
export type Checksums = Record<string, { sum: number; sum_sq: number }>;
export interface ReplayResult {
  initial: EvalRecord;
  steps: StepRecord[];
  final: EvalRecord;
  gradsStep1: Float32Array;
  finalParams: Float32Array;
  layout: FlatLayout;
  checksums: { initial: Checksums; final: Checksums };
  seconds: number;
}

export interface ReplayOptions { threads?: number; executionProvider?: ExecutionProviderName; onStep?: (s: StepRecord) => void }

const row0 = (t: ort.Tensor): Arr => {
  const rowSize = t.dims.slice(1).reduce((a, b) => a * b, 1);
  return { shape: t.dims.slice(1) as number[], data: (t.data as Float32Array).slice(0, rowSize) };
};
const whole = (t: ort.Tensor): Arr => ({ shape: [...t.dims], data: Float32Array.from(t.data as Float32Array) });

export function checksums(layout: FlatLayout, params: Float32Array): Checksums {
  const out: Checksums = {};
  for (const e of layout.entries) {
    let sum = 0, sq = 0;
    for (let i = e.offset; i < e.offset + e.size; i++) {
      const x = params[i]!;
      sum += x;
      sq += x * x;
    }
    out[e.name] = { sum, sum_sq: sq };
  }
  return out;
}

async function evalRecord(fx: Fixture, s: TrainSession): Promise<EvalRecord> {
  const out = await s.evaluate(fx.batchTensors('eval'), fx.weightsVector);
  const tl = out.task_losses!.data as Float32Array;
  const rec: EvalRecord = { loss: (out.loss!.data as Float32Array)[0]!, taskLosses: {}, outputs: {}, hidden0: {}, pooled0: {}, spanBias: {} };
  fx.heads.forEach((h, i) => {
    rec.taskLosses[h.name] = tl[i]!;
    const keys = h.kind === 'span_extraction' ? ['start_logits', 'end_logits'] : h.kind === 'regression' ? ['predictions'] : ['logits'];
    rec.outputs[h.name] = Object.fromEntries(keys.map((k) => [k, whole(out[`${h.name}.${k}`]!)]));
    rec.hidden0[h.name] = row0(out[`${h.name}.last_hidden_state`]!);
    const pooled = out[`${h.name}.pooler_output`];
    if (pooled) rec.pooled0[h.name] = row0(pooled);
    if (h.kind === 'span_extraction') rec.spanBias[h.name] = s.layout.view(s.params, `heads.${h.name}.qa_outputs.bias`).slice();
  });
  return rec;
}

export async function replayFixture(fx: Fixture, o: ReplayOptions = {}): Promise<ReplayResult> {
  const t0 = performance.now();
  const spec = { config: fx.config, heads: fx.heads, seq: fx.seq };
  const opt = fx.optimizer;
  const initialParams = layoutFor(spec).pack(fx.weights as Map<string, { shape: number[]; data: Float32Array }>, `${fx.dir}/model.safetensors`);
  const session = await TrainSession.create(spec, initialParams, {
    betas: opt.betas, eps: opt.eps, weightDecay: opt.weightDecay, clipGradNorm: opt.clipGradNorm,
    threads: o.threads, executionProvider: o.executionProvider ?? 'cpu', debugGrads: true,
  });
  try {
    const layout = session.layout;
    const initialSums = checksums(layout, session.params);
    const initial = await evalRecord(fx, session);
    const steps: StepRecord[] = [];
    let gradsStep1: Float32Array = new Float32Array(0);
    for (let k = 1; k <= opt.steps; k++) {
      const r = await session.trainStep(fx.batchTensors(`step${k}`), fx.weightsVector, opt.lr, { wantGrads: k === 1 });
      if (k === 1) gradsStep1 = r.grads!;
      const rec: StepRecord = { step: k, loss: r.loss, taskLosses: Object.fromEntries(fx.heads.map((h, i) => [h.name, r.taskLosses[i]!])), gradNorm: r.gradNorm };
      steps.push(rec);
      o.onStep?.(rec);
    }
    const final = await evalRecord(fx, session);
    const finalParams = session.params.slice();
    return { initial, steps, final, gradsStep1, finalParams, layout, checksums: { initial: initialSums, final: checksums(layout, finalParams) }, seconds: (performance.now() - t0) / 1000 };
  } finally {
    await session.release();
  }
}

type Nested = number | Nested[];
function nest(a: Arr): Nested {
  const rec = (off: number, dim: number): Nested => {
    if (dim === a.shape.length) return a.data[off]!;
    const stride = a.shape.slice(dim + 1).reduce((x, y) => x * y, 1);
    return Array.from({ length: a.shape[dim]! }, (_, i) => rec(off + i * stride, dim + 1));
  };
  return rec(0, 0);
}

/** The replay in expected.json's layout (format 1 keys by batch letter, format 2 task_losses/heads). */
export function toExpectedJson(fx: Fixture, r: ReplayResult): Record<string, unknown> {
  const evalJson = (e: EvalRecord): Record<string, unknown> => {
    if (fx.format >= 2) {
      const heads: Record<string, unknown> = {};
      for (const h of fx.heads) {
        const rec: Record<string, unknown> = {};
        for (const [k, v] of Object.entries(e.outputs[h.name]!)) rec[k] = nest(v);
        rec.last_hidden_state_seq0 = nest(e.hidden0[h.name]!);
        if (e.pooled0[h.name]) rec.pooler_output_seq0 = nest(e.pooled0[h.name]!);
        heads[h.name] = rec;
      }
      return { loss: e.loss, task_losses: { ...e.taskLosses }, heads };
    }
    const out: Record<string, unknown> = { loss: e.loss };
    for (const h of fx.heads) out[`loss_${h.batch}`] = e.taskLosses[h.name];
    for (const h of fx.heads) out[`${h.batch}_logits`] = nest(e.outputs[h.name]!.logits!);
    // format 1 lists hidden state and pooler output for batch A only
    const a = fx.heads[0]!;
    out[`${a.batch}_last_hidden_state_seq0`] = nest(e.hidden0[a.name]!);
    if (e.pooled0[a.name]) out[`${a.batch}_pooler_output_seq0`] = nest(e.pooled0[a.name]!);
    return out;
  };
  const step = (s: StepRecord): Record<string, unknown> =>
    fx.format >= 2
      ? { step: s.step, loss: s.loss, task_losses: { ...s.taskLosses }, grad_norm: s.gradNorm }
      : { step: s.step, loss: s.loss, ...Object.fromEntries(fx.heads.map((h) => [`loss_${h.batch}`, s.taskLosses[h.name]])), grad_norm: s.gradNorm };
  const out: Record<string, unknown> = {};
  if (fx.format >= 2) out.format_version = fx.format;
  out.generated_by = { engine: 'chorus', seconds: r.seconds };
  out.initial = { eval: evalJson(r.initial), param_checksums: r.checksums.initial };
  out.steps = r.steps.map(step);
  out.final = { eval: evalJson(r.final), param_checksums: r.checksums.final };
  return out;
}
