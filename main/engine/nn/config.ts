// BERT model config (Hugging Face BertConfig keys) with defaults, and the task heads a model carries.
// The same encoder also runs DistilBERT, RoBERTa and ELECTRA checkpoints (io/hf-import.ts maps their names):
// they differ only in the token-type table, the first position row, the embedding width and the activation.
import { decoderParamShapes, type DecoderConfig } from './decoder-config';

/** `gelu`: exact erf form; `gelu_tanh`: the tanh approximation (HF gelu_new / gelu_pytorch_tanh / gelu_fast). */
export type HiddenAct = 'gelu' | 'gelu_tanh' | 'relu';

/** Hugging Face `hidden_act` / `activation` names → the activation Chorus builds. */
export const HF_ACTIVATIONS: Record<string, HiddenAct> = {
  gelu: 'gelu', gelu_python: 'gelu', gelu_new: 'gelu_tanh', gelu_pytorch_tanh: 'gelu_tanh', gelu_fast: 'gelu_tanh', relu: 'relu',
};

export function hiddenActFromHf(name: unknown, key = 'hidden_act'): HiddenAct {
  const act = typeof name === 'string' ? HF_ACTIVATIONS[name] : undefined;
  if (!act) throw new Error(`config.json: ${key} '${String(name)}' is not supported (supported: ${Object.keys(HF_ACTIVATIONS).join(', ')})`);
  return act;
}

export interface BertConfig {
  vocabSize: number;
  hiddenSize: number;
  numHiddenLayers: number;
  numAttentionHeads: number;
  intermediateSize: number;
  maxPositionEmbeddings: number;
  /**
   * Rows of the token-type table. 2 (BERT): gathered by token_type_ids. 1 (RoBERTa): its one row is added to every
   * token and token_type_ids are ignored (what HF computes, since RoBERTa's ids are all 0). 0 (DistilBERT): no table.
   */
  typeVocabSize: number;
  layerNormEps: number;
  padTokenId: number;
  hiddenDropoutProb: number;
  attentionProbsDropoutProb: number;
  /** Activation of the feed-forward block; `gelu` is the exact erf form (PyTorch's F.gelu default). */
  hiddenAct: HiddenAct;
  /**
   * ELECTRA: width of the embedding tables and of the embedding LayerNorm, projected to hiddenSize by
   * `embeddings_project` (a parameter only when the two differ). Default hiddenSize.
   */
  embeddingSize?: number;
  /** Row of the position table used by position 0 (RoBERTa: pad_token_id + 1 = 2). Default 0. */
  positionOffset?: number;
}

/** Width of the embedding tables (ELECTRA's embedding_size, else hiddenSize). */
export const embeddingWidth = (c: BertConfig): number => c.embeddingSize ?? c.hiddenSize;

/** Longest sequence the position table covers (RoBERTa: 514 rows, offset 2 → 512 tokens). */
export const maxSequenceLength = (c: BertConfig): number => c.maxPositionEmbeddings - (c.positionOffset ?? 0);

/**
 * Whether token_type_ids reach the model. When false (RoBERTa, DistilBERT) the encoder ignores them; tokenizers
 * for such models give type 0 everywhere, as Hugging Face does.
 */
export const usesTokenTypes = (c: BertConfig): boolean => c.typeVocabSize >= 2;

export const BERT_DEFAULTS: BertConfig = {
  vocabSize: 30522, hiddenSize: 768, numHiddenLayers: 12, numAttentionHeads: 12, intermediateSize: 3072,
  maxPositionEmbeddings: 512, typeVocabSize: 2, layerNormEps: 1e-12, padTokenId: 0,
  hiddenDropoutProb: 0.1, attentionProbsDropoutProb: 0.1, hiddenAct: 'gelu',
};

/** Reads a Hugging Face config.json object; missing keys take BERT-base defaults. */
export function bertConfigFromHf(json: Record<string, unknown>): BertConfig {
  const num = (key: string, dflt: number): number => {
    const v = json[key];
    if (v === undefined) return dflt;
    if (typeof v !== 'number' || !Number.isFinite(v)) throw new Error(`config.json: ${key} must be a number, got ${JSON.stringify(v)}`);
    return v;
  };
  const hiddenAct = hiddenActFromHf(json.hidden_act ?? 'gelu');
  const pe = json.position_embedding_type ?? 'absolute';
  if (pe !== 'absolute') throw new Error(`config.json: position_embedding_type '${String(pe)}' is not supported (only 'absolute')`);
  const d = BERT_DEFAULTS;
  const c: BertConfig = {
    vocabSize: num('vocab_size', d.vocabSize),
    hiddenSize: num('hidden_size', d.hiddenSize),
    numHiddenLayers: num('num_hidden_layers', d.numHiddenLayers),
    numAttentionHeads: num('num_attention_heads', d.numAttentionHeads),
    intermediateSize: num('intermediate_size', d.intermediateSize),
    maxPositionEmbeddings: num('max_position_embeddings', d.maxPositionEmbeddings),
    typeVocabSize: num('type_vocab_size', d.typeVocabSize),
    layerNormEps: num('layer_norm_eps', d.layerNormEps),
    padTokenId: num('pad_token_id', d.padTokenId),
    hiddenDropoutProb: num('hidden_dropout_prob', d.hiddenDropoutProb),
    attentionProbsDropoutProb: num('attention_probs_dropout_prob', d.attentionProbsDropoutProb),
    hiddenAct,
  };
  const e = num('embedding_size', c.hiddenSize); // ELECTRA
  if (e !== c.hiddenSize) c.embeddingSize = e;
  checkBertConfig(c, 'config.json');
  return c;
}

/** Throws naming the first size that cannot build a model. */
export function checkBertConfig(c: BertConfig, what: string): void {
  const sizes: [string, number, number][] = [
    ['vocabSize', c.vocabSize, 1], ['hiddenSize', c.hiddenSize, 1], ['numHiddenLayers', c.numHiddenLayers, 1],
    ['numAttentionHeads', c.numAttentionHeads, 1], ['intermediateSize', c.intermediateSize, 1],
    ['maxPositionEmbeddings', c.maxPositionEmbeddings, 1], ['typeVocabSize', c.typeVocabSize, 0],
    ['embeddingSize', embeddingWidth(c), 1], ['positionOffset', c.positionOffset ?? 0, 0],
  ];
  for (const [name, v, min] of sizes) if (!Number.isInteger(v) || v < min) throw new Error(`${what}: ${name} must be an integer >= ${min}, got ${v}`);
  if (c.hiddenSize % c.numAttentionHeads !== 0)
    throw new Error(`${what}: hidden_size ${c.hiddenSize} is not a multiple of num_attention_heads ${c.numAttentionHeads}`);
  if (maxSequenceLength(c) < 1) throw new Error(`${what}: positionOffset ${c.positionOffset} leaves no position of the ${c.maxPositionEmbeddings}-row table`);
}

export type HeadKind = 'sequence_classification' | 'token_classification' | 'regression' | 'span_extraction' | 'masked_lm' | 'generation';
export const HEAD_KINDS: readonly HeadKind[] = ['sequence_classification', 'token_classification', 'regression', 'span_extraction', 'masked_lm', 'generation'];

export interface HeadSpec {
  name: string;
  kind: HeadKind;
  /** Classes, for the two classification kinds. */
  numLabels?: number;
  /** Generation only: decoder sizes (nn/decoder-config.ts; default 2 layers, the encoder's heads, 128 positions). */
  decoder?: Partial<DecoderConfig>;
  /** Generation only: label smoothing ε of the token cross-entropy (PyTorch's label_smoothing; default 0). */
  labelSmoothing?: number;
}

/**
 * Parameter names and shapes of the encoder (HF BertModel names without the `bert.` prefix; ELECTRA's
 * `embeddings_project` when embeddingSize differs from hiddenSize; no token-type table when typeVocabSize is 0).
 */
export function encoderParamShapes(c: BertConfig): [string, number[]][] {
  const H = c.hiddenSize, I = c.intermediateSize, E = embeddingWidth(c);
  const out: [string, number[]][] = [
    ['embeddings.word_embeddings.weight', [c.vocabSize, E]],
    ['embeddings.position_embeddings.weight', [c.maxPositionEmbeddings, E]],
  ];
  if (c.typeVocabSize > 0) out.push(['embeddings.token_type_embeddings.weight', [c.typeVocabSize, E]]);
  out.push(['embeddings.LayerNorm.weight', [E]], ['embeddings.LayerNorm.bias', [E]]);
  if (E !== H) out.push(['embeddings_project.weight', [H, E]], ['embeddings_project.bias', [H]]);
  for (let i = 0; i < c.numHiddenLayers; i++) {
    const p = `encoder.layer.${i}`;
    for (const n of ['query', 'key', 'value']) out.push([`${p}.attention.self.${n}.weight`, [H, H]], [`${p}.attention.self.${n}.bias`, [H]]);
    out.push(
      [`${p}.attention.output.dense.weight`, [H, H]], [`${p}.attention.output.dense.bias`, [H]],
      [`${p}.attention.output.LayerNorm.weight`, [H]], [`${p}.attention.output.LayerNorm.bias`, [H]],
      [`${p}.intermediate.dense.weight`, [I, H]], [`${p}.intermediate.dense.bias`, [I]],
      [`${p}.output.dense.weight`, [H, I]], [`${p}.output.dense.bias`, [H]],
      [`${p}.output.LayerNorm.weight`, [H]], [`${p}.output.LayerNorm.bias`, [H]],
    );
  }
  out.push(['pooler.dense.weight', [H, H]], ['pooler.dense.bias', [H]]);
  return out;
}

/** Parameter names and shapes of one head (`heads.<name>.*`). */
export function headParamShapes(c: BertConfig, h: HeadSpec): [string, number[]][] {
  const H = c.hiddenSize, E = embeddingWidth(c), p = `heads.${h.name}`;
  switch (h.kind) {
    case 'sequence_classification':
    case 'token_classification': {
      if (!h.numLabels || h.numLabels < 1) throw new Error(`head '${h.name}': ${h.kind} needs numLabels >= 1`);
      return [[`${p}.classifier.weight`, [h.numLabels, H]], [`${p}.classifier.bias`, [h.numLabels]]];
    }
    case 'regression': return [[`${p}.classifier.weight`, [1, H]], [`${p}.classifier.bias`, [1]]];
    case 'span_extraction': return [[`${p}.qa_outputs.weight`, [2, H]], [`${p}.qa_outputs.bias`, [2]]];
    case 'masked_lm': // BERT cls.predictions: transform (dense + gelu + LayerNorm), decoder tied to word embeddings, own bias
      // (ELECTRA's generator head maps H to the embedding width E, so the tied decoder fits)
      return [
        [`${p}.transform.dense.weight`, [E, H]], [`${p}.transform.dense.bias`, [E]],
        [`${p}.transform.LayerNorm.weight`, [E]], [`${p}.transform.LayerNorm.bias`, [E]],
        [`${p}.bias`, [c.vocabSize]],
      ];
    case 'generation': return decoderParamShapes(c, h); // Transformer decoder, tied to the word embeddings
  }
}

export function modelParamShapes(c: BertConfig, heads: HeadSpec[]): [string, number[]][] {
  return [...encoderParamShapes(c), ...heads.flatMap((h) => headParamShapes(c, h))];
}

/** HF convention: no weight decay on biases and LayerNorm weights. */
export function isNoDecay(name: string): boolean {
  return name.endsWith('.bias') || name.includes('LayerNorm.weight');
}

/** Embedding rows that never receive gradient (nn.Embedding(padding_idx=pad_token_id) in HF BERT). */
export function frozenRows(c: BertConfig): { name: string; row: number }[] {
  return [{ name: 'embeddings.word_embeddings.weight', row: c.padTokenId }];
}
