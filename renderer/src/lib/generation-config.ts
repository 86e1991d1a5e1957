// A generation task's settings as the Train view edits them (target length, decoder depth, decoding) and their keys
// in a run config (main/training/config.ts's generation task: maxTargetLength, decoder, generate).
import { num, obj, oneOf, strip, type Obj } from './config-json';

/** How a generation head decodes (main/training/config.ts's `generate.strategy`). */
export const DECODE_STRATEGIES = ['greedy', 'beam', 'sample'] as const;
export type DecodeStrategy = (typeof DECODE_STRATEGIES)[number];
/**
 * The generation settings the form edits; number fields are undefined when left empty (the schema's default). The
 * rest of `decoder` and `generate` (heads, length penalty, no-repeat n-grams, seed) stays in the task's `extra`.
 */
export interface GenerationDraft {
  maxTargetLength?: number;
  decoderLayers?: number;
  strategy: DecodeStrategy;
  beams?: number;
  temperature?: number;
  topP?: number;
}
/** The schema's defaults for what GenerationDraft leaves empty (and the decoder's default depth). */
export const GENERATION_DEFAULTS = { maxTargetLength: 64, decoderLayers: 2, beams: 4, temperature: 1, topP: 1 } as const;
/** Task keys only a generation task has: left out of a task of another type. */
export const GENERATION_KEYS = ['maxTargetLength', 'decoder', 'labelSmoothing', 'generate'] as const;

/** The fields a generation task's row has (besides its columns), as config paths under `tasks[i]`. */
export const GENERATION_FIELD_PATHS = ['maxTargetLength', 'decoder', 'decoder.layers', 'generate', 'generate.strategy', 'generate.beams', 'generate.temperature', 'generate.topP'] as const;

/** A generation task's keys of a run config, from the draft over what the form does not edit (`extra`). */
export function generationToConfig(g: GenerationDraft | undefined, extra: Obj): Obj {
  const d = g ?? { strategy: 'greedy' };
  const decoder = strip({ ...obj(extra.decoder), layers: d.decoderLayers });
  return {
    maxTargetLength: d.maxTargetLength,
    decoder: Object.keys(decoder).length ? decoder : undefined,
    generate: strip({
      ...obj(extra.generate), strategy: d.strategy,
      beams: d.strategy === 'beam' ? d.beams : undefined,
      temperature: d.strategy === 'sample' ? d.temperature : undefined,
      topP: d.strategy === 'sample' ? d.topP : undefined,
    }),
  };
}

/** The generation settings of a task config; what the form does not edit of `decoder` and `generate` goes to `extra`. */
export function generationFromConfig(v: Obj, extra: Obj): GenerationDraft | undefined {
  if (v.type !== 'generation') return undefined;
  const { layers, ...decoder } = obj(v.decoder);
  const { strategy, beams, temperature, topP, ...generate } = obj(v.generate);
  if (Object.keys(decoder).length) extra.decoder = decoder;
  else delete extra.decoder;
  if (Object.keys(generate).length) extra.generate = generate;
  else delete extra.generate;
  delete extra.maxTargetLength;
  return strip({
    maxTargetLength: num(v.maxTargetLength), decoderLayers: num(layers), strategy: oneOf(DECODE_STRATEGIES, strategy, 'greedy'),
    beams: num(beams), temperature: num(temperature), topP: num(topP),
  }) as unknown as GenerationDraft;
}
