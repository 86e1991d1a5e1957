#!/usr/bin/env node
// `chorus <command> …`: the headless CLI over the same services as the app.
import { parseArgs, stringFlag, GLOBAL_BOOLEAN_FLAGS } from './args';
import { UsageError, type Command, type CommandContext } from './command';
import { COMMANDS } from './commands/index';
import { defaultDbPath } from './data-dir';

function helpText(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length), 4);
  const lines = COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`);
  return [
    'chorus: train one transformer on many NLP tasks at once',
    '',
    'Usage: chorus <command> [options]',
    '',
    'Commands:',
    ...lines,
    '',
    'Global options:',
    '  --db PATH   database file (default: ' + defaultDbPath() + ')',
    '  --json      machine-readable output on stdout',
    '  --help      help for a command',
  ].join('\n');
}

export async function main(argv: string[], io = { stdout: process.stdout, stderr: process.stderr }): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    io.stdout.write(helpText() + '\n');
    return name ? 0 : 2;
  }
  const command: Command | undefined = COMMANDS.find((c) => c.name === name);
  if (!command) {
    io.stderr.write(`chorus: unknown command '${name}'. Run 'chorus --help' for the list.\n`);
    return 2;
  }
  try {
    const args = parseArgs(rest, [...(command.booleanFlags ?? []), ...GLOBAL_BOOLEAN_FLAGS]);
    if (args.flags.help === true) {
      io.stdout.write(command.usage.trimEnd() + '\n');
      return 0;
    }
    const ctx: CommandContext = {
      dbPath: stringFlag(args, 'db') ?? defaultDbPath(),
      json: args.flags.json === true,
      stdout: io.stdout,
      stderr: io.stderr,
    };
    return await command.run(args, ctx);
  } catch (err) {
    if (err instanceof UsageError) {
      io.stderr.write(`chorus ${name}: ${err.message}\n`);
      return err.exitCode;
    }
    io.stderr.write(`chorus ${name}: ${err instanceof Error ? err.message : String(err)}\n`);
    if (process.env.CHORUS_DEBUG && err instanceof Error && err.stack) io.stderr.write(err.stack + '\n');
    return 1;
  }
}

const invokedDirectly = process.argv[1] && /cli[\\/]index\.(ts|js|mjs)$/.test(process.argv[1]);
if (invokedDirectly) {
  main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
