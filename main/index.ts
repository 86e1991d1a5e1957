// The thin Electron shell: app and window lifecycle only. Everything else is behind main/api.
import { app, BrowserWindow, shell, session } from 'electron';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openStore, type Store } from './store/index';
import { DatasetService } from './data/dataset-service';
import { RunService } from './training/run-service';
import { bindIpc } from './api/ipc';
import { defaultDbPath } from './cli/data-dir';

const here = fileURLToPath(new URL('.', import.meta.url));
let store: Store | undefined;
let mainWindow: BrowserWindow | undefined;
let runs: RunService | undefined;

function createWindow(): BrowserWindow {
  const win = new BrowserWindow({
    width: 1280,
    height: 860,
    minWidth: 900,
    minHeight: 600,
    title: 'Chorus',
    show: false,
    webPreferences: {
      preload: join(here, '../preload/index.cjs'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      spellcheck: false,
    },
  });
  win.once('ready-to-show', () => win.show());
  // No navigation and no new windows: the app is one page; http(s) links open in the system browser.
  win.webContents.setWindowOpenHandler(({ url }) => {
    if (/^https?:\/\//.test(url)) void shell.openExternal(url);
    return { action: 'deny' };
  });
  win.webContents.on('will-navigate', (e) => e.preventDefault());
  win.webContents.on('will-attach-webview', (e) => e.preventDefault());

  const devUrl = process.env.ELECTRON_RENDERER_URL;
  if (!app.isPackaged && devUrl) void win.loadURL(devUrl);
  else void win.loadFile(join(here, '../renderer/index.html'));
  return win;
}

void app.whenReady().then(() => {
  // No remote content: refuse every permission request (camera, notifications, …).
  session.defaultSession.setPermissionRequestHandler((_wc, _perm, cb) => cb(false));
  store = openStore(process.env.CHORUS_DB ?? defaultDbPath());
  const datasets = new DatasetService(store);
  runs = new RunService(store, datasets);
  runs.recover();
  bindIpc({ store, datasets, runs, mode: 'electron' }, (sender) => sender === mainWindow?.webContents, () => mainWindow?.webContents);
  mainWindow = createWindow();
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) mainWindow = createWindow();
  });
});

app.on('web-contents-created', (_e, contents) => {
  contents.on('will-navigate', (e) => e.preventDefault());
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
});

app.on('window-all-closed', () => {
  if (process.platform !== 'darwin') app.quit();
});

let quitting = false;
app.on('before-quit', (e) => { // running trainers write a checkpoint and stop; resume continues them next time
  if (quitting || !runs) return;
  e.preventDefault();
  quitting = true;
  void runs.shutdown().finally(() => app.quit());
});

app.on('will-quit', () => store?.close());
