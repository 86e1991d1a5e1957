// Regression metrics: Pearson and Spearman correlation and mean squared error.
// Spearman is the Pearson correlation of ranks, with tied values given the average of the ranks they span (scipy's
// `rankdata(method='average')`, as `scipy.stats.spearmanr` does). Where scipy returns NaN, because one side is
// constant or there are fewer than two rows, these return 0 so that a degenerate model scores as uncorrelated.

export interface RegressionMetrics {
  pearson: number;
  spearman: number;
  /** Mean of (pred - gold)^2. */
  mse: number;
  n: number;
}

function isConstant(xs: readonly number[]): boolean {
  return xs.every((x) => x === xs[0]);
}

/** Pearson's r; 0 when either side is constant (or has fewer than 2 values) instead of NaN. */
export function pearson(xs: readonly number[], ys: readonly number[]): number {
  const n = xs.length;
  if (n < 2 || isConstant(xs) || isConstant(ys)) return 0;
  let mx = 0;
  let my = 0;
  for (let i = 0; i < n; i++) {
    mx += xs[i];
    my += ys[i];
  }
  mx /= n;
  my /= n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    const dx = xs[i] - mx;
    const dy = ys[i] - my;
    sxy += dx * dy;
    sxx += dx * dx;
    syy += dy * dy;
  }
  if (sxx === 0 || syy === 0) return 0;
  return Math.max(-1, Math.min(1, sxy / Math.sqrt(sxx * syy)));
}

/** 1-based ranks; tied values all get the mean of the ranks they occupy. */
export function averageRanks(xs: readonly number[]): number[] {
  const order = xs.map((_, i) => i).sort((a, b) => xs[a] - xs[b]);
  const ranks = new Array<number>(xs.length);
  for (let i = 0; i < order.length; ) {
    let j = i;
    while (j + 1 < order.length && xs[order[j + 1]] === xs[order[i]]) j++;
    const rank = (i + j) / 2 + 1; // mean of ranks i+1 .. j+1
    for (let t = i; t <= j; t++) ranks[order[t]] = rank;
    i = j + 1;
  }
  return ranks;
}

/** Spearman's rho: Pearson of average ranks; 0 when either side is constant. */
export function spearman(xs: readonly number[], ys: readonly number[]): number {
  return pearson(averageRanks(xs), averageRanks(ys));
}

export function regressionMetrics(gold: readonly number[], pred: readonly number[]): RegressionMetrics {
  if (gold.length !== pred.length) {
    throw new Error(`regressionMetrics: gold has ${gold.length} rows but pred has ${pred.length}`);
  }
  for (let i = 0; i < gold.length; i++) {
    if (!Number.isFinite(gold[i])) throw new Error(`regressionMetrics: gold[${i}] = ${gold[i]} is not a finite number`);
    if (!Number.isFinite(pred[i])) throw new Error(`regressionMetrics: pred[${i}] = ${pred[i]} is not a finite number`);
  }
  const n = gold.length;
  let se = 0;
  for (let i = 0; i < n; i++) se += (pred[i] - gold[i]) ** 2;
  return { pearson: pearson(gold, pred), spearman: spearman(gold, pred), mse: n > 0 ? se / n : 0, n };
}
