// End to end: a tiny encoder + decoder trained with TrainSession to reverse random token sequences, then decoded
// with ONNX Runtime. Only a correct decoder gets there: with a causal-mask leak training reads the answer from the
// decoder input and greedy decoding fails; a wrong cache, position or cross-attention mask breaks decoding too.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bertConfigFromHf } from '../../../main/engine/nn';
import { TrainSession, type ModelSpec } from '../../../main/engine/train';
import { decoderBatch, Generator, mulberry32 } from '../../../main/engine/generate';
import { initParams, sources } from './helpers';

const BOS = 2, EOS = 3, FIRST = 5, WORDS = 10, STEPS = 500, BATCH = 32, LR = 2e-3;
const config = bertConfigFromHf({ vocab_size: FIRST + WORDS, hidden_size: 64, num_hidden_layers: 2, num_attention_heads: 4, intermediate_size: 128, max_position_embeddings: 16, hidden_dropout_prob: 0, attention_probs_dropout_prob: 0 });
const spec: ModelSpec = { config, heads: [{ name: 'reverse', kind: 'generation', decoder: { layers: 2, heads: 4, intermediate: 128, maxLength: 12 } }] };

const rand = mulberry32(2024);
/** 3 to 8 random words. */
const words = (): number[] => Array.from({ length: 3 + Math.floor(rand() * 6) }, () => FIRST + Math.floor(rand() * WORDS));
const encode = (ws: number[][]) => sources(ws.map((w) => [BOS, ...w, EOS])); // [CLS] words [SEP], padded
const exact = (got: number[][], ws: number[][]) => got.filter((t, i) => t.join() === [...ws[i]!].reverse().join()).length / ws.length;

test('a decoder trained on reversing random sequences reverses held-out ones (greedy and beam, with and without cache)', async () => {
  // init std 0.1 rather than BERT's 0.02: attention starts far enough from uniform to find the alignment at once
  const session = await TrainSession.create(spec, initParams(spec, 5, 0.1), { betas: [0.9, 0.98], eps: 1e-8, weightDecay: 0.01, clipGradNorm: 1, threads: 2 });
  let loss = Infinity;
  for (let k = 1; k <= STEPS; k++) {
    const ws = Array.from({ length: BATCH }, words);
    const lr = LR * Math.min(1, k / 50, (STEPS - k + 1) / (STEPS / 2)); // warm up, hold, decay linearly over the second half
    loss = (await session.trainStep([{ ...encode(ws), ...decoderBatch(ws.map((w) => [...w].reverse()), { bosId: BOS, eosId: EOS }) }], [1], lr)).loss;
  }
  const params = session.params.slice();
  await session.release();
  assert.ok(loss < 0.05, `training loss ${loss}`);

  const held = Array.from({ length: 200 }, words);
  const gen = await Generator.create(spec, 'reverse', { threads: 2 });
  try {
    const o = { bosId: BOS, eosId: EOS, maxLength: 11 };
    const greedy = await gen.generate(params, encode(held), o);
    const beam = await gen.generate(params, encode(held), { ...o, strategy: 'beam', numBeams: 4 });
    console.log(`training loss ${loss.toFixed(4)}, exact-sequence accuracy: greedy ${exact(greedy.tokens, held)}, beam ${exact(beam.tokens, held)}`);
    assert.ok(exact(greedy.tokens, held) >= 0.95, `greedy accuracy ${exact(greedy.tokens, held)}`);
    assert.ok(exact(beam.tokens, held) >= 0.95, `beam accuracy ${exact(beam.tokens, held)}`);
    assert.ok(greedy.finished.every(Boolean));
    const few = held.slice(0, 40);
    assert.deepEqual((await gen.generate(params, encode(few), { ...o, useCache: false })).tokens, greedy.tokens.slice(0, 40), 'greedy: cache and no cache agree');
    assert.deepEqual((await gen.generate(params, encode(few), { ...o, strategy: 'beam', numBeams: 4, useCache: false })).tokens, beam.tokens.slice(0, 40), 'beam: cache and no cache agree');
  } finally {
    await gen.release();
  }
});
