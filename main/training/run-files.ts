// The files of a run's folder: its frozen config, plan, vocabulary and checkpoints.
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

export const checkpointDir = (runDir: string) => join(runDir, 'checkpoints');
export const periodicName = (step: number) => `step-${String(step).padStart(8, '0')}.safetensors`;
export const bestCheckpointPath = (runDir: string) => join(checkpointDir(runDir), 'best.safetensors');
export const tokenizerPath = (runDir: string) => join(runDir, 'tokenizer.json');
export const planPath = (runDir: string) => join(runDir, 'plan.json');
/** The run's config as it trained (a later run that starts from this one reads it). */
export const runConfigPath = (runDir: string) => join(runDir, 'run.json');

/** The newest periodic checkpoint of a run folder, or null. */
export function latestCheckpoint(runDir: string): string | null {
  const dir = checkpointDir(runDir);
  if (!existsSync(dir)) return null;
  const names = readdirSync(dir).filter((n) => /^step-\d+\.safetensors$/.test(n)).sort();
  return names.length ? join(dir, names[names.length - 1]!) : null;
}
