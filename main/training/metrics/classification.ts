// Classification metrics: accuracy, per-class precision / recall / F1, macro F1 and the confusion matrix.
// Semantics follow scikit-learn with zero_division=0: a class nobody predicted has precision 0, a class with no gold
// rows has recall 0, and F1 is 0 whenever precision + recall is 0. Macro F1 averages over every label in `labels`,
// including labels that never occur in gold or predictions (sklearn's `labels=` argument).

export interface ClassMetrics {
  label: string;
  precision: number;
  recall: number;
  f1: number;
  /** Number of gold rows with this label. */
  support: number;
}

export interface ClassificationMetrics {
  /** Fraction of rows where pred === gold, in [0, 1]. */
  accuracy: number;
  /** Unweighted mean of per-class F1 over all labels. */
  macroF1: number;
  /** One entry per label, in the order of `labels`. */
  perClass: ClassMetrics[];
  /** confusion[gold][pred]: number of rows with that gold label and that predicted label. */
  confusion: number[][];
  n: number;
}

/** Precision, recall and F1 from counts, with 0 for every division by zero. */
export function prf(tp: number, predicted: number, actual: number): { precision: number; recall: number; f1: number } {
  const precision = predicted > 0 ? tp / predicted : 0;
  const recall = actual > 0 ? tp / actual : 0;
  const f1 = precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0;
  return { precision, recall, f1 };
}

/** `gold` and `pred` hold label indices into `labels`. */
export function classificationMetrics(gold: readonly number[], pred: readonly number[], labels: readonly string[]): ClassificationMetrics {
  if (gold.length !== pred.length) {
    throw new Error(`classificationMetrics: gold has ${gold.length} rows but pred has ${pred.length}`);
  }
  const k = labels.length;
  const check = (side: string, v: number, i: number): void => {
    if (!Number.isInteger(v) || v < 0 || v >= k) {
      throw new Error(`classificationMetrics: ${side}[${i}] = ${v} is not a label index in [0, ${k})`);
    }
  };
  const confusion = labels.map(() => new Array<number>(k).fill(0));
  let correct = 0;
  for (let i = 0; i < gold.length; i++) {
    check('gold', gold[i], i);
    check('pred', pred[i], i);
    confusion[gold[i]][pred[i]]++;
    if (gold[i] === pred[i]) correct++;
  }
  const perClass = labels.map((label, c) => {
    const tp = confusion[c][c];
    const support = confusion[c].reduce((s, v) => s + v, 0);
    const predicted = confusion.reduce((s, row) => s + row[c], 0);
    return { label, ...prf(tp, predicted, support), support };
  });
  const n = gold.length;
  return {
    accuracy: n > 0 ? correct / n : 0,
    macroF1: k > 0 ? perClass.reduce((s, c) => s + c.f1, 0) / k : 0,
    perClass,
    confusion,
    n,
  };
}
