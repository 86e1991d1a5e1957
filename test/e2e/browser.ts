// The browser side of the e2e tests: headless Chromium with one page whose console errors are collected, and
// failures that leave a screenshot and say what the page showed.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { CHROMIUM_ARGS, ROOT } from './serve';

/** Screenshots (every test's, and the failures') go here. */
export const ARTIFACTS = join(ROOT, 'test', 'artifacts');

export interface BrowserPage {
  browser: Browser;
  page: Page;
  /** Console errors (with the URL they came from) and uncaught page errors, in order. */
  consoleErrors: string[];
}

/**
 * Launches Chromium and opens a page of `viewport` in the light theme; `locale` (a BCP 47 tag) makes it the
 * browser's language, as navigator.language reports it (Chromium's own default is en-US).
 */
export async function openBrowser(viewport: { width: number; height: number }, locale?: string): Promise<BrowserPage> {
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: locale ? [...CHROMIUM_ARGS, `--lang=${locale}`] : CHROMIUM_ARGS });
  const page = await browser.newPage({ viewport, colorScheme: 'light', ...(locale ? { locale } : {}) });
  const consoleErrors: string[] = [];
  page.on('console', (m) => m.type() === 'error' && consoleErrors.push(`${m.text()} (${m.location().url})`));
  page.on('pageerror', (e) => consoleErrors.push(e.message));
  return { browser, page, consoleErrors };
}

/** Runs `fn`; when it fails, keeps the page as test/artifacts/`name`-failure.png and fails with `what` and the page's text. */
export async function screenshotOnFailure<T>(page: Page, name: string, what: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: join(ARTIFACTS, `${name}-failure.png`), fullPage: true }).catch(() => undefined);
    const body = (await page.textContent('body').catch(() => ''))?.replace(/\s+/g, ' ').slice(0, 1500);
    throw new Error(`${what}; page says: ${body}`, { cause: err });
  }
}

/** A real drop: a DataTransfer built in the page from the files' contents, dispatched on the drop zone. */
export async function dropFiles(page: Page, files: { name: string; content: string }[]): Promise<void> {
  const dataTransfer = await page.evaluateHandle((list) => {
    const dt = new DataTransfer();
    for (const f of list) dt.items.add(new File([f.content], f.name, { type: 'text/plain' }));
    return dt;
  }, files);
  await page.dispatchEvent('[data-testid=drop-zone]', 'dragenter', { dataTransfer });
  await page.dispatchEvent('[data-testid=drop-zone]', 'drop', { dataTransfer });
}
