// Core IR types: dtypes, dims, attributes, values and nodes.
import type { Graph } from './graph';

export type DType = 'float32' | 'float64' | 'int64' | 'int32' | 'bool';
/** A dimension: a number, or a symbolic name like 'batch'. Names starting with '?' are unknown dims made up by inference. */
export type Dim = number | string;
export type TensorData = Float32Array | Float64Array | BigInt64Array | Int32Array | Uint8Array;

export type Attr =
  | { kind: 'int'; value: number }
  | { kind: 'float'; value: number }
  | { kind: 'string'; value: string }
  | { kind: 'ints'; value: number[] }
  | { kind: 'floats'; value: number[] }
  | { kind: 'tensor'; value: { dtype: DType; shape: number[]; data: TensorData } };

export const attr = {
  int: (value: number): Attr => ({ kind: 'int', value }),
  float: (value: number): Attr => ({ kind: 'float', value }),
  string: (value: string): Attr => ({ kind: 'string', value }),
  ints: (value: number[]): Attr => ({ kind: 'ints', value }),
  floats: (value: number[]): Attr => ({ kind: 'floats', value }),
};

export const isFloat = (d: DType): boolean => d === 'float32' || d === 'float64';

let nextValueId = 0;

export class Value {
  readonly id = nextValueId++;
  /** Set for graph inputs. */
  inputName: string | null = null;
  /** Set for constants (initializers). */
  data: TensorData | null = null;
  constructor(
    readonly graph: Graph,
    readonly dtype: DType,
    readonly shape: readonly Dim[],
    readonly node: Node | null,
    readonly outputIndex = 0,
  ) {}
  get rank(): number {
    return this.shape.length;
  }
  /** True when every dim is a number. */
  get isStatic(): boolean {
    return this.shape.every((d) => typeof d === 'number');
  }
  toString(): string {
    const what = this.inputName ? `input '${this.inputName}'` : this.data ? 'constant' : this.node ? `${this.node.opType} output` : 'value';
    return `${what} ${this.dtype}[${this.shape.join(', ')}]`;
  }
}

let nextNodeId = 0;

/**
 * A node's own gradient: adjoints of its inputs from those of its outputs. For composites whose backward differs on
 * purpose from what the ops' table rules would build (Graph.maskedDropout, Graph.geluTimesTwo); every other node uses
 * the rules table.
 */
export type NodeGradRule = (dy: (Value | null)[], needs: boolean[]) => (Value | null)[];

export class Node {
  readonly id = nextNodeId++;
  readonly outputs: Value[] = [];
  gradRule?: NodeGradRule;
  constructor(
    readonly opType: OpType,
    readonly inputs: (Value | null)[],
    readonly attrs: Record<string, Attr>,
  ) {}
  toString(): string {
    return `${this.opType}#${this.id}`;
  }
  int(name: string, dflt: number): number {
    const a = this.attrs[name];
    return a && (a.kind === 'int' || a.kind === 'float') ? a.value : dflt;
  }
  float(name: string, dflt: number): number {
    const a = this.attrs[name];
    return a && (a.kind === 'int' || a.kind === 'float') ? a.value : dflt;
  }
  ints(name: string): number[] | undefined {
    const a = this.attrs[name];
    return a && a.kind === 'ints' ? a.value : undefined;
  }
  string(name: string, dflt: string): string {
    const a = this.attrs[name];
    return a && a.kind === 'string' ? a.value : dflt;
  }
}

/** Every ONNX op the builder can create; the gradient table is keyed by this, so a new op without a rule fails to compile. */
export const OP_TYPES = [
  'Add', 'Sub', 'Mul', 'Div', 'Pow', 'Min', 'Max', 'Equal', 'Less', 'Greater', 'And', 'Not', 'Neg', 'Sqrt', 'Exp', 'Log', 'Tanh',
  'Sigmoid', 'Relu', 'Erf', 'Abs', 'Reciprocal', 'Identity', 'Where', 'Cast', 'Clip', 'MatMul', 'Gemm', 'Softmax', 'LogSoftmax',
  'LayerNormalization', 'Dropout', 'SoftmaxCrossEntropyLoss', 'Gather', 'GatherElements', 'ScatterND', 'ScatterElements', 'Shape',
  'Size', 'Reshape', 'Transpose', 'Unsqueeze', 'Squeeze', 'Concat', 'Split', 'Slice', 'Pad', 'Expand', 'ConstantOfShape', 'Range',
  'ReduceSum', 'ReduceMean', 'ReduceMax', 'ReduceSumSquare',
  'ReduceMin', 'ArgMax', 'GreaterOrEqual', 'LessOrEqual', 'Or', 'Sign', 'Floor', 'Sin', 'Cos', 'Tile',
  'FusedMatMul', // com.microsoft (onnx/opset.ts OP_DOMAINS)
] as const;
export type OpType = (typeof OP_TYPES)[number];
