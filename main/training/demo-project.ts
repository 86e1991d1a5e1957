// The demo projects: openly licensed datasets bundled under resources/, imported and set up as a multi-task project
// with a model small enough to train in minutes. English (resources/demo): spam classification, sentence-similarity
// regression, extractive QA. Chinese (resources/demo-zh): CMRC 2018 extractive QA and question-type classification.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { DatasetService } from '../data/dataset-service';
import { ChorusError } from '../data/error-catalog';
import type { RunStore, ProjectRow } from '../store/runs';
import type { RunConfigInput } from './config';

export type DemoLanguage = 'en' | 'zh-CN';

/** resources/ beside the sources (tsx), beside the bundle (out/main), or in a packaged app's resources folder. */
export function resourcesDir(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  const candidates = [join(here, '../../resources'), join(here, '../../../resources'), join((process as { resourcesPath?: string }).resourcesPath ?? here, 'resources')];
  const found = candidates.find((c) => existsSync(join(c, 'demo')));
  if (!found) throw new ChorusError('demo_not_found', { paths: candidates.join(', ') });
  return found;
}

async function importOne(datasets: DatasetService, files: string[]): Promise<number> {
  const [res] = await datasets.importFiles(files);
  if (!res) throw new ChorusError('demo_import_empty', { files: files.join(', ') });
  if (res.ok) return res.dataset.id;
  if (res.duplicateOf !== undefined) return res.duplicateOf;
  throw new ChorusError('demo_import_failed', { files: files.join(', '), error: res.error });
}

/** A demo's project name and run config, its datasets imported. */
type Demo = (datasets: DatasetService, folder: string) => Promise<{ name: string; config: RunConfigInput }>;

const english: Demo = async (datasets, demo) => {
  const spam = await importOne(datasets, [join(demo, 'sms_spam/SMSSpamCollection')]);
  const sts = await importOne(datasets, [join(demo, 'stsb/sts-train.csv'), join(demo, 'stsb/sts-dev.csv')]);
  const qa = await importOne(datasets, [join(demo, 'xquad/xquad.en.json')]);
  const stsCols = datasets.get(sts).suggestion;
  return {
    name: 'Demo: spam, similarity, QA',
    config: {
      name: 'demo',
      backbone: { from: 'scratch', hidden: 128, layers: 2, heads: 4, intermediate: 512, maxLength: 128, tokenizer: { type: 'wordpiece', vocabSize: 4000 } },
      tasks: [
        { name: 'spam', type: 'classification', dataset: String(spam), text: 'text', label: 'label', weight: 0.4 },
        { name: 'similarity', type: 'regression', dataset: String(sts), text: stsCols.text ?? 'column_6', textPair: stsCols.textPair ?? 'column_7', label: stsCols.label ?? 'column_5', weight: 0.3 },
        { name: 'qa', type: 'extractive-qa', dataset: String(qa), weight: 0.3 },
      ],
      training: { steps: 600, batchSize: 16, lr: 5e-4, warmup: 0.1, schedule: 'linear', sampling: 'joint', weighting: 'static', seed: 0, evalEvery: 100 },
      device: 'auto', threads: 0,
    },
  };
};

/** See resources/demo-zh/README.md for the data, its licence and how the question types were derived. */
const chinese: Demo = async (datasets, demo) => {
  const qa = await importOne(datasets, [join(demo, 'cmrc2018/cmrc2018_sample.json')]);
  const types = await importOne(datasets, [join(demo, 'question_type/train.tsv'), join(demo, 'question_type/dev.tsv')]);
  return {
    name: '示例：阅读理解与问题类型',
    config: {
      name: 'demo-zh',
      // Chinese is split into single characters, so a small vocabulary covers it.
      backbone: { from: 'scratch', hidden: 128, layers: 2, heads: 4, intermediate: 512, maxLength: 128, tokenizer: { type: 'wordpiece', vocabSize: 3000 } },
      tasks: [
        { name: 'qa', type: 'extractive-qa', dataset: String(qa), weight: 0.6 },
        { name: 'question_type', type: 'classification', dataset: String(types), text: 'question', label: 'label', weight: 0.4 },
      ],
      training: { steps: 600, batchSize: 16, lr: 5e-4, warmup: 0.1, schedule: 'linear', sampling: 'joint', weighting: 'static', seed: 0, evalEvery: 100 },
      device: 'auto', threads: 0,
    },
  };
};

const DEMOS: Record<DemoLanguage, { folder: string; build: Demo }> = {
  en: { folder: 'demo', build: english },
  'zh-CN': { folder: 'demo-zh', build: chinese },
};

/** Imports a demo's datasets (again importing nothing already there) and saves its project. */
export async function createDemoProject(datasets: DatasetService, runs: RunStore, o: { language?: DemoLanguage } = {}): Promise<ProjectRow> {
  const demo = DEMOS[o.language ?? 'en'];
  const { name, config } = await demo.build(datasets, join(resourcesDir(), demo.folder));
  return runs.createProject(name, config);
}
