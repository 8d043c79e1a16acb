import { spawn } from 'node:child_process';
import { accessSync, constants, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { release as hostRelease } from 'node:os';
import { join } from 'node:path';
import type { AcceleratorChoice } from '../../shared/testbox/api';
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

/** What TCG costs, in the words the box view and `testbox up` use. */
export const TCG_NOTE =
  'TCG is QEMU emulating every instruction in software, roughly 10-50x slower than the CPU. Page counts, migrations and vmstat counters are the kernel\'s own and come out the same; anything timed (wall-clock scan periods such as numa_balancing\'s, latencies, how much work fits between two scans) is stretched.';

function devKvmState(): AcceleratorChoice['devKvm'] {
  if (!existsSync('/dev/kvm')) return 'absent';
  return kvmUsable() ? 'usable' : 'no-access';
}

function cachedVerdict(cache: string, qemuVersion: string): boolean | undefined {
  try {
    const v = (JSON.parse(readFileSync(join(cache, 'kvm-probe.json'), 'utf8')) as Record<string, boolean>)[`${qemuVersion}|${hostRelease()}`];
    return typeof v === 'boolean' ? v : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Which accelerator `chooseAccelerator('auto', …)` would pick now, and why, without booting
 * anything: /dev/kvm absent or not openable → TCG; usable → the cached probe verdict for this
 * QEMU and host kernel, or "KVM if the probe boot works" when there is none yet.
 */
export function describeAccelerator(qemu: string | null, qemuVersion: string | null, cache: string): AcceleratorChoice {
  const base = { tcgNote: TCG_NOTE, qemu: qemuVersion ?? qemu };
  const choice = describeFound(base, qemuVersion, cache);
  return qemu ? choice : { ...choice, reason: `${choice.reason} QEMU itself is not installed yet (qemu-system-x86_64; Debian: apt-get install qemu-system-x86).` };
}

function describeFound(base: Pick<AcceleratorChoice, 'tcgNote' | 'qemu'>, qemuVersion: string | null, cache: string): AcceleratorChoice {
  const devKvm = devKvmState();
  if (devKvm === 'absent')
    return { ...base, expected: 'tcg', devKvm, probe: null, reason: 'TCG: /dev/kvm does not exist here (no KVM module loaded, or a virtual machine or container without nested virtualisation), so QEMU emulates the CPU.' };
  if (devKvm === 'no-access')
    return { ...base, expected: 'tcg', devKvm, probe: null, reason: 'TCG: /dev/kvm exists but this user cannot open it for reading and writing (on Debian: add the user to the kvm group), so QEMU emulates the CPU.' };
  const verdict = qemuVersion ? cachedVerdict(cache, qemuVersion) : undefined;
  if (verdict === true)
    return { ...base, expected: 'kvm', devKvm, probe: 'works', reason: `KVM: /dev/kvm is usable and a probe guest booted under KVM with this QEMU and host kernel (${hostRelease()}), so boxes run at near the CPU's speed.` };
  if (verdict === false)
    return { ...base, expected: 'tcg', devKvm, probe: 'hangs', reason: `TCG: /dev/kvm is usable, but a probe guest hung under KVM with this QEMU and host kernel (${hostRelease()}); the verdict is kept in ${join(cache, 'kvm-probe.json')} (delete it to probe again).` };
  return { ...base, expected: 'kvm-probe', devKvm, probe: null, reason: `KVM if it really works: /dev/kvm is usable, so the next box first boots a probe guest under KVM (up to ${PROBE_TIMEOUT_MS / 1000} s, once per QEMU and host kernel) and falls back to TCG if it hangs.` };
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
