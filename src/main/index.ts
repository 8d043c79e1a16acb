import { app, BrowserWindow, dialog, ipcMain, session, shell } from 'electron';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Lab } from './lab';
import { LabApiError } from '../shared/api/labApi';
import { RENDERER_CSP } from './headless/csp';
import { defaultDbPath } from './store/paths';
import { repoRoot } from './repoRoot';
import { LAB_VERSION } from './version';
import { electronAbiBinding } from './desktop/electronAbi';
import { describeStartupFailure } from './desktop/startupFailure';
import { ipcSenderRefusal } from './desktop/ipcGuard';
import { closeWithin } from './desktop/closeWithin';

/**
 * The Electron shell: one window, LabApi over IPC. The only file that imports electron; what it
 * decides (which binary, who may call, how long quitting waits, what a failed start says) lives
 * in ./desktop, where it is tested without Electron.
 */
const here = dirname(fileURLToPath(import.meta.url));
const pageFile = join(here, '../renderer/index.html');
const dbPath = defaultDbPath();

app.enableSandbox();

let lab: Lab | undefined;
let win: BrowserWindow | undefined;
let quitting: Promise<void> | undefined;

function createWindow(): BrowserWindow {
  const w = new BrowserWindow({
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
  // Closing the window quits through the lab's close, with the window kept up to say what it does.
  w.on('close', (e) => {
    if (!lab) return;
    e.preventDefault();
    app.quit();
  });
  // No navigation away from the app and no new windows: links open in the system browser.
  w.webContents.on('will-navigate', (e) => e.preventDefault());
  w.webContents.setWindowOpenHandler(({ url }) => {
    if (url.startsWith('https://')) void shell.openExternal(url);
    return { action: 'deny' };
  });
  void w.loadFile(pageFile);
  return w;
}

function start(): void {
  session.defaultSession.webRequest.onHeadersReceived((details, cb) => {
    cb({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [RENDERER_CSP] } });
  });
  session.defaultSession.setPermissionRequestHandler((_wc, _perm, cb) => cb(false));
  lab = new Lab({
    dbPath,
    shell: 'electron',
    version: LAB_VERSION,
    nativeBinding: electronAbiBinding(repoRoot(), process.versions.electron),
  });
  const w = (win = createWindow());
  const appPage = { webContentsId: w.webContents.id, pageUrl: pathToFileURL(pageFile).href };
  lab.subscribe((event, payload) => {
    if (!w.isDestroyed()) w.webContents.send('lab:event', event, payload);
  });
  ipcMain.handle('lab:invoke', async (e, method: unknown, params: unknown) => {
    const refusal = ipcSenderRefusal({ senderId: e.sender.id, senderFrame: e.senderFrame ?? null }, appPage);
    if (refusal) return { ok: false, error: { message: refusal, code: 'bad-request' } };
    try {
      return { ok: true, result: (await lab!.dispatch(method, params)) ?? null };
    } catch (err) {
      const le = err instanceof LabApiError ? err : new LabApiError(err instanceof Error ? err.message : String(err), 'failed');
      return { ok: false, error: { message: le.message, code: le.code } };
    }
  });
}

/** A start that failed is shown (cause and fix), then the app exits non-zero: never a process without a window. */
function failedStart(err: unknown): void {
  const f = describeStartupFailure(err, { dbPath });
  process.stderr.write(`NUMA Lab: ${f.title}\n  ${f.cause}\n  ${f.fix}\n`);
  dialog.showErrorBox(f.title, `${f.cause}\n\n${f.fix}`);
  app.exit(1);
}

/**
 * Every way out (the window closed, Ctrl+Q, app.quit(), Ctrl-C or SIGTERM) comes here once:
 * the lab restores the knobs it changed and ends its runs, within a bound, and then the app exits.
 */
function quitAfterClosing(): void {
  if (quitting || !lab) return;
  const closing = lab;
  if (win && !win.isDestroyed()) win.setTitle('NUMA Lab — restoring knobs, ending runs…');
  quitting = closeWithin(closing).then((r) => {
    if (!r.closed) process.stderr.write(`NUMA Lab: quit before the lab finished closing (${r.why}); knobs it could not restore are offered at the next start.\n`);
    app.exit(r.closed ? 0 : 1);
  });
}

app.on('before-quit', (e) => {
  if (!lab) return;
  e.preventDefault();
  quitAfterClosing();
});
app.on('window-all-closed', () => app.quit());
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, () => app.quit());

app.whenReady().then(start).catch(failedStart);
