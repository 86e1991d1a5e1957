// `chorus delete ID`: delete a dataset and its examples.
import type { Command } from '../command';
import { datasetIdArg, withDatasets } from './datasets';

export const deleteCommand: Command = {
  name: 'delete',
  summary: 'delete a dataset and its examples',
  usage: `Usage: chorus delete ID [--db PATH] [--json]`,
  async run(args, ctx) {
    const id = datasetIdArg(args);
    await withDatasets(ctx.dbPath, (svc) => svc.delete(id));
    ctx.stdout.write(ctx.json ? JSON.stringify({ deleted: id }) + '\n' : `deleted dataset ${id}\n`);
    return 0;
  },
};
