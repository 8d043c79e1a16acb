// Runs the Electron binary as `npm start`'s child and tells the truth about how it ended: its
// exit status is ours, a death by signal is said and becomes 128 + the signal's number, the
// signals we receive are passed on (so Ctrl-C or a logout's SIGTERM reach the app, which restores
// the knobs it changed, instead of leaving it orphaned), and the Chromium sandbox failure of
// Ubuntu 23.10+ is recognised and explained with its remedies.
import { spawn } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { constants } from 'node:os';
import { dirname, join } from 'node:path';

const FORWARDED = ['SIGINT', 'SIGTERM', 'SIGHUP'];
const KEEP_STDERR = 64 * 1024;

/** Chromium's words when its setuid sandbox helper is unusable (it then aborts with SIGTRAP). */
const SUID_SANDBOX_RE = /SUID sandbox helper binary was found, but is not configured correctly|chrome-sandbox is owned by root and has mode 4755/;

/** Whether this kernel's AppArmor forbids unprivileged user namespaces (Ubuntu 23.10 and later). */
export function userNamespacesRestricted(read = (p) => readFileSync(p, 'utf8')) {
  try {
    return read('/proc/sys/kernel/apparmor_restrict_unprivileged_userns').trim() === '1';
  } catch {
    return false;
  }
}

/** Whether chrome-sandbox beside the binary is what Chromium's setuid fallback needs (root-owned, mode 4755). */
export function suidHelperUsable(electronBinary) {
  try {
    const st = statSync(join(dirname(electronBinary), 'chrome-sandbox'));
    return st.uid === 0 && (st.mode & 0o7777) === 0o4755;
  } catch {
    return false;
  }
}

/**
 * What to tell the user about the child's end, or [] when there is nothing to say (exit 0, or a
 * status the app printed its own reason for).
 */
export function explainExit({ code, signal, stderr, electronBinary, restricted = userNamespacesRestricted() }) {
  const sandboxWords = SUID_SANDBOX_RE.test(stderr);
  // A death by signal under restricted namespaces with an unusable helper is the same case, even
  // where Chromium's own line did not reach us.
  const sandboxLikely = sandboxWords || (signal !== null && restricted && !suidHelperUsable(electronBinary));
  if (sandboxLikely) {
    const helper = join(dirname(electronBinary), 'chrome-sandbox');
    return [
      `NUMA Lab: Electron stopped${signal ? ` (${signal})` : ''} because the Chromium sandbox could not start: ${restricted ? 'this system\'s AppArmor forbids unprivileged user namespaces (Ubuntu 23.10 and later), so' : 'without unprivileged user namespaces'} Chromium falls back to its setuid helper, and npm installed ${helper} without root ownership.`,
      '  Either fix the helper once (keeps the sandbox):',
      `    sudo chown root:root ${helper} && sudo chmod 4755 ${helper}`,
      '  or start without the OS sandbox (the window still has no Node access and runs under the CSP):',
      '    npm start -- --no-sandbox',
    ];
  }
  if (signal) return [`NUMA Lab: Electron was killed by ${signal}${stderr.trim() ? '; its last output is above' : ''}.`];
  return [];
}

/** The exit status for a child that ended this way (a signal is 128 + its number, as a shell says it). */
export function exitStatus(code, signal) {
  if (signal) return 128 + (constants.signals[signal] ?? 0);
  return code ?? 1;
}

/** Runs the binary; resolves with the status `npm start` should exit with. */
export function runElectron(electronBinary, args, opts = {}) {
  const out = opts.stderr ?? process.stderr;
  return new Promise((resolve) => {
    // The handlers go in before the child exists: a signal that comes as soon as the app is up
    // (its first output) must be passed on, not end this process with the app left orphaned.
    let child;
    const forward = (sig) => () => {
      if (child && child.exitCode === null && child.signalCode === null) child.kill(sig);
    };
    const handlers = FORWARDED.map((sig) => [sig, forward(sig)]);
    for (const [sig, h] of handlers) process.on(sig, h);
    child = spawn(electronBinary, args, { stdio: ['inherit', 'inherit', 'pipe'], env: opts.env ?? process.env });
    let tail = '';
    child.stderr.on('data', (d) => {
      out.write(d);
      tail = (tail + d.toString()).slice(-KEEP_STDERR);
    });
    const done = (status, lines) => {
      for (const [sig, h] of handlers) process.off(sig, h);
      for (const l of lines) out.write(`${l}\n`);
      resolve(status);
    };
    child.on('error', (e) => done(1, [`NUMA Lab: could not start Electron (${electronBinary}): ${e.message}`]));
    child.on('close', (code, signal) => done(exitStatus(code, signal), explainExit({ code, signal, stderr: tail, electronBinary, restricted: opts.restricted })));
  });
}
