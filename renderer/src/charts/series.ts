// A streamed metric series: (x, y) pairs in typed arrays that grow by doubling, appended to in place. Points are kept
// in increasing x; appending at or before the last x first drops the points from there on (a resumed run replays
// the steps after its checkpoint), so a replay never leaves two lines. Buffers are markRaw: Vue never proxies them.
import { markRaw } from 'vue';

export class SeriesBuffer {
  private xs: Float64Array;
  private ys: Float64Array;
  private n = 0;

  constructor(capacity = 64) {
    this.xs = new Float64Array(Math.max(1, capacity));
    this.ys = new Float64Array(Math.max(1, capacity));
    markRaw(this);
  }

  /** Points held. */
  get length(): number {
    return this.n;
  }

  /** Views of the live points (no copy; invalidated by the next append that grows the buffer). */
  get x(): Float64Array {
    return this.xs.subarray(0, this.n);
  }
  get y(): Float64Array {
    return this.ys.subarray(0, this.n);
  }

  lastX(): number | undefined {
    return this.n ? this.xs[this.n - 1] : undefined;
  }
  lastY(): number | undefined {
    return this.n ? this.ys[this.n - 1] : undefined;
  }

  /** Appends one point, first dropping any at or past x. */
  push(x: number, y: number): void {
    if (this.n && this.xs[this.n - 1]! >= x) this.truncateFrom(x);
    if (this.n === this.xs.length) this.grow(this.n * 2);
    this.xs[this.n] = x;
    this.ys[this.n] = y;
    this.n++;
  }

  /** Appends many points (x increasing); the batch form of push. */
  pushMany(x: ArrayLike<number>, y: ArrayLike<number>): void {
    const m = Math.min(x.length, y.length);
    if (!m) return;
    if (this.n && this.xs[this.n - 1]! >= x[0]!) this.truncateFrom(x[0]!);
    if (this.n + m > this.xs.length) this.grow(Math.max(this.xs.length * 2, this.n + m));
    for (let i = 0; i < m; i++) {
      this.xs[this.n + i] = x[i]!;
      this.ys[this.n + i] = y[i]!;
    }
    this.n += m;
  }

  /** Drops the points with x >= from; returns how many went. */
  truncateFrom(from: number): number {
    const keep = lowerBound(this.xs, this.n, from);
    const dropped = this.n - keep;
    this.n = keep;
    return dropped;
  }

  clear(): void {
    this.n = 0;
  }

  /** Index of the point whose x is nearest to `x` (-1 when empty). */
  nearest(x: number): number {
    if (!this.n) return -1;
    const i = lowerBound(this.xs, this.n, x);
    if (i >= this.n) return this.n - 1;
    if (i === 0) return 0;
    return x - this.xs[i - 1]! <= this.xs[i]! - x ? i - 1 : i;
  }

  /** The point with the largest y (first of equals), or undefined when empty. */
  max(): { x: number; y: number } | undefined {
    let best = -1;
    for (let i = 0; i < this.n; i++) if (best < 0 || this.ys[i]! > this.ys[best]!) best = i;
    return best < 0 ? undefined : { x: this.xs[best]!, y: this.ys[best]! };
  }

  /** The point with the smallest y (first of equals), or undefined when empty. */
  min(): { x: number; y: number } | undefined {
    let best = -1;
    for (let i = 0; i < this.n; i++) if (best < 0 || this.ys[i]! < this.ys[best]!) best = i;
    return best < 0 ? undefined : { x: this.xs[best]!, y: this.ys[best]! };
  }

  /** Plain points (tests, small series). */
  toArray(): { x: number; y: number }[] {
    const out: { x: number; y: number }[] = [];
    for (let i = 0; i < this.n; i++) out.push({ x: this.xs[i]!, y: this.ys[i]! });
    return out;
  }

  private grow(capacity: number): void {
    const xs = new Float64Array(capacity);
    const ys = new Float64Array(capacity);
    xs.set(this.xs.subarray(0, this.n));
    ys.set(this.ys.subarray(0, this.n));
    this.xs = xs;
    this.ys = ys;
  }
}

/** First index in xs[0..n) whose value is >= v. */
export function lowerBound(xs: ArrayLike<number>, n: number, v: number): number {
  let lo = 0, hi = n;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (xs[mid]! < v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
