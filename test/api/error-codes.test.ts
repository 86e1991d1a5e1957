// Error codes: every message in main's catalog has its text in both interface languages, and the errors a user
// meets (a malformed import, a bad config, a missing run) reach a client with their code and parameters.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createI18n } from 'vue-i18n';
import { ERROR_CATALOG, ERROR_CODES, placeholders, renderError, type ErrorCode } from '../../main/api/error-codes';
import { recognizeError } from '../../main/data/error-catalog';
import { dispatch } from '../../main/api/dispatch';
import type { ApiFailure, Envelope } from '../../main/api/contract';
import type { CallContext } from '../../main/api/handlers/context';
import { openStore, type Store } from '../../main/store/index';
import { DatasetService } from '../../main/data/dataset-service';
import type { ImportResult } from '../../main/data/types';
import { RunService } from '../../main/training/run-service';
import type { ConfigIssue } from '../../main/training/config';
import en from '../../renderer/src/i18n/errors.en';
import zh from '../../renderer/src/i18n/errors.zh-CN';

const LOCALES = { en, 'zh-CN': zh } as Record<string, Record<string, string>>;

/** The parameters of a vue-i18n message: `{name}`, not the literals `{'x'}`. */
const vuePlaceholders = (message: string) => [...new Set([...message.matchAll(/\{\s*(\w+)\s*\}/g)].map((m) => m[1]!))];

test('every catalog code has a text in English and Chinese, with the same parameters, and nothing else', () => {
  for (const [locale, messages] of Object.entries(LOCALES)) {
    assert.deepEqual(Object.keys(messages).sort(), [...ERROR_CODES].sort(), `${locale}: the same codes as the catalog`);
    for (const code of ERROR_CODES)
      assert.deepEqual(vuePlaceholders(messages[code]!).sort(), placeholders(ERROR_CATALOG[code]).sort(), `${locale} ${code}`);
  }
});

test('vue-i18n renders the English file exactly as the catalog, and the Chinese file fully, without warnings', () => {
  const warnings: unknown[] = [];
  const warn = console.warn;
  console.warn = (...a: unknown[]) => void warnings.push(a);
  try {
    const i18n = createI18n({ legacy: false, locale: 'en', fallbackLocale: 'en', messages: { en: { errors: en }, 'zh-CN': { errors: zh } } });
    const t = i18n.global.t as (key: string, named: Record<string, unknown>, o: { locale: string }) => string;
    for (const code of ERROR_CODES) {
      const params = Object.fromEntries(placeholders(ERROR_CATALOG[code]).map((p, i) => [p, i % 2 ? 40 + i : `«${p}»`]));
      assert.equal(t(`errors['${code}']`, params, { locale: 'en' }), renderError(code, params), code);
      const chinese = t(`errors['${code}']`, params, { locale: 'zh-CN' });
      for (const [p, v] of Object.entries(params)) assert.ok(chinese.includes(String(v)), `zh-CN ${code}: {${p}} is shown`);
      if (!/^[{}\w：:\s]*$/.test(zh[code as keyof typeof zh])) assert.match(chinese, /[\u4e00-\u9fff]/, `zh-CN ${code} is Chinese`);
    }
  } finally {
    console.warn = warn;
  }
  assert.deepEqual(warnings, []);
});

test('plain-text messages of the stores are recognised by their template; anything else is not', () => {
  assert.deepEqual(recognizeError("3 models are named 'bert' (ids 1, 2, 5); use an id"), { code: 'model_name_ambiguous', params: { count: 3, ref: 'bert', ids: '1, 2, 5' } });
  assert.deepEqual(recognizeError("cannot create run 'a: b': project 4 does not exist"), { code: 'run_project_not_found', params: { name: 'a: b', project: 4 } });
  assert.equal(recognizeError('run 4 does not exist, probably'), undefined);
  assert.equal(recognizeError('something else broke'), undefined);
});

// ---- over dispatch ----------------------------------------------------------------------------------------------

let dir: string;
let store: Store;
let ctx: CallContext;

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'chorus-codes-'));
  store = openStore(join(dir, 'chorus.db'));
  const datasets = new DatasetService(store);
  ctx = { store, datasets, runs: new RunService(store, datasets), mode: 'serve', emit: () => {} };
});
after(() => {
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

const failed = (env: Envelope): ApiFailure => {
  assert.equal(env.ok, false);
  return env as ApiFailure;
};
const value = <T>(env: Envelope): T => {
  assert.equal(env.ok, true, env.ok ? '' : env.error);
  return (env as { value: T }).value;
};

test('a malformed row arrives with its code, its parameters and where it is', async () => {
  const path = join(dir, 'reviews.csv');
  writeFileSync(path, 'text,label\ngood,1\nbad,0,extra\nfine,1\n');
  const [r] = value<ImportResult[]>(await dispatch('datasets.importPaths', { paths: [path] }, ctx));
  assert.ok(!r.ok);
  assert.equal(r.error, 'reviews.csv: 1 bad row; first: reviews.csv line 3: expected 2 fields, found 3. Import the good rows only with acceptBadRows (--yes)');
  assert.equal(r.code, 'import_bad_row');
  assert.deepEqual(r.params, { first: 'reviews.csv line 3: expected 2 fields, found 3' });
  assert.deepEqual(r.issues, [{ file: 'reviews.csv', line: 3, code: 'row_field_count', params: { expected: 2, found: 3 }, reason: 'expected 2 fields, found 3' }]);
});

test('a GBK file is refused with the encoding advice as a code, and the file and line as fields', async () => {
  const path = join(dir, 'weibo.tsv');
  writeFileSync(path, Buffer.concat([Buffer.from('label\ttext\n1\t'), Buffer.from([0xc4, 0xe3, 0xba, 0xc3, 0xca, 0xc0, 0xbd, 0xe7]), Buffer.from('\n')])); // 你好世界
  const [r] = value<ImportResult[]>(await dispatch('datasets.importPaths', { paths: [path] }, ctx));
  assert.ok(!r.ok);
  assert.equal(r.code, 'import_not_utf8_gbk');
  assert.deepEqual(r.params, { byte: 'c4', offset: 13 });
  assert.deepEqual([r.file, r.line], ['weibo.tsv', 2]);
  assert.equal(r.error, `weibo.tsv:2: ${renderError('import_not_utf8_gbk', r.params)}`);
  assert.match(r.error, /--encoding gb18030/);
});

test('config issues carry codes: runs.check lists them by field, runs.start refuses with invalid-config', async () => {
  const config = {
    name: 'x',
    backbone: { hidden: 30, heads: 4 },
    tasks: [{ name: 'a', type: 'classification', dataset: 'no-such-dataset' }, { name: '1b', type: 'sorting', dataset: 'd' }],
    training: { sampling: 'fastest' },
  };
  const check = value<{ ok: boolean; issues: ConfigIssue[] }>(await dispatch('runs.check', { config }, ctx));
  assert.equal(check.ok, false);
  const byPath = Object.fromEntries(check.issues.map((i) => [i.path, i]));
  assert.deepEqual(byPath['tasks[1].type'], {
    path: 'tasks[1].type',
    code: 'config_unknown_task_type',
    params: { value: "'sorting'", expected: 'classification, regression, token-classification, extractive-qa, masked-lm, generation' },
    message: "unknown task type 'sorting' (expected one of classification, regression, token-classification, extractive-qa, masked-lm, generation)",
  });
  assert.equal(byPath['training.sampling']?.code, 'config_unknown_sampling');
  for (const i of check.issues) assert.equal(i.message, renderError(i.code, i.params), i.path);

  const fixed = { name: 'x', tasks: [{ name: 'a', type: 'classification', dataset: 'no-such-dataset' }] };
  const refused = value<{ ok: boolean; issues: ConfigIssue[] }>(await dispatch('runs.check', { config: fixed }, ctx));
  assert.deepEqual(refused.issues.map((i) => [i.path, i.code, i.params]), [['tasks[0].dataset', 'config_dataset_ref_unknown', { ref: 'no-such-dataset' }]]);

  const env = failed(await dispatch('runs.start', { config: fixed }, ctx));
  assert.equal(env.kind, 'invalid-config');
  assert.equal(env.code, 'config_invalid');
  assert.equal(env.error, `runs.start: ${renderError('config_invalid', env.params)}`);
  assert.deepEqual(env.params, { issues: "tasks[0].dataset: no dataset with id or name 'no-such-dataset', and no file at that path" });
});

test('missing things, unknown calls and bad arguments have codes too', async () => {
  const cases: [string, unknown, ErrorCode, Record<string, unknown>, string][] = [
    ['datasets.get', { id: 99 }, 'dataset_not_found', { id: 99 }, 'not-found'],
    ['runs.get', { id: 42 }, 'run_not_found', { id: 42 }, 'not-found'], // thrown as text by the store, recognised
    ['projects.delete', { id: 7 }, 'project_not_found', { id: 7 }, 'not-found'],
    ['datasets.uploadChunk', { uploadId: 'nope', offset: 0, data: '' }, 'upload_not_in_progress', { field: 'uploadId', uploadId: 'nope' }, 'failed'],
    ['datasets.rename', {}, 'api_unknown_call', { call: 'datasets.rename' }, 'unknown-call'],
    ['datasets.preview', { id: 1, split: 'train', offset: 0, limit: 5000 }, 'api_invalid_argument', { field: 'limit', detail: 'Too big: expected number to be <=1000' }, 'invalid-arguments'],
  ];
  for (const [call, args, code, params, kind] of cases) {
    const env = failed(await dispatch(call, args, ctx));
    assert.deepEqual([env.code, env.params, env.kind], [code, params, kind], call);
    assert.ok(env.error.endsWith(renderError(code, env.params)), `${call}: ${env.error}`);
  }
});
