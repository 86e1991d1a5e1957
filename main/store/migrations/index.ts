// The numbered schema migrations, in order. Add one by creating NNN_name.ts (exporting `sql`)
// and listing it here; its version is its position (1-based) and becomes PRAGMA user_version.
import { sql as m001 } from './001_datasets';
import { sql as m002 } from './002_runs';
import { sql as m003 } from './003_models';

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export const MIGRATIONS: Migration[] = [
  { version: 1, name: '001_datasets', sql: m001 },
  { version: 2, name: '002_runs', sql: m002 },
  { version: 3, name: '003_models', sql: m003 },
];
