// The shape of one `chorus` CLI command. Each command lives in its own file under commands/
// and is listed once in commands/index.ts.

export interface ParsedArgs {
  /** Positional arguments after the command name. */
  positionals: string[];
  /** --flag value / --flag=value / --flag (true). Repeated flags collect into arrays. */
  flags: Record<string, string | boolean | string[]>;
}

export interface CommandContext {
  /** Database path from --db, or the app's default data folder. */
  dbPath: string;
  /** --json: print machine-readable JSON on stdout. */
  json: boolean;
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
}

export interface Command {
  name: string;
  /** One line for `chorus --help`. */
  summary: string;
  /** Usage text for `chorus <name> --help`. */
  usage: string;
  /** Flags that take no value (everything else takes one). */
  booleanFlags?: string[];
  /** Returns the process exit status: 0 on success, non-zero when anything was refused. */
  run(args: ParsedArgs, ctx: CommandContext): Promise<number>;
}

/** An error whose message is shown to the user as is (no stack), with a non-zero exit status. */
export class UsageError extends Error {
  constructor(message: string, readonly exitCode = 2) {
    super(message);
    this.name = 'UsageError';
  }
}
