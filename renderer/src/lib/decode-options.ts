// The Playground's decoding choice for generation heads and the `decode` argument of runs.predict it becomes: the
// task's own settings, greedy, beam search with N beams, or sampling with temperature, top-p and a seed; a maximum
// length applies to any of them.
import type { CallArgs } from '../../../main/api/contract';
import { DECODE_STRATEGIES, GENERATION_DEFAULTS, type DecodeStrategy } from './generation-config';

/** What runs.predict takes as `decode`. */
export type DecodeArgs = NonNullable<CallArgs<'runs.predict'>['decode']>;

/** 'task': as the run's task config says (generate.strategy and the rest). */
export const DECODE_CHOICES = ['task', ...DECODE_STRATEGIES] as const;
export type DecodeChoice = 'task' | DecodeStrategy;

/** The controls' state; number fields are undefined when left empty (the default then applies). */
export interface DecodeDraft { strategy: DecodeChoice; beams?: number; temperature?: number; topP?: number; seed?: number; maxLength?: number }
export type DecodeField = Exclude<keyof DecodeDraft, 'strategy'>;

/** The limits runs.predict checks (main/api/contract.ts), so a bad value is shown at its field instead of failing the call. */
const VALID: Record<DecodeField, (v: number) => boolean> = {
  beams: (v) => Number.isInteger(v) && v >= 1 && v <= 16,
  temperature: (v) => Number.isFinite(v) && v > 0,
  topP: (v) => Number.isFinite(v) && v > 0 && v <= 1,
  seed: (v) => Number.isInteger(v) && v >= 0,
  maxLength: (v) => Number.isInteger(v) && v >= 1 && v <= 512,
};

/** The fields each choice sends (besides maxLength, which every choice does). */
const FIELDS: Record<DecodeChoice, DecodeField[]> = { task: [], greedy: [], beam: ['beams'], sample: ['temperature', 'topP', 'seed'] };
export const fieldsOf = (choice: DecodeChoice): DecodeField[] => [...FIELDS[choice], 'maxLength'];

/** The fields of the current choice whose value runs.predict would refuse. */
export function decodeIssues(d: DecodeDraft): DecodeField[] {
  return fieldsOf(d.strategy).filter((f) => d[f] !== undefined && !VALID[f](d[f]!));
}

/** runs.predict's `decode` for the controls' state; undefined when the task's own settings apply unchanged. */
export function decodeArgs(d: DecodeDraft): DecodeArgs | undefined {
  const maxLength = d.maxLength;
  switch (d.strategy) {
    case 'task': return maxLength !== undefined ? { maxLength } : undefined;
    case 'greedy': return strip({ strategy: 'greedy', maxLength });
    case 'beam': return strip({ strategy: 'beam', numBeams: d.beams ?? GENERATION_DEFAULTS.beams, maxLength });
    case 'sample':
      return strip({ strategy: 'sample', temperature: d.temperature ?? GENERATION_DEFAULTS.temperature, topP: d.topP ?? GENERATION_DEFAULTS.topP, seed: d.seed, maxLength });
  }
}

const strip = (o: DecodeArgs): DecodeArgs => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as DecodeArgs;
