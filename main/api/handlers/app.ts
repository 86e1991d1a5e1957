// app.* calls.
import type { Handlers } from './types';
import { version } from '../../../package.json';

export const appHandlers: Pick<Handlers, 'app.info'> = {
  'app.info': (_args, ctx) => ({
    name: 'Chorus',
    version,
    mode: ctx.mode,
    dataDir: ctx.store.dataDir,
    platform: process.platform,
  }),
};
