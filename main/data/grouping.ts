// Which files make one dataset, which split each file is, and what the dataset is called.
import { basename, dirname, resolve } from 'node:path';
import type { ImportOptions } from './types';

const SPLIT_WORD = /(^|[-_.\s])(train|training|dev|devel|validation|valid|val|test|trial)(?=$|[-_.\s])/i;
const SPLIT_NAMES: Record<string, string> = { training: 'train', devel: 'dev', valid: 'validation', val: 'validation' };

export interface FileJob {
  path: string;
  file: string;
  split: string;
  family?: string;
}

/** The split a file name names (train, dev, validation, test, trial), or undefined. */
export function splitFromName(name: string): string | undefined {
  const m = SPLIT_WORD.exec(name.replace(/\.[^.]*$/, ''));
  if (!m) return undefined;
  const w = m[2].toLowerCase();
  return SPLIT_NAMES[w] ?? w;
}

/**
 * Groups files into datasets: files in one folder whose names differ only by a split word become one
 * dataset with those splits (never two files for one split); every other file is its own dataset.
 */
export function groupFiles(paths: string[], opts: ImportOptions): FileJob[][] {
  const jobs: FileJob[] = paths.map((p, i) => {
    const path = resolve(p);
    const file = opts.displayNames?.[i] ?? basename(path);
    const fromName = splitFromName(basename(file));
    const split = opts.split ?? fromName ?? 'train';
    const family = !opts.split && fromName ? dirname(path) + '\0' + basename(file).replace(SPLIT_WORD, '$1\0') : undefined;
    return { path, file, split, family };
  });
  const groups: FileJob[][] = [];
  for (const j of jobs) {
    const g = j.family ? groups.find((g) => g[0].family === j.family && !g.some((x) => x.split === j.split)) : undefined;
    if (g) g.push(j);
    else groups.push([j]);
  }
  return groups;
}

/** The file stem without its split word (the folder name when that leaves < 3 characters or a number). */
export function datasetName(group: FileJob[]): string {
  const f = group[0].file;
  if (group.length > 1 || splitFromName(f)) {
    const dir = basename(dirname(group[0].path));
    const stem = f.replace(/\.[^.]*$/, '').replace(SPLIT_WORD, '').replace(/^[-_.\s]+|[-_.\s]+$/g, '');
    return stem.length >= 3 && !/^\d+$/.test(stem) ? stem : dir;
  }
  return f.replace(/\.[^.]*$/, '') || f;
}
