// Masked-LM scores over the masked positions: mean negative log-likelihood, perplexity exp(NLL) and the share of
// positions whose most likely token is the original one.

export interface MaskedLmMetrics {
  loss: number;
  perplexity: number;
  accuracy: number;
  maskedTokens: number;
}

/** Logits rows [M, V] against their labels (-100 rows are skipped): each row's argmax and the rows' summed NLL. */
export function scoreMaskedRows(logits: Float32Array, vocab: number, labels: readonly number[]): { best: number[]; nll: number } {
  const best: number[] = [];
  let nll = 0;
  labels.forEach((label, j) => {
    const off = j * vocab;
    let max = -Infinity, arg = 0;
    for (let v = 0; v < vocab; v++) if (logits[off + v]! > max) { max = logits[off + v]!; arg = v; }
    best.push(arg);
    if (label < 0) return;
    let z = 0;
    for (let v = 0; v < vocab; v++) z += Math.exp(logits[off + v]! - max);
    nll += Math.log(z) + max - logits[off + label]!;
  });
  return { best, nll };
}

/** Metrics from per-text results: original and predicted tokens at the masked positions, and their summed NLL. */
export function maskedLmMetrics(texts: { masked: readonly string[]; predicted: readonly string[]; nll: number }[]): MaskedLmMetrics {
  let count = 0, right = 0, nll = 0;
  for (const t of texts) {
    count += t.masked.length;
    nll += t.nll;
    t.masked.forEach((tok, j) => (right += Number(tok === t.predicted[j])));
  }
  const loss = count ? nll / count : NaN;
  return { loss, perplexity: Math.exp(loss), accuracy: count ? right / count : NaN, maskedTokens: count };
}
