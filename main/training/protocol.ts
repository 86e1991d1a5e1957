// Messages between the main process (or CLI) and a trainer process, in both directions. One union each way.
import type { RunConfig } from './config';
import type { PredictionRecord } from './evaluate';
import type { EvaluationInfo, ProgressInfo, RunPlan, TrainerOutcome } from './trainer';

export interface StartMessage {
  type: 'start';
  runId: number;
  config: RunConfig;
  runDir: string;
  dbPath: string;
  resume: boolean;
  tokenizerPath?: string;
}

export type ToTrainer = StartMessage | { type: 'pause' } | { type: 'resume' } | { type: 'stop' };

export type FromTrainer =
  | { type: 'ready' }
  | { type: 'log'; message: string }
  | { type: 'plan'; plan: RunPlan }
  | { type: 'progress'; progress: ProgressInfo }
  | { type: 'evaluation'; evaluation: EvaluationInfo }
  | { type: 'checkpoint'; step: number; kind: 'periodic' | 'best' | 'final'; path: string; metric: number | null }
  | { type: 'predictions'; task: string; rows: PredictionRecord[] }
  | { type: 'paused'; step: number }
  | { type: 'resumed'; step: number }
  | { type: 'done'; outcome: TrainerOutcome }
  | { type: 'failed'; message: string; stack?: string };
