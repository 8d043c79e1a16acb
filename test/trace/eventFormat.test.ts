import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseEventFormat, parseTraceLine, type EventFormat } from '../../src/shared/trace/eventFormat';

// The format files of three real kernels: Debian's 6.1 and 6.12 (recorded from the 2-node box)
// and this machine's.
const DIR = join(__dirname, '../fixtures/tracefs');
const formatOf = (release: string, event: string) => parseEventFormat('migrate', readFileSync(join(DIR, release, `${event}.format`), 'utf8'));
const RELEASES = readdirSync(DIR);
const formats = (release: string) => new Map<string, EventFormat>([['mm_migrate_pages', formatOf(release, 'mm_migrate_pages')], ['mm_migrate_pages_start', formatOf(release, 'mm_migrate_pages_start')]]);

describe('the mm_migrate_pages format, read from the kernel', () => {
  it('maps each printed key to its field: nr_succeeded prints succeeded, on every release', () => {
    expect(RELEASES.length).toBeGreaterThanOrEqual(3);
    for (const r of RELEASES) {
      const f = formatOf(r, 'mm_migrate_pages');
      const byKey = Object.fromEntries(f.printed.map((p) => [p.key, p.field]));
      expect(byKey, r).toMatchObject({ nr_succeeded: 'succeeded', nr_failed: 'failed', nr_thp_succeeded: 'thp_succeeded', nr_thp_failed: 'thp_failed', nr_thp_split: 'thp_split', mode: 'mode', reason: 'reason' });
      expect(f.printed.find((p) => p.key === 'reason')!.symbols, r).toMatchObject({ syscall_or_cpuset: 3, mempolicy_mbind: 4, numa_misplaced: 5 });
    }
  });

  it('has nr_split (REC->large_folio_split) on 6.12 and later, not on 6.1', () => {
    expect(formatOf('6.1.0-57-amd64', 'mm_migrate_pages').fields.map((f) => f.name)).not.toContain('large_folio_split');
    const f612 = formatOf('6.12.118+deb13-amd64', 'mm_migrate_pages');
    expect(f612.printed.find((p) => p.key === 'nr_split')?.field).toBe('large_folio_split');
  });
});

describe('trace_pipe records', () => {
  const line612 = '        thp-move-1902    (   1902) [001] ..... 1234.567890: mm_migrate_pages: nr_succeeded=512 nr_failed=0 nr_thp_succeeded=0 nr_thp_failed=1 nr_thp_split=1 nr_split=1 mode=MIGRATE_SYNC reason=syscall_or_cpuset';

  it('reads a 6.12 record with its task, thread group, CPU, time and every field by name', () => {
    const l = parseTraceLine(line612, formats('6.12.118+deb13-amd64'));
    expect(l).toEqual({
      kind: 'record',
      record: { comm: 'thp-move', pid: 1902, tgid: 1902, cpu: 1, ts: 1234.56789, event: 'mm_migrate_pages', fields: { succeeded: 512, failed: 0, thp_succeeded: 0, thp_failed: 1, thp_split: 1, large_folio_split: 1, mode: 'MIGRATE_SYNC', reason: 'syscall_or_cpuset' } },
    });
  });

  it('calls a record malformed when a key its format prints is missing (a 6.1 line read with the 6.12 format)', () => {
    const line61 = '  thp-move-77 (77) [000] d..1. 5.000001: mm_migrate_pages: nr_succeeded=512 nr_failed=0 nr_thp_succeeded=1 nr_thp_failed=0 nr_thp_split=0 mode=MIGRATE_SYNC reason=syscall_or_cpuset';
    expect(parseTraceLine(line61, formats('6.1.0-57-amd64')).kind).toBe('record');
    const l = parseTraceLine(line61, formats('6.12.118+deb13-amd64'));
    expect(l).toMatchObject({ kind: 'malformed', reason: expect.stringContaining('no nr_split=') });
  });

  it('refuses a value that is not a number or not one of the symbols', () => {
    expect(parseTraceLine(line612.replace('nr_failed=0', 'nr_failed=x'), formats('6.12.118+deb13-amd64'))).toMatchObject({ kind: 'malformed', reason: expect.stringContaining('nr_failed=x is not a number') });
    expect(parseTraceLine(line612.replace('reason=syscall_or_cpuset', 'reason=bogus'), formats('6.12.118+deb13-amd64'))).toMatchObject({ kind: 'malformed', reason: expect.stringContaining('none of compaction') });
  });

  it('reads markers and a task whose name the kernel did not cache (<...>, no thread group)', () => {
    expect(parseTraceLine('           <...>-2001    (-------) [000] ..... 10.000100: tracing_mark_write: numalab phase migrate', new Map())).toEqual({ kind: 'marker', marker: { ts: 10.0001, text: 'numalab phase migrate' } });
    const l = parseTraceLine(line612.replace('thp-move-1902    (   1902)', '<...>-1902 (-------)'), formats('6.12.118+deb13-amd64'));
    expect(l).toMatchObject({ kind: 'record', record: { comm: '<...>', pid: 1902, tgid: null } });
  });

  it('keeps a comm with dashes and spaces whole', () => {
    const l = parseTraceLine(line612.replace('thp-move-1902', 'kworker/u4:2-ev ents-33'), formats('6.12.118+deb13-amd64'));
    expect(l).toMatchObject({ kind: 'record', record: { comm: 'kworker/u4:2-ev ents', pid: 33 } });
  });
});
