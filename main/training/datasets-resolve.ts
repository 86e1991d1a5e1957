// Turns the dataset references of a run config (an imported dataset's id or name, or a file path) into dataset ids,
// importing files on the fly, and checks the config against those datasets — before anything trains.
import { existsSync } from 'node:fs';
import type { DatasetService } from '../data/dataset-service';
import { describeIssue } from '../data/dataset-service';
import type { ImportIssue } from '../data/types';
import type { CodedMessage } from '../data/error-catalog';
import { ConfigError, configIssue, formatPath, parseRunConfig, type ConfigIssue, type RunConfig } from './config';
import { validateAgainstDatasets, type DatasetInfo } from './config-validate';

export interface ResolvedConfig {
  /** The config with every dataset reference replaced by its dataset id (what the run freezes). */
  config: RunConfig;
  /** Datasets imported while resolving (file paths seen for the first time), with the rows left out of them. */
  imported: { path: string; id: number; badRows: number; issues: ImportIssue[] }[];
}

/** Resolves one reference; returns the dataset id, null (a dry run's file path), or why not. */
async function resolveRef(ref: string, datasets: DatasetService, imported: ResolvedConfig['imported'], acceptBadRows: boolean, dryRun: boolean): Promise<number | CodedMessage | null> {
  const all = datasets.list();
  if (/^\d+$/.test(ref)) {
    if (all.some((d) => d.id === Number(ref))) return Number(ref);
    return all.length ? { code: 'config_dataset_id_missing', params: { id: ref, ids: all.map((d) => d.id).join(', ') } } : { code: 'config_dataset_id_missing_none', params: { id: ref } };
  }
  if (existsSync(ref)) {
    if (dryRun) return null; // a file is only read when the run starts
    const [res] = await datasets.importFiles([ref], { acceptBadRows });
    if (!res) return { code: 'config_import_empty', params: { path: ref } };
    if (res.ok) { imported.push({ path: ref, id: res.dataset.id, badRows: res.badRows, issues: res.issues }); return res.dataset.id; }
    if (res.duplicateOf !== undefined) return res.duplicateOf;
    return { code: 'config_import_failed', params: { path: ref, error: res.error } };
  }
  const byName = all.filter((d) => d.name === ref);
  if (byName.length === 1) return byName[0]!.id;
  if (byName.length > 1) return { code: 'config_dataset_name_ambiguous', params: { count: byName.length, name: ref, ids: byName.map((d) => d.id).join(', ') } };
  return { code: 'config_dataset_ref_unknown', params: { ref } };
}

function datasetInfo(datasets: DatasetService, id: number): DatasetInfo {
  return {
    columns: datasets.get(id).columns.map((c) => c.name),
    labelCounts: (column) => new Map(datasets.valueCounts(id, column).map((v) => [v.value, v.count])),
  };
}

/**
 * Parses and validates `input` (schema errors first, then dataset references, then columns and label sets);
 * throws ConfigError naming every problem's field.
 */
/** One line per imported file that had rows left out, naming the first few (what `--yes` accepted). */
export function importReport(imported: ResolvedConfig['imported']): string[] {
  return imported.filter((i) => i.badRows > 0).map((i) =>
    `imported ${i.path} as dataset ${i.id}, leaving out ${i.badRows} bad row(s): ${i.issues.slice(0, 5).map((x) => describeIssue(x)).join('; ')}${i.issues.length > 5 ? '; …' : ''}`);
}

export async function resolveRunConfig(input: unknown, datasets: DatasetService, o: { acceptBadRows?: boolean; dryRun?: boolean } = {}): Promise<ResolvedConfig> {
  const config = parseRunConfig(input);
  const imported: ResolvedConfig['imported'] = [];
  const issues: ConfigIssue[] = [];
  const resolved = structuredClone(config);
  for (const [i, task] of config.tasks.entries()) {
    for (const field of ['dataset', 'validation'] as const) {
      const ref = task[field];
      if (ref === undefined) continue;
      const r = await resolveRef(ref, datasets, imported, o.acceptBadRows ?? false, o.dryRun ?? false);
      if (r !== null && typeof r === 'object') issues.push(configIssue(formatPath(['tasks', i, field]), r.code, r.params));
      else if (r !== null) resolved.tasks[i]![field] = String(r); // null: a dry run left a file path as it is
    }
    if (task.type === 'masked-lm') {
      for (const [j, c] of task.corpus.entries()) {
        const r = await resolveRef(c.dataset, datasets, imported, o.acceptBadRows ?? false, o.dryRun ?? false);
        if (r !== null && typeof r === 'object') issues.push(configIssue(formatPath(['tasks', i, 'corpus', j, 'dataset']), r.code, r.params));
        else if (r !== null) (resolved.tasks[i] as typeof task).corpus[j]!.dataset = String(r);
      }
    }
  }
  if (issues.length) throw new ConfigError(issues);
  const infos = new Map<string, DatasetInfo>();
  const more = validateAgainstDatasets(resolved, (ref) => {
    if (!/^\d+$/.test(ref)) return { columns: 'unknown' }; // dry run: a file not imported yet
    if (!infos.has(ref)) infos.set(ref, datasetInfo(datasets, Number(ref)));
    return infos.get(ref);
  });
  if (more.length) throw new ConfigError(more);
  return { config: resolved, imported };
}
