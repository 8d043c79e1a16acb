import { afterAll, describe, expect, it } from 'vitest';
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, sep } from 'node:path';
import { explainExit, exitStatus } from '../../scripts/electron-child.mjs';
import { abiRebuildReason, packageCopyFilter, wantedStamp, writeStamp } from '../../scripts/electron-abi.mjs';
import { repoRoot } from '../../src/main/repoRoot';

/**
 * `npm start` tells the truth: the Electron child's exit status and signal are passed through,
 * signals reach the app, the Ubuntu sandbox failure is explained with its remedies, the
 * Electron-ABI better-sqlite3 follows both versions, and where no Electron can be had it fails
 * in one line. The "Electron" here is a shell script that behaves as the real one does in each case.
 */
const ROOT = repoRoot();
const work = mkdtempSync(join(tmpdir(), 'numalab-start-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const SANDBOX_ABORT = `[1206/101010.123456:FATAL:setuid_sandbox_host.cc(158)] The SUID sandbox helper binary was found, but is not configured correctly. Rather than run without sandboxing I'm aborting now. You need to make sure that ${ROOT}/node_modules/electron/dist/chrome-sandbox is owned by root and has mode 4755.`;

function fakeElectron(name: string, script: string): string {
  const dir = join(work, name);
  mkdirSync(dir, { recursive: true });
  const bin = join(dir, 'electron');
  writeFileSync(bin, `#!/bin/sh\n${script}\n`);
  chmodSync(bin, 0o755);
  return bin;
}

/** `npm start`'s last step (scripts/electron-child.mjs) in a process of its own, as npm runs it. */
function runStart(bin: string, args: string[] = []) {
  const code = `import('${join(ROOT, 'scripts', 'electron-child.mjs')}').then(async (m) => process.exit(await m.runElectron(${JSON.stringify(bin)}, ${JSON.stringify(args)}, { restricted: false })))`;
  return spawn(process.execPath, ['--input-type=module', '-e', code], { stdio: ['ignore', 'pipe', 'pipe'] });
}

function ended(child: ReturnType<typeof spawn>) {
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d) => (stdout += d));
  child.stderr!.on('data', (d) => (stderr += d));
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
}

describe('npm start: the Electron child, as it ended', () => {
  it('Ubuntu 23.10+ sandbox abort (SIGTRAP after Chromium\'s SUID line): non-zero, and says why with both remedies', async () => {
    const bin = fakeElectron('sandbox', `cat >&2 <<'EOF'\n${SANDBOX_ABORT}\nEOF\nkill -TRAP $$`);
    const r = await ended(runStart(bin));
    expect(r.code).toBe(128 + 5);
    expect(r.stderr).toContain(SANDBOX_ABORT); // Electron's own words still reach the user
    expect(r.stderr).toMatch(/Electron stopped \(SIGTRAP\) because the Chromium sandbox could not start/);
    expect(r.stderr).toContain(`sudo chown root:root ${join(work, 'sandbox', 'chrome-sandbox')} && sudo chmod 4755 ${join(work, 'sandbox', 'chrome-sandbox')}`);
    expect(r.stderr).toContain('npm start -- --no-sandbox');
  });

  it('any other death by signal: non-zero (128 + signal), and says which signal', async () => {
    const r = await ended(runStart(fakeElectron('segv', 'echo "renderer crashed" >&2\nkill -SEGV $$')));
    expect(r.code).toBe(128 + 11);
    expect(r.stderr).toMatch(/Electron was killed by SIGSEGV; its last output is above\./);
    expect(r.stderr).not.toMatch(/sandbox/);
  });

  it('an exit status is passed through as it is, with nothing added', async () => {
    const r = await ended(runStart(fakeElectron('status', 'echo "NUMA Lab: its own reason" >&2\nexit 7')));
    expect(r.code).toBe(7);
    expect(r.stderr.trim()).toBe('NUMA Lab: its own reason');
    expect((await ended(runStart(fakeElectron('ok', 'exit 0')))).code).toBe(0);
  });

  it('passes its arguments on (npm start -- --no-sandbox), and SIGTERM / SIGINT on to the app, whose exit status it then takes', async () => {
    const got = join(work, 'got-signal');
    const bin = fakeElectron('signals', `echo "$@" > ${got}.args\ntrap 'echo TERM >> ${got}; exit 0' TERM\ntrap 'echo INT >> ${got}; exit 3' INT\necho ready\nwhile :; do sleep 0.05; done`);
    for (const [sig, status] of [['SIGTERM', 0], ['SIGINT', 3]] as const) {
      rmSync(got, { force: true });
      const child = runStart(bin, [ROOT, '--no-sandbox']);
      const r = ended(child);
      await new Promise<void>((resolve) => child.stdout!.on('data', (d) => String(d).includes('ready') && resolve()));
      child.kill(sig);
      expect((await r).code).toBe(status);
      expect(readFileSync(got, 'utf8').trim()).toBe(sig.slice(3));
      expect(readFileSync(`${got}.args`, 'utf8').trim()).toBe(`${ROOT} --no-sandbox`);
    }
  });

  it('explains the sandbox from the signal alone where AppArmor restricts user namespaces and the helper is not root-owned 4755', () => {
    const electronBinary = join(work, 'nohelper', 'electron');
    expect(explainExit({ code: null, signal: 'SIGTRAP', stderr: '', electronBinary, restricted: true }).join('\n')).toMatch(/AppArmor forbids unprivileged user namespaces[\s\S]*--no-sandbox/);
    expect(explainExit({ code: null, signal: 'SIGTRAP', stderr: '', electronBinary, restricted: false })).toEqual(['NUMA Lab: Electron was killed by SIGTRAP.']);
    expect(explainExit({ code: 0, signal: null, stderr: '', electronBinary, restricted: true })).toEqual([]);
    expect([exitStatus(0, null), exitStatus(null, 'SIGTERM'), exitStatus(null, null)]).toEqual([0, 143, 1]);
  });
});

describe('npm start: better-sqlite3 for Electron', () => {
  it('is rebuilt when Electron or better-sqlite3 changes version, not only Electron', () => {
    const root = join(work, 'abi');
    mkdirSync(join(root, 'electron-abi'), { recursive: true });
    for (const [pkg, version] of [['electron', '41.7.1'], ['better-sqlite3', '12.11.1']]) {
      mkdirSync(join(root, 'node_modules', pkg), { recursive: true });
      writeFileSync(join(root, 'node_modules', pkg, 'package.json'), JSON.stringify({ version }));
    }
    expect(abiRebuildReason(root)).toBe('first start');
    writeFileSync(join(root, 'electron-abi', 'better_sqlite3.node'), '');
    expect(abiRebuildReason(root)).toBe('no stamp beside the binary');
    writeStamp(root, wantedStamp(root));
    expect(abiRebuildReason(root)).toBeUndefined();
    writeFileSync(join(root, 'node_modules', 'better-sqlite3', 'package.json'), JSON.stringify({ version: '12.12.0' }));
    expect(abiRebuildReason(root)).toBe('better-sqlite3 12.11.1 → 12.12.0');
  });

  it('copies the package sources from a checkout under a folder named "build", leaving out only the package\'s own build/', () => {
    const pkg = join('/home', 'me', 'build', 'numa-lab', 'node_modules', 'better-sqlite3');
    const keep = packageCopyFilter(pkg);
    expect(keep(pkg)).toBe(true);
    expect(keep(join(pkg, 'src', 'better_sqlite3.cpp'))).toBe(true);
    expect(keep(join(pkg, 'binding.gyp'))).toBe(true);
    expect(keep(join(pkg, 'deps', 'sqlite3', 'sqlite3.c'))).toBe(true);
    expect(keep(join(pkg, 'build'))).toBe(false);
    expect(keep(join(pkg, 'build', 'Release', 'better_sqlite3.node'))).toBe(false);
    expect(keep(`${pkg}${sep}buildinfo.txt`)).toBe(true);
  });
});

describe('npm start where no Electron binary can be had', () => {
  it('fails in one clear line that points to the headless mode', async (ctx) => {
    const installed = join(ROOT, 'node_modules', 'electron', 'path.txt');
    if (existsSync(installed)) {
      console.log(`skipped: the Electron binary is installed here (${installed}), so npm start would start the app`);
      ctx.skip();
    }
    // An unreachable mirror and an empty cache: no download, wherever this runs.
    const env: NodeJS.ProcessEnv = { ...process.env, ELECTRON_MIRROR: 'http://127.0.0.1:9/', electron_config_cache: join(work, 'electron-cache') };
    delete env.ELECTRON_OVERRIDE_DIST_PATH;
    const r = spawnSync(process.execPath, [join(ROOT, 'scripts', 'start-electron.mjs')], { encoding: 'utf8', timeout: 120_000, env });
    expect(r.status).toBe(1);
    const lines = r.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^NUMA Lab: could not fetch the Electron \d+\.\d+\.\d+ binary \(.+\)\. Run the lab without Electron instead: npm run serve/);
  }, 150_000);
});
