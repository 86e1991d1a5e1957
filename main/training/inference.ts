// A trained run, loaded for use: its vocabulary, label sets and best parameters, with one forward session per head.
// Serves `chorus predict` / the playground (every head on one input) and `chorus eval` (one task on any dataset).
import { existsSync, readFileSync } from 'node:fs';
import { ForwardSession, type ModelSpec } from '../engine/train';
import { readCheckpoint } from './checkpoint';
import type { RunConfig, TaskConfig } from './config';
import { evaluateTask, predictTask, type DecodeOverrides, type TaskEvaluation, type TaskOutput, type TaskSession } from './evaluate';
import { Generator } from '../engine/generate';
import { headsOf, modelSpecOf } from './model';
import { prepareEvaluation } from './prepare';
import { WordPieceTokenizer } from './tokenizer';
import { headBatch } from './tensors';
import { bestCheckpointPath, latestCheckpoint, planPath, tokenizerPath } from './run-files';
import type { RunPlan } from './trainer';


export interface PredictInput { text: string; textPair?: string; context?: string }

export class RunModel {
  private readonly sessions = new Map<string, TaskSession>();
  private constructor(readonly config: RunConfig, readonly plan: RunPlan, readonly spec: ModelSpec, readonly tokenizer: WordPieceTokenizer, readonly params: Float32Array, readonly checkpoint: string, private readonly threads?: number) {}

  /** Loads the run in `runDir`: the best checkpoint, or the newest periodic one when no evaluation ran yet. */
  static load(runDir: string, config: RunConfig, o: { threads?: number } = {}): RunModel {
    if (!existsSync(planPath(runDir)) || !existsSync(tokenizerPath(runDir))) throw new Error(`run folder ${runDir} has no trained model yet (no plan.json / tokenizer.json)`);
    const plan = JSON.parse(readFileSync(planPath(runDir), 'utf8')) as RunPlan;
    const ckpt = existsSync(bestCheckpointPath(runDir)) ? bestCheckpointPath(runDir) : latestCheckpoint(runDir);
    if (!ckpt) throw new Error(`run folder ${runDir} has no checkpoint yet`);
    const spec = modelSpecOf(config, plan.vocabSize, headsOf(config, plan), plan.model);
    return new RunModel(config, plan, spec, WordPieceTokenizer.load(tokenizerPath(runDir)), readCheckpoint(ckpt).params, ckpt, o.threads);
  }

  private async session(task: string): Promise<TaskSession> {
    let s = this.sessions.get(task);
    if (!s) {
      const head = this.spec.heads.find((h) => h.name === task)!;
      s = head.kind === 'generation' ? await Generator.create(this.spec, task, { threads: this.threads }) : await ForwardSession.create(this.spec, { heads: [task], threads: this.threads });
      this.sessions.set(task, s);
    }
    return s;
  }

  private task(name: string): TaskConfig {
    const t = this.config.tasks.find((x) => x.name === name);
    if (!t) throw new Error(`the run has no task '${name}' (tasks: ${this.config.tasks.map((x) => x.name).join(', ')})`);
    return t;
  }

  private labels(name: string): string[] {
    return this.plan.tasks.find((x) => x.name === name)?.labels ?? [];
  }

  /** The input as a dataset row in the task's own column names. */
  private rowFor(t: TaskConfig, input: PredictInput): Record<string, unknown> | null {
    switch (t.type) {
      case 'classification':
      case 'regression':
        return { [t.text]: input.text, ...(t.textPair ? { [t.textPair]: input.textPair ?? '' } : {}), [t.label]: t.type === 'classification' ? this.labels(t.name)[0] : 0 };
      case 'token-classification': {
        const words = input.text.split(/\s+/).filter(Boolean);
        return { [t.tokens]: words, [t.tags]: words.map(() => 'O') };
      }
      case 'extractive-qa':
        return input.context === undefined ? null : { [t.question]: input.text, [t.context]: input.context, [t.answers]: [] };
      case 'masked-lm':
        return null; // fill-mask, in predict
      case 'generation':
        return { [t.source]: input.text, [t.target]: [] };
    }
  }

  /** Fill-mask: the 5 likeliest tokens at every [MASK] of the text. */
  private async fillMask(t: TaskConfig, text: string): Promise<TaskOutput | { skipped: string }> {
    const maskId = this.tokenizer.specials.mask;
    const e = await this.tokenizer.encode(text, t.maxLength ?? this.config.backbone.maxLength);
    const positions = e.ids.flatMap((id, i) => (id === maskId ? [i] : []));
    const maskToken = this.tokenizer.idToToken(maskId) ?? '[MASK]';
    if (!positions.length) return { skipped: `write ${maskToken} where the model should fill in a word` };
    const { batch } = headBatch('masked_lm', [{ ...e, maskedPositions: positions, maskedLabels: positions.map(() => -100) }]);
    const logits = (await (await this.session(t.name) as ForwardSession).run(this.params, [batch]))[`${t.name}.logits`]!;
    const V = logits.dims[1] as number, data = logits.data as Float32Array;
    const fills = positions.map((_, j) => {
      const row = data.subarray(j * V, (j + 1) * V);
      const max = Math.max(...row);
      let z = 0;
      for (const x of row) z += Math.exp(x - max);
      return [...row.keys()].sort((a, b) => row[b]! - row[a]!).slice(0, 5).map((id) => ({ token: this.tokenizer.idToToken(id) ?? String(id), score: Math.exp(row[id]! - max) / z }));
    });
    return { fills };
  }

  /** Every head's output for one input (a QA head needs a context; without one its entry says so). */
  async predict(input: PredictInput, decode: DecodeOverrides = {}): Promise<Record<string, TaskOutput | { skipped: string }>> {
    const out: Record<string, TaskOutput | { skipped: string }> = {};
    for (const t of this.config.tasks) {
      if (t.type === 'masked-lm') { out[t.name] = await this.fillMask(t, input.text); continue; }
      const row = this.rowFor(t, input);
      if (!row) { out[t.name] = { skipped: 'extractive QA needs a context: the passage to find the answer in' }; continue; }
      const prepared = await prepareEvaluation(this.config, t, [row], this.tokenizer, this.labels(t.name));
      out[t.name] = (await predictTask(prepared, await this.session(t.name), this.params, 1, decode)).outputs[0]!;
    }
    return out;
  }

  /** Metrics (and predictions) of one task on any rows in its column names, e.g. a held-out test split. */
  async evaluate(taskName: string, rows: Record<string, unknown>[], dataset?: { id: number; name: string }, decode: DecodeOverrides = {}): Promise<TaskEvaluation> {
    const t = this.task(taskName);
    const prepared = await prepareEvaluation(this.config, t, rows, this.tokenizer, this.labels(t.name), dataset);
    return evaluateTask(prepared, await this.session(t.name), this.params, this.config.training.evalBatchSize, decode);
  }

  async release(): Promise<void> {
    for (const s of this.sessions.values()) await s.release();
    this.sessions.clear();
  }
}
