import type { CliCommand } from './commands';
import { labFromFlags } from './labFromFlags';
import { UsageError } from './args';
import { describeAll, listHostCounters } from '../telemetry/hostCounters';
import type { CounterDesc } from '../../shared/telemetry/api';

/** The words of a search: every one must appear in the name, unit, kind, source or meaning. */
function matches(c: CounterDesc, words: string[]): boolean {
  const hay = `${c.name} ${c.unit} ${c.kind === 'gauge' ? 'level gauge' : 'counter event'} ${c.source} ${c.family} ${c.meaning}`.toLowerCase();
  return words.every((w) => hay.includes(w));
}

export const countersCommand: CliCommand = {
  words: ['counters'],
  usage: 'numa-lab counters <target> [--search WORDS] [--json]',
  summary: "every counter the host has (vmstat, numastat per node, mTHP stats): kind, unit, and where the kind comes from",
  flags: [
    { name: 'search', type: 'string', valueName: 'words', help: 'only counters whose name, unit, kind or meaning hold every word' },
    { name: 'json', type: 'bool', help: 'print the counters as JSON' },
  ],
  async run({ positionals, flags, out }) {
    if (positionals.length !== 1) throw new UsageError('counters needs exactly one <target>, e.g. local');
    const words = typeof flags.search === 'string' ? flags.search.toLowerCase().split(/\s+/).filter(Boolean) : [];
    const lab = labFromFlags(flags);
    try {
      const session = await lab.session(positionals[0]);
      const all = describeAll(await listHostCounters(session));
      const shown = all.filter((c) => matches(c, words));
      if (flags.json) out(JSON.stringify({ target: session.target, counters: shown }, null, 2));
      else {
        const w = Math.max(4, ...shown.map((c) => c.name.length));
        out(`${'name'.padEnd(w)}  kind     unit         kind from         meaning`);
        for (const c of shown) {
          const kind = c.kind === 'gauge' ? 'level' : 'counter';
          const from = c.kindFrom === 'kernel' ? c.source : `inferred (${c.source})`;
          out(`${c.name.padEnd(w)}  ${kind.padEnd(7)}  ${c.unit.padEnd(11)}  ${from.padEnd(16)}  ${c.meaning}`);
        }
        out(`${shown.length} of ${all.length} counters on ${session.target}`);
      }
      return 0;
    } finally {
      await lab.close();
    }
  },
};
