// Errors raised by the dataset service and the importers.

/** A dataset (or split) that does not exist. */
export class NotFoundError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NotFoundError';
  }
}

/** A whole file refused. The message names the file and, where known, the line or record. */
export class ImportError extends Error {
  constructor(
    readonly file: string,
    readonly reason: string,
    readonly line?: number,
    readonly record?: number,
  ) {
    super(`${file}${line !== undefined ? `:${line}` : ''}${record !== undefined ? ` record ${record}` : ''}: ${reason}`);
    this.name = 'ImportError';
  }
}

/** The import was aborted through ImportOptions.signal. */
export class ImportAbortedError extends Error {
  constructor(file: string) {
    super(`${file}: import aborted`);
    this.name = 'ImportAbortedError';
  }
}
