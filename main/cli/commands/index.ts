import type { Command } from '../command';

/** Every `chorus` command, one line each. Add a command by creating its file and listing it here. */
export const COMMANDS: Command[] = [];
