// Runs, from the main process's side: create (validate, import, freeze), start a trainer process, persist what it
// reports, pause / resume / stop, and recover runs whose process died. UI (IPC / WebSocket) and CLI share it.
import { fork, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, statSync } from 'node:fs';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Store } from '../store';
import { RunStore, type MetricPoint, type RunRow, type RunStatus } from '../store/runs';
import type { DatasetService } from '../data/dataset-service';
import { ChorusError, codedOf, renderError, type CodedMessage } from '../data/error-catalog';
import { ConfigError, configIssue, parseRunConfig, type RunConfig } from './config';
import { resolveBackbone } from './backbone';
import { ModelService } from './models';
import { importReport, resolveRunConfig } from './datasets-resolve';
import type { FromTrainer, ToTrainer } from './protocol';
import { latestCheckpoint, tokenizerPath } from './run-files';
import type { EvaluationInfo, ProgressInfo, TrainerOutcome } from './trainer';
import { TRAINER_NODE_FLAGS, trainerEnv } from '../engine/runtime/trainer-process';

/** What listeners (the UI, the CLI's progress line) hear about a run. A failure's `code` and `params` are its `error`'s. */
export type RunEvent =
  | { runId: number; type: 'status'; status: RunStatus; error?: string | null; code?: CodedMessage['code']; params?: CodedMessage['params'] }
  | { runId: number; type: 'progress'; progress: ProgressInfo }
  | { runId: number; type: 'evaluation'; evaluation: EvaluationInfo }
  | { runId: number; type: 'log'; message: string };

interface Active { child: ChildProcess; done: Promise<RunRow>; paused: boolean; stopping: boolean }

/** The trainer entry: the .ts source under tsx (CLI, tests, dev), trainer.js beside the bundle in a build. */
function trainerEntry(): { path: string; execArgv: string[] } {
  const here = fileURLToPath(import.meta.url);
  if (here.endsWith('.ts')) return { path: join(dirname(here), 'trainer-process.ts'), execArgv: [...TRAINER_NODE_FLAGS, '--import', import.meta.resolve('tsx')] };
  return { path: join(dirname(here), 'trainer.js'), execArgv: [...TRAINER_NODE_FLAGS] };
}

const isAlive = (pid: number): boolean => {
  try { process.kill(pid, 0); return true; } catch (e) { return (e as NodeJS.ErrnoException).code === 'EPERM'; }
};

export class RunService {
  readonly runs: RunStore;
  readonly models: ModelService;
  private readonly active = new Map<number, Active>();
  private readonly listeners = new Set<(e: RunEvent) => void>();
  private readonly baselineChains = new Map<number, Promise<unknown>>();

  constructor(private readonly store: Store, private readonly datasets: DatasetService, private readonly entry: { path: string; execArgv: string[] } = trainerEntry()) {
    this.runs = new RunStore(store);
    this.models = new ModelService(store);
  }

  /** Marks runs whose trainer process is gone as interrupted (call once at startup). */
  recover(): number[] {
    return this.runs.markInterrupted((pid) => this.active.has(pid) || isAlive(pid));
  }

  on(listener: (e: RunEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private emit(e: RunEvent): void {
    for (const l of this.listeners) l(e);
  }

  runDir(id: number): string {
    return join(this.store.dataDir, 'runs', String(id));
  }

  /**
   * Points `backbone.path` at what the run will load — an earlier run's folder, or an imported model's (a checkpoint
   * folder named by path is imported into the Models list first, unless `dryRun`) — and copies its architecture
   * into the config. Throws ConfigError naming the field.
   */
  resolveBackbone(config: RunConfig, dryRun = false): void {
    const field = config.backbone.from === 'pretrained' ? 'backbone.path' : 'backbone.from';
    try {
      resolveBackbone(config, {
        runFolder: (id) => {
          let run: RunRow;
          try { run = this.runs.getRun(id); } catch { return { error: `run ${id} does not exist` }; }
          const dir = this.runDir(id);
          if (!latestCheckpoint(dir) && !existsSync(join(dir, 'checkpoints', 'best.safetensors'))) return { error: `run ${id} has no checkpoint yet (it is ${run.status})` };
          return dir;
        },
        modelFolder: (ref, dry) => {
          if (existsSync(ref) && statSync(ref).isDirectory()) return dry ? null : this.models.import(ref).model.folder;
          return this.models.models.find(ref).folder;
        },
      }, { dryRun });
    } catch (e) {
      if (e instanceof ConfigError) throw e;
      throw new ConfigError([configIssue(field, 'config_other', { message: (e as Error).message.replace(/^backbone\.from: /, '') })]);
    }
  }

  /** Validates a config (every error names its field), imports file datasets, and records a queued run. */
  async create(input: unknown, o: { projectId?: number; acceptBadRows?: boolean; baselines?: boolean } = {}): Promise<RunRow> {
    const { config, imported } = await resolveRunConfig(input, this.datasets, { acceptBadRows: o.acceptBadRows });
    this.resolveBackbone(config);
    if (o.baselines) config.training.baselines = true;
    const row = this.runs.createRun({ name: config.name, config, projectId: o.projectId, totalSteps: config.training.budgetSeconds ? undefined : config.training.steps });
    for (const message of importReport(imported)) this.emit({ runId: row.id, type: 'log', message }); // rows --yes left out
    return row;
  }

  /** Records the single-task baselines of a run (same config, one task each, same budget and vocabulary). */
  createBaselines(parent: RunRow): RunRow[] {
    const config = parseRunConfig(parent.config);
    return config.tasks.map((t) => this.runs.createRun({
      name: `${config.name} · ${t.name} alone`, parentId: parent.id, baselineTask: t.name, projectId: parent.projectId ?? undefined,
      config: { ...config, name: `${config.name} · ${t.name} alone`, tasks: [t], training: { ...config.training, baselines: false } },
      totalSteps: config.training.budgetSeconds ? undefined : config.training.steps,
    }));
  }

  /** Starts (or, with resume, continues) a run in its own process; resolves with the row when the process ends. */
  start(id: number, o: { resume?: boolean } = {}): Promise<RunRow> {
    if (this.active.has(id)) throw new ChorusError('run_already_running', { id });
    const row = this.runs.getRun(id);
    const config = parseRunConfig(row.config);
    const dir = this.runDir(id);
    const resume = o.resume ?? false;
    if (!resume) rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    const from = resume ? latestCheckpoint(dir) : null;
    const fromStep = from ? Number(/step-(\d+)/.exec(basename(from))![1]) : 0;
    this.runs.truncateAfter(id, fromStep); // metrics past the checkpoint are replayed
    let tokenizer: string | undefined;
    if (row.parentId !== null && existsSync(tokenizerPath(this.runDir(row.parentId)))) tokenizer = tokenizerPath(this.runDir(row.parentId));

    const entry = this.entry;
    const child = fork(entry.path, [], { execArgv: entry.execArgv, stdio: ['ignore', 'ignore', 'inherit', 'ipc'], env: { ...trainerEnv(), ELECTRON_RUN_AS_NODE: '1' } });
    this.runs.setStatus(id, 'running', { pid: child.pid });
    this.emit({ runId: id, type: 'status', status: 'running' });
    let outcome: TrainerOutcome | null = null;
    let failure: CodedMessage | null = null;
    const active: Active = { child, paused: false, stopping: false, done: null! };
    active.done = new Promise<RunRow>((res) => {
      child.on('message', (m: FromTrainer) => {
        try {
          if (m.type === 'ready') child.send({ type: 'start', runId: id, config, runDir: dir, dbPath: this.store.path, resume, tokenizerPath: tokenizer } satisfies ToTrainer);
          else if (m.type === 'done') outcome = m.outcome;
          else if (m.type === 'failed') failure = codedOf(new Error(m.message));
          else this.persist(id, m);
        } catch (e) {
          failure = { code: 'run_record_failed', params: { detail: (e as Error).message } };
          child.kill();
        }
      });
      child.on('exit', (code, signal) => {
        this.active.delete(id);
        if (outcome) this.finish(id, outcome);
        else if (failure) this.setStatus(id, 'failed', failure);
        else this.setStatus(id, 'interrupted', { code: 'run_interrupted', params: { how: signal ? `signal ${signal}` : `exit code ${code}` } });
        res(this.runs.getRun(id));
      });
    });
    this.active.set(id, active);
    return active.done;
  }

  private setStatus(id: number, status: RunStatus, failure?: CodedMessage | string): void {
    const coded = typeof failure === 'string' ? codedOf(new Error(failure)) : failure;
    const error = typeof failure === 'string' ? failure : coded && renderError(coded.code, coded.params);
    this.runs.setStatus(id, status, { error });
    this.emit({ runId: id, type: 'status', status, error, ...coded });
  }

  private finish(id: number, o: TrainerOutcome): void {
    this.runs.setProgress(id, o.step);
    if (o.status === 'diverged') { this.setStatus(id, 'diverged', o.error); return; }
    this.runs.setSummary(id, { stopReason: o.status, bestStep: o.bestStep, tasks: o.summary });
    this.setStatus(id, o.status === 'stopped' ? 'stopped' : 'completed');
    if (o.status !== 'stopped') this.startBaselines(id);
  }

  /**
   * A completed run whose config asks for baselines (`training.baselines`) gets them, one after another, whether it
   * completed straight away or after a resume. Each is tracked like any run, so `settle()` waits for them too.
   */
  private startBaselines(id: number): void {
    const row = this.runs.getRun(id);
    if (row.parentId !== null || !this.configOf(row).training.baselines || this.runs.baselinesOf(id).length) return;
    const baselines = this.createBaselines(row);
    const chain = baselines.reduce<Promise<unknown>>((p, b) => p.then(() => this.start(b.id)), Promise.resolve())
      .catch((e: unknown) => this.emit({ runId: id, type: 'log', message: `baselines stopped: ${(e as Error).message}` }))
      .finally(() => this.baselineChains.delete(id));
    this.baselineChains.set(id, chain);
  }

  /** Resolves when the baselines of `id` (if it has any pending) have all ended. */
  async baselinesSettled(id: number): Promise<RunRow[]> {
    await this.baselineChains.get(id);
    return this.runs.baselinesOf(id);
  }

  private persist(id: number, m: FromTrainer): void {
    switch (m.type) {
      case 'log': this.emit({ runId: id, type: 'log', message: m.message }); break;
      case 'plan':
        this.runs.setPlan(id, m.plan);
        this.runs.setProgress(id, this.runs.getRun(id).step, m.plan.totalSteps);
        break;
      case 'progress': {
        const p = m.progress;
        const pts: MetricPoint[] = [
          { split: 'train' as const, task: '', name: 'loss', step: p.step, value: p.loss },
          { split: 'train' as const, task: '', name: 'lr', step: p.step, value: p.lr },
          { split: 'train' as const, task: '', name: 'tokens_per_s', step: p.step, value: p.tokensPerSecond },
          { split: 'train' as const, task: '', name: 'train_seconds', step: p.step, value: p.trainSeconds },
          { split: 'train' as const, task: '', name: 'tokens', step: p.step, value: p.tokens },
          ...Object.entries(p.taskLosses).map(([task, value]) => ({ split: 'train' as const, task, name: 'loss', step: p.step, value })),
          ...Object.entries(p.weights).map(([task, value]) => ({ split: 'train' as const, task, name: 'weight', step: p.step, value })),
        ].filter((x) => Number.isFinite(x.value));
        this.runs.addMetrics(id, pts);
        this.runs.setProgress(id, p.step, p.totalSteps);
        this.emit({ runId: id, type: 'progress', progress: p });
        break;
      }
      case 'evaluation': {
        const e = m.evaluation;
        const pts: MetricPoint[] = [{ split: 'validation', task: '', name: 'mean', step: e.step, value: e.mean }];
        for (const r of e.results) {
          this.runs.addEvaluation(id, e.step, r.task, r.metrics);
          pts.push({ split: 'validation', task: r.task, name: 'primary', step: e.step, value: r.primary });
          for (const [name, v] of Object.entries(r.metrics)) if (typeof v === 'number') pts.push({ split: 'validation', task: r.task, name, step: e.step, value: v });
        }
        this.runs.addMetrics(id, pts.filter((p) => Number.isFinite(p.value)));
        this.emit({ runId: id, type: 'evaluation', evaluation: e });
        break;
      }
      case 'checkpoint':
        this.runs.addCheckpoint(id, { step: m.step, kind: m.kind, path: relative(this.store.dataDir, m.path), metric: m.metric ?? undefined });
        break;
      case 'predictions':
        this.runs.replacePredictions(id, m.task, m.rows.map((r) => ({ example: r.example, input: r.input, gold: r.gold, output: r.output, correct: r.correct ?? undefined })));
        break;
      case 'paused': this.runs.setStatus(id, 'paused', { pid: this.active.get(id)?.child.pid }); this.emit({ runId: id, type: 'status', status: 'paused' }); break;
      case 'resumed': this.runs.setStatus(id, 'running', { pid: this.active.get(id)?.child.pid }); this.emit({ runId: id, type: 'status', status: 'running' }); break;
    }
  }

  /** Deletes a run that is not running, its baselines, and its folder (checkpoints, vocabulary). */
  deleteRun(id: number): void {
    if (this.active.has(id)) throw new ChorusError('run_running_stop_first', { id });
    const ids = [id, ...this.runs.baselinesOf(id).map((b) => b.id)];
    this.runs.deleteRun(id);
    for (const x of ids) rmSync(this.runDir(x), { recursive: true, force: true });
  }

  /** Whether this process drives the run's trainer. */
  isActive(id: number): boolean {
    return this.active.has(id);
  }

  pause(id: number): void {
    const a = this.activeOrThrow(id, 'run_pause_elsewhere');
    a.paused = true;
    a.child.send({ type: 'pause' } satisfies ToTrainer);
  }

  /** Continues a paused run, or restarts a stopped / interrupted / failed one from its last checkpoint. */
  resume(id: number): Promise<RunRow> | void {
    const a = this.active.get(id);
    if (a) { a.paused = false; a.child.send({ type: 'resume' } satisfies ToTrainer); return; }
    const row = this.runs.getRun(id);
    if (row.status === 'completed') throw new ChorusError('run_completed', { id });
    if (row.status === 'running' || row.status === 'paused') {
      if (row.pid !== null && isAlive(row.pid)) throw new ChorusError('run_busy_elsewhere', { id, status: row.status, pid: row.pid });
    }
    return this.start(id, { resume: true });
  }

  /** Asks the trainer to checkpoint and stop (here, or in another process through its pid). */
  stop(id: number): void {
    const a = this.active.get(id);
    if (a) { a.stopping = true; a.child.send({ type: 'stop' } satisfies ToTrainer); return; }
    const row = this.runs.getRun(id);
    if ((row.status === 'running' || row.status === 'paused') && row.pid !== null && isAlive(row.pid)) { process.kill(row.pid, 'SIGTERM'); return; }
    if (row.status === 'queued' || row.status === 'interrupted') { this.setStatus(id, 'stopped'); return; }
    throw new ChorusError('run_not_running', { id, status: row.status });
  }

  private activeOrThrow(id: number, notHere: CodedMessage['code']): Active {
    const a = this.active.get(id);
    if (!a) throw new ChorusError(notHere, { id });
    return a;
  }

  /** Waits for every active run's process to end (CLI and tests). */
  async settle(): Promise<void> {
    while (this.active.size || this.baselineChains.size)
      await Promise.all([...[...this.active.values()].map((a) => a.done), ...this.baselineChains.values()]);
  }

  /** Stops every active run and waits (app quit). */
  async shutdown(): Promise<void> {
    for (const id of this.active.keys()) this.stop(id);
    await this.settle();
  }

  /** The run's folder, resolved from a checkpoint path stored relative to the data dir. */
  absolute(path: string): string {
    return resolve(this.store.dataDir, path);
  }

  configOf(row: RunRow): RunConfig {
    return parseRunConfig(row.config);
  }
}
