// Median round trip of a trivial command over the lab's pty command channel, beside
// child_process.execFile of the same command. Run: npx tsx bench/pty-roundtrip.ts [N]
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { CommandChannel } from '../src/main/hosts/commandChannel';
import { LocalTransport } from '../src/main/hosts/localTransport';
import { median, ms, percentile, timeEach } from './stats';

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
}
main();
