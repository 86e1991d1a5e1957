// The generation head: a post-LN Transformer decoder (BERT2BERT layout: causal self-attention, cross-attention to
// the encoder's hidden states, GELU feed-forward, each followed by add & LayerNorm), learned decoder positions, and
// a projection tied to the encoder's word embeddings plus its own bias. One function per box, as in layers.ts;
// the same boxes build the training graph (whole target at once) and the decoding step (keys/values cached).
import type { Value } from '../graph';
import type { HeadSpec } from './config';
import { decoderConfigOf, type DecoderConfig } from './decoder-config';
import { activation, addNorm, attentionProbs, attentionScores, dropout, layerNorm, linear, maskBias, type Ctx } from './layers';

export const MASK_VALUE = -10000;

/** A decoder in a graph: the context, the head's parameter prefix and its sizes. */
export interface Dec { k: Ctx; head: string; prefix: string; dc: DecoderConfig }

export const decoderOf = (k: Ctx, h: HeadSpec): Dec => ({ k, head: `heads.${h.name}`, prefix: `heads.${h.name}.decoder`, dc: decoderConfigOf(k.cfg, h) });

/** Keys and values of one attention, [N, heads, len, headDim]. */
export interface KV { key: Value; value: Value }

/** [N, T, D] -> [N, heads, T, headDim]. */
function splitHeads(d: Dec, t: Value): Value {
  const A = d.dc.heads, Dh = d.dc.hidden / A;
  return d.k.g.transpose(d.k.g.reshape(t, [0, 0, A, Dh]), { perm: [0, 2, 1, 3] }); // [N, A, T, Dh]
}

/** softmax(q kᵀ / sqrt(headDim) + bias) v with heads merged back: [N, A, Tq, Dh] -> [N, Tq, D]. */
function attend(d: Dec, q: Value, kv: KV, bias: Value | null): Value {
  const { g } = d.k;
  let scores = attentionScores(d.k, q, kv.key); // [N, A, Tq, Tk]
  if (bias) scores = g.add(scores, bias);
  const probs = attentionProbs(d.k, scores);
  const ctx = g.transpose(g.matMul(probs, kv.value), { perm: [0, 2, 1, 3] }); // [N, Tq, A, Dh]
  return g.reshape(ctx, [0, 0, d.dc.hidden]); // [N, Tq, D]
}

/** start, start+1, …, start+len-1 as int64 [len]; `len` is dim 1 of `ids` at run time. */
export function positionsFrom(d: Dec, ids: Value, start: Value | null): Value {
  const { g } = d.k;
  const len = g.squeeze(g.slice(g.shape(ids), [1], [2], [0]), [0]); // [] int64
  const s = start ?? g.scalar(0, 'int64');
  return g.range(s, start ? g.add(s, len) : len, g.scalar(1, 'int64'), start ? undefined : ids.shape[1]);
}

/** LayerNorm(word[ids] + position[positions]) -> [N, T, D]; the word table is the encoder's (tied). */
export function decoderEmbeddings(d: Dec, ids: Value, positions: Value): Value {
  const { g } = d.k;
  const words = g.gather(d.k.p('embeddings.word_embeddings.weight'), ids, { axis: 0 }); // [N, T, D]
  const pos = g.gather(d.k.p(`${d.prefix}.embeddings.position_embeddings.weight`), positions, { axis: 0 }); // [T, D]
  return dropout(d.k, layerNorm(d.k, g.add(words, pos), `${d.prefix}.embeddings.LayerNorm`), d.k.cfg.hiddenDropoutProb);
}

/** -10000 where key position > query position, 0 elsewhere: float32 [Tq, Tk] from int64 positions [Tq] and [Tk]. */
export function causalBias(d: Dec, qPos: Value, kPos: Value): Value {
  const { g } = d.k;
  const future = g.greater(g.unsqueeze(kPos, [0]), g.unsqueeze(qPos, [1])); // [Tq, Tk]
  return g.mul(g.cast(future, 'float32'), g.scalar(MASK_VALUE));
}

/** Cross-attention keys and values of layer i from the encoder's hidden states [N, S, H] (computed once per input). */
export function crossKV(d: Dec, hidden: Value, i: number): KV {
  const p = `${d.prefix}.layer.${i}.crossattention.self`;
  return { key: splitHeads(d, linear(d.k, hidden, `${p}.key`)), value: splitHeads(d, linear(d.k, hidden, `${p}.value`)) };
}

/**
 * One decoder layer on new positions x [N, T, D]. Self-attention sees `past` (cached keys/values of earlier
 * positions) followed by x's own; `selfBias` masks the future (and padding), `crossBias` the encoder's padding.
 * Returns the layer output and the keys/values of every position so far (`present`, the next step's past).
 */
export function decoderLayer(d: Dec, x: Value, i: number, o: { selfBias: Value | null; crossBias: Value; cross: KV; past?: KV }): { out: Value; present: KV } {
  const { g } = d.k;
  const l = `${d.prefix}.layer.${i}`;
  const q = splitHeads(d, linear(d.k, x, `${l}.attention.self.query`));
  let present: KV = { key: splitHeads(d, linear(d.k, x, `${l}.attention.self.key`)), value: splitHeads(d, linear(d.k, x, `${l}.attention.self.value`)) };
  if (o.past) present = { key: g.concat([o.past.key, present.key], { axis: 2 }), value: g.concat([o.past.value, present.value], { axis: 2 }) }; // [N, A, P+T, Dh]
  const a = addNorm(d.k, attend(d, q, present, o.selfBias), x, `${l}.attention.output`);
  const cq = splitHeads(d, linear(d.k, a, `${l}.crossattention.self.query`));
  const c = addNorm(d.k, attend(d, cq, o.cross, o.crossBias), a, `${l}.crossattention.output`);
  const out = addNorm(d.k, activation(d.k, linear(d.k, c, `${l}.intermediate.dense`)), c, `${l}.output`);
  return { out, present };
}

/**
 * The whole decoder over a target prefix at once (training, and decoding without a cache): decoder ids [N, T],
 * their padding mask [N, T] (null: no padding), the encoder's hidden states [N, S, H] and attention mask [N, S].
 * Returns the last layer's hidden states [N, T, D].
 */
export function decoderForward(d: Dec, ids: Value, mask: Value | null, encHidden: Value, encMask: Value): Value {
  const { g } = d.k;
  const pos = positionsFrom(d, ids, null); // [T]
  let selfBias = g.unsqueeze(causalBias(d, pos, pos), [0, 1]); // [1, 1, T, T]
  if (mask) selfBias = g.add(selfBias, maskBias(d.k, mask)); // + [N, 1, 1, T]
  const crossBias = maskBias(d.k, encMask); // [N, 1, 1, S]
  let h = decoderEmbeddings(d, ids, pos);
  for (let i = 0; i < d.dc.layers; i++) h = decoderLayer(d, h, i, { selfBias, crossBias, cross: crossKV(d, encHidden, i) }).out;
  return h;
}

/**
 * Tied output projection: hidden [..., D] -> logits [..., V] = hidden · word_embeddingsᵀ + lm_head.bias.
 * `wordT`: the transposed table [D, V] when the caller already has it (decoding feeds it).
 */
export function lmLogits(d: Dec, hidden: Value, wordT?: Value): Value {
  const { g } = d.k;
  const wt = wordT ?? g.transpose(d.k.p('embeddings.word_embeddings.weight'), { perm: [1, 0] }); // [D, V]
  return g.add(g.matMul(hidden, wt), d.k.p(`${d.head}.lm_head.bias`));
}

/**
 * Mean token cross-entropy over labels that are not `ignoreIndex` (logits [N, V], labels [N]), with PyTorch's label
 * smoothing: (1 − ε)·CE + ε·mean over counted tokens of (−Σ_c log p_c / V).
 */
export function smoothedCrossEntropy(k: Ctx, logits: Value, labels: Value, eps: number, ignoreIndex: number): Value {
  const { g } = k;
  const ce = g.softmaxCrossEntropyLoss(logits, labels, { ignoreIndex, reduction: 'mean' });
  if (eps === 0) return ce;
  const V = logits.shape[1]!;
  if (typeof V !== 'number') throw new Error('smoothedCrossEntropy: the class count must be static');
  const dt = logits.dtype;
  const valid = g.cast(g.not(g.equal(labels, g.scalar(ignoreIndex, 'int64'))), dt); // [N]
  const rowSum = g.reduceSum(g.logSoftmax(logits, { axis: 1 }), [1], { keepdims: false }); // [N]: Σ_c log p_c
  const count = g.reduceSum(valid, [], { keepdims: false });
  const smooth = g.div(g.neg(g.reduceSum(g.mul(rowSum, valid), [], { keepdims: false })), g.mul(count, g.scalar(V, dt)));
  return g.add(g.mul(ce, g.scalar(1 - eps, dt)), g.mul(smooth, g.scalar(eps, dt)));
}
