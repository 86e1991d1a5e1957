// Turns the dataset references of a run config (an imported dataset's id or name, or a file path) into dataset ids,
// importing files on the fly, and checks the config against those datasets — before anything trains.
import { existsSync } from 'node:fs';
import type { DatasetService } from '../data/dataset-service';
import { describeIssue } from '../data/dataset-service';
import type { ImportIssue } from '../data/types';
import { ConfigError, formatPath, parseRunConfig, type ConfigIssue, type RunConfig } from './config';
import { validateAgainstDatasets, type DatasetInfo } from './config-validate';

export interface ResolvedConfig {
  /** The config with every dataset reference replaced by its dataset id (what the run freezes). */
  config: RunConfig;
  /** Datasets imported while resolving (file paths seen for the first time), with the rows left out of them. */
  imported: { path: string; id: number; badRows: number; issues: ImportIssue[] }[];
}

/** Resolves one reference; returns the dataset id or a message saying why not. */
async function resolveRef(ref: string, datasets: DatasetService, imported: ResolvedConfig['imported'], acceptBadRows: boolean, dryRun: boolean): Promise<number | string | null> {
  const all = datasets.list();
  if (/^\d+$/.test(ref)) return all.some((d) => d.id === Number(ref)) ? Number(ref) : `dataset ${ref} does not exist (imported datasets: ${all.map((d) => d.id).join(', ') || 'none'})`;
  if (existsSync(ref)) {
    if (dryRun) return null; // a file is only read when the run starts
    const [res] = await datasets.importFiles([ref], { acceptBadRows });
    if (!res) return `nothing could be imported from '${ref}'`;
    if (res.ok) { imported.push({ path: ref, id: res.dataset.id, badRows: res.badRows, issues: res.issues }); return res.dataset.id; }
    if (res.duplicateOf !== undefined) return res.duplicateOf;
    return `importing '${ref}' failed: ${res.error}`;
  }
  const byName = all.filter((d) => d.name === ref);
  if (byName.length === 1) return byName[0]!.id;
  if (byName.length > 1) return `${byName.length} datasets are named '${ref}' (ids ${byName.map((d) => d.id).join(', ')}); use an id`;
  return `no dataset with id or name '${ref}', and no file at that path`;
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
      if (typeof r === 'string') issues.push({ path: formatPath(['tasks', i, field]), message: r });
      else if (r !== null) resolved.tasks[i]![field] = String(r); // null: a dry run left a file path as it is
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
