#!/usr/bin/env node
// `npm run test:electron`: the desktop app end to end in real Electron (test/electron), driven by
// playwright-core's _electron. It needs what `npm start` needs — the Electron binary (fetched on
// first use), better-sqlite3 built for Electron's ABI, the built app — and a display. Where one
// of these cannot be had it says which and why, and exits EXIT_NOT_RUN (77, automake's "skipped"):
// never 0, and never a line that reads as a test count, so no CI or script takes "not run" for "passed".
import { spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync, readFileSync } from 'node:fs';
import { delimiter, dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { abiRebuildReason, buildElectronAbiBinding, packageVersion } from './electron-abi.mjs';

/** The exit status for "the Electron e2e did not run here" (the reason is printed above it). */
export const EXIT_NOT_RUN = 77;
/** The e2e test finds the binary the runner settled on here. */
export const BINARY_ENV = 'NUMA_LAB_ELECTRON_BINARY';
export const ELECTRON_CONFIG = join('test', 'electron', 'vitest.config.ts');

const HOW_TO_GET = (version) => [
  `  To get it: run \`npm start\` once on a machine with internet access (it fetches Electron ${version} into node_modules/electron/dist),`,
  `  or point ELECTRON_OVERRIDE_DIST_PATH at a directory holding an Electron ${version} binary,`,
  '  or let the download use a mirror or proxy: ELECTRON_MIRROR (with ELECTRON_CUSTOM_DIR / ELECTRON_CUSTOM_FILENAME), ELECTRON_GET_USE_PROXY with HTTPS_PROXY,',
  `  or copy ~/.cache/electron from a machine where \`npm start\` fetched it (electron_config_cache names another cache directory).`,
];

/**
 * Where the Electron binary is, as electron's own index.js (and so `npm start`) computes it:
 * ELECTRON_OVERRIDE_DIST_PATH/<name>, else node_modules/electron/dist/<name>, <name> from the
 * path.txt its install script writes. `path` is said even when nothing is there, for the message.
 */
export function locateElectron(root, env = process.env) {
  const pkg = join(root, 'node_modules', 'electron');
  const pathTxt = join(pkg, 'path.txt');
  const name = existsSync(pathTxt) ? readFileSync(pathTxt, 'utf8').trim() : undefined;
  const override = env.ELECTRON_OVERRIDE_DIST_PATH || undefined;
  const path = override ? join(override, name ?? 'electron') : join(pkg, 'dist', name ?? 'electron');
  return { path, exists: existsSync(path), override, installed: name !== undefined };
}

/** Fetches the binary as `npm start` does (electron's install.js); an error line, or undefined once it is there. */
export function fetchElectron(root, env = process.env) {
  const childEnv = { ...env };
  delete childEnv.ELECTRON_SKIP_BINARY_DOWNLOAD;
  const r = spawnSync(process.execPath, [join(root, 'node_modules', 'electron', 'install.js')], { stdio: ['ignore', 'ignore', 'pipe'], env: childEnv, encoding: 'utf8', timeout: 600_000 });
  if (r.status === 0 && locateElectron(root, env).exists) return undefined;
  const said = (r.stderr || '').split('\n').find((l) => /Error|ENOTFOUND|EAI_AGAIN|ECONN|ETIMEDOUT|403|404/.test(l))?.trim();
  return said ?? (r.error ? r.error.message : `electron's install.js exited ${r.status ?? r.signal}`);
}

/**
 * Asks the binary what it is, without a window or a display: Electron run as plain Node
 * (ELECTRON_RUN_AS_NODE) prints its process.versions. Anything else — a script, another
 * program, a Node — is not an Electron the e2e could drive.
 */
export function probeElectron(binary, env = process.env) {
  const script = 'process.stdout.write("NUMALAB_PROBE " + JSON.stringify(process.versions) + "\\n")';
  const r = spawnSync(binary, ['-e', script], { env: { ...env, ELECTRON_RUN_AS_NODE: '1' }, encoding: 'utf8', timeout: 60_000 });
  if (r.error) return { ok: false, why: `it could not be run (${r.error.message})` };
  const line = (r.stdout || '').split('\n').find((l) => l.startsWith('NUMALAB_PROBE '));
  let versions;
  try {
    versions = line ? JSON.parse(line.slice('NUMALAB_PROBE '.length)) : undefined;
  } catch {
    versions = undefined;
  }
  if (!versions) {
    const out = `${r.stdout || ''}${r.stderr || ''}`.trim().split('\n')[0]?.slice(0, 200);
    return { ok: false, why: `run as Node (ELECTRON_RUN_AS_NODE=1 … -e) it printed no process.versions (exit ${r.status ?? r.signal}${out ? `, said: ${out}` : ', said nothing'})` };
  }
  if (!versions.electron) return { ok: false, why: `it ran as Node ${versions.node ?? '?'}, without process.versions.electron` };
  return { ok: true, electron: versions.electron };
}

/** The first executable of this name on PATH, or undefined. */
export function onPath(name, env = process.env) {
  for (const dir of (env.PATH || '').split(delimiter)) {
    if (!dir) continue;
    const p = join(dir, name);
    try {
      accessSync(p, constants.X_OK);
      return p;
    } catch {
      /* not here */
    }
  }
  return undefined;
}

/**
 * Whether the e2e can run, from what was found (no side effects: every fact is passed in).
 * facts: { binary: locateElectron(), fetchError?, probe?: probeElectron() result, wanted: the
 * electron package's version, platform, display: DISPLAY or WAYLAND_DISPLAY, xvfbRun?: its path }.
 * → { run: true, binary, wrap: [] | [xvfb-run, …], notes } or { run: false, reason: [lines] }.
 */
export function electronRunVerdict(facts) {
  const { binary, fetchError, probe, wanted, platform, display, xvfbRun } = facts;
  if (platform !== 'linux') {
    return { run: false, reason: [`the lab's desktop e2e reads a Linux host's /proc and /sys (THP, NUMA); this is ${platform}.`] };
  }
  if (!binary.exists) {
    if (binary.override) {
      return { run: false, reason: [`ELECTRON_OVERRIDE_DIST_PATH=${binary.override} holds no Electron binary: looked for ${binary.path}.`, ...HOW_TO_GET(wanted)] };
    }
    return {
      run: false,
      reason: [
        `the Electron ${wanted} binary is not installed: looked for ${binary.path}${binary.installed ? '' : ' (node_modules/electron/path.txt is absent: its download never ran, as package.json "allowScripts" keeps it from `npm install`)'}.`,
        `  Fetching it (electron's install.js, as \`npm start\` does) needs internet access to its download, and failed here: ${fetchError ?? 'no reason given'}.`,
        ...HOW_TO_GET(wanted),
      ],
    };
  }
  if (!probe?.ok) {
    return { run: false, reason: [`${binary.path} is not a working Electron: ${probe?.why ?? 'it was not asked'}.`, ...HOW_TO_GET(wanted)] };
  }
  if (probe.electron !== wanted) {
    return {
      run: false,
      reason: [
        `${binary.path} is Electron ${probe.electron}, but this checkout pins Electron ${wanted} (node_modules/electron): better-sqlite3 is built for that one's ABI (electron-abi/), and the app refuses any other.`,
        `  Use an Electron ${wanted} (ELECTRON_OVERRIDE_DIST_PATH), or unset ELECTRON_OVERRIDE_DIST_PATH to use the pinned one.`,
      ],
    };
  }
  if (display) return { run: true, binary: binary.path, wrap: [], notes: [] };
  if (xvfbRun) {
    return { run: true, binary: binary.path, wrap: [xvfbRun, '--auto-servernum', '--server-args=-screen 0 1920x1080x24'], notes: [`no DISPLAY or WAYLAND_DISPLAY: running under ${xvfbRun}.`] };
  }
  return {
    run: false,
    reason: [
      `Electron ${probe.electron} is here (${binary.path}), but there is no display: neither DISPLAY nor WAYLAND_DISPLAY is set, and xvfb-run is not on PATH.`,
      '  Run it from a desktop session, or install a virtual display (Debian/Ubuntu: apt-get install xvfb) and run it again.',
    ],
  };
}

function notRun(lines) {
  for (const l of lines) console.error(l.startsWith('  ') ? l : `NUMA Lab: ${l}`);
  console.error(`NUMA Lab: the Electron e2e was NOT RUN (exit ${EXIT_NOT_RUN}: not run, which is not success).`);
  process.exit(EXIT_NOT_RUN);
}

async function main() {
  const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
  const wanted = packageVersion(root, 'electron');
  // 1. The Electron binary, fetched as `npm start` fetches it where it is missing.
  let binary = locateElectron(root);
  let fetchError;
  if (!binary.exists && !binary.override && process.platform === 'linux') {
    console.log(`NUMA Lab: fetching Electron ${wanted} for the e2e (first use only)…`);
    fetchError = fetchElectron(root);
    binary = locateElectron(root);
  }
  const probe = binary.exists ? probeElectron(binary.path) : undefined;
  const verdict = electronRunVerdict({
    binary,
    fetchError,
    probe,
    wanted,
    platform: process.platform,
    display: process.env.DISPLAY || process.env.WAYLAND_DISPLAY || undefined,
    xvfbRun: onPath('xvfb-run'),
  });
  if (!verdict.run) notRun(verdict.reason);
  for (const n of verdict.notes) console.log(`NUMA Lab: ${n}`);

  // 2. better-sqlite3 for Electron's ABI, as `npm start` builds it.
  const rebuild = abiRebuildReason(root);
  if (rebuild) {
    console.log(`NUMA Lab: better-sqlite3 for Electron needs building (${rebuild}).`);
    const error = buildElectronAbiBinding(root);
    if (error) notRun([error]);
  }

  // 3. The app, then the e2e in a vitest run of its own (the main run leaves test/electron out).
  const built = spawnSync(process.execPath, [join(root, 'scripts', 'ensure-built.mjs')], { cwd: root, stdio: 'inherit' });
  if (built.status !== 0) {
    console.error('NUMA Lab: the build failed (its errors are above); the Electron e2e did not start.');
    process.exit(1);
  }
  const env = { ...process.env, [BINARY_ENV]: verdict.binary };
  delete env.ELECTRON_RUN_AS_NODE;
  // Arguments after `npm run test:electron --` go to vitest (e.g. -t preload).
  const vitest = [process.execPath, join(root, 'node_modules', 'vitest', 'vitest.mjs'), 'run', '--config', ELECTRON_CONFIG, ...process.argv.slice(2)];
  const [cmd, ...args] = [...verdict.wrap, ...vitest];
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', env });
  if (r.error) {
    console.error(`NUMA Lab: could not start ${cmd}: ${r.error.message}`);
    process.exit(1);
  }
  process.exit(r.status ?? 1);
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) await main();
