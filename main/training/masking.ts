// Masked-LM inputs, as BERT's pre-training data builder makes them: choose 15 % of the tokens (at least one; whole
// words when asked), then replace 80 % of the chosen ones by [MASK], 10 % by a random token and keep 10 % as they
// are. The head is trained to recover the original ids at the chosen positions. Deterministic for a given Rng state.
import type { Rng } from './batching';
import { shuffleInPlace } from './batching';

export interface MaskingOptions {
  /** Share of the maskable tokens to predict (BERT: 0.15). */
  probability: number;
  /** Choose whole words (a word's first token and its continuation tokens together). */
  wholeWord: boolean;
  maskId: number;
  vocabSize: number;
  /** Ids never chosen for prediction nor drawn as random replacements ([CLS], [SEP], [PAD], [MASK], …). */
  special: ReadonlySet<number>;
  /** Whether a token continues the word before it (WordPiece `##x`). */
  isContinuation: (id: number) => boolean;
}

export interface MaskedExample {
  /** The input ids after replacement. */
  ids: number[];
  /** Positions chosen for prediction, ascending. */
  positions: number[];
  /** The original ids at `positions`. */
  labels: number[];
}

/** Words of `ids` as [start, end) token ranges over the maskable (non-special) tokens. */
export function wordSpans(ids: readonly number[], o: Pick<MaskingOptions, 'special' | 'isContinuation' | 'wholeWord'>): [number, number][] {
  const spans: [number, number][] = [];
  for (let i = 0; i < ids.length; i++) {
    if (o.special.has(ids[i]!)) continue;
    const last = spans[spans.length - 1];
    if (o.wholeWord && last && last[1] === i && o.isContinuation(ids[i]!)) last[1] = i + 1;
    else spans.push([i, i + 1]);
  }
  return spans;
}

/** How many tokens to predict among `n` maskable ones: round(n·p), at least one (when there is one). */
export const predictionCount = (n: number, probability: number): number => (n === 0 ? 0 : Math.max(1, Math.round(n * probability)));

export function maskTokens(ids: readonly number[], rng: Rng, o: MaskingOptions): MaskedExample {
  const spans = shuffleInPlace(wordSpans(ids, o), rng);
  const maskable = spans.reduce((n, [a, b]) => n + b - a, 0);
  const want = predictionCount(maskable, o.probability);
  const chosen: number[] = [];
  for (const [a, b] of spans) { // BERT's rule: a word that would overshoot the count is skipped, a smaller one may fit
    if (chosen.length >= want) break;
    if (chosen.length + (b - a) > want) continue;
    for (let i = a; i < b; i++) chosen.push(i);
  }
  chosen.sort((x, y) => x - y);
  const out = ids.slice();
  for (const i of chosen) {
    const r = rng.next();
    if (r < 0.8) out[i] = o.maskId;
    else if (r < 0.9) out[i] = randomToken(rng, o);
  }
  return { ids: out, positions: chosen, labels: chosen.map((i) => ids[i]!) };
}

function randomToken(rng: Rng, o: MaskingOptions): number {
  if (o.special.size >= o.vocabSize) throw new Error('masking: the vocabulary has no ordinary token');
  for (;;) {
    const id = rng.int(o.vocabSize);
    if (!o.special.has(id)) return id;
  }
}

const SPECIAL_TOKEN = /^(\[(PAD|UNK|CLS|SEP|MASK)\]|<(s|\/s|pad|unk|mask)>)$/;

/**
 * Masking options for a vocabulary (token → id): its [MASK] (or RoBERTa's <mask>) token, the special tokens, and how
 * words continue — WordPiece marks continuations with `##`, byte-level BPE marks word starts with `Ġ`.
 */
export function maskingFor(vocab: Record<string, number>, probability: number, wholeWord: boolean): MaskingOptions {
  const maskId = vocab['[MASK]'] ?? vocab['<mask>'];
  if (maskId === undefined) throw new Error('masked-LM training needs a [MASK] (or <mask>) token in the vocabulary');
  const entries = Object.entries(vocab);
  const vocabSize = Math.max(...entries.map(([, id]) => id)) + 1;
  const special = new Set(entries.filter(([t]) => SPECIAL_TOKEN.test(t)).map(([, id]) => id));
  const byteLevel = entries.some(([t]) => t.startsWith('Ġ'));
  const continuation = new Uint8Array(vocabSize);
  for (const [t, id] of entries) continuation[id] = byteLevel ? Number(!t.startsWith('Ġ') && !special.has(id)) : Number(t.startsWith('##'));
  return { probability, wholeWord, maskId, vocabSize, special, isContinuation: (id) => continuation[id] === 1 };
}
