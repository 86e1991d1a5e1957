import type { Handlers } from './types';

type ModelCalls = Extract<keyof Handlers, `models.${string}`>;

export const modelHandlers: Pick<Handlers, ModelCalls> = {
  'models.list': (_a, ctx) => ctx.runs.models.list(),
  'models.import': ({ path, name }, ctx) => ctx.runs.models.import(path, { name }),
  'models.delete': ({ id }, ctx) => {
    ctx.runs.models.delete(id);
    return { deleted: id };
  },
};
