import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { SerialTransport } from '../hosts/serialTransport';
import { chooseAccelerator, describeAccelerator, type AccelRequest } from './accel';
import { waitForBoxReady } from './bootWait';
import { isBoxProcess, listBoxes, readDescriptor, readPid, removeBoxDir, writeDescriptor, type TestboxDescriptor, type TestboxStatus } from './boxState';
import { consoleLogTail } from './consoleLog';
import { ownerFields } from './boxOwner';
import { quiet, TestboxError, type Log } from './errors';
import { checkMemory } from './hostMemory';
import { buildInitramfs } from './initramfs';
import { resolveKernel } from './kernel';
import { boxDir, cacheDir } from './paths';
import { checkPrereqs, which } from './prereqs';
import { ALL_PORTS, consoleLogPath, pidPath, PORTS, qemuArgs, qmpPath, socketPath } from './qemuArgs';
import { qmpCommand } from './qmp';
import { run } from './run';
import { releaseCoverage, resolveModelRef } from '../../sim/variants';
import { overrideWords, type ModelRef, type VariantDefinition } from '../../shared/sim/behaviours';
import type { AcceleratorChoice } from '../../shared/testbox/api';

export interface TestboxUpOptions {
  /** 6.1, 6.12, an exact Debian release, or a path to a bzImage. */
  kernel: string;
  nodes?: number;
  memPerNodeMiB?: number;
  cpusPerNode?: number;
  /** Lowercase letters, digits, "-"; default numa<nodes>-<series>, e.g. numa2-612. */
  name?: string;
  /** auto: KVM only if a probe boot works on this machine, else TCG. */
  accel?: AccelRequest;
  /** Time allowed from starting QEMU to a shell answering; default 90 s (TCG on a busy machine). */
  bootTimeoutMs?: number;
  /** The model variant to predict with; default: the one a `kernel build --variant` recorded, else the one of the release. */
  variant?: ModelRef;
  /** Progress, one line per step. */
  log?: Log;
}

const NAME = /^[a-z0-9][a-z0-9-]{0,31}$/;
/** sun_path holds 108 bytes including the terminating NUL. */
const MAX_SOCKET_PATH = 107;

function intIn(v: number, lo: number, hi: number, what: string): number {
  if (!Number.isInteger(v) || v < lo || v > hi) throw new TestboxError(`${what} must be a whole number from ${lo} to ${hi}, got ${v}`, 'bad-spec');
  return v;
}

function defaultName(nodes: number, release: string): string {
  const series = /^(\d+)\.(\d+)/.exec(release);
  const base = `numa${nodes}-${series ? series[1] + series[2] : 'custom'}`;
  for (let i = 1; ; i++) {
    const name = i === 1 ? base : `${base}-${i}`;
    const d = readDescriptor(name);
    if (!d || !isBoxProcess(d.pid, d.dir)) return name;
  }
}

let qemuVersionCache: string | undefined;
async function qemuVersion(qemu: string): Promise<string> {
  qemuVersionCache ??= (await run(qemu, ['--version'])).stdout.split('\n')[0] ?? 'unknown';
  return qemuVersionCache;
}

/** Builds what is missing (kernel, initramfs), boots the box and waits until it is a ready host. */
export async function testboxUp(opts: TestboxUpOptions): Promise<TestboxDescriptor> {
  const log = opts.log ?? quiet;
  const nodes = intIn(opts.nodes ?? 2, 1, 16, '--nodes');
  const cpusPerNode = intIn(opts.cpusPerNode ?? 1, 1, 16, '--cpus-per-node');
  const memPerNodeMiB = intIn(opts.memPerNodeMiB ?? 1024, 128, 1 << 20, '--mem-per-node (MiB)');
  if (opts.name !== undefined && !NAME.test(opts.name)) throw new TestboxError(`box name ${JSON.stringify(opts.name)}: use 1-32 lowercase letters, digits or "-", starting with a letter or digit`, 'bad-spec');
  const isFile = opts.kernel.startsWith('/') || opts.kernel.startsWith('.');
  const tools = checkPrereqs({ needApt: !isFile });
  checkMemory(nodes, memPerNodeMiB);
  const cache = cacheDir();

  if (opts.variant !== undefined) {
    try {
      resolveModelRef(opts.variant);
    } catch (e) {
      throw new TestboxError(`--variant: ${(e as Error).message}`, 'bad-spec');
    }
  }
  const tBuild = Date.now();
  const kernel = await resolveKernel(opts.kernel, log, cache);
  const model = chooseVariant(kernel.release, opts.variant, kernel.built?.variant ?? undefined);
  log(`model: ${model.variant} (${model.why})${model.coverage ? `; ${model.coverage}` : `; ${kernel.release} was verified against it`}`);
  const initrd = await buildInitramfs(tools.busybox, log, cache);
  const accelerator = await chooseAccelerator(opts.accel ?? 'auto', tools.qemu, await qemuVersion(tools.qemu), kernel.release, kernel.vmlinuz, initrd, cache, log);
  log(`kernel ${kernel.release}${kernel.version ? ` (${kernel.package} ${kernel.version})` : ''}, initramfs ready in ${((Date.now() - tBuild) / 1000).toFixed(1)} s; accelerator ${accelerator}`);

  const name = opts.name ?? defaultName(nodes, kernel.release);
  const dir = boxDir(name);
  const old = readDescriptor(name);
  if (old && isBoxProcess(old.pid, old.dir)) throw new TestboxError(`a box named ${name} is already running (pid ${old.pid}); stop it with testbox down ${name} or pick another --name`, 'busy');
  if (socketPath(dir, 'ttyS0').length > MAX_SOCKET_PATH) throw new TestboxError(`the box's state folder ${dir} is too deep for unix socket paths (max ${MAX_SOCKET_PATH} bytes); set NUMA_LAB_TESTBOX_STATE to a shorter folder`, 'bad-spec');
  const args = qemuArgs({ name, nodes, cpusPerNode, memPerNodeMiB, accelerator, vmlinuz: kernel.vmlinuz, initrd, dir });
  const t0 = Date.now();
  const sockets = Object.fromEntries(ALL_PORTS.map((t) => [t, socketPath(dir, t)]));
  const pid = await bootQemu(tools.qemu, args, dir, { fresh: true, timeoutMs: opts.bootTimeoutMs ?? 90_000, log, what: `${name}: ${nodes} nodes x (${cpusPerNode} CPU, ${memPerNodeMiB} MiB), ${accelerator}` });
  const bootMs = Date.now() - t0;
  const d: TestboxDescriptor = {
    name,
    target: `testbox:${name}`,
    kernel: opts.kernel,
    release: kernel.release,
    kernelPackage: kernel.package,
    kernelVersion: kernel.version,
    vmlinuz: kernel.vmlinuz,
    initrd,
    nodes,
    cpusPerNode,
    memPerNodeMiB,
    accelerator,
    pid,
    dir,
    sockets: { console: sockets.ttyS0, channels: PORTS.channels.map((t) => sockets[t]), admin: sockets[PORTS.admin], qmp: qmpPath(dir) },
    consoleLog: consoleLogPath(dir),
    qemuArgs: [tools.qemu, ...args],
    startedAt: new Date(t0).toISOString(),
    bootMs,
    variant: model.variant,
    ...(model.definition ? { variantDefinition: model.definition } : {}),
    variantSource: model.source,
    ...(model.coverage ? { variantCoverage: model.coverage } : {}),
    ...(kernel.built ? { built: { source: kernel.built.source, patches: kernel.built.patches.map((p) => p.file), key: kernel.built.key } } : {}),
    boots: 1,
    ...ownerFields(),
  };
  writeDescriptor(d);
  log(`ready: testbox:${name} (${kernel.release}) in ${(bootMs / 1000).toFixed(1)} s`);
  return d;
}

/**
 * The model variant of a box: `--variant` if given, else the one its `kernel build --variant`
 * recorded, else the release's; with what the model was never checked on for that release.
 */
export function chooseVariant(
  release: string,
  flag?: ModelRef,
  built?: ModelRef,
): { variant: string; definition?: VariantDefinition; source: 'release' | 'build' | 'flag'; why: string; coverage?: string } {
  const source = flag ? 'flag' : built ? 'build' : 'release';
  const ref = flag ?? built ?? release;
  const model = resolveModelRef(ref);
  const variant = model.name;
  const why = source === 'flag' ? '--variant' : source === 'build' ? 'the variant its kernel build declared' : `from the release ${release}`;
  // A declared variant is a claim about a patched tree: whether the release was verified says nothing about it.
  const declared = typeof ref === 'string' ? releaseCoverage(variant) : `switches over ${model.base} (${overrideWords(model.overrides).join(' ') || 'none'}): not verified on a running kernel`;
  const coverage = source === 'release' ? releaseCoverage(release) : declared ?? `${release} booted with the model ${variant} (declared, not derived from the release)`;
  return { variant, ...(typeof ref === 'object' ? { definition: ref } : {}), source, why, ...(coverage ? { coverage } : {}) };
}

/**
 * Starts QEMU with the box's arguments and waits for every port's shell. `fresh` clears the
 * state folder first (a new box); a reboot keeps it (box.json, and the console log, which QEMU
 * appends to, so the crash that caused the reboot stays readable).
 */
async function bootQemu(qemu: string, args: string[], dir: string, o: { fresh: boolean; timeoutMs: number; log: Log; what: string }): Promise<number> {
  const sockets = Object.fromEntries(ALL_PORTS.map((t) => [t, socketPath(dir, t)]));
  // Under TCG a guest kernel can (rarely) die before userspace while patching its own text
  // (seen once with 6.12: an oops in sched_clock_cpu during an initcall). That is the emulator,
  // not the box's spec: boot once more, and report the first console if the second fails too.
  for (let attempt = 1; ; attempt++) {
    if (o.fresh) rmSync(dir, { recursive: true, force: true });
    else for (const f of [...Object.values(sockets), qmpPath(dir), pidPath(dir)]) rmSync(f, { force: true });
    mkdirSync(dir, { recursive: true });
    o.log(`qemu: booting ${o.what}${attempt > 1 ? ` (attempt ${attempt})` : ''}`);
    const started = await run(qemu, args);
    if (started.code !== 0) {
      if (o.fresh) rmSync(dir, { recursive: true, force: true });
      throw new TestboxError(`QEMU refused to start the box: ${started.stderr.trim() || `exit status ${started.code}`}`, 'boot-failed');
    }
    const pid = readPid(dir);
    try {
      await waitForBoxReady({ sockets, channelTty: PORTS.channels[0], pid, dir, consoleLog: consoleLogPath(dir), timeoutMs: o.timeoutMs });
      return pid;
    } catch (e) {
      await stopProcess(pid, dir);
      if (o.fresh) rmSync(dir, { recursive: true, force: true });
      const earlyPanic = e instanceof TestboxError && e.kind === 'boot-failed' && /Kernel panic/.test(e.message);
      if (!earlyPanic || attempt >= 2) throw e;
      o.log(`qemu: the guest kernel panicked while booting; retrying once (${e.message.split('\n').find((l) => /RIP:|BUG|Oops/.test(l))?.trim() ?? 'see the console'})`);
    }
  }
}

/**
 * Boots a box again with the machine it was started with (same kernel, topology, state
 * folder): after its kernel crashed, so `run --repeat N` can go on. A box still running is
 * powered off first.
 */
export async function testboxReboot(name: string, log: Log = quiet, timeoutMs = 90_000): Promise<TestboxDescriptor> {
  const d = readDescriptor(name);
  if (!d) throw new TestboxError(`no box named ${name}; testbox list shows the boxes there are`, 'not-found');
  await stopProcess(d.pid, d.dir);
  const t0 = Date.now();
  const [qemu, ...args] = d.qemuArgs;
  const pid = await bootQemu(qemu!, args, d.dir, { fresh: false, timeoutMs, log, what: `${name} again (boot ${(d.boots ?? 1) + 1})` });
  // The QEMU running now is this process's: it becomes the owner (a `run --repeat` that rebooted it).
  const next: TestboxDescriptor = { ...d, pid, startedAt: new Date(t0).toISOString(), bootMs: Date.now() - t0, boots: (d.boots ?? 1) + 1, ...ownerFields() };
  writeDescriptor(next);
  log(`ready again: ${d.target} in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  return next;
}

/** Which accelerator a box booted now would get, and why (asks QEMU its version, boots nothing). */
export async function testboxAccelerator(): Promise<AcceleratorChoice> {
  const qemu = which('qemu-system-x86_64') ?? null;
  const version = qemu ? await qemuVersion(qemu).catch(() => null) : null;
  return describeAccelerator(qemu, version, cacheDir());
}

/** Every box with a state folder; `running: false` for one whose QEMU is gone (powered off, panicked). */
export function testboxList(): TestboxStatus[] {
  return listBoxes();
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function waitGone(pid: number, dir: string, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (!isBoxProcess(pid, dir)) return true;
    await sleep(50);
  }
  return !isBoxProcess(pid, dir);
}

/** QMP quit, then SIGTERM, then SIGKILL: a hung guest (or QEMU) still goes away. */
async function stopProcess(pid: number, dir: string): Promise<void> {
  if (!isBoxProcess(pid, dir)) return;
  try {
    await qmpCommand(qmpPath(dir), 'quit', 2000);
  } catch {
    /* fall through to signals */
  }
  if (await waitGone(pid, dir, 3000)) return;
  process.kill(pid, 'SIGTERM');
  if (await waitGone(pid, dir, 3000)) return;
  process.kill(pid, 'SIGKILL');
  await waitGone(pid, dir, 3000);
}

/** Stops a box (running or already dead) and removes its state folder. Returns the console's last lines. */
export async function testboxDown(name: string, log: Log = quiet): Promise<{ wasRunning: boolean; consoleTail: string }> {
  const d = readDescriptor(name);
  const dir = boxDir(name);
  if (!d && !existsSync(dir)) throw new TestboxError(`no box named ${name}; testbox list shows the boxes there are`, 'not-found');
  const pid = d?.pid ?? readPid(dir);
  const wasRunning = isBoxProcess(pid, dir);
  if (wasRunning) {
    log(`stopping ${name} (pid ${pid})`);
    await stopProcess(pid, dir);
  }
  const consoleTail = consoleLogTail(consoleLogPath(dir), 40);
  removeBoxDir(name);
  return { wasRunning, consoleTail };
}

/** A connected SerialTransport to a running box (console watched for crashes from now on). */
export async function openTestboxTransport(name: string): Promise<SerialTransport> {
  const d = readDescriptor(name);
  if (!d) throw new TestboxError(`the box ${name} is not running (powered off, or never booted); boot it in the NUMA box view or with \`numa-lab testbox up --kernel <release> --name ${name}\``, 'not-found');
  if (!isBoxProcess(d.pid, d.dir)) throw new TestboxError(`the box ${name} is not running (its QEMU is gone). Console:\n${consoleLogTail(d.consoleLog)}`, 'not-found');
  const t = new SerialTransport(d.target, {
    console: { path: d.sockets.console, tty: PORTS.console },
    channels: d.sockets.channels.map((path, i) => ({ path, tty: PORTS.channels[i] })),
    admin: { path: d.sockets.admin, tty: PORTS.admin },
  });
  return t.start();
}
