import { describe, expect, it } from 'vitest';
import { KNOB_CATALOG, knobDef, RESTORE_RANKS, safeWriteOrder } from './catalog';
import { errnoName, errnoText, parseKnobProbe, resolveKnobs, validateKnobRequest, validateKnobValue, type KnobState } from './state';

const THP = '/sys/kernel/mm/transparent_hugepage';
const probeText = (release: string, extra: string[] = [], debugfs = 'mounted') =>
  [
    `@release\t${release}`,
    `@debugfs\t${debugfs}`,
    `@mthp\thugepages-64kB`,
    `V\t${THP}/hugepages-64kB/enabled\talways inherit madvise [never]`,
    `V\t${THP}/hugepages-64kB/shmem_enabled\talways inherit within_size advise [never]`,
    `V\t${THP}/hpage_pmd_size\t2097152`,
    `V\t${THP}/enabled\talways [madvise] never`,
    `V\t${THP}/khugepaged/max_ptes_none\t511`,
    `V\t/proc/sys/kernel/numa_balancing\t0`,
    `V\t/sys/kernel/mm/numa/demotion_enabled\tfalse`,
    ...extra,
    '@end',
  ].join('\n');

const byId = (ks: KnobState[], id: string) => ks.find((k) => k.id === id)!;

describe('knob probe output', () => {
  it('reads values, errors and absences, and the host facts around them', () => {
    const p = parseKnobProbe(probeText('6.18.4', [`E\t/sys/kernel/debug/sched/numa_balancing/scan_size_mb\tcat: /sys/kernel/debug/sched/numa_balancing/scan_size_mb: Operation not permitted`, `A\t${THP}/shrink_underused`]));
    expect(p.release).toBe('6.18.4');
    expect(p.mthpSizesKb).toEqual([64]);
    expect(p.files.get(`${THP}/enabled`)).toEqual({ kind: 'value', text: 'always [madvise] never' });
    expect(p.files.get('/sys/kernel/debug/sched/numa_balancing/scan_size_mb')).toEqual({ kind: 'error', message: 'Operation not permitted' });
    expect(p.files.get(`${THP}/shrink_underused`)).toEqual({ kind: 'absent' });
  });
  it('refuses a cut-off output', () => {
    expect(() => parseKnobProbe('@release\t6.1\n')).toThrow(/incomplete/);
  });
  it('maps strerror text to errno names', () => {
    expect(errnoText("dd: error writing '/sys/x': Invalid argument")).toBe('Invalid argument');
    expect(errnoName('Invalid argument')).toBe('EINVAL');
    expect(errnoName('Operation not permitted')).toBe('EPERM');
    expect(errnoName('Permission denied')).toBe('EACCES');
  });
});

describe('knob states', () => {
  const ks = resolveKnobs(parseKnobProbe(probeText('6.18.4')), new Map([['thp.enabled', 'never']]));
  it('takes allowed values from what the kernel printed, and the selection', () => {
    const e = byId(ks, 'thp.enabled');
    expect(e).toMatchObject({ present: true, current: 'madvise', allowed: ['always', 'madvise', 'never'], original: 'never', range: null });
    expect(byId(ks, 'mthp.64kB.enabled')).toMatchObject({ present: true, current: 'never', allowed: ['always', 'inherit', 'madvise', 'never'], group: 'mthp' });
    expect(byId(ks, 'numa.demotion_enabled')).toMatchObject({ current: 'false', allowed: ['true', 'false'] });
  });
  it('gives numeric knobs a range: max_ptes_* from HPAGE_PMD_NR, numa_balancing by era', () => {
    expect(byId(ks, 'khugepaged.max_ptes_none').range).toMatchObject({ min: 0, max: 511 });
    expect(byId(ks, 'numa.balancing').range).toMatchObject({ min: 0, max: 3 });
    const old = resolveKnobs(parseKnobProbe(probeText('5.10.0-28-amd64')));
    expect(byId(old, 'numa.balancing').range).toMatchObject({ min: 0, max: 1 });
    const arm64k = resolveKnobs(parseKnobProbe(probeText('6.6', [`V\t${THP}/hpage_pmd_size\t536870912`])));
    expect(byId(arm64k, 'khugepaged.max_ptes_none').range!.max).toBe(536870912 / 4096 - 1);
  });
  it('reports knobs the kernel lacks as absent with a reason, never as errors', () => {
    const s = byId(ks, 'thp.shrink_underused');
    expect(s).toMatchObject({ present: false, current: null, readError: null });
    expect(s.absentReason).toMatch(/not in this kernel.*6\.12/);
    const noDebugfs = resolveKnobs(parseKnobProbe(probeText('6.18.4', [], 'not-mounted')));
    expect(byId(noDebugfs, 'numa.scan_size_mb').absentReason).toMatch(/debugfs, which is not mounted/);
  });
  it('finds the scan tunables in /proc/sys/kernel on kernels before 5.13', () => {
    const old = resolveKnobs(parseKnobProbe(probeText('5.4.0', [`V\t/proc/sys/kernel/numa_balancing_scan_size_mb\t256`], 'not-mounted')));
    expect(byId(old, 'numa.scan_size_mb')).toMatchObject({ present: true, current: '256', path: '/proc/sys/kernel/numa_balancing_scan_size_mb' });
    expect(byId(old, 'numa.hot_threshold_ms').present).toBe(false);
  });
});

describe('validation', () => {
  const ks = resolveKnobs(parseKnobProbe(probeText('6.18.4', [`E\t/sys/kernel/debug/sched/numa_balancing/scan_size_mb\tcat: x: Operation not permitted`])));
  it('refuses a choice the kernel did not print, naming the allowed ones', () => {
    const r = validateKnobValue(byId(ks, 'thp.enabled'), 'bogus');
    expect(r).toEqual({ ok: false, message: 'thp.enabled: "bogus" is not allowed; allowed: always madvise never' });
    expect(validateKnobValue(byId(ks, 'thp.enabled'), 'always')).toEqual({ ok: true, value: 'always' });
  });
  it('refuses numbers out of range or not numbers', () => {
    expect(validateKnobValue(byId(ks, 'numa.balancing'), '4')).toMatchObject({ ok: false, message: expect.stringContaining('allowed: 0..3') });
    expect(validateKnobValue(byId(ks, 'khugepaged.max_ptes_none'), '512')).toMatchObject({ ok: false });
    expect(validateKnobValue(byId(ks, 'khugepaged.max_ptes_none'), '1; reboot')).toMatchObject({ ok: false, message: expect.stringContaining('not a whole number') });
    expect(validateKnobValue(byId(ks, 'numa.balancing'), ' 1 ')).toEqual({ ok: true, value: '1' });
  });
  it('refuses absent and unreadable knobs (an unreadable one could not be restored)', () => {
    expect(validateKnobValue(byId(ks, 'thp.shrink_underused'), '1')).toMatchObject({ ok: false, message: expect.stringContaining('absent') });
    expect(validateKnobValue(byId(ks, 'numa.scan_size_mb'), '256')).toMatchObject({ ok: false, message: expect.stringContaining('Operation not permitted') });
  });
  it('is all or nothing for a request, with every error listed', () => {
    const r = validateKnobRequest(ks, { 'thp.enabled': 'always', 'numa.balancing': '9', 'no.such': '1' });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.errors).toHaveLength(2);
    const ok = validateKnobRequest(ks, { 'thp.enabled': 'always' });
    expect(ok).toEqual({ ok: true, writes: [{ id: 'thp.enabled', path: `${THP}/enabled`, value: 'always', previous: 'madvise' }] });
  });
});

describe('the safe write order', () => {
  it('puts mTHP sizes before khugepaged before THP enabled, and the scan tunables before numa_balancing', () => {
    const ids = ['numa.balancing', 'thp.enabled', 'numa.scan_size_mb', 'khugepaged.pages_to_scan', 'mthp.2048kB.enabled', 'thp.defrag', 'numa.demotion_enabled', 'mthp.64kB.shmem_enabled'];
    const order = safeWriteOrder(ids.map((id) => ({ id }))).map((x) => x.id);
    expect(order).toEqual(['mthp.2048kB.enabled', 'mthp.64kB.shmem_enabled', 'khugepaged.pages_to_scan', 'thp.defrag', 'thp.enabled', 'numa.scan_size_mb', 'numa.demotion_enabled', 'numa.balancing']);
    const before = (a: string, b: string) => order.indexOf(a) < order.indexOf(b);
    expect(before('mthp.2048kB.enabled', 'thp.enabled')).toBe(true);
    expect(before('numa.scan_size_mb', 'numa.balancing')).toBe(true);
  });
  it('ranks every catalog knob, the switches last in their family', () => {
    for (const d of KNOB_CATALOG) expect(d.rank).toBeGreaterThan(0);
    expect(knobDef('thp.enabled')!.rank).toBe(RESTORE_RANKS.thpEnabled);
    expect(knobDef('mthp.16kB.enabled')!.rank).toBeLessThan(RESTORE_RANKS.khugepaged);
    expect(knobDef('numa.balancing')!.rank).toBe(Math.max(...KNOB_CATALOG.map((d) => d.rank)));
  });
});
