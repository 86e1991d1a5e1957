// The Datasets view in Chromium against a real `chorus serve`: drop and pick files from ../shared/datasets,
// then check the counts, suggested tasks and label sets the UI shows.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync, existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { ARTIFACTS, dropFiles, openBrowser, screenshotOnFailure } from './browser';
import { serve, DATASETS, type Served } from './serve';

let server: Served;
let browser: Browser;
let page: Page;
let consoleErrors: string[] = [];

before(async () => {
  server = await serve();
  ({ browser, page, consoleErrors } = await openBrowser({ width: 1400, height: 1000 }));
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

const digits = (s: string | null) => Number((s ?? '').replace(/\D/g, ''));

async function expectDataset(file: string, splits: Record<string, number>, task: string): Promise<void> {
  const item = page.getByTestId(`dataset-${file}`);
  await screenshotOnFailure(page, 'datasets', `${file} never listed`, () => item.waitFor({ timeout: 60_000 }));
  for (const [split, n] of Object.entries(splits)) {
    assert.equal(digits(await page.getByTestId(`count-${file}-${split}`).textContent()), n, `${file} ${split} count`);
  }
  assert.equal(await page.getByTestId(`task-${file}`).textContent(), task, `${file} task`);
}

async function labelsShown(file: string): Promise<string[]> {
  await page.getByTestId(`dataset-${file}`).click();
  await page.getByTestId('label-chart').waitFor();
  return page.$$eval('[data-testid=label-chart] [data-testid^=label-]', (els) => els.map((e) => e.getAttribute('data-testid')!.slice('label-'.length)));
}

test('a page without the token cannot reach the API', async () => {
  const p = await browser.newPage();
  await p.goto(server.url.replace(/\?token=.*/, '?token=wrong'));
  await p.getByTestId('error').waitFor({ timeout: 10_000 });
  assert.match((await p.getByTestId('error').textContent()) ?? '', /cannot connect/);
  await p.close();
});

test('the empty state teaches to drop a dataset', async () => {
  await page.goto(server.url);
  await page.getByText('Drop a dataset here').waitFor();
  assert.ok(await page.getByTestId('drop-zone').isVisible());
});

test('dropping SST-2 and TREC imports both, with counts, tasks and label sets', async () => {
  await dropFiles(page, [
    { name: 'train.tsv', content: readFileSync(join(DATASETS, 'sst2', 'train.tsv'), 'utf8') },
    { name: 'train_5500.label', content: readFileSync(join(DATASETS, 'trec', 'train_5500.label'), 'latin1') },
  ]);
  await expectDataset('train.tsv', { train: 67349 }, 'classification');
  await expectDataset('train_5500.label', { train: 5452 }, 'classification');
  assert.deepEqual((await labelsShown('train.tsv')).sort(), ['0', '1']);
  // TREC keeps COARSE:fine labels (50 of them); the chart shows the largest.
  const trec = await labelsShown('train_5500.label');
  assert.ok(trec.length >= 20 && trec.every((l) => /^(ABBR|DESC|ENTY|HUM|LOC|NUM):\w+$/.test(l)), `TREC labels: ${trec.join(' ')}`);
  assert.ok(trec.includes('HUM:ind') && trec.includes('LOC:city'));
});

test('picking CoNLL-2003 and a JSONL file imports them too', async () => {
  const dir = join(server.dir, 'pick');
  mkdirSync(dir);
  const jsonl = join(dir, 'reviews.jsonl');
  const rows = Array.from({ length: 60 }, (_, i) => JSON.stringify({ text: `review number ${i}`, label: ['pos', 'neg', 'mixed'][i % 3] }));
  writeFileSync(jsonl, rows.join('\n') + '\n');
  await page.getByTestId('file-input').setInputFiles([join(DATASETS, 'conll2003', 'train.txt'), jsonl]);
  await expectDataset('train.txt', { train: 14041 }, 'token-classification');
  await expectDataset('reviews.jsonl', { train: 60 }, 'classification');
  assert.deepEqual((await labelsShown('reviews.jsonl')).sort(), ['mixed', 'neg', 'pos']);
  const tags = await labelsShown('train.txt');
  for (const t of ['O', 'B-PER', 'I-PER', 'B-LOC', 'B-ORG', 'B-MISC']) assert.ok(tags.includes(t), `CoNLL tag ${t} shown`);
});

test('the preview is virtualised and pages through the rows', async () => {
  await page.getByTestId('dataset-train.tsv').click();
  await page.getByTestId('preview-row').first().waitFor();
  const rendered = await page.getByTestId('preview-row').count();
  assert.ok(rendered > 5 && rendered < 100, `only visible rows rendered (${rendered})`);
  await page.$eval('[data-testid=preview] .viewport', (el) => (el.scrollTop = 30 * 50_000));
  await page.getByText('50,001', { exact: true }).waitFor();
  await page.waitForFunction(() => !document.querySelector('[data-testid=preview]')?.textContent?.includes('loading…'));
});

test('a file with bad rows shows the issues and can be imported keeping the good rows', async () => {
  const lines = Array.from({ length: 30 }, (_, i) => JSON.stringify({ text: `sentence ${i}`, label: i % 2 ? 'yes' : 'no' }));
  lines[1] = '{"text":"broken","label":"yes"';
  await dropFiles(page, [{ name: 'bad.jsonl', content: lines.join('\n') + '\n' }]);
  const job = page.getByTestId('import-job-bad.jsonl');
  await job.and(page.locator('[data-phase=failed]')).waitFor();
  assert.match((await job.textContent()) ?? '', /line 2/);
  await job.getByTestId('accept-bad-rows').click();
  await expectDataset('bad.jsonl', { train: 29 }, 'classification');
});

test('deleting asks for confirmation', async () => {
  await page.getByTestId('dataset-bad.jsonl').click();
  await page.getByTestId('delete').click();
  await page.getByTestId('confirm').click();
  await page.getByTestId('dataset-bad.jsonl').waitFor({ state: 'detached' });
  assert.equal(readdirSync(join(server.dir, 'uploads')).length, 0, 'temp uploads removed');
});

test('screenshot of the Datasets view, and no console errors', async () => {
  await page.getByTestId('dataset-train.tsv').click();
  await page.getByTestId('preview-row').first().waitFor();
  mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: join(ARTIFACTS, 'datasets.png'), fullPage: true });
  await page.emulateMedia({ colorScheme: 'dark' });
  await page.waitForTimeout(300); // let the colour transitions settle
  await page.screenshot({ path: join(ARTIFACTS, 'datasets-dark.png'), fullPage: true });
  assert.ok(existsSync(join(ARTIFACTS, 'datasets.png')));
  assert.deepEqual(consoleErrors, []);
});
