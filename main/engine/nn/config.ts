// BERT model config (Hugging Face BertConfig keys) with defaults, and the task heads a model carries.

export interface BertConfig {
  vocabSize: number;
  hiddenSize: number;
  numHiddenLayers: number;
  numAttentionHeads: number;
  intermediateSize: number;
  maxPositionEmbeddings: number;
  typeVocabSize: number;
  layerNormEps: number;
  padTokenId: number;
  hiddenDropoutProb: number;
  attentionProbsDropoutProb: number;
  /** Only the exact erf form is supported (PyTorch's F.gelu default). */
  hiddenAct: 'gelu';
}

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
  const act = json.hidden_act ?? 'gelu';
  if (act !== 'gelu') throw new Error(`config.json: hidden_act '${String(act)}' is not supported (only 'gelu', the exact erf form)`);
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
    hiddenAct: 'gelu',
  };
  if (c.hiddenSize % c.numAttentionHeads !== 0)
    throw new Error(`config.json: hidden_size ${c.hiddenSize} is not a multiple of num_attention_heads ${c.numAttentionHeads}`);
  return c;
}

export type HeadKind = 'sequence_classification' | 'token_classification' | 'regression' | 'span_extraction' | 'masked_lm';
export const HEAD_KINDS: readonly HeadKind[] = ['sequence_classification', 'token_classification', 'regression', 'span_extraction', 'masked_lm'];

export interface HeadSpec {
  name: string;
  kind: HeadKind;
  /** Classes, for the two classification kinds. */
  numLabels?: number;
}

/** Parameter names and shapes of the encoder (HF BertModel names without the `bert.` prefix). */
export function encoderParamShapes(c: BertConfig): [string, number[]][] {
  const H = c.hiddenSize, I = c.intermediateSize;
  const out: [string, number[]][] = [
    ['embeddings.word_embeddings.weight', [c.vocabSize, H]],
    ['embeddings.position_embeddings.weight', [c.maxPositionEmbeddings, H]],
    ['embeddings.token_type_embeddings.weight', [c.typeVocabSize, H]],
    ['embeddings.LayerNorm.weight', [H]],
    ['embeddings.LayerNorm.bias', [H]],
  ];
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
  const H = c.hiddenSize, p = `heads.${h.name}`;
  switch (h.kind) {
    case 'sequence_classification':
    case 'token_classification': {
      if (!h.numLabels || h.numLabels < 1) throw new Error(`head '${h.name}': ${h.kind} needs numLabels >= 1`);
      return [[`${p}.classifier.weight`, [h.numLabels, H]], [`${p}.classifier.bias`, [h.numLabels]]];
    }
    case 'regression': return [[`${p}.classifier.weight`, [1, H]], [`${p}.classifier.bias`, [1]]];
    case 'span_extraction': return [[`${p}.qa_outputs.weight`, [2, H]], [`${p}.qa_outputs.bias`, [2]]];
    case 'masked_lm': // BERT cls.predictions: transform (dense + gelu + LayerNorm), decoder tied to word embeddings, own bias
      return [
        [`${p}.transform.dense.weight`, [H, H]], [`${p}.transform.dense.bias`, [H]],
        [`${p}.transform.LayerNorm.weight`, [H]], [`${p}.transform.LayerNorm.bias`, [H]],
        [`${p}.bias`, [c.vocabSize]],
      ];
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
