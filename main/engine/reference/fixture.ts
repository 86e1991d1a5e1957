// Reader for PyTorch reference fixtures (shared/reference/FORMAT.md, formats 1 and 2).
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { readSafetensors, type StTensors } from '../io';
import { bertConfigFromHf, HEAD_KINDS, LABEL_TENSORS, type BertConfig, type HeadKind } from '../nn';
import type { TaskHead } from '../train';

export interface FixtureHead extends TaskHead {
  batch: string;
  weight: number;
  pair: boolean;
}

export interface FixtureOptimizer { lr: number; betas: [number, number]; eps: number; weightDecay: number; clipGradNorm: number; steps: number }

const LEGACY_KINDS: Record<string, HeadKind> = { sentiment: 'sequence_classification', ner: 'token_classification' };

export class Fixture {
  readonly format: number;
  readonly raw: Record<string, unknown>;
  readonly config: BertConfig;
  readonly heads: FixtureHead[];
  readonly optimizer: FixtureOptimizer;
  readonly seq: number;
  readonly weights: StTensors;
  readonly batches: StTensors;
  readonly expected: Record<string, unknown> | null;

  constructor(readonly dir: string) {
    const cfgPath = join(dir, 'config.json');
    if (!existsSync(cfgPath)) throw new Error(`${dir}: no config.json (not a reference fixture)`);
    this.raw = JSON.parse(readFileSync(cfgPath, 'utf8')) as Record<string, unknown>;
    this.format = typeof this.raw.format_version === 'number' ? this.raw.format_version : 1;
    this.config = bertConfigFromHf(this.raw);
    this.heads = readHeads(this.raw);
    const opt = this.raw.optimizer as Record<string, unknown>;
    if (!opt) throw new Error(`${cfgPath}: no optimizer block`);
    const num = (k: string): number => {
      if (typeof opt[k] !== 'number') throw new Error(`${cfgPath}: optimizer.${k} must be a number`);
      return opt[k] as number;
    };
    const betas = opt.betas as [number, number];
    this.optimizer = { lr: num('lr'), betas: [betas[0], betas[1]], eps: num('eps'), weightDecay: num('weight_decay'), clipGradNorm: num('clip_grad_norm'), steps: num('steps') };
    this.weights = readSafetensors(join(dir, 'model.safetensors'));
    this.batches = readSafetensors(join(dir, 'batches.safetensors'));
    const first = this.batches.get(`eval.${this.heads[0]!.batch}.input_ids`);
    if (!first) throw new Error(`${dir}: batches.safetensors has no eval.${this.heads[0]!.batch}.input_ids`);
    this.seq = first.shape[1]!;
    const exp = join(dir, 'expected.json');
    this.expected = existsSync(exp) ? (JSON.parse(readFileSync(exp, 'utf8')) as Record<string, unknown>) : null;
  }

  readOptional(file: string): StTensors | null {
    const p = join(this.dir, file);
    return existsSync(p) ? readSafetensors(p) : null;
  }

  get weightsVector(): number[] {
    return this.heads.map((h) => h.weight);
  }

  /** One batch per head, in head order, as ORT tensors. prefix: `step{k}` or `eval`. */
  batchTensors(prefix: string): Record<string, ort.Tensor>[] {
    return this.heads.map((h) => {
      const out: Record<string, ort.Tensor> = {};
      for (const n of ['input_ids', 'attention_mask', 'token_type_ids', ...LABEL_TENSORS[h.kind].map((l) => l.name)]) {
        const key = `${prefix}.${h.batch}.${n}`;
        const t = this.batches.get(key);
        if (!t) throw new Error(`${this.dir}/batches.safetensors: missing ${key}`);
        const want = n === 'labels' && h.kind === 'regression' ? 'F32' : 'I64';
        if (t.dtype !== want) throw new Error(`${this.dir}/batches.safetensors: ${key} is ${t.dtype}, expected ${want}`);
        out[n] = new ort.Tensor(want === 'F32' ? 'float32' : 'int64', t.data as Float32Array | BigInt64Array, t.shape);
      }
      return out;
    });
  }
}

function readHeads(raw: Record<string, unknown>): FixtureHead[] {
  const tasks = raw.tasks as { heads?: Record<string, Record<string, unknown>>; alpha?: number } | undefined;
  const heads = tasks?.heads;
  if (!heads || Object.keys(heads).length === 0) throw new Error('config.json: tasks.heads is missing or empty');
  const entries = Object.entries(heads);
  const hasWeight = entries.map(([, h]) => typeof h.weight === 'number');
  if (hasWeight.some(Boolean) && !hasWeight.every(Boolean)) throw new Error('config.json: either every head has a weight or none does');
  let weights: number[];
  if (hasWeight.every(Boolean)) weights = entries.map(([, h]) => h.weight as number);
  else {
    if (entries.length !== 2 || typeof tasks!.alpha !== 'number') throw new Error('config.json: heads without `weight` need exactly two heads and tasks.alpha');
    weights = [tasks!.alpha, 1 - tasks!.alpha];
  }
  const out = entries.map(([name, h], i): FixtureHead => {
    const kind = (h.kind ?? LEGACY_KINDS[name]) as HeadKind;
    if (!HEAD_KINDS.includes(kind) || kind === 'masked_lm' || kind === 'generation') throw new Error(`config.json: head '${name}': unknown kind ${JSON.stringify(h.kind)}`);
    const batch = typeof h.batch === 'string' ? h.batch : String.fromCharCode(65 + i);
    const head: FixtureHead = { name, kind, batch, weight: weights[i]!, pair: h.pair === true };
    if (kind === 'sequence_classification' || kind === 'token_classification') {
      if (typeof h.num_labels !== 'number' || h.num_labels < 1) throw new Error(`config.json: head '${name}': ${kind} needs num_labels >= 1`);
      head.numLabels = h.num_labels;
    }
    return head;
  });
  // processing order is the key order, which must also be the ascending order of the batch letters
  const letters = out.map((h) => h.batch);
  if (new Set(letters).size !== letters.length || letters.some((l, i) => i > 0 && letters[i - 1]! >= l))
    throw new Error(`config.json: batch letters must be unique and ascending in head order, got ${letters.join(', ')}`);
  return out;
}
