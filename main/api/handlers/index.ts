import type { Handlers } from './types';
import { appHandlers } from './app';
import { datasetHandlers } from './datasets';
import { uploadHandlers } from './uploads';
import { runHandlers } from './runs';
import { modelHandlers } from './models';

/** Every handler, keyed by call name; the Handlers type makes a missing one a compile error. */
export const HANDLERS: Handlers = { ...appHandlers, ...datasetHandlers, ...uploadHandlers, ...runHandlers, ...modelHandlers };
