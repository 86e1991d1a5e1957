// The Train view in Chromium against a real `chorus serve`: import two small datasets (SST-2 sentences, CoNLL-2003
// sentences), create and rename a project, make the datasets two tasks of a tiny model (α by slider, normalised shares,
// baselines on), duplicate and delete a copy of the project, see a config issue by its field, train, watch both loss
// charts fill, stop, resume (pause and resume again) to completion, and check the validation table and the reloaded
// project.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { ARTIFACTS, openBrowser, screenshotOnFailure as failWithScreenshot } from './browser';
import { conllHead } from './fixtures';
import { serve, DATASETS, type Served } from './serve';

let server: Served;
let browser: Browser;
let page: Page;
let consoleErrors: string[] = [];
/**
 * Training steps. A run this small trains 60 steps in about a second after its first loss points show, so Stop could
 * land after the end; 120 steps (six evaluations) leave a wide margin and still finish in seconds.
 */
const STEPS = 120;
/** The two task names, as the form derived them from the dataset names. */
let names: string[] = [];

before(async () => {
  server = await serve();
  ({ browser, page, consoleErrors } = await openBrowser({ width: 1440, height: 1100 }));
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

const screenshotOnFailure = <T>(what: string, fn: () => Promise<T>): Promise<T> => failWithScreenshot(page, 'train', what, fn);

const status = () => page.getByTestId('run-panel').getByTestId('run-status');

async function waitForStatus(want: string, timeout: number): Promise<void> {
  await screenshotOnFailure(`run never became ${want}`, () =>
    page.waitForFunction(
      (w) => document.querySelector('[data-testid=run-panel] [data-testid=run-status]')?.textContent?.trim() === w,
      want,
      { timeout },
    ),
  );
}

test('two small datasets are imported through the file picker', async () => {
  const dir = join(server.dir, 'pick');
  mkdirSync(dir);
  const sst = readFileSync(join(DATASETS, 'sst2', 'train.tsv'), 'utf8').split('\n').slice(0, 301).join('\n') + '\n';
  writeFileSync(join(dir, 'sst_small.tsv'), sst);
  writeFileSync(join(dir, 'ner_small.txt'), conllHead(readFileSync(join(DATASETS, 'conll2003', 'train.txt'), 'utf8'), 200));
  await page.goto(server.url);
  // The empty state replaces the drop zone once the (empty) dataset list arrives: pick files into that one.
  await page.getByText('Start by adding a dataset').waitFor();
  await page.getByTestId('file-input').setInputFiles([join(dir, 'sst_small.tsv'), join(dir, 'ner_small.txt')]);
  await screenshotOnFailure('datasets never listed', async () => {
    await page.getByTestId('dataset-sst_small.tsv').waitFor({ timeout: 30_000 });
    await page.getByTestId('dataset-ner_small.txt').waitFor({ timeout: 30_000 });
  });
  assert.equal(await page.getByTestId('task-sst_small.tsv').textContent(), 'classification');
  assert.equal(await page.getByTestId('task-ner_small.txt').textContent(), 'token-classification');
});

/** The option the project switcher shows. */
const currentProject = async () => page.getByTestId('project-select').evaluate((s: HTMLSelectElement) => s.selectedOptions[0]?.textContent?.trim());

test('a new project is created and renamed inline', async () => {
  await page.getByTestId('nav-Train').click();
  await page.getByTestId('project-new').click();
  await page.waitForFunction(() => /^\d+$/.test((document.querySelector('[data-testid=project-select]') as HTMLSelectElement | null)?.value ?? ''));
  assert.equal(await currentProject(), 'Untitled project');
  await page.getByTestId('project-rename').click();
  await page.getByTestId('project-name-input').fill('tiny two-task');
  await page.getByTestId('project-name-input').press('Enter');
  await page.waitForFunction(
    () => (document.querySelector('[data-testid=project-select]') as HTMLSelectElement | null)?.selectedOptions[0]?.textContent?.trim() === 'tiny two-task',
  );
});

test('both become tasks of a tiny model; a bad head count is shown on its field, then fixed', async () => {
  const pick = page.getByTestId('add-task-dataset');
  await page.waitForFunction(() => (document.querySelector('[data-testid=add-task-dataset]') as HTMLSelectElement | null)?.options.length === 2);
  for (const index of [0, 1]) {
    await pick.selectOption({ index });
    await page.getByTestId('add-task').click();
  }
  names = [await page.getByTestId('field-tasks[0].name').inputValue(), await page.getByTestId('field-tasks[1].name').inputValue()];
  const types = [await page.getByTestId('field-tasks[0].type').inputValue(), await page.getByTestId('field-tasks[1].type').inputValue()];
  assert.deepEqual([...types].sort(), ['classification', 'token-classification'], `task types: ${types.join(', ')}`);
  for (const n of names) assert.match(n, /^[A-Za-z_][A-Za-z0-9_]*$/);
  // The columns come prefilled from the suggestion.
  const cls = types.indexOf('classification');
  const tc = types.indexOf('token-classification');
  assert.equal(await page.getByTestId(`field-tasks[${cls}].text`).inputValue(), 'sentence');
  assert.equal(await page.getByTestId(`field-tasks[${cls}].label`).inputValue(), 'label');
  assert.equal(await page.getByTestId(`field-tasks[${tc}].tokens`).inputValue(), 'tokens');
  assert.equal(await page.getByTestId(`field-tasks[${tc}].tags`).inputValue(), 'tags');

  // A preset fills the size fields and shows its parameter count; the run itself is smaller still.
  await page.getByTestId('preset-tiny').click();
  assert.equal(await page.getByTestId('field-backbone.hidden').inputValue(), '128');
  assert.match((await page.getByTestId('model-params').textContent()) ?? '', /^[\d,.\s]+$/);
  const fields: Record<string, string> = {
    'backbone.hidden': '32', 'backbone.layers': '1', 'backbone.heads': '3', 'backbone.maxLength': '32', 'backbone.tokenizer.vocabSize': '500',
    'training.steps': String(STEPS), 'training.evalEvery': '20', 'training.batchSize': '8',
  };
  for (const [path, value] of Object.entries(fields)) await page.getByTestId(`field-${path}`).fill(value);
  // Typed key by key, "0.00" must not collapse to "0" on its way through the store.
  const lr = page.getByTestId('field-training.lr');
  await lr.fill('');
  await lr.pressSequentially('0.001');
  assert.equal(await lr.inputValue(), '0.001');

  const issue = page.getByTestId('issue-backbone.heads');
  await screenshotOnFailure('no issue on backbone.heads', () => issue.waitFor({ timeout: 15_000 }));
  assert.match((await issue.textContent()) ?? '', /backbone\.heads: must divide backbone\.hidden/);
  mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: join(ARTIFACTS, 'train-config-issue.png'), fullPage: true });
  await page.getByTestId('field-backbone.heads').fill('2');
  await issue.waitFor({ state: 'detached', timeout: 15_000 });
  await screenshotOnFailure('config never ready', () =>
    page.getByTestId('check-state').and(page.getByText('ready to train')).waitFor({ timeout: 15_000 }),
  );
});

test('α by slider shows normalised shares; baselines on; a duplicate is made and deleted', async () => {
  const share = (i: number) => page.getByTestId(`share-tasks[${i}].weight`);
  assert.deepEqual([await share(0).textContent(), await share(1).textContent()], ['50.0%', '50.0%']);
  await page.getByTestId('field-tasks[0].weight').fill('0.5');
  await page.waitForFunction(() => document.querySelector('[data-testid="share-tasks[0].weight"]')?.textContent === '33.3%');
  assert.equal(await share(1).textContent(), '66.7%');
  const sum = await page.$$eval('[data-testid^="share-tasks"]', (els) => els.reduce((a, e) => a + Number(e.getAttribute('data-share')), 0));
  assert.ok(Math.abs(sum - 1) < 1e-9, `shares sum to ${sum}`);
  await page.getByTestId('field-training.baselines').check();

  await page.getByTestId('project-duplicate').click();
  await page.waitForFunction(
    () => (document.querySelector('[data-testid=project-select]') as HTMLSelectElement | null)?.selectedOptions[0]?.textContent?.trim() === 'tiny two-task copy',
  );
  assert.equal(await page.getByTestId('field-tasks[1].name').inputValue(), names[1]);
  await page.getByTestId('project-delete').click();
  await page.getByTestId('confirm').click();
  await page.waitForFunction(
    () => (document.querySelector('[data-testid=project-select]') as HTMLSelectElement | null)?.selectedOptions[0]?.textContent?.trim() === 'tiny two-task',
  );
  assert.deepEqual(
    await page.getByTestId('project-select').locator('option').allTextContents(),
    ['tiny two-task'],
    'the copy is gone from the switcher',
  );
  assert.equal(await share(0).textContent(), '33.3%');
  assert.ok(await page.getByTestId('field-training.baselines').isChecked());
  await screenshotOnFailure('config never ready again', () =>
    page.getByTestId('check-state').and(page.getByText('ready to train')).waitFor({ timeout: 15_000 }),
  );
  // The label sets, opened: the counts the import found, each label kept (nothing merged or dropped here).
  for (const summary of await page.locator('[data-testid^="labels-tasks"] > summary').all()) await summary.click();
  assert.equal(await page.locator('[data-testid^="labels-tasks"] select').first().inputValue(), 'keep');
  await page.screenshot({ path: join(ARTIFACTS, 'train-setup.png'), fullPage: true });
});

test('Train streams a loss chart per task; Stop, Resume, Pause and Resume run it to completion', async () => {
  await page.getByTestId('train').click();
  await screenshotOnFailure('no run panel', () => page.getByTestId('run-panel').waitFor({ timeout: 15_000 }));
  await screenshotOnFailure('the loss charts never filled', () =>
    page.waitForFunction(
      (ns) => ns.every((n) => Number(document.querySelector(`[data-testid="loss-chart-${n}"]`)?.getAttribute('data-points') ?? 0) > 0),
      names,
      { timeout: 60_000, polling: 100 },
    ),
  );
  assert.equal((await status().textContent())?.trim(), 'running');
  assert.ok(await page.getByTestId('run-pause').isEnabled());
  assert.ok(!(await page.getByTestId('run-resume').isEnabled()));
  await page.getByTestId('run-stop').click();
  await waitForStatus('stopped', 30_000);
  const stoppedAt = Number(/step (\d+)/.exec((await page.getByTestId('run-step').textContent()) ?? '')?.[1]);
  assert.ok(stoppedAt > 0 && stoppedAt < STEPS, `stopped part-way (step ${stoppedAt} of ${STEPS})`);
  assert.ok(await page.getByTestId('run-resume').isEnabled());
  assert.ok(!(await page.getByTestId('run-stop').isEnabled()));

  // Resume starts a new trainer process; a Pause sent while it starts holds it before its first step.
  await page.getByTestId('run-resume').click();
  await waitForStatus('running', 30_000);
  await page.getByTestId('run-pause').click();
  await waitForStatus('paused', 30_000);
  assert.ok(await page.getByTestId('run-resume').isEnabled());
  assert.ok(await page.getByTestId('run-stop').isEnabled());
  assert.ok(!(await page.getByTestId('run-pause').isEnabled()));
  await page.getByTestId('run-resume').click();
  await waitForStatus('completed', 90_000);
  for (const n of names) {
    const latest = (await page.getByTestId(`validation-latest-${n}`).textContent()) ?? '';
    assert.match(latest, new RegExp(`\\d\\.\\d{3} @ ${STEPS}\\b`), `validation of ${n}: ${latest}`);
    assert.match((await page.getByTestId(`validation-best-${n}`).textContent()) ?? '', /\d\.\d{3} @ \d+/);
  }
  assert.match((await page.getByTestId('run-step').textContent()) ?? '', new RegExp(`step ${STEPS} / ${STEPS}`));
  for (const b of ['run-pause', 'run-resume', 'run-stop']) assert.ok(!(await page.getByTestId(b).isEnabled()), `${b} disabled when completed`);
  mkdirSync(ARTIFACTS, { recursive: true });
  await page.waitForTimeout(400); // let the progress bar's transition finish
  await page.screenshot({ path: join(ARTIFACTS, 'train.png'), fullPage: true });
});

test('a reload reopens the project and the run with its history', async () => {
  await page.reload();
  await page.getByTestId('nav-Train').click();
  await page.getByTestId('field-tasks[1].name').waitFor();
  assert.deepEqual([await page.getByTestId('field-tasks[0].name').inputValue(), await page.getByTestId('field-tasks[1].name').inputValue()], names);
  assert.equal(await page.getByTestId('field-backbone.heads').inputValue(), '2');
  assert.equal(await currentProject(), 'tiny two-task');
  assert.equal(await page.getByTestId('share-tasks[0].weight').textContent(), '33.3%');
  assert.ok(await page.getByTestId('field-training.baselines').isChecked());
  // The multi-task run, not a single-task baseline ("… alone") that may have been started after it.
  await page.getByTestId(/^run-\d+$/).filter({ hasNotText: 'alone' }).first().click();
  await waitForStatus('completed', 10_000);
  await page.waitForFunction(
    (ns) => ns.every((n) => Number(document.querySelector(`[data-testid="loss-chart-${n}"]`)?.getAttribute('data-points') ?? 0) > 1),
    names,
    { timeout: 10_000 },
  );
  await page.screenshot({ path: join(ARTIFACTS, 'train-reloaded.png'), fullPage: true });
  // `chorus serve` has no favicon.ico; Chromium asks for one after a reload.
  assert.deepEqual(consoleErrors.filter((e) => !e.includes('/favicon.ico')), []);
});
