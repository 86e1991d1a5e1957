// Compares a replay with a fixture's expected values, with exactly FORMAT.md's tolerance table.
import type { StTensors } from '../io';
import type { Fixture } from './fixture';
import type { Arr, EvalRecord, ReplayResult } from './replay';

export type Category = 'initial' | 'steps' | 'grad_norm' | 'grads' | 'final' | 'final_hidden' | 'weights' | 'span_bias' | 'checksums';
export interface CompareRow { label: string; category: Category; diff: number; tolerance: number; ok: boolean }

type Nested = number | Nested[];
const flatten = (x: Nested): number[] => (Array.isArray(x) ? x.flatMap(flatten) : [x]);

function maxDiff(got: ArrayLike<number>, want: ArrayLike<number>): number {
  if (got.length !== want.length) return Infinity;
  let d = 0;
  for (let i = 0; i < got.length; i++) {
    const e = Math.abs(got[i]! - want[i]!);
    if (!(e <= d)) d = Number.isNaN(e) ? Infinity : e;
  }
  return d;
}
const maxAbs = (a: ArrayLike<number>): number => { let m = 0; for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]!)); return m; };

interface ExpectedEval { loss: number; taskLosses: Record<string, number>; outputs: Record<string, Record<string, Nested>>; hidden0: Record<string, Nested>; pooled0: Record<string, Nested> }

/** expected.json's eval block in one layout for both formats (format 1 keys by batch letter). */
export function expectedEval(fx: Fixture, stage: 'initial' | 'final'): ExpectedEval {
  const ev = ((fx.expected as Record<string, Record<string, unknown>>)[stage]!.eval) as Record<string, unknown>;
  const out: ExpectedEval = { loss: ev.loss as number, taskLosses: {}, outputs: {}, hidden0: {}, pooled0: {} };
  for (const h of fx.heads) {
    const heads = ev.heads as Record<string, Record<string, Nested>> | undefined;
    const tl = ev.task_losses as Record<string, number> | undefined;
    out.taskLosses[h.name] = tl?.[h.name] ?? (ev[`loss_${h.batch}`] as number);
    if (heads?.[h.name]) {
      const rec = heads[h.name]!;
      out.outputs[h.name] = Object.fromEntries(Object.entries(rec).filter(([k]) => k !== 'last_hidden_state_seq0' && k !== 'pooler_output_seq0'));
      if (rec.last_hidden_state_seq0 !== undefined) out.hidden0[h.name] = rec.last_hidden_state_seq0;
      if (rec.pooler_output_seq0 !== undefined) out.pooled0[h.name] = rec.pooler_output_seq0;
    } else {
      out.outputs[h.name] = { logits: ev[`${h.batch}_logits`] as Nested };
      if (ev[`${h.batch}_last_hidden_state_seq0`] !== undefined) out.hidden0[h.name] = ev[`${h.batch}_last_hidden_state_seq0`] as Nested;
      if (ev[`${h.batch}_pooler_output_seq0`] !== undefined) out.pooled0[h.name] = ev[`${h.batch}_pooler_output_seq0`] as Nested;
    }
  }
  return out;
}

export interface CompareFiles { grads: StTensors | null; final: StTensors | null }

/** Every row of FORMAT.md's "What to compare", with its tolerance. */
export function compareReplay(fx: Fixture, r: ReplayResult, files: CompareFiles, o: { atol?: number; rtol?: number; finalHiddenAtol?: number } = {}): CompareRow[] {
  const atol = o.atol ?? 1e-5, rtol = o.rtol ?? 1e-6, hiddenAtol = o.finalHiddenAtol ?? 5e-5;
  const rows: CompareRow[] = [];
  const push = (label: string, category: Category, diff: number, tolerance: number) => rows.push({ label, category, diff, tolerance, ok: diff <= tolerance });
  const rel = (scale: number) => atol + rtol * scale;
  const spanBiasNames = new Set(fx.heads.filter((h) => h.kind === 'span_extraction').map((h) => `heads.${h.name}.qa_outputs.bias`));
  if (!fx.expected) return rows;

  for (const stage of ['initial', 'final'] as const) {
    const want = expectedEval(fx, stage);
    const got: EvalRecord = r[stage];
    const wantWeights = stage === 'initial' ? fx.weights : files.final;
    push(`${stage} eval loss`, stage, Math.abs(got.loss - want.loss), rel(Math.abs(want.loss)));
    for (const h of fx.heads) {
      push(`${stage} eval loss ${h.name}`, stage, Math.abs(got.taskLosses[h.name]! - want.taskLosses[h.name]!), rel(Math.abs(want.taskLosses[h.name]!)));
      for (const [key, w] of Object.entries(want.outputs[h.name] ?? {})) {
        const g: Arr | undefined = got.outputs[h.name]?.[key];
        let wf = flatten(w);
        let gf: ArrayLike<number> = g ? g.data : [];
        let label = `${stage} eval ${h.name} ${key}`;
        if (h.kind === 'span_extraction') { // each side minus its own bias (the bias has zero true gradient)
          const side = key === 'start_logits' ? 0 : 1;
          const wb = (wantWeights?.get(`heads.${h.name}.qa_outputs.bias`)?.data as Float32Array | undefined)?.[side] ?? 0;
          const gb = got.spanBias[h.name]![side]!;
          wf = wf.map((x) => x - wb);
          gf = Array.from(gf, (x) => x - gb);
          label += ' - bias';
        }
        push(label, stage, maxDiff(gf, wf), rel(maxAbs(wf)));
      }
      if (want.hidden0[h.name] !== undefined) {
        const wf = flatten(want.hidden0[h.name]!);
        const d = maxDiff(got.hidden0[h.name]?.data ?? [], wf);
        if (stage === 'final') push(`final eval ${h.name} last_hidden_state[0]`, 'final_hidden', d, hiddenAtol);
        else push(`initial eval ${h.name} last_hidden_state[0]`, 'initial', d, rel(maxAbs(wf)));
      }
      if (want.pooled0[h.name] !== undefined) {
        const wf = flatten(want.pooled0[h.name]!);
        push(`${stage} eval ${h.name} pooler_output[0]`, stage, maxDiff(got.pooled0[h.name]?.data ?? [], wf), rel(maxAbs(wf)));
      }
    }
  }
  const steps = (fx.expected.steps as Record<string, unknown>[]) ?? [];
  steps.forEach((want, i) => {
    const got = r.steps[i];
    const k = i + 1;
    if (!got) return push(`step ${k}: not replayed`, 'steps', Infinity, 0);
    push(`step ${k} loss`, 'steps', Math.abs(got.loss - (want.loss as number)), rel(Math.abs(want.loss as number)));
    for (const h of fx.heads) {
      const w = (want.task_losses as Record<string, number> | undefined)?.[h.name] ?? (want[`loss_${h.batch}`] as number);
      push(`step ${k} loss ${h.name}`, 'steps', Math.abs(got.taskLosses[h.name]! - w), rel(Math.abs(w)));
    }
    push(`step ${k} grad_norm`, 'grad_norm', Math.abs(got.gradNorm - (want.grad_norm as number)), rel(Math.abs(want.grad_norm as number)));
  });
  const perTensor = (file: StTensors, flat: Float32Array, skip: Set<string>): [number, string] => {
    let worst: [number, string] = [0, ''];
    for (const e of r.layout.entries) {
      if (skip.has(e.name)) continue;
      const t = file.get(e.name);
      const d = t ? maxDiff(flat.subarray(e.offset, e.offset + e.size), t.data as Float32Array) : Infinity;
      if (d > worst[0] || worst[1] === '') worst = [d, e.name];
    }
    return worst;
  };
  if (files.grads) {
    const [d, n] = perTensor(files.grads, r.gradsStep1, new Set());
    push(`step 1 raw gradients (worst: ${n})`, 'grads', d, atol);
  }
  if (files.final) {
    const [d, n] = perTensor(files.final, r.finalParams, spanBiasNames);
    push(`final weights (worst: ${n})`, 'weights', d, atol);
    for (const name of spanBiasNames) {
      const e = r.layout.entry(name);
      push(`final ${name} (zero true gradient)`, 'span_bias', maxDiff(r.finalParams.subarray(e.offset, e.offset + e.size), files.final.get(name)!.data as Float32Array), 2 * fx.optimizer.steps * fx.optimizer.lr);
    }
  }
  const sums = (fx.expected.final as Record<string, unknown>)?.param_checksums as Record<string, { sum: number; sum_sq: number }> | undefined;
  if (sums) {
    let worst = 0, worstName = '';
    for (const e of r.layout.entries) {
      if (spanBiasNames.has(e.name)) continue;
      const w = sums[e.name], g = r.checksums.final[e.name]!;
      if (!w) { worst = Infinity; worstName = e.name; continue; }
      for (const key of ['sum', 'sum_sq'] as const) {
        const rd = Math.abs(g[key] - w[key]) / Math.max(1, Math.abs(w[key]));
        if (rd > worst) { worst = rd; worstName = `${e.name}.${key}`; }
      }
    }
    push(`final param checksums, relative (worst: ${worstName})`, 'checksums', worst, 1e-5);
  }
  return rows;
}

/** Largest diff per category. */
export function summarize(rows: CompareRow[]): Partial<Record<Category, { maxDiff: number; ok: boolean }>> {
  const out: Partial<Record<Category, { maxDiff: number; ok: boolean }>> = {};
  for (const r of rows) {
    const c = (out[r.category] ??= { maxDiff: 0, ok: true });
    c.maxDiff = Math.max(c.maxDiff, r.diff);
    c.ok &&= r.ok;
  }
  return out;
}
