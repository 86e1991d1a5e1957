// Decoding speed of a generation head with and without the decoder's key/value cache: milliseconds per generated
// token for fixed-length outputs (the end token is banned until the last step), encoder run included, for weights
// baked into the sessions and weights fed per run (prepared once).
// Usage: npm run bench:generate -- [--threads N] [--tokens N] [--batch N] [--beams N] [--rounds N]
// Defaults: H 256, encoder 4 layers, decoder 2 layers, vocabulary 8000, 64-token sources and outputs, batch 1,
// greedy and 4-beam search, 2 threads, 5 rounds (min and median printed). Random weights: speed does not depend on them.
import { intFlag, parseArgs } from '../../main/cli/args';
import { bertConfigFromHf } from '../../main/engine/nn';
import type { ModelSpec } from '../../main/engine/train';
import { Generator, mulberry32, type GenerateOptions, type PreparedParams } from '../../main/engine/generate';
import { initParams, sources } from '../engine/generate/helpers';

const args = parseArgs(process.argv.slice(2));
const threads = intFlag(args, 'threads', 2), tokens = intFlag(args, 'tokens', 64), batch = intFlag(args, 'batch', 1);
const beams = intFlag(args, 'beams', 4), rounds = intFlag(args, 'rounds', 5);

const config = bertConfigFromHf({ vocab_size: 8000, hidden_size: 256, num_hidden_layers: 4, num_attention_heads: 4, intermediate_size: 1024, max_position_embeddings: 128, hidden_dropout_prob: 0, attention_probs_dropout_prob: 0 });
const spec: ModelSpec = { config, heads: [{ name: 'gen', kind: 'generation', decoder: { layers: 2, maxLength: 128 } }] };
const params = initParams(spec, 1);
const rand = mulberry32(7);
const src = sources(Array.from({ length: batch }, () => [2, ...Array.from({ length: tokens - 2 }, () => 5 + Math.floor(rand() * 7990)), 3]));

const stat = (xs: number[]) => { const v = [...xs].sort((a, b) => a - b); return { min: v[0]!, median: v[Math.floor(v.length / 2)]! }; };

interface Variant { label: string; gen: Generator; params: Float32Array | PreparedParams | null; useCache: boolean }

/** ms per generated token of each variant, the variants taking turns (after one warm-up each) so load changes hit all. */
async function measure(variants: Variant[], o: Omit<GenerateOptions, 'bosId' | 'eosId' | 'useCache'>): Promise<number[][]> {
  const run = async (v: Variant) => {
    const t = performance.now();
    const r = await v.gen.generate(v.params, src, { ...o, useCache: v.useCache, bosId: 2, eosId: 3, minLength: tokens, maxLength: tokens });
    if (r.tokens.some((x) => x.length !== tokens)) throw new Error('outputs are not of the requested length');
    return (performance.now() - t) / tokens;
  };
  for (const v of variants) await run(v);
  const times = variants.map((): number[] => []);
  for (let i = 0; i < rounds; i++) for (const [j, v] of variants.entries()) times[j]!.push(await run(v));
  return times;
}

console.log(`generation: H256, encoder 4 layers, decoder 2 layers, V 8000; ${tokens}-token sources and outputs, batch ${batch}, ${threads} threads, ${rounds} rounds`);
let t = performance.now();
const baked = await Generator.create(spec, 'gen', { threads, weights: params });
console.log(`baked generator created in ${(performance.now() - t).toFixed(0)} ms`);
const bakedLast = await Generator.create(spec, 'gen', { threads, weights: params, uncachedLogits: 'last' });
const fed = await Generator.create(spec, 'gen', { threads });
t = performance.now();
const prepared = fed.prepare(params); // as an evaluation decoding many batches with the same weights would
console.log(`fed generator: parameters prepared in ${(performance.now() - t).toFixed(0)} ms`);
const variants: Variant[] = [
  { label: 'cache (baked weights)', gen: baked, params: null, useCache: true },
  { label: 'cache (fed weights)', gen: fed, params: prepared, useCache: true },
  { label: 'no cache (every position projected)', gen: baked, params: null, useCache: false },
  { label: 'no cache (last position projected)', gen: bakedLast, params: null, useCache: false },
];
const rows: Record<string, unknown>[] = [];
for (const [search, o] of [['greedy', { strategy: 'greedy' }], [`beam ${beams}`, { strategy: 'beam', numBeams: beams }]] as const) {
  const times = await measure(variants, o);
  const base = stat(times[0]!);
  variants.forEach((v, j) => {
    const s = stat(times[j]!);
    rows.push({ search, decoding: v.label, 'ms/token (min)': +s.min.toFixed(2), 'ms/token (median)': +s.median.toFixed(2), 'vs baked cache (min)': +(s.min / base.min).toFixed(2), 'vs baked cache (median)': +(s.median / base.median).toFixed(2) });
  });
}
console.table(rows);
console.log(JSON.stringify({ bench: 'generate', tokens, batch, threads, rows }));
await Promise.all([baked.release(), bakedLast.release(), fed.release()]);
