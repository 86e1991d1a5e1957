// The Playground in Chromium against a real `chorus serve`: a tiny two-task run (SST-2 sentences, CoNLL-2003 sentences)
// trained with the CLI beforehand answers a typed sentence with both heads at once, in the light and the dark theme.
// On a second, empty database, "Try the demo project" imports the three bundled datasets.
import { test, before, after, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { Browser, Page } from 'playwright-core';
import { ARTIFACTS, openBrowser, screenshotOnFailure as failWithScreenshot } from './browser';
import { serve, DATASETS, ROOT, type Served } from './serve';

const SENTENCE = 'EU rejects German call to boycott British lamb and the film is a delight .';
let dir: string;
let runId = 0;
let trained: { url: string; child: ChildProcess } | undefined;
let empty: Served | undefined;
let browser: Browser;
let page: Page;
let consoleErrors: string[] = [];

/** The first `sentences` sentences of a CoNLL file (blank-line separated), from sentence `skip` on. */
function conllSentences(text: string, skip: number, sentences: number): string {
  const blocks = text.split(/\n\s*\n/).filter((b) => b.trim() && !b.startsWith('-DOCSTART-'));
  return blocks.slice(skip, skip + sentences).join('\n\n') + '\n';
}

/** Runs a command to its end; rejects with its stderr when it fails. */
function exec(cmd: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '', err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.once('error', reject);
    child.once('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`${cmd} ${args.join(' ')} exited with ${code}: ${err.slice(-2000)}`))));
  });
}

/** `chorus serve` on an existing database (serve.ts always starts from an empty one). */
async function serveDb(db: string): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'main/cli/index.ts', 'serve', '--db', db, '--port', '0', '--json'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const line = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).once('line', resolve);
    child.once('exit', (code) => reject(new Error(`chorus serve exited with ${code}: ${stderr}`)));
  });
  return { url: (JSON.parse(line) as { url: string }).url, child };
}

async function stopChild(child: ChildProcess | undefined): Promise<void> {
  if (!child || child.exitCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await exited;
}

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'chorus-e2e-playground-'));
  for (const d of ['sst', 'conll', 'conll-dev']) mkdirSync(join(dir, d));
  const sst = (f: string, from: number, n: number) => {
    const lines = readFileSync(join(DATASETS, 'sst2', f), 'utf8').split('\n');
    return [lines[0], ...lines.slice(1 + from, 1 + from + n)].join('\n') + '\n';
  };
  writeFileSync(join(dir, 'sst', 'train.tsv'), sst('train.tsv', 0, 300));
  writeFileSync(join(dir, 'sst', 'dev.tsv'), sst('train.tsv', 300, 60));
  const conll = readFileSync(join(DATASETS, 'conll2003', 'train.txt'), 'utf8');
  writeFileSync(join(dir, 'conll', 'train.txt'), conllSentences(conll, 0, 200));
  writeFileSync(join(dir, 'conll-dev', 'train.txt'), conllSentences(conll, 200, 50));
  const config = {
    name: 'tiny playground',
    backbone: { hidden: 32, layers: 1, heads: 2, intermediate: 64, maxLength: 32, tokenizer: { vocabSize: 500 } },
    tasks: [
      { name: 'sentiment', type: 'classification', dataset: join(dir, 'sst', 'train.tsv'), validation: join(dir, 'sst', 'dev.tsv'), text: 'sentence', label: 'label' },
      { name: 'ner', type: 'token-classification', dataset: join(dir, 'conll', 'train.txt'), validation: join(dir, 'conll-dev', 'train.txt') },
    ],
    training: { steps: 30, evalEvery: 15, batchSize: 8 },
    threads: 2,
  };
  writeFileSync(join(dir, 'run.json'), JSON.stringify(config));
  const db = join(dir, 'data', 'chorus.db');
  const out = await exec('npm', ['run', '--silent', 'chorus', '--', 'train', '--config', join(dir, 'run.json'), '--db', db, '--json']);
  const result = JSON.parse(out.slice(out.indexOf('{'))) as { id: number; status: string };
  assert.equal(result.status, 'completed', out);
  runId = result.id;

  trained = await serveDb(db);
  ({ browser, page, consoleErrors } = await openBrowser({ width: 1400, height: 1000 }));
});

after(async () => {
  await browser?.close();
  await stopChild(trained?.child);
  await empty?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const screenshotOnFailure = <T>(p: Page, what: string, fn: () => Promise<T>): Promise<T> => failWithScreenshot(p, 'playground', what, fn);

/** The Playground's nav button, when the app shell has it (and it is enabled). */
async function openPlayground(t: TestContext): Promise<boolean> {
  await page.goto(trained!.url);
  await page.getByTestId('nav-Datasets').waitFor();
  const nav = page.locator('[data-testid=nav-Playground], [data-testid=nav-playground]').first();
  if (!(await nav.count()) || !(await nav.isEnabled())) {
    t.skip('the Playground is not in the app navigation yet ([data-testid=nav-Playground] missing or disabled): App.vue must wire views/PlaygroundView.vue');
    return false;
  }
  await nav.click();
  return true;
}

test('the Playground: both heads of a trained run answer a typed sentence, side by side', async (t) => {
  if (!(await openPlayground(t))) return;
  const pick = page.getByTestId(`playground-run-${runId}`);
  await screenshotOnFailure(page, 'the trained run is not offered', () => pick.waitFor({ timeout: 15_000 }));
  assert.ok(await pick.isChecked(), 'the newest completed run is selected by default');
  assert.equal(await page.getByTestId('playground-text-pair').count(), 0, 'no second text without a pair task');
  assert.equal(await page.getByTestId('playground-context').count(), 0, 'no context without a QA task');

  await page.getByTestId('playground-text').fill(SENTENCE);
  await page.getByTestId('playground-text').press('Control+Enter');
  const cls = page.getByTestId(`playground-cell-sentiment-${runId}`);
  const ner = page.getByTestId(`playground-cell-ner-${runId}`);
  await screenshotOnFailure(page, 'no answer from both heads', async () => {
    await cls.and(page.locator('[data-kind=classification]')).waitFor({ timeout: 60_000 });
    await ner.and(page.locator('[data-kind=tokens]')).waitFor({ timeout: 60_000 });
  });

  const label = ((await cls.getByTestId('predicted-label').textContent()) ?? '').trim();
  assert.match(label, /^[01] \d+\.\d%$/, `label with its probability: ${label}`);
  const bars = await cls.locator('[data-testid^=prob-]').evaluateAll((els) => els.map((e) => ({ id: e.getAttribute('data-testid')!, p: Number(e.getAttribute('data-p')) })));
  assert.deepEqual(bars.map((b) => b.id).sort(), ['prob-0', 'prob-1']);
  assert.ok(bars[0]!.p >= bars[1]!.p, 'most likely first');
  assert.ok(Math.abs(bars[0]!.p + bars[1]!.p - 1) < 1e-4, 'probabilities sum to 1');
  assert.equal(bars[0]!.id, `prob-${label.split(' ')[0]}`);

  const words = await ner.getByTestId('word').evaluateAll((els) => els.map((e) => ({ w: e.textContent!.trim(), tag: e.getAttribute('data-tag') })));
  assert.deepEqual(words.map((w) => w.w), SENTENCE.split(' '), 'the sentence, word by word');
  for (const w of words) assert.match(w.tag ?? '', /^(O|[BI]-(PER|ORG|LOC|MISC))$/, `one tag per word: ${w.w} → ${w.tag}`);
  for (const e of await ner.getByTestId('entity').all()) assert.match((await e.getAttribute('data-type')) ?? '', /^(PER|ORG|LOC|MISC)$/);

  // Predict with the button too (the same answer: inference is deterministic).
  await page.getByTestId('playground-predict').click();
  await cls.and(page.locator('[data-kind=classification]')).waitFor({ timeout: 30_000 });
  assert.equal(((await cls.getByTestId('predicted-label').textContent()) ?? '').trim(), label);

  mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: join(ARTIFACTS, 'playground.png'), fullPage: true });
});

test('the dark theme: chosen with the toggle, kept across a reload', async (t) => {
  if (!(await openPlayground(t))) return;
  await page.getByTestId('playground-text').fill(SENTENCE);
  await page.getByTestId('playground-predict').click();
  await page.getByTestId(`playground-cell-ner-${runId}`).and(page.locator('[data-kind=tokens]')).waitFor({ timeout: 60_000 });
  const bg = () => page.evaluate(() => getComputedStyle(document.documentElement).backgroundColor);
  const light = await bg();

  const toggle = page.getByTestId('theme-dark');
  if (await toggle.count()) {
    await toggle.click();
    assert.equal(await page.evaluate(() => document.documentElement.getAttribute('data-theme')), 'dark');
  } else {
    t.diagnostic('AppThemeToggle is not in the header yet: setting data-theme on <html> directly');
    await page.evaluate(() => document.documentElement.setAttribute('data-theme', 'dark'));
  }
  const varBg = await page.evaluate(() => getComputedStyle(document.documentElement).getPropertyValue('--bg').trim());
  assert.equal(varBg, '#0f1115', 'dark variables apply under a light system setting');
  assert.notEqual(await bg(), light);
  await page.waitForTimeout(300);
  mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: join(ARTIFACTS, 'playground-dark.png'), fullPage: true });

  if (await toggle.count()) {
    await page.reload();
    await page.getByTestId('theme-dark').waitFor();
    assert.equal(await page.evaluate(() => document.documentElement.getAttribute('data-theme')), 'dark', 'the choice survives a reload');
    // Light wins over a dark system setting, and "system" follows it again.
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.getByTestId('theme-light').click();
    assert.equal(await page.evaluate(() => getComputedStyle(document.documentElement).getPropertyValue('--bg').trim()), '#f6f7f9');
    await page.getByTestId('theme-system').click();
    assert.equal(await page.evaluate(() => document.documentElement.hasAttribute('data-theme')), false);
    assert.equal(await page.evaluate(() => getComputedStyle(document.documentElement).getPropertyValue('--bg').trim()), '#0f1115');
    await page.emulateMedia({ colorScheme: 'light' });
  }
});

test('every Playground control is reachable with Tab and shows a focus ring', async (t) => {
  if (!(await openPlayground(t))) return;
  await page.getByTestId(`playground-run-${runId}`).waitFor();
  const reached = new Set<string>();
  let ringless = '';
  for (let i = 0; i < 40; i++) {
    await page.keyboard.press('Tab');
    const info = await page.evaluate(() => {
      const el = document.activeElement as HTMLElement | null;
      if (!el || el === document.body) return null;
      const s = getComputedStyle(el);
      return { id: el.getAttribute('data-testid') ?? el.tagName, ring: s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0 };
    });
    if (!info) continue;
    reached.add(info.id);
    if (!info.ring && !ringless) ringless = info.id;
  }
  for (const id of [`playground-run-${runId}`, 'playground-text', 'playground-refresh']) assert.ok(reached.has(id), `${id} reached with Tab (reached: ${[...reached].join(', ')})`);
  assert.equal(ringless, '', `a focused control without a focus ring: ${ringless}`);
});

test('an empty database teaches what to drop, and "Try the demo project" imports three datasets', async () => {
  empty = await serve();
  const p = await browser.newPage({ viewport: { width: 1400, height: 1000 }, colorScheme: 'light' });
  p.on('console', (m) => m.type() === 'error' && consoleErrors.push(`${m.text()} (${m.location().url})`));
  p.on('pageerror', (e) => consoleErrors.push(e.message));
  try {
    await p.goto(empty.url);
    await p.getByText('Drop a dataset here').waitFor();
    await p.getByText('Start by adding a dataset').waitFor();
    assert.ok(await p.getByTestId('drop-examples').isVisible());
    const demo = p.getByTestId('try-demo');
    assert.equal((await demo.textContent())?.trim(), 'Try the demo project');
    mkdirSync(ARTIFACTS, { recursive: true });
    await p.screenshot({ path: join(ARTIFACTS, 'datasets-empty.png'), fullPage: true });

    await demo.click();
    await screenshotOnFailure(p, 'the demo datasets never appeared', () => p.getByTestId('demo-ready').waitFor({ timeout: 120_000 }));
    const items = p.locator('li[data-testid^=dataset-]');
    assert.equal(await items.count(), 3);
    const tasks = await p.locator('li[data-testid^=dataset-] [data-testid^=task-]').allTextContents();
    assert.deepEqual([...tasks].sort(), ['classification', 'extractive-qa', 'regression']);
    assert.match((await p.getByTestId('demo-ready').textContent()) ?? '', /ready[\s\S]*Train/);
    await p.screenshot({ path: join(ARTIFACTS, 'datasets-demo.png'), fullPage: true });
  } finally {
    await p.close();
  }
});

test('no console errors', () => {
  // `chorus serve` has no favicon.ico; Chromium asks for one after a reload.
  assert.deepEqual(consoleErrors.filter((e) => !e.includes('/favicon.ico')), []);
});
