import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { release, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { _electron, type ElectronApplication, type Page } from 'playwright-core';
import { repoRoot } from '../../src/main/repoRoot';
import { parseSysfsChoice } from '../../src/shared/sysfsChoice';
import { BINARY_ENV } from '../../scripts/test-electron.mjs';
import { lockMachineKnobs, restoreKnobFiles, snapshotKnobFiles } from '../support/knobGuard';

/**
 * The desktop app in real Electron, the headless e2e's main flow (test/e2e/skeleton.e2e.test.ts)
 * through the shell users start with `npm start`: the built app from this checkout, its preload,
 * its IPC guard, the Electron-ABI better-sqlite3 on a fresh store, this machine's /proc and /sys.
 * Run by `npm run test:electron` (scripts/test-electron.mjs), which finds the binary and a display
 * or says why it cannot. test/desktop covers the same main process under Node on every CI run.
 *
 * Page functions (page.evaluate) are used here, unlike the Chromium e2e, because what is checked —
 * what the preload put in the page's world, and a call through the bridge from a page that is not
 * the lab — is not on screen. They are sound under the page's CSP (no 'unsafe-eval'): Playwright
 * runs them through CDP (Runtime.callFunctionOn), during which V8's inspector allows code from
 * strings; only page-side polling (waitForFunction) is refused, and none is used.
 */
const ROOT = repoRoot();
const BINARY = process.env[BINARY_ENV];
const PAGE_FILE = join(ROOT, 'out', 'renderer', 'index.html');
const PRELOAD = join(ROOT, 'out', 'preload', 'index.cjs');
const ARTIFACTS = join(ROOT, 'test', 'artifacts');
const THP_ENABLED = '/sys/kernel/mm/transparent_hugepage/enabled';
/**
 * Playwright's own loader for unpackaged apps (what launch() adds when it finds Electron itself):
 * holds the app's `ready` until Playwright is attached, so nothing of the first page is missed.
 */
const PLAYWRIGHT_LOADER = join(dirname(createRequire(import.meta.url).resolve('playwright-core/package.json')), 'lib', 'server', 'electron', 'loader.js');

let work: string;
let app: ElectronApplication | undefined;
let proc: ReturnType<ElectronApplication['process']> | undefined;
let page: Page;
let exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
const stderr: string[] = [];
const consoleLines: string[] = [];

/** What the app printed to stderr last: its own reason when it did not start (the dialog it shows waits for a click). */
const appSaid = () => stderr.join('').slice(-3000);
const thpEnabled = () => parseSysfsChoice(readFileSync(THP_ENABLED, 'utf8'))!.selected;

beforeAll(async () => {
  if (!BINARY) throw new Error(`${BINARY_ENV} is not set: run this through \`npm run test:electron\`, which finds the Electron binary and says why where it cannot`);
  expect(existsSync(PLAYWRIGHT_LOADER), `playwright-core's Electron loader moved: ${PLAYWRIGHT_LOADER}`).toBe(true);
  expect(existsSync(PAGE_FILE), 'the app is built (scripts/test-electron.mjs runs ensure-built first)').toBe(true);
  mkdirSync(ARTIFACTS, { recursive: true });
  work = mkdtempSync(join(tmpdir(), 'numalab-electron-'));
  // A fresh store and a fresh Electron profile; HOME stays the user's (X11's cookie may be ~/.Xauthority).
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined) env[k] = v;
  delete env.ELECTRON_RUN_AS_NODE;
  Object.assign(env, {
    NUMA_LAB_HOME: join(work, 'lab'),
    NUMA_LAB_DB: join(work, 'lab', 'lab.db'),
    XDG_CONFIG_HOME: join(work, 'config'),
    XDG_CACHE_HOME: join(work, 'cache'),
  });
  app = await _electron.launch({ executablePath: BINARY, args: ['-r', PLAYWRIGHT_LOADER, ROOT], env, cwd: ROOT, timeout: 60_000 });
  const p = (proc = app.process());
  exited = new Promise((resolve) => {
    if (p.exitCode !== null || p.signalCode !== null) resolve({ code: p.exitCode, signal: p.signalCode });
    else p.once('exit', (code, signal) => resolve({ code, signal }));
  });
  p.stderr?.on('data', (d) => stderr.push(String(d)));
  page = await app.firstWindow({ timeout: 60_000 }).catch((e: Error) => {
    throw new Error(`no window from the app: ${e.message}\nthe app's stderr:\n${appSaid()}`);
  });
  page.on('console', (m) => consoleLines.push(`${m.type()}: ${m.text()}`));
  // A CSP violation the page's own code caught (zod's eval probe) reaches no console: report each
  // one. The window was already loading when Playwright attached, so the page loads again with it.
  await app.context().addInitScript({ content: "document.addEventListener('securitypolicyviolation', (e) => console.error('Content Security Policy violation: ' + e.violatedDirective + ' blocked=' + e.blockedURI + ' source=' + (e.sourceFile || '') + ':' + e.lineNumber))" });
  await page.waitForURL((u) => u.href.split('#')[0] === pathToFileURL(PAGE_FILE).href, { timeout: 60_000 });
  await page.reload();
}, 180_000);

afterAll(async () => {
  if (app) await Promise.race([app.close().catch(() => {}), new Promise((r) => setTimeout(r, 30_000))]);
  if (proc && proc.exitCode === null && proc.signalCode === null) proc.kill('SIGKILL');
  if (work) rmSync(work, { recursive: true, force: true });
}, 60_000);

describe('the desktop app in Electron', () => {
  it('opens one window, titled NUMA Lab, on the built app page', async () => {
    // (Its webPreferences are checked under the stand-in in test/desktop; what they mean for the
    // page — no Node, an isolated world, only the bridge — is checked in the page below.)
    const windows = await app!.evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows().map((w) => ({ title: w.getTitle(), url: w.webContents.getURL().split('#')[0] })));
    expect(windows).toEqual([{ title: 'NUMA Lab', url: pathToFileURL(PAGE_FILE).href }]);
    expect(await page.title()).toBe('NUMA Lab');
    expect(page.url().split('#')[0]).toBe(pathToFileURL(PAGE_FILE).href);
  });

  it('the preload puts window.lab (invoke, on) in the page and nothing else: no Node, no Electron', async () => {
    const seen = await page.evaluate(() => {
      const g = globalThis as any;
      // The globals of a pristine window of this renderer (an about:blank frame, where no preload
      // runs), against the page's: what is left is what the preload and the app added.
      const frame = g.document.createElement('iframe');
      g.document.body.appendChild(frame);
      const pristine = new Set(Object.getOwnPropertyNames(frame.contentWindow));
      frame.remove();
      const added = Object.getOwnPropertyNames(g).filter((n: string) => !pristine.has(n));
      const names = ['require', 'process', 'module', 'exports', 'Buffer', 'global', '__dirname', 'electron', 'ipcRenderer', 'contextBridge', 'webFrame'];
      return {
        added: added.sort(),
        nodeOrElectron: names.filter((n) => typeof g[n] !== 'undefined'),
        labKeys: Object.keys(g.lab ?? {}).sort(),
        labTypes: [typeof g.lab?.invoke, typeof g.lab?.on],
      };
    });
    expect(seen.labKeys).toEqual(['invoke', 'on']);
    expect(seen.labTypes).toEqual(['function', 'function']);
    expect(seen.nodeOrElectron).toEqual([]);
    // zod 4 keeps its registries on globalThis (__zod_globalConfig, __zod_globalRegistry): the app's
    // own bundle, the same in the headless page, where no preload runs. Everything else is the preload's.
    expect(seen.added.filter((n) => !n.startsWith('__zod_'))).toEqual(['lab']);
    // And the app uses it: app.info came back over IPC from this page.
    await page.getByText(/^electron · \S+ · Electron IPC$/).waitFor({ timeout: 20_000 });
  });

  it('shows the local host facts read through LabApi over IPC, with nothing refused by the CSP', async () => {
    await page.getByTestId('host-facts').waitFor({ timeout: 20_000 });
    expect(await page.getByTestId('fact-kernel').textContent()).toBe(release());
    expect(await page.getByTestId('fact-target').textContent()).toBe('local');
    expect(await page.getByTestId('node-0').count()).toBe(1);
    expect(await page.getByTestId('fact-thp').textContent()).toMatch(/^(always|madvise|never)/);
    // Electron itself, run unpackaged (as `npm start` runs it), probes the page once it loads for a
    // CSP without 'unsafe-eval': eval(trustedTypes.emptyScript) in code it injects, which has no
    // source file. This CSP refusing that probe is the answer it wants, so only that one is let by;
    // any eval from the app's scripts has their file as its source.
    const electronsProbe = /violation: script-src blocked=eval source=:\d+$/;
    expect(consoleLines.filter((l) => /Content Security Policy|unsafe-eval|EvalError/i.test(l) && !electronsProbe.test(l))).toEqual([]);
    // …and its security checklist (webSecurity, insecure content, CSP, …) warned about nothing.
    expect(consoleLines.filter((l) => /Electron Security Warning/.test(l))).toEqual([]);
    // The picture at 1280x720, in CSS pixels whatever the desktop's scale.
    await page.setViewportSize({ width: 1280, height: 720 });
    const png = join(ARTIFACTS, 'electron.png');
    await page.screenshot({ path: png, scale: 'css' });
    const header = readFileSync(png);
    expect([header.readUInt32BE(16), header.readUInt32BE(20)]).toEqual([1280, 720]);
  });

  it('refuses LabApi to a page that is not the lab: another window with the same preload, and a foreign page loaded into the app window', async () => {
    // Another window (another webContents), on a data: page, with the app's own preload: it has
    // the bridge, and main answers it with a refusal before any handler runs.
    const opened = app!.waitForEvent('window');
    const foreignId = await app!.evaluate(async ({ BrowserWindow }, preload) => {
      const w = new BrowserWindow({ show: false, webPreferences: { preload, contextIsolation: true, sandbox: true, nodeIntegration: false } });
      await w.loadURL('data:text/html,<!doctype html><title>foreign</title><p>a page that is not the lab</p>');
      return w.id;
    }, PRELOAD);
    const foreign = await opened;
    expect(await foreign.evaluate(() => typeof (globalThis as any).lab?.invoke)).toBe('function');
    for (const [method, params] of [['app.info', {}], ['hosts.probe', { target: 'local' }]] as const) {
      const reply = await foreign.evaluate(([m, p]) => (globalThis as any).lab.invoke(m, p), [method, params] as const);
      expect(reply, method).toEqual({ ok: false, error: { code: 'bad-request', message: 'LabApi answers only the app window' } });
    }
    await app!.evaluate(({ BrowserWindow }, id) => BrowserWindow.fromId(id)?.destroy(), foreignId);

    // The app window itself on another file:// page (main may load one; the page itself may not
    // navigate away): the same webContents, but not the app page.
    const other = join(work, 'foreign.html');
    writeFileSync(other, '<!doctype html><title>foreign</title><p>another file:// page</p>');
    const win = await app!.browserWindow(page);
    await win.evaluate((w, url) => w.webContents.loadURL(url), pathToFileURL(other).href);
    await page.waitForURL(pathToFileURL(other).href);
    const reply = await page.evaluate(() => (globalThis as any).lab.invoke('app.info', {}));
    expect(reply).toEqual({ ok: false, error: { code: 'bad-request', message: 'LabApi answers only the app page' } });

    // Back on the app page, it is answered again.
    await win.evaluate((w, file) => w.loadFile(file), PAGE_FILE);
    await page.waitForURL((u) => u.href.split('#')[0] === pathToFileURL(PAGE_FILE).href);
    await page.getByTestId('host-facts').waitFor({ timeout: 20_000 });
    expect(await page.getByTestId('fact-kernel').textContent()).toBe(release());
    expect(await app!.evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows().length)).toBe(1);
  });

  it('quits cleanly (app.quit(), as Ctrl+Q), restoring the knob it changed on this machine, exit 0', async () => {
    const writable = process.getuid?.() === 0 && existsSync(THP_ENABLED);
    if (!writable) console.log(`the knob round trip is left out: writing ${THP_ENABLED} needs root (this run is uid ${process.getuid?.()}); the clean quit is still checked`);
    const unlock = writable ? await lockMachineKnobs() : () => {};
    const snap = writable ? snapshotKnobFiles() : undefined;
    try {
      const before = writable ? thpEnabled() : undefined;
      if (writable) {
        const other = before === 'never' ? 'madvise' : 'never';
        // The app page's own bridge, as the Knobs view calls it.
        const set = await page.evaluate((v) => (globalThis as any).lab.invoke('knobs.set', { target: 'local', values: { 'thp.enabled': v } }), other);
        expect(set, JSON.stringify(set)).toMatchObject({ ok: true });
        expect(thpEnabled()).toBe(other);
      }
      const a = app!;
      app = undefined;
      await a.close();
      expect(await exited, appSaid()).toEqual({ code: 0, signal: null });
      if (writable) expect(thpEnabled()).toBe(before);
    } finally {
      if (snap) restoreKnobFiles(snap, { unmountDebugfs: true });
      unlock();
    }
  }, 300_000);
});
