export { Graph, ONNX_DTYPE, typedArrayFor, type ReduceOptions } from './graph';
export { Value, Node, attr, isFloat, OP_TYPES, type OpType, type DType, type Dim, type Attr, type TensorData } from './types';
export { ShapeError, broadcastShapes, isUnknown } from './shape';
