import { modelRefFlag } from './variantFlags';
import type { CliCommand, CliContext } from './commands';
import { UsageError, type FlagSpec } from './args';
import { parseIntFlag } from './specFlags';
import { parseMemSizeMiB, testboxDown, testboxList, testboxUp, TestboxError } from '../testbox';
import { listDebianKernels } from '../testbox/kernel';
import { boxOwner } from '../testbox/boxOwner';
import { formatUptime, ownerText } from '../../shared/testbox/boxText';
import { releaseCoverage, variantForKernelRelease } from '../../sim/variants';

const NAME = /^[a-z0-9][a-z0-9-]{0,31}$/;

function nameFlag(v: unknown): string | undefined {
  if (v === undefined) return undefined;
  if (typeof v !== 'string' || !NAME.test(v)) throw new UsageError('--name is 1-32 lowercase letters, digits or "-", starting with a letter or digit');
  return v;
}

/** The box's machine, shared by `testbox up` and `ab`: nodes, memory and CPUs per node. */
export const TOPOLOGY_FLAGS: FlagSpec[] = [
  { name: 'nodes', type: 'string', valueName: 'N', help: 'NUMA nodes (default 2)' },
  { name: 'mem-per-node', type: 'string', valueName: 'size', help: 'memory per node, e.g. 1G or 512M (default 1G)' },
  { name: 'cpus-per-node', type: 'string', valueName: 'N', help: 'CPUs per node (default 1)' },
];

export function topologyFromFlags(flags: CliContext['flags']): { nodes: number; cpusPerNode: number; memPerNodeMiB: number } {
  let memPerNodeMiB = 1024;
  if (typeof flags['mem-per-node'] === 'string') {
    try {
      memPerNodeMiB = parseMemSizeMiB(flags['mem-per-node']);
    } catch (e) {
      throw new UsageError(e instanceof Error ? e.message : String(e));
    }
  }
  return { nodes: parseIntFlag('nodes', flags.nodes, 1, 16, 2), cpusPerNode: parseIntFlag('cpus-per-node', flags['cpus-per-node'], 1, 16, 1), memPerNodeMiB };
}

/** `numa-lab testbox up`: a real Debian kernel with N NUMA nodes in QEMU, as host testbox:<name>. */
export const testboxUpCommand: CliCommand = {
  words: ['testbox', 'up'],
  usage: 'numa-lab testbox up --kernel 6.1|6.12|<release>|<bzImage> [--variant V|FILE.json] [--nodes 2] [--mem-per-node 1G] [--cpus-per-node 1] [--name N] [--json]',
  summary: "boot a virtual NUMA box (QEMU, Debian's kernel packages, busybox) and print its host target testbox:<name>",
  flags: [
    { name: 'kernel', type: 'string', valueName: '6.1|6.12|release|path', help: "Debian's 6.1 (bookworm) or 6.12 (trixie), an exact release, or any x86 bzImage (numa-lab kernel build makes one)" },
    { name: 'variant', type: 'string', valueName: 'variant', help: "the model to predict this box's runs with (default: the kernel build's declared variant, else the release's)" },
    ...TOPOLOGY_FLAGS,
    { name: 'name', type: 'string', valueName: 'name', help: 'box name (default: derived from the kernel and nodes)' },
    { name: 'json', type: 'bool', help: 'print the box descriptor as JSON' },
  ],
  async run({ flags, positionals, out, err }) {
    if (positionals.length) throw new UsageError(`unexpected argument ${JSON.stringify(positionals[0])}`);
    if (typeof flags.kernel !== 'string') throw new UsageError('--kernel is required: 6.1, 6.12, a release such as 6.12.117+deb13-amd64, or the path of a bzImage');
    const topology = topologyFromFlags(flags);
    try {
      const box = await testboxUp({
        kernel: flags.kernel,
        ...topology,
        name: nameFlag(flags.name),
        variant: modelRefFlag('variant', flags.variant),
        log: (l) => err(`testbox: ${l}`),
      });
      if (!flags.json) err(`testbox: ${box.target}: kernel ${box.release}, model ${box.variant} (${box.variantSource === 'flag' ? '--variant' : box.variantSource === 'build' ? 'declared by its kernel build' : 'from the release'})${box.variantCoverage ? `: ${box.variantCoverage}` : ', verified on this release'}`);
      out(flags.json ? JSON.stringify(box, null, 2) : box.target);
      return 0;
    } catch (e) {
      if (e instanceof TestboxError) {
        err(`numa-lab testbox up: ${e.message}`);
        return e.kind === 'bad-spec' || e.kind === 'no-memory' ? 2 : 1;
      }
      throw e;
    }
  },
};

export const testboxListCommand: CliCommand = {
  words: ['testbox', 'list'],
  usage: 'numa-lab testbox list [--json]',
  summary: 'virtual NUMA boxes, including ones left running by a lab that died',
  flags: [{ name: 'json', type: 'bool', help: 'print as JSON' }],
  async run({ flags, out }) {
    // Each box with who booted it (pid, alive or not) and its uptime; the CLI is never "this lab".
    const now = Date.now();
    const boxes = testboxList().map((b) => {
      const o = boxOwner(b, null);
      return { ...b, ownerPid: o.ownerPid, ownerAlive: o.ownerAlive, uptimeMs: b.running ? Math.max(0, now - Date.parse(b.startedAt)) : null };
    });
    if (flags.json) out(JSON.stringify(boxes, null, 2));
    else if (!boxes.length) out('no virtual NUMA boxes');
    else
      for (const b of boxes)
        out(
          `${b.target.padEnd(24)} ${b.running ? 'running' : 'stopped'}  ${b.release}  model ${b.variant ?? '?'}  ${b.nodes} nodes × (${b.cpusPerNode} CPU, ${b.memPerNodeMiB} MiB)  ${b.accelerator}` +
            `  ${b.uptimeMs === null ? '' : `up ${formatUptime(b.uptimeMs)}  `}started by ${ownerText({ ownerPid: b.ownerPid, ownerAlive: b.ownerAlive, ownerCommand: b.startedByCommand ?? null })}`,
        );
    return 0;
  },
};

export const testboxDownCommand: CliCommand = {
  words: ['testbox', 'down'],
  usage: 'numa-lab testbox down <name>',
  summary: 'power a virtual NUMA box off (QMP quit, then SIGTERM, then SIGKILL)',
  flags: [],
  async run({ positionals, out }) {
    if (positionals.length !== 1) throw new UsageError('testbox down needs the box name (see numa-lab testbox list)');
    const name = positionals[0].replace(/^testbox:/, '');
    if (!NAME.test(name)) throw new UsageError(`no such box name ${JSON.stringify(positionals[0])}: names are lowercase letters, digits and "-"`);
    const r = await testboxDown(name);
    out(r.wasRunning ? `stopped testbox:${name}` : `testbox:${name} was not running`);
    return 0;
  },
};

/** `numa-lab testbox kernels`: the Debian kernels the box can boot, newest of each suite, with the model each maps to. */
export const testboxKernelsCommand: CliCommand = {
  words: ['testbox', 'kernels'],
  usage: 'numa-lab testbox kernels [--json]',
  summary: "Debian's amd64 kernels the box can boot (bookworm, its backports, trixie, its backports, forky, sid), each with its model variant and whether it was verified",
  flags: [{ name: 'json', type: 'bool', help: 'print [{suite, release, package, version, cached, variant, verified, coverage}] as JSON' }],
  async run({ flags, out, err }) {
    try {
      const ks = (await listDebianKernels((l) => err(`testbox: ${l}`))).map((k) => {
        const coverage = releaseCoverage(k.release);
        return { ...k, variant: variantForKernelRelease(k.release).name, verified: coverage === undefined, ...(coverage ? { coverage } : {}) };
      });
      if (flags.json) out(JSON.stringify(ks, null, 2));
      else
        for (const k of ks)
          out(`${k.suite.padEnd(20)} ${k.release.padEnd(26)} model ${k.variant.padEnd(18)} ${k.verified ? 'verified' : `not verified: ${k.coverage}`}${k.cached ? '  (cached)' : ''}`);
      if (!flags.json) err('testbox: boot one with: numa-lab testbox up --kernel <suite or release>');
      return 0;
    } catch (e) {
      if (e instanceof TestboxError) {
        err(`numa-lab testbox kernels: ${e.message}`);
        return 1;
      }
      throw e;
    }
  },
};
