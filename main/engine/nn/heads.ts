// Task heads and their losses, as in bert_mtl.py / Hugging Face.
import type { Dim, Value } from '../graph';
import type { HeadKind, HeadSpec } from './config';
import { dropout, layerNorm, linear, type Ctx, type EncoderOut } from './layers';
import { decoderForward, decoderOf, lmLogits, smoothedCrossEntropy } from './decoder';

export const IGNORE_INDEX = -100;

/** What a label tensor is indexed by: rows [B], tokens [B, S], masked positions [M], or target tokens [B, T]. */
export type LabelDims = 'row' | 'token' | 'masked' | 'target';

/**
 * Batch tensors a head reads beyond input_ids / attention_mask / token_type_ids. The masked-LM head reads the
 * flat positions (b·S + s) of its masked tokens and their original ids: only those rows reach the vocabulary
 * projection, so a step costs M·H·V multiply-adds for the decoder instead of B·S·H·V (M ≈ 15 % of the tokens).
 */
export const LABEL_TENSORS: Record<HeadKind, { name: string; dtype: 'int64' | 'float32'; dims: LabelDims }[]> = {
  sequence_classification: [{ name: 'labels', dtype: 'int64', dims: 'row' }],
  token_classification: [{ name: 'labels', dtype: 'int64', dims: 'token' }],
  regression: [{ name: 'labels', dtype: 'float32', dims: 'row' }],
  span_extraction: [{ name: 'start_positions', dtype: 'int64', dims: 'row' }, { name: 'end_positions', dtype: 'int64', dims: 'row' }],
  masked_lm: [{ name: 'masked_positions', dtype: 'int64', dims: 'masked' }, { name: 'labels', dtype: 'int64', dims: 'masked' }],
  // decoder inputs (start token, then the target shifted right), their padding mask, and the target (-100 on padding)
  generation: [
    { name: 'decoder_input_ids', dtype: 'int64', dims: 'target' }, { name: 'decoder_attention_mask', dtype: 'int64', dims: 'target' },
    { name: 'labels', dtype: 'int64', dims: 'target' },
  ],
};

/** Named outputs of a head: logits [B,C] / [B,S,C] / [M,V] (masked LM), predictions [B], start_logits / end_logits [B,S]. */
export type HeadOutputs = Record<string, Value>;

/**
 * `inputs`: the head's label tensors (LABEL_TENSORS) and the batch's attention_mask; the masked-LM head reads its
 * positions from them, the generation head its decoder inputs and the encoder's padding mask.
 */
export function headOutputs(k: Ctx, h: HeadSpec, enc: EncoderOut, inputs: Record<string, Value> = {}): HeadOutputs {
  const { g } = k;
  const p = `heads.${h.name}`;
  switch (h.kind) {
    case 'sequence_classification': // pooled -> dropout -> Linear(H, C): [B, C]
      return { logits: linear(k, dropout(k, enc.pooled(), k.cfg.hiddenDropoutProb), `${p}.classifier`) };
    case 'token_classification': // every token -> dropout -> Linear(H, C): [B, S, C]
      return { logits: linear(k, dropout(k, enc.hidden, k.cfg.hiddenDropoutProb), `${p}.classifier`) };
    case 'regression': // pooled -> dropout -> Linear(H, 1) -> [B]
      return { predictions: g.squeeze(linear(k, dropout(k, enc.pooled(), k.cfg.hiddenDropoutProb), `${p}.classifier`), [-1]) };
    case 'span_extraction': { // Linear(H, 2) on every token, no dropout: [B, S, 2] -> two [B, S]
      const [s, e] = g.split(linear(k, enc.hidden, `${p}.qa_outputs`), [1, 1], { axis: -1 });
      return { start_logits: g.squeeze(s!, [-1]), end_logits: g.squeeze(e!, [-1]) };
    }
    case 'masked_lm': { // cls.predictions on the masked rows: dense + gelu + LayerNorm, decoder tied to the word embeddings + bias
      const positions = inputs.masked_positions;
      if (!positions) throw new Error(`head '${h.name}': masked_lm needs its masked_positions input`);
      const rows = g.gather(g.reshape(enc.hidden, [-1, k.cfg.hiddenSize]), positions, { axis: 0 }); // [M, H]
      const t = layerNorm(k, g.gelu(linear(k, rows, `${p}.transform.dense`)), `${p}.transform.LayerNorm`);
      const wordT = g.transpose(k.p('embeddings.word_embeddings.weight'), { perm: [1, 0] }); // [H, V]
      return { logits: g.add(g.matMul(t, wordT), k.p(`${p}.bias`)) }; // [M, V]
    }
    case 'generation': { // Transformer decoder over the shifted target, cross-attending to every encoder position
      const { decoder_input_ids: ids, decoder_attention_mask: mask, attention_mask: encMask } = inputs;
      if (!ids || !mask || !encMask) throw new Error(`head '${h.name}': generation needs decoder_input_ids, decoder_attention_mask and attention_mask`);
      const d = decoderOf(k, h);
      return { logits: lmLogits(d, decoderForward(d, ids, mask, enc.hidden, encMask)) }; // [B, T, V]
    }
  }
}

/** The head's loss (a float32 scalar) from its outputs and label tensors. */
export function headLoss(k: Ctx, h: HeadSpec, out: HeadOutputs, labels: Record<string, Value>, seq: Dim): Value {
  const { g } = k;
  switch (h.kind) {
    case 'sequence_classification': // CE, mean over rows
      return g.softmaxCrossEntropyLoss(out.logits!, labels.labels!, { reduction: 'mean' });
    case 'token_classification': { // CE over tokens whose label is not -100
      const C = out.logits!.shape[2]!;
      const flat = g.reshape(out.logits!, [-1, C]); // [B*S, C]
      return g.softmaxCrossEntropyLoss(flat, g.reshape(labels.labels!, [-1]), { ignoreIndex: IGNORE_INDEX, reduction: 'mean' });
    }
    case 'masked_lm': // CE over the masked rows (a label of -100 pads a batch with no masked token)
      return g.softmaxCrossEntropyLoss(out.logits!, labels.labels!, { ignoreIndex: IGNORE_INDEX, reduction: 'mean' });
    case 'generation': { // teacher-forced token CE over non-padding targets, optionally label-smoothed
      const V = out.logits!.shape[2]!;
      const flat = g.reshape(out.logits!, [-1, V]); // [B*T, V]
      return smoothedCrossEntropy(k, flat, g.reshape(labels.labels!, [-1]), h.labelSmoothing ?? 0, IGNORE_INDEX);
    }
    case 'regression': { // mean over rows of (pred - label)^2
      const d = g.sub(out.predictions!, labels.labels!);
      return g.reduceMean(g.mul(d, d), [0], { keepdims: false });
    }
    case 'span_extraction': { // HF: positions clamped to [0, S], S ignored, separate means, softmax over all S positions
      // A symbolic seq has no static ignore index: positions must then lie in [0, S) (Chorus's encoder guarantees it,
      // mapping unanswerable windows to [CLS] = 0) or be -100 to skip the row.
      const ce = typeof seq === 'number'
        ? (logits: Value, pos: Value) => g.softmaxCrossEntropyLoss(logits, g.max(g.min(pos, g.scalar(seq, 'int64')), g.scalar(0, 'int64')), { ignoreIndex: seq, reduction: 'mean' })
        : (logits: Value, pos: Value) => g.softmaxCrossEntropyLoss(logits, pos, { ignoreIndex: IGNORE_INDEX, reduction: 'mean' });
      const sum = g.add(ce(out.start_logits!, labels.start_positions!), ce(out.end_logits!, labels.end_positions!));
      return g.div(sum, g.scalar(2));
    }
  }
}
