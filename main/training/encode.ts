// Example → model inputs, per task type. Every encoder returns plain arrays; batching.ts turns them into tensors.
import { CHORUS_LAYOUT, assemble, specialCount, type Encoding, type Pieces, type TokenLayout, type WordPieceTokenizer } from './tokenizer';

/** Label value the loss ignores (sub-tokens after the first, special tokens, padding). */
export const IGNORE_INDEX = -100;

export interface ClassificationExample {
  text: string;
  textPair?: string;
  label: number;
}
export interface RegressionExample {
  text: string;
  textPair?: string;
  label: number;
}
export interface TokenClassificationExample {
  words: string[];
  /** One label id per word. */
  labels: number[];
}
export interface QaAnswer {
  text: string;
  /** UTF-16 offset of the answer in the context (SQuAD answer_start). */
  answerStart: number;
}
export interface QaExample {
  question: string;
  context: string;
  /** The first answer is the training target; may be empty for unanswerable / test examples. */
  answers: QaAnswer[];
}

export interface EncodedSequence extends Encoding {
  label: number;
}
export interface EncodedTokens extends Encoding {
  /** Per token: the word's label on its first sub-token, IGNORE_INDEX elsewhere. */
  labels: number[];
  wordIds: (number | null)[];
  wordsKept: number;
}
export interface QaWindow extends Encoding {
  /** Index of the source example. */
  exampleIndex: number;
  /** Token positions of the answer in this window; 0 ([CLS]) when the answer is not (fully) inside it. */
  startPosition: number;
  endPosition: number;
  /** Per token, [start, end) into the CONTEXT for context tokens, null otherwise (question, specials, padding). */
  contextOffsets: ([number, number] | null)[];
}

export async function encodeClassification(
  tok: WordPieceTokenizer,
  examples: (ClassificationExample | RegressionExample)[],
  maxLength: number,
): Promise<EncodedSequence[]> {
  const a = await tok.tokenizeBatch(examples.map((e) => e.text));
  const pairIdx = examples.map((e, i) => (e.textPair !== undefined ? i : -1)).filter((i) => i >= 0);
  const b = await tok.tokenizeBatch(pairIdx.map((i) => examples[i].textPair ?? ''));
  const bByIdx = new Map<number, Pieces>(pairIdx.map((i, k) => [i, b[k]]));
  return examples.map((e, i) => ({ ...tok.encodeFromPieces(a[i], bByIdx.get(i), maxLength), label: e.label }));
}

/** Same layout as classification; the label is kept as a float. */
export async function encodeRegression(
  tok: WordPieceTokenizer,
  examples: RegressionExample[],
  maxLength: number,
): Promise<EncodedSequence[]> {
  for (const e of examples) if (!Number.isFinite(e.label)) throw new Error(`regression label is not a number: ${e.label}`);
  return encodeClassification(tok, examples, maxLength);
}

/** Labels the FIRST sub-token of every (kept) word, IGNORE_INDEX on other sub-tokens and on special tokens. */
export async function encodeTokenClassification(
  tok: WordPieceTokenizer,
  examples: TokenClassificationExample[],
  maxLength: number,
): Promise<EncodedTokens[]> {
  const pieces = await tok.tokenizeBatch(examples.map((e) => e.words.join(' ')));
  return examples.map((e, i) => {
    if (e.labels.length !== e.words.length) throw new Error(`example ${i}: ${e.words.length} words, ${e.labels.length} labels`);
    const enc = tok.wordsFromPieces(e.words, pieces[i], maxLength);
    return { ...enc, labels: alignLabels(enc.wordIds, e.labels) };
  });
}

export function alignLabels(wordIds: (number | null)[], wordLabels: number[]): number[] {
  let prev: number | null = null;
  return wordIds.map((w) => {
    if (w === null) {
      prev = null;
      return IGNORE_INDEX;
    }
    const first = w !== prev;
    prev = w;
    return first ? wordLabels[w] : IGNORE_INDEX;
  });
}

export interface QaOptions {
  maxLength: number;
  /** Tokens between the starts of consecutive context windows (BERT's doc_stride). Default maxLength / 2. */
  docStride?: number;
  /** Questions are truncated to this many tokens. Default 64. */
  maxQuestionLength?: number;
}

/**
 * Question + context → one or more windows [CLS] question [SEP] context-window [SEP].
 * The SQuAD character span of the first answer is mapped to token start/end positions in each window; windows that
 * do not hold the whole answer point both positions to 0 ([CLS]).
 */
export async function encodeQa(tok: WordPieceTokenizer, examples: QaExample[], options: QaOptions): Promise<QaWindow[]> {
  const qs = await tok.tokenizeBatch(examples.map((e) => e.question));
  const cs = await tok.tokenizeBatch(examples.map((e) => e.context));
  const out: QaWindow[] = [];
  examples.forEach((e, i) => out.push(...qaWindows(qs[i], cs[i], e, i, options, tok.layout)));
  return out;
}

/** Token span [start, end] (inclusive) of the characters [charStart, charEnd) in a tokenized text, or null. */
export function charSpanToTokens(offsets: [number, number][], charStart: number, charEnd: number): [number, number] | null {
  let s = -1;
  let en = -1;
  for (let t = 0; t < offsets.length; t++) {
    const [a, b] = offsets[t];
    if (b <= charStart || a >= charEnd) continue;
    if (s < 0) s = t;
    en = t;
  }
  return s < 0 ? null : [s, en];
}

/** `layout`: the tokenizer's templates (Chorus's [CLS] q [SEP] c [SEP] unless given). */
export function qaWindows(q: Pieces, c: Pieces, e: QaExample, exampleIndex: number, options: QaOptions, layout: TokenLayout = CHORUS_LAYOUT): QaWindow[] {
  const maxQ = options.maxQuestionLength ?? 64;
  const question: Pieces = { ids: q.ids.slice(0, maxQ), offsets: q.offsets.slice(0, maxQ) };
  const room = options.maxLength - question.ids.length - specialCount(layout.pair);
  if (room < 1) throw new Error(`maxLength ${options.maxLength} leaves no room for the context`);
  const stride = Math.max(1, Math.min(options.docStride ?? Math.floor(options.maxLength / 2), room));
  let answer: [number, number] | null = null;
  if (e.answers.length > 0) {
    const a = e.answers[0];
    answer = charSpanToTokens(c.offsets, a.answerStart, a.answerStart + a.text.length);
  }
  const windows: QaWindow[] = [];
  for (let start = 0; ; start += stride) {
    const end = Math.min(c.ids.length, start + room);
    const enc = assemble(question, { ids: c.ids.slice(start, end), offsets: c.offsets.slice(start, end) }, layout);
    const ctxBase = enc.sequenceIds.indexOf(1); // after [CLS] q [SEP] (RoBERTa: <s> q </s></s>)
    let sp = 0;
    let ep = 0;
    if (answer && answer[0] >= start && answer[1] < end) {
      sp = ctxBase + answer[0] - start;
      ep = ctxBase + answer[1] - start;
    }
    const contextOffsets = enc.sequenceIds.map((sid, t): [number, number] | null => (sid === 1 ? enc.offsets[t] : null));
    windows.push({ ...enc, exampleIndex, startPosition: sp, endPosition: ep, contextOffsets });
    if (end >= c.ids.length) break;
  }
  return windows;
}

/** Maps a predicted token span back to the exact context substring (empty string for [CLS] / non-context tokens). */
export function spanToText(window: QaWindow, context: string, start: number, end: number): string {
  const a = window.contextOffsets[start];
  const b = window.contextOffsets[end];
  if (!a || !b || end < start) return '';
  return context.slice(a[0], b[1]);
}
