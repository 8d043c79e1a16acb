import { writeFileSync } from 'node:fs';
import type { CliCommand } from './commands';
import { labFromFlags } from './labFromFlags';
import { UsageError } from './args';
import { exportRun } from '../telemetry/exportRun';

export const runsListCommand: CliCommand = {
  words: ['runs', 'list'],
  usage: 'numa-lab runs list [--json]',
  summary: 'list sampling runs, newest first, with their status',
  flags: [{ name: 'json', type: 'bool', help: 'print the runs as JSON' }],
  async run({ positionals, flags, out }) {
    if (positionals.length) throw new UsageError('runs list takes no arguments');
    const lab = labFromFlags(flags);
    try {
      const runs = lab.telemetry.repo.list({ limit: 10000 });
      if (flags.json) out(JSON.stringify(runs, null, 2));
      else if (!runs.length) out('no runs yet; start one with: numa-lab sample local --duration 30s');
      else
        for (const r of runs)
          out(
            `${String(r.id).padStart(5)}  ${r.startedAt}  ${r.target.padEnd(16)} ${r.status.padEnd(16)} ${String(r.samples).padStart(7)} samples ${(r.lastT ?? 0).toFixed(1).padStart(8)} s  ${r.rateHz} Hz${r.statusReason ? `  ${r.statusReason}` : ''}`,
          );
      return 0;
    } finally {
      await lab.close();
    }
  },
};

export const runsExportCommand: CliCommand = {
  words: ['runs', 'export'],
  usage: 'numa-lab runs export <id> --format csv|json [--output file]',
  summary: 'write a run (samples with units and counter/gauge kinds, events) as CSV or JSON',
  flags: [
    { name: 'format', type: 'string', valueName: 'csv|json', help: 'csv: one row per sample time; json: lossless, with events' },
    { name: 'output', type: 'string', valueName: 'file', help: 'write to a file instead of stdout' },
  ],
  async run({ positionals, flags, out }) {
    if (positionals.length !== 1 || !/^[1-9]\d{0,15}$/.test(positionals[0])) throw new UsageError('runs export needs one run <id> (a positive integer, see numa-lab runs list)');
    if (flags.format !== 'csv' && flags.format !== 'json') throw new UsageError(`--format must be csv or json${typeof flags.format === 'string' ? `; got ${JSON.stringify(flags.format)}` : ''}`);
    const lab = labFromFlags(flags);
    try {
      const id = Number(positionals[0]);
      let file;
      try {
        file = exportRun(lab.telemetry.repo, id, flags.format);
      } catch (e) {
        if ((e as { code?: string }).code === 'not-found') throw new UsageError(`there is no run ${id}; see numa-lab runs list`);
        throw e;
      }
      if (typeof flags.output === 'string') writeFileSync(flags.output, file.content);
      else process.stdout.write(file.content);
      void out;
      return 0;
    } finally {
      await lab.close();
    }
  },
};
