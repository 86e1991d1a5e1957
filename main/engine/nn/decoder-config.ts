// Sizes and parameter names of the generation head's Transformer decoder (nn/decoder.ts builds it).
// Only type imports from config.ts: config.ts imports this file for headParamShapes.
import type { BertConfig, HeadSpec } from './config';

/** Decoder sizes of a `generation` head; every field optional on the HeadSpec (see decoderConfigOf). */
export interface DecoderConfig {
  /** Decoder layers (default 2). */
  layers: number;
  /** Attention heads of self- and cross-attention (default: the encoder's, which must divide `hidden`). */
  heads: number;
  /**
   * Width of the decoder. Fixed by tying: the decoder reads the encoder's word-embedding table and projects back
   * through it, so it is the embedding width (BERT: hidden_size; ELECTRA: embedding_size). Given, it must match.
   */
  hidden: number;
  /** Feed-forward width (default: the encoder's intermediate_size when hidden equals it, else 4 * hidden). */
  intermediate: number;
  /** Rows of the learned decoder position table: the longest decoder input, start token included (default 128). */
  maxLength: number;
}

export const DECODER_DEFAULTS = { layers: 2, maxLength: 128 } as const;

/** The head's decoder sizes with defaults filled in; throws naming the head and the field that cannot work. */
export function decoderConfigOf(c: BertConfig, h: HeadSpec): DecoderConfig {
  const E = c.embeddingSize ?? c.hiddenSize;
  const d = h.decoder ?? {};
  const out: DecoderConfig = {
    layers: d.layers ?? DECODER_DEFAULTS.layers,
    heads: d.heads ?? c.numAttentionHeads,
    hidden: d.hidden ?? E,
    intermediate: d.intermediate ?? (E === c.hiddenSize ? c.intermediateSize : 4 * E),
    maxLength: d.maxLength ?? DECODER_DEFAULTS.maxLength,
  };
  const what = `head '${h.name}': decoder`;
  for (const k of ['layers', 'heads', 'hidden', 'intermediate', 'maxLength'] as const)
    if (!Number.isInteger(out[k]) || out[k] < 1) throw new Error(`${what}.${k} must be an integer >= 1, got ${out[k]}`);
  if (out.hidden !== E) throw new Error(`${what}.hidden ${out.hidden} must equal the encoder's embedding width ${E} (the decoder's embeddings and output projection are tied to the word embeddings)`);
  if (out.hidden % out.heads !== 0) throw new Error(`${what}.hidden ${out.hidden} is not a multiple of decoder.heads ${out.heads}`);
  const eps = h.labelSmoothing ?? 0;
  if (!(eps >= 0 && eps < 1)) throw new Error(`head '${h.name}': labelSmoothing must be in [0, 1), got ${eps}`);
  return out;
}

/**
 * Parameters of a generation head, `heads.<name>.*`: HF BertLayer names with cross-attention (the BERT2BERT
 * decoder layout: `crossattention.self.query` …), a learned position table and LayerNorm on the embeddings, and
 * the output bias of the tied projection. The word-embedding table itself is the encoder's.
 */
export function decoderParamShapes(c: BertConfig, h: HeadSpec): [string, number[]][] {
  const { layers, hidden: D, intermediate: I, maxLength } = decoderConfigOf(c, h);
  const H = c.hiddenSize; // encoder width: cross-attention keys and values read the encoder's hidden states
  const p = `heads.${h.name}`;
  const out: [string, number[]][] = [
    [`${p}.decoder.embeddings.position_embeddings.weight`, [maxLength, D]],
    [`${p}.decoder.embeddings.LayerNorm.weight`, [D]], [`${p}.decoder.embeddings.LayerNorm.bias`, [D]],
  ];
  for (let i = 0; i < layers; i++) {
    const l = `${p}.decoder.layer.${i}`;
    for (const n of ['query', 'key', 'value']) out.push([`${l}.attention.self.${n}.weight`, [D, D]], [`${l}.attention.self.${n}.bias`, [D]]);
    out.push([`${l}.attention.output.dense.weight`, [D, D]], [`${l}.attention.output.dense.bias`, [D]]);
    out.push([`${l}.attention.output.LayerNorm.weight`, [D]], [`${l}.attention.output.LayerNorm.bias`, [D]]);
    out.push([`${l}.crossattention.self.query.weight`, [D, D]], [`${l}.crossattention.self.query.bias`, [D]]);
    for (const n of ['key', 'value']) out.push([`${l}.crossattention.self.${n}.weight`, [D, H]], [`${l}.crossattention.self.${n}.bias`, [D]]);
    out.push([`${l}.crossattention.output.dense.weight`, [D, D]], [`${l}.crossattention.output.dense.bias`, [D]]);
    out.push([`${l}.crossattention.output.LayerNorm.weight`, [D]], [`${l}.crossattention.output.LayerNorm.bias`, [D]]);
    out.push(
      [`${l}.intermediate.dense.weight`, [I, D]], [`${l}.intermediate.dense.bias`, [I]],
      [`${l}.output.dense.weight`, [D, I]], [`${l}.output.dense.bias`, [D]],
      [`${l}.output.LayerNorm.weight`, [D]], [`${l}.output.LayerNorm.bias`, [D]],
    );
  }
  out.push([`${p}.lm_head.bias`, [c.vocabSize]]);
  return out;
}
