// ROUGE-1, ROUGE-2 and ROUGE-L F1 for generation tasks, computed as Google's `rouge-score` package (rouge_scorer.
// RougeScorer(['rouge1', 'rouge2', 'rougeL'], use_stemmer=False)) computes them, reported as fractions in [0, 1].
//
// Tokenisation is rouge-score's default: lowercase, replace every run of characters outside [a-z0-9] by a space,
// split on whitespace, drop empty tokens. No stemming (use_stemmer=False, the package's default). So punctuation
// separates words ("it's" → it, s) and letters outside ASCII are removed ("café" → caf): text in scripts other than
// Latin gets no tokens at all and scores 0, exactly as with rouge-score.
// - ROUGE-N: n-gram counts; overlap = Σ min(count in prediction, count in reference); precision = overlap / n-grams of
//   the prediction, recall = overlap / n-grams of the reference (each denominator at least 1); F1 = 2PR / (P + R),
//   0 when P + R = 0.
// - ROUGE-L: longest common subsequence of the token sequences; P = LCS / prediction tokens, R = LCS / reference
//   tokens; 0 when either side has no tokens. (Sentence-level rougeL, not the summary-level rougeLsum.)
// Several references: per example and per measure, the reference with the highest F1 (rouge-score's score_multi).
// Corpus score: the mean over examples (rouge-score's BootstrapAggregator reports a bootstrap estimate instead).

export interface RougeScore { precision: number; recall: number; f1: number }

/** Per example, or the mean over examples: F1 of each measure in [0, 1]. */
export interface RougeMetrics {
  rouge1: number;
  rouge2: number;
  rougeL: number;
  /** Examples scored. */
  n: number;
}

/** rouge-score's default tokenizer without stemming. */
export function rougeTokenize(text: string): string[] {
  return text.toLowerCase().replace(/[^a-z0-9]+/g, ' ').split(/\s+/).filter((t) => t.length > 0);
}

function score(overlap: number, predicted: number, reference: number): RougeScore {
  const precision = overlap / Math.max(predicted, 1), recall = overlap / Math.max(reference, 1);
  return { precision, recall, f1: precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0 };
}

function ngrams(tokens: string[], n: number): Map<string, number> {
  const out = new Map<string, number>();
  for (let i = 0; i + n <= tokens.length; i++) {
    const key = tokens.slice(i, i + n).join(' ');
    out.set(key, (out.get(key) ?? 0) + 1);
  }
  return out;
}

/** ROUGE-N of tokenised texts. */
export function rougeN(prediction: string[], reference: string[], n: number): RougeScore {
  const p = ngrams(prediction, n), r = ngrams(reference, n);
  let overlap = 0;
  for (const [k, c] of p) overlap += Math.min(c, r.get(k) ?? 0);
  return score(overlap, Math.max(0, prediction.length - n + 1), Math.max(0, reference.length - n + 1));
}

/** Length of the longest common subsequence (dynamic programming over one row). */
export function lcsLength(a: string[], b: string[]): number {
  const row = new Array<number>(b.length + 1).fill(0);
  for (let i = 1; i <= a.length; i++) {
    let diag = 0; // row[j - 1] of the previous i
    for (let j = 1; j <= b.length; j++) {
      const up = row[j]!;
      row[j] = a[i - 1] === b[j - 1] ? diag + 1 : Math.max(up, row[j - 1]!);
      diag = up;
    }
  }
  return row[b.length]!;
}

/** ROUGE-L of tokenised texts. */
export function rougeL(prediction: string[], reference: string[]): RougeScore {
  if (prediction.length === 0 || reference.length === 0) return { precision: 0, recall: 0, f1: 0 };
  return score(lcsLength(prediction, reference), prediction.length, reference.length);
}

/** One example against its references (the best reference per measure); all 0 without references. */
export function rougeExample(prediction: string, references: readonly string[]): Omit<RougeMetrics, 'n'> {
  const p = rougeTokenize(prediction);
  const best = { rouge1: 0, rouge2: 0, rougeL: 0 };
  for (const ref of references) {
    const r = rougeTokenize(ref);
    best.rouge1 = Math.max(best.rouge1, rougeN(p, r, 1).f1);
    best.rouge2 = Math.max(best.rouge2, rougeN(p, r, 2).f1);
    best.rougeL = Math.max(best.rougeL, rougeL(p, r).f1);
  }
  return best;
}

/** Corpus ROUGE: the mean over examples of each example's F1 against its references. */
export function rougeScores(predictions: readonly string[], references: readonly (readonly string[])[]): RougeMetrics {
  if (predictions.length !== references.length) throw new Error(`rougeScores: ${predictions.length} predictions but ${references.length} reference lists`);
  const sum = { rouge1: 0, rouge2: 0, rougeL: 0 };
  predictions.forEach((p, i) => {
    const s = rougeExample(p, references[i]!);
    sum.rouge1 += s.rouge1;
    sum.rouge2 += s.rouge2;
    sum.rougeL += s.rougeL;
  });
  const n = predictions.length;
  return n === 0 ? { rouge1: 0, rouge2: 0, rougeL: 0, n: 0 } : { rouge1: sum.rouge1 / n, rouge2: sum.rouge2 / n, rougeL: sum.rougeL / n, n };
}
