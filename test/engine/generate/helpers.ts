// Shared bits of the generation tests: a seeded model initialisation and int64 tensors.
import * as ort from 'onnxruntime-node';
import { layoutFor, type ModelSpec } from '../../../main/engine/train';
import { mulberry32 } from '../../../main/engine/generate';

/** Matrices and tables N(0, std) (Box-Muller over a seeded generator), LayerNorm weights 1, biases 0. */
export function initParams(spec: ModelSpec, seed = 1, std = 0.02): Float32Array {
  const layout = layoutFor(spec);
  const p = new Float32Array(layout.size);
  const u = mulberry32(seed);
  const normal = () => Math.sqrt(-2 * Math.log(1 - u())) * Math.cos(2 * Math.PI * u());
  for (const e of layout.entries) {
    for (let i = e.offset; i < e.offset + e.size; i++) p[i] = e.name.includes('LayerNorm.weight') ? 1 : e.name.endsWith('.bias') ? 0 : std * normal();
  }
  return p;
}

export const i64 = (v: number[], shape: number[]): ort.Tensor => new ort.Tensor('int64', BigInt64Array.from(v.map(BigInt)), shape);

/** Encoder inputs for rows of token ids, right-padded with 0. */
export function sources(rows: number[][]): { input_ids: ort.Tensor; attention_mask: ort.Tensor; token_type_ids: ort.Tensor } {
  const S = Math.max(...rows.map((r) => r.length));
  const ids = rows.flatMap((r) => [...r, ...new Array<number>(S - r.length).fill(0)]);
  const mask = rows.flatMap((r) => [...r.map(() => 1), ...new Array<number>(S - r.length).fill(0)]);
  return { input_ids: i64(ids, [rows.length, S]), attention_mask: i64(mask, [rows.length, S]), token_type_ids: i64(ids.map(() => 0), [rows.length, S]) };
}
