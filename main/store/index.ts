// The SQLite database: opening, pragmas and schema migrations.
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { MIGRATIONS, type Migration } from './migrations/index';

export interface Store {
  readonly db: Database.Database;
  /** The folder holding the database; tensor files live next to it. */
  readonly dataDir: string;
  /** The database file path (absolute). */
  readonly path: string;
  close(): void;
}

/** The schema version this build writes (the last migration). */
export const SCHEMA_VERSION = MIGRATIONS.length;

export class SchemaTooNewError extends Error {
  constructor(path: string, found: number, known: number) {
    super(
      `database ${path} has schema version ${found}, but this version of Chorus only knows up to ${known}; ` +
        `update Chorus or use another --db`,
    );
    this.name = 'SchemaTooNewError';
  }
}

/**
 * Opens (creating if needed) the database at dbPath: folder created, WAL, foreign keys on, migrations applied.
 * ':memory:' opens a private in-memory database (for tests); its dataDir is the working directory.
 */
export function openStore(dbPath: string): Store {
  const memory = dbPath === ':memory:';
  const path = memory ? dbPath : resolve(dbPath);
  const dataDir = memory ? process.cwd() : dirname(path);
  if (!memory) mkdirSync(dataDir, { recursive: true });
  const db = new Database(path);
  try {
    configure(db);
    migrate(db, path, MIGRATIONS);
  } catch (err) {
    db.close();
    throw err;
  }
  return {
    db,
    dataDir,
    path,
    close: () => {
      if (db.open) db.close();
    },
  };
}

/** Pragmas every connection to a Chorus database uses. */
export function configure(db: Database.Database): void {
  db.pragma('page_size = 8192'); // only takes effect on a new, empty database
  db.pragma('journal_mode = WAL');
  db.pragma('foreign_keys = ON');
  db.pragma('synchronous = NORMAL');
  db.pragma('busy_timeout = 10000');
}

/** Applies the migrations newer than PRAGMA user_version, each in its own transaction. */
export function migrate(db: Database.Database, path: string, migrations: Migration[]): void {
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > migrations.length) throw new SchemaTooNewError(path, current, migrations.length);
  for (const m of migrations) {
    if (m.version <= current) continue;
    db.transaction(() => {
      db.exec(m.sql);
      db.pragma(`user_version = ${m.version}`);
    })();
  }
}
