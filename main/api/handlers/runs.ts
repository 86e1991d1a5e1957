// projects.* and runs.*: saved configs, starting and steering runs, their metrics and predictions, the playground.
import { ConfigError } from '../../training/config';
import { resolveRunConfig } from '../../training/datasets-resolve';
import { RunModel } from '../../training/inference';
import { createDemoProject } from '../../training/demo-project';
import { ChorusError } from '../error-codes';
import type { Handlers } from './types';

type RunCalls = Extract<keyof Handlers, `runs.${string}` | `projects.${string}`>;

/** Loaded models for the playground, newest last; a few are kept so repeated predictions stay fast. */
const models = new Map<number, Promise<RunModel>>();
const MAX_MODELS = 3;

export const runHandlers: Pick<Handlers, RunCalls> = {
  'projects.list': (_a, ctx) => ctx.runs.runs.listProjects(),
  'projects.save': ({ id, name, config }, ctx) => (id ? ctx.runs.runs.updateProject(id, { name, config }) : ctx.runs.runs.createProject(name, config)),
  'projects.delete': ({ id }, ctx) => {
    ctx.runs.runs.deleteProject(id);
    return { deleted: id };
  },
  'projects.createDemo': ({ language }, ctx) => createDemoProject(ctx.datasets, ctx.runs.runs, { language }),

  'runs.check': async ({ config }, ctx) => {
    try {
      const resolved = await resolveRunConfig(config, ctx.datasets, { dryRun: true });
      ctx.runs.resolveBackbone(resolved.config, true); // an earlier run or imported model, checked without importing
      return { ok: true, issues: [] };
    } catch (e) {
      if (e instanceof ConfigError) return { ok: false, issues: e.issues };
      throw e;
    }
  },
  'runs.start': async ({ config, projectId, baselines }, ctx) => {
    const run = await ctx.runs.create(config, { projectId, baselines });
    void ctx.runs.start(run.id).catch(() => undefined); // failures are recorded on the run and sent as run.event
    return ctx.runs.runs.getRun(run.id);
  },
  'runs.list': ({ projectId }, ctx) => ctx.runs.runs.listRuns({ projectId }),
  'runs.get': ({ id }, ctx) => ({
    run: ctx.runs.runs.getRun(id), evaluations: ctx.runs.runs.evaluations(id), checkpoints: ctx.runs.runs.checkpoints(id), baselines: ctx.runs.runs.baselinesOf(id),
  }),
  'runs.metrics': ({ id, sinceStep }, ctx) => ctx.runs.runs.metrics(id, { sinceStep }),
  'runs.pause': ({ id }, ctx) => {
    ctx.runs.pause(id);
    return ctx.runs.runs.getRun(id);
  },
  'runs.resume': ({ id }, ctx) => {
    const done = ctx.runs.resume(id);
    if (done) void done.catch(() => undefined);
    return ctx.runs.runs.getRun(id);
  },
  'runs.stop': ({ id }, ctx) => {
    ctx.runs.stop(id);
    return ctx.runs.runs.getRun(id);
  },
  'runs.delete': ({ id }, ctx) => {
    if (ctx.runs.isActive(id)) throw new ChorusError('run_running_stop_first', { id });
    ctx.runs.deleteRun(id);
    models.delete(id);
    return { deleted: id };
  },
  'runs.predictions': ({ id, task, offset, limit, onlyWrong }, ctx) => ctx.runs.runs.predictions(id, task, { offset, limit, onlyWrong }),
  'runs.predict': async ({ id, text, textPair, context, decode }, ctx) => {
    let m = models.get(id);
    if (!m) {
      const row = ctx.runs.runs.getRun(id);
      m = Promise.resolve().then(() => RunModel.load(ctx.runs.runDir(id), ctx.runs.configOf(row)));
      models.set(id, m);
      m.catch(() => models.delete(id));
      while (models.size > MAX_MODELS) {
        const [oldest, pm] = models.entries().next().value!;
        models.delete(oldest);
        void pm.then((x) => x.release()).catch(() => undefined);
      }
    }
    return (await m).predict({ text, textPair, context }, decode);
  },
};
