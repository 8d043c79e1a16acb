import type { CommandChannel } from '../../src/main/hosts/commandChannel';

/**
 * One thp-move experiment on a host, with /proc/vmstat snapshots at the workload's phase
 * boundaries (hold=1: it stops before setup, before migrate and before teardown until
 * SIGUSR1), each after `echo 1 > /proc/sys/vm/stat_refresh` so per-CPU counters are folded,
 * exactly as the ground truth was measured. Shared by the testbox test and bench/testbox.ts.
 */
export interface ThpMoveRun {
  phases: { setup: Record<string, number>; migrate: Record<string, number> };
  result: Record<string, unknown>;
  durationMs: number;
}

export function parseVmstat(text: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const line of text.split('\n')) {
    const m = /^(\w+) (-?\d+)$/.exec(line.trim());
    if (m) out[m[1]] = Number(m[2]);
  }
  return out;
}

export function delta(a: Record<string, number>, b: Record<string, number>): Record<string, number> {
  const d: Record<string, number> = {};
  for (const k of Object.keys(b)) if (b[k] !== (a[k] ?? 0)) d[k] = b[k] - (a[k] ?? 0);
  return d;
}

/** Params are `name=value` words, validated by the caller (these tests pass constants). */
export async function runThpMove(ch: CommandChannel, params: string): Promise<ThpMoveRun> {
  const script = `
set -e
d=$(mktemp -d)
snap() { echo 1 > /proc/sys/vm/stat_refresh; cat /proc/vmstat > "$d/$1"; }
at() { while ! grep -q "NUMALAB hold $1" "$d/out"; do kill -0 $pid 2>/dev/null || { cat "$d/out" >&2; exit 3; }; sleep 0.02; done; }
thp-move ${params} hold=1 > "$d/out" 2>&1 &
pid=$!
at setup; snap v0; kill -USR1 $pid
at migrate; snap v1; kill -USR1 $pid
at teardown; snap v2; kill -USR1 $pid
wait $pid
for f in v0 v1 v2; do echo "== $f"; cat "$d/$f"; done
grep '^NUMALAB result ' "$d/out" | sed 's/^NUMALAB result //'
rm -rf "$d"
`;
  const t0 = performance.now();
  const r = await ch.exec(script, { timeoutMs: 120_000 });
  if (r.code !== 0) throw new Error(`thp-move ${params} failed (status ${r.code}): ${r.stderr}`);
  const parts = r.stdout.split(/^== (v\d)\n/m);
  const snaps: Record<string, Record<string, number>> = {};
  for (let i = 1; i < parts.length; i += 2) snaps[parts[i]] = parseVmstat(parts[i + 1]);
  const resultLine = r.stdout.trim().split('\n').pop()!;
  return {
    phases: { setup: delta(snaps.v0, snaps.v1), migrate: delta(snaps.v1, snaps.v2) },
    result: JSON.parse(resultLine) as Record<string, unknown>,
    durationMs: performance.now() - t0,
  };
}
