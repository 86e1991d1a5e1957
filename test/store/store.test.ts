// The database: folder creation, pragmas, migrations and refusal of a newer schema.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore, SCHEMA_VERSION, migrate } from '../../main/store/index';
import { MIGRATIONS } from '../../main/store/migrations/index';

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'chorus-store-'));
}

test('openStore creates the folder, turns on WAL and foreign keys, and applies every migration', () => {
  const dir = tempDir();
  try {
    const store = openStore(join(dir, 'a', 'b', 'chorus.db'));
    assert.ok(existsSync(join(dir, 'a', 'b', 'chorus.db')));
    assert.equal(store.dataDir, join(dir, 'a', 'b'));
    assert.equal(store.db.pragma('journal_mode', { simple: true }), 'wal');
    assert.equal(store.db.pragma('foreign_keys', { simple: true }), 1);
    assert.equal(store.db.pragma('user_version', { simple: true }), SCHEMA_VERSION);
    const tables = (store.db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all() as { name: string }[]).map((t) => t.name);
    for (const t of ['dataset_files', 'datasets', 'examples']) assert.ok(tables.includes(t), t);
    store.close();
    // Reopening is a no-op for migrations.
    openStore(join(dir, 'a', 'b', 'chorus.db')).close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('migration versions are 1..N in order', () => {
  assert.deepEqual(MIGRATIONS.map((m) => m.version), MIGRATIONS.map((_, i) => i + 1));
  for (const m of MIGRATIONS) assert.match(m.name, /^\d{3}_[a-z0-9_]+$/);
});

test('a database from a newer Chorus is refused with a clear message', () => {
  const dir = tempDir();
  try {
    const path = join(dir, 'new.db');
    const db = new Database(path);
    db.pragma(`user_version = ${SCHEMA_VERSION + 5}`);
    db.close();
    assert.throws(() => openStore(path), {
      name: 'SchemaTooNewError',
      message: `database ${path} has schema version ${SCHEMA_VERSION + 5}, but this version of Chorus only knows up to ${SCHEMA_VERSION}; update Chorus or use another --db`,
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a failing migration leaves the version where it was', () => {
  const db = new Database(':memory:');
  assert.throws(() => migrate(db, ':memory:', [...MIGRATIONS, { version: MIGRATIONS.length + 1, name: '999_bad', sql: 'CREATE TABLE datasets (x)' }]));
  assert.equal(db.pragma('user_version', { simple: true }), MIGRATIONS.length);
  db.close();
});

test('deleting a dataset cascades to its examples and files', () => {
  const dir = tempDir();
  try {
    const store = openStore(join(dir, 'c.db'));
    const id = store.db
      .prepare("INSERT INTO datasets (name, format, sha256, row_count, splits, columns, suggestion, created_at) VALUES ('d', 'csv', 'x', 1, '{}', '[]', '{}', '')")
      .run().lastInsertRowid;
    store.db.prepare("INSERT INTO examples VALUES (?, 'train', 0, '{}')").run(id);
    store.db.prepare("INSERT INTO dataset_files VALUES (?, 'f.csv', 'train', 'x', 1)").run(id);
    store.db.prepare('DELETE FROM datasets WHERE id = ?').run(id);
    assert.equal((store.db.prepare('SELECT count(*) AS n FROM examples').get() as { n: number }).n, 0);
    assert.equal((store.db.prepare('SELECT count(*) AS n FROM dataset_files').get() as { n: number }).n, 0);
    store.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test(':memory: opens a private in-memory database that the dataset service can import into', async () => {
  const { DatasetService } = await import('../../main/data/dataset-service');
  const { writeFileSync } = await import('node:fs');
  const dir = tempDir();
  try {
    const store = openStore(':memory:');
    writeFileSync(join(dir, 'm.csv'), 'text,label\na,1\nb,0\n');
    const [r] = await new DatasetService(store).importFiles([join(dir, 'm.csv')]);
    assert.ok(r.ok && r.dataset.rowCount === 2);
    store.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
