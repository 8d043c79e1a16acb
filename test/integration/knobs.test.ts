import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Lab } from '../../src/main/lab';
import { LabApiError } from '../../src/shared/api/labApi';
import { HPAGE_PMD_SIZE_PATH, KNOB_CATALOG, MTHP_DIR_RE, THP_SYSFS_DIR, type HostKnobs, type KnobDef } from '../../src/shared/knobs';
import { parseSysfsChoice } from '../../src/shared/sysfsChoice';
import { repoRoot } from '../../src/main/repoRoot';
import { KnobService } from '../../src/main/knobs/knobService';
import { KnobJournalRepo } from '../../src/main/knobs/journalRepo';
import { writeKnobFiles } from '../../src/main/knobs/hostKnobs';
import { lockMachineKnobs, restoreKnobFiles, snapshotKnobFiles, type KnobFileSnapshot } from '../support/knobGuard';

// Knobs on this machine's real sysfs and procfs, as root. The originals are read with node:fs
// before anything runs and written back with node:fs in afterAll, whatever happened.
let snap: KnobFileSnapshot | undefined;
let unlock = () => {};
const dir = mkdtempSync(join(tmpdir(), 'numalab-knobs-'));
const dbPath = join(dir, 'lab.db');
const lab = new Lab({ dbPath, shell: 'headless' });

beforeAll(async () => {
  unlock = await lockMachineKnobs();
  snap = snapshotKnobFiles();
});

afterAll(async () => {
  try {
    await lab.close();
  } finally {
    if (snap) restoreKnobFiles(snap, { unmountDebugfs: true });
    unlock();
    rmSync(dir, { recursive: true, force: true });
  }
});

const THP = THP_SYSFS_DIR;
const selected = (path: string) => parseSysfsChoice(readFileSync(path, 'utf8'))!.selected;
const text = (path: string) => readFileSync(path, 'utf8').trim();
const list = () => lab.dispatch('knobs.list', { target: 'local' }) as Promise<HostKnobs>;
const mthpSizes = readdirSync(THP).flatMap((d) => (MTHP_DIR_RE.test(d) ? [Number(MTHP_DIR_RE.exec(d)![1])] : []));
const sizeWithEnabled = mthpSizes.find((s) => existsSync(`${THP}/hugepages-${s}kB/enabled`));

describe('knobs on this machine', () => {
  it('lists every THP and NUMA-balancing knob as /sys and /proc show them, with allowed values', async () => {
    const h = await list();
    const k = (id: string) => h.knobs.find((x) => x.id === id)!;
    expect(k('thp.enabled')).toMatchObject({ present: true, current: selected(`${THP}/enabled`), allowed: parseSysfsChoice(text(`${THP}/enabled`))!.allowed });
    expect(k('thp.defrag').allowed).toEqual(parseSysfsChoice(text(`${THP}/defrag`))!.allowed);
    expect(k('khugepaged.pages_to_scan')).toMatchObject({ current: text(`${THP}/khugepaged/pages_to_scan`), range: { min: 1 } });
    expect(k('khugepaged.max_ptes_none').range!.max).toBe(Number(text(HPAGE_PMD_SIZE_PATH)) / 4096 - 1);
    expect(k('numa.balancing')).toMatchObject({ present: true, current: text('/proc/sys/kernel/numa_balancing'), range: { min: 0, max: 3 } });
    // Every mTHP size the kernel offers is listed, present exactly when its file exists.
    for (const s of mthpSizes) {
      for (const f of ['enabled', 'shmem_enabled']) {
        const path = `${THP}/hugepages-${s}kB/${f}`;
        expect(k(`mthp.${s}kB.${f}`)).toMatchObject({ path, present: existsSync(path) });
        if (!existsSync(path)) expect(k(`mthp.${s}kB.${f}`).absentReason).toMatch(/offers no/);
      }
    }
    // Every catalog knob is reported: present with a value or an errno text, or absent with a reason.
    for (const d of KNOB_CATALOG) {
      const s = k(d.id);
      expect(s, d.id).toBeDefined();
      if (s.present) expect(s.current !== null || s.readError !== null, d.id).toBe(true);
      else expect(s.absentReason, d.id).toBeTruthy();
    }
    // The scan tunables: in debugfs on this kernel, readable or not (lockdown), or absent with why.
    const scan = k('numa.scan_size_mb');
    if (scan.present) expect(scan.path).toBe('/sys/kernel/debug/sched/numa_balancing/scan_size_mb');
    else expect(scan.absentReason).toMatch(/debugfs/);
  });

  it('journals the originals, writes in the safe order, and restores them', async () => {
    const thp0 = selected(`${THP}/enabled`);
    const nb0 = text('/proc/sys/kernel/numa_balancing');
    const pts0 = text(`${THP}/khugepaged/pages_to_scan`);
    const thp1 = thp0 === 'always' ? 'never' : 'always';
    const values: Record<string, string> = { 'numa.balancing': nb0 === '1' ? '0' : '1', 'thp.enabled': thp1, 'khugepaged.pages_to_scan': String(Number(pts0) + 7) };
    if (sizeWithEnabled) values[`mthp.${sizeWithEnabled}kB.enabled`] = selected(`${THP}/hugepages-${sizeWithEnabled}kB/enabled`) === 'madvise' ? 'never' : 'madvise';
    const events: unknown[] = [];
    const off = lab.subscribe((e, p) => e === 'knobs.changed' && events.push(p));
    const r = (await lab.dispatch('knobs.set', { target: 'local', values, origin: 'ui' })) as { results: { id: string; ok: boolean; after: string }[]; knobs: HostKnobs };
    off();
    expect(r.results.every((x) => x.ok)).toBe(true);
    const order = r.results.map((x) => x.id);
    expect(order.slice(-2)).toEqual(['thp.enabled', 'numa.balancing']);
    if (sizeWithEnabled) expect(order[0]).toBe(`mthp.${sizeWithEnabled}kB.enabled`);
    expect(selected(`${THP}/enabled`)).toBe(thp1);
    expect(text(`${THP}/khugepaged/pages_to_scan`)).toBe(values['khugepaged.pages_to_scan']);
    expect(text('/proc/sys/kernel/numa_balancing')).toBe(values['numa.balancing']);
    expect(r.knobs.knobs.find((k) => k.id === 'thp.enabled')).toMatchObject({ current: thp1, original: thp0 });
    expect(events).toEqual([{ target: 'local', origin: 'ui', ids: order }]);

    // A second change keeps the first original.
    await lab.dispatch('knobs.set', { target: 'local', values: { 'khugepaged.pages_to_scan': String(Number(pts0) + 9) } });
    const j = lab.knobs.repo.journal('local');
    expect(j.entries.find((e) => e.knobId === 'khugepaged.pages_to_scan' && e.restoredAt === null)!.original).toBe(pts0);
    expect(j.changes.filter((c) => c.knobId === 'khugepaged.pages_to_scan').map((c) => [c.origin, c.oldValue, c.newValue, c.outcome])).toEqual([
      ['ui', String(Number(pts0) + 7), String(Number(pts0) + 9), 'ok'],
      ['ui', pts0, String(Number(pts0) + 7), 'ok'],
    ]);

    const back = (await lab.dispatch('knobs.restore', { target: 'local' })) as { restored: number; failed: number; results: { id: string }[] };
    expect(back).toMatchObject({ restored: Object.keys(values).length, failed: 0 });
    expect(back.results.map((x) => x.id)).toEqual(order);
    expect(selected(`${THP}/enabled`)).toBe(thp0);
    expect(text(`${THP}/khugepaged/pages_to_scan`)).toBe(pts0);
    expect(text('/proc/sys/kernel/numa_balancing')).toBe(nb0);
    expect(lab.knobs.repo.open('local')).toEqual([]);
  });

  it('refuses invalid values before writing anything (CLI and LabApi)', async () => {
    const thp0 = text(`${THP}/enabled`);
    const cli = spawnSync(process.execPath, [join(repoRoot(), 'bin', 'numa-lab.mjs'), 'knobs', 'set', 'local', 'thp.enabled=bogus', '--db', dbPath], { encoding: 'utf8', timeout: 30000 });
    expect(cli.status).toBe(2);
    expect(cli.stderr).toContain('always madvise never');
    expect(text(`${THP}/enabled`)).toBe(thp0);

    const pts0 = text(`${THP}/khugepaged/pages_to_scan`);
    // One bad value in a request refuses all of it: pages_to_scan is not written either.
    const bad = lab.dispatch('knobs.set', { target: 'local', values: { 'khugepaged.pages_to_scan': '123', 'numa.balancing': '7', 'khugepaged.max_ptes_none': '100000' } });
    await expect(bad).rejects.toThrow(LabApiError);
    await expect(bad).rejects.toThrow(/numa\.balancing: 7 is out of range; allowed: 0\.\.3[\s\S]*max_ptes_none: 100000 is out of range; allowed: 0\.\.511/);
    await expect(lab.dispatch('knobs.set', { target: 'local', values: { 'khugepaged.pages_to_scan': '0' } })).rejects.toThrow(/allowed: 1\.\.4294967295/);
    await expect(lab.dispatch('knobs.set', { target: 'local', values: { 'thp.enabled': "always' > /tmp/x; '" } })).rejects.toThrow(/not allowed/);
    expect(text(`${THP}/khugepaged/pages_to_scan`)).toBe(pts0);
    expect(lab.knobs.repo.journal('local').changes.filter((c) => c.outcome === 'pending')).toEqual([]);
  });

  it('keeps a CLI change (it is meant to last) until `knobs restore`', async () => {
    const pts0 = text(`${THP}/khugepaged/pages_to_scan`);
    const run = (...args: string[]) => spawnSync(process.execPath, [join(repoRoot(), 'bin', 'numa-lab.mjs'), 'knobs', ...args, '--db', dbPath], { encoding: 'utf8', timeout: 30000 });
    const set = run('set', 'local', `khugepaged.pages_to_scan=${Number(pts0) + 3}`);
    expect(set.status, set.stderr).toBe(0);
    expect(set.stdout).toContain(`khugepaged.pages_to_scan: ${pts0} -> ${Number(pts0) + 3}`);
    const get = JSON.parse(run('get', 'local', '--json').stdout) as HostKnobs;
    expect(get.knobs.find((k) => k.id === 'khugepaged.pages_to_scan')).toMatchObject({ current: String(Number(pts0) + 3), original: pts0 });
    const restore = run('restore', 'local');
    expect(restore.status, restore.stderr).toBe(0);
    expect(restore.stdout).toMatch(/1 restored, 0 failed/);
    expect(text(`${THP}/khugepaged/pages_to_scan`)).toBe(pts0);
  });

  it('push/pop nests like thp_settings.c and ends with nothing left to restore', async () => {
    const thp0 = selected(`${THP}/enabled`);
    const nb0 = text('/proc/sys/kernel/numa_balancing');
    const a = thp0 === 'always' ? 'never' : 'always';
    const b = a === 'always' ? 'never' : 'always';
    await lab.knobs.pushSettings('local', { 'thp.enabled': a });
    await lab.knobs.pushSettings('local', { 'thp.enabled': b, 'numa.balancing': nb0 === '1' ? '0' : '1' });
    expect(lab.knobs.stackDepth('local')).toBe(2);
    expect(selected(`${THP}/enabled`)).toBe(b);
    await lab.knobs.popSettings('local');
    expect(selected(`${THP}/enabled`)).toBe(a);
    expect(text('/proc/sys/kernel/numa_balancing')).toBe(nb0);
    await lab.knobs.popSettings('local');
    expect(selected(`${THP}/enabled`)).toBe(thp0);
    expect(lab.knobs.repo.open('local')).toEqual([]);
    await expect(lab.knobs.popSettings('local')).rejects.toThrow(/no pushed knob settings/);
  });
});

describe('knobs the kernel lacks or refuses', () => {
  // A catalog with one entry pointing at a file no kernel has, and one at a read-only file.
  const extra: KnobDef[] = [
    { id: 'test.absent', group: 'thp', meaning: 'no kernel has this', locations: [{ path: `${THP}/numalab_no_such_knob`, era: 'sysfs' }], value: { kind: 'int', min: 0, max: 1 }, rank: 30, since: '99.0' },
    { id: 'test.readonly', group: 'thp', meaning: 'hpage_pmd_size is 0444', locations: [{ path: HPAGE_PMD_SIZE_PATH, era: 'sysfs' }], value: { kind: 'int', min: 0, max: 2 ** 40 }, rank: 30 },
  ];
  const service = () =>
    new KnobService(new KnobJournalRepo(lab.db), { mountDebugfs: false, owner: null, session: (t) => lab.session(t), onChanged: () => {}, catalog: [...KNOB_CATALOG, ...extra] });

  it('reports an absent knob as absent, and refuses to write it', async () => {
    const s = service();
    const h = await s.list('local');
    expect(h.knobs.find((k) => k.id === 'test.absent')).toMatchObject({ present: false, current: null, readError: null, absentReason: expect.stringMatching(/not in this kernel.*added in 99\.0/) });
    // Without permission to mount debugfs, on this kernel the scan tunables are absent and say why.
    if (h.debugfs === 'not-mounted') expect(h.knobs.find((k) => k.id === 'numa.scan_delay_ms')!.absentReason).toMatch(/not allowed/);
    await expect(s.set('local', { 'test.absent': '1' }, 'ui')).rejects.toThrow(/test\.absent is absent on this host/);
  });

  it("reports the kernel's refusal with its errno and shows the knob unchanged", async () => {
    const s = service();
    const before = text(HPAGE_PMD_SIZE_PATH);
    const r = await s.set('local', { 'test.readonly': '4096' }, 'ui');
    expect(r.results).toEqual([
      { id: 'test.readonly', path: HPAGE_PMD_SIZE_PATH, requested: '4096', before, after: before, ok: false, errno: 'EACCES', error: 'Permission denied' },
    ]);
    expect(text(HPAGE_PMD_SIZE_PATH)).toBe(before);
    const change = s.repo.journal('local').changes.find((c) => c.knobId === 'test.readonly')!;
    expect(change).toMatchObject({ outcome: 'refused', error: 'Permission denied' });
    // The value never changed, so nothing is left open to restore.
    expect(s.repo.open('local').map((x) => x.knobId)).not.toContain('test.readonly');

    // A value the kernel itself rejects (khugepaged refuses pages_to_scan=0 with EINVAL), sent past
    // the validator straight to the host writer: the errno text comes back and the value stays.
    const pts0 = text(`${THP}/khugepaged/pages_to_scan`);
    const out = await writeKnobFiles(await lab.session('local'), [{ path: `${THP}/khugepaged/pages_to_scan`, value: '0' }]);
    expect(out.get(`${THP}/khugepaged/pages_to_scan`)).toEqual({ path: `${THP}/khugepaged/pages_to_scan`, ok: false, error: 'Invalid argument', afterRaw: pts0 });
    expect(text(`${THP}/khugepaged/pages_to_scan`)).toBe(pts0);
  });
});
