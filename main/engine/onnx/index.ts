export { toModelProto, fromModelProto, liveNodes, type EmitOptions } from './emit';
export { DEFAULT_OPSET, ATTRS_AS_INPUTS } from './opset';
