/**
 * Writes test/fixtures/sim-golden/<name>.json: what `numa-lab sim --json` prints today for every
 * GOLDEN_SPECS line. Run it only before a change that must keep the model's predictions
 * (npx tsx test/sim/golden/record.ts [name-filter]); simGolden.test.ts then compares.
 */
import { mkdirSync } from 'node:fs';
import { runCli } from '../../../src/main/cli/main';
import { GOLDEN_DIR, writeGolden } from './paths';
import { GOLDEN_SPECS } from './specs';

const filter = process.argv[2];
mkdirSync(GOLDEN_DIR, { recursive: true });
for (const s of GOLDEN_SPECS.filter((x) => !filter || x.name.includes(filter))) {
  const t0 = Date.now();
  let text = '';
  const status = await runCli(s.argv, (l) => ((text += `${l}\n`), true), (l) => process.stderr.write(`${l}\n`));
  if (status !== 0) throw new Error(`${s.name}: exit ${status}`);
  writeGolden(s.name, text);
  console.log(`${s.name}: ${text.length} bytes in ${Date.now() - t0} ms`);
}
process.exit(0);
