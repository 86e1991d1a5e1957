// Forward passes over a flat parameter buffer owned by someone else: evaluation during training, and inference
// from a checkpoint. One session per head subset; symbolic batch and sequence dims, so any batch shape runs.
import * as ort from 'onnxruntime-node';
import { GraphSession, type SessionOptions } from '../runtime';
import { toModelProto } from '../onnx';
import { activeHeadsOf, batchInputNames, buildEvalGraph, type ModelSpec, type TaskHead } from './graph';
import type { HeadBatch } from './session';

export class ForwardSession {
  private constructor(readonly spec: ModelSpec, readonly heads: TaskHead[], private readonly session: GraphSession, readonly size: number) {}

  /** `heads`: names of the heads to compute (all when omitted). */
  static async create(spec: ModelSpec, o: SessionOptions & { heads?: string[] } = {}): Promise<ForwardSession> {
    const { heads, ...so } = o;
    const { graph, layout } = buildEvalGraph(spec, { activeHeads: heads });
    const session = await GraphSession.create(toModelProto(graph), { executionProvider: 'cpu', optimizationLevel: 'all', ...so });
    return new ForwardSession(spec, activeHeadsOf(spec, { activeHeads: heads }), session, layout.size);
  }

  /** Runs every computed head on its batch (labels included: the graph also returns the losses). */
  async run(params: Float32Array, batches: HeadBatch[]): Promise<Record<string, ort.Tensor>> {
    if (params.length !== this.size) throw new Error(`ForwardSession: ${params.length} parameters given, the model has ${this.size}`);
    const feeds: Record<string, ort.Tensor> = {
      params: new ort.Tensor('float32', params, [this.size]),
      task_weights: new ort.Tensor('float32', new Float32Array(this.heads.length).fill(1), [this.heads.length]),
    };
    this.heads.forEach((h, i) => {
      const b = batches[i];
      if (!b) throw new Error(`no batch for head '${h.name}'`);
      for (const full of batchInputNames(h)) {
        const t = b[full.slice(h.name.length + 1)];
        if (!t) throw new Error(`batch for head '${h.name}' has no tensor '${full.slice(h.name.length + 1)}'`);
        feeds[full] = t;
      }
    });
    return this.session.run(feeds);
  }

  release(): Promise<void> {
    return this.session.release();
  }
}

