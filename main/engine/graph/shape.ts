// Static shape helpers used by the builder's inference (symbolic dims included).
import type { Dim } from './types';

let unknownCounter = 0;
/** A fresh unknown dim. */
export const unknownDim = (): string => `?${++unknownCounter}`;
export const isUnknown = (d: Dim): boolean => typeof d === 'string' && d.startsWith('?');

export class ShapeError extends Error {}

export function fmt(shape: readonly Dim[]): string {
  return `[${shape.join(', ')}]`;
}

/** Numpy broadcasting of several shapes; throws naming op and shapes when incompatible. */
export function broadcastShapes(op: string, shapes: (readonly Dim[])[]): Dim[] {
  const rank = Math.max(...shapes.map((s) => s.length));
  const out: Dim[] = [];
  for (let i = 0; i < rank; i++) {
    let d: Dim = 1;
    for (const s of shapes) {
      const e = s[s.length - rank + i];
      if (e === undefined || e === 1 || e === d) continue;
      if (d === 1 || isUnknown(d)) d = e;
      else if (isUnknown(e)) continue;
      else if (typeof d === 'string' && typeof e === 'number') d = e; // a named dim meeting a number: it must be that number
      else if (typeof d === 'number' && typeof e === 'string') continue;
      else throw new ShapeError(`${op}: cannot broadcast shapes ${shapes.map(fmt).join(' and ')} (dim ${i - rank}: ${d} vs ${e})`);
    }
    out.push(d);
  }
  return out;
}

export function normAxis(op: string, axis: number, rank: number): number {
  const a = axis < 0 ? axis + rank : axis;
  if (a < 0 || a >= rank) throw new ShapeError(`${op}: axis ${axis} out of range for rank ${rank}`);
  return a;
}

export function product(dims: readonly Dim[]): Dim {
  let p = 1;
  for (const d of dims) {
    if (typeof d !== 'number') return unknownDim();
    p *= d;
  }
  return p;
}

/** Element-count ratio num/den with symbolic names cancelled; unknown when it cannot be resolved. */
export function dimRatio(num: readonly Dim[], den: readonly Dim[]): Dim {
  const syms = new Map<string, number>();
  let n = 1;
  let d = 1;
  for (const x of num) {
    if (typeof x === 'number') n *= x;
    else syms.set(x, (syms.get(x) ?? 0) + 1);
  }
  for (const x of den) {
    if (typeof x === 'number') d *= x;
    else {
      const c = syms.get(x) ?? 0;
      if (c === 0) return unknownDim();
      syms.set(x, c - 1);
    }
  }
  const left = [...syms].flatMap(([k, c]) => Array<string>(c).fill(k));
  if (left.some(isUnknown)) return unknownDim();
  if (left.length === 0) return d !== 0 && n % d === 0 ? n / d : unknownDim();
  if (left.length === 1 && n === d) return left[0]!;
  return unknownDim();
}
