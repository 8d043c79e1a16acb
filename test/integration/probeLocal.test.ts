import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { release } from 'node:os';
import { describe, expect, it } from 'vitest';
import { labInTempDir } from '../support/labInTempDir';
import { parseCpuList } from '../../src/shared/cpuList';

// Probes this machine through the real pty and compares with what Node reads from /sys itself.
const lab = labInTempDir('probe');

describe('probing the local host', () => {
  it('reports the same kernel, nodes, THP mode and numa_balancing as /proc and /sys', async () => {
    const f = await lab.probe('local');
    expect(f.kernelRelease).toBe(release());
    const nodeDirs = existsSync('/sys/devices/system/node')
      ? readdirSync('/sys/devices/system/node').filter((d) => /^node\d+$/.test(d))
      : [];
    expect(f.nodes.length).toBe(Math.max(1, nodeDirs.length));
    for (const d of nodeDirs) {
      const id = Number(d.slice(4));
      const node = f.nodes.find((n) => n.id === id)!;
      expect(node.cpus).toEqual(parseCpuList(readFileSync(`/sys/devices/system/node/${d}/cpulist`, 'utf8')));
      const kb = Number(/MemTotal:\s+(\d+)/.exec(readFileSync(`/sys/devices/system/node/${d}/meminfo`, 'utf8'))![1]);
      expect(node.memTotalMiB).toBe(Math.round(kb / 1024));
    }
    // node_distance(): each node's /sys line, rows in node order (no NUMA: no matrix).
    const byId = nodeDirs.map((d) => Number(d.slice(4))).sort((a, b) => a - b);
    expect(f.distance).toEqual(nodeDirs.length ? byId.map((id) => readFileSync(`/sys/devices/system/node/node${id}/distance`, 'utf8').trim().split(/\s+/).map(Number)) : undefined);
    expect(f.warnings).toBeUndefined();
    const thp = '/sys/kernel/mm/transparent_hugepage/enabled';
    if (existsSync(thp)) expect(f.thp.enabled).toBe(/\[(\w+)\]/.exec(readFileSync(thp, 'utf8'))![1]);
    const nb = '/proc/sys/kernel/numa_balancing';
    if (existsSync(nb)) expect(f.numaBalancing).toBe(Number(readFileSync(nb, 'utf8')));
    expect(f.uid).toBe(process.getuid!());
  });

  it('remembers the host and its facts in the store', async () => {
    await lab.probe('local');
    const hosts = lab.hosts.list();
    expect(hosts.map((h) => h.target)).toContain('local');
    expect(hosts.find((h) => h.target === 'local')!.facts!.kernelRelease).toBe(release());
  });

  it('refuses a hostile target before anything runs', async () => {
    await expect(lab.probe('$(touch /tmp/numalab-pwned)')).rejects.toThrow(/not valid/);
    expect(existsSync('/tmp/numalab-pwned')).toBe(false);
  });
});
