// The train sessions of one run: one per task subset (joint sampling uses one, the others one per task), sharing one
// parameter/moment state. ORT seeds a Dropout node's generator once per session, so sessions live for a *segment*
// (from one periodic checkpoint to the next) with seeds derived from (run seed, segment start, subset), and the pool
// counts how often each ran: a resumed run re-creates them and replays that many draws on a one-row batch.
import { TrainSession, type HeadBatch, type ModelSpec, type TrainSessionOptions } from '../engine/train';
import { mixSeed } from './streams';

export interface FlatState { params: Float32Array; m: Float32Array; v: Float32Array }

export class SessionPool {
  private readonly sessions = new Map<string, TrainSession>();
  private current: TrainSession | null = null;
  /** Train-graph runs per subset since the segment started (saved in checkpoints). */
  readonly calls: Record<string, number> = {};

  constructor(
    private readonly spec: ModelSpec,
    private readonly names: string[],
    private readonly options: TrainSessionOptions,
    private readonly seed: number,
    /** The state sessions start from when none holds it (initial, restored, or carried over a segment boundary). */
    private resting: FlatState,
    public segmentStart: number,
  ) {}

  key(subset: number[]): string {
    return subset.map((i) => this.names[i]).join('+');
  }

  private async session(subset: number[]): Promise<TrainSession> {
    const key = this.key(subset);
    let s = this.sessions.get(key);
    if (!s) {
      const dropoutSeed = mixSeed(this.seed, this.segmentStart, subset.reduce((h, i) => h * 31 + i + 1, 7)) % 1_000_000;
      s = await TrainSession.create(this.spec, this.state().params, { ...this.options, activeHeads: subset.map((i) => this.names[i]!), dropoutSeed });
      this.sessions.set(key, s);
    }
    return s;
  }

  /** The session for a step's subset, holding the run's current state at `step` completed steps. */
  async forStep(subset: number[], step: number): Promise<TrainSession> {
    const s = await this.session(subset);
    if (this.current) s.adoptState(this.current);
    else s.setState({ ...this.resting, step });
    this.current = s;
    this.calls[this.key(subset)] = (this.calls[this.key(subset)] ?? 0) + 1;
    return s;
  }

  /** Parameters and moments as they are now. */
  state(): FlatState {
    return this.current ?? this.resting;
  }

  /** Re-creates the sessions of a checkpoint's segment and replays their recorded Dropout draws. */
  async restore(calls: Record<string, number>, tinyBatches: (subset: number[]) => HeadBatch[]): Promise<void> {
    for (const [key, n] of Object.entries(calls)) {
      const subset = key.split('+').map((nm) => this.names.indexOf(nm));
      if (subset.some((i) => i < 0)) throw new Error(`checkpoint names a task subset '${key}' this run does not have`);
      await (await this.session(subset)).advanceRandomState(n, tinyBatches(subset));
      this.calls[key] = n;
    }
  }

  /** Ends the segment at `step`: the state is kept, the sessions go, the next ones draw from new seeds. */
  async newSegment(step: number): Promise<void> {
    const s = this.state();
    this.resting = { params: Float32Array.from(s.params), m: Float32Array.from(s.m), v: Float32Array.from(s.v) };
    this.current = null;
    await this.release();
    this.segmentStart = step;
    for (const k of Object.keys(this.calls)) delete this.calls[k];
  }

  async release(): Promise<void> {
    for (const s of this.sessions.values()) await s.release();
    this.sessions.clear();
  }
}
