import { describe, expect, it } from 'vitest';
import { FrameParser, type Frame } from './frameParser';
import { classifyKernelLine, parseKmsgRecord, type KernelLogRecord } from './kernelLog';

function collect() {
  const frames: Frame[] = [];
  const logs: KernelLogRecord[] = [];
  const info: Record<string, string> = {};
  const p = new FrameParser({ frame: (f) => frames.push(f), kernelLog: (r) => logs.push(r), info: (k, v) => (info[k] = v) });
  return { p, frames, logs, info };
}

describe('FrameParser', () => {
  it('parses frames split at any byte boundary, with both clocks', () => {
    const text = '@I shell sh\n@T 0 n1000000000\nnuma_hit 5\nthp_fault_alloc 7\n@E 0\n@T 1 c150\nnuma_hit 6\n@E 1\n';
    for (let cut = 1; cut < text.length; cut += 7) {
      const { p, frames, info } = collect();
      p.push(text.slice(0, cut));
      p.push(text.slice(cut));
      expect(frames.map((f) => [f.seq, f.t, Object.fromEntries(f.values)])).toEqual([
        [0, 1, { numa_hit: 5, thp_fault_alloc: 7 }],
        [1, 1.5, { numa_hit: 6 }],
      ]);
      expect(info.shell).toBe('sh');
      expect(p.stats.malformedLines).toBe(0);
    }
  });

  it('counts, reports and skips malformed and unknown lines, and keeps the frame', () => {
    const { p, frames } = collect();
    p.push('garbage before any frame\n@T 3 n5\nnuma_hit 1\nnuma_miss twelve\n\x07bell 3\nonlyname\n@Q what is this\nthp_split_pmd 99999999999999999999\nnot_in_catalog_counter 4\n@E 3\n');
    expect(frames).toHaveLength(1);
    expect(Object.fromEntries(frames[0].values)).toEqual({ numa_hit: 1, not_in_catalog_counter: 4 });
    expect(p.stats.malformedLines).toBe(5);
    expect(p.stats.unknownMarkers).toBe(1);
    expect(p.stats.examples).toContain('numa_miss twelve');
    expect(p.stats.examples).toContain('@Q what is this');
  });

  it('drops a frame cut short by the next one and counts it', () => {
    const { p, frames } = collect();
    p.push('@T 0 n1\nnuma_hit 1\n@T 1 n2\nnuma_hit 2\n@E 1\n@E 7\n');
    expect(frames.map((f) => f.seq)).toEqual([1]);
    expect(p.stats.truncatedFrames).toBe(1);
    expect(p.stats.malformedLines).toBe(1); // the @E 7 that closes nothing
    p.push('@T 2 n3\nnuma_hit 3\n');
    p.end();
    expect(p.stats.truncatedFrames).toBe(2);
  });

  it('takes kernel-log records between any two lines of a frame', () => {
    const { p, frames, logs } = collect();
    p.push('@T 0 n1\nnuma_hit 1\n@K 2,96,5000000,-;kernel BUG at mm/migrate.c:2761!\nnuma_miss 0\n@E 0\n@K broken\n');
    expect(frames).toHaveLength(1);
    expect(logs).toEqual([{ seq: 96, level: 2, facility: 0, t: 5, text: 'kernel BUG at mm/migrate.c:2761!' }]);
    expect(p.stats.malformedLines).toBe(1);
  });
});

describe('kernel log', () => {
  it('classifies the lines that become events, and only those', () => {
    expect(classifyKernelLine('kernel BUG at mm/migrate.c:2761!')).toBe('BUG');
    expect(classifyKernelLine('WARNING: CPU: 1 PID: 5 at mm/huge_memory.c:3000 split_huge_page+0x1')).toBe('WARNING');
    expect(classifyKernelLine('Oops: invalid opcode: 0000 [#1] PREEMPT SMP')).toBe('Oops');
    expect(classifyKernelLine('general protection fault, probably for non-canonical address')).toBe('general protection');
    expect(classifyKernelLine('RIP: 0010:migrate_pages_batch+0x6a/0x9d0')).toBe('RIP');
    expect(classifyKernelLine('Kernel panic - not syncing: Fatal exception')).toBe('panic');
    expect(classifyKernelLine('e1000: eth0 NIC Link is Up')).toBeUndefined();
    expect(classifyKernelLine('DEBUG: nothing')).toBeUndefined();
  });
  it('parses /dev/kmsg records with extra header fields', () => {
    expect(parseKmsgRecord('30,1234,987654321,c,caller=T1;hello; world')).toEqual({ seq: 1234, level: 6, facility: 3, t: 987.654321, text: 'hello; world' });
    expect(parseKmsgRecord('no semicolon')).toBeUndefined();
    expect(parseKmsgRecord('x,1,2,-;text')).toBeUndefined();
  });
});
