// Extractive QA metrics: exact match and token F1 as in the official SQuAD v1.1 evaluation script
// (evaluate-v1.1.py), reported as fractions in [0, 1] instead of percents, with two documented extensions for
// Chinese and Japanese so that answers in those languages are not scored as a single "word".
//
// Normalization (`normalizeAnswer`), in the official order: lowercase, remove punctuation, replace the whole words
// a / an / the with a space, collapse whitespace.
// - Punctuation: the official script removes exactly Python's ASCII `string.punctuation`, and that is all that is
//   removed from a string with no Han, Hiragana or Katakana character, so English (or any non-CJK) text is scored
//   exactly as the official script scores it, curly quotes and dashes included. A string that does contain such a
//   character additionally loses every Unicode punctuation mark (/\p{P}/u: ，。《》“”、 …), as the CMRC 2018
//   evaluation does with its Chinese punctuation list. The choice is made per string, so a prediction without CJK
//   characters compared with a CJK gold keeps its non-ASCII punctuation; both sides are then wrong answers anyway.
// - Articles: Python's `\b(a|an|the)\b` is Unicode-aware (letters and digits of any script are word characters);
//   JavaScript's `\b` is ASCII-only, so the boundaries are spelled as look-arounds on [\p{L}\p{N}_].
// - Whitespace: Python's `str.split()` splits on the characters for which `str.isspace()` is true; that exact set is
//   used here (JavaScript's \s differs: it includes U+FEFF and lacks U+001C–U+001F and U+0085).
//
// Token F1 splits the normalized answer on whitespace and then splits every Han / Hiragana / Katakana character
// into a token of its own, keeping runs of other characters together ("2008年北京" → 2008 年 北 京), like CMRC
// 2018's mixed segmentation. Text without those characters tokenizes exactly as in the official script.
// One deliberate difference from v1.1: when both normalized answers are empty F1 is 1 (their exact match is 1
// too), as in the SQuAD v2.0 script; v1.1 returns 0 whenever no token is shared. If only one is empty F1 is 0.

export interface SquadMetrics {
  /** Mean over questions of the best exact match against any gold answer, in [0, 1]. */
  exact_match: number;
  /** Mean over questions of the best token F1 against any gold answer, in [0, 1]. */
  f1: number;
  n: number;
}

const ASCII_PUNCTUATION = /[!"#$%&'()*+,\-./:;<=>?@[\\\]^_`{|}~]/g;
const UNICODE_PUNCTUATION = /\p{P}/gu;
const ARTICLES = /(?<![\p{L}\p{N}_])(?:a|an|the)(?![\p{L}\p{N}_])/gu;
/** Python's str.isspace() set (Unicode 14). */
const PY_WHITESPACE = /[\t\n\v\f\r\x1c-\x1f \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+/u;
const CJK_CHAR = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}]/u;
const CJK_TOKENS = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}]|[^\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}]+/gu;

export function normalizeAnswer(s: string): string {
  let t = s.toLowerCase().replace(ASCII_PUNCTUATION, '');
  if (CJK_CHAR.test(t)) t = t.replace(UNICODE_PUNCTUATION, '');
  t = t.replace(ARTICLES, ' ');
  return t
    .split(PY_WHITESPACE)
    .filter((w) => w !== '')
    .join(' ');
}

/** Tokens of a normalized answer: whitespace-separated words, with CJK characters split into single tokens. */
function answerTokens(s: string): string[] {
  const words = normalizeAnswer(s).split(' ').filter((w) => w !== '');
  return words.flatMap((w) => (CJK_CHAR.test(w) ? (w.match(CJK_TOKENS) ?? []) : [w]));
}

function checkGolds(fn: string, golds: readonly string[]): void {
  if (golds.length === 0) throw new Error(`${fn}: no gold answers to compare with`);
}

/** 1 if the normalized prediction equals any normalized gold answer, else 0. */
export function exactMatch(pred: string, golds: readonly string[]): number {
  checkGolds('exactMatch', golds);
  const p = normalizeAnswer(pred);
  return golds.some((g) => normalizeAnswer(g) === p) ? 1 : 0;
}

function f1Tokens(pred: readonly string[], gold: readonly string[]): number {
  if (pred.length === 0 || gold.length === 0) return pred.length === gold.length ? 1 : 0;
  const counts = new Map<string, number>();
  for (const t of gold) counts.set(t, (counts.get(t) ?? 0) + 1);
  let same = 0; // size of the multiset intersection (Counter(pred) & Counter(gold))
  for (const t of pred) {
    const c = counts.get(t) ?? 0;
    if (c > 0) {
      same++;
      counts.set(t, c - 1);
    }
  }
  if (same === 0) return 0;
  const precision = same / pred.length;
  const recall = same / gold.length;
  return (2 * precision * recall) / (precision + recall);
}

/** Best token-level F1 of the prediction against any gold answer. */
export function tokenF1(pred: string, golds: readonly string[]): number {
  checkGolds('tokenF1', golds);
  const p = answerTokens(pred);
  return Math.max(...golds.map((g) => f1Tokens(p, answerTokens(g))));
}

/** `golds[i]` holds every accepted answer to question i (at least one). */
export function squadMetrics(preds: readonly string[], golds: readonly (readonly string[])[]): SquadMetrics {
  if (preds.length !== golds.length) {
    throw new Error(`squadMetrics: ${preds.length} predictions but ${golds.length} questions with gold answers`);
  }
  let em = 0;
  let f1 = 0;
  for (let i = 0; i < preds.length; i++) {
    if (golds[i].length === 0) throw new Error(`squadMetrics: question ${i} has no gold answers`);
    em += exactMatch(preds[i], golds[i]);
    f1 += tokenF1(preds[i], golds[i]);
  }
  const n = preds.length;
  return { exact_match: n > 0 ? em / n : 0, f1: n > 0 ? f1 / n : 0, n };
}
