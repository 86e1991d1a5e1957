// How a failed call reaches a client: the English line (naming the call) plus the message's stable code and params
// from the catalog (main/data/error-catalog.ts, where every code and English text lives; it sits below the services
// because they raise these errors too), and the kind of failure. The renderer shows the code in its own language.
import { codedOf, type CodedMessage } from '../data/error-catalog';
import { NotFoundError } from '../data/errors';
import { ConfigError } from '../training/config';
import type { ApiErrorKind, ApiFailure } from './contract';

export { ChorusError, ERROR_CATALOG, ERROR_CODES, placeholders, renderError, type CodedMessage, type ErrorCode, type ErrorParams } from '../data/error-catalog';

export function kindOf(err: unknown): ApiErrorKind {
  if (err instanceof NotFoundError) return 'not-found';
  if (err instanceof ConfigError) return 'invalid-config';
  return 'failed';
}

/** The envelope for an error thrown by a call's handler. */
export function failureOf(call: string, err: unknown): ApiFailure {
  const message = err instanceof Error ? err.message : String(err);
  const { code, params }: CodedMessage = codedOf(err);
  return { ok: false, error: `${call}: ${message}`, code, params, kind: kindOf(err) };
}

/** The envelope for a failure dispatch itself finds (unknown call, invalid arguments). */
export function failure(kind: ApiErrorKind, error: string, coded: CodedMessage): ApiFailure {
  return { ok: false, error, code: coded.code, params: coded.params, kind };
}
