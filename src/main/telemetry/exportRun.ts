import { atSampleTimes } from '../../shared/telemetry/series';
import type { TelemetryRepo } from '../store/telemetryRepo';

/**
 * A run as a file. Both formats carry the metadata a replay needs (PCP's archive header): host,
 * kernel, clock, and per counter its unit and counter/gauge semantics, with where the kind came
 * from (`kindFrom`: the kernel's definition, or inferred from the run) and the kernel's home of
 * the name (`source`: a vmstat section, numastat, meminfo, mthp_stat).
 * - csv: one row per sample time with the full state (values carried forward from the stored
 *   changes); `#` lines first (run, unit, kind), then the header `t_s,<counter>...`; an empty
 *   cell = the counter was absent at that time.
 * - json: lossless and compact: every sample time, and per counter only its change points.
 */
export function exportRun(repo: TelemetryRepo, runId: number, format: 'csv' | 'json'): { filename: string; mime: string; content: string } {
  const run = repo.detail(runId);
  const changes = repo.allChanges(runId);
  const times = repo.sampleTimes(runId);
  const names = [...changes.keys()].sort();
  const events = repo.events(runId);
  const base = `numa-lab-run-${runId}`;
  if (format === 'json') {
    const doc = {
      format: 'numa-lab-run',
      version: 1,
      run,
      counters: names.map((n) => repo.describeIn(runId, n)).map((c) => ({ name: c.name, unit: c.unit, kind: c.kind, kindFrom: c.kindFrom, source: c.source, family: c.family, meaning: c.meaning })),
      times: Array.from(times, (t) => t / 1000),
      samples: Object.fromEntries(names.map((n) => [n, changes.get(n)!])),
      events,
    };
    return { filename: `${base}.json`, mime: 'application/json', content: JSON.stringify(doc) };
  }
  const cols = names.map((n) => {
    const ch = changes.get(n)!;
    return atSampleTimes(
      times,
      Float64Array.from(ch, (c) => c[0] * 1000),
      Float64Array.from(ch, (c) => (c[1] === null ? Number.NaN : c[1])),
    );
  });
  const lines: string[] = [
    `# numa-lab run ${runId}; target ${run.target}; kernel ${run.kernel ?? '?'}; clock ${run.hostClock ?? '?'}; status ${run.status}; started ${run.startedAt}`,
    `# unit,${names.map((n) => repo.describeIn(runId, n).unit).join(',')}`,
    `# kind,${names.map((n) => repo.describeIn(runId, n).kind).join(',')}`,
    `t_s,${names.join(',')}`,
  ];
  for (let i = 0; i < times.length; i++) {
    let row = (times[i] / 1000).toFixed(3);
    for (const c of cols) row += Number.isNaN(c[i]) ? ',' : `,${c[i]}`;
    lines.push(row);
  }
  return { filename: `${base}.csv`, mime: 'text/csv', content: `${lines.join('\n')}\n` };
}
