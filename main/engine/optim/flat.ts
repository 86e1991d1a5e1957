// One flat float32 buffer for every parameter, with per-parameter views (offset, shape).
import type { Graph, Value } from '../graph';

export interface FlatEntry { name: string; shape: number[]; offset: number; size: number }

export class FlatLayout {
  readonly entries: FlatEntry[] = [];
  readonly byName = new Map<string, FlatEntry>();
  readonly size: number;

  constructor(shapes: [string, number[]][]) {
    let offset = 0;
    for (const [name, shape] of shapes) {
      if (this.byName.has(name)) throw new Error(`FlatLayout: duplicate parameter '${name}'`);
      const size = shape.reduce((a, b) => a * b, 1);
      const e = { name, shape: [...shape], offset, size };
      this.entries.push(e);
      this.byName.set(name, e);
      offset += size;
    }
    this.size = offset;
  }

  entry(name: string): FlatEntry {
    const e = this.byName.get(name);
    if (!e) throw new Error(`no parameter named '${name}'`);
    return e;
  }

  /** The view of one parameter inside a flat buffer (no copy). */
  view(buf: Float32Array, name: string): Float32Array {
    const e = this.entry(name);
    return buf.subarray(e.offset, e.offset + e.size);
  }

  /** Packs named tensors into a new flat buffer; every parameter must be present with its shape. */
  pack(tensors: Map<string, { shape: number[]; data: ArrayLike<number> }>, what = 'weights'): Float32Array {
    const buf = new Float32Array(this.size);
    for (const e of this.entries) {
      const t = tensors.get(e.name);
      if (!t) throw new Error(`${what}: missing tensor '${e.name}' (expected shape [${e.shape.join(', ')}])`);
      if (t.shape.length !== e.shape.length || t.shape.some((d, i) => d !== e.shape[i]))
        throw new Error(`${what}: tensor '${e.name}' has shape [${t.shape.join(', ')}], expected [${e.shape.join(', ')}]`);
      buf.set(t.data, e.offset);
    }
    return buf;
  }

  /** 1 where weight decay applies, 0 where it does not. */
  mask(rule: (name: string) => boolean): Uint8Array {
    const m = new Uint8Array(this.size);
    for (const e of this.entries) if (rule(e.name)) m.fill(1, e.offset, e.offset + e.size);
    return m;
  }

  /** Per-parameter views of a flat graph value: Slice + Reshape. */
  graphViews(g: Graph, flat: Value): Map<string, Value> {
    const out = new Map<string, Value>();
    for (const e of this.entries) {
      const s = g.slice(flat, [e.offset], [e.offset + e.size], [0]); // [size]
      out.set(e.name, g.reshape(s, e.shape)); // [...shape]
    }
    return out;
  }
}
