// Validates a call against the contract and runs its handler; answers an Envelope, never throws.
import type { z } from 'zod';
import { CALLS, type CallName, type Envelope } from './contract';
import { HANDLERS } from './handlers/index';
import type { Handler } from './handlers/types';
import type { CallContext } from './handlers/context';
import { NotFoundError } from '../data/dataset-service';
import { ConfigError } from '../training/config';

export function isCallName(name: string): name is CallName {
  return Object.prototype.hasOwnProperty.call(CALLS, name);
}

/** "datasets.preview: limit: Too big: expected number to be <=1000" — the call and the field. */
export function describeIssues(name: string, error: z.ZodError): string {
  return error.issues
    .map((i) => `${name}: ${i.path.length ? i.path.join('.') : 'arguments'}: ${i.message}`)
    .join('; ');
}

export async function dispatch(name: string, rawArgs: unknown, ctx: CallContext): Promise<Envelope> {
  if (!isCallName(name)) return { ok: false, code: 'unknown-call', error: `unknown call '${name}'` };
  const parsed = CALLS[name].args.safeParse(rawArgs ?? {});
  if (!parsed.success) return { ok: false, code: 'invalid-arguments', error: describeIssues(name, parsed.error) };
  try {
    const handler = HANDLERS[name] as Handler<CallName>;
    const value = await handler(parsed.data as never, ctx);
    return { ok: true, value };
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    if (err instanceof NotFoundError) return { ok: false, code: 'not-found', error: `${name}: ${message}` };
    if (err instanceof ConfigError) return { ok: false, code: 'invalid-config', error: `${name}: ${message}` };
    return { ok: false, code: 'failed', error: `${name}: ${message}` };
  }
}
