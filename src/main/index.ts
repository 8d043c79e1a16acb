import { app, BrowserWindow, ipcMain, session, shell } from 'electron';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Lab } from './lab';
import { LabApiError } from '../shared/api/labApi';
import { RENDERER_CSP } from './headless/csp';
import { defaultDbPath } from './store/paths';
import { repoRoot } from './repoRoot';
import { LAB_VERSION } from './version';

/**
 * The Electron shell: one window, LabApi over IPC. The only file that imports electron.
 * better-sqlite3 is loaded from its Electron-ABI build (scripts/start-electron.mjs makes it),
 * kept beside the Node build the tests and the CLI use.
 */
const electronBinding = join(repoRoot(), 'electron-abi', 'better_sqlite3.node');

const here = dirname(fileURLToPath(import.meta.url));

app.enableSandbox();

let lab: Lab | undefined;

function createWindow(): BrowserWindow {
  const win = new BrowserWindow({
    width: 1400,
    height: 900,
    title: 'NUMA Lab',
    webPreferences: {
      preload: join(here, '../preload/index.cjs'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
    },
  });
  // No navigation away from the app and no new windows: links open in the system browser.
  win.webContents.on('will-navigate', (e) => e.preventDefault());
  win.webContents.setWindowOpenHandler(({ url }) => {
    if (url.startsWith('https://')) void shell.openExternal(url);
    return { action: 'deny' };
  });
  void win.loadFile(join(here, '../renderer/index.html'));
  return win;
}

app.whenReady().then(() => {
  session.defaultSession.webRequest.onHeadersReceived((details, cb) => {
    cb({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [RENDERER_CSP] } });
  });
  session.defaultSession.setPermissionRequestHandler((_wc, _perm, cb) => cb(false));
  lab = new Lab({
    dbPath: defaultDbPath(),
    shell: 'electron',
    version: LAB_VERSION,
    nativeBinding: existsSync(electronBinding) ? electronBinding : undefined,
  });
  const win = createWindow();
  lab.subscribe((event, payload) => {
    if (!win.isDestroyed()) win.webContents.send('lab:event', event, payload);
  });
  ipcMain.handle('lab:invoke', async (e, method: unknown, params: unknown) => {
    if (e.senderFrame?.url && !e.senderFrame.url.startsWith('file://')) throw new Error('LabApi is only for the app window');
    try {
      return { ok: true, result: (await lab!.dispatch(method, params)) ?? null };
    } catch (err) {
      const le = err instanceof LabApiError ? err : new LabApiError(err instanceof Error ? err.message : String(err), 'failed');
      return { ok: false, error: { message: le.message, code: le.code } };
    }
  });
});

app.on('window-all-closed', async () => {
  await lab?.close();
  app.quit();
});
