// The user's whole path in one browser session against a real `chorus serve`: drop two datasets, make them two
// tasks, set α, turn baselines on, train, watch the curves, stop and resume, let the baselines train, compare the
// multi-task run with its baselines (metrics and per-example predictions side by side), then ask every head in the
// Playground. Screenshots of each view go to test/artifacts/journey-*.png.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { ARTIFACTS, dropFiles, openBrowser, screenshotOnFailure } from './browser';
import { serve, DATASETS, type Served } from './serve';

const STEPS = 120;
let server: Served;
let browser: Browser;
let page: Page;
let runId = 0;
let consoleErrors: string[] = [];

before(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  server = await serve();
  ({ browser, page, consoleErrors } = await openBrowser({ width: 1440, height: 1000 }));
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

const explain = <T>(what: string, fn: () => Promise<T>): Promise<T> => screenshotOnFailure(page, 'journey', what, fn);

const shot = (name: string) => page.screenshot({ path: join(ARTIFACTS, `journey-${name}.png`), fullPage: true });

function conllHead(sentences: number): string {
  const blocks = readFileSync(join(DATASETS, 'conll2003', 'train.txt'), 'utf8').split(/\n\s*\n/);
  return blocks.slice(0, sentences + 1).join('\n\n') + '\n';
}

test('two datasets are dropped on the window', async () => {
  await page.goto(server.url);
  await page.getByTestId('drop-zone').waitFor();
  const files = [
    { name: 'sst_small.tsv', content: readFileSync(join(DATASETS, 'sst2', 'train.tsv'), 'utf8').split('\n').slice(0, 301).join('\n') + '\n' },
    { name: 'ner_small.txt', content: conllHead(200) },
  ];
  await dropFiles(page, files);
  await explain('the dropped datasets never listed', async () => {
    await page.getByTestId('dataset-sst_small.tsv').waitFor({ timeout: 60_000 });
    await page.getByTestId('dataset-ner_small.txt').waitFor({ timeout: 60_000 });
  });
  await shot('datasets');
});

test('two tasks with α, baselines on, a tiny model: Train, curves, Stop, Resume, completed, baselines trained', async () => {
  await page.getByTestId('nav-Train').click();
  await page.getByTestId('project-new').click();
  await page.waitForFunction(() => (document.querySelector('[data-testid=add-task-dataset]') as HTMLSelectElement | null)?.options.length === 2);
  for (const index of [0, 1]) {
    await page.getByTestId('add-task-dataset').selectOption({ index });
    await page.getByTestId('add-task').click();
  }
  const names = [await page.getByTestId('field-tasks[0].name').inputValue(), await page.getByTestId('field-tasks[1].name').inputValue()];
  const fields: Record<string, string> = {
    'backbone.hidden': '32', 'backbone.layers': '1', 'backbone.heads': '2', 'backbone.maxLength': '32', 'backbone.tokenizer.vocabSize': '500',
    'training.steps': String(STEPS), 'training.evalEvery': '20', 'training.batchSize': '8',
  };
  for (const [path, value] of Object.entries(fields)) await page.getByTestId(`field-${path}`).fill(value);
  await page.getByTestId('field-tasks[0].weight').fill('0.25');
  await page.waitForFunction(() => document.querySelector('[data-testid="share-tasks[0].weight"]')?.textContent === '20.0%');
  await page.getByTestId('field-training.baselines').check();
  await explain('config never ready', () => page.getByTestId('check-state').and(page.getByText('ready to train')).waitFor({ timeout: 20_000 }));
  await shot('setup');

  await page.getByTestId('train').click();
  await explain('the loss curves never filled', () =>
    page.waitForFunction(
      (ns) => ns.every((n) => Number(document.querySelector(`[data-testid="loss-chart-${n}"]`)?.getAttribute('data-points') ?? 0) > 0),
      names,
      { timeout: 60_000, polling: 100 },
    ),
  );
  const status = () => page.getByTestId('run-panel').getByTestId('run-status').textContent().then((s) => s?.trim());
  const waitFor = (want: string, timeout: number) =>
    explain(`run never became ${want}`, () =>
      page.waitForFunction((w) => document.querySelector('[data-testid=run-panel] [data-testid=run-status]')?.textContent?.trim() === w, want, { timeout }),
    );
  await page.getByTestId('run-stop').click();
  await waitFor('stopped', 30_000);
  await page.getByTestId('run-resume').click();
  await waitFor('completed', 90_000);
  assert.equal(await status(), 'completed');
  runId = Number(/^run-(\d+)$/.exec((await page.locator('li.selected[data-testid^="run-"]').getAttribute('data-testid')) ?? '')?.[1]);
  assert.ok(runId > 0, 'the trained run is selected in the list');
  await shot('train');
  // The baselines start by themselves once the multi-task run has completed (here, after its resume).
  await explain('the two baselines never completed', () =>
    page.waitForFunction(
      () => [...document.querySelectorAll('li[data-testid^="run-"]')].filter((e) => /alone/.test(e.textContent ?? '') && /completed/.test(e.textContent ?? '')).length === 2,
      undefined,
      { timeout: 120_000, polling: 250 },
    ),
  );
});

test('Compare: the run and its baselines side by side, metrics and per-example predictions', async () => {
  await page.getByTestId('nav-Compare').click();
  await explain('no "with its baselines" button', () => page.getByTestId(`with-baselines-${runId}`).click({ timeout: 20_000 }));
  await explain('no metrics table for 3 runs', () => page.getByTestId('compare-col-2').waitFor({ timeout: 20_000 }));
  const table = (await page.getByTestId('compare-metrics').textContent()) ?? '';
  assert.match(table, /accuracy/);
  assert.match(table, /F1/i);
  await shot('compare');
  await page.getByTestId('compare-tab-examples').click();
  const tasks = await page.getByTestId('compare-task').locator('option').allTextContents();
  assert.ok(tasks.length >= 2, `tasks to inspect: ${tasks.join(', ')}`);
  await explain('no example rows', () => page.getByTestId('example-row').first().waitFor({ timeout: 30_000 }));
  const firstRow = page.getByTestId('example-row').first();
  const outputs = await firstRow.locator('[data-testid^="output-"]').count();
  assert.ok(outputs >= 2, `a row shows the multi-task run and a baseline side by side (${outputs} outputs)`);
  await shot('compare-examples');
});

test('Playground: every head of the run answers one sentence', async () => {
  await page.getByTestId('nav-Playground').click();
  const pick = page.getByTestId(`playground-run-${runId}`);
  await explain('the run is not offered in the Playground', () => pick.waitFor({ timeout: 20_000 }));
  await pick.check(); // beside the newest run (a baseline), which the Playground picks by default
  await page.getByTestId('playground-text').fill('EU rejects German call to boycott British lamb .');
  await page.getByTestId('playground-predict').click();
  const cells = page.locator(`[data-testid^="playground-cell-"][data-testid$="-${runId}"]`);
  await explain('the heads never answered', () =>
    page.waitForFunction(
      (id) => {
        const all = [...document.querySelectorAll(`[data-testid^="playground-cell-"][data-testid$="-${id}"]`)];
        return all.length === 2 && all.every((c) => c.getAttribute('data-kind') === 'classification' || c.getAttribute('data-kind') === 'tokens');
      },
      runId,
      { timeout: 60_000 },
    ),
  );
  assert.equal(await cells.count(), 2);
  await shot('playground');
  assert.deepEqual(consoleErrors.filter((e) => !e.includes('favicon')), []);
});

test('every view fits a 1280×800 window without sideways scrolling', async () => {
  await page.setViewportSize({ width: 1280, height: 800 });
  for (const view of ['Datasets', 'Models', 'Train', 'Compare', 'Playground']) {
    await page.getByTestId(`nav-${view}`).click();
    await page.waitForTimeout(150);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    assert.ok(overflow <= 0, `${view} scrolls sideways by ${overflow} px at 1280×800`);
    await page.screenshot({ path: join(ARTIFACTS, `journey-1280-${view.toLowerCase()}.png`) });
  }
});
