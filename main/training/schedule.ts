// Learning-rate schedules: linear warm-up, then linear or cosine decay to 0 (or constant), as Hugging Face's
// get_{linear,cosine,constant}_schedule_with_warmup under LambdaLR: optimizer step t (1-based) uses factor(t − 1).
import type { RunConfig } from './config';

export type ScheduleKind = RunConfig['training']['schedule'];

export interface Schedule { kind: ScheduleKind; baseLr: number; totalSteps: number; warmupSteps: number }

export function scheduleOf(config: RunConfig, totalSteps: number): Schedule {
  return { kind: config.training.schedule, baseLr: config.training.lr, totalSteps, warmupSteps: Math.floor(config.training.warmup * totalSteps) };
}

/** The multiplier LambdaLR applies after `done` completed steps. */
export function lrFactor(s: Schedule, done: number): number {
  if (done < s.warmupSteps) return done / Math.max(1, s.warmupSteps);
  if (s.kind === 'constant') return 1;
  const progress = (done - s.warmupSteps) / Math.max(1, s.totalSteps - s.warmupSteps);
  if (s.kind === 'cosine') return Math.max(0, 0.5 * (1 + Math.cos(Math.PI * progress)));
  return Math.max(0, (s.totalSteps - done) / Math.max(1, s.totalSteps - s.warmupSteps));
}

/** Learning rate of optimizer step `step` (1-based). */
export const lrAt = (s: Schedule, step: number): number => s.baseLr * lrFactor(s, step - 1);

/**
 * Learning rate of a time-budgeted run's next step, once `spent` of the budget is gone: the schedule is laid over the
 * budget rather than over the step count estimated from the first steps, so that warm-up and decay end with the budget
 * whether the run turns out faster or slower than that estimate.
 */
export const lrAtBudgetFraction = (s: Schedule, spent: number): number => s.baseLr * lrFactor(s, Math.min(1, Math.max(0, spent)) * s.totalSteps);
