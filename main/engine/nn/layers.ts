// BERT building blocks over the graph builder, one function per architectural box, matching PyTorch's op order.
import { isUnknown, type Dim, type Graph, type Value } from '../graph';
import { embeddingWidth, type BertConfig, type HiddenAct } from './config';

/** Parameter lookup by Hugging Face name. */
export type Params = (name: string) => Value;

/** A dropout's fed mask inputs: float 0 or 1/(1 − p) (`scaled`), or bool for the forward and the backward pass (`bits`). */
export type FedDropoutMask = { kind: 'scaled'; mask: Value } | { kind: 'bits'; forward: Value; backward: Value };

export interface Ctx {
  g: Graph;
  cfg: BertConfig;
  p: Params;
  /** Dropout active (training); the fixtures use ratio 0, where dropout is skipped entirely. */
  training: boolean;
  /**
   * Seed of the next Dropout node. Each node gets its own seed so that a graph built twice with the same base seed
   * draws the same masks (ORT seeds a node's generator once, at session creation). Unset: ORT picks random seeds.
   */
  nextDropoutSeed?: () => number;
  /**
   * Mask inputs for a dropout over x (drawn outside the graph and fed, see train/dropout-masks.ts): 'scaled' (float,
   * 0 or 1/(1 − p)) or 'bits' (bool); null keeps ORT's Dropout op. Unset: every dropout is ORT's.
   */
  dropoutMasks?: (x: Value, ratio: number, kind: FedDropoutMask['kind']) => FedDropoutMask | null;
  /** Attention-probability dropouts take 1-byte masks (memory) instead of 4-byte pre-scaled ones (speed). */
  attentionMaskBits?: boolean;
}

/**
 * torch.nn.Linear: alpha · x @ W.T + b, W stored [out, in]. Train graphs use one Gemm over the flattened rows (the
 * bias rides in the GEMM: a pass fewer each way); forward-only graphs keep MatMul + Add, the pattern ORT's inference
 * fusions (Gelu, SkipLayerNorm, Attention) look for.
 */
export function linear(k: Ctx, x: Value, prefix: string, alpha = 1): Value {
  const { g } = k;
  const w = k.p(`${prefix}.weight`), b = k.p(`${prefix}.bias`);
  const inner = x.shape[x.rank - 1]!, lead = x.shape.slice(0, -1);
  if (k.training && x.rank === 2) return g.gemm(x, w, b, { transB: true, alpha });
  if (k.training && x.rank > 2 && typeof inner === 'number' && lead.filter(isUnknown).length <= 1) { // one unknown dim is left to -1
    const y = g.gemm(g.reshape(x, [-1, inner]), w, b, { transB: true, alpha }); // [rows, out]
    return g.reshape(y, [...lead.map((d) => (isUnknown(d) ? -1 : d)), w.shape[0]!]);
  }
  const y = g.matMul(x, g.transpose(w, { perm: [1, 0] }));
  return g.add(alpha === 1 ? y : g.mul(y, g.scalar(alpha, y.dtype)), b);
}

export function layerNorm(k: Ctx, x: Value, prefix: string): Value {
  return k.g.layerNormalization(x, k.p(`${prefix}.weight`), k.p(`${prefix}.bias`), { axis: -1, epsilon: k.cfg.layerNormEps });
}

/**
 * Dropout over hidden states (training only): x times its fed pre-scaled mask when the graph feeds masks, ORT's
 * Dropout op otherwise. Attention probabilities have their own: `attentionProbs`.
 */
export function dropout(k: Ctx, x: Value, ratio: number): Value {
  if (!k.training || ratio === 0) return x;
  const fed = k.dropoutMasks?.(x, ratio, 'scaled');
  if (fed?.kind === 'scaled') return k.g.mul(x, fed.mask);
  return k.g.dropout(x, ratio, true, { seed: k.nextDropoutSeed?.() }).output;
}

/**
 * softmax(scores) over the last axis, then the attention-probability dropout: the pair fused when its mask is fed
 * pre-scaled (`softmaxTimes`), 1-byte masks when Ctx.attentionMaskBits asks for them (A·S values a token: memory).
 */
export function attentionProbs(k: Ctx, scores: Value): Value {
  const ratio = k.cfg.attentionProbsDropoutProb;
  if (!k.training || ratio === 0) return k.g.softmax(scores, { axis: -1 });
  const fed = k.dropoutMasks?.(scores, ratio, k.attentionMaskBits ? 'bits' : 'scaled');
  if (fed?.kind === 'scaled') return k.g.softmaxTimes(scores, fed.mask, { axis: -1 });
  const p = k.g.softmax(scores, { axis: -1 });
  if (fed) return k.g.maskedDropout(p, ratio, fed.forward, fed.backward);
  return k.g.dropout(p, ratio, true, { seed: k.nextDropoutSeed?.() }).output;
}

/**
 * LayerNorm(word[ids] + token_type[tt] + position[off..off+S-1]) -> [B, S, E], then ELECTRA's projection to H.
 * A static seq slices the position table; a symbolic one gathers rows off..off+S-1 with S read from input_ids at
 * run time. The token-type term follows typeVocabSize: gathered (2+), its one row broadcast (1: RoBERTa, ids
 * ignored), or absent (0: DistilBERT).
 */
export function embeddings(k: Ctx, inputIds: Value, tokenTypeIds: Value, seq: Dim): Value {
  const { g, cfg } = k;
  const off = cfg.positionOffset ?? 0;
  let x = g.gather(k.p('embeddings.word_embeddings.weight'), inputIds, { axis: 0 }); // [B, S, E]
  if (cfg.typeVocabSize >= 2) x = g.add(x, g.gather(k.p('embeddings.token_type_embeddings.weight'), tokenTypeIds, { axis: 0 })); // [B, S, E]
  else if (cfg.typeVocabSize === 1) x = g.add(x, k.p('embeddings.token_type_embeddings.weight')); // [1, E] broadcast
  const table = k.p('embeddings.position_embeddings.weight');
  const pos = typeof seq === 'number'
    ? g.slice(table, [off], [off + seq], [0]) // [S, E]
    : g.gather(table, positionIds(k, inputIds, seq, off), { axis: 0 }); // [S, E]
  const h = dropout(k, layerNorm(k, g.add(x, pos), 'embeddings.LayerNorm'), cfg.hiddenDropoutProb);
  return embeddingWidth(cfg) === cfg.hiddenSize ? h : linear(k, h, 'embeddings_project'); // [B, S, H]
}

/** off..off+S-1 as int64 [S], S being input_ids' second dimension at run time. */
function positionIds(k: Ctx, inputIds: Value, seq: Dim, off: number): Value {
  const { g } = k;
  const len = g.squeeze(g.slice(g.shape(inputIds), [1], [2], [0]), [0]); // [] int64
  if (off === 0) return g.range(g.scalar(0, 'int64'), len, g.scalar(1, 'int64'), seq);
  return g.range(g.scalar(off, 'int64'), g.add(len, g.scalar(off, 'int64')), g.scalar(1, 'int64'), seq);
}

/** The feed-forward activation named by the config. */
export function activation(k: Ctx, x: Value, act: HiddenAct = k.cfg.hiddenAct): Value {
  switch (act) {
    case 'gelu': return k.g.gelu(x); // exact erf GELU
    case 'gelu_tanh': return k.g.geluTanh(x);
    case 'relu': return k.g.relu(x);
  }
}

/** (1 - mask) * -10000 as float32, [B, 1, 1, S]. */
export function maskBias(k: Ctx, attentionMask: Value): Value {
  const { g } = k;
  const m = g.unsqueeze(g.cast(attentionMask, 'float32'), [1, 2]); // [B, 1, 1, S]
  return g.mul(g.sub(g.scalar(1), m), g.scalar(-10000));
}

/**
 * q kᵀ / √headDim for q [.., Tq, d] and key [.., Tk, d]. Train graphs: one FusedMatMul with the key transposed inside
 * the product and 1/√d as its alpha (as MatMul(q, Transpose(key)), ORT merges the heads' Transpose and the key's into
 * one slow copy); forward-only graphs keep MatMul + Div, the pattern ORT's inference fusions look for.
 */
export function attentionScores(k: Ctx, q: Value, key: Value): Value {
  const { g } = k, d = q.shape[q.rank - 1] as number;
  if (k.training) return g.fusedMatMul(q, key, { transB: true, alpha: 1 / Math.sqrt(d) });
  return g.div(g.matMul(q, g.transpose(key, { perm: [...Array(key.rank - 2).keys(), key.rank - 1, key.rank - 2] })), g.scalar(Math.sqrt(d)));
}

/** softmax(Q K^T / sqrt(headDim) + maskBias) V, heads merged back -> [B, S, H]. */
export function selfAttention(k: Ctx, x: Value, bias: Value, prefix: string, batch: Dim, seq: Dim): Value {
  const { g, cfg } = k;
  const A = cfg.numAttentionHeads, D = cfg.hiddenSize / A;
  const split = (t: Value) => g.transpose(g.reshape(t, [0, 0, A, D]), { perm: [0, 2, 1, 3] }); // [B, S, H] -> [B, A, S, D]
  const q = split(linear(k, x, `${prefix}.query`));
  const key = split(linear(k, x, `${prefix}.key`));
  const v = split(linear(k, x, `${prefix}.value`));
  const scores = attentionScores(k, q, key); // [B, A, S, S]
  const probs = attentionProbs(k, g.add(scores, bias));
  const ctx = g.transpose(g.matMul(probs, v), { perm: [0, 2, 1, 3] }); // [B, S, A, D]
  return g.reshape(ctx, [batch, seq, cfg.hiddenSize]); // [B, S, H]
}

/** HF BertSelfOutput / BertOutput: LayerNorm(dropout(alpha · dense(x)) + residual). */
export function addNorm(k: Ctx, x: Value, residual: Value, prefix: string, alpha = 1): Value {
  const h = dropout(k, linear(k, x, `${prefix}.dense`, alpha), k.cfg.hiddenDropoutProb);
  return layerNorm(k, k.g.add(h, residual), `${prefix}.LayerNorm`);
}

/**
 * Post-LN BERT layer: attention + add&norm, then MLP (GELU unless the config says otherwise) + add&norm. Train
 * graphs hand 2 · GELU to the output dense, whose Gemm takes the 0.5 as its alpha.
 */
export function encoderLayer(k: Ctx, x: Value, bias: Value, i: number, batch: Dim, seq: Dim): Value {
  const p = `encoder.layer.${i}`;
  const a = addNorm(k, selfAttention(k, x, bias, `${p}.attention.self`, batch, seq), x, `${p}.attention.output`);
  const inter = linear(k, a, `${p}.intermediate.dense`);
  if (k.training && k.cfg.hiddenAct === 'gelu') return addNorm(k, k.g.geluTimesTwo(inter), a, `${p}.output`, 0.5);
  return addNorm(k, activation(k, inter), a, `${p}.output`);
}

export interface EncoderOut { hidden: Value; pooled: () => Value }

/** Embeddings + every layer; the pooler is built on demand (tanh(dense(h[:, 0]))). */
export function bertEncoder(k: Ctx, inputIds: Value, attentionMask: Value, tokenTypeIds: Value, batch: Dim, seq: Dim): EncoderOut {
  const bias = maskBias(k, attentionMask);
  let h = embeddings(k, inputIds, tokenTypeIds, seq);
  for (let i = 0; i < k.cfg.numHiddenLayers; i++) h = encoderLayer(k, h, bias, i, batch, seq);
  const hidden = h;
  let pooled: Value | null = null;
  return { hidden, pooled: () => (pooled ??= pooler(k, hidden)) };
}

export function pooler(k: Ctx, hidden: Value): Value {
  const first = k.g.squeeze(k.g.slice(hidden, [0], [1], [1]), [1]); // [B, H]
  return k.g.tanh(linear(k, first, 'pooler.dense'));
}
