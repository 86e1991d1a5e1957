// Dtype tables and conversions between JS arrays and typed tensor data.
import type { DType, Dim, TensorData, Value } from './types';
import { ShapeError, unknownDim } from './shape';

export const ONNX_DTYPE: Record<DType, number> = { float32: 1, float64: 11, int64: 7, int32: 6, bool: 9 };

export function typedArrayFor(dtype: DType, values: number[]): TensorData {
  switch (dtype) {
    case 'float32': return Float32Array.from(values);
    case 'float64': return Float64Array.from(values);
    case 'int64': return BigInt64Array.from(values.map((v) => BigInt(Math.trunc(v))));
    case 'int32': return Int32Array.from(values);
    case 'bool': return Uint8Array.from(values.map((v) => (v ? 1 : 0)));
  }
}

export function dtypeOfData(data: TensorData): DType {
  if (data instanceof Float32Array) return 'float32';
  if (data instanceof Float64Array) return 'float64';
  if (data instanceof BigInt64Array) return 'int64';
  if (data instanceof Int32Array) return 'int32';
  return 'bool';
}

/** What is statically known about the dims held by a 1-D int64 shape tensor (a constant, or Shape of a value). */
export function knownDims(shape: Value): Dim[] {
  if (shape.data) return Array.from(shape.data as BigInt64Array, Number);
  if (shape.node?.opType === 'Shape') return [...shape.node.inputs[0]!.shape];
  const n = shape.shape[0];
  if (typeof n !== 'number') throw new ShapeError(`shape tensor ${shape} must have a static length`);
  return Array.from({ length: n }, unknownDim);
}

