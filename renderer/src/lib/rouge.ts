// ROUGE-L of one generated text against its references, as main/training/metrics/rouge.ts scores it (ported: the
// renderer imports no code from main): rouge-score's tokenizer (lowercase, every run outside [a-z0-9] a space, no
// stemming), the longest common subsequence, F1 = 2PR / (P + R), the best reference.

/** rouge-score's default tokenizer without stemming. */
export function rougeTokenize(text: string): string[] {
  return text.toLowerCase().replace(/[^a-z0-9]+/g, ' ').split(/\s+/).filter((t) => t.length > 0);
}

/** Length of the longest common subsequence of two token sequences. */
export function lcsLength(a: readonly string[], b: readonly string[]): number {
  const row = new Array<number>(b.length + 1).fill(0);
  for (let i = 1; i <= a.length; i++) {
    let diag = 0;
    for (let j = 1; j <= b.length; j++) {
      const up = row[j]!;
      row[j] = a[i - 1] === b[j - 1] ? diag + 1 : Math.max(up, row[j - 1]!);
      diag = up;
    }
  }
  return row[b.length]!;
}

/** ROUGE-L F1 of `prediction` against the best of `references` (0 without references or tokens). */
export function rougeLScore(prediction: string, references: readonly string[]): number {
  const p = rougeTokenize(prediction);
  let best = 0;
  if (!p.length) return 0;
  for (const ref of references) {
    const r = rougeTokenize(ref);
    if (!r.length) continue;
    const lcs = lcsLength(p, r);
    const precision = lcs / p.length, recall = lcs / r.length;
    if (precision + recall > 0) best = Math.max(best, (2 * precision * recall) / (precision + recall));
  }
  return best;
}
