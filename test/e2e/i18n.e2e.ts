// The interface in Chinese: headless Chromium whose language is zh-CN (navigator.language) against a real `chorus
// serve`. The first start follows the browser's language, so import (Datasets), task setup (Train), the training
// dashboard of a tiny run and the comparison with its baselines all speak Chinese; the language control switches to
// English and back without a reload, and the choice outlasts one. Screenshots: test/artifacts/i18n-*.png.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { ARTIFACTS, dropFiles, openBrowser, screenshotOnFailure } from './browser';
import { conllHead } from './fixtures';
import { serve, DATASETS, type Served } from './serve';

/** Small enough to train (with two baselines) in seconds. */
const STEPS = 40;
let server: Served;
let browser: Browser;
let page: Page;
let consoleErrors: string[] = [];
let runId = 0;

before(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  server = await serve();
  ({ browser, page, consoleErrors } = await openBrowser({ width: 1440, height: 1000 }, 'zh-CN'));
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

const explain = <T>(what: string, fn: () => Promise<T>): Promise<T> => screenshotOnFailure(page, 'i18n', what, fn);
const shot = (name: string) => page.screenshot({ path: join(ARTIFACTS, `i18n-${name}.png`), fullPage: true });
const text = async (testId: string) => ((await page.getByTestId(testId).first().textContent()) ?? '').replace(/\s+/g, ' ').trim();
const bodyText = async () => ((await page.textContent('body')) ?? '').replace(/\s+/g, ' ');
/** Chinese characters are on the page (the interface's, not only data's). */
const HAN = /\p{Script=Han}/u;

test('the first start follows the browser’s language: the Datasets view and an import in Chinese', async () => {
  await page.goto(server.url);
  assert.equal(await page.evaluate(() => navigator.language), 'zh-CN');
  await page.getByText('将数据集拖放到此处').first().waitFor();
  await page.getByText('先添加一两个数据集').waitFor();
  assert.equal(await page.evaluate(() => document.documentElement.lang), 'zh-CN');
  assert.equal(await text('nav-Datasets'), '数据集');
  assert.equal(await text('nav-Train'), '训练');
  assert.equal(await page.getByTestId('locale-select').inputValue(), 'zh-CN');

  await dropFiles(page, [
    { name: 'sst_small.tsv', content: readFileSync(join(DATASETS, 'sst2', 'train.tsv'), 'utf8').split('\n').slice(0, 201).join('\n') + '\n' },
    { name: 'ner_small.txt', content: conllHead(readFileSync(join(DATASETS, 'conll2003', 'train.txt'), 'utf8'), 120) },
  ]);
  await explain('the dropped datasets never listed', async () => {
    await page.getByTestId('dataset-sst_small.tsv').waitFor({ timeout: 60_000 });
    await page.getByTestId('dataset-ner_small.txt').waitFor({ timeout: 60_000 });
  });
  assert.equal(await text('task-sst_small.tsv'), '分类');
  assert.equal(await text('task-ner_small.txt'), '词元分类');
  await page.getByTestId('dataset-sst_small.tsv').click();
  await page.getByTestId('dataset-detail').waitFor();
  const detail = await text('dataset-detail');
  for (const words of ['建议的任务', '标签分布', '预览', '删除…']) assert.ok(detail.includes(words), `dataset detail shows ${words}: ${detail.slice(0, 300)}`);
  assert.match(detail, /\d+ 行/, 'row counts in Chinese');
  const body = await bodyText();
  for (const en of ['Drop a dataset here', 'Suggested task', 'Label distribution', 'Preview']) assert.ok(!body.includes(en), `no English “${en}” left`);
  await shot('zh-datasets');
});

test('task setup in the Train view speaks Chinese', async () => {
  await page.getByTestId('nav-Train').click();
  await page.getByTestId('project-new').click();
  await page.waitForFunction(() => (document.querySelector('[data-testid=add-task-dataset]') as HTMLSelectElement | null)?.options.length === 2);
  for (const index of [0, 1]) {
    await page.getByTestId('add-task-dataset').selectOption({ index });
    await page.getByTestId('add-task').click();
  }
  const fields: Record<string, string> = {
    'backbone.hidden': '32', 'backbone.layers': '1', 'backbone.heads': '2', 'backbone.maxLength': '32', 'backbone.tokenizer.vocabSize': '400',
    'training.steps': String(STEPS), 'training.evalEvery': '10', 'training.batchSize': '8',
  };
  for (const [path, value] of Object.entries(fields)) await page.getByTestId(`field-${path}`).fill(value);
  await page.getByTestId('field-training.baselines').check();
  await explain('config never ready', () => page.getByTestId('check-state').and(page.getByText('可以开始训练')).waitFor({ timeout: 30_000 }));
  const setup = await text('train-setup');
  for (const words of ['任务', '模型', '训练', '批大小', '学习率', '同时训练单任务基线', '权重 α', '验证集']) assert.ok(setup.includes(words), `task setup shows ${words}`);
  assert.equal(await text('train'), '训练');
  assert.equal(await text('project-new'), '新建');
  assert.ok(!/ready to train|Batch size|Learning rate|Add task/.test(setup), 'no English labels left in the setup');
  await shot('zh-train');
});

test('the training dashboard of a tiny run speaks Chinese, and the run completes', async () => {
  await page.getByTestId('train').click();
  await explain('no run panel', () => page.getByTestId('run-panel').waitFor({ timeout: 20_000 }));
  await explain('the run never completed', () =>
    page.waitForFunction(() => document.querySelector('[data-testid=run-panel] [data-testid=run-status]')?.classList.contains('completed'), undefined, { timeout: 120_000, polling: 200 }),
  );
  const panel = await text('run-panel');
  for (const words of ['训练损失', '验证', '学习率', '已完成', '暂停', '继续', '停止']) assert.ok(panel.includes(words), `dashboard shows ${words}`);
  assert.match(await text('run-step'), new RegExp(`^步数 ${STEPS} / ${STEPS}$`));
  assert.ok(!/Training loss|Learning rate|waiting for/.test(panel), 'no English left on the dashboard');
  runId = Number(/^run-(\d+)$/.exec((await page.locator('li.selected[data-testid^="run-"]').getAttribute('data-testid')) ?? '')?.[1]);
  assert.ok(runId > 0, 'the trained run is selected');
  // Dates follow the locale: “3月4日 09:15”.
  assert.match(await text(`run-${runId}`), /\d+月\d+日/);
  await page.waitForTimeout(300); // the progress bar's transition
  await shot('zh-dashboard');
  await explain('the two baselines never completed', () =>
    page.waitForFunction(() => document.querySelectorAll('li[data-testid^="run-"] [data-testid=run-status].completed').length === 3, undefined, { timeout: 120_000, polling: 250 }),
  );
});

test('the comparison of the run with its baselines speaks Chinese', async () => {
  await page.getByTestId('nav-Compare').click();
  assert.equal(await text('nav-Compare'), '对比');
  await explain('no “with its baselines” button', () => page.getByTestId(`with-baselines-${runId}`).waitFor({ timeout: 20_000 }));
  assert.equal(await text(`with-baselines-${runId}`), '连同其 2 个基线');
  await page.getByTestId(`with-baselines-${runId}`).click();
  await explain('no metrics table for 3 runs', () => page.getByTestId('compare-col-2').waitFor({ timeout: 20_000 }));
  const table = await text('compare-metrics');
  for (const words of ['任务', '指标', '参照', '准确率', '损失']) assert.ok(table.includes(words), `metrics table shows ${words}: ${table.slice(0, 200)}`);
  assert.match(await text('compare-tab-metrics'), /指标与曲线/);
  assert.ok((await bodyText()).includes('最终指标'));
  assert.ok(!/Final metrics|reference|accuracy/.test(table), 'no English left in the table');
  await shot('zh-compare');
});

test('the language control switches to English and back at once, without reloading the page', async () => {
  await page.evaluate(() => ((window as unknown as { chorusMarker: number }).chorusMarker = 42));
  await page.getByTestId('locale-select').selectOption('en');
  await page.waitForFunction(() => document.querySelector('[data-testid=nav-Train]')?.textContent?.trim() === 'Train');
  assert.equal(await text('nav-Compare'), 'Compare');
  assert.match(await text('compare-metrics'), /Task.*Metric.*reference.*accuracy/);
  assert.ok((await bodyText()).includes('Final metrics'));
  assert.equal(await page.evaluate(() => document.documentElement.lang), 'en');
  const state = await page.evaluate(() => ({
    marker: (window as unknown as { chorusMarker?: number }).chorusMarker,
    navigations: performance.getEntriesByType('navigation').map((n) => (n as PerformanceNavigationTiming).type),
  }));
  assert.deepEqual(state, { marker: 42, navigations: ['navigate'] }, 'the same page, never reloaded');
  await shot('en-after-switch');

  await page.getByTestId('nav-Train').click();
  assert.match(await text('run-panel'), /Training loss/);
  assert.equal(await text('check-state'), 'ready to train');

  await page.getByTestId('locale-select').selectOption('zh-CN');
  await page.waitForFunction(() => document.querySelector('[data-testid=nav-Train]')?.textContent?.trim() === '训练');
  assert.match(await text('run-panel'), /训练损失/);
  assert.equal(await text('check-state'), '可以开始训练');
  assert.equal(await page.evaluate(() => (window as unknown as { chorusMarker?: number }).chorusMarker), 42, 'still the same page');
  assert.equal(await page.evaluate(() => localStorage.getItem('chorus.locale')), 'zh-CN');
});

test('the chosen language outlasts a reload, whatever the browser’s language', async () => {
  await page.getByTestId('locale-select').selectOption('en');
  await page.reload();
  await page.getByTestId('nav-Train').waitFor();
  assert.equal(await text('nav-Train'), 'Train');
  assert.equal(await page.getByTestId('locale-select').inputValue(), 'en');
  await page.getByTestId('locale-select').selectOption('zh-CN');
  await page.waitForFunction(() => document.querySelector('[data-testid=nav-Train]')?.textContent?.trim() === '训练');
  assert.ok(HAN.test(await bodyText()));
  // `chorus serve` has no favicon.ico; Chromium asks for one after a reload.
  assert.deepEqual(consoleErrors.filter((e) => !e.includes('/favicon.ico')), []);
});
