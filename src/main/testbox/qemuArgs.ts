import { join } from 'node:path';

/** A box's machine: what `testbox up` was asked for, after defaults. */
export interface MachineSpec {
  name: string;
  nodes: number;
  cpusPerNode: number;
  memPerNodeMiB: number;
  accelerator: 'tcg' | 'kvm';
  vmlinuz: string;
  initrd: string;
  /** The box's state folder: sockets, pid file, console log. */
  dir: string;
}

/** Serial ports by role. ttyS0..3 are the four legacy 16550s a PC has, all built into Debian's kernel. */
export const PORTS = { console: 'ttyS0', channels: ['ttyS1', 'ttyS2'], admin: 'ttyS3' } as const;
export const ALL_PORTS = ['ttyS0', 'ttyS1', 'ttyS2', 'ttyS3'] as const;

export const socketPath = (dir: string, tty: string) => join(dir, `${tty}.sock`);
export const qmpPath = (dir: string) => join(dir, 'qmp.sock');
export const consoleLogPath = (dir: string) => join(dir, 'console.log');
export const pidPath = (dir: string) => join(dir, 'qemu.pid');

/**
 * The kernel command line, and why each word:
 * - console=ttyS0: printk and the panic text go to port 0, which QEMU also logs to a file.
 * - quiet: a serial console at boot is slow; errors and (after /init) warnings still show.
 * - panic=-1 + QEMU's -no-reboot: a panic reboots at once, and -no-reboot turns the reboot into
 *   QEMU exiting. The panic text is already on the console (8250 console writes are
 *   synchronous), the sockets close so the lab sees the loss immediately, and a panicked guest
 *   never spins on the host's CPU (panic=0 loops forever) nor boots again into a loop.
 * - oops=panic: an oops leaves the kernel unfit to measure anything (locks held, a task killed
 *   mid-migration); making it a panic makes "crashed" unambiguous instead of a half-dead guest.
 * - no_timer_check: skips the IO-APIC timer probe, which is slow and flaky under TCG.
 * - numalab.name: the guest's hostname (an unknown dotted parameter, ignored by the kernel).
 */
export function kernelCmdline(name: string): string {
  return `console=ttyS0,115200 quiet panic=-1 oops=panic no_timer_check numalab.name=${name}`;
}

/** `0-1`, or `2` for one CPU: the CPUs of a node, numbered node by node. */
function cpuRange(node: number, perNode: number): string {
  const first = node * perNode;
  return perNode === 1 ? `${first}` : `${first}-${first + perNode - 1}`;
}

export function qemuArgs(m: MachineSpec): string[] {
  const args = [
    '-name', `numa-lab-${m.name}`,
    // One TCG thread for every vCPU, not one each: the kernel patches its own text (static keys:
    // every numa_balancing toggle, sched_clock at boot) with int3 breakpoints and a sync IPI,
    // and under multi-threaded TCG on a loaded host a vCPU can still run a translation with the
    // int3 in it after the patch is done — "Oops: int3" in the idle loop during a run, panics in
    // sched_clock_cpu at boot (both seen on the 2-core CI machines). One thread runs the vCPUs
    // in turn, so a patched page is invalidated before any vCPU runs again. The workloads
    // measure their own CPU share, which the model is given.
    '-accel', m.accelerator === 'tcg' ? 'tcg,thread=single' : 'kvm',
    // No default NIC, VGA, floppy or CD-ROM: fewer devices to probe at boot.
    '-nodefaults', '-no-user-config',
    '-m', `${m.nodes * m.memPerNodeMiB}M`,
    // One socket per node, as on the real machines: the CPUs -numa puts on a node are that
    // socket's cores. With every vCPU in one socket across several nodes, the guest's scheduler
    // topology is inconsistent: 6.12 warns at every boot ("sched: CPU #1's llc-sibling CPU #0 is
    // not on the same node!") and taints itself W.
    '-smp', `${m.nodes * m.cpusPerNode},sockets=${m.nodes},cores=${m.cpusPerNode},threads=1`,
  ];
  for (let n = 0; n < m.nodes; n++) {
    args.push('-object', `memory-backend-ram,id=m${n},size=${m.memPerNodeMiB}M`);
    args.push('-numa', `node,nodeid=${n},cpus=${cpuRange(n, m.cpusPerNode)},memdev=m${n}`);
  }
  args.push('-kernel', m.vmlinuz, '-initrd', m.initrd, '-append', kernelCmdline(m.name));
  ALL_PORTS.forEach((tty, i) => {
    // server=on,wait=off: QEMU listens and boots without waiting for the lab; the console port
    // is also logged to a file so the panic text survives a lab that is not connected.
    const log = tty === PORTS.console ? `,logfile=${consoleLogPath(m.dir)},logappend=on` : '';
    args.push('-chardev', `socket,id=s${i},path=${socketPath(m.dir, tty)},server=on,wait=off${log}`);
    args.push('-serial', `chardev:s${i}`);
  });
  args.push(
    '-qmp', `unix:${qmpPath(m.dir)},server=on,wait=off`,
    '-display', 'none',
    '-no-reboot',
    // Detached from the lab: a box outlives the lab that started it and is found again by its state folder.
    '-daemonize', '-pidfile', pidPath(m.dir),
  );
  return args;
}
