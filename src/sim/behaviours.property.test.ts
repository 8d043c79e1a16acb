/**
 * The presets are nothing but their switch sets: a prediction with every switch given at the
 * preset's own value, or any one switch given at it, is the preset's prediction; a switch the
 * rules call ignored changes nothing whatever its value.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BEHAVIOUR_KEYS, BEHAVIOUR_RULES, behaviourValues, presetBehaviours, refusedCombination, type BehaviourOverrides } from '../shared/sim/behaviours';
import { simulate } from './simulate';
import { TWO_NODE_GUEST } from './test_helpers';
import { VARIANT_NAMES } from './variants';

const arbSpec = fc.record({
  workload: fc.constantFrom('thp-move', 'mbind-move', 'numa-touch'),
  thps: fc.integer({ min: 1, max: 4 }),
  unmap: fc.constantFrom(0, 0.5, 0.25),
  thp: fc.constantFrom(0, 1, 1),
});

function predict(kernel: string, s: { workload: string; thps: number; unmap: number; thp: number }, behaviours?: BehaviourOverrides) {
  const params: Record<string, number> = s.workload === 'numa-touch' ? { thps: s.thps, unmap: s.unmap, thp: s.thp, secs: 4 } : { thps: s.thps, unmap: s.unmap, thp: s.thp };
  const r = simulate({ topology: TWO_NODE_GUEST, kernel, workload: s.workload, params, knobs: { 'thp.enabled': 'always' }, ...(behaviours ? { variant: { behaviours } } : {}) });
  return { phases: r.phases, deltas: r.deltas, events: r.events, trace: r.trace, bug: r.bug, movePages: r.movePages };
}

describe('presets are their switch sets', () => {
  it("a preset with every switch given at its own value predicts the preset's numbers", () => {
    fc.assert(
      fc.property(fc.constantFrom(...VARIANT_NAMES), arbSpec, (preset, s) => {
        expect(predict(preset, s, presetBehaviours(preset))).toEqual(predict(preset, s));
      }),
      { numRuns: 25 },
    );
  });

  it('--behaviour with the preset\'s own value changes nothing', () => {
    fc.assert(
      fc.property(fc.constantFrom(...VARIANT_NAMES), fc.constantFrom(...BEHAVIOUR_KEYS), arbSpec, (preset, key, s) => {
        expect(predict(preset, s, { [key]: presetBehaviours(preset)[key] })).toEqual(predict(preset, s));
      }),
      { numRuns: 40 },
    );
  });

  it('the base preset does not matter beyond its switches, for workloads without a process image fact', () => {
    // thp-move's exec image comes from facts traced per kernel (facts/), which are not switches; the
    // region itself is modelled by the switches alone: compare the migrate phase only.
    fc.assert(
      fc.property(fc.constantFrom(...VARIANT_NAMES), fc.constantFrom(...VARIANT_NAMES), arbSpec, (a, b, s) => {
        const spec = { ...s, workload: s.workload === 'numa-touch' ? 'thp-move' : s.workload };
        expect(predict(a, spec, presetBehaviours(b)).phases.migrate).toEqual(predict(b, spec).phases.migrate);
      }),
      { numRuns: 25 },
    );
  });
});

describe('an ignored switch changes nothing', () => {
  it.each(BEHAVIOUR_RULES.filter((r) => r.effect === 'ignored').map((r) => [r.key, r.when, r] as const))('%s when %s makes it unreachable', (_k, _w, rule) => {
    fc.assert(
      fc.property(fc.constantFrom(...VARIANT_NAMES), arbSpec, (preset, s) => {
        const base = { ...presetBehaviours(preset), [rule.when]: rule.whenValues[0]! };
        if (refusedCombination(base)) return;
        const outs = behaviourValues(rule.key).map((v) => predict(preset, s, { ...base, [rule.key]: v }));
        for (const o of outs.slice(1)) expect(o).toEqual(outs[0]);
      }),
      { numRuns: 15 },
    );
  });
});
