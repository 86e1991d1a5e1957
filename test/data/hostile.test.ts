// Every malformed or adversarial file is refused with its exact reason, and leaves the database unchanged.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore, type Store } from '../../main/store/index';
import { DatasetService } from '../../main/data/dataset-service';
import { renderError } from '../../main/data/error-catalog';
import { HOSTILE_CASES, writeCases } from './hostile-cases';

let dir: string;
let store: Store;
let svc: DatasetService;
let paths: string[];

/** A digest of every row of every table: equal digests mean nothing changed. */
function dbDigest(s: Store): string {
  const h = createHash('sha256');
  for (const t of ['datasets', 'dataset_files', 'examples']) h.update(t + JSON.stringify(s.db.prepare(`SELECT * FROM ${t} ORDER BY 1, 2`).all()));
  return h.digest('hex');
}

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'chorus-hostile-'));
  store = openStore(join(dir, 'db', 'chorus.db'));
  svc = new DatasetService(store);
  writeFileSync(join(dir, 'good.csv'), 'text,label\nfine,1\nalso fine,0\n');
  const [r] = await svc.importFiles([join(dir, 'good.csv')]);
  assert.equal(r.ok, true);
  paths = writeCases(join(dir, 'files'));
});

after(() => {
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

test('the suite has at least 25 hostile files', () => assert.ok(HOSTILE_CASES.length >= 25));

HOSTILE_CASES.forEach((c, i) => {
  test(`refuses ${c.name}`, async () => {
    const digest = dbDigest(store);
    const results = await svc.importFiles([paths[i]], c.opts);
    assert.equal(results.length, 1);
    const r = results[0];
    assert.equal(r.ok, false, `imported ${c.name}`);
    if (r.ok) return;
    if (typeof c.error === 'string') assert.equal(r.error, c.error);
    else assert.match(r.error, c.error);
    assert.ok(r.error.endsWith(`: ${renderError(r.code, r.params)}`), `the code ${r.code} and its params give the message`);
    assert.ok(r.issues.length >= 1, 'an issue is reported');
    for (const i of r.issues) assert.equal(i.reason, renderError(i.code, i.params));
    assert.equal(dbDigest(store), digest, 'database unchanged');
  });
});

test('a re-import of the same bytes is a duplicate and changes nothing', async () => {
  writeFileSync(join(dir, 'again.csv'), 'text,label\nfine,1\nalso fine,0\n');
  const digest = dbDigest(store);
  const [r] = await svc.importFiles([join(dir, 'again.csv')]);
  assert.deepEqual(r, { ok: false, file: 'again.csv', error: 'again.csv: already imported as dataset 1', code: 'import_duplicate', params: { id: 1 }, issues: [], duplicateOf: 1 });
  assert.equal(dbDigest(store), digest);
});

test('an aborted import leaves nothing behind', async () => {
  writeFileSync(join(dir, 'big.csv'), 'text,label\n' + 'some text here,1\n'.repeat(200_000));
  const digest = dbDigest(store);
  const ac = new AbortController();
  const [r] = await svc.importFiles([join(dir, 'big.csv')], { signal: ac.signal }, (p) => {
    if (p.bytesRead > 1 << 20) ac.abort();
  });
  assert.equal(r.ok, false);
  if (!r.ok) assert.equal(r.error, 'big.csv: import aborted');
  assert.equal(dbDigest(store), digest);
});

test('bad rows are skipped only with acceptBadRows, and counted', async () => {
  writeFileSync(join(dir, 'some-bad.csv'), 'a,b,c\n1,2,3\n4;5;6\n7,8,9\n');
  const [r] = await svc.importFiles([join(dir, 'some-bad.csv')], { acceptBadRows: true });
  assert.equal(r.ok, true);
  if (!r.ok) return;
  assert.equal(r.badRows, 1);
  assert.deepEqual(r.issues, [{ file: 'some-bad.csv', line: 3, reason: 'expected 3 fields, found 1', code: 'row_field_count', params: { expected: 3, found: 1 } }]);
  assert.deepEqual(r.dataset.splits, { train: 2 });
  svc.delete(r.dataset.id);
});
