import { afterAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EXIT_NOT_RUN, electronRunVerdict, locateElectron, onPath, probeElectron, type ElectronLocation, type ElectronProbe } from '../../scripts/test-electron.mjs';
import { packageVersion } from '../../scripts/electron-abi.mjs';
import { repoRoot } from '../../src/main/repoRoot';

/**
 * `npm run test:electron` never reads as passed where the Electron e2e cannot run: here (no
 * Electron binary, no network to fetch it, no display) it says which of these and how to get it,
 * and exits 77. The "Electron" binaries below are shell scripts: one that is no Electron at all,
 * and stand-ins that answer the runner's probe as an Electron would, to reach the later checks.
 */
const ROOT = repoRoot();
const WANTED = packageVersion(ROOT, 'electron');
const work = mkdtempSync(join(tmpdir(), 'numalab-test-electron-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function script(dir: string, body: string, name = 'electron'): string {
  mkdirSync(join(work, dir), { recursive: true });
  const bin = join(work, dir, name);
  writeFileSync(bin, `#!/bin/sh\n${body}\n`);
  chmodSync(bin, 0o755);
  return bin;
}

/** A stand-in that answers `ELECTRON_RUN_AS_NODE=1 electron -e …` as Electron <version> does. */
const answersAsElectron = (dir: string, version: string) => script(dir, `printf 'NUMALAB_PROBE {"node":"22.0.0","electron":"${version}","chrome":"140.0.0.0"}\\n'`);

/** The runner as `npm run test:electron` starts it, with the environment given (no display). */
function runRunner(env: NodeJS.ProcessEnv) {
  const e: NodeJS.ProcessEnv = { ...process.env, ...env };
  delete e.DISPLAY;
  delete e.WAYLAND_DISPLAY;
  for (const [k, v] of Object.entries(env)) if (v === undefined) delete e[k];
  const r = spawnSync(process.execPath, [join(ROOT, 'scripts', 'test-electron.mjs')], { cwd: ROOT, encoding: 'utf8', timeout: 120_000, env: e });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr, all: `${r.stdout}${r.stderr}` };
}

/** Nothing a CI or a reader could take for a pass: no "passed" at all, no "N passed, N failed" closing line. */
function expectNoPass(all: string) {
  expect(all).not.toMatch(/passed/i);
  expect(all).not.toMatch(/^\s*\S*:?\s*\d+ passed/m);
}

const at = (path: string, exists = true, override?: string): ElectronLocation => ({ path, exists, override, installed: true });
const base = { wanted: '41.7.1', platform: 'linux' as NodeJS.Platform, display: ':0', xvfbRun: undefined as string | undefined };
const electron = (v: string): ElectronProbe => ({ ok: true, electron: v });
/** The verdict's first line when it says "not run", else undefined (so a run fails the match). */
const notRunBecause = (v: ReturnType<typeof electronRunVerdict>) => (v.run ? undefined : v.reason[0]);

describe('test:electron decides whether the e2e can run, and says why not', () => {
  it('no binary and no download: not run, naming the path looked for, that the fetch needs internet and failed, and the ways to get it', () => {
    const v = electronRunVerdict({ ...base, binary: { ...at('/r/node_modules/electron/dist/electron', false), installed: false }, fetchError: 'RequestError: getaddrinfo ENOTFOUND github.com' });
    expect(v.run).toBe(false);
    const text = v.run ? '' : v.reason.join('\n');
    expect(text).toContain('looked for /r/node_modules/electron/dist/electron');
    expect(text).toMatch(/path\.txt is absent/);
    expect(text).toMatch(/needs internet access to its download, and failed here: RequestError: getaddrinfo ENOTFOUND github\.com/);
    expect(text).toMatch(/run `npm start` once on a machine with internet access/);
    expect(text).toContain('ELECTRON_OVERRIDE_DIST_PATH');
    expect(text).toContain('ELECTRON_MIRROR');
  });

  it('ELECTRON_OVERRIDE_DIST_PATH without a binary in it: not run, saying so (no download is tried for an override)', () => {
    const v = electronRunVerdict({ ...base, binary: at('/opt/my-electron/electron', false, '/opt/my-electron') });
    expect(notRunBecause(v)).toBe('ELECTRON_OVERRIDE_DIST_PATH=/opt/my-electron holds no Electron binary: looked for /opt/my-electron/electron.');
  });

  it('a file that is there but is no working Electron (a script, a Node, an older Electron): not run, saying what it is', () => {
    const notElectron = electronRunVerdict({ ...base, binary: at('/x/electron'), probe: { ok: false, why: 'it printed no process.versions' } });
    expect(notRunBecause(notElectron)).toBe('/x/electron is not a working Electron: it printed no process.versions.');
    const other = electronRunVerdict({ ...base, binary: at('/x/electron'), probe: electron('40.1.0') });
    expect(notRunBecause(other)).toMatch(/^\/x\/electron is Electron 40\.1\.0, but this checkout pins Electron 41\.7\.1/);
  });

  it('a working Electron: runs with a display, under xvfb-run without one, and not at all with neither', () => {
    const ok = { ...base, binary: at('/x/electron'), probe: electron('41.7.1') };
    expect(electronRunVerdict(ok)).toEqual({ run: true, binary: '/x/electron', wrap: [], notes: [] });
    expect(electronRunVerdict({ ...ok, display: undefined, xvfbRun: '/usr/bin/xvfb-run' })).toMatchObject({ run: true, wrap: ['/usr/bin/xvfb-run', '--auto-servernum', expect.stringMatching(/^--server-args=/)] });
    const none = electronRunVerdict({ ...ok, display: undefined });
    expect(none).toMatchObject({ run: false, reason: [expect.stringMatching(/there is no display: neither DISPLAY nor WAYLAND_DISPLAY is set, and xvfb-run is not on PATH/), expect.stringMatching(/apt-get install xvfb/)] });
    expect(electronRunVerdict({ ...ok, platform: 'darwin' })).toMatchObject({ run: false });
  });

  it('finds the binary where electron\'s index.js does: path.txt under dist/, or under ELECTRON_OVERRIDE_DIST_PATH', () => {
    const root = join(work, 'root');
    const pkg = join(root, 'node_modules', 'electron');
    mkdirSync(join(pkg, 'dist'), { recursive: true });
    expect(locateElectron(root, {})).toEqual({ path: join(pkg, 'dist', 'electron'), exists: false, override: undefined, installed: false });
    writeFileSync(join(pkg, 'path.txt'), 'electron');
    writeFileSync(join(pkg, 'dist', 'electron'), '');
    expect(locateElectron(root, {})).toEqual({ path: join(pkg, 'dist', 'electron'), exists: true, override: undefined, installed: true });
    expect(locateElectron(root, { ELECTRON_OVERRIDE_DIST_PATH: join(work, 'nowhere') })).toMatchObject({ path: join(work, 'nowhere', 'electron'), exists: false });
  });

  it('asks a binary what it is without a display: a script and a Node are told apart from an Electron', () => {
    const hello = probeElectron(script('hello', 'echo "I am not Electron"'));
    expect(hello).toEqual({ ok: false, why: expect.stringMatching(/printed no process\.versions \(exit 0, said: I am not Electron\)/) });
    const node = probeElectron(script('node', `exec ${process.execPath} "$@"`));
    expect(node).toEqual({ ok: false, why: `it ran as Node ${process.versions.node}, without process.versions.electron` });
    expect(probeElectron(answersAsElectron('answers', '41.7.1'))).toEqual({ ok: true, electron: '41.7.1' });
    const plain = join(work, 'plain-file');
    writeFileSync(plain, 'not a program');
    expect(probeElectron(plain)).toMatchObject({ ok: false, why: expect.stringMatching(/could not be run \(.*EACCES/) });
  });

  it('looks up xvfb-run on PATH only', () => {
    const dir = join(work, 'pathdir');
    script('pathdir', 'exit 0', 'xvfb-run');
    expect(onPath('xvfb-run', { PATH: `/nonexistent:${dir}` })).toBe(join(dir, 'xvfb-run'));
    expect(onPath('xvfb-run', { PATH: '/nonexistent' })).toBeUndefined();
  });
});

describe('npm run test:electron on this machine', () => {
  it('no Electron binary, and its download unreachable: exit 77, the missing path named, nothing read as passed, nothing built', (ctx) => {
    const installed = join(ROOT, 'node_modules', 'electron', 'path.txt');
    if (existsSync(installed)) {
      console.log(`skipped: the Electron binary is installed here (${installed}), so test:electron would run the e2e`);
      ctx.skip();
    }
    // An unreachable mirror and an empty cache: the fetch fails the same way wherever this runs
    // (here, without them, it fails on the DNS lookup of the download host). npm's own setting
    // (an .npmrc electron_mirror) comes before ELECTRON_MIRROR, so both are set.
    const mirror = 'http://127.0.0.1:9/';
    const r = runRunner({ ELECTRON_MIRROR: mirror, npm_config_electron_mirror: mirror, electron_config_cache: join(work, 'electron-cache'), ELECTRON_OVERRIDE_DIST_PATH: undefined });
    expect(r.status, r.all).toBe(EXIT_NOT_RUN);
    expect(EXIT_NOT_RUN).toBe(77);
    expect(r.stderr).toContain(`looked for ${join(ROOT, 'node_modules', 'electron', 'dist', 'electron')}`);
    expect(r.stderr).toMatch(/needs internet access to its download, and failed here: .*(ECONNREFUSED|ENOTFOUND|EAI_AGAIN)/);
    expect(r.stderr).toMatch(/run `npm start` once on a machine with internet access/);
    expect(r.stderr.trim().split('\n').at(-1)).toBe('NUMA Lab: the Electron e2e was NOT RUN (exit 77: not run, which is not success).');
    expectNoPass(r.all);
    expect(r.all).not.toMatch(/building/);
  }, 150_000);

  it('ELECTRON_OVERRIDE_DIST_PATH holding a shell script called electron: exit 77, "not a working Electron", no download tried', () => {
    const bin = script('fake-dist', 'echo "I am not Electron"');
    const r = runRunner({ ELECTRON_OVERRIDE_DIST_PATH: join(work, 'fake-dist') });
    expect(r.status, r.all).toBe(EXIT_NOT_RUN);
    expect(r.stderr).toContain(`NUMA Lab: ${bin} is not a working Electron: run as Node (ELECTRON_RUN_AS_NODE=1 … -e) it printed no process.versions`);
    expect(r.stdout).not.toMatch(/fetching/);
    expectNoPass(r.all);
  });

  it('a stand-in answering as the pinned Electron, but no display and no xvfb-run: exit 77 naming that, before any build', () => {
    answersAsElectron('standin-dist', WANTED);
    const emptyPath = join(work, 'empty-path');
    mkdirSync(emptyPath, { recursive: true });
    const r = runRunner({ ELECTRON_OVERRIDE_DIST_PATH: join(work, 'standin-dist'), PATH: emptyPath });
    expect(r.status, r.all).toBe(EXIT_NOT_RUN);
    expect(r.stderr).toContain(`NUMA Lab: Electron ${WANTED} is here (${join(work, 'standin-dist', 'electron')}), but there is no display`);
    expect(r.all).not.toMatch(/better-sqlite3 for Electron needs building|building the app/);
    expectNoPass(r.all);
  });

  it('a stand-in answering as another Electron: exit 77, the two versions named', () => {
    answersAsElectron('older-dist', '30.0.0');
    const r = runRunner({ ELECTRON_OVERRIDE_DIST_PATH: join(work, 'older-dist') });
    expect(r.status, r.all).toBe(EXIT_NOT_RUN);
    expect(r.stderr).toContain(`is Electron 30.0.0, but this checkout pins Electron ${WANTED}`);
    expectNoPass(r.all);
  });
});
