// The run's model: BERT config from the run config, one head per task, and seeded BERT-style initialisation
// (normal(0, 0.02) weights, zero biases, unit LayerNorm weights, a zero padding row), as Hugging Face initialises.
import { BERT_DEFAULTS, frozenRows, type BertConfig } from '../engine/nn';
import { layoutFor, type ModelSpec, type TaskHead } from '../engine/train';
import { Rng } from './batching';
import type { RunConfig, TaskConfig } from './config';
import type { HeadSpec } from '../engine/nn';
import { mixSeed } from './streams';

export function bertConfigOf(config: RunConfig, vocabSize: number): BertConfig {
  const b = config.backbone;
  return {
    ...BERT_DEFAULTS, vocabSize, hiddenSize: b.hidden, numHiddenLayers: b.layers, numAttentionHeads: b.heads,
    intermediateSize: b.intermediate, maxPositionEmbeddings: b.maxLength, hiddenDropoutProb: b.dropout, attentionProbsDropoutProb: b.dropout,
  };
}

/** `model`: the architecture of a loaded backbone, which takes the place of the config's. */
/** The head a task trains: its kind, class count (`labels` from the run's plan) or decoder sizes. */
export function headOf(t: TaskConfig, labels: number): HeadSpec {
  switch (t.type) {
    case 'classification': return { name: t.name, kind: 'sequence_classification', numLabels: labels };
    case 'token-classification': return { name: t.name, kind: 'token_classification', numLabels: labels };
    case 'regression': return { name: t.name, kind: 'regression' };
    case 'extractive-qa': return { name: t.name, kind: 'span_extraction' };
    case 'masked-lm': return { name: t.name, kind: 'masked_lm' };
    case 'generation': // positions for the start token and the longest target
      return { name: t.name, kind: 'generation', decoder: { ...t.decoder, maxLength: t.maxTargetLength + 1 }, labelSmoothing: t.labelSmoothing };
  }
}

/** The heads of a run from its config and the label sets its plan recorded. */
export function headsOf(config: RunConfig, plan: { tasks: { name: string; labels: string[] }[] }): HeadSpec[] {
  return config.tasks.map((t) => {
    const p = plan.tasks.find((x) => x.name === t.name);
    if (!p) throw new Error(`plan.json has no task '${t.name}'`);
    return headOf(t, p.labels.length);
  });
}

export function modelSpecOf(config: RunConfig, vocabSize: number, heads: TaskHead[], model?: BertConfig): ModelSpec {
  return { config: model ?? bertConfigOf(config, vocabSize), heads };
}

const INIT_STD = 0.02;

/** Seeded initial parameters for `spec` (flat layout order). */
export function initParams(spec: ModelSpec, seed: number): Float32Array {
  const layout = layoutFor(spec);
  const out = new Float32Array(layout.size);
  const rng = new Rng(mixSeed(seed, 0x1717));
  let spare: number | null = null;
  const normal = (): number => { // Box–Muller, both values used
    if (spare !== null) { const s = spare; spare = null; return s; }
    let u = 0;
    while (u === 0) u = rng.next();
    const v = rng.next(), r = Math.sqrt(-2 * Math.log(u));
    spare = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  };
  for (const e of layout.entries) {
    const view = out.subarray(e.offset, e.offset + e.size);
    if (e.name.endsWith('LayerNorm.weight')) view.fill(1);
    else if (e.name.endsWith('.bias')) view.fill(0);
    else for (let i = 0; i < view.length; i++) view[i] = normal() * INIT_STD;
  }
  for (const { name, row } of frozenRows(spec.config)) {
    const e = layout.entry(name), width = e.shape[1]!;
    out.fill(0, e.offset + row * width, e.offset + (row + 1) * width);
  }
  return out;
}
