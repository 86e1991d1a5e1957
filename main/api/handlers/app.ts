// app.* calls.
import type { Handlers } from './types';

const version = '0.1.0';

export const appHandlers: Pick<Handlers, 'app.info'> = {
  'app.info': (_args, ctx) => ({
    name: 'Chorus',
    version,
    mode: ctx.mode,
    dataDir: ctx.store.dataDir,
    platform: process.platform,
  }),
};
