// The Hugging Face encoder families Chorus imports, each as: how its config.json becomes a BertConfig, how a
// Chorus (BERT) parameter name is spelled in its checkpoints, and where its masked-LM head lives.
import { BERT_DEFAULTS, bertConfigFromHf, checkBertConfig, hiddenActFromHf, type BertConfig } from '../nn';

export type HfArchitecture = 'bert' | 'distilbert' | 'roberta' | 'electra';
export const HF_ARCHITECTURES: readonly HfArchitecture[] = ['bert', 'distilbert', 'roberta', 'electra'];

/** Where a masked-LM head's tensors sit in a checkpoint, keyed by Chorus's name inside `heads.<name>.`. */
export interface MlmHeadNames {
  /** Chorus name → checkpoint names to try, first found wins. */
  tensors: Record<string, string[]>;
  /** The decoder weight, tied to the word embeddings in Chorus (a copy in the file is checked and ignored). */
  decoder: string;
  /** Whether the head's transform applies the config's activation (BERT, DistilBERT) rather than always GELU. */
  usesHiddenAct: boolean;
}

export interface ArchitectureSpec {
  /** Prefix of the encoder's names in task-model checkpoints (`bert.`); bare encoder checkpoints have none. */
  prefix: string;
  config(raw: Record<string, unknown>): BertConfig;
  /** The checkpoint's name (without prefix) of a Chorus encoder parameter; null when the family has none. */
  hfName(chorusName: string): string | null;
  mlm: MlmHeadNames | null;
}

/** `raw` with the family's defaults under it (HF fills keys that config.json leaves out from the config class). */
const withDefaults = (raw: Record<string, unknown>, d: Record<string, unknown>): Record<string, unknown> => ({ ...d, ...raw });

const lmHead = (p: string, dense: string, norm: string, bias: string[], decoder: string, usesHiddenAct: boolean): MlmHeadNames => ({
  tensors: {
    'transform.dense.weight': [`${p}${dense}.weight`], 'transform.dense.bias': [`${p}${dense}.bias`],
    'transform.LayerNorm.weight': [`${p}${norm}.weight`], 'transform.LayerNorm.bias': [`${p}${norm}.bias`],
    bias,
  },
  decoder,
  usesHiddenAct,
});

const bert: ArchitectureSpec = {
  prefix: 'bert.',
  config: (raw) => bertConfigFromHf(raw),
  hfName: (n) => n,
  mlm: lmHead('cls.predictions.', 'transform.dense', 'transform.LayerNorm', ['cls.predictions.bias', 'cls.predictions.decoder.bias'], 'cls.predictions.decoder.weight', true),
};

const roberta: ArchitectureSpec = {
  prefix: 'roberta.',
  config: (raw) => {
    const c = bertConfigFromHf(withDefaults(raw, { vocab_size: 50265, pad_token_id: 1 }));
    // HF numbers real tokens' positions from padding_idx + 1 (create_position_ids_from_input_ids)
    c.positionOffset = c.padTokenId + 1;
    checkBertConfig(c, 'config.json');
    return c;
  },
  hfName: (n) => n,
  mlm: lmHead('lm_head.', 'dense', 'layer_norm', ['lm_head.bias', 'lm_head.decoder.bias'], 'lm_head.decoder.weight', false),
};

const electra: ArchitectureSpec = {
  prefix: 'electra.',
  config: (raw) => bertConfigFromHf(withDefaults(raw, { embedding_size: 128, hidden_size: 256, num_attention_heads: 4, intermediate_size: 1024 })),
  hfName: (n) => (n.startsWith('pooler.') ? null : n),
  // the generator's head (ElectraForMaskedLM); a discriminator has discriminator_predictions.* instead, not imported
  mlm: lmHead('generator_predictions.', 'dense', 'LayerNorm', ['generator_lm_head.bias'], 'generator_lm_head.weight', false),
};

const DISTIL_LAYER: [RegExp, string][] = [
  [/^encoder\.layer\.(\d+)\.attention\.self\.query\./, 'transformer.layer.$1.attention.q_lin.'],
  [/^encoder\.layer\.(\d+)\.attention\.self\.key\./, 'transformer.layer.$1.attention.k_lin.'],
  [/^encoder\.layer\.(\d+)\.attention\.self\.value\./, 'transformer.layer.$1.attention.v_lin.'],
  [/^encoder\.layer\.(\d+)\.attention\.output\.dense\./, 'transformer.layer.$1.attention.out_lin.'],
  [/^encoder\.layer\.(\d+)\.attention\.output\.LayerNorm\./, 'transformer.layer.$1.sa_layer_norm.'],
  [/^encoder\.layer\.(\d+)\.intermediate\.dense\./, 'transformer.layer.$1.ffn.lin1.'],
  [/^encoder\.layer\.(\d+)\.output\.dense\./, 'transformer.layer.$1.ffn.lin2.'],
  [/^encoder\.layer\.(\d+)\.output\.LayerNorm\./, 'transformer.layer.$1.output_layer_norm.'],
];

const distilbert: ArchitectureSpec = {
  prefix: 'distilbert.',
  config: (json) => {
    const raw = withDefaults(json, { vocab_size: 30522, max_position_embeddings: 512, n_layers: 6, n_heads: 12, dim: 768, hidden_dim: 3072, dropout: 0.1, attention_dropout: 0.1, activation: 'gelu', pad_token_id: 0 });
    const num = (key: string): number => {
      const v = raw[key];
      if (typeof v !== 'number' || !Number.isFinite(v)) throw new Error(`config.json: ${key} must be a number, got ${JSON.stringify(v)}`);
      return v;
    };
    const c: BertConfig = {
      ...BERT_DEFAULTS,
      vocabSize: num('vocab_size'), hiddenSize: num('dim'), numHiddenLayers: num('n_layers'), numAttentionHeads: num('n_heads'),
      intermediateSize: num('hidden_dim'), maxPositionEmbeddings: num('max_position_embeddings'), typeVocabSize: 0,
      layerNormEps: 1e-12, padTokenId: num('pad_token_id'), hiddenDropoutProb: num('dropout'), attentionProbsDropoutProb: num('attention_dropout'),
      hiddenAct: hiddenActFromHf(raw.activation, 'activation'),
    };
    checkBertConfig(c, 'config.json');
    return c;
  },
  hfName: (n) => {
    if (n.startsWith('embeddings.')) return n.startsWith('embeddings.token_type_') ? null : n;
    if (n.startsWith('pooler.')) return null;
    for (const [re, to] of DISTIL_LAYER) if (re.test(n)) return n.replace(re, to);
    return null;
  },
  mlm: lmHead('', 'vocab_transform', 'vocab_layer_norm', ['vocab_projector.bias'], 'vocab_projector.weight', true),
};

export const ARCHITECTURES: Record<HfArchitecture, ArchitectureSpec> = { bert, distilbert, roberta, electra };

/** `model_type`, else the class name in `architectures[0]` (BertForMaskedLM → bert). */
export function architectureOf(raw: Record<string, unknown>, what: string): HfArchitecture {
  const supported = `supported: ${HF_ARCHITECTURES.join(', ')}; MiniLM and sentence-transformers BERT models are model_type 'bert'`;
  const mt = raw.model_type;
  if (typeof mt === 'string' && mt !== '') {
    if ((HF_ARCHITECTURES as readonly string[]).includes(mt)) return mt as HfArchitecture;
    throw new Error(`${what}: model_type '${mt}' is not supported (${supported})`);
  }
  const cls = Array.isArray(raw.architectures) ? raw.architectures[0] : undefined;
  if (typeof cls === 'string') {
    const m = /^(DistilBert|Roberta|Electra|Bert)(Model|For[A-Za-z]+)$/.exec(cls);
    if (m) return m[1]!.toLowerCase() as HfArchitecture;
    throw new Error(`${what}: architecture '${cls}' is not supported (${supported})`);
  }
  throw new Error(`${what}: neither model_type nor architectures says which model this is (${supported})`);
}
