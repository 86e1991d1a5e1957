// Second-stage run config validation: checks a parsed config against the datasets it names.
// The caller supplies `lookup` (backed by the store, a file probe, or a test fixture); nothing here touches the DB.
import { ConfigError, configIssue, formatPath, type ConfigIssue, type RunConfig, type TaskConfig } from './config';

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
    case 'masked-lm':
      return task.text === undefined ? [] : [task.text].flat().map((c): [string, string] => ['text', c]);
    case 'generation':
      return [['source', task.source], ['target', task.target]];
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
        issues.push(configIssue(path, 'config_dataset_not_found', { ref }));
        continue;
      }
      const columns = info.columns;
      if (columns === 'unknown') continue;
      for (const [colField, col] of taskColumns(task)) {
        if (!columns.includes(col)) {
          const code = field === 'validation' ? 'config_validation_column_not_found' : 'config_column_not_found';
          issues.push(configIssue(formatPath(['tasks', i, colField]), code, { column: col, ref, columns: columns.join(', ') }));
        }
      }
      if (task.type === 'masked-lm' && field === 'dataset') {
        task.corpus.forEach((c, j) => {
          const more = lookup(c.dataset);
          const where = formatPath(['tasks', i, 'corpus', j, 'dataset']);
          if (!more) issues.push(configIssue(where, 'config_dataset_not_found', { ref: c.dataset }));
          else if (more.columns !== 'unknown') {
            for (const col of c.text === undefined ? [] : [c.text].flat())
              if (!more.columns.includes(col))
                issues.push(configIssue(formatPath(['tasks', i, 'corpus', j, 'text']), 'config_column_not_found', { column: col, ref: c.dataset, columns: more.columns.join(', ') }));
          }
        });
      }
      if (task.type === 'classification' && columns.includes(task.label) && info.labelCounts && field === 'dataset') {
        const classes = new Set<string>();
        for (const [raw, n] of info.labelCounts(task.label)) if (n > 0 && mapLabel(task, raw) !== '') classes.add(mapLabel(task, raw));
        if (classes.size < 2) {
          const at = formatPath(['tasks', i, 'label']);
          const params = { column: task.label, ref };
          issues.push(classes.size === 0 ? configIssue(at, 'config_no_classes', params) : configIssue(at, 'config_single_class', { ...params, label: [...classes][0]! }));
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
