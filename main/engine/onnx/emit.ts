// Serialises a Graph to an ONNX ModelProto (protobufjs). Names are generated here; unused nodes are pruned.
import protobuf from 'protobufjs';
import { Graph, ONNX_DTYPE, Node, Value, type Attr, type TensorData } from '../graph';
import { onnxDescriptor } from './proto';
import { ATTRS_AS_INPUTS, DEFAULT_OPSET, IR_VERSION, minOpsetFor, OP_DOMAINS } from './opset';

const root = protobuf.Root.fromJSON(onnxDescriptor as unknown as protobuf.INamespace);
const ModelProto = root.lookupType('onnx.ModelProto');

export interface EmitOptions { opset?: number; producerName?: string }

function rawBytes(data: TensorData): Uint8Array {
  // Typed arrays are little-endian on every platform Chorus runs on.
  return new Uint8Array(data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength));
}

function tensorProto(name: string, dtype: keyof typeof ONNX_DTYPE, shape: readonly number[], data: TensorData) {
  return { name, dataType: ONNX_DTYPE[dtype], dims: [...shape], rawData: rawBytes(data) };
}

function valueInfo(name: string, v: Value) {
  return {
    name,
    type: {
      tensorType: {
        elemType: ONNX_DTYPE[v.dtype],
        shape: { dim: v.shape.map((d) => (typeof d === 'number' ? { dimValue: d } : d.startsWith('?') ? {} : { dimParam: d })) },
      },
    },
  };
}

function attrProto(name: string, a: Attr) {
  switch (a.kind) {
    case 'int': return { name, type: 2, i: a.value };
    case 'float': return { name, type: 1, f: a.value };
    case 'string': return { name, type: 3, s: new TextEncoder().encode(a.value) };
    case 'ints': return { name, type: 7, ints: a.value };
    case 'floats': return { name, type: 6, floats: a.value };
    case 'tensor': return { name, type: 4, t: tensorProto('', a.value.dtype, a.value.shape, a.value.data) };
  }
}

/** The nodes needed to compute the graph's outputs, in topological (creation) order. */
export function liveNodes(graph: Graph): Node[] {
  const live = new Set<Node>();
  const stack = graph.outputs.map((o) => o.value.node).filter((n): n is Node => n !== null);
  while (stack.length) {
    const n = stack.pop()!;
    if (live.has(n)) continue;
    live.add(n);
    for (const v of n.inputs) if (v?.node) stack.push(v.node);
  }
  return graph.nodes.filter((n) => live.has(n));
}

export function toModelProto(graph: Graph, opts: EmitOptions = {}): Uint8Array {
  const opset = opts.opset ?? DEFAULT_OPSET;
  if (opset < 17) throw new Error(`toModelProto: opset ${opset} unsupported (need >= 17)`);
  if (graph.outputs.length === 0) throw new Error(`toModelProto: graph '${graph.name}' has no outputs`);
  const names = new Map<Value, string>();
  const used = new Set<string>();
  const fresh = (base: string) => {
    let n = base;
    for (let i = 1; used.has(n); i++) n = `${base}_${i}`;
    used.add(n);
    return n;
  };
  for (const v of graph.inputs) names.set(v, fresh(v.inputName!));
  for (const o of graph.outputs) used.add(o.name);
  // A node's value that is a graph output takes the output's name (ONNX lets other nodes consume a graph output), so
  // no Identity copy is needed; ORT cannot drop such an Identity when the value has other consumers (m_out, v_out).
  for (const o of graph.outputs) if (o.value.node && !o.value.data && !names.has(o.value)) names.set(o.value, o.name);
  const nameOf = (v: Value): string => {
    let n = names.get(v);
    if (n === undefined) {
      n = fresh(v.data ? `c${v.id}` : `${v.node ? v.node.opType : 'v'}_${v.id}`);
      names.set(v, n);
    }
    return n;
  };

  const nodes = liveNodes(graph);
  const initializers: ReturnType<typeof tensorProto>[] = [];
  const constSeen = new Set<Value>();
  const extraInit: ReturnType<typeof tensorProto>[] = [];
  const nodeProtos = [];
  const domainsUsed = new Map<string, number>(); // contrib domains the nodes use, for opsetImport
  for (const n of nodes) {
    const inputs = n.inputs.map((v) => (v ? nameOf(v) : ''));
    for (const v of n.inputs) if (v?.data && !constSeen.has(v)) {
      constSeen.add(v);
      initializers.push(tensorProto(nameOf(v), v.dtype, v.shape as number[], v.data));
    }
    const attrs = { ...n.attrs };
    for (const c of ATTRS_AS_INPUTS[n.opType] ?? []) {
      if (opset < c.since) continue;
      const a = attrs[c.attr];
      delete attrs[c.attr];
      if (!a || a.kind !== 'ints') continue;
      const nm = fresh(`${n.opType}_${n.id}_${c.attr}`);
      extraInit.push(tensorProto(nm, 'int64', [a.value.length], BigInt64Array.from(a.value.map(BigInt))));
      while (inputs.length < c.slot) inputs.push('');
      inputs[c.slot] = nm;
    }
    const need = minOpsetFor(n.opType, attrs);
    if (need > opset) throw new Error(`toModelProto: ${n} needs opset ${need}, emitting ${opset}`);
    while (inputs.length && inputs[inputs.length - 1] === '') inputs.pop();
    const domain = OP_DOMAINS[n.opType];
    if (domain) domainsUsed.set(domain.domain, domain.version);
    nodeProtos.push({
      name: `${n.opType}_${n.id}`,
      opType: n.opType,
      ...(domain ? { domain: domain.domain } : {}),
      input: inputs,
      output: n.outputs.map(nameOf),
      attribute: Object.entries(attrs).map(([k, a]) => attrProto(k, a)),
    });
  }
  // Outputs: a graph output name must be produced by a node; add Identity when it is an input, constant, or used twice.
  const outputs = [];
  for (const o of graph.outputs) {
    if (nameOf(o.value) !== o.name) nodeProtos.push({ name: `out_${o.name}`, opType: 'Identity', input: [nameOf(o.value)], output: [o.name], attribute: [] });
    if (o.value.data && !constSeen.has(o.value)) {
      constSeen.add(o.value);
      initializers.push(tensorProto(nameOf(o.value), o.value.dtype, o.value.shape as number[], o.value.data));
    }
    outputs.push(valueInfo(o.name, o.value));
  }
  const model = {
    irVersion: IR_VERSION[opset] ?? 8,
    producerName: opts.producerName ?? 'chorus',
    opsetImport: [{ domain: '', version: opset }, ...[...domainsUsed].map(([domain, version]) => ({ domain, version }))],
    graph: {
      name: graph.name,
      node: nodeProtos,
      initializer: [...initializers, ...extraInit],
      input: graph.inputs.map((v) => valueInfo(names.get(v)!, v)),
      output: outputs,
    },
  };
  const err = ModelProto.verify(model);
  if (err) throw new Error(`toModelProto: invalid model: ${err}`);
  return ModelProto.encode(ModelProto.fromObject(model)).finish();
}

/** Decodes a ModelProto (for tests and debugging). */
export function fromModelProto(bytes: Uint8Array): Record<string, unknown> {
  return ModelProto.toObject(ModelProto.decode(bytes), { longs: Number, bytes: Array, defaults: false }) as Record<string, unknown>;
}
