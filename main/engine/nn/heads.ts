// Task heads and their losses, as in bert_mtl.py / Hugging Face.
import type { Dim, Value } from '../graph';
import type { HeadKind, HeadSpec } from './config';
import { dropout, layerNorm, linear, type Ctx, type EncoderOut } from './layers';

export const IGNORE_INDEX = -100;

/** Batch tensors a head reads beyond input_ids / attention_mask / token_type_ids. */
export const LABEL_TENSORS: Record<HeadKind, { name: string; dtype: 'int64' | 'float32'; perToken: boolean }[]> = {
  sequence_classification: [{ name: 'labels', dtype: 'int64', perToken: false }],
  token_classification: [{ name: 'labels', dtype: 'int64', perToken: true }],
  regression: [{ name: 'labels', dtype: 'float32', perToken: false }],
  span_extraction: [{ name: 'start_positions', dtype: 'int64', perToken: false }, { name: 'end_positions', dtype: 'int64', perToken: false }],
  masked_lm: [{ name: 'labels', dtype: 'int64', perToken: true }],
};

/** Named outputs of a head: logits [B,C] / [B,S,C], predictions [B], start_logits / end_logits [B,S]. */
export type HeadOutputs = Record<string, Value>;

export function headOutputs(k: Ctx, h: HeadSpec, enc: EncoderOut): HeadOutputs {
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
    case 'masked_lm': { // cls.predictions: dense + gelu + LayerNorm, then decoder tied to the word embeddings + bias
      const t = layerNorm(k, g.gelu(linear(k, enc.hidden, `${p}.transform.dense`)), `${p}.transform.LayerNorm`);
      const wordT = g.transpose(k.p('embeddings.word_embeddings.weight'), { perm: [1, 0] }); // [H, V]
      return { logits: g.add(g.matMul(t, wordT), k.p(`${p}.bias`)) }; // [B, S, V]
    }
  }
}

/** The head's loss (a float32 scalar) from its outputs and label tensors. */
export function headLoss(k: Ctx, h: HeadSpec, out: HeadOutputs, labels: Record<string, Value>, seq: Dim): Value {
  const { g } = k;
  switch (h.kind) {
    case 'sequence_classification': // CE, mean over rows
      return g.softmaxCrossEntropyLoss(out.logits!, labels.labels!, { reduction: 'mean' });
    case 'token_classification':
    case 'masked_lm': { // CE over tokens whose label is not -100
      const C = out.logits!.shape[2]!;
      const flat = g.reshape(out.logits!, [-1, C]); // [B*S, C]
      return g.softmaxCrossEntropyLoss(flat, g.reshape(labels.labels!, [-1]), { ignoreIndex: IGNORE_INDEX, reduction: 'mean' });
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
