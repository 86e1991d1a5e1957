// Gradient checks of the generation decoder's boxes, built by the same functions as the model (nn/decoder.ts),
// with every parameter a graph input: analytic gradients against finite differences, both run in ONNX Runtime.
// float32 where the box holds GELU or LayerNorm (ORT's CPU kernels have them only in float).
import { test } from 'node:test';
import type { Graph, Value } from '../../../main/engine/graph';
import {
  bertConfigFromHf, causalBias, crossKV, decoderEmbeddings, decoderForward, decoderLayer, decoderOf, decoderParamShapes, lmLogits, maskBias,
  positionsFrom, smoothedCrossEntropy, type Ctx, type HeadSpec,
} from '../../../main/engine/nn';
import { gradcheck, type CheckInput, type CheckSpec } from '../autodiff/check';

const cfg = bertConfigFromHf({ vocab_size: 7, hidden_size: 4, num_hidden_layers: 1, num_attention_heads: 2, intermediate_size: 6, max_position_embeddings: 8, hidden_dropout_prob: 0, attention_probs_dropout_prob: 0 });
const head: HeadSpec = { name: 'gen', kind: 'generation', decoder: { layers: 1, heads: 2, intermediate: 6, maxLength: 5 } };
const B = 2, S = 3, T = 3;
const ids = (values: number[], shape: (number | string)[], feed: number[]): CheckInput => ({ shape, feed, dtype: 'int64', values });
const ENC_MASK = ids([1, 1, 1, 1, 1, 0], ['batch', 'src'], [B, S]); // row 1: last source token is padding
const DEC_MASK = ids([1, 1, 1, 1, 1, 0], ['batch', 'tgt'], [B, T]);
const DEC_IDS = ids([2, 5, 4, 2, 6, 0], ['batch', 'tgt'], [B, T]);

/** Parameters of the head (plus the word table) as checked inputs; LayerNorm weights near 1. */
function paramInputs(names: (n: string) => boolean): { names: string[]; inputs: CheckInput[] } {
  const word: [string, number[]] = ['embeddings.word_embeddings.weight', [cfg.vocabSize, cfg.hiddenSize]];
  const shapes = [word, ...decoderParamShapes(cfg, head)].filter(([n]) => names(n));
  return { names: shapes.map(([n]) => n), inputs: shapes.map(([n, shape]) => ({ shape, values: n.includes('LayerNorm.weight') ? (u: number) => 1 + u / 4 : undefined })) };
}

/** A check whose first inputs are `lead`, followed by the named parameters; `build` gets a Ctx over them. */
function withParams(lead: CheckInput[], select: (n: string) => boolean, build: (k: Ctx, ...xs: Value[]) => Value): CheckSpec {
  const p = paramInputs(select);
  return {
    precision: 'float32',
    inputs: [...lead, ...p.inputs],
    build: (g: Graph, ...xs: Value[]) => {
      const byName = new Map(p.names.map((n, i) => [n, xs[lead.length + i]!]));
      const k: Ctx = { g, cfg, training: false, p: (n) => { const v = byName.get(n); if (!v) throw new Error(`no parameter ${n}`); return v; } };
      return build(k, ...xs.slice(0, lead.length));
    },
  };
}

const layer0 = (n: string) => n.includes('.layer.0.');
const x = { shape: ['batch', 'tgt', 4], feed: [B, T, 4] };
const enc = { shape: ['batch', 'src', 4], feed: [B, S, 4] };

const table: [string, CheckSpec][] = [
  ['decoder embeddings: tied word rows (repeated ids add up) + learned positions + LayerNorm', withParams([DEC_IDS], (n) => n.includes('embeddings'), (k, decIds) => {
    const d = decoderOf(k, head);
    return decoderEmbeddings(d, decIds!, positionsFrom(d, decIds!, null));
  })],
  ['causal self-attention + padding mask, cross-attention to a padded encoder, GELU FFN (one post-LN layer)', withParams([x, enc, DEC_MASK, ENC_MASK], layer0, (k, h, e, dm, em) => {
    const d = decoderOf(k, head);
    const pos = positionsFrom(d, dm!, null);
    const selfBias = k.g.add(k.g.unsqueeze(causalBias(d, pos, pos), [0, 1]), maskBias(k, dm!));
    return decoderLayer(d, h!, 0, { selfBias, crossBias: maskBias(k, em!), cross: crossKV(d, e!, 0) }).out;
  })],
  ['decoder layer over cached keys/values (past concatenated on the sequence axis)', withParams([{ shape: [B, 1, 4] }, enc, { shape: [B, 2, 2, 2] }, { shape: [B, 2, 2, 2] }, ENC_MASK], layer0, (k, h, e, pk, pv, em) => {
    const d = decoderOf(k, head);
    return decoderLayer(d, h!, 0, { selfBias: null, crossBias: maskBias(k, em!), cross: crossKV(d, e!, 0), past: { key: pk!, value: pv! } }).out;
  })],
  ['whole generation head: decoder + tied projection + label-smoothed CE with ignored padding', withParams([enc, DEC_IDS, DEC_MASK, ENC_MASK, ids([5, 4, 3, 6, 3, -100], ['batch', 'tgt'], [B, T])], () => true, (k, e, di, dm, em, labels) => {
    const d = decoderOf(k, head);
    const logits = lmLogits(d, decoderForward(d, di!, dm!, e!, em!)); // [B, T, V]
    return smoothedCrossEntropy(k, k.g.reshape(logits, [-1, cfg.vocabSize]), k.g.reshape(labels!, [-1]), 0.1, -100);
  })],
  ['label-smoothed cross-entropy (float64)', {
    inputs: [{ shape: ['n', 5], feed: [4, 5] }, ids([1, -100, 4, 0], ['n'], [4])],
    build: (g, logits, labels) => smoothedCrossEntropy({ g, cfg, training: false, p: () => { throw new Error('no parameters'); } }, logits!, labels!, 0.2, -100),
  }],
];

for (const [name, spec] of table) test(`gradient of ${name}`, () => gradcheck(spec));
