import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fork, spawnSync, type ChildProcess } from 'node:child_process';
import { copyFileSync, cpSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { repoRoot } from '../../src/main/repoRoot';
import { parseLabEvent, parseLabResult, type LabMethod } from '../../src/shared/api/labApi';
import { parseSysfsChoice } from '../../src/shared/sysfsChoice';
import { RENDERER_CSP } from '../../src/main/headless/csp';
import { wantedStamp, writeStamp } from '../../scripts/electron-abi.mjs';
import { lockMachineKnobs, restoreKnobFiles, snapshotKnobFiles } from '../support/knobGuard';

/**
 * The desktop shell on every CI run, where Electron itself cannot start: the built main process
 * (out/main/index.js, as `npm start` runs it) under Node with a stand-in `electron` module
 * (test/support/standinElectron). It sees what Electron would hand it — window options, the
 * session's header hook, IPC events with their sender frame, quit and signals — and the lab
 * behind it is the real one: this machine's /sys, a real SQLite file, the simulator's worker.
 */
const ROOT = repoRoot();
const REGISTER = join(ROOT, 'test', 'support', 'standinElectron', 'register.mjs');
const THP_ENABLED = '/sys/kernel/mm/transparent_hugepage/enabled';
const work = mkdtempSync(join(tmpdir(), 'numalab-desktop-'));
/** A checkout as `npm start` leaves it: the built app, and better-sqlite3 built for the runtime that loads it. */
const app = join(work, 'app');

beforeAll(() => {
  const built = spawnSync(process.execPath, [join(ROOT, 'scripts', 'ensure-built.mjs')], { stdio: 'inherit' });
  expect(built.status).toBe(0);
  mkdirSync(app);
  cpSync(join(ROOT, 'out'), join(app, 'out'), { recursive: true });
  copyFileSync(join(ROOT, 'package.json'), join(app, 'package.json'));
  symlinkSync(join(ROOT, 'node_modules'), join(app, 'node_modules'));
  symlinkSync(join(ROOT, 'resources'), join(app, 'resources'));
  // Under the stand-in the "Electron" is this Node, so its ABI's better-sqlite3 is the Node build.
  mkdirSync(join(app, 'electron-abi'));
  copyFileSync(join(ROOT, 'node_modules', 'better-sqlite3', 'build', 'Release', 'better_sqlite3.node'), join(app, 'electron-abi', 'better_sqlite3.node'));
  writeStamp(app, wantedStamp(app));
}, 180_000);

afterAll(() => rmSync(work, { recursive: true, force: true }));

type Msg = { type: string; [k: string]: any };

class MainProcess {
  readonly messages: Msg[] = [];
  readonly stderr: string[] = [];
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  private waiters: Array<() => void> = [];

  constructor(readonly child: ChildProcess) {
    child.on('message', (m: Msg) => {
      this.messages.push(m);
      for (const w of this.waiters.splice(0)) w();
    });
    child.stderr!.on('data', (d) => this.stderr.push(String(d)));
    this.exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  }

  /** The first message of this type (and shape) from now or before, within the bound. */
  async next(type: string, pred: (m: Msg) => boolean = () => true, ms = 20_000): Promise<Msg> {
    const until = Date.now() + ms;
    for (;;) {
      const m = this.messages.find((x) => x.type === type && pred(x));
      if (m) return m;
      if (Date.now() > until) throw new Error(`no ${type} message from the main process in ${ms} ms; got ${this.messages.map((x) => x.type).join(', ')}; stderr: ${this.stderr.join('').slice(-2000)}`);
      await new Promise<void>((r) => {
        this.waiters.push(r);
        setTimeout(r, 200);
      });
    }
  }

  /** One request as the renderer's preload sends it, from the given frame; the reply after its structured copy. */
  async invoke(method: string, params: unknown, frame: { url: string; parent: unknown } | null, senderId?: number): Promise<Msg> {
    const before = this.messages.length;
    this.child.send({ op: 'invoke', method, params, frame, senderId });
    const reply = await this.next('reply', (m) => this.messages.indexOf(m) >= before, 120_000);
    this.messages.splice(this.messages.indexOf(reply), 1);
    return reply;
  }

  async ask(op: Record<string, unknown>, type: string): Promise<Msg> {
    const before = this.messages.length;
    this.child.send(op);
    return this.next(type, (m) => this.messages.indexOf(m) >= before);
  }
}

function startMain(env: Record<string, string> = {}): MainProcess {
  const home = mkdtempSync(join(work, 'home-'));
  const child = fork(join(app, 'out', 'main', 'index.js'), [], {
    execArgv: ['--import', REGISTER],
    serialization: 'advanced',
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    env: { ...process.env, NUMA_LAB_HOME: home, NUMA_LAB_DB: join(home, 'lab.db'), STANDIN_ELECTRON_VERSION: wantedStamp(app).electron, ...env },
  });
  return new MainProcess(child);
}

const thpEnabled = () => parseSysfsChoice(readFileSync(THP_ENABLED, 'utf8'))!.selected;

describe('the built desktop main process under a stand-in Electron', () => {
  it('opens one sandboxed window (context isolation, no Node, the built preload), sends the CSP with the page, and refuses permissions, navigation and new windows', async () => {
    const main = startMain();
    try {
      const win = await main.next('window');
      expect(win.options.webPreferences).toMatchObject({ contextIsolation: true, sandbox: true, nodeIntegration: false, webSecurity: true });
      expect(win.options.webPreferences.preload).toBe(join(app, 'out', 'preload', 'index.cjs'));
      expect(readFileSync(win.options.webPreferences.preload, 'utf8')).toMatch(/exposeInMainWorld\(\s*["']lab["']/);
      expect(win.loaded).toBe(join(app, 'out', 'renderer', 'index.html'));
      const { headers } = await main.ask({ op: 'headers', url: 'file:///index.html' }, 'headers');
      expect(headers['Content-Security-Policy']).toEqual([RENDERER_CSP]);
      expect(RENDERER_CSP).toMatch(/script-src 'self'(;|$)/);
      expect((await main.ask({ op: 'permission', permission: 'media' }, 'permission')).granted).toBe(false);
      expect((await main.ask({ op: 'navigate', url: 'https://example.com/' }, 'navigate')).prevented).toBe(true);
      expect((await main.ask({ op: 'open', url: 'https://example.com/' }, 'open')).action).toBe('deny');
    } finally {
      main.child.kill('SIGKILL');
    }
  }, 60_000);

  it('answers LabApi only for its own page: a frameless, sub-frame, foreign file:// or remote sender, or another window, is refused; the page\'s replies and events survive the structured copy and the renderer\'s schemas', async () => {
    const main = startMain();
    try {
      const win = await main.next('window');
      const page = { url: `${new URL(`file://${win.loaded}`).href}#/experiments/3`, parent: null };
      const refused = [
        ['frameless', null],
        ['a frame inside the page', { url: page.url, parent: { url: page.url } }],
        ['another file:// page', { url: 'file:///tmp/evil.html', parent: null }],
        ['a remote page', { url: 'https://example.com/index.html', parent: null }],
      ] as const;
      for (const [what, frame] of refused) {
        const r = await main.invoke('app.info', {}, frame);
        expect(r.ok, what).toBe(true);
        expect(r.value, what).toMatchObject({ ok: false, error: { code: 'bad-request', message: expect.stringMatching(/^LabApi (answers only|refused)/) } });
      }
      expect((await main.invoke('app.info', {}, page, win.webContentsId + 1000)).value.ok).toBe(false);

      // The page itself: each reply as the renderer gets it, through its own schema.
      const calls: Array<[LabMethod, unknown]> = [
        ['app.info', {}],
        ['hosts.probe', { target: 'local' }],
        ['knobs.list', { target: 'local' }],
        ['sim.run', { requestId: 'standin-1', spec: { kernel: 'linux-6.12+', workload: 'thp-move', params: { thps: 8, unmap: 0.5 }, knobs: {}, topology: { nodes: [0, 1].map((id) => ({ id, cpus: [id], memMiB: 1024 })) } } }],
        ['runs.list', {}],
      ];
      for (const [method, params] of calls) {
        const r = await main.invoke(method, params, page);
        expect(r.ok, `${method}: ${r.error}`).toBe(true);
        expect(r.value.ok, `${method}: ${JSON.stringify(r.value.error)}`).toBe(true);
        expect(() => parseLabResult(method, r.value.result), method).not.toThrow();
      }
      const info = parseLabResult('app.info', (await main.invoke('app.info', {}, page)).value.result);
      expect(info.shell).toBe('electron');
      const sim = parseLabResult('sim.run', (await main.invoke(calls[3][0], calls[3][1], page)).value.result);
      expect(sim.deltas).toMatchObject({ pgmigrate_success: 4096, thp_migration_split: 8 });
      // A request the schemas refuse is an error reply with its code, not a crash of the handler.
      const bad = await main.invoke('knobs.set', { target: 'local', values: { 'thp.enabled': "always'; reboot; '" } }, page);
      expect(bad.value).toMatchObject({ ok: false, error: { code: expect.stringMatching(/^bad-/) } });
      // Events pushed to the page were copied and parse as the renderer parses them.
      const progress = main.messages.filter((m) => m.type === 'event' && m.event === 'sim.progress');
      expect(progress.length).toBeGreaterThan(0);
      for (const e of progress) expect(() => parseLabEvent('sim.progress', e.payload)).not.toThrow();
    } finally {
      main.child.kill('SIGKILL');
    }
  }, 180_000);

  for (const way of ['app.quit() (Ctrl+Q, File → Quit)', 'SIGTERM (logout, kill)', 'closing the window'] as const) {
    it(`quitting by ${way} restores the knob the app changed on this machine, saying so, then exits 0`, async () => {
      const unlock = await lockMachineKnobs();
      const snap = snapshotKnobFiles();
      const main = startMain();
      try {
        const win = await main.next('window');
        const page = { url: new URL(`file://${win.loaded}`).href, parent: null };
        const before = thpEnabled();
        const other = before === 'never' ? 'madvise' : 'never';
        const set = await main.invoke('knobs.set', { target: 'local', values: { 'thp.enabled': other } }, page);
        expect(set.value.ok, JSON.stringify(set.value.error)).toBe(true);
        expect(thpEnabled()).toBe(other);
        const changed = await main.next('event', (m) => m.event === 'knobs.changed');
        expect(parseLabEvent('knobs.changed', changed.payload).target).toBe('local');

        if (way.startsWith('app.quit')) main.child.send({ op: 'quit' });
        else if (way.startsWith('SIGTERM')) main.child.kill('SIGTERM');
        else main.child.send({ op: 'close-window' });

        const closing = await main.next('event', (m) => m.event === 'app.closing');
        expect(parseLabEvent('app.closing', closing.payload).steps).toContain('restoring thp.enabled on local');
        expect((await main.next('title')).title).toMatch(/restoring knobs/);
        expect((await main.next('exit')).code).toBe(0);
        expect((await main.exited).code).toBe(0);
        expect(thpEnabled()).toBe(before);
      } finally {
        main.child.kill('SIGKILL');
        restoreKnobFiles(snap, { unmountDebugfs: true });
        unlock();
      }
      // lockMachineKnobs may wait up to 240 s for another file's knob test.
    }, 400_000);
  }

  it('a store written by a newer lab: a dialog naming the file, the cause and the fix, exit 1, the store untouched', async () => {
    const home = mkdtempSync(join(work, 'newer-'));
    const db = join(home, 'lab.db');
    const d = new Database(db);
    d.pragma('user_version = 9999');
    d.close();
    const main = startMain({ NUMA_LAB_DB: db });
    const dialog = await main.next('dialog');
    expect(dialog.title).toMatch(/written by a newer NUMA Lab/);
    expect(dialog.content).toContain(db);
    expect(dialog.content).toMatch(/schema has version 9999, newer than this lab knows/);
    expect(dialog.content).toMatch(/git pull|NUMA_LAB_DB=/);
    expect((await main.exited).code).toBe(1);
    expect(main.stderr.join('')).toMatch(/newer NUMA Lab/);
    const after = new Database(db, { readonly: true });
    expect(after.pragma('user_version', { simple: true })).toBe(9999);
    after.close();
  }, 60_000);

  it('a store another process holds locked: a dialog saying so, with what to do, exit 1', async () => {
    const home = mkdtempSync(join(work, 'locked-'));
    const db = join(home, 'lab.db');
    const holder = new Database(db);
    holder.exec('CREATE TABLE held (x)');
    holder.exec('BEGIN EXCLUSIVE');
    try {
      const main = startMain({ NUMA_LAB_DB: db });
      const dialog = await main.next('dialog');
      expect(dialog.title).toMatch(/another process holds it/);
      expect(dialog.content).toContain(`${db} is locked`);
      expect(dialog.content).toMatch(/Close the other NUMA Lab/);
      expect((await main.exited).code).toBe(1);
    } finally {
      holder.exec('ROLLBACK');
      holder.close();
    }
  }, 60_000);

  it('refuses to fall back to the Node build of better-sqlite3: a missing or mismatched Electron-ABI build is a dialog with `npm start` as the fix, exit 1', async () => {
    const binding = join(app, 'electron-abi', 'better_sqlite3.node');
    renameSync(binding, `${binding}.away`);
    try {
      const main = startMain();
      const dialog = await main.next('dialog');
      expect(dialog.title).toMatch(/better-sqlite3 is not built for this Electron/);
      expect(dialog.content).toContain(binding);
      expect(dialog.content).toMatch(/npm start/);
      expect((await main.exited).code).toBe(1);
    } finally {
      renameSync(`${binding}.away`, binding);
    }
    const stamp = wantedStamp(app);
    writeStamp(app, { ...stamp, 'better-sqlite3': '11.0.0' });
    try {
      const main = startMain();
      const dialog = await main.next('dialog');
      expect(dialog.content).toMatch(/built for another version: better-sqlite3 11\.0\.0, here \d+\.\d+\.\d+/);
      expect((await main.exited).code).toBe(1);
    } finally {
      writeStamp(app, stamp);
    }
  }, 60_000);
});
