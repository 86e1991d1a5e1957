// Second-stage run config validation: checks a parsed config against the datasets it names.
// The caller supplies `lookup` (backed by the store, a file probe, or a test fixture); nothing here touches the DB.
import { ConfigError, formatPath, type ConfigIssue, type RunConfig, type TaskConfig } from './config';

export interface DatasetInfo {
  /** 'unknown' for a file that is only read when the run starts: its columns are not checked yet. */
  columns: string[] | 'unknown';
  /** Raw label → row count for a column; used to reject single-class label columns. */
  labelCounts?: (column: string) => Map<string, number>;
}

export type DatasetLookup = (datasetRef: string) => DatasetInfo | undefined;

/** The column-valued fields of a task, as [field, column] pairs. */
function taskColumns(task: TaskConfig): [string, string][] {
  switch (task.type) {
    case 'classification':
    case 'regression': {
      const cols: [string, string][] = [['text', task.text]];
      if (task.textPair !== undefined) cols.push(['textPair', task.textPair]);
      cols.push(['label', task.label]);
      return cols;
    }
    case 'token-classification':
      return [
        ['tokens', task.tokens],
        ['tags', task.tags],
      ];
    case 'extractive-qa':
      return [
        ['question', task.question],
        ['context', task.context],
        ['answers', task.answers],
      ];
  }
}

function mapLabel(task: Extract<TaskConfig, { type: 'classification' }>, raw: string): string {
  const map = task.labelMap;
  if (!map) return raw;
  if ('type' in map && map.type === 'prefix' && typeof map.separator === 'string') {
    const at = raw.indexOf(map.separator);
    return at < 0 ? raw : raw.slice(0, at);
  }
  return (map as Record<string, string>)[raw] ?? raw;
}

/** Returns every dataset-related problem (empty when the config fits its datasets). */
export function validateAgainstDatasets(config: RunConfig, lookup: DatasetLookup): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  config.tasks.forEach((task, i) => {
    const refs: ['dataset' | 'validation', string][] = [['dataset', task.dataset]];
    if (task.validation !== undefined) refs.push(['validation', task.validation]);
    for (const [field, ref] of refs) {
      const path = formatPath(['tasks', i, field]);
      const info = lookup(ref);
      if (!info) {
        issues.push({ path, message: `dataset '${ref}' not found` });
        continue;
      }
      const columns = info.columns;
      if (columns === 'unknown') continue;
      for (const [colField, col] of taskColumns(task)) {
        if (!columns.includes(col)) {
          issues.push({
            path: formatPath(['tasks', i, colField]),
            message: `column '${col}' not found in ${field === 'validation' ? 'validation ' : ''}dataset '${ref}' (columns: ${columns.join(', ')})`,
          });
        }
      }
      if (task.type === 'classification' && columns.includes(task.label) && info.labelCounts && field === 'dataset') {
        const classes = new Set<string>();
        for (const [raw, n] of info.labelCounts(task.label)) if (n > 0 && mapLabel(task, raw) !== '') classes.add(mapLabel(task, raw));
        if (classes.size < 2) {
          issues.push({
            path: formatPath(['tasks', i, 'label']),
            message:
              `column '${task.label}' in dataset '${ref}' has ${classes.size === 0 ? 'no classes' : `a single class '${[...classes][0]}'`}` +
              ' (classification needs at least 2)',
          });
        }
      }
    }
  });
  return issues;
}

/** Throwing form of `validateAgainstDatasets`. */
export function assertDatasetsMatch(config: RunConfig, lookup: DatasetLookup): void {
  const issues = validateAgainstDatasets(config, lookup);
  if (issues.length > 0) throw new ConfigError(issues);
}
