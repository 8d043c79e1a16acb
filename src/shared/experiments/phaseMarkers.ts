/**
 * The phase lines drawn on an experiment's charts: one per phase start ("setup", "migrate", ...),
 * and starts closer together than `mergeFraction` of the time span share one line and one label
 * ("baseline · setup"). Why: with no baseline a run's baseline, setup and the workload's own
 * "setup begins" fall within milliseconds, and four labels printed on top of each other are
 * unreadable. Ends are not drawn: each phase ends where the next begins.
 */
export interface PhaseEvent {
  t: number;
  text: string;
}

export interface PhaseMarker {
  t: number;
  label: string;
}

export function phaseMarkers(events: readonly PhaseEvent[], span: number, mergeFraction = 0.06): PhaseMarker[] {
  const starts = events
    .map((e) => ({ t: e.t, m: /^(.*\S)\s+begins$/.exec(e.text) }))
    .filter((e): e is { t: number; m: RegExpExecArray } => e.m !== null)
    .map((e) => ({ t: e.t, phase: e.m[1]! }))
    .sort((a, b) => a.t - b.t);
  const out: Array<{ t: number; phases: string[] }> = [];
  const near = Math.max(0, span) * mergeFraction;
  for (const s of starts) {
    const last = out.at(-1);
    if (last && s.t - last.t <= near) {
      if (!last.phases.includes(s.phase)) last.phases.push(s.phase);
    } else {
      out.push({ t: s.t, phases: [s.phase] });
    }
  }
  return out.map((m) => ({ t: m.t, label: m.phases.join(' · ') }));
}
