import type { CliCommand } from './commands';
import { labFromFlags } from './labFromFlags';
import { UsageError } from './args';
import { KNOB_GROUPS, type HostKnobs, type KnobState } from '../../shared/knobs';
import type { KnobRestoreResult, KnobSetResult, KnobWriteResult } from '../../shared/knobs/api';

function allowedText(k: KnobState): string {
  if (k.allowed) return k.allowed.join(' ');
  if (k.range) return `${k.range.min}..${k.range.max}`;
  return '';
}

export function formatKnobsText(h: HostKnobs): string {
  const lines = [`knobs of ${h.target} (kernel ${h.kernelRelease}; debugfs ${h.debugfs}${h.debugfsNote ? `: ${h.debugfsNote}` : ''})`];
  const w = Math.max(...h.knobs.map((k) => k.id.length));
  for (const g of KNOB_GROUPS) {
    const ks = h.knobs.filter((k) => k.group === g.id);
    if (!ks.length) continue;
    lines.push('', `${g.title}:`);
    for (const k of ks) {
      const value = !k.present ? `absent (${k.absentReason})` : k.current === null ? `unreadable (${k.readError})` : k.current;
      const orig = k.original !== null && k.original !== k.current ? `  [original ${k.original}]` : '';
      const allowed = k.present && k.current !== null ? `  allowed: ${allowedText(k)}${k.unit ? ` ${k.unit}` : ''}` : '';
      lines.push(`  ${k.id.padEnd(w)}  ${value}${orig}${allowed}`);
    }
  }
  return lines.join('\n');
}

function formatWrite(r: KnobWriteResult): string {
  return r.ok
    ? `${r.id}: ${r.before ?? '?'} -> ${r.after ?? '?'}`
    : `${r.id}: the kernel refused ${JSON.stringify(r.requested)} (${r.errno ?? 'error'}: ${r.error}); it is still ${r.after ?? 'unreadable'}`;
}

/** `thp.enabled=always` words → {id: value}; a word without `=` is a usage error. */
export function parseAssignments(words: string[]): Record<string, string> {
  const values: Record<string, string> = {};
  for (const w of words) {
    const eq = w.indexOf('=');
    if (eq <= 0) throw new UsageError(`expected name=value (e.g. thp.enabled=always numa.balancing=1), got ${JSON.stringify(w)}`);
    values[w.slice(0, eq)] = w.slice(eq + 1);
  }
  return values;
}

const json = { name: 'json', type: 'bool' as const, help: 'print JSON' };

export const knobsGetCommand: CliCommand = {
  words: ['knobs', 'get'],
  usage: 'numa-lab knobs get <target> [--json]',
  summary: "list a host's THP and NUMA-balancing knobs: current, original, allowed values",
  flags: [json],
  async run({ positionals, flags, out }) {
    if (positionals.length !== 1) throw new UsageError('knobs get needs exactly one <target>, e.g. local');
    const lab = labFromFlags(flags);
    try {
      const h = (await lab.dispatch('knobs.list', { target: positionals[0] })) as HostKnobs;
      out(flags.json ? JSON.stringify(h, null, 2) : formatKnobsText(h));
      return 0;
    } finally {
      await lab.close();
    }
  },
};

export const knobsSetCommand: CliCommand = {
  words: ['knobs', 'set'],
  usage: 'numa-lab knobs set <target> name=value ... [--json]',
  summary: 'validate and write knobs (journaled first; `knobs restore` puts the originals back)',
  flags: [json],
  async run({ positionals, flags, out, err }) {
    if (positionals.length < 2) throw new UsageError('knobs set needs a <target> and at least one name=value, e.g. knobs set local thp.enabled=always');
    const values = parseAssignments(positionals.slice(1));
    const lab = labFromFlags(flags);
    try {
      const r = (await lab.dispatch('knobs.set', { target: positionals[0], values, origin: 'cli' })) as KnobSetResult;
      // A change asked for on the command line is meant to last: no later start of the lab undoes it.
      lab.knobs.release(r.target);
      if (flags.json) out(JSON.stringify(r, null, 2));
      else for (const w of r.results) (w.ok ? out : err)(formatWrite(w));
      return r.results.every((w) => w.ok) ? 0 : 1;
    } finally {
      await lab.close();
    }
  },
};

export const knobsRestoreCommand: CliCommand = {
  words: ['knobs', 'restore'],
  usage: 'numa-lab knobs restore <target> [--json]',
  summary: 'put back the original value of every knob the lab changed on a host',
  flags: [json],
  async run({ positionals, flags, out, err }) {
    if (positionals.length !== 1) throw new UsageError('knobs restore needs exactly one <target>, e.g. local');
    const lab = labFromFlags(flags);
    try {
      const r = (await lab.dispatch('knobs.restore', { target: positionals[0] })) as KnobRestoreResult;
      if (flags.json) out(JSON.stringify(r, null, 2));
      else {
        for (const w of r.results) (w.ok ? out : err)(formatWrite(w));
        out(`${r.restored} restored, ${r.failed} failed${r.results.length ? '' : ' (nothing to restore)'}`);
      }
      return r.failed === 0 ? 0 : 1;
    } finally {
      await lab.close();
    }
  },
};
