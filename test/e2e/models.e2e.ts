// Pre-trained backbones in Chromium against a real `chorus serve`: a Hugging Face checkpoint folder written here (the
// tiny BERT fixture with a 30-word vocabulary) is imported in the Models view and listed with its size, vocabulary
// and max length; chosen as the imported model in the Train view's model panel, it trains a tiny classification run
// to completion; then "pre-train first" trains a masked-LM run on the task's text, and the task run from it, both to
// completion; the pre-training dashboard shows loss and perplexity, and the Playground fills in a [MASK].
// Screenshots: test/artifacts/models.png, train-pretrain.png, pretrain-dashboard.png.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { ARTIFACTS, openBrowser, screenshotOnFailure } from './browser';
import { serve, ROOT, type Served } from './serve';

const FIXTURE = join(ROOT, 'test', 'fixtures', 'hf-import', 'bert'); // vocab 30, hidden 8, 2 layers, 16 positions, MLM head
const WORDS = ['the', 'film', 'was', 'plot', 'a', 'story', 'very', 'and', 'cast', 'music', 'great', 'lovely', 'superb', 'awful', 'dull', 'poor', 'good', 'bad', 'it', 'is', 'not', 'quite', 'so', '##s', '##ly'];
let server: Served;
let browser: Browser;
let page: Page;
let consoleErrors: string[] = [];
let modelId = 0;
/** The pre-training run of "pre-train first". */
let preId = 0;

before(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  server = await serve();
  const ckpt = join(server.dir, 'tiny-bert');
  mkdirSync(ckpt);
  for (const f of ['config.json', 'model.safetensors']) copyFileSync(join(FIXTURE, f), join(ckpt, f));
  writeFileSync(join(ckpt, 'vocab.txt'), ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]', ...WORDS].join('\n') + '\n');
  writeFileSync(join(ckpt, 'tokenizer_config.json'), JSON.stringify({ do_lower_case: true }));
  ({ browser, page, consoleErrors } = await openBrowser({ width: 1440, height: 1000 }));
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

const explain = <T>(what: string, fn: () => Promise<T>): Promise<T> => screenshotOnFailure(page, 'models', what, fn);
const text = async (testId: string) => ((await page.getByTestId(testId).first().textContent()) ?? '').replace(/\s+/g, ' ').trim();

/** 240 short reviews of the fixture's words, a sentiment word in each (label 1 for the positive ones). */
function reviews(): string {
  let s = 7;
  const r = (k: number) => ((s = (s * 1103515245 + 12345) % 2147483648) % k);
  const rows = Array.from({ length: 240 }, () => {
    const label = r(2);
    const words = Array.from({ length: 3 + r(5) }, () => WORDS[r(10)]!);
    words.splice(r(words.length), 0, (label ? ['great', 'lovely', 'superb', 'good'] : ['awful', 'dull', 'poor', 'bad'])[r(4)]!);
    return `${words.join(' ')},${label}`;
  });
  return ['text,label', ...rows].join('\n') + '\n';
}

async function waitForRun(status: string, timeout: number): Promise<void> {
  await explain(`the run never became ${status}`, () =>
    page.waitForFunction((w) => document.querySelector('[data-testid=run-panel] [data-testid=run-status]')?.textContent?.trim() === w, status, { timeout, polling: 200 }),
  );
}

async function waitReady(): Promise<void> {
  await explain('the config never became ready', () => page.getByTestId('check-state').and(page.getByText('ready to train')).waitFor({ timeout: 20_000 }));
}

test('a checkpoint folder is imported in the Models view and listed with its size, vocabulary and max length', async () => {
  await page.goto(server.url);
  await page.getByTestId('nav-Models').click();
  assert.equal(await text('nav-Models'), 'Models');
  await page.getByTestId('models-empty').waitFor();
  await page.getByTestId('model-import-path').fill(join(server.dir, 'nowhere'));
  await page.getByTestId('model-import-submit').click();
  await explain('no import error', () => page.getByTestId('error').waitFor({ timeout: 15_000 }));
  assert.match(await text('error'), /nowhere/);

  await page.getByTestId('model-import-path').fill(join(server.dir, 'tiny-bert'));
  await page.getByTestId('model-import-name').fill('tiny');
  await page.getByTestId('model-import-submit').click();
  await explain('the model never listed', () => page.getByTestId('model-imported').waitFor({ timeout: 30_000 }));
  modelId = Number((await page.getByTestId('model-list').locator(':scope > li').first().getAttribute('data-testid'))!.replace('model-', ''));
  assert.ok(modelId > 0);
  assert.equal(await page.getByTestId('error').count(), 0, 'the earlier error is gone');
  assert.match(await text('model-name'), /^tiny #\d+$/);
  assert.equal(await text('model-shape'), '2 × 8 · 2 heads');
  assert.equal(await text('model-vocab'), '30');
  assert.equal(await text('model-max-length'), '16');
  assert.equal(await text('model-source'), join(server.dir, 'tiny-bert'));
  await page.getByTestId(`model-details-${modelId}`).locator('summary').click();
  assert.match(await text(`model-details-${modelId}`), /cls\.seq_relationship/, 'what the import left out');
  await page.screenshot({ path: join(ARTIFACTS, 'models.png'), fullPage: true });
});

test('the imported model, chosen in the model panel, trains a tiny run to completion', async () => {
  const dir = join(server.dir, 'pick');
  mkdirSync(dir);
  writeFileSync(join(dir, 'reviews.csv'), reviews());
  await page.getByTestId('nav-Datasets').click();
  await page.getByTestId('file-input').setInputFiles([join(dir, 'reviews.csv')]);
  await explain('the dataset never listed', () => page.getByTestId('dataset-reviews.csv').waitFor({ timeout: 30_000 }));

  await page.getByTestId('nav-Train').click();
  await page.getByTestId('project-new').click();
  await page.waitForFunction(() => (document.querySelector('[data-testid=add-task-dataset]') as HTMLSelectElement | null)?.options.length === 1);
  await page.getByTestId('add-task').click();
  await page.getByTestId('source-model').check();
  await page.getByTestId('field-backbone.path').selectOption(String(modelId));
  assert.match(await text('model-facts'), /bert.*30.*16/);
  for (const f of ['backbone.hidden', 'backbone.layers', 'backbone.tokenizer.vocabSize']) assert.ok(await page.getByTestId(`field-${f}`).isDisabled(), `${f} is fixed by the model`);
  assert.equal(await page.getByTestId('field-backbone.hidden').inputValue(), '8');
  const fields: Record<string, string> = { 'training.steps': '20', 'training.evalEvery': '10', 'training.batchSize': '16', 'backbone.maxLength': '16' };
  for (const [path, value] of Object.entries(fields)) await page.getByTestId(`field-${path}`).fill(value);
  await waitReady();
  await page.getByTestId('train').click();
  await explain('no run panel', () => page.getByTestId('run-panel').waitFor({ timeout: 15_000 }));
  assert.equal(await text('run-origin'), 'from an imported model');
  await waitForRun('completed', 60_000);
  assert.match(await text('validation-latest-reviews'), /\d\.\d{3} @ 20/);
});

test('pre-train first: a masked-LM run on the task text, then the task run from it, both complete', async () => {
  await page.getByTestId('source-pretrain').check();
  const sizes: Record<string, string> = {
    'backbone.hidden': '32', 'backbone.layers': '1', 'backbone.heads': '2', 'backbone.intermediate': '64', 'backbone.maxLength': '32', 'backbone.tokenizer.vocabSize': '60',
    'pretrain.steps': '20',
  };
  for (const [path, value] of Object.entries(sizes)) await page.getByTestId(`field-${path}`).fill(value);
  await page.getByTestId('field-pretrain.wholeWordMasking').check();
  assert.match(await text('pretrain-plan'), /\(1\)/, 'one task dataset to read');
  await waitReady();
  assert.equal(await text('train'), 'Pre-train, then train');
  await page.screenshot({ path: join(ARTIFACTS, 'train-pretrain.png'), fullPage: true });

  await page.getByTestId('train').click();
  const notice = page.locator('[data-testid^="pretrain-notice-"]');
  await explain('no pre-training notice', () => notice.waitFor({ timeout: 15_000 }));
  preId = Number((await notice.getAttribute('data-testid'))!.replace('pretrain-notice-', ''));
  await explain('the pre-training run is not shown first', () => page.getByTestId('pretraining-tag').waitFor({ timeout: 15_000 }));
  assert.match(await text('run-panel'), new RegExp(`#${preId}`));
  await explain('the task run never started from the pre-training run', () =>
    page.waitForFunction((id) => document.querySelector(`[data-testid=pretrain-notice-${id}]`)?.getAttribute('data-state') === 'fine-tuning', preId, { timeout: 90_000, polling: 200 }),
  );
  assert.equal(await text('run-origin'), `from run #${preId}`, 'the dashboard switched to the task run');
  await waitForRun('completed', 60_000);
  assert.match(await text(`pretrain-notice-${preId}`), new RegExp(`starts from pre-training run #${preId}`));
  assert.equal(await page.getByTestId('run-pretraining').count(), 1, 'the pre-training run is in the run list, marked');

  await page.getByTestId('pretrain-show').click();
  await explain('the pre-training dashboard never showed perplexity', () =>
    page.waitForFunction(() => Number(document.querySelector('[data-testid="perplexity-chart-mlm"]')?.getAttribute('data-points') ?? 0) > 0, undefined, { timeout: 15_000 }),
  );
  assert.equal(await text('pretraining-tag'), 'masked-LM pre-training');
  assert.match(await text('validation-latest-mlm'), /\d\.\d{3} @ 20/);
  assert.match(await text('validation-latest-mlm-perplexity'), /[\d,]+\.\d{3} @ 20/);
  await page.waitForTimeout(400); // the progress bar's transition
  await page.screenshot({ path: join(ARTIFACTS, 'pretrain-dashboard.png'), fullPage: true });
});

test('the Playground asks the pre-training run: a text without [MASK] gets the reason', async () => {
  await page.getByTestId('nav-Playground').click();
  await page.getByTestId('playground-runs').waitFor();
  for (const box of await page.locator('[data-testid^="playground-run-"]').all()) if (await box.isChecked()) await box.uncheck();
  await page.getByTestId(`playground-run-${preId}`).check();
  await page.getByTestId('mask-hint').waitFor();
  await page.getByTestId('playground-text').fill('the film was great');
  await page.getByTestId('playground-predict').click();
  const cell = page.getByTestId(`playground-cell-mlm-${preId}`);
  await explain('no skipped reason', () => cell.getByTestId('skipped').waitFor({ timeout: 30_000 }));
  assert.equal(await cell.getByTestId('skipped').textContent(), 'write [MASK] where the model should fill in a word');
  // `chorus serve` has no favicon.ico.
  assert.deepEqual(consoleErrors.filter((e) => !e.includes('/favicon.ico')), []);
});

test(
  'the Playground fills in a [MASK] with the pre-training run',
  async () => {
    await page.getByTestId('playground-text').fill('the film was [MASK]');
    await page.getByTestId('playground-predict').click();
    const cell = page.getByTestId(`playground-cell-mlm-${preId}`);
    await cell.locator('[data-testid=fill]').first().waitFor({ timeout: 10_000 });
    assert.equal(await cell.locator('[data-testid=fill]').count(), 5);
  },
);
