// A generation task beside a classification task, in Chromium against a real `chorus serve`: a small copy data set
// (JSONL, `source` a list of two sentences, `target` a list holding the first) and SST-2 sentences are imported through
// the file picker; the Train view makes them a generation task (target length, decoder depth, beam decoding, an issue
// shown at its field) and a classification task of a tiny model with baselines; the dashboard shows ROUGE; Compare shows
// ROUGE rows and every run's generated text beside the source and the references; the Playground generates with
// greedy decoding and with beam search.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { ARTIFACTS, openBrowser, screenshotOnFailure as failWithScreenshot } from './browser';
import { serve, DATASETS, type Served } from './serve';

let server: Served;
let browser: Browser;
let page: Page;
let consoleErrors: string[] = [];
const STEPS = 200;
/** The tasks as the form names them from the dataset names, and the multi-task run's id. */
const GEN = 'copy';
const CLS = 'sst_small';
let runId = 0;

const WORDS = ['red', 'blue', 'green', 'cat', 'dog', 'bird', 'sits', 'runs', 'flies', 'here', 'there', 'now'];

/** Rows of copy data: the target is the source's first sentence (seeded, so every run sees the same file). */
function copyJsonl(rows: number): string {
  let s = 7;
  const word = () => WORDS[Math.floor(((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648) * WORDS.length)]!; // the high bits
  const sentence = (n: number) => Array.from({ length: n }, word).join(' ');
  return Array.from({ length: rows }, (_, i) => {
    const first = sentence(3 + (i % 2));
    return JSON.stringify({ source: [first, sentence(3)], target: [first] });
  }).join('\n') + '\n';
}

before(async () => {
  server = await serve();
  ({ browser, page, consoleErrors } = await openBrowser({ width: 1440, height: 1100 }));
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

const screenshotOnFailure = <T>(what: string, fn: () => Promise<T>): Promise<T> => failWithScreenshot(page, 'generation', what, fn);
const text = async (testId: string) => ((await page.getByTestId(testId).textContent()) ?? '').trim();

test('a copy JSONL and SST-2 sentences are imported; the JSONL is suggested for generation', async () => {
  const dir = join(server.dir, 'pick');
  mkdirSync(dir);
  writeFileSync(join(dir, 'copy.jsonl'), copyJsonl(300));
  writeFileSync(join(dir, 'sst_small.tsv'), readFileSync(join(DATASETS, 'sst2', 'train.tsv'), 'utf8').split('\n').slice(0, 301).join('\n') + '\n');
  await page.goto(server.url);
  await page.getByText('Start by adding a dataset').waitFor();
  await page.getByTestId('file-input').setInputFiles([join(dir, 'copy.jsonl'), join(dir, 'sst_small.tsv')]);
  await screenshotOnFailure('datasets never listed', async () => {
    await page.getByTestId('dataset-copy.jsonl').waitFor({ timeout: 30_000 });
    await page.getByTestId('dataset-sst_small.tsv').waitFor({ timeout: 30_000 });
  });
  assert.equal(await text('task-copy.jsonl'), 'generation');
  assert.equal(await text('task-sst_small.tsv'), 'classification');
});

test('a generation task and a classification task of a tiny model; an issue at the beams field, then fixed', async () => {
  await page.getByTestId('nav-Train').click();
  await page.waitForFunction(() => (document.querySelector('[data-testid=add-task-dataset]') as HTMLSelectElement | null)?.options.length === 2);
  for (const index of [0, 1]) {
    await page.getByTestId('add-task-dataset').selectOption({ index });
    await page.getByTestId('add-task').click();
  }
  const names = [await page.getByTestId('field-tasks[0].name').inputValue(), await page.getByTestId('field-tasks[1].name').inputValue()];
  assert.deepEqual([...names].sort(), [GEN, CLS]);
  const g = names.indexOf(GEN);
  const field = (f: string) => page.getByTestId(`field-tasks[${g}].${f}`);
  assert.equal(await field('type').inputValue(), 'generation');
  assert.equal(await field('source').inputValue(), 'source');
  assert.equal(await field('target').inputValue(), 'target');
  assert.match(await text(`metric-tasks[${g}]`), /ROUGE-L/);
  await field('maxTargetLength').fill('8');
  await field('decoder.layers').fill('1');
  await field('generate.strategy').selectOption('beam');
  await field('generate.beams').fill('0');

  const sizes: Record<string, string> = {
    'backbone.hidden': '64', 'backbone.layers': '1', 'backbone.heads': '2', 'backbone.intermediate': '128', 'backbone.maxLength': '32', 'backbone.tokenizer.vocabSize': '200',
    'training.steps': String(STEPS), 'training.evalEvery': '100', 'training.batchSize': '16', 'training.lr': '0.003',
  };
  for (const [path, value] of Object.entries(sizes)) await page.getByTestId(`field-${path}`).fill(value);
  await page.getByTestId('field-training.baselines').check();

  const issue = page.getByTestId(`issue-tasks[${g}].generate.beams`);
  await screenshotOnFailure('no issue at the beams field', () => issue.waitFor({ timeout: 15_000 }));
  assert.match((await issue.textContent()) ?? '', new RegExp(`tasks\\[${g}\\]\\.generate\\.beams`));
  await field('generate.beams').fill('2');
  await issue.waitFor({ state: 'detached', timeout: 15_000 });
  await screenshotOnFailure('config never ready', () => page.getByTestId('check-state').and(page.getByText('ready to train')).waitFor({ timeout: 15_000 }));
  mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: join(ARTIFACTS, 'generation-setup.png'), fullPage: true });
});

test('training shows both losses and the generation task’s ROUGE-1/2/L; the baselines follow', async () => {
  await page.getByTestId('train').click();
  await screenshotOnFailure('no run panel', () => page.getByTestId('run-panel').waitFor({ timeout: 15_000 }));
  runId = Number(/#(\d+)/.exec(await page.getByTestId('run-panel').locator('h2').textContent() ?? '')?.[1]);
  assert.ok(runId > 0);
  await screenshotOnFailure('the run never completed', () =>
    page.waitForFunction(() => document.querySelector('[data-testid=run-panel] [data-testid=run-status]')?.textContent?.trim() === 'completed', undefined, { timeout: 120_000 }),
  );
  for (const n of [GEN, CLS]) assert.ok(Number(await page.getByTestId(`loss-chart-${n}`).getAttribute('data-points')) > 0, `loss of ${n}`);
  for (const m of ['rouge1', 'rouge2', 'rougeL']) assert.equal(await page.getByTestId(`rouge-chart-${GEN}-${m}`).getAttribute('data-points'), '2', `${m}: two evaluations`);
  assert.match(await text(`validation-${GEN}`), /ROUGE-L/);
  assert.match(await text(`validation-latest-${GEN}`), new RegExp(`^\\d\\.\\d{3} @ ${STEPS}$`));
  for (const m of ['rouge1', 'rouge2']) assert.match(await text(`validation-latest-${GEN}-${m}`), /^\d\.\d{3} @ \d+$/);
  await page.waitForTimeout(400);
  await page.screenshot({ path: join(ARTIFACTS, 'generation-train.png'), fullPage: true });

  // The single-task baselines run after it: wait for all three runs to complete.
  await screenshotOnFailure('the baselines never completed', () =>
    page.waitForFunction(() => {
      const items = [...document.querySelectorAll('li[data-testid^="run-"]')];
      return items.length === 3 && items.every((li) => li.querySelector('[data-testid=run-status]')?.textContent?.trim() === 'completed');
    }, undefined, { timeout: 120_000, polling: 250 }),
  );
});

test('Compare: ROUGE rows, and per example the source, each run’s generated text and the references', async () => {
  await page.getByTestId('nav-Compare').click();
  await screenshotOnFailure('no run picker', () => page.getByTestId(`with-baselines-${runId}`).waitFor({ timeout: 30_000 }));
  await page.getByTestId(`with-baselines-${runId}`).click();
  await screenshotOnFailure('no metrics table', () => page.getByTestId('compare-metrics').waitFor({ timeout: 15_000 }));
  await page.waitForFunction((n) => /\d\.\d{3}/.test(document.querySelector(`[data-testid="metric-${n}-rougeL-0"]`)?.textContent ?? ''), GEN, { timeout: 15_000 });
  for (const m of ['rouge1', 'rouge2', 'rougeL']) assert.match(await text(`metric-${GEN}-${m}-0`), /^\d\.\d{3}$/, m);

  await page.getByTestId('compare-tab-examples').click();
  await page.getByTestId('compare-task').selectOption(GEN);
  const rows = page.getByTestId('example-row');
  await screenshotOnFailure('no example rows', () => rows.first().waitFor({ timeout: 30_000 }));
  assert.equal(await rows.count(), 30, 'the held-out tenth of 300 rows');
  assert.deepEqual(await page.locator('.filters button').evaluateAll((bs) => bs.map((b) => b.getAttribute('data-testid'))), ['filter-all', 'filter-disagree']);
  const first = rows.first();
  const source = ((await first.getByTestId('source-text').textContent()) ?? '').trim();
  const refs = (await first.getByTestId('references').locator('li').allTextContents()).map((r) => r.trim());
  assert.equal(refs.length, 1);
  assert.ok(source.startsWith(refs[0]!), `the source (${source}) starts with its reference (${refs[0]}): the two sentences joined`);
  // The multi-task run and the copy baseline generate side by side; the sentiment baseline has no column.
  const columns = await first.locator('[data-testid^=output-]').evaluateAll((tds) => tds.map((td) => td.getAttribute('data-testid')));
  assert.equal(columns.length, 2, `two runs have the task: ${columns.join(', ')}`);
  for (const c of columns) {
    const cell = first.getByTestId(c!);
    assert.ok(await cell.getByTestId('generated-text').isVisible());
    assert.match(((await cell.getByTestId('generated-rouge').textContent()) ?? '').trim(), /^ROUGE-L \d\.\d{3}$/);
  }
  await page.screenshot({ path: join(ARTIFACTS, 'generation-compare.png'), fullPage: true });
});

test('Playground: the generation head writes text, greedy and with beam search, beside the classification head', async () => {
  await page.getByTestId('nav-Playground').click();
  const mine = page.getByTestId(`playground-run-${runId}`);
  await screenshotOnFailure('the run is not offered', () => mine.waitFor({ timeout: 15_000 }));
  for (const box of await page.locator('[data-testid^=playground-run-]').all()) if (await box.isChecked()) await box.uncheck();
  await mine.check();
  await page.getByTestId('playground-text').fill('red cat sits here blue dog runs');
  assert.match(await text('source-hint'), new RegExp(GEN));
  await page.getByTestId('decode-strategy').selectOption('greedy');
  await page.getByTestId('playground-predict').click();
  const cell = page.getByTestId(`playground-cell-${GEN}-${runId}`);
  await screenshotOnFailure('no generated text (greedy)', () => cell.and(page.locator('[data-kind=generation]')).waitFor({ timeout: 60_000 }));
  assert.equal(((await cell.getByTestId('generated-how').textContent()) ?? '').trim(), 'greedy');
  const greedy = ((await cell.getByTestId('generated-text').textContent()) ?? '').trim();
  assert.ok(greedy.length > 0);
  assert.equal(await page.getByTestId(`playground-cell-${CLS}-${runId}`).getAttribute('data-kind'), 'classification');

  await page.getByTestId('decode-strategy').selectOption('beam');
  await page.getByTestId('decode-beams').fill('3');
  await page.getByTestId('decode-maxLength').fill('6');
  await page.getByTestId('playground-predict').click();
  await screenshotOnFailure('no generated text (beam)', () =>
    page.waitForFunction((id) => document.querySelector(`[data-testid="${id}"] [data-testid=generated-how]`)?.textContent?.trim() === 'beam search, 3 beams', `playground-cell-${GEN}-${runId}`, { timeout: 60_000 }),
  );
  assert.ok((((await cell.getByTestId('generated-text').textContent()) ?? '').trim()).length > 0);
  await page.screenshot({ path: join(ARTIFACTS, 'generation-playground.png'), fullPage: true });
  assert.deepEqual(consoleErrors.filter((e) => !e.includes('/favicon.ico')), []);
});
