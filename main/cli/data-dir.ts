import { homedir, platform } from 'node:os';
import { join } from 'node:path';

/**
 * The folder where Chorus keeps its database and tensor files when no --db is given.
 * CHORUS_DATA_DIR overrides it. Matches Electron's app.getPath('userData') for the app name "Chorus".
 */
export function defaultDataDir(): string {
  if (process.env.CHORUS_DATA_DIR) return process.env.CHORUS_DATA_DIR;
  const home = homedir();
  switch (platform()) {
    case 'win32':
      return join(process.env.APPDATA ?? join(home, 'AppData', 'Roaming'), 'Chorus');
    case 'darwin':
      return join(home, 'Library', 'Application Support', 'Chorus');
    default:
      return join(process.env.XDG_CONFIG_HOME ?? join(home, '.config'), 'Chorus');
  }
}

export function defaultDbPath(): string {
  return join(defaultDataDir(), 'chorus.db');
}
