// The Compare view in Chromium against a real `chorus serve`: a two-task run (SST-2 sentences, CoNLL-2003 sentences)
// and its two single-task baselines are trained with the CLI into the server's database; then the multi-task run is
// taken "with its baselines", the metrics table shows both tasks across the three runs, and the entity task's
// per-example view is filtered to disagreements.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Browser, Page } from 'playwright-core';
import { ARTIFACTS, openBrowser, screenshotOnFailure as failWithScreenshot } from './browser';
import { conllHead } from './fixtures';
import { serve, DATASETS, ROOT, type Served } from './serve';

let server: Served;
let browser: Browser;
let page: Page;
let consoleErrors: string[] = [];
/** What `chorus train --json` printed: the multi-task run and its baselines. */
let trained: { id: number; status: string; metrics: Record<string, Record<string, number>>; baselines: { id: number; task: string; status: string }[] };

const tsvHead = (file: string, rows: number) => readFileSync(file, 'utf8').split('\n').slice(0, rows + 1).join('\n') + '\n';

/** Trains the two-task run and its baselines with the CLI, into the database `chorus serve` reads. */
async function trainWithBaselines(dir: string): Promise<typeof trained> {
  const files = {
    sst: join(dir, 'sst_small.tsv'), sstDev: join(dir, 'sst_dev.tsv'), ner: join(dir, 'ner_small.txt'), nerDev: join(dir, 'ner_dev.txt'),
  };
  writeFileSync(files.sst, tsvHead(join(DATASETS, 'sst2', 'train.tsv'), 300));
  writeFileSync(files.sstDev, tsvHead(join(DATASETS, 'sst2', 'dev.tsv'), 100));
  writeFileSync(files.ner, conllHead(readFileSync(join(DATASETS, 'conll2003', 'train.txt'), 'utf8'), 200));
  writeFileSync(files.nerDev, conllHead(readFileSync(join(DATASETS, 'conll2003', 'dev.txt'), 'utf8'), 80));
  const config = {
    name: 'tiny two-task',
    backbone: { hidden: 32, layers: 1, heads: 2, intermediate: 64, maxLength: 32, tokenizer: { vocabSize: 500 } },
    tasks: [
      { name: 'sentiment', type: 'classification', dataset: files.sst, validation: files.sstDev, text: 'sentence', label: 'label' },
      { name: 'ner', type: 'token-classification', dataset: files.ner, validation: files.nerDev },
    ],
    // At 40 steps every run tags every token O (nothing to disagree on); 200 steps at 3e-3 still take seconds.
    training: { steps: 200, evalEvery: 100, batchSize: 8, lr: 0.003 },
    threads: 1,
  };
  const configFile = join(dir, 'run.json');
  writeFileSync(configFile, JSON.stringify(config));
  // `npm run chorus -- train …` without npm's banner on stdout.
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ['--import', 'tsx', 'main/cli/index.ts', 'train', '--config', configFile, '--baselines', '--db', join(dir, 'chorus.db'), '--json'],
    { cwd: ROOT, maxBuffer: 16 << 20 },
  );
  return JSON.parse(stdout) as typeof trained;
}

before(async () => {
  server = await serve();
  trained = await trainWithBaselines(server.dir);
  ({ browser, page, consoleErrors } = await openBrowser({ width: 1440, height: 1100 }));
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

const screenshotOnFailure = <T>(what: string, fn: () => Promise<T>): Promise<T> => failWithScreenshot(page, 'compare', what, fn);

const text = async (testId: string) => ((await page.getByTestId(testId).textContent()) ?? '').trim();

test('the CLI trained a two-task run and one baseline per task', () => {
  assert.equal(trained.status, 'completed');
  assert.deepEqual(trained.baselines.map((b) => [b.task, b.status]), [['sentiment', 'completed'], ['ner', 'completed']]);
});

test('Compare, "with its baselines": both tasks’ metrics across the three runs, with Δ against the multi-task run', async () => {
  await page.goto(server.url);
  await page.getByTestId('nav-Compare').click();
  await screenshotOnFailure('no run picker', () => page.getByTestId(`with-baselines-${trained.id}`).waitFor({ timeout: 30_000 }));
  await page.getByTestId(`with-baselines-${trained.id}`).click();
  await screenshotOnFailure('no metrics table', () => page.getByTestId('compare-metrics').waitFor({ timeout: 15_000 }));

  const [sentimentAlone, nerAlone] = [1, 2]; // columns: the multi-task run, then its baselines in the order they were created
  assert.deepEqual(trained.baselines.map((b) => b.task), ['sentiment', 'ner']);
  await page.waitForFunction(() => /\d\.\d{3}/.test(document.querySelector('[data-testid="metric-ner-f1-2"]')?.textContent ?? ''), undefined, { timeout: 15_000 });
  for (const [metric, cols] of [['sentiment-accuracy', [0, sentimentAlone]], ['ner-f1', [0, nerAlone]]] as const) {
    for (const c of cols) assert.match(await text(`metric-${metric}-${c}`), /^\d\.\d{3}$/, `${metric} of column ${c}`);
    assert.match(await text(`delta-${metric}-${cols[1]}`), /^([+−]\d\.\d{3}|±0\.000)$/);
  }
  assert.equal(await text(`metric-ner-f1-${sentimentAlone}`), '—', 'the sentiment baseline has no ner');
  assert.equal(await text(`metric-sentiment-accuracy-${nerAlone}`), '—', 'the ner baseline has no sentiment');
  const shownAcc = Number(await text('metric-sentiment-accuracy-0'));
  assert.ok(Math.abs(shownAcc - trained.metrics.sentiment!.accuracy!) < 5e-4, `accuracy shown ${shownAcc}, CLI ${trained.metrics.sentiment!.accuracy}`);
  for (const task of ['sentiment', 'ner']) {
    const points = await page.getByTestId(`curve-validation-${task}`).locator('g.series').evaluateAll((gs) => gs.map((g) => Number(g.getAttribute('data-points'))));
    assert.deepEqual(points.map((n) => n > 0), task === 'sentiment' ? [true, true, false] : [true, false, true], `validation curves of ${task}: ${points}`);
  }
  mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: join(ARTIFACTS, 'compare.png'), fullPage: true });
});

test('per class: confusion matrices of the runs that have the classification task, per-type scores of the entity task', async () => {
  await page.getByTestId('compare-tab-classes').click();
  const sentiment = page.getByTestId('breakdown-sentiment');
  await screenshotOnFailure('no per-class breakdown', () => sentiment.waitFor({ timeout: 10_000 }));
  assert.equal(await sentiment.getByTestId('confusion').count(), 2, 'the multi-task run and the sentiment baseline');
  assert.deepEqual(await sentiment.locator('[data-testid^=class-row-]').evaluateAll((rs) => rs.map((r) => r.getAttribute('data-testid'))), ['class-row-0', 'class-row-1']);
  assert.ok((await page.getByTestId('breakdown-ner').locator('[data-testid^=class-row-]').count()) > 0, 'entity types listed');
  assert.equal(await page.getByTestId('breakdown-ner').getByTestId('confusion').count(), 0);
  await page.screenshot({ path: join(ARTIFACTS, 'compare-classes.png'), fullPage: true });
});

test('per example: the entity task’s sentences with every run’s entities, filtered to disagreements', async (t) => {
  await page.getByTestId('compare-tab-examples').click();
  await page.getByTestId('compare-task').selectOption('ner');
  await screenshotOnFailure('no example rows', () => page.getByTestId('example-row').first().waitFor({ timeout: 30_000 }));
  const total = Number(/of (\d+) examples/.exec(await text('example-count'))?.[1]);
  assert.ok(total > 50, `CoNLL dev head: ${total} sentences`);
  assert.equal(await page.getByTestId('example-row').count(), 50, 'one page of 50');
  const goldEntities = await page.getByTestId('gold-tokens').locator('[data-testid=entity]').count();
  assert.ok(goldEntities > 0, 'gold entities are highlighted on the first page');

  const disagreeCount = Number(/(\d+)\s*$/.exec(await text('filter-disagree'))?.[1]);
  t.diagnostic(`${disagreeCount} of ${total} sentences tagged differently; entity F1 ${trained.metrics.ner!.f1}`);
  assert.ok(disagreeCount > 0, 'after 200 steps the multi-task run and the ner baseline tag some sentences differently');
  await page.getByTestId('filter-disagree').click();
  assert.equal(await text('example-count'), `${disagreeCount} of ${total} examples`);
  const rows = page.getByTestId('example-row');
  assert.equal(await rows.count(), Math.min(50, disagreeCount));
  // Every row left has the two runs' entity lines differ; the sentiment baseline, without ner, has no line.
  const differ = await rows.evaluateAll((trs) =>
    trs.every((tr) => {
      // (no named function in here: tsx would wrap it in a __name helper the page does not have)
      const [a, b, c] = [0, 1, 2].map((i) => tr.querySelector(`[data-testid="output-${i}"]`)?.textContent?.replace(/\s+/g, ' ').trim());
      return b === undefined && a !== undefined && c !== undefined && a !== c;
    }),
  );
  assert.ok(differ, 'every shown sentence is tagged differently by the multi-task run and the ner baseline');
  await page.screenshot({ path: join(ARTIFACTS, 'compare-examples.png'), fullPage: true });
  await page.emulateMedia({ colorScheme: 'dark' });
  await page.screenshot({ path: join(ARTIFACTS, 'compare-examples-dark.png') });
  await page.emulateMedia({ colorScheme: 'light' });
  assert.deepEqual(consoleErrors.filter((e) => !e.includes('/favicon.ico')), []);
});
