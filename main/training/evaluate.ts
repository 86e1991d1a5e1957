// Scoring a task's validation set with the current parameters: outputs per example (what the comparison view shows)
// and the task's metrics (design §3).
import * as ort from 'onnxruntime-node';
import { ForwardSession, type ModelSpec } from '../engine/train';
import type { SessionOptions } from '../engine/runtime';
import { Generator, type GenerateOptions } from '../engine/generate';
import { collateInputs } from './batching';
import { spanToText } from './encode';
import { classificationMetrics, entityChunks, entityMetrics, exactMatch, maskedLmMetrics, primaryMetric, regressionMetrics, rougeScores, scoreMaskedRows, squadMetrics } from './metrics';
import type { PreparedTask, ValidationSource } from './prepare';
import { headBatch } from './tensors';

export interface PredictionRecord {
  example: number;
  input: unknown;
  gold: unknown;
  output: unknown;
  correct: boolean | null;
}

export interface TaskEvaluation {
  task: string;
  /** The task's headline metric (accuracy, Pearson, entity F1, SQuAD F1), a fraction. */
  primary: number;
  metrics: Record<string, unknown>;
  loss: number;
  predictions: PredictionRecord[];
}

const argmax = (a: Float32Array, off: number, n: number): number => {
  let best = 0;
  for (let i = 1; i < n; i++) if (a[off + i]! > a[off + best]!) best = i;
  return best;
};

const softmaxAt = (a: Float32Array, off: number, n: number, k: number): number => {
  let max = -Infinity;
  for (let i = 0; i < n; i++) max = Math.max(max, a[off + i]!);
  let z = 0;
  for (let i = 0; i < n; i++) z += Math.exp(a[off + i]! - max);
  return Math.exp(a[off + k]! - max) / z;
};

/** Longest answer span considered, in tokens (BERT's max_answer_length). */
const MAX_ANSWER_TOKENS = 30;

/** Runs the head over every validation example in length-sorted batches; returns the raw per-example outputs. */
async function forwardAll(task: PreparedTask, session: ForwardSession, params: Float32Array, batchSize: number, onRow: (i: number, out: Record<string, { data: Float32Array; dims: readonly number[] }>, r: number) => void): Promise<number> {
  const order = task.validation.map((_, i) => i).sort((a, b) => task.validation[a]!.ids.length - task.validation[b]!.ids.length || a - b);
  let lossSum = 0, n = 0;
  for (let s = 0; s < order.length; s += batchSize) {
    const idx = order.slice(s, s + batchSize);
    const { batch } = headBatch(task.head.kind, idx.map((i) => task.validation[i]!));
    const out = await session.run(params, [batch]);
    const tensors: Record<string, { data: Float32Array; dims: readonly number[] }> = {};
    for (const [k, t] of Object.entries(out)) if (k.startsWith(`${task.head.name}.`) && t.type === 'float32') tensors[k.slice(task.head.name.length + 1)] = { data: t.data as Float32Array, dims: t.dims };
    const l = (out.loss!.data as Float32Array)[0]!;
    if (Number.isFinite(l)) { lossSum += l * idx.length; n += idx.length; }
    idx.forEach((i, r) => onRow(i, tensors, r));
  }
  return n ? lossSum / n : NaN;
}

/** One example's output, per task type. */
export type TaskOutput =
  | { label: string; score: number; scores: Record<string, number> }
  | { value: number }
  | { tags: string[]; entities: { text: string; type: string; start: number; end: number }[] }
  | { answer: string; score: number }
  | { masked: string[]; predicted: string[]; nll: number }
  | { fills: { token: string; score: number }[][] }
  | { text: string; finished: boolean };

/** What scores a task: a forward session (every head kind but generation) or a generator. */
export type TaskSession = ForwardSession | Generator;

/** Decoding choices a caller may override (chorus predict / eval flags). */
export type DecodeOverrides = Partial<GenerateOptions>;

/** The task's configured decoding as Generator options. */
export function decodeOptions(task: PreparedTask, o: DecodeOverrides = {}): GenerateOptions {
  const g = (task.config as Extract<PreparedTask['config'], { type: 'generation' }>).generate;
  const d = task.decoding!;
  return {
    strategy: g.strategy, numBeams: g.beams, lengthPenalty: g.lengthPenalty, noRepeatNgramSize: g.noRepeatNgram, temperature: g.temperature, topP: g.topP, seed: g.seed,
    bosId: d.bosId, eosId: d.eosId, padId: d.padId, maxLength: d.maxLength, ...o,
  };
}

/** The session that scores `task`: a generator for generation heads, a forward session for the others. */
export function taskSession(spec: ModelSpec, task: PreparedTask, o: SessionOptions): Promise<TaskSession> {
  return task.head.kind === 'generation' ? Generator.create(spec, task.head.name, o) : ForwardSession.create(spec, { ...o, heads: [task.head.name] });
}

/** Generated text for every validation source, in batches of sources sorted by length. */
async function generateAll(task: PreparedTask, gen: Generator, params: Float32Array, batchSize: number, o: DecodeOverrides): Promise<TaskOutput[]> {
  const options = decodeOptions(task, o);
  const rows = options.strategy === 'beam' ? Math.max(1, Math.floor(batchSize / (options.numBeams ?? 4))) : batchSize;
  const order = task.validation.map((_, i) => i).sort((a, b) => task.validation[a]!.ids.length - task.validation[b]!.ids.length || a - b);
  const outputs = new Array<TaskOutput>(task.validation.length);
  const prepared = gen.prepare(params); // transposed weights once for every batch
  for (let s = 0; s < order.length; s += rows) {
    const idx = order.slice(s, s + rows);
    const b = collateInputs(idx.map((i) => task.validation[i]!), { multipleOf: 1 });
    const res = await gen.generate(prepared, {
      input_ids: new ort.Tensor('int64', b.inputIds, [b.batchSize, b.seqLen]), attention_mask: new ort.Tensor('int64', b.attentionMask, [b.batchSize, b.seqLen]),
      token_type_ids: new ort.Tensor('int64', b.tokenTypeIds, [b.batchSize, b.seqLen]),
    }, options);
    for (const [r, i] of idx.entries()) outputs[i] = { text: await task.decoding!.decode(res.tokens[r]!), finished: res.finished[r]! };
  }
  return outputs;
}

/** Outputs of the head for every validation source of `task` (labels in the batches are ignored), and the mean loss. */
export async function predictTask(task: PreparedTask, taskSession: TaskSession, params: Float32Array, batchSize: number, decode: DecodeOverrides = {}): Promise<{ outputs: TaskOutput[]; loss: number }> {
  const src = task.validationSources;
  if (task.config.type === 'generation') {
    if (!(taskSession instanceof Generator)) throw new Error(`task '${task.config.name}': generation needs a Generator`);
    return { outputs: await generateAll(task, taskSession, params, batchSize, decode), loss: NaN };
  }
  if (!(taskSession instanceof ForwardSession)) throw new Error(`task '${task.config.name}': scoring needs a ForwardSession`);
  const session = taskSession;
  switch (task.config.type) {
    case 'classification': {
      const C = task.labels.length;
      const outputs = new Array<TaskOutput>(src.length);
      const loss = await forwardAll(task, session, params, batchSize, (i, t, r) => {
        const k = argmax(t.logits!.data, r * C, C);
        const scores = Object.fromEntries(task.labels.map((l, c) => [l, softmaxAt(t.logits!.data, r * C, C, c)]));
        outputs[i] = { label: task.labels[k]!, score: scores[task.labels[k]!]!, scores };
      });
      return { outputs, loss };
    }
    case 'regression': {
      const outputs = new Array<TaskOutput>(src.length);
      const loss = await forwardAll(task, session, params, batchSize, (i, t, r) => (outputs[i] = { value: t.predictions!.data[r]! }));
      return { outputs, loss };
    }
    case 'token-classification': {
      const C = task.labels.length;
      const tags: string[][] = src.map((s) => (s as Extract<ValidationSource, { kind: 'words' }>).words.map(() => 'O'));
      const loss = await forwardAll(task, session, params, batchSize, (i, t, r) => {
        const x = src[i] as Extract<ValidationSource, { kind: 'words' }>;
        const S = t.logits!.dims[1] as number;
        let prev: number | null = null;
        x.wordIds.forEach((w, pos) => { // the first sub-token of each kept word carries its tag; cut-off words stay O
          if (w !== null && w !== prev) tags[i]![w] = task.labels[argmax(t.logits!.data, (r * S + pos) * C, C)]!;
          prev = w;
        });
      });
      const outputs = tags.map((tg, i) => {
        const words = (src[i] as Extract<ValidationSource, { kind: 'words' }>).words;
        return { tags: tg, entities: entityChunks(tg).map((c) => ({ text: words.slice(c.start, c.end).join(' '), type: c.type, start: c.start, end: c.end })) };
      });
      return { outputs, loss };
    }
    case 'extractive-qa': {
      const best = src.map(() => ({ score: -Infinity, text: '' }));
      const windows = task.qaWindows!;
      const loss = await forwardAll(task, session, params, batchSize, (wi, t, r) => {
        const w = windows[wi]!, S = t.start_logits!.dims[1] as number;
        const st = t.start_logits!.data, en = t.end_logits!.data, ex = w.exampleIndex;
        const ctx = w.contextOffsets;
        for (let a = 0; a < ctx.length; a++) {
          if (!ctx[a]) continue;
          for (let b = a; b < Math.min(ctx.length, a + MAX_ANSWER_TOKENS); b++) {
            if (!ctx[b]) continue;
            const sc = st[r * S + a]! + en[r * S + b]!;
            if (sc > best[ex]!.score) best[ex] = { score: sc, text: spanToText(w, (src[ex] as Extract<ValidationSource, { kind: 'qa' }>).context, a, b) };
          }
        }
      });
      return { outputs: best.map((b) => ({ answer: b.text, score: b.score })), loss };
    }
    case 'masked-lm': {
      const outputs = await scoreMaskedLm(task, session, params, batchSize);
      return { outputs, loss: maskedLmMetrics(outputs).loss };
    }
  }
}

/**
 * Masked LM over the validation texts (masked once, with a fixed seed, when the task was prepared): per text the
 * original and predicted tokens at its masked positions and their summed NLL.
 */
async function scoreMaskedLm(task: PreparedTask, session: ForwardSession, params: Float32Array, batchSize: number): Promise<Extract<TaskOutput, { masked: string[] }>[]> {
  const tokens = task.tokens ?? [];
  const outputs = new Array<Extract<TaskOutput, { masked: string[] }>>(task.validation.length);
  const order = task.validation.map((_, i) => i).sort((a, b) => task.validation[a]!.ids.length - task.validation[b]!.ids.length || a - b);
  for (let s = 0; s < order.length; s += batchSize) {
    const idx = order.slice(s, s + batchSize);
    const rows = idx.map((i) => task.validation[i]!);
    const out = await session.run(params, [headBatch(task.head.kind, rows).batch]);
    const logits = out[`${task.head.name}.logits`]!;
    const V = logits.dims[1] as number, data = logits.data as Float32Array;
    let row = 0; // logits rows follow the batch's rows, each row's masked positions in order
    rows.forEach((e, r) => {
      const labels = e.maskedLabels ?? [];
      const { best, nll } = scoreMaskedRows(data.subarray(row * V, (row + labels.length) * V), V, labels);
      outputs[idx[r]!] = { masked: labels.map((l) => tokens[l] ?? String(l)), predicted: best.map((b) => tokens[b] ?? String(b)), nll };
      row += labels.length;
    });
  }
  return outputs;
}

const inputOf = (s: ValidationSource): unknown =>
  s.kind === 'text' ? (s.textPair === undefined ? { text: s.text } : { text: s.text, textPair: s.textPair })
    : s.kind === 'words' ? { tokens: s.words } : s.kind === 'masked' ? { text: s.text } : s.kind === 'generation' ? { source: s.source }
      : { question: s.question, context: s.context };

/** Predictions and metrics of the task's validation set. */
export async function evaluateTask(task: PreparedTask, session: TaskSession, params: Float32Array, batchSize: number, decode: DecodeOverrides = {}): Promise<TaskEvaluation> {
  const src = task.validationSources;
  const { outputs, loss } = await predictTask(task, session, params, batchSize, decode);
  let metrics: Record<string, unknown>;
  let gold: unknown[];
  let correct: (boolean | null)[];
  switch (task.config.type) {
    case 'classification': {
      const g = src.map((s) => (s as Extract<ValidationSource, { kind: 'text' }>).gold);
      const pred = outputs.map((o) => task.labels.indexOf((o as { label: string }).label));
      metrics = { ...classificationMetrics(g, pred, task.labels) };
      gold = g.map((x) => task.labels[x]);
      correct = pred.map((p, i) => p === g[i]);
      break;
    }
    case 'regression': {
      const g = src.map((s) => (s as Extract<ValidationSource, { kind: 'text' }>).gold);
      metrics = { ...regressionMetrics(g, outputs.map((o) => (o as { value: number }).value)) };
      gold = g;
      correct = g.map(() => null);
      break;
    }
    case 'token-classification': {
      const g = src.map((s) => (s as Extract<ValidationSource, { kind: 'words' }>).gold);
      const pred = outputs.map((o) => (o as { tags: string[] }).tags);
      metrics = { ...entityMetrics(g, pred) };
      gold = g;
      const key = (tags: readonly string[]) => entityChunks(tags).map((c) => `${c.start}:${c.end}:${c.type}`).sort().join('|');
      correct = pred.map((p, i) => key(p) === key(g[i]!)); // right when its entities are, as entity F1 scores it
      break;
    }
    case 'extractive-qa': {
      const g = src.map((s) => (s as Extract<ValidationSource, { kind: 'qa' }>).gold);
      metrics = { ...squadMetrics(outputs.map((o) => (o as { answer: string }).answer), g) };
      gold = g;
      correct = outputs.map((o, i) => exactMatch((o as { answer: string }).answer, g[i]!) === 1);
      break;
    }
    case 'generation': {
      const refs = src.map((x) => (x as Extract<ValidationSource, { kind: 'generation' }>).references);
      const texts = outputs.map((o) => (o as { text: string }).text);
      metrics = { ...rougeScores(texts, refs) };
      gold = refs;
      correct = texts.map(() => null);
      break;
    }
    case 'masked-lm': {
      const masked = outputs as Extract<TaskOutput, { masked: string[] }>[];
      metrics = { ...maskedLmMetrics(masked) };
      gold = masked.map((o) => o.masked);
      correct = masked.map((o) => o.masked.every((t, j) => t === o.predicted[j]));
      break;
    }
  }
  if (task.config.type !== 'masked-lm' && task.config.type !== 'generation') metrics.loss = loss;
  const predictions = src.map((s, i) => ({ example: i, input: inputOf(s), gold: gold[i], output: outputs[i], correct: correct[i]! }));
  return { task: task.config.name, primary: primaryMetric(task.config.type, metrics as never), metrics, loss, predictions };
}
