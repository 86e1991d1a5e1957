// Reverse-mode autodiff over a Graph: appends backward nodes built from the rules table.
import { isFloat, type Node, type Value } from '../graph';
import { fillLike } from './helpers';
import { NON_DIFFERENTIABLE, rules } from './rules';

/**
 * d(sum of loss)/d(each wrt), as new values in loss.graph (loss of any shape is seeded with ones).
 * `wrt` may be graph inputs, constants or intermediate values; null where a wrt does not influence loss.
 */
export function gradients(loss: Value, wrt: Value[]): (Value | null)[] {
  const g = loss.graph;
  for (const w of wrt) if (w.graph !== g) throw new Error(`gradients: ${w} belongs to another graph than the loss`);
  if (!isFloat(loss.dtype)) throw new Error(`gradients: loss must be floating point, got ${loss}`);
  const nodes = [...g.nodes];

  // Values that depend on some wrt (forward), through differentiable ops only.
  const depends = new Set<Value>(wrt);
  for (const n of nodes) {
    if (rules[n.opType] === NON_DIFFERENTIABLE) continue;
    if (n.inputs.some((v) => v && depends.has(v))) for (const o of n.outputs) if (isFloat(o.dtype)) depends.add(o);
  }
  if (!depends.has(loss)) return wrt.map((w) => (w === loss ? seed(loss) : null));

  const adjoint = new Map<Value, Value>();
  adjoint.set(loss, seed(loss));
  const accumulate = (v: Value, d: Value) => {
    const prev = adjoint.get(v);
    adjoint.set(v, prev ? sumAdjoints(prev, d) : d);
  };

  const lossIndex = loss.node ? nodes.indexOf(loss.node) : -1;
  for (let i = lossIndex; i >= 0; i--) {
    const n = nodes[i]!;
    const dy = n.outputs.map((o) => adjoint.get(o) ?? null);
    if (dy.every((d) => d === null)) continue;
    const needs = n.inputs.map((v) => !!v && depends.has(v) && isFloat(v.dtype));
    if (!needs.some(Boolean)) continue;
    const dx = runRule(n, dy, needs);
    n.inputs.forEach((v, j) => {
      const d = dx[j];
      if (v && needs[j] && d) accumulate(v, d);
    });
  }
  return wrt.map((w) => adjoint.get(w) ?? null);
}

/**
 * prev + d. A scatter-add onto zeros (an embedding's gradient, one per lookup) becomes a scatter-add onto the other
 * term: the same sum without a dense zero table filled and copied, nor a dense Add.
 */
function sumAdjoints(prev: Value, d: Value): Value {
  const g = prev.graph;
  const sameShape = prev.rank === d.rank && prev.shape.every((s, i) => s === d.shape[i]);
  if (sameShape) {
    if (isScatterAddOntoZeros(d)) return g.scatterND(prev, d.node!.inputs[1]!, d.node!.inputs[2]!, { reduction: 'add' });
    if (isScatterAddOntoZeros(prev)) return g.scatterND(d, prev.node!.inputs[1]!, prev.node!.inputs[2]!, { reduction: 'add' });
  }
  return g.add(prev, d);
}

function isScatterAddOntoZeros(v: Value): boolean {
  const n = v.node;
  if (n?.opType !== 'ScatterND' || n.attrs.reduction?.kind !== 'string' || n.attrs.reduction.value !== 'add') return false;
  const data = n.inputs[0]?.node;
  const fill = data?.attrs.value;
  return data?.opType === 'ConstantOfShape' && fill?.kind === 'tensor' && fill.value.data.length === 1 && Number(fill.value.data[0]) === 0;
}

function seed(loss: Value): Value {
  const g = loss.graph;
  return loss.rank === 0 ? g.scalar(1, loss.dtype) : fillLike(g, loss, 1);
}

function runRule(n: Node, dy: (Value | null)[], needs: boolean[]): (Value | null)[] {
  if (n.gradRule) return n.gradRule(dy, needs);
  const rule = rules[n.opType];
  if (rule === undefined) throw new Error(`no gradient rule for op ${n.opType} (node ${n})`);
  if (rule === NON_DIFFERENTIABLE) return n.inputs.map(() => null);
  return rule({ g: n.outputs[0]!.graph, node: n, x: n.inputs, y: n.outputs, dy, needs });
}
