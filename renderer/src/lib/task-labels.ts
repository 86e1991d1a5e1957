// Label sets: what a task's raw labels become (kept, merged, dropped) and the classes its head is left with.
import type { DatasetSummary, LabelCount } from '../../../main/data/types';
import type { LabelMap, TaskDraft, TaskType } from './project-config';

/** What a raw label becomes: itself, another label, or '' (dropped). */
export const targetOf = (map: LabelMap | undefined, raw: string): string => map?.[raw] ?? raw;

/**
 * Sends `raw` to `target` (itself: keep, '': drop, another label: merge into it). Labels merged into `raw` follow it,
 * so a map never chains (the engine looks a raw label up once).
 */
export function setLabelTarget(map: LabelMap | undefined, raw: string, target: string): LabelMap | undefined {
  const next: LabelMap = { ...map };
  if (target === raw) delete next[raw];
  else next[raw] = target;
  if (target !== raw) for (const [k, v] of Object.entries(next)) if (k !== raw && v === raw) next[k] = target;
  return Object.keys(next).length ? next : undefined;
}

/** The classes a label set trains on after the map, largest first; `dropped` rows are left out (tags: become 'O'). */
export function labelClasses(labels: LabelCount[], map: LabelMap | undefined): { classes: { name: string; count: number; from: string[] }[]; dropped: number } {
  const by = new Map<string, { name: string; count: number; from: string[] }>();
  let dropped = 0;
  for (const l of labels) {
    const t = targetOf(map, l.value);
    if (t === '') {
      dropped += l.count;
      continue;
    }
    const c = by.get(t) ?? { name: t, count: 0, from: [] };
    c.count += l.count;
    c.from.push(l.value);
    by.set(t, c);
  }
  return { classes: [...by.values()].sort((a, b) => b.count - a.count || (a.name < b.name ? -1 : 1)), dropped };
}

/** Drops every class (after merges) with fewer than `min` rows. */
export function dropRareLabels(labels: LabelCount[], map: LabelMap | undefined, min: number): LabelMap | undefined {
  let next = map;
  for (const c of labelClasses(labels, map).classes) if (c.count < min) for (const raw of c.from) next = setLabelTarget(next, raw, '');
  return next;
}

/** Output classes of a head: the kept classes (dropped tags become 'O', one more class if there was none). */
export function headClasses(type: TaskType, labels: LabelCount[] | undefined, map: LabelMap | undefined): number {
  if (!labels?.length) return 2;
  const { classes, dropped } = labelClasses(labels, map);
  const extraO = type === 'token-classification' && dropped > 0 && !classes.some((c) => c.name === 'O') ? 1 : 0;
  return Math.max(classes.length + extraO, 1);
}

/** The label counts the import found for a task's label column (only known for the suggested column). */
export function labelsFor(task: TaskDraft, d: DatasetSummary | undefined): LabelCount[] | undefined {
  const s = d?.suggestion;
  if (!s?.labels?.length || !s.label) return undefined;
  if (task.type === 'classification' && s.type !== 'token-classification' && task.columns.label === s.label) return s.labels;
  if (task.type === 'token-classification' && s.type === 'token-classification' && task.columns.tags === s.label) return s.labels;
  return undefined;
}
