/**
 * `numa-lab sim --json` is byte-identical to what the model printed before a change meant to keep
 * its predictions (test/fixtures/sim-golden, written by test/sim/golden/record.ts). Fields added
 * since the outputs were recorded are listed in ADDED and left out of the comparison; everything
 * else — counters per phase, events, the trace, the forecast ranges — must match to the byte.
 */
import { describe, expect, it } from 'vitest';
import { runCli } from '../../src/main/cli/main';
import { readGolden } from './golden/paths';
import { GOLDEN_SPECS } from './golden/specs';

/** Paths (dot-separated) of fields the outputs gained after they were recorded. */
const ADDED: string[] = ['variant.base', 'variant.behaviours', 'variant.overrides', 'variant.ignored', 'variant.notes'];

function withoutAdded(json: unknown): unknown {
  const copy = JSON.parse(JSON.stringify(json)) as Record<string, unknown>;
  for (const path of ADDED) {
    const keys = path.split('.');
    let o: Record<string, unknown> | undefined = copy;
    for (const k of keys.slice(0, -1)) o = o?.[k] as Record<string, unknown> | undefined;
    if (o) delete o[keys[keys.length - 1]!];
  }
  return copy;
}

describe('sim --json byte-identical to the recorded outputs', () => {
  for (const s of GOLDEN_SPECS) {
    it(s.name, { timeout: 120_000 }, async () => {
      const before = readGolden(s.name);
      expect(before, `no recorded output for ${s.name}: run npx tsx test/sim/golden/record.ts ${s.name}`).toBeDefined();
      let text = '';
      const status = await runCli(s.argv, (l) => ((text += `${l}\n`), true), () => true);
      expect(status).toBe(0);
      const now = `${JSON.stringify(withoutAdded(JSON.parse(text)), null, 2)}\n`;
      if (now !== before) {
        const a = before!.split('\n');
        const b = now.split('\n');
        const i = a.findIndex((l, j) => l !== b[j]);
        expect(`line ${i + 1}: ${b[i]}`, `${s.argv.join(' ')} differs from its recorded output`).toBe(`line ${i + 1}: ${a[i]}`);
      }
    });
  }
});
