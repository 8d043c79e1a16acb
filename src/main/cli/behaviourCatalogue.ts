import { BEHAVIOUR_KEYS, BEHAVIOUR_RULES, BEHAVIOURS, behaviourValues, PRESET_NAMES } from '../../shared/sim/behaviours';

/** `numa-lab sim --behaviours --json`: every switch, its values, each preset's value and the sources. */
export function behaviourCatalogue() {
  return {
    presets: [...PRESET_NAMES],
    behaviours: BEHAVIOUR_KEYS.map((key) => {
      const d = BEHAVIOURS[key];
      return { key, values: [...behaviourValues(key)], summary: d.summary, functions: [...d.functions], presets: { ...d.presets }, sources: { ...d.sources } };
    }),
    rules: BEHAVIOUR_RULES.map((r) => ({ ...r, values: [...r.values], whenValues: [...r.whenValues] })),
  };
}

/** The text form: a table of every switch by preset, then each switch's sources and the rules. */
export function formatBehaviourCatalogue(): string {
  const head = ['behaviour', ...PRESET_NAMES];
  const rows = BEHAVIOUR_KEYS.map((k) => [k, ...PRESET_NAMES.map((p) => BEHAVIOURS[k].presets[p])]);
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd();
  const out = [line(head), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line), ''];
  for (const k of BEHAVIOUR_KEYS) {
    const d = BEHAVIOURS[k];
    out.push(`${k}: ${behaviourValues(k).join(' | ')}`, `  ${d.summary}`, `  in: ${d.functions.join('; ')}`);
    for (const [v, src] of Object.entries(d.sources)) out.push(`  ${v}: ${src}`);
    out.push('');
  }
  out.push('rules:');
  for (const r of BEHAVIOUR_RULES) out.push(`  ${r.key}=${r.values.join('|')} with ${r.when}=${r.whenValues.join('|')}: ${r.effect} — ${r.why}`);
  return out.join('\n');
}
