// ONNX Runtime sessions over Chorus graphs: execution-provider choice, threads, pre-allocated outputs.
import * as ort from 'onnxruntime-node';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { Graph } from '../graph';
import { toModelProto } from '../onnx';
import { returnOutputCopies } from './trainer-process';

export type ExecutionProviderName = 'cpu' | 'cuda' | 'webgpu' | 'dml' | 'coreml' | 'auto';
export interface SessionOptions {
  threads?: number;
  executionProvider?: ExecutionProviderName;
  optimizationLevel?: 'disabled' | 'basic' | 'extended' | 'all';
  enableProfiling?: boolean;
  /** Profile file name prefix (ORT writes `<prefix>_<date>.json` in the working directory). */
  profileFilePrefix?: string;
  /**
   * ORT's memory pattern planner (enableMemPattern; ORT's default is on). Chorus defaults it off: measured with
   * test/bench/engine.ts, peak RSS fell ~40% (tiny train 2480 -> 1505 MiB, tiny infer 557 -> 350 MiB) at the same speed.
   */
  memoryPattern?: boolean;
  /** Whether intra-op worker threads spin while waiting for work (ORT default: true). */
  intraOpSpinning?: boolean;
  /** ONNX opset to emit when given a Graph (default 17). */
  opset?: number;
}

/** Providers in the order 'auto' tries them before falling back to CPU. */
const AUTO_ORDER: Exclude<ExecutionProviderName, 'auto' | 'cpu'>[] = ['cuda', 'dml', 'coreml', 'webgpu'];

/** What 'auto' settled on in this process: probing providers once is slow and noisy, so later sessions reuse it. */
let autoChoice: { ep: Exclude<ExecutionProviderName, 'auto'>; reason: string | null } | null = null;

/** Whether onnxruntime-node's CUDA provider library sits beside its binding (its install script fetches it on request). */
function cudaLibrariesPresent(): boolean {
  try {
    const root = dirname(dirname(createRequire(import.meta.url).resolve('onnxruntime-node')));
    const dir = join(root, 'bin', 'napi-v6', process.platform, process.arch);
    return existsSync(join(dir, process.platform === 'win32' ? 'onnxruntime_providers_cuda.dll' : 'libonnxruntime_providers_cuda.so'));
  } catch {
    return true; // unknown layout: let ORT try
  }
}

/** What 'auto' uses on this machine (probing once with a one-node graph when no session has decided it yet). */
export async function resolveAutoDevice(): Promise<{ ep: Exclude<ExecutionProviderName, 'auto'>; reason: string | null }> {
  if (!autoChoice) {
    const g = new Graph('probe');
    g.output(g.relu(g.input('x', 'float32', [1])), 'y');
    await (await GraphSession.create(g, { executionProvider: 'auto' })).release();
  }
  return autoChoice!;
}

export function availableExecutionProviders(): string[] {
  return ort.listSupportedBackends().map((b) => b.name);
}

export class GraphSession {
  /** The provider actually in use, and why 'auto' fell back when it did. */
  readonly executionProvider: Exclude<ExecutionProviderName, 'auto'>;
  readonly fallbackReason: string | null;

  private constructor(
    private readonly session: ort.InferenceSession,
    provider: Exclude<ExecutionProviderName, 'auto'>,
    fallbackReason: string | null,
  ) {
    this.executionProvider = provider;
    this.fallbackReason = fallbackReason;
  }

  get inputNames(): string[] {
    return [...this.session.inputNames];
  }
  get outputNames(): string[] {
    return [...this.session.outputNames];
  }

  static async create(graph: Graph | Uint8Array, opts: SessionOptions = {}): Promise<GraphSession> {
    const bytes = graph instanceof Graph ? toModelProto(graph, { opset: opts.opset }) : graph;
    const requested = opts.executionProvider ?? 'cpu';
    const available = availableExecutionProviders();
    const base: ort.InferenceSession.SessionOptions = {
      graphOptimizationLevel: opts.optimizationLevel ?? 'all',
      enableProfiling: opts.enableProfiling ?? false,
      enableMemPattern: opts.memoryPattern ?? false,
      ...(opts.profileFilePrefix ? { profileFilePrefix: opts.profileFilePrefix } : {}),
      ...(opts.intraOpSpinning === undefined ? {} : { extra: { session: { intra_op: { allow_spinning: opts.intraOpSpinning ? '1' : '0' } } } }),
      ...(opts.threads ? { intraOpNumThreads: opts.threads, interOpNumThreads: 1 } : {}),
    };
    const tryCreate = (ep: string) => ort.InferenceSession.create(bytes, { ...base, executionProviders: [ep] });
    if (requested === 'auto') {
      if (autoChoice) return new GraphSession(await tryCreate(autoChoice.ep), autoChoice.ep, autoChoice.reason); // decided once per process
      const failures: string[] = [];
      for (const ep of AUTO_ORDER) {
        if (!available.includes(ep)) continue;
        if (ep === 'cuda' && !cudaLibrariesPresent()) { failures.push('cuda: CUDA provider libraries not installed (see README, GPU)'); continue; }
        try {
          const session = await ort.InferenceSession.create(bytes, { ...base, logSeverityLevel: 4, executionProviders: [ep] });
          autoChoice = { ep, reason: null };
          return new GraphSession(session, ep, null);
        } catch (e) {
          failures.push(`${ep}: ${(e as Error).message.split('\n')[0]}`);
        }
      }
      const reason = `no accelerator usable (available: ${available.join(', ')}${failures.length ? `; ${failures.join('; ')}` : ''}), using cpu`;
      autoChoice = { ep: 'cpu', reason };
      return new GraphSession(await tryCreate('cpu'), 'cpu', reason);
    }
    if (!available.includes(requested))
      throw new Error(`execution provider '${requested}' is not available in this onnxruntime-node build (available: ${available.join(', ')})`);
    try {
      return new GraphSession(await tryCreate(requested), requested, null);
    } catch (e) {
      throw new Error(`execution provider '${requested}' failed to create a session (available: ${available.join(', ')}): ${(e as Error).message}`, { cause: e });
    }
  }

  /**
   * Runs the graph. `outputs` maps output names to pre-allocated tensors (filled in place and returned as the same objects)
   * or null (allocated by ORT); when given, only those outputs are computed.
   * Note: onnxruntime-node 1.30 writes into the pre-allocated buffer but still copies it into a new JS tensor, which
   * is dropped here; big copies are handed back at once (returnOutputCopies, in a trainer process).
   */
  async run(feeds: Record<string, ort.Tensor>, outputs?: Record<string, ort.Tensor | null>): Promise<Record<string, ort.Tensor>> {
    const res = (outputs ? await this.session.run(feeds, outputs) : await this.session.run(feeds)) as Record<string, ort.Tensor>;
    if (!outputs) return res;
    let dropped = 0;
    for (const [name, t] of Object.entries(outputs)) if (t) {
      dropped += (res[name]!.data as ArrayBufferView).byteLength;
      res[name] = t;
    }
    returnOutputCopies(dropped);
    return res;
  }

  /** Stops profiling (when enabled) and writes ORT's profile file. */
  endProfiling(): void {
    this.session.endProfiling();
  }

  async release(): Promise<void> {
    await this.session.release();
  }
}
