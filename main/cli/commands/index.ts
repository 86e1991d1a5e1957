import type { Command } from '../command';
import { importCommand } from './import';
import { datasetsCommand } from './datasets';
import { showCommand } from './show';
import { deleteCommand } from './delete';
import { replayReferenceCommand } from './replay-reference';
import { serveCommand } from './serve';
import { trainCommand } from './train';
import { runCommand, runsCommand } from './runs';
import { resumeCommand, stopCommand } from './stop-resume';
import { evalCommand, predictCommand } from './eval-predict';
import { demoCommand } from './demo';
import { modelsCommand } from './models';

/** Every `chorus` command, one line each. Add a command by creating its file and listing it here. */
export const COMMANDS: Command[] = [
  importCommand,
  datasetsCommand,
  showCommand,
  deleteCommand,
  replayReferenceCommand,
  serveCommand,
  trainCommand,
  runsCommand,
  runCommand,
  stopCommand,
  resumeCommand,
  evalCommand,
  predictCommand,
  modelsCommand,
  demoCommand,
];
