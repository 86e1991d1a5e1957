// Decoding with the key/value cache gives the same tokens as re-running the decoder over the whole prefix, for
// greedy, beam and sampling; and the tokens are what the training graph's teacher-forced logits pick.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bertConfigFromHf } from '../../../main/engine/nn';
import { ForwardSession, layoutFor, type ModelSpec } from '../../../main/engine/train';
import { decoderBatch, Generator, type GenerateOptions } from '../../../main/engine/generate';
import { initParams, i64, sources } from './helpers';

const BOS = 2, EOS = 3;
const config = bertConfigFromHf({ vocab_size: 30, hidden_size: 16, num_hidden_layers: 1, num_attention_heads: 2, intermediate_size: 32, max_position_embeddings: 16, hidden_dropout_prob: 0, attention_probs_dropout_prob: 0 });
const spec: ModelSpec = { config, heads: [{ name: 'gen', kind: 'generation', decoder: { layers: 2, heads: 4, intermediate: 24, maxLength: 12 } }] };
const params = initParams(spec, 2, 0.25); // larger weights than training starts from: peaked, well-separated next-token distributions
layoutFor(spec).view(params, 'heads.gen.lm_head.bias')[EOS] = 1.5; // some outputs end early, others run to maxLength
const src = sources([[2, 9, 14, 7, 21, 3], [2, 5, 3], [2, 11, 11, 28, 3], [2, 17, 6, 3]]);

let gen: Generator;
test.before(async () => { gen = await Generator.create(spec, 'gen', { threads: 1 }); });
test.after(() => gen.release());

const cases: [string, Omit<GenerateOptions, 'bosId' | 'eosId'>][] = [
  ['greedy', { strategy: 'greedy', maxLength: 11 }],
  ['greedy with no-repeat bigrams and a minimum length', { strategy: 'greedy', maxLength: 11, noRepeatNgramSize: 2, minLength: 3 }],
  ['beam search (3 beams, length penalty 2, minimum length 2)', { strategy: 'beam', numBeams: 3, lengthPenalty: 2, minLength: 2, maxLength: 11 }],
  ['beam search (4 beams, no-repeat trigrams, HF early-stopping heuristic)', { strategy: 'beam', numBeams: 4, noRepeatNgramSize: 3, earlyStopping: false, maxLength: 11 }],
  ['sampling (temperature 0.8, top-p 0.9, seeded)', { strategy: 'sample', temperature: 0.8, topP: 0.9, seed: 5, maxLength: 11 }],
];

for (const [name, o] of cases) {
  test(`${name}: the KV cache gives exactly the tokens of re-running the whole prefix`, async () => {
    const cached = await gen.generate(params, src, { ...o, bosId: BOS, eosId: EOS });
    const full = await gen.generate(params, src, { ...o, bosId: BOS, eosId: EOS, useCache: false });
    assert.deepEqual(cached.tokens, full.tokens);
    assert.deepEqual(cached.finished, full.finished);
    cached.scores.forEach((s, i) => assert.ok(Math.abs(s - full.scores[i]!) < 1e-4, `score ${s} vs ${full.scores[i]}`));
    assert.equal(cached.tokens.length, 4);
    assert.ok(cached.tokens.some((t) => t.length > 3), 'some outputs are longer than three tokens');
  });
}

test('greedy tokens are the argmax of the training graph\'s teacher-forced logits', async () => {
  const r = await gen.generate(params, src, { bosId: BOS, eosId: EOS, maxLength: 11 });
  assert.ok(r.finished.some(Boolean) || r.tokens.every((t) => t.length === 11));
  const fwd = await ForwardSession.create(spec, { threads: 1 });
  const targets = r.tokens;
  const out = await fwd.run(params, [{ ...src, ...decoderBatch(targets, { bosId: BOS, eosId: EOS }) }]);
  await fwd.release();
  const logits = out['gen.logits']!;
  const [, T, V] = logits.dims as [number, number, number];
  const data = logits.data as Float32Array;
  targets.forEach((t, b) => {
    const want = r.finished[b] ? [...t, EOS] : t;
    want.forEach((tok, j) => {
      const row = data.subarray((b * T + j) * V, (b * T + j + 1) * V);
      let best = 0;
      for (let c = 1; c < V; c++) if (row[c]! > row[best]!) best = c;
      assert.equal(best, tok, `row ${b} position ${j}`);
    });
  });
});

test('weights baked into the sessions decode exactly as weights fed per run (greedy and beam, cached and not)', async () => {
  const baked = await Generator.create(spec, 'gen', { threads: 1, weights: params });
  try {
    assert.equal(baked.baked, true);
    for (const o of [{ maxLength: 11 }, { strategy: 'beam' as const, numBeams: 3, maxLength: 11 }]) {
      const fed = await gen.generate(params, src, { ...o, bosId: BOS, eosId: EOS });
      assert.deepEqual((await baked.generate(null, src, { ...o, bosId: BOS, eosId: EOS })).tokens, fed.tokens);
      assert.deepEqual((await baked.generate(null, src, { ...o, bosId: BOS, eosId: EOS, useCache: false })).tokens, fed.tokens);
    }
    assert.deepEqual((await gen.generate(gen.prepare(params), src, { bosId: BOS, eosId: EOS })).tokens, (await gen.generate(params, src, { bosId: BOS, eosId: EOS })).tokens, 'prepared parameters');
    await assert.rejects(baked.generate(new Float32Array(params), src, { bosId: BOS, eosId: EOS }), /baked in/);
    await assert.rejects(gen.generate(null, src, { bosId: BOS, eosId: EOS }), /pass the parameters/);
  } finally {
    await baked.release();
  }
});

test('beam search with one beam is greedy search', async () => {
  const greedy = await gen.generate(params, src, { bosId: BOS, eosId: EOS, maxLength: 11 });
  const beam = await gen.generate(params, src, { strategy: 'beam', numBeams: 1, bosId: BOS, eosId: EOS, maxLength: 11 });
  assert.deepEqual(beam.tokens, greedy.tokens);
});

test('a bad head name or parameter count is an error naming it', async () => {
  await assert.rejects(Generator.create(spec, 'nope'), /no head 'nope'/);
  await assert.rejects(gen.generate(new Float32Array(3), src, { bosId: BOS, eosId: EOS }), /3 parameters given/);
  assert.ok(i64([1], [1]));
});
