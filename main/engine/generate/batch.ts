// The decoder tensors of a generation head's training batch, from target token ids.
import * as ort from 'onnxruntime-node';
import { IGNORE_INDEX } from '../nn';

export interface DecoderBatchOptions {
  /** Decoder start token (put first in decoder_input_ids). */
  bosId: number;
  /** End token (the label after the last target token). */
  eosId: number;
  /** Fills decoder_input_ids past a row's end (default 0). */
  padId?: number;
  /** Longest decoder row, start token included: targets are cut to maxLength - 1 tokens (the decoder's maxLength). */
  maxLength?: number;
  /** Pad T up to a multiple of this (default 1). */
  multipleOf?: number;
}

/** Plain arrays, row-major [rows, length]. */
export interface DecoderArrays { rows: number; length: number; decoderInputIds: number[]; decoderAttentionMask: number[]; labels: number[] }

/**
 * Teacher forcing with the target shifted right: for target t1..tn (no special tokens),
 * decoder_input_ids = [BOS, t1, …, tn], labels = [t1, …, tn, EOS], decoder_attention_mask 1 on those n + 1
 * positions; rows are padded to the longest (pad id in the inputs, 0 in the mask, -100 in the labels).
 */
export function decoderArrays(targets: number[][], o: DecoderBatchOptions): DecoderArrays {
  const cut = o.maxLength === undefined ? targets : targets.map((t) => t.slice(0, Math.max(0, o.maxLength! - 1)));
  const m = o.multipleOf ?? 1;
  const length = Math.ceil(Math.max(1, ...cut.map((t) => t.length + 1)) / m) * m;
  const n = cut.length * length;
  const out: DecoderArrays = {
    rows: cut.length, length,
    decoderInputIds: new Array<number>(n).fill(o.padId ?? 0), decoderAttentionMask: new Array<number>(n).fill(0), labels: new Array<number>(n).fill(IGNORE_INDEX),
  };
  cut.forEach((t, r) => {
    const at = r * length;
    out.decoderInputIds[at] = o.bosId;
    t.forEach((tok, j) => { out.decoderInputIds[at + j + 1] = tok; out.labels[at + j] = tok; });
    out.labels[at + t.length] = o.eosId;
    out.decoderAttentionMask.fill(1, at, at + t.length + 1);
  });
  return out;
}

/** The same as int64 ORT tensors [rows, T], keyed by the head's graph input names. */
export function decoderBatch(targets: number[][], o: DecoderBatchOptions): { decoder_input_ids: ort.Tensor; decoder_attention_mask: ort.Tensor; labels: ort.Tensor } {
  const a = decoderArrays(targets, o);
  const t = (v: number[]) => new ort.Tensor('int64', BigInt64Array.from(v, (x) => BigInt(x)), [a.rows, a.length]);
  return { decoder_input_ids: t(a.decoderInputIds), decoder_attention_mask: t(a.decoderAttentionMask), labels: t(a.labels) };
}
