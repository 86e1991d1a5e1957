// Decoding strategies on a hand-written next-token distribution, and the decoder batch layout.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BeamSearch, bannedNgramTokens, decoderArrays, GreedySearch, sampleToken, type Search } from '../../../main/engine/generate';

const PAD = 0, BOS = 2, EOS = 3, A = 4, B = 5, V = 6;

/** A "model": next-token probabilities given the prefix (BOS first). Greedy takes A then A; the best pair is B, EOS. */
function model(prefix: number[]): number[] {
  const p = new Array<number>(V).fill(1e-6);
  const key = prefix.slice(1).join(',');
  const set = (probs: Record<number, number>) => { for (const [t, x] of Object.entries(probs)) p[Number(t)] = x; };
  if (key === '') set({ [A]: 0.6, [B]: 0.4 });
  else if (key === `${A}`) set({ [A]: 0.35, [B]: 0.35, [EOS]: 0.3 });
  else if (key === `${B}`) set({ [EOS]: 0.9, [A]: 0.05, [B]: 0.05 });
  else set({ [EOS]: 0.98, [A]: 0.01, [B]: 0.01 });
  return p.map(Math.log);
}

function run(search: Search): ReturnType<Search['result']> {
  while (!search.done) search.step(Float32Array.from(search.prefixes().flatMap(model)), V);
  return search.result();
}
const base = { bosId: BOS, eosId: EOS, padId: PAD, maxLength: 6 };

test('greedy takes the most likely token each step and stops at the end token', () => {
  const r = run(new GreedySearch(2, base));
  assert.deepEqual(r.tokens, [[A, A], [A, A]]);
  assert.deepEqual(r.finished, [true, true]);
  assert.ok(Math.abs(r.scores[0]! - Math.log(0.6 * 0.35 * 0.98)) < 1e-6);
  assert.deepEqual(run(new GreedySearch(1, { ...base, maxLength: 1 })).tokens, [[A]], 'cut at maxLength');
  assert.deepEqual(run(new GreedySearch(1, { ...base, maxLength: 1 })).finished, [false]);
});

test('beam search finds the better pair greedy misses; the length penalty decides between lengths (HF semantics)', () => {
  const r = run(new BeamSearch(1, { ...base, numBeams: 2 }));
  assert.deepEqual(r.tokens, [[B]]);
  assert.ok(Math.abs(r.scores[0]! - Math.log(0.4 * 0.9) / 2) < 1e-6, 'sum of log-probs / (1 + tokens)^1');
  const long = run(new BeamSearch(1, { ...base, numBeams: 2, lengthPenalty: 3 })); // ln(.36)/8 < ln(.2058)/27
  assert.deepEqual(long.tokens, [[A, A]]);
  assert.deepEqual(run(new BeamSearch(2, { ...base, numBeams: 1 })).tokens, run(new GreedySearch(2, base)).tokens, 'one beam is greedy');
});

test('minimum length bans the end token; no-repeat n-grams ban what would repeat one', () => {
  assert.deepEqual(run(new GreedySearch(1, { ...base, minLength: 3, maxLength: 3 })).tokens, [[A, A, A]]);
  assert.deepEqual(bannedNgramTokens([BOS, 5, 6, 5], 2), [6]);
  assert.deepEqual(bannedNgramTokens([BOS, 5, 6, 5, 6], 3), [5]);
  assert.deepEqual(bannedNgramTokens([BOS, 5], 3), []);
  assert.deepEqual(bannedNgramTokens([5, 5, 5], 2), [5, 5]);
  // after A A the bigram (A, A) may not repeat: greedy with minLength 3 then takes B
  assert.deepEqual(run(new GreedySearch(1, { ...base, minLength: 3, maxLength: 3, noRepeatNgramSize: 2 })).tokens, [[A, A, B]]);
});

test('sampling: temperature, top-k and top-p cut the distribution; a seed fixes the draws', () => {
  const row = Float64Array.from([0.5, 0.3, 0.2].map(Math.log));
  assert.equal(sampleToken(row, {}, 0.79), 1);
  assert.equal(sampleToken(row, {}, 0.81), 2);
  assert.equal(sampleToken(row, { topP: 0.6 }, 0.99), 1, 'top-p 0.6 keeps the two most likely tokens (0.5 + 0.3 >= 0.6)');
  assert.equal(sampleToken(row, { topP: 0.5 }, 0.99), 0, 'a token reaching p alone is kept alone');
  assert.equal(sampleToken(row, { topK: 1 }, 0.99), 0);
  assert.equal(sampleToken(row, { temperature: 0.01 }, 0.99), 0, 'a low temperature is nearly greedy');
  assert.equal(sampleToken(Float64Array.from([-Infinity, 0, -Infinity]), {}, 0.5), 1, 'banned tokens are never drawn');
  const draw = (seed: number) => run(new GreedySearch(8, base, { ...base, seed })).tokens;
  assert.deepEqual(draw(1), draw(1));
  assert.notDeepEqual(draw(1), draw(2));
});

test('decoder batch: start token then the shifted target; labels end with the end token; padding is -100', () => {
  const a = decoderArrays([[7, 8], [9]], { bosId: BOS, eosId: EOS });
  assert.deepEqual(a, {
    rows: 2, length: 3,
    decoderInputIds: [BOS, 7, 8, BOS, 9, 0], decoderAttentionMask: [1, 1, 1, 1, 1, 0], labels: [7, 8, EOS, 9, EOS, -100],
  });
  const cut = decoderArrays([[7, 8, 9]], { bosId: BOS, eosId: EOS, maxLength: 3, padId: 1, multipleOf: 4 });
  assert.deepEqual(cut.decoderInputIds, [BOS, 7, 8, 1]);
  assert.deepEqual(cut.labels, [7, 8, EOS, -100]);
});
