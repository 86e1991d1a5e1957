// The training loop of one run: data → model → steps with sampling, weighting and schedule → evaluation, best
// and periodic checkpoints → predictions of the best checkpoint. Process-agnostic: the trainer process drives it and
// forwards its hooks as messages. Resuming continues bit-for-bit: data order, loss weights and Dropout masks all
// derive from (seed, step), and train sessions are re-created with fresh seeds at every periodic checkpoint.
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { ATTENTION_FLOAT_MASK_LIMIT, attentionMaskBytes, layoutFor, TrainSession, type ModelSpec } from '../engine/train';
import { SessionPool } from './session-pool';
import { bestCheckpointPath, checkpointDir, latestCheckpoint, periodicName, planPath, runConfigPath, tokenizerPath } from './run-files';
import type { ExecutionProviderName } from '../engine/runtime';
import type { BertConfig } from '../engine/nn';
import { applyBackbone, backboneBert, loadBackbone } from './backbone';
import type { RunConfig } from './config';
import { readCheckpoint, writeCheckpoint, writeFileAtomic, type TrainerState } from './checkpoint';
import { evaluateTask, taskSession, type PredictionRecord, type TaskEvaluation, type TaskSession } from './evaluate';
import { initParams, modelSpecOf } from './model';
import { prepareRun, trainRows, type DatasetSource, type SplitInfo } from './prepare';
import { lrAt, lrAtBudgetFraction, scheduleOf, type Schedule } from './schedule';
import { LossWeighting, stepWeights, tasksForStep } from './strategies';
import { BatchStream, mixSeed } from './streams';
import { taskBatch } from './tensors';
import { WordPieceTokenizer } from './tokenizer';

/** What a run settled on when it started; saved as plan.json and re-used by resume. */
export interface RunPlan {
  totalSteps: number;
  warmupSteps: number;
  evalEvery: number;
  checkpointEvery: number;
  vocabSize: number;
  parameters: number;
  probeMsPerStep?: number;
  /** The architecture trained, when a backbone (checkpoint or earlier run) set it rather than the config. */
  model?: BertConfig;
  tasks: { name: string; type: string; labels: string[]; maxLength: number; split: SplitInfo }[];
  warnings: string[];
}

export interface ProgressInfo {
  step: number;
  totalSteps: number;
  lr: number;
  /** Mean loss per task over the steps since the last report (tasks not trained in that window are absent). */
  taskLosses: Record<string, number>;
  loss: number;
  weights: Record<string, number>;
  tokensPerSecond: number;
  /** Real (non-padding) tokens trained on so far. */
  tokens: number;
  trainSeconds: number;
  etaSeconds: number;
  epochs: Record<string, number>;
}

export interface EvaluationInfo {
  step: number;
  results: { task: string; primary: number; metrics: Record<string, unknown> }[];
  mean: number;
  isBest: boolean;
}

export type TrainerStatus = 'completed' | 'stopped' | 'diverged' | 'early-stopped' | 'budget-spent';

export interface TrainerOutcome {
  status: TrainerStatus;
  step: number;
  /** Metrics of the best checkpoint per task (or the last evaluation when none was better). */
  summary: Record<string, Record<string, unknown>>;
  bestStep: number | null;
  error?: string;
}

export interface TrainerHooks {
  plan?(plan: RunPlan): void;
  progress?(p: ProgressInfo): void;
  evaluation?(e: EvaluationInfo): void;
  checkpoint?(c: { step: number; kind: 'periodic' | 'best' | 'final'; path: string; metric: number | null }): void;
  predictions?(task: string, rows: PredictionRecord[]): void;
  log?(message: string): void;
}

export interface TrainerControl {
  /** Checked between steps: stop after writing a checkpoint. */
  stopRequested(): boolean;
  /** Resolves when not paused (called between steps). */
  waitWhilePaused(): Promise<void>;
}

export interface TrainerOptions {
  config: RunConfig;
  /** The run's folder: plan.json, tokenizer.json, checkpoints/. */
  runDir: string;
  source: DatasetSource;
  /** Continue from the newest checkpoint in runDir. */
  resume?: boolean;
  /** A vocabulary to use instead of training one (single-task baselines share their multi-task run's). */
  tokenizerPath?: string;
  /** Seconds between progress reports (default 1). */
  progressEvery?: number;
  control?: TrainerControl;
}

const NO_CONTROL: TrainerControl = { stopRequested: () => false, waitWhilePaused: async () => undefined };
const PROBE_WARM = 2, PROBE_STEPS = 20;


function mean(xs: number[]): number {
  return xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : NaN;
}

export async function train(o: TrainerOptions, hooks: TrainerHooks = {}): Promise<TrainerOutcome> {
  const { config, runDir } = o;
  const control = o.control ?? NO_CONTROL;
  const tr = config.training;
  mkdirSync(checkpointDir(runDir), { recursive: true });

  // ---- data and plan ----
  const resumeFrom = o.resume ? latestCheckpoint(runDir) : null;
  let plan: RunPlan | null = o.resume && existsSync(planPath(runDir)) ? (JSON.parse(readFileSync(planPath(runDir), 'utf8')) as RunPlan) : null;
  const savedTokenizer = existsSync(tokenizerPath(runDir)) && (o.resume || o.tokenizerPath) ? tokenizerPath(runDir) : o.tokenizerPath;
  const backbone = loadBackbone(config.backbone);
  if (backbone) hooks.log?.(`starting from ${backbone.describe}`);
  if (!existsSync(runConfigPath(runDir))) writeFileAtomic(runConfigPath(runDir), new TextEncoder().encode(JSON.stringify(config, null, 1)));
  hooks.log?.(`preparing data for ${config.tasks.length} task(s)`);
  const prepared = await prepareRun(config, o.source, {
    tokenizer: savedTokenizer ? WordPieceTokenizer.load(savedTokenizer) : backbone?.tokenizer,
    recordedSplits: plan ? Object.fromEntries(plan.tasks.map((t) => [t.name, t.split])) : undefined,
    recordedLabels: plan ? Object.fromEntries(plan.tasks.map((t) => [t.name, t.labels])) : undefined,
  });
  const tasks = prepared.tasks;
  for (const t of tasks) if (t.train.length === 0) throw new Error(`task '${t.config.name}': no training examples`);
  if (!existsSync(tokenizerPath(runDir))) prepared.tokenizer.save(tokenizerPath(runDir));
  const vocabSize = Object.keys(prepared.tokenizer.vocab()).length;
  const model: BertConfig | undefined = backbone ? backboneBert(backbone, config) : undefined;
  const spec: ModelSpec = modelSpecOf(config, vocabSize, tasks.map((t) => t.head), model);
  const N = layoutFor(spec).size;

  const maskBytes = attentionMaskBytes(spec.config.numHiddenLayers, spec.config.numAttentionHeads, tasks.map((t) => ({ batch: tr.batchSize, seq: t.maxLength })));
  const sessionOptions = {
    betas: [0.9, 0.999] as [number, number], eps: 1e-8, weightDecay: tr.weightDecay, clipGradNorm: tr.clipGradNorm,
    threads: config.threads || undefined, executionProvider: config.device as ExecutionProviderName,
    attentionMaskBits: maskBytes > ATTENTION_FLOAT_MASK_LIMIT,
  };
  const streams = tasks.map((t, i) => new BatchStream(t.train.map((e) => e.ids.length), tr.batchSize, tr.seed, i));
  const sizes = tasks.map((t) => t.train.length);
  const names = tasks.map((t) => t.config.name);

  // ---- initial or restored state ----
  const state0: { params: Float32Array; m: Float32Array; v: Float32Array } = { params: initParams(spec, tr.seed), m: new Float32Array(N), v: new Float32Array(N) };
  if (backbone && !resumeFrom) {
    const fresh = applyBackbone(spec, state0.params, backbone);
    hooks.log?.(`loaded ${N - fresh.reduce((n, name) => n + layoutFor(spec).entry(name).size, 0)} of ${N} parameters from the backbone; initialised fresh: ${fresh.join(', ') || 'none'}`);
    if (backbone.ignored.length) hooks.log?.(`left out of the backbone: ${backbone.ignored.join(', ')}`);
  }
  let st: TrainerState = { step: 0, segmentStart: 0, calls: {}, streams: streams.map((s) => s.state), weighting: {}, best: null, evalsWithoutImprovement: 0, trainSeconds: 0, tokens: 0 };
  if (resumeFrom) {
    const c = readCheckpoint(resumeFrom);
    if (c.params.length !== N || !c.m || !c.v) throw new Error(`${resumeFrom}: checkpoint does not fit this run's model (${c.params.length} parameters, expected ${N})`);
    state0.params = c.params; state0.m = c.m; state0.v = c.v;
    st = c.state;
    streams.forEach((s, i) => (s.state = { ...st.streams[i]! }));
    hooks.log?.(`resuming from step ${st.step} (${resumeFrom})`);
  }
  const weighting = new LossWeighting(tr.weighting, tasks.map((t) => t.config.weight), tr.dwaTemperature, 50, resumeFrom ? st.weighting : undefined);

  // ---- the schedule (a time budget is turned into steps by timing a probe on a throwaway copy) ----
  if (!plan) {
    let totalSteps = tr.steps, evalEvery = tr.evalEvery, probeMsPerStep: number | undefined;
    if (tr.budgetSeconds !== undefined) {
      probeMsPerStep = await probe();
      totalSteps = Math.max(1, Math.floor((tr.budgetSeconds * 1000) / probeMsPerStep));
      if (tr.evalEverySeconds !== undefined) evalEvery = Math.max(1, Math.round((tr.evalEverySeconds * 1000) / probeMsPerStep));
    }
    const sched = scheduleOf(config, totalSteps);
    plan = {
      totalSteps, warmupSteps: sched.warmupSteps, evalEvery, checkpointEvery: tr.checkpointEvery ?? evalEvery, vocabSize, parameters: N, probeMsPerStep, model,
      tasks: tasks.map((t) => ({ name: t.config.name, type: t.config.type, labels: t.labels, maxLength: t.maxLength, split: t.split })),
      warnings: tasks.flatMap((t) => t.warnings),
    };
    writeFileAtomic(planPath(runDir), new TextEncoder().encode(JSON.stringify(plan, null, 1)));
  }
  hooks.plan?.(plan);
  const schedule: Schedule = { ...scheduleOf(config, plan.totalSteps), warmupSteps: plan.warmupSteps };

  async function probe(): Promise<number> {
    hooks.log?.('timing the first steps to fit the schedule into the budget');
    const s = await TrainSession.create(spec, state0.params, { ...sessionOptions, activeHeads: names, dropoutSeed: mixSeed(tr.seed, 777) % 1_000_000 });
    const probeStreams = tasks.map((t, i) => new BatchStream(t.train.map((e) => e.ids.length), tr.batchSize, tr.seed + 777, i));
    let t0 = 0;
    for (let i = 0; i < PROBE_WARM + PROBE_STEPS; i++) {
      if (i === PROBE_WARM) t0 = performance.now();
      const subset = tasksForStep(tr.sampling, i + 1, sizes, tr.seed + 777, tr.temperature);
      const batches = subset.map((k) => taskBatch(tasks[k]!, trainRows(tasks[k]!, probeStreams[k]!.next(), tr.seed + 777, i + 1, k)).batch);
      await s.trainStep(batches, stepWeights(weighting.weights(), subset), 0);
    }
    const ms = (performance.now() - t0) / PROBE_STEPS;
    await s.release();
    return ms;
  }

  // ---- sessions, restored to the checkpoint's segment with their Dropout draws replayed ----
  const pool = new SessionPool(spec, names, sessionOptions, tr.seed, state0, st.segmentStart);
  await pool.restore(st.calls, (subset) => subset.map((k) => taskBatch(tasks[k]!, trainRows(tasks[k]!, [0], tr.seed, 0, k)).batch));

  // ---- evaluation ----
  const forward = new Map<string, TaskSession>();
  const evaluateAll = async (params: Float32Array): Promise<TaskEvaluation[]> => {
    const out: TaskEvaluation[] = [];
    for (const t of tasks) {
      if (t.validation.length === 0) continue;
      let f = forward.get(t.config.name);
      if (!f) forward.set(t.config.name, (f = await taskSession(spec, t, { threads: sessionOptions.threads, executionProvider: sessionOptions.executionProvider })));
      out.push(await evaluateTask(t, f, params, tr.evalBatchSize));
    }
    return out;
  };
  const selectMetric = (evals: TaskEvaluation[]): number => {
    const m = tr.earlyStopping.metric;
    if (m === 'mean') return mean(evals.map((e) => e.primary));
    return evals.find((e) => e.task === m)?.primary ?? NaN;
  };

  // ---- the loop ----
  let step = st.step;
  // A time budget ends the run when it is spent, not at the planned step count (an estimate from the probe, which can
  // be off by a fifth either way), and the learning rate follows the share of the budget spent.
  const budget = tr.budgetSeconds;
  const spent = () => budget !== undefined && st.trainSeconds >= budget;
  const moreSteps = () => (budget !== undefined ? !spent() : step < plan.totalSteps);
  const lrFor = (next: number) => (budget !== undefined ? lrAtBudgetFraction(schedule, st.trainSeconds / budget) : lrAt(schedule, next));
  let trained = false; // whether this process has run a step (a stop before that has nothing new to save)
  const checkpointState = (): TrainerState => ({ ...st, step, segmentStart: pool.segmentStart, calls: { ...pool.calls }, streams: streams.map((s) => ({ ...s.state })), weighting: structuredClone(weighting.state) });
  const savePeriodic = () => {
    const path = join(checkpointDir(runDir), periodicName(step));
    const cur = pool.state();
    writeCheckpoint(path, { params: cur.params, m: cur.m, v: cur.v, state: checkpointState() });
    for (const n of readdirSync(checkpointDir(runDir))) // keep the two newest periodic checkpoints
      if (/^step-\d+\.safetensors$/.test(n) && n < periodicName(step) && n !== lastPeriodic) rmSync(join(checkpointDir(runDir), n), { force: true });
    lastPeriodic = periodicName(step);
    hooks.checkpoint?.({ step, kind: 'periodic', path, metric: null });
  };
  let lastPeriodic = resumeFrom ? periodicName(st.step) : '';
  let window = { losses: names.map(() => [] as number[]), tokens: 0, seconds: 0, loss: [] as number[] };
  let lastReport = performance.now();
  const progressEvery = (o.progressEvery ?? 1) * 1000;
  let lastEvalStep = -1;
  let status: TrainerStatus = 'completed';
  let error: string | undefined;
  let lastEvals: TaskEvaluation[] | null = null;

  const report = (lr: number) => {
    const wts = weighting.weights();
    const taskLosses: Record<string, number> = {};
    names.forEach((n, i) => { if (window.losses[i]!.length) taskLosses[n] = mean(window.losses[i]!); });
    const sPerStep = st.trainSeconds / Math.max(1, step);
    const left = budget !== undefined ? Math.max(0, budget - st.trainSeconds) : (plan!.totalSteps - step) * sPerStep;
    const totalSteps = budget !== undefined && step > 0 ? step + Math.round(left / sPerStep) : plan!.totalSteps;
    hooks.progress?.({
      step, totalSteps, lr, taskLosses, loss: mean(window.loss), weights: Object.fromEntries(names.map((n, i) => [n, wts[i]!])),
      tokensPerSecond: window.seconds > 0 ? window.tokens / window.seconds : 0, tokens: st.tokens, trainSeconds: st.trainSeconds,
      etaSeconds: Math.max(0, left), epochs: Object.fromEntries(names.map((n, i) => [n, streams[i]!.epochs(sizes[i]!)])),
    });
    window = { losses: names.map(() => []), tokens: 0, seconds: 0, loss: [] };
    lastReport = performance.now();
  };

  const doEval = async (): Promise<boolean> => {
    const evals = await evaluateAll(pool.state().params);
    lastEvals = evals;
    lastEvalStep = step;
    if (!evals.length) return false;
    const metric = selectMetric(evals);
    const isBest = Number.isFinite(metric) && (st.best === null || metric > st.best.metric);
    if (isBest) {
      st.best = { step, metric };
      st.evalsWithoutImprovement = 0;
      writeCheckpoint(bestCheckpointPath(runDir), { params: pool.state().params, state: checkpointState() });
      hooks.checkpoint?.({ step, kind: 'best', path: bestCheckpointPath(runDir), metric });
    } else st.evalsWithoutImprovement += 1;
    hooks.evaluation?.({ step, results: evals.map((e) => ({ task: e.task, primary: e.primary, metrics: e.metrics })), mean: mean(evals.map((e) => e.primary)), isBest });
    return tr.earlyStopping.patience > 0 && st.evalsWithoutImprovement >= tr.earlyStopping.patience;
  };

  try {
    while (moreSteps()) {
      await control.waitWhilePaused();
      if (control.stopRequested()) {
        if (trained) savePeriodic();
        status = 'stopped';
        break;
      }
      const subset = tasksForStep(tr.sampling, step + 1, sizes, tr.seed, tr.temperature);
      const session = await pool.forStep(subset, step);
      trained = true;
      const picked = subset.map((k) => taskBatch(tasks[k]!, trainRows(tasks[k]!, streams[k]!.next(), tr.seed, step + 1, k)));
      const lr = lrFor(step + 1);
      const t0 = performance.now();
      const res = await session.trainStep(picked.map((p) => p.batch), stepWeights(weighting.weights(), subset), lr);
      const dt = (performance.now() - t0) / 1000;
      const bad = subset.findIndex((_, j) => !Number.isFinite(res.taskLosses[j]!));
      if (bad >= 0 || !Number.isFinite(res.loss)) {
        const task = bad >= 0 ? names[subset[bad]!]! : subset.map((k) => names[k]).join(', ');
        status = 'diverged';
        error = `training diverged at step ${step + 1}: the loss of task '${task}' is ${bad >= 0 ? res.taskLosses[bad] : res.loss}; the last good checkpoint is kept (lower training.lr or raise training.warmup, then resume or start again)`;
        break;
      }
      step += 1;
      st.trainSeconds += dt;
      const losses = names.map(() => NaN);
      subset.forEach((k, j) => { losses[k] = res.taskLosses[j]!; window.losses[k]!.push(res.taskLosses[j]!); });
      weighting.observe(losses, subset, lr);
      const toks = picked.reduce((n, p) => n + p.tokens, 0);
      st.tokens += toks;
      window.tokens += toks;
      window.seconds += dt;
      window.loss.push(res.loss);
      const evalNow = step % plan.evalEvery === 0 || !moreSteps(); // and after the last step
      if (evalNow || performance.now() - lastReport >= progressEvery) report(lr);
      if (evalNow && (await doEval())) { status = 'early-stopped'; hooks.log?.(`early stopping at step ${step}: no improvement in ${st.evalsWithoutImprovement} evaluations`); }
      if (step % plan.checkpointEvery === 0 && moreSteps() && status === 'completed') { // a segment ends here
        await pool.newSegment(step);
        savePeriodic();
      }
      if (status !== 'completed') break;
    }
    if (status === 'completed' && spent()) status = 'budget-spent';
    if (status === 'completed' || status === 'budget-spent' || status === 'early-stopped') {
      if (lastEvalStep !== step) await doEval();
      // predictions and final metrics come from the best checkpoint
      const best = existsSync(bestCheckpointPath(runDir)) ? readCheckpoint(bestCheckpointPath(runDir)) : null;
      const finalEvals = best && best.state.step !== lastEvalStep ? await evaluateAll(best.params) : lastEvals ?? (await evaluateAll(pool.state().params));
      for (const e of finalEvals) hooks.predictions?.(e.task, e.predictions);
      return { status, step, summary: Object.fromEntries(finalEvals.map((e) => [e.task, e.metrics])), bestStep: st.best?.step ?? null };
    }
    return { status, step, summary: lastEvals ? Object.fromEntries((lastEvals as TaskEvaluation[]).map((e) => [e.task, e.metrics])) : {}, bestStep: st.best?.step ?? null, error };
  } finally {
    await pool.release();
    for (const f of forward.values()) await f.release();
  }
}

