// Errors raised by the dataset service and the importers (codes and English texts: error-catalog.ts).
import { ChorusError, isErrorCode, recognizeError, renderError, type ErrorCode, type ErrorParams } from './error-catalog';
import type { ImportIssue } from './types';

export { ChorusError } from './error-catalog';

/** A dataset, split, run or project that does not exist. */
export class NotFoundError extends ChorusError {
  constructor(code: ErrorCode, params?: ErrorParams);
  /** Plain text (the run store): the code is recognised from the text where the catalog knows it. */
  constructor(message: string);
  constructor(codeOrMessage: string, params: ErrorParams = {}) {
    if (isErrorCode(codeOrMessage)) super(codeOrMessage, params);
    else {
      const coded = recognizeError(codeOrMessage) ?? { code: 'error_internal' as const, params: { message: codeOrMessage } };
      super(coded.code, coded.params, codeOrMessage);
    }
    this.name = 'NotFoundError';
  }
}

/** Where in a file a problem is; every field but `file` may be missing. */
export interface FileLocation {
  file: string;
  line?: number;
  column?: number;
  record?: number;
}

/** A whole file refused. The message names the file and, where known, the line or record; `reason` is the rest. */
export class ImportError extends ChorusError {
  readonly reason: string;
  constructor(
    readonly file: string,
    code: ErrorCode,
    params: ErrorParams = {},
    readonly line?: number,
    readonly record?: number,
  ) {
    const reason = renderError(code, params);
    super(code, params, `${file}${line !== undefined ? `:${line}` : ''}${record !== undefined ? ` record ${record}` : ''}: ${reason}`);
    this.name = 'ImportError';
    this.reason = reason;
  }
}

/** The import was aborted through ImportOptions.signal. */
export class ImportAbortedError extends ChorusError {
  constructor(readonly file: string) {
    super('import_aborted', {}, `${file}: ${renderError('import_aborted')}`);
    this.name = 'ImportAbortedError';
  }
}

/** One rejected row (or file problem): where, its code and params, and the English reason. */
export function importIssue(where: FileLocation, code: ErrorCode, params: ErrorParams = {}): ImportIssue {
  return { ...where, reason: renderError(code, params), code, params };
}
