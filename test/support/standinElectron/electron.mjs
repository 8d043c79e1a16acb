// A stand-in for the `electron` module, for running the built main process under Node (the
// Electron binary cannot be fetched on the machines that run the tests). It implements the part
// of Electron's API the main process uses, with Electron's semantics where they matter to it:
// `app.quit()` emits a cancellable `before-quit`, `app.exit()` ends at once without events,
// `window-all-closed` comes only from closing windows, `webContents.send` and `ipcMain.handle`
// replies cross a structured copy. The test drives it over the process's IPC channel (fork with
// serialization 'advanced', which is itself the structured clone algorithm):
//   → { op: 'invoke', frame: { url, parent } | null, senderId?, method, params }  ← { type: 'reply', ok, value | error }
//   → { op: 'headers', url }                  ← { type: 'headers', headers }
//   → { op: 'permission', permission }        ← { type: 'permission', granted }
//   → { op: 'navigate', url } / { op: 'open', url }  ← { type: 'navigate', prevented } / { type: 'open', action }
//   → { op: 'quit' } / { op: 'close-window' }
//   ← { type: 'window', options, loaded, webContentsId }, { type: 'event', event, payload },
//     { type: 'title', title }, { type: 'dialog', title, content }, { type: 'exit', code }
import { EventEmitter } from 'node:events';
import { deserialize, serialize } from 'node:v8';
import { pathToFileURL } from 'node:url';

const report = (m) => process.send?.(m);
/** Electron's IPC copies values with the structured clone algorithm: what it cannot copy throws. */
const structuredCopy = (v) => deserialize(serialize(v));
const cancellable = () => {
  const e = { defaultPrevented: false, preventDefault() { e.defaultPrevented = true; } };
  return e;
};

// What a process started by Electron sees.
process.versions.electron = process.env.STANDIN_ELECTRON_VERSION ?? '0.0.0-standin';
process.type = 'browser';

let nextId = 1;
const windows = new Set();

class WebContents extends EventEmitter {
  constructor() {
    super();
    this.id = nextId++;
    this.destroyed = false;
    this.mainFrame = { url: 'about:blank', parent: null };
  }
  send(channel, ...args) {
    if (channel === 'lab:event') report({ type: 'event', event: args[0], payload: structuredCopy(args[1]) });
  }
  setWindowOpenHandler(fn) {
    this.openHandler = fn;
  }
  isDestroyed() {
    return this.destroyed;
  }
}

export class BrowserWindow extends EventEmitter {
  constructor(options) {
    super();
    this.options = options;
    this.webContents = new WebContents();
    this.title = options?.title ?? '';
    this.destroyed = false;
    windows.add(this);
  }
  async loadFile(file) {
    this.webContents.mainFrame = { url: pathToFileURL(file).href, parent: null };
    report({ type: 'window', options: structuredCopy(this.options), loaded: file, webContentsId: this.webContents.id });
  }
  setTitle(t) {
    this.title = t;
    report({ type: 'title', title: t });
  }
  isDestroyed() {
    return this.destroyed;
  }
  /** As a click on the window's close button: a cancellable 'close', then the window goes. */
  close() {
    if (this.destroyed) return;
    const e = cancellable();
    this.emit('close', e);
    if (e.defaultPrevented) return;
    this.destroy();
  }
  destroy() {
    if (this.destroyed) return;
    this.destroyed = true;
    this.webContents.destroyed = true;
    windows.delete(this);
    this.emit('closed');
    if (windows.size === 0) app.emit('window-all-closed');
  }
}

class App extends EventEmitter {
  constructor() {
    super();
    this.ready = new Promise((resolve) => setImmediate(() => {
      this.emit('ready');
      resolve();
    }));
  }
  enableSandbox() {
    this.sandbox = true;
  }
  whenReady() {
    return this.ready;
  }
  quit() {
    const e = cancellable();
    this.emit('before-quit', e);
    if (e.defaultPrevented) return;
    // Electron closes every window; one that prevents its close cancels the quit.
    for (const w of [...windows]) w.close();
    if (windows.size) return;
    const w = cancellable();
    this.emit('will-quit', w);
    if (w.defaultPrevented) return;
    this.emit('quit');
    this.exit(0);
  }
  exit(code = 0) {
    for (const w of [...windows]) w.destroy();
    // The process ends once the report has been written to the channel, not before.
    if (process.send) process.send({ type: 'exit', code }, () => process.exit(code));
    else process.exit(code);
  }
  getVersion() {
    return '0.0.0';
  }
}
export const app = new App();

const handlers = new Map();
export const ipcMain = {
  handle(channel, fn) {
    if (handlers.has(channel)) throw new Error(`Attempted to register a second handler for '${channel}'`);
    handlers.set(channel, fn);
  },
};

const webRequest = { onHeadersReceived(fn) { webRequest.headersHook = fn; } };
export const session = {
  defaultSession: {
    webRequest,
    setPermissionRequestHandler(fn) {
      session.defaultSession.permissionHandler = fn;
    },
  },
};
export const shell = { openExternal: async () => undefined };
export const dialog = {
  showErrorBox(title, content) {
    report({ type: 'dialog', title, content });
  },
};
export const contextBridge = {};
export const ipcRenderer = {};
export default { app, BrowserWindow, ipcMain, session, shell, dialog };

function theWindow() {
  return [...windows][0];
}

process.on('message', async (m) => {
  switch (m.op) {
    case 'invoke': {
      const win = theWindow();
      const handler = handlers.get('lab:invoke');
      if (!handler) return report({ type: 'reply', ok: false, error: 'No handler registered for lab:invoke' });
      const event = { sender: { id: m.senderId ?? win?.webContents.id }, senderFrame: m.frame, frameId: 1, processId: 1 };
      try {
        // As Electron: the arguments are copied in, the reply copied out.
        const value = await handler(event, ...structuredCopy([m.method, m.params]));
        report({ type: 'reply', ok: true, value: structuredCopy(value) });
      } catch (e) {
        report({ type: 'reply', ok: false, error: `Error invoking remote method 'lab:invoke': ${e instanceof Error ? `${e.name}: ${e.message}` : e}` });
      }
      return;
    }
    case 'headers':
      return webRequest.headersHook({ url: m.url, responseHeaders: { 'Content-Type': ['text/html'] } }, (r) => report({ type: 'headers', headers: r.responseHeaders }));
    case 'permission':
      return session.defaultSession.permissionHandler(theWindow()?.webContents, m.permission, (granted) => report({ type: 'permission', granted }));
    case 'navigate': {
      const e = cancellable();
      theWindow()?.webContents.emit('will-navigate', e, m.url);
      return report({ type: 'navigate', prevented: e.defaultPrevented });
    }
    case 'open':
      return report({ type: 'open', action: theWindow()?.webContents.openHandler?.({ url: m.url })?.action });
    case 'quit':
      return app.quit();
    case 'close-window':
      return theWindow()?.close();
  }
});
