// The demo project: the openly licensed datasets bundled under resources/demo, imported and set up as three tasks
// (spam classification, sentence-similarity regression, extractive QA) with a model small enough to train in minutes.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { DatasetService } from '../data/dataset-service';
import type { RunStore, ProjectRow } from '../store/runs';

/** resources/ beside the sources (tsx), beside the bundle (out/main), or in a packaged app's resources folder. */
export function resourcesDir(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  const candidates = [join(here, '../../resources'), join(here, '../../../resources'), join((process as { resourcesPath?: string }).resourcesPath ?? here, 'resources')];
  const found = candidates.find((c) => existsSync(join(c, 'demo')));
  if (!found) throw new Error(`the bundled demo data was not found (looked in ${candidates.join(', ')})`);
  return found;
}

async function importOne(datasets: DatasetService, files: string[]): Promise<number> {
  const [res] = await datasets.importFiles(files);
  if (!res) throw new Error(`demo import of ${files.join(', ')} gave no dataset`);
  if (res.ok) return res.dataset.id;
  if (res.duplicateOf !== undefined) return res.duplicateOf;
  throw new Error(`demo import of ${files.join(', ')} failed: ${res.error}`);
}

export async function createDemoProject(datasets: DatasetService, runs: RunStore): Promise<ProjectRow> {
  const demo = join(resourcesDir(), 'demo');
  const spam = await importOne(datasets, [join(demo, 'sms_spam/SMSSpamCollection')]);
  const sts = await importOne(datasets, [join(demo, 'stsb/sts-train.csv'), join(demo, 'stsb/sts-dev.csv')]);
  const qa = await importOne(datasets, [join(demo, 'xquad/xquad.en.json')]);
  const stsCols = datasets.get(sts).suggestion;
  return runs.createProject('Demo: spam, similarity, QA', {
    name: 'demo',
    backbone: { from: 'scratch', hidden: 128, layers: 2, heads: 4, intermediate: 512, maxLength: 128, tokenizer: { type: 'wordpiece', vocabSize: 4000 } },
    tasks: [
      { name: 'spam', type: 'classification', dataset: String(spam), text: 'text', label: 'label', weight: 0.4 },
      { name: 'similarity', type: 'regression', dataset: String(sts), text: stsCols.text ?? 'column_6', textPair: stsCols.textPair ?? 'column_7', label: stsCols.label ?? 'column_5', weight: 0.3 },
      { name: 'qa', type: 'extractive-qa', dataset: String(qa), weight: 0.3 },
    ],
    training: { steps: 600, batchSize: 16, lr: 5e-4, warmup: 0.1, schedule: 'linear', sampling: 'joint', weighting: 'static', seed: 0, evalEvery: 100 },
    device: 'auto', threads: 0,
  });
}
