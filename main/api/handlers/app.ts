// app.* calls.
import type { Handlers } from './types';
import { availableParallelism, totalmem } from 'node:os';
import { version } from '../../../package.json';
import { availableExecutionProviders, resolveAutoDevice } from '../../engine/runtime';

export const appHandlers: Pick<Handlers, 'app.info' | 'app.machine'> = {
  'app.info': (_args, ctx) => ({
    name: 'Chorus',
    version,
    mode: ctx.mode,
    dataDir: ctx.store.dataDir,
    platform: process.platform,
  }),
  'app.machine': async () => {
    const auto = await resolveAutoDevice();
    const available = availableExecutionProviders();
    // what a run can ask for and get: the CPU, and whatever `auto` found working
    const usable = ['cpu', ...(auto.ep !== 'cpu' ? [auto.ep] : [])];
    return { cpus: availableParallelism(), memoryBytes: totalmem(), devices: { available, usable, auto: auto.ep, reason: auto.reason } };
  },
};
