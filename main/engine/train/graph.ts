// Multi-task graphs over a flat parameter buffer: the train step (forward, backward, clip, AdamW) and eval.
import { attr, Graph, type Dim, type Value } from '../graph';
import { gradients } from '../autodiff';
import { bertEncoder, pooler, frozenRows, headLoss, headOutputs, LABEL_TENSORS, isNoDecay, modelParamShapes, type BertConfig, type Ctx, type EncoderOut, type HeadSpec } from '../nn';
import { adamwStep, clipFactor, FlatLayout, globalNorm, noDecayOf, type AdamWConfig } from '../optim';
import { DropoutSites, type MaskKind, type MaskSite } from './dropout-masks';

export interface TaskHead extends HeadSpec {
  /** Symbolic batch dim name for this head's inputs; defaults to `batch_<name>`. */
  batchDim?: string;
}

export interface ModelSpec {
  config: BertConfig;
  heads: TaskHead[];
  /**
   * Sequence length of every batch, fixed at build time; omitted, each head's length is its own symbolic dim
   * `seq_<head>` and batches may be padded to their own longest row.
   */
  seq?: number;
}

export const layoutFor = (m: ModelSpec): FlatLayout => new FlatLayout(modelParamShapes(m.config, m.heads));

/** Graph input names of one head's batch tensors. */
export function batchInputNames(h: HeadSpec): string[] {
  return ['input_ids', 'attention_mask', 'token_type_ids', ...LABEL_TENSORS[h.kind].map((l) => l.name)].map((n) => `${h.name}.${n}`);
}

interface Forward { maskSites: MaskSite[]; ctx: Ctx; views: Map<string, Value>; perHead: { head: TaskHead; outputs: Record<string, Value>; hidden: Value; pooled: Value | null; loss: Value }[]; loss: Value; weights: Value }

/** The heads a graph computes (GraphBuildOptions.activeHeads), in ModelSpec order. */
export function activeHeadsOf(m: ModelSpec, o: GraphBuildOptions = {}): TaskHead[] {
  if (!o.activeHeads) return m.heads;
  for (const n of o.activeHeads) if (!m.heads.some((h) => h.name === n)) throw new Error(`activeHeads: the model has no head '${n}' (heads: ${m.heads.map((h) => h.name).join(', ')})`);
  return m.heads.filter((h) => o.activeHeads!.includes(h.name));
}

/** The target-length dim of a generation head's decoder tensors (decoder_input_ids, labels …): always symbolic. */
export const targetDimOf = (h: HeadSpec): Dim => `tgt_${h.name}`;

/** The sequence dim of a head's batch tensors. */
export const seqDimOf = (m: ModelSpec, h: HeadSpec): Dim => m.seq ?? `seq_${h.name}`;

/** The graph input of one parameter in a train graph: a view into the flat `params` buffer, fed with no copy. */
export const paramInputName = (name: string): string => `param.${name}`;

/**
 * `views`: each parameter's value, either Slices of the flat `params` input (eval) or its own graph input viewing
 * the same buffer (train: no Split copying the whole buffer every step, and no second copy alive through the step).
 */
function forward(g: Graph, m: ModelSpec, views: Map<string, Value>, training: boolean, wantPooled: boolean, o: GraphBuildOptions): Forward {
  let seedCount = 0;
  const nextDropoutSeed = o.dropoutSeed === undefined ? undefined : () => o.dropoutSeed! * 4096 + seedCount++;
  const sites = training && (o.fedDropoutMasks ?? true) ? new DropoutSites(g) : null;
  const dropoutMasks = sites ? (x: Value, ratio: number, kind: MaskKind) => sites.inputsFor(x, ratio, kind) : undefined;
  const ctx: Ctx = { g, cfg: m.config, training, nextDropoutSeed, dropoutMasks, attentionMaskBits: o.attentionMaskBits, p: (n) => { const v = views.get(n); if (!v) throw new Error(`model has no parameter '${n}'`); return v; } };
  const concatHeads = o.concatHeads ?? false;
  if (concatHeads && m.seq === undefined && activeHeadsOf(m, o).length > 1) throw new Error('concatHeads needs a fixed ModelSpec.seq shared by every head');
  const active = activeHeadsOf(m, o);
  const weights = g.input('task_weights', 'float32', [active.length]);
  const perHead: Forward['perHead'] = [];
  let total: Value | null = null;
  const heads = active.map((h) => {
    const B = h.batchDim ?? `batch_${h.name}`;
    const S = seqDimOf(m, h);
    const ids = g.input(`${h.name}.input_ids`, 'int64', [B, S]);
    const mask = g.input(`${h.name}.attention_mask`, 'int64', [B, S]);
    const tt = g.input(`${h.name}.token_type_ids`, 'int64', [B, S]);
    const labels: Record<string, Value> = {};
    for (const l of LABEL_TENSORS[h.kind]) labels[l.name] = g.input(`${h.name}.${l.name}`, l.dtype, l.dims === 'token' ? [B, S] : l.dims === 'masked' ? [`masked_${h.name}`] : l.dims === 'target' ? [B, targetDimOf(h)] : [B]);
    return { h, B, S, ids, mask, tt, labels };
  });
  let encs: EncoderOut[];
  if (concatHeads && heads.length > 1) {
    // one encoder pass over every head's batch concatenated along the batch axis; each head takes its rows back
    const cat = (f: (x: (typeof heads)[number]) => Value) => g.concat(heads.map(f), { axis: 0 });
    const ids = cat((x) => x.ids);
    if (!g.symbols.has('batch_all')) g.symbols.set('batch_all', { value: ids, axis: 0 });
    const enc = bertEncoder(ctx, ids, cat((x) => x.mask), cat((x) => x.tt), 'batch_all', m.seq!);
    const sizes = g.concat(heads.map((x) => g.slice(g.shape(x.ids), [0], [1], [0])), { axis: 0 }); // [heads] int64
    const parts = g.op('Split', [enc.hidden, sizes], { axis: attr.int(0) }, heads.map((x) => ({ dtype: 'float32', shape: [x.B, x.S, m.config.hiddenSize] })));
    encs = parts.map((hidden) => { let pooled: Value | null = null; return { hidden, pooled: () => (pooled ??= pooler(ctx, hidden)) }; });
  } else encs = heads.map((x) => bertEncoder(ctx, x.ids, x.mask, x.tt, x.B, x.S));
  heads.forEach(({ h, S, labels, mask }, i) => {
    const enc = encs[i]!;
    const outputs = headOutputs(ctx, h, enc, { ...labels, attention_mask: mask });
    const loss = headLoss(ctx, h, outputs, labels, S);
    const pooledKind = h.kind === 'sequence_classification' || h.kind === 'regression';
    perHead.push({ head: h, outputs, hidden: enc.hidden, pooled: wantPooled && pooledKind ? enc.pooled() : null, loss });
    const w = g.squeeze(g.slice(weights, [i], [i + 1], [0]), [0]); // []
    const term = g.mul(w, loss);
    total = total ? g.add(total, term) : term;
  });
  return { maskSites: sites?.sites ?? [], ctx, views, perHead, loss: total!, weights };
}

export interface GraphBuildOptions {
  /**
   * Run the encoder once over every head's batch concatenated along the batch axis (all heads share `seq`);
   * each head then takes its rows back with a Split. Fewer, larger GEMMs, but on 2 CPU threads it measured
   * neutral (minilm train within noise, tiny ~2% slower), so it is off by default.
   */
  concatHeads?: boolean;
  /**
   * Compute only these heads (the parameter layout still holds every head). A train step then leaves the
   * parameters it does not reach, and their moments, untouched — PyTorch skips parameters without a gradient.
   */
  activeHeads?: string[];
  /** Base seed of the dropout masks (fed ones, and ORT Dropout nodes: node i gets base·4096 + i); unset, random. */
  dropoutSeed?: number;
  /**
   * Train graphs take their dropout masks as inputs (`dropout_mask.<i>`, see dropout-masks.ts), drawn by
   * DropoutMaskFeeder, instead of ORT's Dropout op (default true; false keeps ORT's op, which is slower: the bench's
   * --fed-dropout 0 measures the difference).
   */
  fedDropoutMasks?: boolean;
  /**
   * Attention-probability dropouts take 1-byte masks cast by the graph instead of 4-byte pre-scaled ones: slower,
   * a quarter of the memory. For steps whose float masks would pass ATTENTION_FLOAT_MASK_LIMIT (attentionMaskBytes).
   */
  attentionMaskBits?: boolean;
}

export interface TrainGraphOptions extends AdamWConfig, GraphBuildOptions {
  /** Also output the raw (unclipped) flat gradient as `grads`. */
  debugGrads?: boolean;
}

/**
 * Inputs: params, m, v [N]; `param.<name>` per parameter (views into the params buffer: `paramInputName`); lr, step
 * (float32 scalars); task_weights [heads];
 * per head `<name>.<tensor>`; the dropout masks (`maskSites`).
 * Outputs: params_out, m_out, v_out [N]; task_losses [heads]; loss; grad_norm; (grads [N]).
 */
export function buildTrainGraph(m: ModelSpec, o: TrainGraphOptions): { graph: Graph; layout: FlatLayout; maskSites: MaskSite[] } {
  const g = new Graph('chorus_train_step');
  const layout = layoutFor(m);
  const N = layout.size;
  const params = g.input('params', 'float32', [N]);
  const mIn = g.input('m', 'float32', [N]);
  const vIn = g.input('v', 'float32', [N]);
  const lr = g.input('lr', 'float32', []);
  const step = g.input('step', 'float32', []);
  const f = forward(g, m, new Map(layout.entries.map((e) => [e.name, g.input(paramInputName(e.name), 'float32', e.shape)])), true, false, o);

  const viewList = layout.entries.map((e) => f.views.get(e.name)!);
  const raw = gradients(f.loss, viewList);
  const unreached = new Set(layout.entries.filter((_, i) => raw[i] === null).map((e) => e.name));
  const grads = raw.map((d, i) => d ?? g.constant(new Float32Array(layout.entries[i]!.size), 'float32', layout.entries[i]!.shape)); // unused params: exact zeros
  for (const { name, row } of frozenRows(m.config)) { // padding_idx rows get no gradient
    const i = layout.entries.findIndex((e) => e.name === name);
    const rows = layout.entries[i]!.shape[0]!;
    if (row < 0 || row >= rows) continue;
    const keep = new Float32Array(rows).fill(1);
    keep[row] = 0;
    grads[i] = g.mul(grads[i]!, g.constant(keep, 'float32', [rows, 1]));
  }
  const flatGrad = g.concat(grads.map((d) => g.reshape(d, [-1])), { axis: 0 }); // [N]
  const norm = globalNorm(g, grads);
  const clip = o.clipGradNorm && o.clipGradNorm > 0 ? clipFactor(g, norm, o.clipGradNorm) : undefined;
  let next = adamwStep(g, { params, m: mIn, v: vIn }, flatGrad, lr, step, noDecayOf(g, layout, isNoDecay, f.views), o, clip);
  if (unreached.size) { // parameters no loss reaches keep their values and moments (no decay, no stale momentum)
    const keep = g.constant(layout.mask((n) => unreached.has(n)), 'bool', [N]);
    next = { params: g.where(keep, params, next.params), m: g.where(keep, mIn, next.m), v: g.where(keep, vIn, next.v) };
  }

  g.output(next.params, 'params_out');
  g.output(next.m, 'm_out');
  g.output(next.v, 'v_out');
  g.output(g.concat(f.perHead.map((p) => g.unsqueeze(p.loss, [0])), { axis: 0 }), 'task_losses');
  g.output(f.loss, 'loss');
  g.output(norm, 'grad_norm');
  if (o.debugGrads) g.output(flatGrad, 'grads');
  return { graph: g, layout, maskSites: f.maskSites };
}

/**
 * Inputs: params [N], task_weights, per head batch (labels included). Outputs: loss, task_losses, and per head
 * `<name>.<output>` (logits / predictions / start_logits, end_logits), `<name>.last_hidden_state`, `<name>.pooler_output`.
 */
export function buildEvalGraph(m: ModelSpec, o: GraphBuildOptions = {}): { graph: Graph; layout: FlatLayout } {
  const g = new Graph('chorus_eval');
  const layout = layoutFor(m);
  const params = g.input('params', 'float32', [layout.size]);
  const f = forward(g, m, layout.graphViews(g, params), false, true, o);
  g.output(f.loss, 'loss');
  g.output(g.concat(f.perHead.map((p) => g.unsqueeze(p.loss, [0])), { axis: 0 }), 'task_losses');
  for (const p of f.perHead) {
    for (const [k, v] of Object.entries(p.outputs)) g.output(v, `${p.head.name}.${k}`);
    g.output(p.hidden, `${p.head.name}.last_hidden_state`);
    if (p.pooled) g.output(p.pooled, `${p.head.name}.pooler_output`);
  }
  return { graph: g, layout };
}
