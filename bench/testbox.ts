/**
 * bench/testbox: how long the virtual NUMA box takes to become a ready host, how fast a
 * command round trip is over its serial channel, and how long one full thp-move experiment
 * (3 vmstat snapshots + the workload, ground-truth case a) takes on the guest.
 * Under TCG always; under KVM too when a probe boot shows KVM really works here.
 *
 *   npx tsx bench/testbox.ts [--kernel 6.12] [--runs 3]
 */
import { CommandChannel } from '../src/main/hosts/commandChannel';
import { openTestboxTransport, testboxDown, testboxUp } from '../src/main/testbox';
import { runThpMove } from '../test/testbox/thpMoveRun';

function arg(name: string, dflt: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 && process.argv[i + 1] ? process.argv[i + 1] : dflt;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const kernel = arg('kernel', '6.12');
const runs = Number(arg('runs', '3'));

async function bench(accel: 'tcg' | 'kvm'): Promise<void> {
  const boots: number[] = [];
  for (let i = 0; i < runs; i++) {
    const name = `bench-${accel}-${process.pid}`;
    const t0 = performance.now();
    try {
      const box = await testboxUp({ kernel, nodes: 2, memPerNodeMiB: 1024, cpusPerNode: 1, name, accel, bootTimeoutMs: accel === 'kvm' ? 20_000 : 90_000 });
      const transport = await openTestboxTransport(name);
      const ch = await CommandChannel.open(await transport.openChannelStream(), { timeoutMs: 20_000 });
      const ready = performance.now() - t0;
      boots.push(ready);
      console.log(`${accel} ${box.release}: QEMU start to shell ${box.bootMs} ms; testboxUp + command channel ready ${ready.toFixed(0)} ms`);
      if (i === runs - 1) {
        const trivial: number[] = [];
        for (let k = 0; k < 50; k++) trivial.push((await ch.exec('true')).durationMs);
        const vmstat: number[] = [];
        for (let k = 0; k < 20; k++) vmstat.push((await ch.exec('cat /proc/vmstat')).durationMs);
        console.log(`${accel}: command round trip over serial: trivial median ${median(trivial).toFixed(1)} ms, cat /proc/vmstat median ${median(vmstat).toFixed(1)} ms`);
        const exps: number[] = [];
        for (let k = 0; k < 3; k++) exps.push((await runThpMove(ch, 'thps=8')).durationMs);
        console.log(`${accel}: one thp-move experiment (thps=8, 3 vmstat snapshots): median ${median(exps).toFixed(0)} ms (${exps.map((x) => x.toFixed(0)).join(', ')})`);
      }
      ch.close();
      await transport.close();
    } finally {
      await testboxDown(name).catch(() => {});
    }
  }
  console.log(`${accel}: boot to a ready host, median of ${runs}: ${median(boots).toFixed(0)} ms`);
}

const { chooseAccelerator } = await import('../src/main/testbox/accel');
const { checkPrereqs } = await import('../src/main/testbox/prereqs');
const { resolveKernel } = await import('../src/main/testbox/kernel');
const { buildInitramfs } = await import('../src/main/testbox/initramfs');
const { cacheDir } = await import('../src/main/testbox/paths');
const { run } = await import('../src/main/testbox/run');

const t0 = performance.now();
const tools = checkPrereqs({ needApt: true });
const k = await resolveKernel(kernel, (l) => console.log(`  ${l}`));
const initrd = await buildInitramfs(tools.busybox, (l) => console.log(`  ${l}`));
console.log(`kernel + initramfs (cached after the first run): ${(performance.now() - t0).toFixed(0)} ms`);
const qv = (await run(tools.qemu, ['--version'])).stdout.split('\n')[0];
const accel = await chooseAccelerator('auto', tools.qemu, qv, k.release, k.vmlinuz, initrd, cacheDir(), (l) => console.log(`  ${l}`));
await bench('tcg');
if (accel === 'kvm') await bench('kvm');
else console.log('kvm: not benchmarked (a probe boot under KVM does not reach /init on this machine)');
