import type { z } from 'zod';
import type { CALLS, CallName, CallResult } from '../contract';
import type { CallContext } from './context';

/** A handler receives arguments already validated by the contract's schema. */
export type Handler<N extends CallName> = (
  args: z.output<(typeof CALLS)[N]['args']>,
  ctx: CallContext,
) => CallResult<N> | Promise<CallResult<N>>;

/** The type makes a missing handler a compile error. */
export type Handlers = { [N in CallName]: Handler<N> };
