// The interface languages: en and zh-CN have the same keys and parameters, every message compiles, every key the
// renderer names exists; the locale follows the system's language; numbers, durations and dates follow the locale;
// API errors show in the interface's language by their code, or in main's English when the code has no text.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { createI18n } from 'vue-i18n';
import en from '../../renderer/src/i18n/en';
import zhCN from '../../renderer/src/i18n/zh-CN';
import { i18n, localeFor, setLocale } from '../../renderer/src/i18n';
import { errorText, problemOf } from '../../renderer/src/lib/error-text';
import { formatBytes, formatClock, formatCount, formatFixed, formatPercent, formatRoughDuration } from '../../renderer/src/lib/format';
import { runLabel } from '../../renderer/src/stores/compare';

type Tree = { [k: string]: string | Tree };

/** Leaf key paths (bracketed where a key holds a dot or dash) → message. */
function leaves(tree: Tree, prefix = ''): Map<string, string> {
  const out = new Map<string, string>();
  for (const [k, v] of Object.entries(tree)) {
    const path = /^[A-Za-z_]\w*$/.test(k) ? (prefix ? `${prefix}.${k}` : k) : `${prefix}['${k}']`;
    if (typeof v === 'string') out.set(path, v);
    else for (const [p, m] of leaves(v, path)) out.set(p, m);
  }
  return out;
}
const EN = leaves(en as unknown as Tree);
const ZH = leaves(zhCN as unknown as Tree);
/** Named parameters of a message ({name}; literals like {'@'} are not parameters). */
const paramsOf = (m: string) => new Set([...m.matchAll(/\{\s*([A-Za-z_]\w*)\s*\}/g)].map((x) => x[1]!));

test('en and zh-CN have exactly the same keys', () => {
  assert.deepEqual([...ZH.keys()].filter((k) => !EN.has(k)), [], 'keys only zh-CN has');
  assert.deepEqual([...EN.keys()].filter((k) => !ZH.has(k)), [], 'keys only en has');
  assert.ok(EN.size > 400, `a full set of messages (${EN.size})`);
});

test('a message has the same parameters in both languages', () => {
  const differ = [...EN].filter(([k, m]) => [...paramsOf(m)].sort().join() !== [...paramsOf(ZH.get(k) ?? '')].sort().join()).map(([k]) => k);
  assert.deepEqual(differ, []);
});

test('every message compiles and fills its parameters in both languages', () => {
  const g = createI18n({ legacy: false, locale: 'en', messages: { en, 'zh-CN': zhCN } }).global;
  for (const locale of ['en', 'zh-CN'] as const) {
    g.locale.value = locale;
    for (const [key, m] of locale === 'en' ? EN : ZH) {
      const named = Object.fromEntries([...paramsOf(m)].map((p) => [p, `<${p}>`]));
      let out = '';
      assert.doesNotThrow(() => (out = g.t(key, named, 2)), `${locale} ${key}`);
      for (const p of paramsOf(m)) assert.ok(out.includes(`<${p}>`), `${locale} ${key} shows {${p}}: ${out}`);
    }
  }
});

test('every message key the renderer names exists', () => {
  const src = join(import.meta.dirname, '..', '..', 'renderer', 'src');
  const files = (function walk(dir: string): string[] {
    return readdirSync(dir).flatMap((n) => (statSync(join(dir, n)).isDirectory() ? (n === 'i18n' ? [] : walk(join(dir, n))) : /\.(vue|ts)$/.test(n) ? [join(dir, n)] : []));
  })(src);
  const objects = new Set<string>();
  (function walk(tree: Tree, prefix: string): void {
    for (const [k, v] of Object.entries(tree)) if (typeof v !== 'string') objects.add(`${prefix}${k}`), walk(v, `${prefix}${k}.`);
  })(en as unknown as Tree, '');
  const missing: string[] = [];
  const check = (f: string, key: string, prefix = false) => {
    if (prefix ? !objects.has(key) : !EN.has(key) && !objects.has(key)) missing.push(`${f}: ${key}${prefix ? '.*' : ''}`);
  };
  for (const f of files) {
    const text = readFileSync(f, 'utf8');
    // the arguments of t(…) and te(…): 'group.key' literals (also in ternaries) and `group.sub.${x}` prefixes
    for (const m of text.matchAll(/\bte?\(/g)) {
      let depth = 0, end = m.index! + m[0].length - 1;
      for (; end < text.length; end++) if (text[end] === '(') depth++; else if (text[end] === ')' && --depth === 0) break;
      const args = text.slice(m.index!, end);
      for (const [, key] of args.matchAll(/'([a-z][A-Za-z]*(?:\.[A-Za-z_][\w-]*)+)'/g)) check(f, key!);
      for (const [, prefix] of args.matchAll(/`([a-z][A-Za-z]*(?:\.[A-Za-z_]\w*)*)\.\$\{/g)) check(f, prefix!, true);
    }
    for (const [, attr] of text.matchAll(/keypath="([^"]+)"/g)) for (const [, key] of (attr!.includes("'") ? attr!.matchAll(/'([^']+)'/g) : [[attr, attr]])) check(f, key!);
  }
  assert.deepEqual(missing, []);
});

test('the interface follows the system language: Chinese of any region is zh-CN, anything else en', () => {
  const table: [string | undefined, string][] = [['zh-CN', 'zh-CN'], ['zh', 'zh-CN'], ['zh-TW', 'zh-CN'], ['zh-Hans-CN', 'zh-CN'], ['en-US', 'en'], ['de-DE', 'en'], ['', 'en'], [undefined, 'en']];
  for (const [lang, want] of table) assert.equal(localeFor(lang), want, String(lang));
});

test('numbers, shares, sizes and durations are written the locale’s way', () => {
  const table: [string, string, string][] = [
    // what, en, zh-CN
    [formatCount(50001, 'en'), '50,001', formatCount(50001, 'zh-CN')],
    [formatFixed(0.8, 3, 'en'), '0.800', formatFixed(0.8, 3, 'zh-CN')],
    [formatPercent(0.2, 1, 'en'), '20.0%', formatPercent(0.2, 1, 'zh-CN')],
    [formatBytes(3 * 2 ** 30, 'en'), '3.0 GB', formatBytes(3 * 2 ** 30, 'zh-CN')],
  ];
  for (const [got, want, zh] of table) {
    assert.equal(got, want);
    assert.equal(zh, want, 'Chinese writes these numbers the same way');
  }
  assert.equal(formatClock(45, 'en'), '45s');
  assert.equal(formatClock(200, 'en'), '3m 20s');
  assert.equal(formatClock(7500, 'en'), '2h 5m');
  assert.equal(formatClock(200, 'zh-CN'), '3分钟20秒');
  assert.equal(formatClock(Infinity, 'en'), '—');
  assert.equal(formatRoughDuration(180, 'en'), '3 min');
  assert.equal(formatRoughDuration(180, 'zh-CN'), '3分钟');
  assert.equal(formatFixed(NaN, 3, 'en'), '—');
});

test('an API error shows its code’s text in the interface’s language, else main’s English message', () => {
  const g = createI18n({
    legacy: false,
    locale: 'zh-CN',
    fallbackLocale: 'en',
    missingWarn: false,
    fallbackWarn: false,
    messages: {
      en: { errors: { dataset_not_found: 'dataset {id} not found', 'not-found': 'not found', only_en: 'only in English {x}' } },
      'zh-CN': { errors: { dataset_not_found: '未找到数据集 {id}', 'not-found': '未找到' } },
    },
  }).global;
  const tr = { t: (k: string, p: Record<string, unknown>) => g.t(k, p), te: (k: string, l?: string) => g.te(k, l as 'en' | 'zh-CN' | undefined) };
  const thrown = Object.assign(new Error('datasets.get: dataset 9 not found'), { code: 'dataset_not_found', params: { id: 9 } });
  const p = problemOf(thrown);
  assert.deepEqual(p, { message: 'datasets.get: dataset 9 not found', code: 'dataset_not_found', params: { id: 9 } });
  assert.equal(errorText(p, tr), '未找到数据集 9');
  assert.equal(errorText({ message: 'x', code: 'not-found' }, tr), '未找到', 'a code with a dash');
  assert.equal(errorText({ message: 'x', code: 'only_en', params: { x: 1 } }, tr), 'only in English 1', 'a code zh-CN lacks falls back to en');
  assert.equal(errorText({ message: 'database is locked', code: 'no_such_code' }, tr), 'database is locked');
  assert.equal(errorText(problemOf(new Error('plain')), tr), 'plain');
  assert.equal(errorText(problemOf('a string'), tr), 'a string');
  assert.equal(errorText({ message: 'odd', code: "x']['y" }, tr), 'odd', 'a code that is no key');
  assert.equal(errorText(undefined, tr), '');
  g.locale.value = 'en';
  assert.equal(errorText(p, tr), 'dataset 9 not found');
});

test('switching the locale renames what stores name for the user, at once', () => {
  setLocale('en');
  assert.equal(runLabel({ name: 'multi · ner alone', baselineTask: 'ner' }), 'ner alone');
  setLocale('zh-CN');
  assert.equal(runLabel({ name: 'multi · ner alone', baselineTask: 'ner' }), 'ner 单独训练');
  assert.equal(i18n.global.t('app.nav.Train'), '训练');
  setLocale('en');
  assert.equal(i18n.global.t('app.nav.Train'), 'Train');
});
