// A run's data: rows read from the store, splits chosen, labels mapped, a WordPiece vocabulary trained on the
// training text of every task, and every example encoded for its head.
import type { HeadSpec } from '../engine/nn';
import type { RunConfig, TaskConfig } from './config';
import { encodeClassification, encodeQa, encodeTokenClassification, type QaExample, type QaWindow } from './encode';
import { applySplitRecord, buildLabelMap, randomSplit, stratifiedSplit, toIob2, type LabelMap, type SplitRecord } from './splits';
import { WordPieceTokenizer } from './tokenizer';
import { Rng } from './batching';
import { maskingFor, maskTokens, type MaskingOptions } from './masking';
import { packTokenStreams } from './packing';
import { mixSeed } from './streams';
import { headOf } from './model';
import type { DecoderBatchOptions } from '../engine/generate';

/** Where a run's rows come from (the dataset store, in the app). */
export interface DatasetSource {
  describe(ref: string): { id: number; name: string; splits: Record<string, number>; columns?: { name: string; kind: string }[] };
  rows(id: number, split: string): Record<string, unknown>[];
}

/** Model inputs of one example plus its target(s). */
export interface EncodedExample {
  ids: number[];
  typeIds: number[];
  attentionMask: number[];
  /** Class id (classification), value (regression). */
  label?: number;
  /** Per-token labels (token classification), IGNORE_INDEX off the first sub-tokens. */
  labels?: number[];
  startPosition?: number;
  endPosition?: number;
  /** Masked LM: the positions to predict and their original ids (`ids` then holds the replacements). */
  maskedPositions?: number[];
  maskedLabels?: number[];
  /** Generation: the target's token ids (no special tokens; the decoder batch adds start and end). */
  target?: number[];
}

/** What a validation example needs for scoring and for the stored prediction. */
export type ValidationSource =
  | { kind: 'text'; text: string; textPair?: string; gold: number }
  | { kind: 'words'; words: string[]; gold: string[]; wordIds: (number | null)[] }
  | { kind: 'qa'; question: string; context: string; gold: string[] }
  | { kind: 'masked'; text: string }
  | { kind: 'generation'; source: string; references: string[] };

export interface PreparedTask {
  config: TaskConfig;
  head: HeadSpec;
  /** Class names (classification) or tag names (token classification); empty otherwise. */
  labels: string[];
  maxLength: number;
  train: EncodedExample[];
  /** Validation inputs; for QA one per window, `windowOf` maps a window to its question. */
  validation: EncodedExample[];
  validationSources: ValidationSource[];
  windowOf?: number[];
  qaWindows?: QaWindow[];
  split: SplitInfo;
  warnings: string[];
  /** Masked LM: how training batches are masked (each step draws its own masks), and id → token. */
  masking?: MaskingOptions;
  tokens?: string[];
  /** Generation: the decoder's start, end and padding ids, and token ids → text. */
  decoding?: DecoderBatchOptions & { decode(ids: number[]): Promise<string> };
}

export interface SplitInfo {
  dataset: { id: number; name: string };
  trainSplit: string;
  validation: { from: 'dataset-split'; datasetId: number; split: string } | { from: 'held-out'; record: SplitRecord };
  trainCount: number;
  validationCount: number;
}

export interface PreparedRun {
  tokenizer: WordPieceTokenizer;
  tasks: PreparedTask[];
}

const VALIDATION_SPLITS = ['validation', 'dev', 'val'];

/** The split names a dataset uses for training and (if it has one) validation. */
function splitsOf(splits: Record<string, number>): { train: string; validation?: string } {
  const names = Object.keys(splits);
  const train = names.includes('train') ? 'train' : names.find((n) => !VALIDATION_SPLITS.includes(n) && n !== 'test') ?? names[0]!;
  return { train, validation: VALIDATION_SPLITS.find((n) => names.includes(n) && n !== train) };
}

interface RawTask { config: TaskConfig; train: Record<string, unknown>[]; validation: Record<string, unknown>[]; split: SplitInfo }

function readTask(t: TaskConfig, config: RunConfig, source: DatasetSource, recorded?: SplitInfo): RawTask {
  if (t.type === 'masked-lm') return readCorpus(t, config, source, recorded);
  const ds = source.describe(t.dataset);
  const { train: trainSplit, validation: ownValidation } = splitsOf(ds.splits);
  const all = source.rows(ds.id, trainSplit);
  const base = { dataset: { id: ds.id, name: ds.name }, trainSplit };
  if (t.validation && !t.heldOut?.fraction) {
    const v = source.describe(t.validation);
    const vs = splitsOf(v.splits);
    const split = vs.validation ?? vs.train;
    const validation = source.rows(v.id, split);
    return { config: t, train: all, validation, split: { ...base, validation: { from: 'dataset-split', datasetId: v.id, split }, trainCount: all.length, validationCount: validation.length } };
  }
  if (ownValidation && !t.heldOut?.fraction) { // an explicit heldOut share is carved from train instead
    const validation = source.rows(ds.id, ownValidation);
    return { config: t, train: all, validation, split: { ...base, validation: { from: 'dataset-split', datasetId: ds.id, split: ownValidation }, trainCount: all.length, validationCount: validation.length } };
  }
  const fraction = t.heldOut?.fraction ?? config.training.validationFraction;
  const seed = t.heldOut?.seed ?? config.training.seed;
  const stratified = t.heldOut?.stratified ?? t.type === 'classification';
  const split = recorded?.validation.from === 'held-out' ? applySplitRecord(all.length, recorded.validation.record)
    : stratified ? stratifiedSplit(all.map((r) => rawLabel(t, r)), fraction, seed) : randomSplit(all.length, fraction, seed);
  return {
    config: t, train: split.train.map((i) => all[i]!), validation: split.validation.map((i) => all[i]!),
    split: { ...base, validation: { from: 'held-out', record: split.record }, trainCount: split.train.length, validationCount: split.validation.length },
  };
}

type MaskedLmTask = Extract<TaskConfig, { type: 'masked-lm' }>;

/** The texts of a dataset's training split (or `split`): every named column, or every text, token-list and string-list column. */
function corpusTexts(source: DatasetSource, ref: string, text: string | string[] | undefined, split?: 'validation'): { id: number; name: string; texts: Record<string, unknown>[] } {
  const ds = source.describe(ref);
  const s = splitsOf(ds.splits);
  const cols = text === undefined ? (ds.columns ?? []).filter((c) => ['text', 'tokens', 'json'].includes(c.kind)).map((c) => c.name) : [text].flat();
  if (!cols.length) throw new Error(`dataset '${ds.name}' has no text column to pre-train on (name one with 'text')`);
  const texts: Record<string, unknown>[] = [];
  for (const row of source.rows(ds.id, split ? s.validation ?? s.train : s.train)) {
    for (const c of cols) {
      const v = row[c];
      // a list of strings (tokens, SciTLDR's sentences) is one text; other JSON (SQuAD answers, objects) is not text
      const t = Array.isArray(v) ? (v.every((x) => typeof x === 'string' || typeof x === 'number') ? v.map(str).join(' ') : '') : typeof v === 'object' && v !== null ? '' : str(v);
      if (t.trim() !== '') texts.push({ text: t });
    }
  }
  return { id: ds.id, name: ds.name, texts };
}

/** A masked-LM task's text: the training splits of its dataset and corpus, a held-out slice (or `validation`) for perplexity. */
function readCorpus(t: MaskedLmTask, config: RunConfig, source: DatasetSource, recorded?: SplitInfo): RawTask {
  const parts = [{ dataset: t.dataset, text: t.text }, ...t.corpus].map((c) => corpusTexts(source, c.dataset, c.text));
  const all = parts.flatMap((p) => p.texts);
  const base = { dataset: { id: parts[0]!.id, name: parts.map((p) => p.name).join(' + ') }, trainSplit: 'train' };
  if (t.validation) {
    const v = corpusTexts(source, t.validation, undefined, 'validation');
    const validation = v.texts.slice(0, t.maxValidation);
    return { config: t, train: all, validation, split: { ...base, validation: { from: 'dataset-split', datasetId: v.id, split: 'validation' }, trainCount: all.length, validationCount: validation.length } };
  }
  const fraction = Math.min(t.heldOut?.fraction ?? config.training.validationFraction, t.maxValidation / Math.max(1, all.length));
  const split = recorded?.validation.from === 'held-out' ? applySplitRecord(all.length, recorded.validation.record) : randomSplit(all.length, fraction, t.heldOut?.seed ?? config.training.seed);
  return {
    config: t, train: split.train.map((i) => all[i]!), validation: split.validation.map((i) => all[i]!),
    split: { ...base, validation: { from: 'held-out', record: split.record }, trainCount: split.train.length, validationCount: split.validation.length },
  };
}

/** A list-valued text (SciTLDR's sentences) joined with spaces. */
const joined = (v: unknown): string => (Array.isArray(v) ? v.map(str).join(' ') : str(v));
/** A target cell: one reference, or a list of them. */
const references = (v: unknown): string[] => (Array.isArray(v) ? v.map(str) : [str(v)]).filter((x) => x.trim() !== '');

const str = (v: unknown): string => (v === null || v === undefined ? '' : typeof v === 'string' ? v : String(v));

function rawLabel(t: TaskConfig, row: Record<string, unknown>): string {
  if (t.type !== 'classification') return '';
  const raw = str(row[t.label]);
  const map = t.labelMap;
  if (!map) return raw;
  if ('type' in map && map.type === 'prefix') return raw.split(String(map.separator))[0]!;
  return (map as Record<string, string>)[raw] ?? raw;
}

function tagsOf(t: Extract<TaskConfig, { type: 'token-classification' }>, row: Record<string, unknown>, where: string): { words: string[]; tags: string[] } {
  const words = row[t.tokens], tags = row[t.tags];
  if (!Array.isArray(words) || !Array.isArray(tags)) throw new Error(`${where}: columns '${t.tokens}' and '${t.tags}' must hold lists of tokens and tags`);
  if (words.length !== tags.length) throw new Error(`${where}: ${words.length} tokens but ${tags.length} tags`);
  const map = t.labelMap && !('type' in t.labelMap) ? (t.labelMap as Record<string, string>) : undefined;
  return { words: words.map(str), tags: tags.map((x) => { const s = str(x); const m = map?.[s]; return m === undefined ? s : m === '' ? 'O' : m; }) };
}

/** SQuAD answer_start counts code points; encodeQa wants UTF-16 offsets. */
function utf16Offset(text: string, codePoints: number): number {
  let cp = 0, i = 0;
  while (cp < codePoints && i < text.length) { i += (text.codePointAt(i)! > 0xffff ? 2 : 1); cp++; }
  return i;
}

function qaExample(t: Extract<TaskConfig, { type: 'extractive-qa' }>, row: Record<string, unknown>): QaExample {
  const context = str(row[t.context]);
  const answers = Array.isArray(row[t.answers]) ? (row[t.answers] as { text?: unknown; answer_start?: unknown }[]) : [];
  return {
    question: str(row[t.question]), context,
    answers: answers.filter((a) => typeof a?.text === 'string' && typeof a.answer_start === 'number')
      .map((a) => ({ text: a.text as string, answerStart: utf16Offset(context, a.answer_start as number) })),
  };
}

/** Training text of a task, what the vocabulary is learnt from. */
function* textsOf(r: RawTask): Iterable<string> {
  const t = r.config;
  for (const row of r.train) {
    if (t.type === 'classification' || t.type === 'regression') {
      yield str(row[t.text]);
      if (t.textPair) yield str(row[t.textPair]);
    } else if (t.type === 'token-classification') {
      const w = row[t.tokens];
      if (Array.isArray(w)) yield w.map(str).join(' ');
    } else if (t.type === 'masked-lm') yield str(row.text);
    else if (t.type === 'generation') {
      yield joined(row[t.source]);
      yield* references(row[t.target]);
    }
    else {
      yield str(row[t.question]);
      yield str(row[t.context]);
    }
  }
}

export interface PrepareOptions {
  /** Splits recorded by an earlier start of this run (resume re-uses them exactly). */
  recordedSplits?: Record<string, SplitInfo>;
  /** A saved vocabulary (resume, baselines); otherwise one is trained. */
  tokenizer?: WordPieceTokenizer;
  /** Recorded label sets per task (resume). */
  recordedLabels?: Record<string, string[]>;
}

export async function prepareRun(config: RunConfig, source: DatasetSource, o: PrepareOptions = {}): Promise<PreparedRun> {
  const raw = config.tasks.map((t) => readTask(t, config, source, o.recordedSplits?.[t.name]));
  const tokenizer = o.tokenizer ?? WordPieceTokenizer.train((function* () { for (const r of raw) yield* textsOf(r); })(), { vocabSize: config.backbone.tokenizer.vocabSize, allowSmaller: true });
  const tasks: PreparedTask[] = [];
  for (const r of raw) tasks.push(await encodeTask(r, config, tokenizer, o.recordedLabels?.[r.config.name]));
  return { tokenizer, tasks };
}

function labelMapFor(values: string[], recorded?: string[]): LabelMap {
  return recorded ? buildLabelMap(recorded, { order: recorded }) : buildLabelMap(values);
}

async function encodeTask(r: RawTask, config: RunConfig, tok: WordPieceTokenizer, recordedLabels?: string[]): Promise<PreparedTask> {
  const t = r.config;
  const maxLength = t.maxLength ?? config.backbone.maxLength;
  const warnings: string[] = [];
  const where = (split: string) => `task '${t.name}' (${r.split.dataset.name}, ${split})`;
  const common = { config: t, maxLength, split: r.split, warnings };
  switch (t.type) {
    case 'classification': {
      const map = labelMapFor(r.train.map((row) => rawLabel(t, row)).filter((x) => x !== ''), recordedLabels);
      const pick = (rows: Record<string, unknown>[], split: string) => {
        const kept: { text: string; textPair?: string; label: number }[] = [];
        const unknown = new Map<string, number>();
        let dropped = 0;
        for (const row of rows) {
          const name = rawLabel(t, row);
          if (name === '') { dropped++; continue; } // dropped by labelMap
          const id = map.ids.get(name);
          if (id === undefined) { unknown.set(name, (unknown.get(name) ?? 0) + 1); continue; }
          kept.push({ text: str(row[t.text]), textPair: t.textPair ? str(row[t.textPair]) : undefined, label: id });
        }
        for (const [name, n] of unknown) warnings.push(`${where(split)}: ${n} row(s) with label '${name}', which training data does not have, were left out`);
        if (dropped) warnings.push(`${where(split)}: ${dropped} row(s) whose label labelMap drops were left out`);
        return kept;
      };
      const train = pick(r.train, 'train'), val = pick(r.validation, 'validation');
      return {
        ...common, head: headOf(t, map.names.length), labels: map.names,
        train: await encodeClassification(tok, train, maxLength), validation: await encodeClassification(tok, val, maxLength),
        validationSources: val.map((e) => ({ kind: 'text', text: e.text, textPair: e.textPair, gold: e.label })),
      };
    }
    case 'regression': {
      const pick = (rows: Record<string, unknown>[], split: string) => rows.flatMap((row, i) => {
        const y = Number(row[t.label]);
        if (row[t.label] === null || row[t.label] === '' || !Number.isFinite(y)) { warnings.push(`${where(split)} row ${i + 1}: '${t.label}' is not a number (${JSON.stringify(row[t.label])}); left out`); return []; }
        return [{ text: str(row[t.text]), textPair: t.textPair ? str(row[t.textPair]) : undefined, label: y }];
      });
      const train = pick(r.train, 'train'), val = pick(r.validation, 'validation');
      return {
        ...common, head: headOf(t, 0), labels: [],
        train: await encodeClassification(tok, train, maxLength), validation: await encodeClassification(tok, val, maxLength),
        validationSources: val.map((e) => ({ kind: 'text', text: e.text, textPair: e.textPair, gold: e.label })),
      };
    }
    case 'token-classification': {
      const trainRows = r.train.map((row, i) => tagsOf(t, row, `${where('train')} row ${i + 1}`));
      const valRows = r.validation.map((row, i) => tagsOf(t, row, `${where('validation')} row ${i + 1}`));
      const trainTags = trainRows.map((x) => toIob2(x.tags));
      const names = recordedLabels ?? ['O', ...[...new Set(trainTags.flat())].filter((x) => x !== 'O').sort()];
      const map = buildLabelMap(names, { order: names });
      const ids = (tags: string[]) => tags.map((x) => map.ids.get(x) ?? map.ids.get('O') ?? 0);
      const train = await encodeTokenClassification(tok, trainRows.map((x, i) => ({ words: x.words, labels: ids(trainTags[i]!) })), maxLength);
      const validation = await encodeTokenClassification(tok, valRows.map((x) => ({ words: x.words, labels: ids(toIob2(x.tags)) })), maxLength);
      return {
        ...common, head: headOf(t, map.names.length), labels: map.names,
        train, validation,
        validationSources: valRows.map((x, i) => ({ kind: 'words', words: x.words, gold: x.tags, wordIds: validation[i]!.wordIds })),
      };
    }
    case 'extractive-qa': {
      const trainEx = r.train.map((row) => qaExample(t, row));
      const valEx = r.validation.map((row) => qaExample(t, row));
      const train = (await encodeQa(tok, trainEx, { maxLength })).map(asInputs);
      const qaWindows = await encodeQa(tok, valEx, { maxLength });
      return {
        ...common, head: headOf(t, 0), labels: [],
        train, validation: qaWindows.map(asInputs), qaWindows, windowOf: qaWindows.map((w) => w.exampleIndex),
        validationSources: valEx.map((e) => ({ kind: 'qa', question: e.question, context: e.context, gold: e.answers.map((a) => a.text) })),
      };
    }
    case 'masked-lm':
      return encodeMaskedLm(r, t, config, tok, common);
    case 'generation':
      return encodeGeneration(r, t, config, tok, common);
  }
}

/** Fixed masks for the validation texts, so that perplexity is comparable from one evaluation to the next. */
const VALIDATION_MASK_SEED = 0x6d6c6d;

async function encodeMaskedLm(r: RawTask, t: MaskedLmTask, config: RunConfig, tok: WordPieceTokenizer, common: Pick<PreparedTask, 'config' | 'maxLength' | 'split' | 'warnings'>): Promise<PreparedTask> {
  const vocab = tok.vocab();
  const masking = maskingFor(vocab, t.maskProbability, t.wholeWordMasking);
  const tokens: string[] = new Array(masking.vocabSize).fill('');
  for (const [tokText, id] of Object.entries(vocab)) tokens[id] = tokText;
  const encode = async (rows: Record<string, unknown>[]) => (await encodeClassification(tok, rows.map((row) => ({ text: str(row.text), label: 0 })), common.maxLength))
    .map(({ ids, typeIds, attentionMask }): EncodedExample => ({ ids, typeIds, attentionMask }));
  const rng = new Rng(mixSeed(config.training.seed, VALIDATION_MASK_SEED));
  const validation = (await encode(r.validation)).map((e) => {
    const m = maskTokens(e.ids, rng, masking);
    return { ...e, ids: m.ids, maskedPositions: m.positions, maskedLabels: m.labels };
  });
  return {
    ...common, head: headOf(t, 0), labels: [], train: t.pack ? await packed(tok, r.train.map((row) => str(row.text)), common.maxLength) : await encode(r.train), validation,
    validationSources: r.validation.map((row) => ({ kind: 'masked', text: str(row.text) })), masking, tokens,
  };
}

/**
 * Training rows of a masked LM with its texts packed: each row is the tokenizer's single-sequence template
 * ([CLS] … [SEP], <s> … </s>) around `maxLength` minus the template's tokens, texts separated by [SEP] (</s>).
 * The held-out texts stay one per row, so that perplexity is per text and comparable across runs.
 */
async function packed(tok: WordPieceTokenizer, texts: string[], maxLength: number): Promise<EncodedExample[]> {
  const room = maxLength - tok.assemble({ ids: [], offsets: [] }).ids.length;
  const pieces = await tok.tokenizeBatch(texts);
  return packTokenStreams(pieces.map((p) => p.ids), room, tok.specials.sep).map((ids) => {
    const { ids: withSpecials, typeIds, attentionMask } = tok.assemble({ ids, offsets: ids.map((): [number, number] => [0, 0]) });
    return { ids: withSpecials, typeIds, attentionMask };
  });
}

type GenerationTask = Extract<TaskConfig, { type: 'generation' }>;

async function encodeGeneration(r: RawTask, t: GenerationTask, config: RunConfig, tok: WordPieceTokenizer, common: Pick<PreparedTask, 'config' | 'maxLength' | 'split' | 'warnings'>): Promise<PreparedTask> {
  const where = (split: string) => `task '${t.name}' (${r.split.dataset.name}, ${split})`;
  const pick = (rows: Record<string, unknown>[], split: string) => rows.flatMap((row, i) => {
    const refs = references(row[t.target]);
    if (!refs.length && split === 'train') { common.warnings.push(`${where(split)} row ${i + 1}: no target text in '${t.target}'; left out`); return []; }
    return [{ source: joined(row[t.source]), refs }]; // a validation row without references is generated for, scored 0
  });
  const train = pick(r.train, 'train'), val = pick(r.validation, 'validation');
  const rng = new Rng(mixSeed(config.training.seed, 0x7e47));
  const trainTargets = train.map((e) => e.refs[rng.int(e.refs.length)]!); // one reference per example is trained on
  const encode = async (sources: string[], targets: string[]) => {
    const inputs = await encodeClassification(tok, sources.map((text) => ({ text, label: 0 })), common.maxLength);
    const pieces = await tok.tokenizeBatch(targets);
    return inputs.map(({ ids, typeIds, attentionMask }, i): EncodedExample => ({ ids, typeIds, attentionMask, target: pieces[i]!.ids.slice(0, t.maxTargetLength) }));
  };
  const { cls, sep, pad } = tok.specials;
  return {
    ...common, head: headOf(t, 0), labels: [],
    train: await encode(train.map((e) => e.source), trainTargets),
    validation: await encode(val.map((e) => e.source), val.map((e) => e.refs[0] ?? '')),
    validationSources: val.map((e) => ({ kind: 'generation', source: e.source, references: e.refs })),
    decoding: { bosId: cls, eosId: sep, padId: pad, maxLength: t.maxTargetLength + 1, decode: (ids) => tok.decode(ids) },
  };
}

/** A training batch's rows for `task` at `step`: masked-LM rows get this step's masks (drawn from seed, step, task). */
export function trainRows(task: PreparedTask, indices: number[], seed: number, step: number, taskIndex: number): EncodedExample[] {
  const rows = indices.map((j) => task.train[j]!);
  if (!task.masking) return rows;
  const rng = new Rng(mixSeed(seed, VALIDATION_MASK_SEED, step, taskIndex));
  return rows.map((e) => {
    const m = maskTokens(e.ids, rng, task.masking!);
    return { ...e, ids: m.ids, maskedPositions: m.positions, maskedLabels: m.labels };
  });
}

function asInputs(w: QaWindow): EncodedExample {
  return { ids: w.ids, typeIds: w.typeIds, attentionMask: w.attentionMask, startPosition: w.startPosition, endPosition: w.endPosition };
}

/** Encodes rows of any dataset for one task of a trained run (its vocabulary and label set): `chorus eval`, predict. */
export function prepareEvaluation(config: RunConfig, task: TaskConfig, rows: Record<string, unknown>[], tokenizer: WordPieceTokenizer, labels: string[], dataset = { id: 0, name: 'input' }): Promise<PreparedTask> {
  const split: SplitInfo = { dataset, trainSplit: '', validation: { from: 'dataset-split', datasetId: dataset.id, split: '' }, trainCount: 0, validationCount: rows.length };
  return encodeTask({ config: task, train: [], validation: rows, split }, config, tokenizer, labels);
}
