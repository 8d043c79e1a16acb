// How long reading every knob of a host takes (one probe script over the pty command channel),
// and a set + restore of one safe knob (khugepaged/pages_to_scan) through the journal.
// Run: npx tsx bench/knobs-roundtrip.ts [N]   (root; the knob is restored after every round)
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Lab } from '../src/main/lab';
import { median, ms, percentile, timeEach } from './stats';

const N = Number(process.argv[2] ?? 50);

async function main() {
  const dir = mkdtempSync(join(tmpdir(), 'numalab-bench-knobs-'));
  const lab = new Lab({ dbPath: join(dir, 'lab.db'), shell: 'headless', knobs: { mountDebugfs: false } });
  try {
    const first = await lab.knobs.list('local');
    const pts = first.knobs.find((k) => k.id === 'khugepaged.pages_to_scan')!.current!;
    const list = await timeEach(N, () => lab.knobs.list('local'));
    const setRestore = await timeEach(N, async () => {
      await lab.knobs.set('local', { 'khugepaged.pages_to_scan': String(Number(pts) + 1) }, 'experiment');
      await lab.knobs.restore('local');
    });
    console.log(`knobs-roundtrip: ${N} runs, local host, ${first.knobs.length} knobs (${first.knobs.filter((k) => k.present).length} present)`);
    console.log(`knobs.list            median ${ms(median(list))}  p95 ${ms(percentile(list, 95))}`);
    console.log(`set + restore (1 knob) median ${ms(median(setRestore))}  p95 ${ms(percentile(setRestore, 95))}`);
  } finally {
    await lab.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
main();
