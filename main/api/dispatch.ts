// Validates a call against the contract and runs its handler; answers an Envelope, never throws.
import type { z } from 'zod';
import { CALLS, type CallName, type Envelope } from './contract';
import { HANDLERS } from './handlers/index';
import type { Handler } from './handlers/types';
import type { CallContext } from './handlers/context';
import { failure, failureOf, renderError } from './error-codes';

export function isCallName(name: string): name is CallName {
  return Object.prototype.hasOwnProperty.call(CALLS, name);
}

/** Each issue's field ('arguments' for the whole object) and zod's description of it. */
function argumentIssues(error: z.ZodError): { field: string; detail: string }[] {
  return error.issues.map((i) => ({ field: i.path.length ? i.path.join('.') : 'arguments', detail: i.message }));
}

/** "datasets.preview: limit: Too big: expected number to be <=1000" — the call and the field. */
export function describeIssues(name: string, error: z.ZodError): string {
  return argumentIssues(error)
    .map((p) => `${name}: ${renderError('api_invalid_argument', p)}`)
    .join('; ');
}

export async function dispatch(name: string, rawArgs: unknown, ctx: CallContext): Promise<Envelope> {
  if (!isCallName(name)) return failure('unknown-call', renderError('api_unknown_call', { call: name }), { code: 'api_unknown_call', params: { call: name } });
  const parsed = CALLS[name].args.safeParse(rawArgs ?? {});
  if (!parsed.success) {
    // the code and params are the first issue's; the English line names them all
    return failure('invalid-arguments', describeIssues(name, parsed.error), { code: 'api_invalid_argument', params: argumentIssues(parsed.error)[0]! });
  }
  try {
    const handler = HANDLERS[name] as Handler<CallName>;
    const value = await handler(parsed.data as never, ctx);
    return { ok: true, value };
  } catch (err) {
    return failureOf(name, err);
  }
}
