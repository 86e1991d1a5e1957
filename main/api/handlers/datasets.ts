// datasets.* calls that read, delete or import by path.
import type { Handlers } from './types';

type DatasetCalls = 'datasets.list' | 'datasets.get' | 'datasets.preview' | 'datasets.delete' | 'datasets.importPaths' | 'datasets.labelCounts';

export const datasetHandlers: Pick<Handlers, DatasetCalls> = {
  'datasets.list': (_args, ctx) => ctx.datasets.list(),
  'datasets.get': ({ id }, ctx) => ctx.datasets.get(id),
  'datasets.preview': ({ id, split, offset, limit }, ctx) => ctx.datasets.preview(id, split, offset, limit),
  'datasets.delete': ({ id }, ctx) => {
    ctx.datasets.delete(id);
    return { deleted: id };
  },
  'datasets.labelCounts': ({ id, column, split }, ctx) => ctx.datasets.valueCounts(id, column, split),
  'datasets.importPaths': ({ paths, acceptBadRows }, ctx) =>
    ctx.datasets.importFiles(paths, { acceptBadRows }, (p) => ctx.emit('import.progress', p)),
};
