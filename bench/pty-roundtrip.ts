// Median round trip of a trivial command over the lab's pty command channel, beside
// child_process.execFile of the same command. Run: npx tsx bench/pty-roundtrip.ts [N]
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { CommandChannel } from '../src/main/hosts/commandChannel';
import { LocalTransport } from '../src/main/hosts/localTransport';
import { median, ms, percentile, timeEach } from './stats';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SshTransport } from '../src/main/hosts/sshTransport';
import { parseHostTarget } from '../src/shared/hostTarget';
import { removeSshd, startSshd } from '../test/integration/sshd';

const N = Number(process.argv[2] ?? 500);
const run = promisify(execFile);

async function main() {
  const t = new LocalTransport();
  const ch = await CommandChannel.open(await t.openChannelStream());
  for (let i = 0; i < 20; i++) await ch.exec('true'); // warm up
  const cases: Array<[string, string, string[]]> = [
    ['true', 'true', []],
    ['cat /proc/loadavg', 'cat', ['/proc/loadavg']],
    ['cat /proc/vmstat', 'cat', ['/proc/vmstat']],
  ];
  console.log(`pty-roundtrip: ${N} runs each, local host`);
  console.log(`${'command'.padEnd(20)} ${'channel median'.padStart(15)} ${'channel p95'.padStart(12)} ${'execFile median'.padStart(16)} ${'speed-up'.padStart(9)}`);
  for (const [label, cmd, args] of cases) {
    const chTimes = await timeEach(N, () => ch.exec(label));
    const exTimes = await timeEach(N, () => run(cmd, args));
    const a = median(chTimes);
    const b = median(exTimes);
    console.log(`${label.padEnd(20)} ${ms(a).padStart(15)} ${ms(percentile(chTimes, 95)).padStart(12)} ${ms(b).padStart(16)} ${`${(b / a).toFixed(1)}x`.padStart(9)}`);
  }
  ch.close();
  await t.close();
  await sshSection();
}

/**
 * The ssh channel: a command over the lab's multiplexed channel beside a fresh `ssh host true`
 * (a new connection, key exchange and login each time). Uses $NUMA_LAB_BENCH_SSH (a target, with
 * the user's ssh config) or else starts the tests' sshd on 127.0.0.1.
 */
async function sshSection() {
  const given = process.env.NUMA_LAB_BENCH_SSH;
  const sshd = given ? undefined : await startSshd();
  if (sshd) process.env.NUMA_LAB_SSH_CONFIG = sshd.clientConfig;
  const target = given ?? `ssh://root@127.0.0.1:${sshd!.port}`;
  const parsed = parseHostTarget(target);
  if (parsed.kind !== 'ssh') throw new Error(`NUMA_LAB_BENCH_SSH must be an ssh target, got ${target}`);
  const controlDir = mkdtempSync(join(tmpdir(), 'nlb-'));
  const st = new SshTransport(parsed, target, { controlDir });
  try {
    const sch = await CommandChannel.open(await st.openChannelStream());
    for (let i = 0; i < 20; i++) await sch.exec('true');
    const fresh = ['-o', 'ControlMaster=no', '-o', 'ControlPath=none', ...(sshd ? ['-F', sshd.clientConfig] : []), ...(parsed.user ? ['-l', parsed.user] : []), ...(parsed.port ? ['-p', String(parsed.port)] : []), '--', parsed.host.replace(/^\[|\]$/g, ''), 'true'];
    const nFresh = Math.min(N, 40);
    console.log(`\npty-roundtrip: ssh channel (${N} runs) vs a fresh \`ssh host true\` (${nFresh} runs), ${target}`);
    console.log(`${'command'.padEnd(20)} ${'channel median'.padStart(15)} ${'channel p95'.padStart(12)} ${'fresh ssh median'.padStart(17)} ${'speed-up'.padStart(9)}`);
    const chTimes = await timeEach(N, () => sch.exec('true'));
    const exTimes = await timeEach(nFresh, () => run('ssh', fresh));
    const a = median(chTimes);
    const b = median(exTimes);
    console.log(`${'true'.padEnd(20)} ${ms(a).padStart(15)} ${ms(percentile(chTimes, 95)).padStart(12)} ${ms(b).padStart(17)} ${`${(b / a).toFixed(1)}x`.padStart(9)}`);
    const vm = await timeEach(N, () => sch.exec('cat /proc/vmstat'));
    console.log(`${'cat /proc/vmstat'.padEnd(20)} ${ms(median(vm)).padStart(15)} ${ms(percentile(vm, 95)).padStart(12)}`);
    sch.close();
  } finally {
    await st.close();
    if (sshd) await removeSshd(sshd);
    rmSync(controlDir, { recursive: true, force: true });
  }
}
main();
