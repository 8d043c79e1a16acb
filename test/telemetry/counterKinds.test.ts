import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { describeCounter } from '../../src/shared/telemetry/catalog';
import { isCumulative, staticSection, vmstatSections } from '../../src/shared/telemetry/vmstatLayout';
import { repoRoot } from '../../src/main/repoRoot';

/**
 * Counter kinds as the kernel defines them, over every name three real kernels print: the two
 * virtual-box kernels (Debian's 6.1 and 6.12, recorded from the 2-node guest by
 * test/fixtures/vmstat/record.ts) and this machine's own /proc/vmstat. The lists in
 * vmstatLayout.ts and the kernel's print order are two independent derivations; they must agree.
 */
const FIXTURES = join(repoRoot(), 'test', 'fixtures', 'vmstat');
const namesOf = (text: string) => text.trim().split('\n').map((l) => l.split(' ')[0]);
const kernels: Array<[string, string[]]> = [
  ...readdirSync(FIXTURES)
    .filter((f) => f.endsWith('.vmstat'))
    .map((f): [string, string[]] => [f.replace(/\.vmstat$/, ''), namesOf(readFileSync(join(FIXTURES, f), 'utf8'))]),
  [`this machine (${readFileSync('/proc/sys/kernel/osrelease', 'utf8').trim()})`, namesOf(readFileSync('/proc/vmstat', 'utf8'))],
];

describe('counter kinds from the kernel definitions', () => {
  it('has both box kernels recorded', () => {
    expect(kernels.map(([k]) => k).filter((k) => /^6\.1\.|^6\.12\./.test(k))).toHaveLength(2);
  });

  for (const [kernel, names] of kernels) {
    it(`classifies every /proc/vmstat name of ${kernel} as the kernel does`, () => {
      const byOrder = vmstatSections(names);
      expect(byOrder, 'the file has the kernel layout (pgpgin present)').toBeDefined();
      const disagree: string[] = [];
      const notKernel: string[] = [];
      for (const n of names) {
        const fromOrder = byOrder!.get(n)!;
        const fromList = staticSection(n);
        // A name the lists lack is a finding (a newer kernel's): the order still classifies it.
        if (fromList === undefined) notKernel.push(n);
        else if (isCumulative(n, fromList) !== isCumulative(n, fromOrder)) disagree.push(`${n}: list ${fromList}, order ${fromOrder}`);
        const d = describeCounter(n);
        if (d.kindFrom !== 'kernel') notKernel.push(`${n} (describeCounter: ${d.kindFrom})`);
        expect(d.kind, n).toBe(isCumulative(n, fromOrder) ? 'counter' : 'gauge');
      }
      expect(disagree).toEqual([]);
      expect(notKernel).toEqual([]);
    });
  }

  it('names levels as levels and events as events where the old rules got them wrong', () => {
    expect(describeCounter('workingset_nodes')).toMatchObject({ kind: 'gauge', kindFrom: 'kernel', source: 'node_stat' });
    expect(describeCounter('workingset_refault_anon')).toMatchObject({ kind: 'counter', source: 'node_stat' });
    expect(describeCounter('nr_foll_pin_acquired')).toMatchObject({ kind: 'counter', source: 'node_stat' });
    expect(describeCounter('nr_isolated_anon')).toMatchObject({ kind: 'gauge', source: 'node_stat' });
    expect(describeCounter('numa_hit')).toMatchObject({ kind: 'counter', source: 'numa_event' });
    expect(describeCounter('nr_dirty_threshold')).toMatchObject({ kind: 'gauge', source: 'writeback_stat' });
    expect(describeCounter('nr_memmap_pages')).toMatchObject({ kind: 'gauge', source: 'vm_stat' });
    expect(describeCounter('nr_unstable')).toMatchObject({ kind: 'gauge', source: 'deprecated' });
    expect(describeCounter('thp_split_pmd')).toMatchObject({ kind: 'counter', unit: 'pmds', source: 'vm_event' });
    expect(describeCounter('pgalloc_dma32')).toMatchObject({ kind: 'counter', unit: 'pages', kindFrom: 'kernel' });
  });

  it("classifies this machine's per-node numastat and per-size mTHP stats from the kernel's definitions", () => {
    const names: string[] = [];
    for (const node of readdirSync('/sys/devices/system/node').filter((d) => /^node\d+$/.test(d))) {
      for (const l of readFileSync(`/sys/devices/system/node/${node}/numastat`, 'utf8').trim().split('\n')) names.push(`numastat.${node}.${l.split(' ')[0]}`);
    }
    const thp = '/sys/kernel/mm/transparent_hugepage';
    for (const size of readdirSync(thp).filter((d) => /^hugepages-\d+kB$/.test(d))) {
      for (const stat of readdirSync(join(thp, size, 'stats'))) names.push(`mthp.${size.slice(10)}.${stat}`);
    }
    expect(names.length).toBeGreaterThan(6);
    const guessed = names.filter((n) => describeCounter(n).kindFrom !== 'kernel' || describeCounter(n).unknown);
    expect(guessed).toEqual([]);
    expect(describeCounter('numastat.node0.other_node')).toMatchObject({ kind: 'counter', unit: 'allocations' });
    expect(describeCounter('mthp.2048kB.nr_anon_partially_mapped')).toMatchObject({ kind: 'gauge' });
  });

  it('marks a name no kernel list holds as inferred, and the order of a new kernel still classifies it', () => {
    expect(describeCounter('nr_brand_new')).toMatchObject({ kind: 'gauge', kindFrom: 'inferred', unknown: true });
    expect(describeCounter('brand_new_event')).toMatchObject({ kind: 'counter', kindFrom: 'inferred' });
    const s = vmstatSections(['nr_free_pages', 'nr_brand_new_zone', 'numa_hit', 'numa_other', 'nr_brand_new_node', 'nr_dirty_threshold', 'nr_dirty_background_threshold', 'pgpgin', 'nr_brand_new_event', 'nr_unstable'])!;
    expect([s.get('nr_brand_new_zone'), s.get('nr_brand_new_node'), s.get('nr_brand_new_event'), s.get('nr_unstable')]).toEqual(['zone_stat', 'node_stat', 'vm_event', 'deprecated']);
    expect(vmstatSections(['nr_free_pages', 'numa_hit'])).toBeUndefined();
  });
});
