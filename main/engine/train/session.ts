// A training session over pre-allocated flat buffers: params/m/v are updated in place (or swapped with spares),
// never reallocated.
import * as ort from 'onnxruntime-node';
import { GraphSession, type ExecutionProviderName, type SessionOptions } from '../runtime';
import { toModelProto } from '../onnx';
import type { FlatLayout } from '../optim';
import { DropoutMaskFeeder, symbolSources } from './dropout-masks';
import { activeHeadsOf, batchInputNames, buildEvalGraph, buildTrainGraph, paramInputName, type ModelSpec, type TaskHead, type TrainGraphOptions } from './graph';

/** One head's batch: tensors keyed by their name without the head prefix (input_ids, labels, ...). */
export type HeadBatch = Record<string, ort.Tensor>;

export interface TrainSessionOptions extends TrainGraphOptions {
  threads?: number;
  executionProvider?: ExecutionProviderName;
  optimizationLevel?: 'disabled' | 'basic' | 'extended' | 'all';
  /** ORT profiling of the train-step session (see GraphSession / endProfiling). */
  enableProfiling?: boolean;
  profileFilePrefix?: string;
  intraOpSpinning?: boolean;
  /** ORT memory pattern for both sessions (GraphSession's default: off). */
  memoryPattern?: boolean;
  /**
   * The step writes params/m/v back into the buffers it reads (default true): safe because every node that reads
   * them runs before the node that writes them (data dependencies: the writes are the optimizer's last ops), and it
   * saves three parameter-sized buffers. false: the new state goes to spare buffers, swapped in after the step.
   */
  stateInPlace?: boolean;
}



/** Milliseconds spent building (graph + ONNX serialization) and creating each ORT session. */
export interface CreateTimings { trainBuildMs: number; trainSessionMs: number; evalBuildMs: number; evalSessionMs: number }

export interface StepResult { loss: number; taskLosses: number[]; gradNorm: number; grads?: Float32Array }

export class TrainSession {
  /** Current parameters / optimizer state: updated in place, or swapped with their spares after every step (stateInPlace false). */
  params: Float32Array;
  m: Float32Array;
  v: Float32Array;
  private spare: { params: Float32Array; m: Float32Array; v: Float32Array } | null;
  /** The per-parameter input tensors over each params buffer a step has been fed from (the state and, without in-place updates, its spare). */
  private readonly viewsOf = new WeakMap<Float32Array, Record<string, ort.Tensor>>();
  private readonly lossBuf: Float32Array;
  /** Created on the first evaluate(); sessions that only train never build the eval graph. */
  private evalSession: GraphSession | null = null;
  private evalPending: Promise<GraphSession> | null = null;
  private readonly normBuf = new Float32Array(1);
  private readonly tlBuf: Float32Array;
  step = 0;
  timings: CreateTimings = { trainBuildMs: 0, trainSessionMs: 0, evalBuildMs: 0, evalSessionMs: 0 };

  private constructor(
    readonly spec: ModelSpec,
    readonly layout: FlatLayout,
    private readonly train: GraphSession,
    private readonly so: SessionOptions,
    private readonly concatHeads: boolean,
    /** Whether the train graph outputs the raw flat gradient (TrainGraphOptions.debugGrads). */
    readonly debugGrads: boolean,
    initial: Float32Array,
    activeHeads: string[] | undefined,
    /** Draws the train graph's fed dropout masks (none when it has no dropout or keeps ORT's Dropout op). */
    private readonly masks: DropoutMaskFeeder,
    /** Whether the train graph still holds ORT Dropout nodes, whose generators only move by running. */
    private readonly ortDropout: boolean,
    stateInPlace: boolean,
  ) {
    const N = layout.size;
    if (initial.length !== N) throw new Error(`TrainSession: initial parameters have ${initial.length} values, the model needs ${N}`);
    this.params = Float32Array.from(initial);
    this.m = new Float32Array(N);
    this.v = new Float32Array(N);
    this.spare = stateInPlace ? null : { params: new Float32Array(N), m: new Float32Array(N), v: new Float32Array(N) };
    this.lossBuf = new Float32Array(1);
    this.heads = activeHeadsOf(spec, { activeHeads });
    this.tlBuf = new Float32Array(this.heads.length);
  }

  static async create(spec: ModelSpec, initial: Float32Array, o: TrainSessionOptions): Promise<TrainSession> {
    const so: SessionOptions = { threads: o.threads, executionProvider: o.executionProvider ?? 'cpu', optimizationLevel: o.optimizationLevel ?? 'all', intraOpSpinning: o.intraOpSpinning, memoryPattern: o.memoryPattern };
    let t = performance.now();
    const lap = () => { const now = performance.now(), d = now - t; t = now; return d; };
    const debugGrads = o.debugGrads ?? false;
    const { graph, layout, maskSites } = buildTrainGraph(spec, { ...o, debugGrads });
    const trainBytes = toModelProto(graph);
    const trainBuildMs = lap();
    const train = await GraphSession.create(trainBytes, { ...so, enableProfiling: o.enableProfiling, profileFilePrefix: o.profileFilePrefix });
    const masks = new DropoutMaskFeeder(maskSites, symbolSources(graph), o.dropoutSeed ?? Math.floor(Math.random() * 2 ** 31));
    const ortDropout = graph.nodes.some((n) => n.opType === 'Dropout');
    const s = new TrainSession(spec, layout, train, so, o.concatHeads ?? false, debugGrads, initial, o.activeHeads, masks, ortDropout, o.stateInPlace ?? true);
    s.timings = { trainBuildMs, trainSessionMs: lap(), evalBuildMs: 0, evalSessionMs: 0 };
    return s;
  }

  /** The eval session, built on first use (its build/create times then land in timings). */
  private evalGraphSession(): Promise<GraphSession> {
    if (this.evalSession) return Promise.resolve(this.evalSession);
    this.evalPending ??= (async () => {
      let t = performance.now();
      const evalBytes = toModelProto(buildEvalGraph(this.spec, { concatHeads: this.concatHeads, activeHeads: this.heads.map((h) => h.name) }).graph);
      this.timings.evalBuildMs = performance.now() - t;
      t = performance.now();
      const ev = await GraphSession.create(evalBytes, this.so);
      this.timings.evalSessionMs = performance.now() - t;
      this.evalSession = ev;
      return ev;
    })();
    return this.evalPending;
  }

  /** The heads this session's train graph computes (all unless TrainSessionOptions.activeHeads). */
  readonly heads: TaskHead[];

  private batchFeeds(batches: HeadBatch[], heads: TaskHead[] = this.heads): Record<string, ort.Tensor> {
    const feeds: Record<string, ort.Tensor> = {};
    heads.forEach((h, i) => {
      const b = batches[i];
      if (!b) throw new Error(`no batch for head '${h.name}'`);
      for (const full of batchInputNames(h)) {
        const short = full.slice(h.name.length + 1);
        const t = b[short];
        if (!t) throw new Error(`batch for head '${h.name}' has no tensor '${short}'`);
        feeds[full] = t;
      }
    });
    return feeds;
  }

  /** Train-graph runs since this session was created: what a resumed run replays to reach the same dropout state. */
  calls = 0;

  /**
   * Takes over another session's buffers and step (no copy): sessions of one model that train different task
   * subsets hand the same state along. The other session must adopt back before it steps again.
   */
  adoptState(from: TrainSession): void {
    if (from === this) return;
    if (from.layout.size !== this.layout.size) throw new Error('TrainSession.adoptState: the sessions have different parameter layouts');
    this.params = from.params;
    this.m = from.m;
    this.v = from.v;
    this.spare = from.spare;
    this.step = from.step;
  }

  /** Replaces parameters, optimizer moments and the step counter (a checkpoint being restored). */
  setState(state: { params: Float32Array; m: Float32Array; v: Float32Array; step: number }): void {
    const N = this.layout.size;
    for (const [k, a] of [['params', state.params], ['m', state.m], ['v', state.v]] as const)
      if (a.length !== N) throw new Error(`TrainSession.setState: ${k} has ${a.length} values, the model needs ${N}`);
    this.params.set(state.params);
    this.m.set(state.m);
    this.v.set(state.v);
    this.step = state.step;
  }

  /**
   * Moves the dropout masks on by `calls` train-graph runs, as a resumed run does to line its masks up with the run
   * it continues. Fed masks follow the call counter; ORT Dropout nodes (a graph that keeps them) only move by
   * running, so the graph then runs `calls` times on `batches` (tiny ones do: ORT's Dropout draws one seed per run
   * whatever the shape) and the results are thrown away: parameters, moments and step stay as they are.
   */
  async advanceRandomState(calls: number, batches: HeadBatch[]): Promise<void> {
    if (!this.ortDropout) {
      this.calls += calls;
      return;
    }
    for (let i = 0; i < calls; i++) {
      this.calls += 1;
      // only the loss: the forward pass holds every Dropout node, and the state buffers (written in place) stay untouched
      await this.train.run(await this.stepFeeds(batches, new Array<number>(this.heads.length).fill(0), 0, 1), { loss: new ort.Tensor('float32', this.lossBuf, []) });
    }
  }

  /** Feeds of one train-graph run: the batches, the current buffers and the step's scalars. */
  private async stepFeeds(batches: HeadBatch[], weights: number[], lr: number, step: number): Promise<Record<string, ort.Tensor>> {
    const N = this.layout.size;
    const batch = this.batchFeeds(batches);
    return {
      ...batch,
      ...(await this.masks.feedsAsync(this.calls, batch)),
      params: new ort.Tensor('float32', this.params, [N]),
      ...this.paramViews(),
      m: new ort.Tensor('float32', this.m, [N]),
      v: new ort.Tensor('float32', this.v, [N]),
      lr: new ort.Tensor('float32', Float32Array.of(lr), []),
      step: new ort.Tensor('float32', Float32Array.of(step), []),
      task_weights: new ort.Tensor('float32', Float32Array.from(weights), [weights.length]),
    };
  }

  /** Each parameter's own input: a view into the current params buffer (no copy), made once per buffer. */
  private paramViews(): Record<string, ort.Tensor> {
    let views = this.viewsOf.get(this.params);
    if (!views) {
      views = {};
      for (const e of this.layout.entries) views[paramInputName(e.name)] = new ort.Tensor('float32', this.layout.view(this.params, e.name), e.shape);
      this.viewsOf.set(this.params, views);
    }
    return views;
  }

  /** Outputs written in place: the new state into the state (or spare) buffers, losses and norm into their small buffers. */
  private stepFetches(): Record<string, ort.Tensor | null> {
    const N = this.layout.size, s = this.spare ?? this;
    return {
      params_out: new ort.Tensor('float32', s.params, [N]),
      m_out: new ort.Tensor('float32', s.m, [N]),
      v_out: new ort.Tensor('float32', s.v, [N]),
      loss: new ort.Tensor('float32', this.lossBuf, []),
      grad_norm: new ort.Tensor('float32', this.normBuf, []),
      task_losses: new ort.Tensor('float32', this.tlBuf, [this.tlBuf.length]),
    };
  }

  /** One optimizer step. batches are in head order; weights are the per-head loss weights. */
  async trainStep(batches: HeadBatch[], weights: number[], lr: number, o: { wantGrads?: boolean } = {}): Promise<StepResult> {
    if (o.wantGrads && !this.debugGrads) throw new Error('trainStep: wantGrads needs a session created with debugGrads: true');
    this.step += 1;
    this.calls += 1;
    const s = this.spare;
    const fetches = this.stepFetches();
    if (o.wantGrads) fetches.grads = null;
    const out = await this.train.run(await this.stepFeeds(batches, weights, lr, this.step), fetches);
    if (s) { // swap current and spare buffers
      this.spare = { params: this.params, m: this.m, v: this.v };
      this.params = s.params;
      this.m = s.m;
      this.v = s.v;
    }
    const res: StepResult = { loss: this.lossBuf[0]!, taskLosses: Array.from(this.tlBuf), gradNorm: this.normBuf[0]! };
    if (o.wantGrads) res.grads = Float32Array.from(out.grads!.data as Float32Array);
    return res;
  }

  /** Forward pass on the current parameters; returns every eval output by name. */
  async evaluate(batches: HeadBatch[], weights: number[]): Promise<Record<string, ort.Tensor>> {
    const ev = await this.evalGraphSession();
    return ev.run({
      ...this.batchFeeds(batches),
      params: new ort.Tensor('float32', this.params, [this.layout.size]),
      task_weights: new ort.Tensor('float32', Float32Array.from(weights), [weights.length]),
    });
  }

  /** Ends ORT profiling of the train-step session (when enabled), writing its profile file. */
  endProfiling(): void {
    this.train.endProfiling();
  }

  async release(): Promise<void> {
    await this.masks.close();
    await this.train.release();
    const ev = this.evalPending ? await this.evalPending : null;
    this.evalSession = null;
    this.evalPending = null;
    await ev?.release();
  }
}
