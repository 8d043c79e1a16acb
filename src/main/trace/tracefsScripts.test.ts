import { describe, expect, it } from 'vitest';
import { markerScript, parseProbe, parseSetup, parseStats, restoreScript, restoreValue, setupScript } from './tracefsScripts';

describe('the tracefs scripts', () => {
  it('says why there is no trace: no tracefs, or no mm_migrate_pages event', () => {
    expect(parseProbe('NOTRACEFS cannot mount tracefs at /sys/kernel/tracing: mount: permission denied\n')).toEqual({ ok: false, reason: 'cannot mount tracefs at /sys/kernel/tracing: mount: permission denied' });
    expect(parseProbe('TRACEFS /sys/kernel/tracing\nNOEVENT the kernel has no migrate:mm_migrate_pages event (CONFIG_MIGRATION off?)\n')).toMatchObject({ ok: false, reason: expect.stringContaining('no migrate:mm_migrate_pages') });
    expect(parseProbe('')).toMatchObject({ ok: false, reason: expect.stringContaining('no answer') });
  });

  it('reads back what each setting held before the write, and the reader', () => {
    const r = parseSetup('ORIG trace_clock [local] global counter uptime perf mono \nORIG buffer_size_kb 7 (expanded: 1408) \nORIG events/migrate/mm_migrate_pages/enable 0 \nREADER 4242 /tmp/numalab-trace.AbC123\n');
    expect(r).toEqual({ originals: { trace_clock: '[local] global counter uptime perf mono', buffer_size_kb: '7 (expanded: 1408)', 'events/migrate/mm_migrate_pages/enable': '0' }, failed: [], readerPid: 4242, readerDir: '/tmp/numalab-trace.AbC123', error: null });
    expect(parseSetup('MKDIRFAIL\n').error).toBe('could not make the tracefs instance');
    expect(parseSetup('ORIG tracing_on 1\nSETFAIL trace_clock\nREADER 1 /tmp/numalab-trace.x\n').failed).toEqual(['trace_clock']);
  });

  it('puts back the value a file showed: the expanded buffer size, the selected clock', () => {
    expect(restoreValue('buffer_size_kb', '7 (expanded: 1408)')).toBe('1408');
    expect(restoreValue('buffer_size_kb', '4096')).toBe('4096');
    expect(restoreValue('trace_clock', '[local] global mono')).toBe('local');
    expect(restoreValue('events/migrate/mm_migrate_pages/enable', '0')).toBe('0');
    expect(restoreValue('tracing_on', 'garbage')).toBeNull();
  });

  it('turns the events off before anything else when restoring, then removes the instance', () => {
    const s = restoreScript({ tracefs: '/sys/kernel/tracing', instance: 'numa-lab-0a1b2c', settings: { trace_clock: '[local] mono', tracing_on: '1', 'events/migrate/mm_migrate_pages/enable': '0' }, readerDir: '/tmp/numalab-trace.q1' });
    expect(s.indexOf('mm_migrate_pages/enable')).toBeLessThan(s.indexOf('tracing_on'));
    expect(s.indexOf('tracing_on')).toBeLessThan(s.indexOf('trace_clock'));
    expect(s).toContain('rmdir "$I"');
    expect(s).toContain('rm -rf /tmp/numalab-trace.q1');
  });

  it('refuses paths, instance names and marker texts the lab does not make', () => {
    expect(() => setupScript('/sys/kernel/tracing; rm -rf /', 'numa-lab-0a1b2c', [], 'n')).toThrow(/not a tracefs path/);
    expect(() => markerScript('/sys/kernel/tracing', '../../x', 'numalab phase migrate')).toThrow(/not an instance name/);
    expect(() => markerScript('/sys/kernel/tracing', 'numa-lab-0a1b2c', 'phase $(reboot)')).toThrow(/not a marker/);
    expect(restoreScript({ tracefs: '/sys/kernel/tracing', instance: 'numa-lab-0a1b2c', settings: {}, readerDir: '/tmp/x; reboot' })).not.toContain('reboot');
  });

  it('sums the ring buffer loss over CPUs', () => {
    expect(parseStats('entries: 5\noverrun: 2\ncommit overrun: 0\ndropped events: 1\nentries: 1\noverrun: 3\ndropped events: 0\n')).toEqual({ overrun: 5, dropped: 1 });
  });
});
