import type { VariantDefinition } from '../../shared/sim/behaviours';
import { existsSync, readFileSync, readdirSync, rmSync, writeFileSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { boxDir, stateDir } from './paths';

/** What a running box is, written to <state>/<name>/box.json so any lab process can find it. */
export interface TestboxDescriptor {
  name: string;
  /** The host target every other command accepts. */
  target: string;
  /** What --kernel said (6.1, 6.12, a release or a path) and what it resolved to. */
  kernel: string;
  release: string;
  kernelPackage?: string;
  kernelVersion?: string;
  vmlinuz: string;
  initrd: string;
  nodes: number;
  cpusPerNode: number;
  memPerNodeMiB: number;
  accelerator: 'tcg' | 'kvm';
  pid: number;
  dir: string;
  sockets: { console: string; channels: string[]; admin: string; qmp: string };
  consoleLog: string;
  qemuArgs: string[];
  startedAt: string;
  /** From starting QEMU to a shell answering on a channel port. */
  bootMs: number;
  /**
   * The model variant experiments on this box predict with (unless `run --kernel` says another),
   * where that choice came from, and what the model has not been checked on (absent: this
   * release was verified).
   */
  variant: string;
  /** When the model is a variant (a preset and switches): its definition. */
  variantDefinition?: VariantDefinition;
  variantSource: 'release' | 'build' | 'flag';
  variantCoverage?: string;
  /** For a kernel `numa-lab kernel build` made: its source and patches. */
  built?: { source: string; patches: string[]; key: string };
  /** How many times the box was booted (a crash during `run --repeat` reboots it). */
  boots?: number;
  /**
   * The process that booted this QEMU (`pid:starttime`, see boxOwner.ts) and what it was ("numa-lab
   * testbox up", "numa-lab serve"…). Absent in descriptors written before owners were recorded.
   */
  startedBy?: string;
  startedByCommand?: string;
}

export interface TestboxStatus extends TestboxDescriptor {
  running: boolean;
}

const descriptorPath = (name: string) => join(boxDir(name), 'box.json');

export function writeDescriptor(d: TestboxDescriptor): void {
  const p = descriptorPath(d.name);
  writeFileSync(`${p}.tmp`, JSON.stringify(d, null, 2));
  renameSync(`${p}.tmp`, p);
}

export function readDescriptor(name: string): TestboxDescriptor | undefined {
  try {
    return JSON.parse(readFileSync(descriptorPath(name), 'utf8')) as TestboxDescriptor;
  } catch {
    return undefined;
  }
}

/** Alive and still our QEMU: a pid can be reused, so its command line must name the box's folder. */
export function isBoxProcess(pid: number, dir: string): boolean {
  if (!(pid > 0)) return false;
  try {
    const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    return cmdline.includes('qemu-system') && cmdline.includes(dir);
  } catch {
    return false;
  }
}

export function readPid(dir: string): number {
  try {
    return Number(readFileSync(join(dir, 'qemu.pid'), 'utf8').trim());
  } catch {
    return 0;
  }
}

/** Every box with a state folder, running or left behind by a guest that died. */
export function listBoxes(): TestboxStatus[] {
  if (!existsSync(stateDir())) return [];
  const out: TestboxStatus[] = [];
  for (const name of readdirSync(stateDir()).sort()) {
    const d = readDescriptor(name);
    if (!d) continue;
    out.push({ ...d, running: isBoxProcess(d.pid, d.dir) });
  }
  return out;
}

export function removeBoxDir(name: string): void {
  rmSync(boxDir(name), { recursive: true, force: true });
}
