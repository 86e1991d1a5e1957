// Opset facts: from which opset an attribute of the IR becomes an input tensor in ONNX.
// The IR always stores these as attributes; the emitter converts.
export const DEFAULT_OPSET = 17;
/** IR version paired with each opset (onnx/helper.py VERSION_TABLE). */
export const IR_VERSION: Record<number, number> = { 17: 8, 18: 8, 19: 9, 20: 9, 21: 10, 22: 10 };

/** op -> attribute name -> first opset in which it is an input, and its input slot. */
export const ATTRS_AS_INPUTS: Record<string, { attr: string; since: number; slot: number }[]> = {
  ReduceSum: [{ attr: 'axes', since: 13, slot: 1 }],
  ReduceMean: [{ attr: 'axes', since: 18, slot: 1 }],
  ReduceMax: [{ attr: 'axes', since: 18, slot: 1 }],
  ReduceSumSquare: [{ attr: 'axes', since: 18, slot: 1 }],
  ReduceMin: [{ attr: 'axes', since: 18, slot: 1 }],
  Squeeze: [{ attr: 'axes', since: 13, slot: 1 }],
  Unsqueeze: [{ attr: 'axes', since: 13, slot: 1 }],
  Split: [{ attr: 'split', since: 13, slot: 1 }],
  Slice: [
    { attr: 'starts', since: 10, slot: 1 },
    { attr: 'ends', since: 10, slot: 2 },
    { attr: 'axes', since: 10, slot: 3 },
    { attr: 'steps', since: 10, slot: 4 },
  ],
};

/**
 * Ops outside the default ONNX domain, with the domain's opset version: ONNX Runtime's contrib ops, used where
 * the standard ops cost passes ORT cannot fuse away (FusedMatMul: a batched product with a transposed operand).
 */
export const OP_DOMAINS: Partial<Record<string, { domain: string; version: number }>> = {
  FusedMatMul: { domain: 'com.microsoft', version: 1 },
};

/** Minimum opset needed by an op/attribute combination used by the builder. */
export function minOpsetFor(opType: string, attrs: Record<string, unknown>): number {
  if ((opType === 'ScatterND' || opType === 'ScatterElements') && 'reduction' in attrs) return 16;
  return 13;
}
