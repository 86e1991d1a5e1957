// Decoding strategies over next-token log-probabilities, independent of how the decoder runs (cached or not):
// greedy, sampling (temperature, top-k, top-p) and beam search (Hugging Face's BeamSearchScorer semantics), with
// the no-repeat n-gram and minimum-length rules of HF's logits processors.

export interface SearchOptions {
  bosId: number;
  eosId: number;
  /** Fed to rows that have finished (never chosen by the model). */
  padId: number;
  /** Generated tokens at most, the end token included (the decoder start token is not counted). */
  maxLength: number;
  /** The end token is banned until this many tokens were generated (default 0). */
  minLength?: number;
  /** Ban any token that would repeat an n-gram of this size already in the row (BOS included, as HF; 0: off). */
  noRepeatNgramSize?: number;
}

export interface BeamOptions extends SearchOptions {
  numBeams: number;
  /** Hypothesis score = sum of log-probs / length^lengthPenalty, length = 1 + tokens before the end token (HF). Default 1. */
  lengthPenalty?: number;
  /**
   * true (default): an input is done once numBeams hypotheses ended with the end token. false: HF's heuristic, done
   * when no running beam can still beat the worst kept hypothesis.
   */
  earlyStopping?: boolean;
}

export interface SampleOptions extends SearchOptions {
  /** Log-probabilities are divided by it before sampling (default 1). */
  temperature?: number;
  /** Nucleus: sample among the most likely tokens whose probabilities first reach topP (default 1: all). */
  topP?: number;
  /** Sample among the k most likely tokens only (default 0: all). */
  topK?: number;
  /** Seed of the sampler's generator (default 0): the same seed, model and input give the same text. */
  seed?: number;
}

/** One sequence per input: the generated tokens without the start and end tokens. */
export interface GenerateResult {
  tokens: number[][];
  /** Greedy and sampling: sum of the tokens' log-probabilities (end token included). Beam: the length-penalised score. */
  scores: number[];
  /** Whether the sequence ended with the end token (false: cut at maxLength). */
  finished: boolean[];
}

/** A decoding strategy as the generation loop drives it: rows to run, one step per call, the result at the end. */
export interface Search {
  /** Decoder rows per step (inputs × beams). */
  readonly rows: number;
  /** Every row's tokens so far, start token first (what a decoder without cache re-reads). */
  prefixes(): number[][];
  /** Consumes log-probs [rows, V]; returns each row's next token and the row of the previous step it continues. */
  step(logprobs: Float32Array, vocab: number): { tokens: number[]; beamIdx: number[] };
  readonly done: boolean;
  result(): GenerateResult;
}

/** Tokens that would complete an n-gram already present in seq (HF NoRepeatNGramLogitsProcessor). */
export function bannedNgramTokens(seq: readonly number[], n: number): number[] {
  if (n <= 0 || seq.length + 1 < n) return [];
  const prefix = seq.slice(seq.length - n + 1);
  const out: number[] = [];
  for (let i = 0; i + n <= seq.length; i++) {
    let same = true;
    for (let j = 0; j < n - 1 && same; j++) same = seq[i + j] === prefix[j];
    if (same) out.push(seq[i + n - 1]!);
  }
  return out;
}

/** The row's log-probs with the banned tokens at -Infinity (a copy; generated = tokens generated so far). */
function processed(o: SearchOptions, lp: Float32Array, seq: readonly number[], generated: number): Float64Array {
  const row = Float64Array.from(lp);
  for (const t of bannedNgramTokens(seq, o.noRepeatNgramSize ?? 0)) row[t] = -Infinity;
  if (generated < (o.minLength ?? 0)) row[o.eosId] = -Infinity;
  return row;
}

function argMax(row: Float64Array): number {
  let best = 0;
  for (let i = 1; i < row.length; i++) if (row[i]! > row[best]!) best = i;
  return best;
}

/** mulberry32: a small seeded generator, uniform in [0, 1). */
export function mulberry32(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let x = s;
    x = Math.imul(x ^ (x >>> 15), 1 | x);
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}

/** Samples a token from log-probs: temperature, then top-k, then top-p (HF's warper order), then the draw u in [0, 1). */
export function sampleToken(row: Float64Array, o: { temperature?: number; topK?: number; topP?: number }, u: number): number {
  const t = o.temperature ?? 1;
  if (!(t > 0)) throw new Error(`sampling: temperature must be > 0, got ${t}`);
  const order = Array.from(row.keys()).filter((i) => row[i] !== -Infinity).sort((a, b) => row[b]! - row[a]! || a - b);
  if (order.length === 0) throw new Error('sampling: every token is banned');
  let keep = o.topK && o.topK > 0 ? order.slice(0, o.topK) : order;
  const top = row[keep[0]!]! / t;
  const w = keep.map((i) => Math.exp(row[i]! / t - top));
  let total = w.reduce((a, b) => a + b, 0);
  const p = o.topP ?? 1;
  if (p < 1) { // smallest prefix whose probability reaches p (at least one token)
    let cum = 0, n = 0;
    while (n < keep.length && (n === 0 || cum < p * total)) cum += w[n++]!;
    keep = keep.slice(0, n);
    w.length = n;
    total = cum;
  }
  let x = u * total;
  for (let i = 0; i < keep.length; i++) if ((x -= w[i]!) < 0) return keep[i]!;
  return keep[keep.length - 1]!;
}

/** Greedy decoding, or sampling when `sample` is given: one row per input. */
export class GreedySearch implements Search {
  readonly rows: number;
  private readonly seqs: number[][];
  private readonly finished: boolean[];
  private readonly scores: number[];
  private steps = 0;
  private readonly rand: (() => number) | null;

  constructor(inputs: number, private readonly o: SearchOptions, private readonly sample: SampleOptions | null = null) {
    this.rows = inputs;
    this.seqs = Array.from({ length: inputs }, () => [o.bosId]);
    this.finished = new Array<boolean>(inputs).fill(false);
    this.scores = new Array<number>(inputs).fill(0);
    this.rand = sample ? mulberry32(sample.seed ?? 0) : null;
  }

  prefixes(): number[][] {
    return this.seqs;
  }

  get done(): boolean {
    return this.steps >= this.o.maxLength || this.finished.every(Boolean);
  }

  step(logprobs: Float32Array, V: number): { tokens: number[]; beamIdx: number[] } {
    const tokens: number[] = [];
    for (let r = 0; r < this.rows; r++) {
      if (this.finished[r]) { tokens.push(this.o.padId); this.seqs[r]!.push(this.o.padId); continue; } // rows stay rectangular
      const lp = logprobs.subarray(r * V, (r + 1) * V);
      const row = processed(this.o, lp, this.seqs[r]!, this.steps);
      const t = this.sample ? sampleToken(row, this.sample, this.rand!()) : argMax(row);
      this.scores[r]! += lp[t]!;
      this.seqs[r]!.push(t);
      if (t === this.o.eosId) this.finished[r] = true;
      tokens.push(t);
    }
    this.steps += 1;
    return { tokens, beamIdx: Array.from({ length: this.rows }, (_, r) => r) };
  }

  result(): GenerateResult {
    return {
      tokens: this.seqs.map((s, r) => s.slice(1, this.finished[r] ? s.indexOf(this.o.eosId, 1) : undefined)),
      scores: [...this.scores],
      finished: [...this.finished],
    };
  }
}

interface Hyp { tokens: number[]; score: number; finished: boolean }

/** Beam search with HF's BeamSearchScorer rules; rows are input-major (input b's beams are rows b·K … b·K+K-1). */
export class BeamSearch implements Search {
  readonly rows: number;
  private readonly K: number;
  private seqs: number[][];
  private beamScores: number[];
  private readonly hyps: Hyp[][];
  private readonly inputDone: boolean[];
  private steps = 0;

  constructor(private readonly inputs: number, private readonly o: BeamOptions) {
    if (!Number.isInteger(o.numBeams) || o.numBeams < 1) throw new Error(`beam search: numBeams must be an integer >= 1, got ${o.numBeams}`);
    this.K = o.numBeams;
    this.rows = inputs * this.K;
    this.seqs = Array.from({ length: this.rows }, () => [o.bosId]);
    // only the first beam of each input is live at the start (the K beams are the same sequence)
    this.beamScores = Array.from({ length: this.rows }, (_, r) => (r % this.K === 0 ? 0 : -1e9));
    this.hyps = Array.from({ length: inputs }, () => []);
    this.inputDone = new Array<boolean>(inputs).fill(false);
  }

  prefixes(): number[][] {
    return this.seqs;
  }

  get done(): boolean {
    return this.steps >= this.o.maxLength || this.inputDone.every(Boolean);
  }

  private addHyp(b: number, tokens: number[], sumLogProbs: number, finished: boolean): void {
    const score = sumLogProbs / (1 + tokens.length) ** (this.o.lengthPenalty ?? 1);
    const list = this.hyps[b]!;
    if (list.length >= this.K && score <= Math.min(...list.map((h) => h.score))) return;
    list.push({ tokens, score, finished });
    if (list.length > this.K) list.splice(list.reduce((w, h, i) => (h.score < list[w]!.score ? i : w), 0), 1);
  }

  step(logprobs: Float32Array, V: number): { tokens: number[]; beamIdx: number[] } {
    const K = this.K;
    const tokens: number[] = [], beamIdx: number[] = [], nextSeqs: number[][] = [], nextScores: number[] = [];
    for (let b = 0; b < this.inputs; b++) {
      if (this.inputDone[b]) { // finished inputs keep their rows busy with padding
        for (let j = 0; j < K; j++) { const r = b * K + j; tokens.push(this.o.padId); beamIdx.push(r); nextSeqs.push([...this.seqs[r]!, this.o.padId]); nextScores.push(0); }
        continue;
      }
      // the best 2K (beam, token) continuations by total log-prob
      const top: { score: number; r: number; t: number }[] = [];
      for (let j = 0; j < K; j++) {
        const r = b * K + j;
        const row = processed(this.o, logprobs.subarray(r * V, (r + 1) * V), this.seqs[r]!, this.steps);
        for (let t = 0; t < V; t++) {
          const score = this.beamScores[r]! + row[t]!;
          if (score === -Infinity || (top.length === 2 * K && score <= top[top.length - 1]!.score)) continue;
          let at = top.length;
          while (at > 0 && top[at - 1]!.score < score) at--;
          top.splice(at, 0, { score, r, t });
          if (top.length > 2 * K) top.pop();
        }
      }
      let kept = 0;
      for (let rank = 0; rank < top.length && kept < K; rank++) {
        const c = top[rank]!;
        if (c.t === this.o.eosId) {
          if (rank < K) this.addHyp(b, this.seqs[c.r]!.slice(1), c.score, true);
          continue;
        }
        tokens.push(c.t); beamIdx.push(c.r); nextSeqs.push([...this.seqs[c.r]!, c.t]); nextScores.push(c.score);
        kept++;
      }
      for (; kept < K; kept++) { // fewer than K live continuations (tiny vocabularies): dead beams
        tokens.push(this.o.padId); beamIdx.push(b * K); nextSeqs.push([...this.seqs[b * K]!, this.o.padId]); nextScores.push(-Infinity);
      }
      const list = this.hyps[b]!;
      if (list.length >= K) {
        if (this.o.earlyStopping ?? true) this.inputDone[b] = true;
        else {
          const best = Math.max(...nextScores.slice(-K)) / (this.steps + 1) ** (this.o.lengthPenalty ?? 1); // HF: cur_len counts the start token
          if (Math.min(...list.map((h) => h.score)) >= best) this.inputDone[b] = true;
        }
      }
    }
    this.seqs = nextSeqs;
    this.beamScores = nextScores;
    this.steps += 1;
    return { tokens, beamIdx };
  }

  result(): GenerateResult {
    const out: GenerateResult = { tokens: [], scores: [], finished: [] };
    for (let b = 0; b < this.inputs; b++) {
      if (!this.inputDone[b]) for (let j = 0; j < this.K; j++) { // cut at maxLength: the running beams compete too
        const r = b * this.K + j;
        if (this.beamScores[r]! > -1e8) this.addHyp(b, this.seqs[r]!.slice(1), this.beamScores[r]!, false);
      }
      const best = this.hyps[b]!.reduce<Hyp | null>((w, h) => (!w || h.score > w.score ? h : w), null);
      out.tokens.push(best ? best.tokens : []);
      out.scores.push(best ? best.score : -Infinity);
      out.finished.push(best ? best.finished : false);
    }
    return out;
  }
}
