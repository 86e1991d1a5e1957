export { Generator, PreparedParams, type GenerateOptions, type GeneratorOptions, type SourceBatch } from './session';
export { buildGenerationGraphs, generationHead, type GenerationGraphOptions, type GenerationGraphs, type WeightSource } from './graphs';
export { BeamSearch, GreedySearch, bannedNgramTokens, mulberry32, sampleToken, type BeamOptions, type GenerateResult, type SampleOptions, type Search, type SearchOptions } from './search';
export { decoderArrays, decoderBatch, type DecoderArrays, type DecoderBatchOptions } from './batch';
