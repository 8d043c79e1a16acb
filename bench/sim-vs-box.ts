// NUMA-balancing runs measured on the virtual NUMA box beside the simulator's prediction for the
// same spec: per counter, the measured spread over the repetitions and the predicted value.
// Run: npx tsx bench/sim-vs-box.ts [6.1|6.12 ...] [numa-touch|numa01|numa02 ...] [--reps N]   (boots one box per kernel)
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Lab } from '../src/main/lab';
import { testboxDown, testboxUp } from '../src/main/testbox';
import { PER_RUN_COUNTERS, perRunRows } from '../src/shared/experiments/perRun';

const args = process.argv.slice(2);
const reps = Number(args[args.indexOf('--reps') + 1] || 3);
const kernels = args.filter((a) => /^6\.\d+$/.test(a));
const COUNTERS = [...PER_RUN_COUNTERS, 'pgmigrate_success', 'thp_migration_success'];
const SPECS: Array<{ workload: string; params: Record<string, string> }> = [
  { workload: 'numa-touch', params: { thps: '8', secs: '8' } },
  { workload: 'numa02', params: { size_mib: '256', loops: '40' } },
  { workload: 'numa01', params: { size_mib: '256', loops: '10' } },
];

// Optional workload names on the command line pick a subset (e.g. `numa02`).
const only = args.filter((a) => SPECS.some((s) => s.workload === a));

async function main() {
  const lab = new Lab({ dbPath: join(mkdtempSync(join(tmpdir(), 'numalab-bench-')), 'lab.db'), shell: 'headless', knobs: { autoRestore: false } });
  for (const kernel of kernels.length ? kernels : ['6.1', '6.12']) {
    const name = `bench${kernel.replace('.', '')}-${process.pid}`;
    const box = await testboxUp({ kernel, nodes: 2, memPerNodeMiB: 1024, cpusPerNode: 1, name });
    try {
      for (const s of SPECS.filter((x) => !only.length || only.includes(x.workload))) {
        const t0 = Date.now();
        // No --knob: the workloads' own needs turn NUMA balancing on.
        const { done } = await lab.experiments.start({ target: box.target, workload: s.workload, params: s.params, knobs: {}, repeat: reps, rateHz: 10, baselineS: 0.5, cooldownS: 0.5 });
        const row = await done;
        const o = row.outcome;
        console.log(`\n${box.release} · ${s.workload} ${Object.entries(s.params).map(([k, v]) => `${k}=${v}`).join(' ')} · ${reps} reps · ${((Date.now() - t0) / 1000).toFixed(0)} s · model ${o?.predicted?.variant.name} · ${row.status}${row.error ? ` (${row.error})` : ''}`);
        if (!o) continue;
        console.log(`verdict: ${o.judgement?.verdict} — ${o.judgement?.reason}`);
        const f = o.forecast;
        if (f) console.log(`forecast: ${f.judgement?.verdict}; ${f.asForecast?.runs} of ${f.asForecast?.of} repetitions as forecast${f.asForecast?.withinUncertainty ? ` (${f.asForecast.withinUncertainty} only within its uncertainty)` : ''}${f.uncertain.length ? `; uncertain: ${f.uncertain.map((u) => u.split(':')[0]).join(', ')}` : ''}`);
        // Per repetition: measured beside the lab's prediction for that repetition's own CPU clocks
        // (outcome.predictedPerRun), and the clocks the workload reported.
        const ok = o.measured.filter((m) => m.status === 'completed');
        const rows = perRunRows(o, COUNTERS);
        console.log(`${'rep'.padEnd(4)} ${PER_RUN_COUNTERS.map((c) => c.replace(/^numa_/, '').padStart(22)).join('')}  (measured / predicted for this rep's CPU clocks)  info`);
        for (const r of rows) {
          const info = (o.measured[r.repetition - 1]?.result?.info ?? {}) as Record<string, unknown>;
          const cpu = ['elapsed_s', 'move_pages_s', 'cpu_s', 'task_cpu_s', 'thread_cpu_s', 'thread_task_cpu_s'].filter((k) => k in info).map((k) => `${k}=${info[k]}`).join(' ');
          console.log(`${String(r.repetition).padEnd(4)} ${r.cells.slice(0, PER_RUN_COUNTERS.length).map((c) => `${c.measured} / ${c.predicted}`.padStart(22)).join('')}  ${cpu}`);
        }
        console.log(`model knobs from the runs: ${Object.entries(o.spec.knobs).filter(([k]) => k.startsWith('sim.')).map(([k, v]) => `${k}=${v}`).join(' ')}`);
        console.log(`${'counter (migrate phase)'.padEnd(26)} ${'measured min..max'.padStart(20)} ${'mean'.padStart(9)} ${'predicted'.padStart(10)} ${'per-rep pred'.padStart(16)}  in spread  verdict (worst repetition; per repetition)  forecast`);
        for (const c of COUNTERS) {
          const vals = ok.map((m) => m.phases.migrate?.[c] ?? 0);
          const v = o.verdictsByPhase.migrate?.find((x) => x.counter === c);
          const mean = vals.reduce((a, b) => a + b, 0) / Math.max(1, vals.length);
          const pred = o.predicted?.phases.migrate?.[c] ?? 0;
          const pr = rows.map((r) => r.cells.find((x) => x.counter === c)!.predicted);
          const inSpread = pred >= Math.min(...vals) && pred <= Math.max(...vals) ? 'yes' : 'no';
          const perRep = (v?.runs ?? []).map((r) => (r.verdict === 'exact' ? '=' : r.verdict === 'within tolerance' ? '~' : r.verdict === 'undecided' ? '?' : r.verdict === 'diverged' ? 'X' : '-')).join('');
          const fv = o.forecast?.verdictsByPhase?.migrate?.find((x) => x.counter === c);
          const fr = o.forecast?.ranges.phases.migrate?.[c];
          console.log(`${c.padEnd(26)} ${`${Math.min(...vals)}..${Math.max(...vals)}`.padStart(20)} ${mean.toFixed(1).padStart(9)} ${String(pred).padStart(10)} ${`${Math.min(...pr)}..${Math.max(...pr)}`.padStart(16)}  ${inSpread.padEnd(9)}  ${`${v?.verdict ?? '—'}${v?.boundary ? ` (scan boundary ${v.boundary.lo}..${v.boundary.hi})` : ''}; ${perRep}`.padEnd(42)}  ${fv?.verdict ?? '—'} (${fr ? `${fr.lo}..${fr.hi}` : (o.forecast?.phases.migrate?.[c] ?? 0)})`);
        }
      }
    } finally {
      await lab.dropSession(box.target);
      await testboxDown(name);
    }
  }
  await lab.close();
}
main().then(() => process.exit(0), (e) => (console.error(e), process.exit(1)));
