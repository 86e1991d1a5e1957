// The three inference graphs of a generation head: the encoder (run once per input), the cached decoder step (new
// token(s) + past keys/values -> log-probabilities of the next token + present keys/values), and the uncached
// decoder (the whole prefix every step: the reference the cache is checked against). Weights are baked in as
// constants, or fed per run as views of the flat buffer (WeightSource): never sliced out of it in the graph.
import { Graph, type Value } from '../graph';
import { bertEncoder, crossKV, decoderConfigOf, decoderEmbeddings, decoderForward, decoderLayer, decoderOf, lmLogits, maskBias, type Ctx, type Dec, type DecoderConfig, type KV } from '../nn';
import type { FlatLayout } from '../optim';
import { layoutFor, type ModelSpec, type TaskHead } from '../train';

/** The generation head `name` of a model spec (throws naming the heads when there is none). */
export function generationHead(spec: ModelSpec, name: string): TaskHead {
  const h = spec.heads.find((x) => x.name === name);
  if (!h) throw new Error(`generation: the model has no head '${name}' (heads: ${spec.heads.map((x) => x.name).join(', ')})`);
  if (h.kind !== 'generation') throw new Error(`generation: head '${name}' is a ${h.kind} head, not a generation head`);
  return h;
}

/** Suffix of the graph input that holds a weight transposed ([in, out]); see paramCtx. */
export const TRANSPOSED = '.T';

/** Linear weights [out, in] (not embedding tables): what the fed decoder graphs read transposed. */
const isLinearWeight = (name: string, shape: number[]) => shape.length === 2 && name.endsWith('.weight') && !name.includes('embeddings.');

/**
 * Where a graph's parameters come from. `baked`: constants (initializers) copied from the flat buffer: ORT
 * pre-packs every weight matrix once, so a step streams them as they are; the graphs must be rebuilt when the
 * weights change. `fed`: graph inputs, one per tensor, fed as views of the flat buffer on every run; in the
 * decoder graphs a linear weight W comes as an input `<name>.T` holding Wᵀ, handed out as Transpose(Wᵀ), which ORT
 * cancels against linear()'s own Transpose (a MatMul over a transposed non-constant weight repacks it on every
 * run, and for one new token per row that costs more than the product).
 */
export type WeightSource = { kind: 'baked'; weights: Float32Array } | { kind: 'fed' };

/** A Ctx whose parameters come from `src`, declared on first use. */
function paramCtx(g: Graph, spec: ModelSpec, layout: FlatLayout, src: WeightSource, transposed: boolean): Ctx {
  const made = new Map<string, Value>();
  return {
    g, cfg: spec.config, training: false,
    p: (n) => {
      let v = made.get(n);
      if (v) return v;
      const shape = layout.entry(n).shape;
      if (src.kind === 'baked') v = g.constant(layout.view(src.weights, n), 'float32', shape); // a view: emission copies it
      else if (transposed && isLinearWeight(n, shape)) v = g.transpose(g.input(`${n}${TRANSPOSED}`, 'float32', [shape[1]!, shape[0]!]), { perm: [1, 0] });
      else v = g.input(n, 'float32', shape);
      made.set(n, v);
      return v;
    },
  };
}

const BIG = 2 ** 62;

/**
 * Log-probabilities of the next token from the last position of hidden [N, T, D] -> [N, V]. `projectAll`: project
 * every position to the vocabulary first, as a forward pass over the whole target does, then keep the last.
 */
function nextTokenLogProbs(d: Dec, hidden: Value, src: WeightSource, projectAll = false): Value {
  const { g } = d.k;
  const last = (x: Value) => g.squeeze(g.slice(x, [-1], [BIG], [1]), [1]); // [N, T, X] -> [N, X]
  // fed weights: the tied projection's [D, V] comes transposed as well
  const wordT = src.kind === 'fed' ? g.input(`embeddings.word_embeddings.weight${TRANSPOSED}`, 'float32', [d.dc.hidden, d.k.cfg.vocabSize]) : undefined;
  const logits = projectAll ? last(lmLogits(d, hidden, wordT)) : lmLogits(d, last(hidden), wordT); // [N, V]
  return g.logSoftmax(logits, { axis: -1 });
}

export interface GenerationGraphOptions {
  /**
   * What the uncached decoder projects to the vocabulary: `all` positions (default; the training forward, and what
   * Hugging Face computes without a cache) or only the `last` one (the cheapest decoding without a cache).
   */
  uncachedLogits?: 'all' | 'last';
}

export interface GenerationGraphs {
  layout: FlatLayout;
  decoder: DecoderConfig;
  /**
   * input_ids, attention_mask, token_type_ids [B, S] -> hidden [B, S, H], cross_bias [B, 1, 1, S] (the padding
   * bias), cross.{i}.key / cross.{i}.value [B, heads, S, headDim].
   */
  encoder: Graph;
  /**
   * input_ids [N, 1] (each row's newest token), cross_bias [N, 1, 1, S], cross.{i}.key/value [N, heads, S, headDim],
   * past.{i}.key/value [N, heads, P, headDim] (P = 0 at the start; rows already in this step's beam order) ->
   * logprobs [N, V] of the next token, present.{i}.key/value [N, heads, P + 1, headDim]. One new token sees every
   * cached position, so the step needs no causal mask.
   * Fed weights: linear weights come transposed (`<name>.T`, see paramCtx), and so does the word table.
   */
  step: Graph;
  /**
   * hidden [N, S, H], attention_mask [N, S], decoder_input_ids [N, T] (the whole prefix) -> logprobs [N, V]: the
   * decoder of the training graph re-run over the prefix, cross-attention keys/values recomputed too. Built on
   * first use (baked weights: from the buffer given then, so keep it unchanged).
   */
  readonly full: Graph;
}

export function buildGenerationGraphs(spec: ModelSpec, headName: string, src: WeightSource = { kind: 'fed' }, o: GenerationGraphOptions = {}): GenerationGraphs {
  const head = generationHead(spec, headName);
  const layout = layoutFor(spec);
  const dc = decoderConfigOf(spec.config, head);
  const A = dc.heads, Dh = dc.hidden / dc.heads;

  const encoder = new Graph('chorus_generate_encoder');
  {
    const k = paramCtx(encoder, spec, layout, src, false);
    const ids = encoder.input('input_ids', 'int64', ['batch', 'src']);
    const mask = encoder.input('attention_mask', 'int64', ['batch', 'src']);
    const tt = encoder.input('token_type_ids', 'int64', ['batch', 'src']);
    const hidden = bertEncoder(k, ids, mask, tt, 'batch', 'src').hidden;
    encoder.output(hidden, 'hidden');
    encoder.output(maskBias(k, mask), 'cross_bias');
    const d = decoderOf(k, head);
    for (let i = 0; i < dc.layers; i++) {
      const kv = crossKV(d, hidden, i);
      encoder.output(kv.key, `cross.${i}.key`);
      encoder.output(kv.value, `cross.${i}.value`);
    }
  }

  const step = new Graph('chorus_generate_step');
  {
    const g = step;
    const k = paramCtx(g, spec, layout, src, true);
    const d = decoderOf(k, head);
    const ids = g.input('input_ids', 'int64', ['rows', 1]);
    const crossBias = g.input('cross_bias', 'float32', ['rows', 1, 1, 'src']);
    const cross: KV[] = [], past: KV[] = [];
    for (let i = 0; i < dc.layers; i++) {
      cross.push({ key: g.input(`cross.${i}.key`, 'float32', ['rows', A, 'src', Dh]), value: g.input(`cross.${i}.value`, 'float32', ['rows', A, 'src', Dh]) });
      past.push({ key: g.input(`past.${i}.key`, 'float32', ['rows', A, 'past', Dh]), value: g.input(`past.${i}.value`, 'float32', ['rows', A, 'past', Dh]) });
    }
    const start = g.squeeze(g.slice(g.shape(past[0]!.key), [2], [3], [0]), [0]); // P, [] int64
    let h = decoderEmbeddings(d, ids, g.unsqueeze(start, [0])); // position P
    for (let i = 0; i < dc.layers; i++) {
      const r = decoderLayer(d, h, i, { selfBias: null, crossBias, cross: cross[i]!, past: past[i]! });
      h = r.out;
      g.output(r.present.key, `present.${i}.key`);
      g.output(r.present.value, `present.${i}.value`);
    }
    g.output(nextTokenLogProbs(d, h, src), 'logprobs');
  }

  const buildFull = (): Graph => {
    const g = new Graph('chorus_generate_full');
    const k = paramCtx(g, spec, layout, src, true);
    const d = decoderOf(k, head);
    const hidden = g.input('hidden', 'float32', ['rows', 'src', spec.config.hiddenSize]);
    const encMask = g.input('attention_mask', 'int64', ['rows', 'src']);
    const ids = g.input('decoder_input_ids', 'int64', ['rows', 'tgt']);
    g.output(nextTokenLogProbs(d, decoderForward(d, ids, null, hidden, encMask), src, (o.uncachedLogits ?? 'all') === 'all'), 'logprobs');
    return g;
  };
  let full: Graph | null = null;
  return { layout, decoder: dc, encoder, step, get full() { return (full ??= buildFull()); } };
}
