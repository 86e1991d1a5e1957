import { UsageError, type ParsedArgs } from './command';

/** Global flags understood by every command. */
export const GLOBAL_BOOLEAN_FLAGS = ['json', 'help'];

/** Parses argv after the command name. `booleanFlags` never consume the next argument. */
export function parseArgs(argv: string[], booleanFlags: string[] = []): ParsedArgs {
  const booleans = new Set([...GLOBAL_BOOLEAN_FLAGS, ...booleanFlags]);
  const positionals: string[] = [];
  const flags: ParsedArgs['flags'] = {};
  const set = (key: string, value: string | boolean) => {
    const prev = flags[key];
    if (prev === undefined) flags[key] = value;
    else if (Array.isArray(prev)) prev.push(String(value));
    else flags[key] = [String(prev), String(value)];
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--') {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    if (!arg.startsWith('--')) {
      positionals.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const key = arg.slice(2, eq === -1 ? undefined : eq);
    if (!key) throw new UsageError(`empty flag name in '${arg}'`);
    if (eq !== -1) set(key, arg.slice(eq + 1));
    else if (booleans.has(key)) set(key, true);
    else {
      const value = argv[i + 1];
      if (value === undefined || value.startsWith('--')) throw new UsageError(`--${key} needs a value`);
      set(key, value);
      i++;
    }
  }
  return { positionals, flags };
}

/** The last value of a string flag, or undefined. */
export function stringFlag(args: ParsedArgs, key: string): string | undefined {
  const v = args.flags[key];
  if (v === undefined) return undefined;
  if (typeof v === 'boolean') throw new UsageError(`--${key} needs a value`);
  return Array.isArray(v) ? v[v.length - 1] : v;
}

/** Every value of a repeatable string flag. */
export function stringFlags(args: ParsedArgs, key: string): string[] {
  const v = args.flags[key];
  if (v === undefined) return [];
  if (typeof v === 'boolean') throw new UsageError(`--${key} needs a value`);
  return Array.isArray(v) ? v : [v];
}

export function intFlag(args: ParsedArgs, key: string, fallback: number): number {
  const s = stringFlag(args, key);
  if (s === undefined) return fallback;
  const n = Number(s);
  if (!Number.isInteger(n)) throw new UsageError(`--${key} must be an integer, got '${s}'`);
  return n;
}

/** A flag that must be a positive number (a learning rate), or undefined when it is not given. */
export function positiveFlag(args: ParsedArgs, key: string): number | undefined {
  const s = stringFlag(args, key);
  if (s === undefined) return undefined;
  const n = Number(s);
  if (!(n > 0) || !Number.isFinite(n)) throw new UsageError(`--${key} must be a positive number, got '${s}'`);
  return n;
}

export function boolFlag(args: ParsedArgs, key: string): boolean {
  return args.flags[key] === true || args.flags[key] === 'true';
}
