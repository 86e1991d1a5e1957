// Text generation with ONNX Runtime: the encoder once per input (it also computes every layer's cross-attention keys
// and values), then one decoder step per new token over cached self-attention keys/values (or, for reference, the
// whole prefix every step). Weights come from the flat parameter buffer, baked into the sessions or fed per run.
import * as ort from 'onnxruntime-node';
import { GraphSession, type SessionOptions } from '../runtime';
import type { FlatLayout } from '../optim';
import type { DecoderConfig } from '../nn';
import { layoutFor, type ModelSpec } from '../train';
import { buildGenerationGraphs, generationHead, TRANSPOSED, type GenerationGraphOptions, type GenerationGraphs } from './graphs';
import { BeamSearch, GreedySearch, type GenerateResult, type Search } from './search';

export type { GenerateResult } from './search';

/** The encoder's inputs for a batch of sources ([B, S] int64; token_type_ids default to zeros). */
export interface SourceBatch { input_ids: ort.Tensor; attention_mask: ort.Tensor; token_type_ids?: ort.Tensor }

export interface GenerateOptions {
  /** `greedy` (default), `beam` or `sample`. */
  strategy?: 'greedy' | 'beam' | 'sample';
  /** Decoder start token (e.g. the tokenizer's [CLS]); the training batches' decoder_input_ids must start with it too. */
  bosId: number;
  /** End token (e.g. [SEP]): a sequence stops when it is generated. */
  eosId: number;
  /** Token fed to finished rows (default: the config's pad_token_id). */
  padId?: number;
  /** Generated tokens at most, end token included (default and cap: the decoder's maxLength). */
  maxLength?: number;
  minLength?: number;
  /** No-repeat n-gram size (0: off). */
  noRepeatNgramSize?: number;
  /** Beam: beams per input (default 4), length penalty α (score / length^α, default 1), early stopping (default true). */
  numBeams?: number;
  lengthPenalty?: number;
  earlyStopping?: boolean;
  /** Sample: temperature (default 1), top-p (default 1), top-k (default 0: off), seed (default 0). */
  temperature?: number;
  topP?: number;
  topK?: number;
  seed?: number;
  /** Reuse the decoder's keys/values across steps (default true); false re-runs the decoder over the whole prefix. */
  useCache?: boolean;
}

/** Tensors of one run, by name; float32 results as ORT returned them. */
type Feeds = Record<string, ort.Tensor>;

const i64 = (values: ArrayLike<number>, dims: number[]) => new ort.Tensor('int64', BigInt64Array.from(Array.from(values, (v) => BigInt(v))), dims);

/** Rows of a [B, ...] tensor picked by `rows` (beam expansion): a new tensor [rows.length, ...]. */
function pickRows(t: ort.Tensor, rows: number[]): ort.Tensor {
  const per = t.dims.slice(1).reduce((a, b) => a * b, 1);
  const src = t.data as Float32Array | BigInt64Array;
  const out = new (src.constructor as Float32ArrayConstructor | BigInt64ArrayConstructor)(rows.length * per);
  rows.forEach((r, i) => (out as Float32Array).set((src as Float32Array).subarray(r * per, (r + 1) * per), i * per));
  return new ort.Tensor(t.type as 'float32', out as Float32Array, [rows.length, ...t.dims.slice(1)]);
}

/** out[c, r] = src[r, c] for a row-major [rows, cols] matrix, in cache-sized tiles. */
function transpose(src: Float32Array, rows: number, cols: number, out: Float32Array): void {
  const T = 32;
  for (let r0 = 0; r0 < rows; r0 += T) {
    const r1 = Math.min(rows, r0 + T);
    for (let c0 = 0; c0 < cols; c0 += T) {
      const c1 = Math.min(cols, c0 + T);
      for (let r = r0; r < r1; r++) for (let c = c0; c < c1; c++) out[c * rows + r] = src[r * cols + c]!;
    }
  }
}

/** Parameters ready for decoding by a fed Generator (Generator.prepare): the flat buffer and the transposed weights. */
export class PreparedParams {
  constructor(readonly params: Float32Array, readonly transposed: ReadonlyMap<string, Float32Array>) {}
}

export interface GeneratorOptions extends SessionOptions, GenerationGraphOptions {
  /**
   * Bakes these weights (the flat parameter buffer) into the sessions as constants: ORT pre-packs every weight
   * matrix once, the fastest decoding (measured ~1.5x per step at 4 rows); create a new Generator when the weights
   * change (~0.3 s at 7M parameters). Omitted: every generate() call takes the parameters (fed per run, no copy).
   */
  weights?: Float32Array;
}

export class Generator {
  private fullSession: Promise<GraphSession> | null = null;

  private constructor(
    readonly spec: ModelSpec,
    readonly head: string,
    readonly layout: FlatLayout,
    readonly decoder: DecoderConfig,
    /** The buffer whose weights are baked into the sessions (GeneratorOptions.weights); null when fed. */
    private readonly bakedFrom: Float32Array | null,
    private readonly graphs: GenerationGraphs,
    private readonly encoder: GraphSession,
    private readonly stepper: GraphSession,
    private readonly so: SessionOptions,
  ) {}

  /** Whether the weights are baked into the sessions (GeneratorOptions.weights). */
  get baked(): boolean {
    return this.bakedFrom !== null;
  }

  /** Sessions for the generation head `head` of `spec` (the uncached decoder is created on first use). */
  static async create(spec: ModelSpec, head: string, o: GeneratorOptions = {}): Promise<Generator> {
    const { weights, uncachedLogits, ...rest } = o;
    generationHead(spec, head);
    const layout = layoutFor(spec);
    if (weights && weights.length !== layout.size) throw new Error(`Generator: ${weights.length} weights given, the model has ${layout.size} parameters`);
    // baked: a snapshot, since the uncached decoder may be built later (its graph reads the weights then)
    const graphs = buildGenerationGraphs(spec, head, weights ? { kind: 'baked', weights: Float32Array.from(weights) } : { kind: 'fed' }, { uncachedLogits });
    const so: SessionOptions = { executionProvider: 'cpu', optimizationLevel: 'all', ...rest };
    const [encoder, stepper] = await Promise.all([GraphSession.create(graphs.encoder, so), GraphSession.create(graphs.step, so)]);
    return new Generator(spec, head, graphs.layout, graphs.decoder, weights ?? null, graphs, encoder, stepper, so);
  }

  /**
   * Fed generators: the parameters made ready for decoding, the decoder's linear weights and the word table
   * transposed (a copy, ~15 ms at 7M parameters). generate() prepares on every call when given the flat buffer;
   * prepare once to decode many batches with the same parameters. Valid until the parameters change.
   */
  prepare(params: Float32Array): PreparedParams {
    if (this.baked) throw new Error('Generator.prepare: this generator has its weights baked in');
    if (params.length !== this.layout.size) throw new Error(`Generator: ${params.length} parameters given, the model has ${this.layout.size}`);
    const transposed = new Map<string, Float32Array>();
    for (const v of [...this.graphs.step.inputs, ...this.graphs.full.inputs]) {
      const n = v.inputName!;
      if (!n.endsWith(TRANSPOSED) || transposed.has(n)) continue;
      const base = n.slice(0, -TRANSPOSED.length), [rows, cols] = this.layout.entry(base).shape as [number, number];
      const buf = new Float32Array(rows * cols);
      transpose(this.layout.view(params, base), rows, cols, buf);
      transposed.set(n, buf);
    }
    return new PreparedParams(params, transposed);
  }

  /** Parameter feeds of a session: views into the flat buffer (no copy), and the prepared transposed copies. */
  private paramFeeds(p: PreparedParams | null, names: string[]): Feeds {
    const out: Feeds = {};
    if (!p) return out;
    for (const n of names) {
      if (this.layout.byName.has(n)) out[n] = new ort.Tensor('float32', this.layout.view(p.params, n), this.layout.entry(n).shape);
      const t = p.transposed.get(n);
      if (t) out[n] = new ort.Tensor('float32', t, [...this.layout.entry(n.slice(0, -TRANSPOSED.length)).shape].reverse());
    }
    return out;
  }

  private full(): Promise<GraphSession> {
    this.fullSession ??= GraphSession.create(this.graphs.full, this.so);
    return this.fullSession;
  }

  /**
   * Generates one sequence per source row. `parameters`: a fed generator's flat parameter buffer (or prepare()'s
   * result, to skip the transposes when decoding many batches with the same parameters); null for a baked one.
   */
  async generate(parameters: Float32Array | PreparedParams | null, src: SourceBatch, o: GenerateOptions): Promise<GenerateResult> {
    if (this.baked && parameters && parameters !== this.bakedFrom) throw new Error('Generator.generate: this generator has its weights baked in; pass null (or the buffer it was created from)');
    if (!this.baked && !parameters) throw new Error('Generator.generate: pass the parameters (this generator was created without weights)');
    const params = this.baked || !parameters ? null : parameters instanceof PreparedParams ? parameters : this.prepare(parameters);
    const [B, S] = src.input_ids.dims as [number, number];
    const cap = this.decoder.maxLength;
    const maxLength = Math.min(o.maxLength ?? cap, cap);
    if (!(maxLength >= 1)) throw new Error(`generate: maxLength must be >= 1, got ${o.maxLength}`);
    const base = { bosId: o.bosId, eosId: o.eosId, padId: o.padId ?? this.spec.config.padTokenId, maxLength, minLength: o.minLength, noRepeatNgramSize: o.noRepeatNgramSize };
    const strategy = o.strategy ?? 'greedy';
    const search: Search = strategy === 'beam'
      ? new BeamSearch(B, { ...base, numBeams: o.numBeams ?? 4, lengthPenalty: o.lengthPenalty, earlyStopping: o.earlyStopping })
      : new GreedySearch(B, base, strategy === 'sample' ? { ...base, temperature: o.temperature, topP: o.topP, topK: o.topK, seed: o.seed } : null);
    const perInput = search.rows / B;
    const expand = Array.from({ length: search.rows }, (_, r) => Math.floor(r / perInput)); // row -> input

    const enc = await this.encoder.run({
      ...this.paramFeeds(params, this.encoder.inputNames),
      input_ids: src.input_ids, attention_mask: src.attention_mask,
      token_type_ids: src.token_type_ids ?? i64(new Array<number>(B * S).fill(0), [B, S]),
    });
    const rows = (t: ort.Tensor) => (perInput === 1 ? t : pickRows(t, expand));
    const mask = rows(src.attention_mask);
    const V = this.spec.config.vocabSize;

    if (o.useCache ?? true) {
      const feeds: Feeds = { ...this.paramFeeds(params, this.stepper.inputNames), cross_bias: rows(enc.cross_bias!) };
      const A = this.decoder.heads, Dh = this.decoder.hidden / this.decoder.heads;
      for (let i = 0; i < this.decoder.layers; i++) {
        feeds[`cross.${i}.key`] = rows(enc[`cross.${i}.key`]!);
        feeds[`cross.${i}.value`] = rows(enc[`cross.${i}.value`]!);
        feeds[`past.${i}.key`] = new ort.Tensor('float32', new Float32Array(0), [search.rows, A, 0, Dh]);
        feeds[`past.${i}.value`] = new ort.Tensor('float32', new Float32Array(0), [search.rows, A, 0, Dh]);
      }
      let tokens = new Array<number>(search.rows).fill(o.bosId);
      while (!search.done) {
        feeds.input_ids = i64(tokens, [search.rows, 1]);
        const out = await this.stepper.run(feeds);
        const next = search.step(out.logprobs!.data as Float32Array, V);
        const reorder = next.beamIdx.some((r, i) => r !== i); // beams continue other rows: their caches move with them
        for (let i = 0; i < this.decoder.layers; i++) for (const kv of ['key', 'value']) {
          const present = out[`present.${i}.${kv}`]!;
          feeds[`past.${i}.${kv}`] = reorder ? pickRows(present, next.beamIdx) : present;
        }
        tokens = next.tokens;
      }
    } else {
      const full = await this.full();
      const feeds: Feeds = { ...this.paramFeeds(params, full.inputNames), attention_mask: mask, hidden: rows(enc.hidden!) };
      while (!search.done) {
        const prefixes = search.prefixes();
        feeds.decoder_input_ids = i64(prefixes.flat(), [search.rows, prefixes[0]!.length]);
        const out = await full.run(feeds);
        search.step(out.logprobs!.data as Float32Array, V);
      }
    }
    return search.result();
  }

  async release(): Promise<void> {
    const full = this.fullSession ? await this.fullSession : null;
    await Promise.all([this.encoder.release(), this.stepper.release(), full?.release()]);
  }
}
