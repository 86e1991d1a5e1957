// Turning streamed series into what uPlot draws: each series thinned to at most two points (its min and its max) per
// pixel column once it has more than two points a column, then every series joined on one shared x axis (uPlot's
// aligned data), with null where a series has no point at an x. Lines span those gaps.
import type uPlot from 'uplot';

export interface XY {
  x: ArrayLike<number>;
  y: ArrayLike<number>;
  length: number;
}

/**
 * Keeps, per bucket of the x range [x0, x1] cut into `buckets` equal columns, the points with the smallest and the
 * largest y (in x order), plus the series' first and last points. Series of at most 2 × buckets points come back as
 * they are (same arrays).
 */
export function decimateMinMax(s: XY, x0: number, x1: number, buckets: number): XY {
  const n = s.length;
  buckets = Math.max(1, Math.floor(buckets));
  if (n <= 2 * buckets) return s;
  const { x, y } = s;
  const span = x1 > x0 ? x1 - x0 : 1;
  const scale = buckets / span;
  const ox: number[] = [];
  const oy: number[] = [];
  let last = -1;
  const emit = (i: number) => {
    if (i > last) {
      ox.push(x[i]!);
      oy.push(y[i]!);
      last = i;
    }
  };
  let bucket = -1, iMin = 0, iMax = 0;
  const flush = () => {
    if (bucket < 0) return;
    if (iMin <= iMax) { emit(iMin); emit(iMax); }
    else { emit(iMax); emit(iMin); }
  };
  emit(0);
  for (let i = 0; i < n; i++) {
    let b = Math.floor((x[i]! - x0) * scale);
    if (b >= buckets) b = buckets - 1;
    else if (b < 0) b = 0;
    if (b !== bucket) {
      flush();
      bucket = b;
      iMin = iMax = i;
    } else {
      const v = y[i]!;
      if (v < y[iMin]!) iMin = i;
      else if (v > y[iMax]!) iMax = i;
    }
  }
  flush();
  emit(n - 1);
  return { x: ox, y: oy, length: ox.length };
}

/**
 * Joins series (each sorted by x) on the union of their x values: uPlot's [xs, ys1, ys2, …] with null where a series
 * has no point. A single series keeps its arrays.
 */
export function alignSeries(list: readonly XY[]): uPlot.AlignedData {
  if (list.length === 0) return [[]];
  if (list.length === 1) return [list[0]!.x, list[0]!.y] as unknown as uPlot.AlignedData;
  const k = list.length;
  const heads = new Array<number>(k).fill(0);
  const xs: number[] = [];
  const ys: (number | null)[][] = list.map(() => []);
  for (;;) {
    let min = Infinity;
    for (let j = 0; j < k; j++) {
      const s = list[j]!;
      if (heads[j]! < s.length) {
        const v = s.x[heads[j]!]!;
        if (v < min) min = v;
      }
    }
    if (min === Infinity) break;
    xs.push(min);
    for (let j = 0; j < k; j++) {
      const s = list[j]!;
      const h = heads[j]!;
      if (h < s.length && s.x[h] === min) {
        ys[j]!.push(s.y[h]!);
        heads[j] = h + 1;
      } else ys[j]!.push(null);
    }
  }
  return [xs, ...ys];
}

/** The x range every series spans: [smallest first x, largest last x], or undefined when all are empty. */
export function xExtent(list: readonly XY[]): [number, number] | undefined {
  let lo = Infinity, hi = -Infinity;
  for (const s of list) {
    if (!s.length) continue;
    if (s.x[0]! < lo) lo = s.x[0]!;
    if (s.x[s.length - 1]! > hi) hi = s.x[s.length - 1]!;
  }
  return lo <= hi ? [lo, hi] : undefined;
}
