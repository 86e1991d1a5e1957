// Evaluation metrics for training runs, one file per task family, and the single number each task type is
// ranked by (used for best-checkpoint selection and the run summary).
import type { TaskType } from '../config';
import type { ClassificationMetrics } from './classification';
import type { EntityMetrics } from './entities';
import type { RegressionMetrics } from './regression';
import type { SquadMetrics } from './squad';
import type { MaskedLmMetrics } from './masked-lm';
import type { RougeMetrics } from './rouge';

export { classificationMetrics, prf } from './classification';
export type { ClassMetrics, ClassificationMetrics } from './classification';
export { averageRanks, pearson, regressionMetrics, spearman } from './regression';
export type { RegressionMetrics } from './regression';
export { entityChunks, entityMetrics } from './entities';
export type { EntityChunk, EntityMetrics, EntityTypeMetrics } from './entities';
export { exactMatch, normalizeAnswer, squadMetrics, tokenF1 } from './squad';
export type { SquadMetrics } from './squad';
export { maskedLmMetrics, scoreMaskedRows } from './masked-lm';
export type { MaskedLmMetrics } from './masked-lm';
export { lcsLength, rougeExample, rougeL, rougeN, rougeScores, rougeTokenize } from './rouge';
export type { RougeMetrics, RougeScore } from './rouge';

/** The metrics result each task type produces. */
export interface MetricsByTask {
  classification: ClassificationMetrics;
  regression: RegressionMetrics;
  'token-classification': EntityMetrics;
  'extractive-qa': SquadMetrics;
  'masked-lm': MaskedLmMetrics;
  generation: RougeMetrics;
}

/** The number a task is ranked by (higher is better): accuracy, Pearson r, entity F1, SQuAD token F1, masked-token accuracy, ROUGE-L F1. */
export function primaryMetric<T extends TaskType>(taskType: T, result: MetricsByTask[T]): number {
  const r = result as MetricsByTask[TaskType];
  switch (taskType) {
    case 'classification':
      return (r as ClassificationMetrics).accuracy;
    case 'regression':
      return (r as RegressionMetrics).pearson;
    case 'token-classification':
      return (r as EntityMetrics).f1;
    case 'extractive-qa':
      return (r as SquadMetrics).f1;
    case 'masked-lm':
      return (r as MaskedLmMetrics).accuracy;
    case 'generation':
      return (r as RougeMetrics).rougeL;
    default:
      throw new Error(`primaryMetric: unknown task type '${String(taskType)}'`);
  }
}
