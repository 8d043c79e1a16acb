/**
 * Host cost of the on-host sampler at 10 Hz: CPU seconds per minute used by the loop and every
 * process it started (cutime+cstime of a wrapper shell that waited for it), the achieved rate
 * and the jitter of the intervals between frames (host clock stamps).
 * Usage: npx tsx bench/telemetry-sampler.ts [seconds=30] [rateHz=10] [shell=sh]
 */
import { spawn } from 'node:child_process';
import { extrasEvery, samplerScript } from '../src/main/telemetry/samplerScript';
import { FrameParser } from '../src/shared/telemetry/frameParser';
import { median, percentile } from './stats';

const seconds = Number(process.argv[2] ?? 30);
const rateHz = Number(process.argv[3] ?? 10);
const shell = process.argv[4] ?? 'sh';
const script = samplerScript({ rateHz, extraEvery: extrasEvery(rateHz), kmsg: true });
// (TERM, not INT: a background job starts with SIGINT ignored, and the loop traps both.)
// The wrapper waits for the sampler (so its whole tree is accounted to the wrapper's children),
// then prints its own /proc stat: fields 16/17 = cutime/cstime in clock ticks.
const wrapper = `${shell} -c "$S" & p=$!
trap 'kill -TERM $p' INT
wait $p; wait $p
read -r l </proc/$$/stat; echo "@STAT $l"`;
const child = spawn('sh', ['-c', wrapper], { env: { ...process.env, S: script }, stdio: ['ignore', 'pipe', 'inherit'] });
const times: number[] = [];
let info: Record<string, string> = {};
let stat = '';
const parser = new FrameParser({ frame: (f) => times.push(f.t), info: (k, v) => (info[k] = v) });
child.stdout.on('data', (d: Buffer) => {
  const s = d.toString();
  const at = s.indexOf('@STAT ');
  if (at >= 0) stat = s.slice(at + 6).trim();
  parser.push(at >= 0 ? s.slice(0, at) : s);
});
setTimeout(() => child.kill('SIGINT'), seconds * 1000);
await new Promise((r) => child.on('exit', r));
const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
const ticks = Number(f[13]) + Number(f[14]); // cutime + cstime (fields 16, 17)
const hz = 100; // USER_HZ
const cpuS = ticks / hz;
const iv = times.slice(1).map((t, i) => (t - times[i]) * 1000);
const asked = 1000 / rateHz;
const med = median(iv);
console.log(`sampler: ${info.shell}, clock ${info.clock === 'n' ? 'CLOCK_MONOTONIC ns' : '/proc/uptime'}, fork-free sleep ${info.fork_free_sleep === '1' ? 'yes' : 'no'}; ${seconds} s at ${rateHz} Hz (per-node and mTHP files every 2 s, kmsg reader on)`);
console.log(`CPU used by the sampler tree: ${cpuS.toFixed(2)} s in ${seconds} s = ${((cpuS / seconds) * 60).toFixed(2)} CPU-s per minute = ${((cpuS / seconds) * 100).toFixed(2)} % of one core (target < 1 %)`);
console.log(`frames: ${times.length}; achieved rate ${(iv.length / ((times[times.length - 1] - times[0]) || 1)).toFixed(3)} Hz`);
console.log(`interval: median ${med.toFixed(2)} ms (${(((med - asked) / asked) * 100).toFixed(2)} % off the asked ${asked} ms; target within 2 %), p5 ${percentile(iv, 5).toFixed(2)} ms, p95 ${percentile(iv, 95).toFixed(2)} ms, max ${Math.max(...iv).toFixed(2)} ms`);
console.log(`jitter: mean |interval - asked| ${(iv.reduce((a, x) => a + Math.abs(x - asked), 0) / iv.length).toFixed(2)} ms`);
