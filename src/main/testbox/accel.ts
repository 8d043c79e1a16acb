import { spawn } from 'node:child_process';
import { accessSync, constants, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { release as hostRelease } from 'node:os';
import { join } from 'node:path';
import type { Log } from './errors';

/**
 * KVM only when it really works. /dev/kvm existing proves nothing (on our build machines a KVM
 * guest hangs right after the kernel's decompressor and `-cpu host` aborts), so the probe
 * boots the box's own kernel and initramfs under KVM and waits for init's marker on the
 * console. The verdict is cached per QEMU and host kernel, so it costs a few seconds once.
 */
export type AccelRequest = 'auto' | 'tcg' | 'kvm';

const PROBE_TIMEOUT_MS = 8000;

function kvmUsable(): boolean {
  try {
    accessSync('/dev/kvm', constants.R_OK | constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

/** Boots under KVM with the console on stdout; true when /init's marker shows up in time. */
export function probeKvm(qemu: string, vmlinuz: string, initrd: string, timeoutMs = PROBE_TIMEOUT_MS): Promise<boolean> {
  return new Promise((resolve) => {
    const child = spawn(
      qemu,
      ['-accel', 'kvm', '-m', '256M', '-smp', '1', '-nodefaults', '-no-user-config', '-display', 'none', '-no-reboot', '-serial', 'stdio',
        '-kernel', vmlinuz, '-initrd', initrd, '-append', 'console=ttyS0 quiet panic=-1'],
      { stdio: ['ignore', 'pipe', 'ignore'] },
    );
    let out = '';
    let settled = false;
    const done = (ok: boolean) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      child.kill('SIGKILL');
      resolve(ok);
    };
    const timer = setTimeout(() => done(false), timeoutMs);
    child.stdout.on('data', (d: Buffer) => {
      out = (out + d.toString('latin1')).slice(-4096);
      if (out.includes('NUMALAB ready')) done(true);
    });
    child.on('error', () => done(false));
    child.on('exit', () => done(false));
  });
}

export async function chooseAccelerator(req: AccelRequest, qemu: string, qemuVersion: string, kernelRelease: string, vmlinuz: string, initrd: string, cache: string, log: Log): Promise<'tcg' | 'kvm'> {
  if (req === 'tcg') return 'tcg';
  if (req === 'kvm') return 'kvm';
  if (!existsSync('/dev/kvm') || !kvmUsable()) return 'tcg';
  const file = join(cache, 'kvm-probe.json');
  // The failure seen here (a hang right after the decompressor) is the host's and QEMU's, not
  // the guest kernel's: one verdict per QEMU and host kernel. The guest release is only logged.
  const key = `${qemuVersion}|${hostRelease()}`;
  let verdicts: Record<string, boolean> = {};
  try {
    verdicts = JSON.parse(readFileSync(file, 'utf8')) as Record<string, boolean>;
  } catch {
    /* first probe */
  }
  if (!(key in verdicts)) {
    log(`accel: /dev/kvm is there; probing whether a KVM guest (${kernelRelease}) really boots (up to ${PROBE_TIMEOUT_MS / 1000} s, once)`);
    verdicts[key] = await probeKvm(qemu, vmlinuz, initrd);
    mkdirSync(cache, { recursive: true });
    writeFileSync(file, JSON.stringify(verdicts, null, 2));
    log(`accel: KVM ${verdicts[key] ? 'works' : 'does not boot a guest here; using TCG'}`);
  }
  return verdicts[key] ? 'kvm' : 'tcg';
}
