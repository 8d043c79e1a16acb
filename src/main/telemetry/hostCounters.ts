import { describeCounter, describeInSection } from '../../shared/telemetry/catalog';
import type { CounterDesc } from '../../shared/telemetry/api';
import { vmstatSections } from '../../shared/telemetry/vmstatLayout';
import type { HostSession } from '../hosts/hostSession';
import { toDesc } from '../store/telemetryRepo';

/**
 * Every counter name a host has, read through its session with builtins only: /proc/vmstat,
 * per-node numastat (and the meminfo keys the sampler records), and the mTHP stats files. The
 * names are those the sampler prints (samplerScript.ts), so a picked counter charts live.
 */
export const HOST_COUNTERS_SCRIPT = `while read -r k v; do printf '%s\\n' "$k"; done </proc/vmstat
for d in /sys/devices/system/node/node[0-9]*; do
  [ -d "$d" ] || continue; n=\${d##*/node}
  if [ -r "$d/numastat" ]; then while read -r k v; do printf 'numastat.node%s.%s\\n' "$n" "$k"; done <"$d/numastat"; fi
  if [ -r "$d/meminfo" ]; then
    while read -r _n _i k v _u; do
      case $k in MemFree:|MemUsed:|AnonHugePages:|ShmemHugePages:|FileHugePages:) printf 'meminfo.node%s.%s\\n' "$n" "\${k%:}" ;; esac
    done <"$d/meminfo"
  fi
done
for f in /sys/kernel/mm/transparent_hugepage/hugepages-*kB/stats/*; do
  [ -r "$f" ] || continue; s=\${f%/stats/*}; s=\${s##*/hugepages-}
  printf 'mthp.%s.%s\\n' "$s" "\${f##*/}"
done
`;

const NAME = /^[A-Za-z0-9_.-]{1,200}$/;

/** The script's output → unique, valid names, in the order the host printed them (the kernel's order says what a new vmstat name is). */
export function parseHostCounters(stdout: string): string[] {
  return [...new Set(stdout.split('\n').map((l) => l.trim()).filter((l) => NAME.test(l)))];
}

/** Every counter name the host has, in its order. */
export async function listHostCounters(session: HostSession, timeoutMs = 15_000): Promise<string[]> {
  return parseHostCounters(await session.run(HOST_COUNTERS_SCRIPT, { timeoutMs }));
}

/**
 * Descriptions, sorted by name. `names` in the host's order: a vmstat name the catalog does not
 * know takes the kind of the section the kernel printed it in.
 */
export function describeAll(names: Iterable<string>): CounterDesc[] {
  const unique = [...new Set(names)];
  const sections = vmstatSections(unique.filter((n) => !n.includes('.')));
  return unique
    .sort()
    .map((n) => {
      const section = sections?.get(n);
      return toDesc(section ? describeInSection(n, section) : describeCounter(n));
    });
}
